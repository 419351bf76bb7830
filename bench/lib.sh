# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Shared by the figure scripts (bench/figN_*.sh); sourced, never run.
#
# Every figure script takes the same options:
#   --quick            a short smoke run (CI): fewer repeats, shorter storms
#   --build-dir DIR    the build tree holding the programs (default: build-bench)
#   --results DIR      where the figure writes its section (default: DIR/bench/results)
# and ends with one of these exit statuses:
#   0   measured (whether or not the targets are met: a benchmark reports)
#   1   the measurement itself failed (a program crashed, outputs disagree)
#   77  a precondition is missing (not root, no BTF, execsnoop not installed,
#       binaries not built); the section says which, nothing is faked
#
# A figure writes RESULTS/figN.md (its section of docs/benchmarks.md) and
# RESULTS/figN.targets (one "target|measured|verdict" line per target).

BENCH_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_TOP=$(cd "$BENCH_SRC/.." && pwd)
BENCH_SKIP=77
BTF_PATH=/sys/kernel/btf/vmlinux
EXECSNOOP=${EXECSNOOP:-/usr/sbin/execsnoop}
TRACEFS=/sys/kernel/tracing

# bench_init FIG TITLE "$@": parse the common options, set up the work dir.
bench_init()
{
	FIG=$1
	FIG_TITLE=$2
	shift 2
	QUICK=0
	BUILD=$BENCH_TOP/build-bench
	RESULTS=
	while [ $# -gt 0 ]; do
		case "$1" in
		--quick) QUICK=1 ;;
		--build-dir) BUILD=$(cd "$2" && pwd); shift ;;
		--results) RESULTS=$2; shift ;;
		-h|--help)
			echo "usage: $(basename "$0") [--quick] [--build-dir DIR] [--results DIR]"
			exit 0 ;;
		*) echo "$FIG: unknown option '$1'" >&2; exit 2 ;;
		esac
		shift
	done
	BIN=$BUILD/bench
	AGENT=$BUILD/user/tools/execsensor
	OFFSETS=$BUILD/user/tools/execsensor-offsets
	RESULTS=${RESULTS:-$BUILD/bench/results}
	mkdir -p "$RESULTS"
	SECTION=$RESULTS/$FIG.md
	TARGETS=$RESULTS/$FIG.targets
	: >"$TARGETS"
	printf '## %s\n\n' "$FIG_TITLE" >"$SECTION"
	WORK=$(mktemp -d "/tmp/execsensor-bench-$FIG.XXXXXX")
	SENSOR_PIDS=()
	trap bench_cleanup EXIT
	echo "== $FIG: $FIG_TITLE$([ "$QUICK" = 1 ] && echo ' (quick)')"
}

# On any exit: stop what we started, restore what we changed, drop the work dir.
bench_cleanup()
{
	local pid
	for pid in "${SENSOR_PIDS[@]}"; do
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	done
	if [ -n "${STATS_SYSCTL_SAVED:-}" ]; then
		sysctl -q -w kernel.bpf_stats_enabled="$STATS_SYSCTL_SAVED" >/dev/null || true
	fi
	rm -rf "$WORK"
}

# Write a line (or a heredoc from stdin when no argument) to the section.
emit()
{
	if [ $# -gt 0 ]; then
		printf '%s\n' "$*" >>"$SECTION"
	else
		cat >>"$SECTION"
	fi
}

# target TEXT MEASURED VERDICT, VERDICT one of: met, not met, not measured
target()
{
	printf '%s|%s|%s\n' "$1" "$2" "$3" >>"$TARGETS"
}

# A missing precondition: say it on stderr and in the section, exit 77.
skip()
{
	echo "$FIG: not measured: $*" >&2
	emit "**Not measured:** $*"
	emit ""
	exit "$BENCH_SKIP"
}

fail()
{
	echo "$FIG: FAILED: $*" >&2
	emit "**Measurement failed:** $*"
	emit ""
	exit 1
}

need_root()
{
	[ "$(id -u)" -eq 0 ] || skip "needs root (CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN to load BPF)"
}

need_btf()
{
	[ -r "$BTF_PATH" ] || skip "no kernel BTF at $BTF_PATH (CONFIG_DEBUG_INFO_BTF off?)"
}

# need_built NAME PATH: a program from the build tree.
need_built()
{
	[ -x "$2" ] || skip "$1 is not built ($2 missing; build with: cmake --build $BUILD)"
}

need_execsnoop()
{
	[ -x "$EXECSNOOP" ] ||
		skip "libbpf-tools execsnoop is not installed ($EXECSNOOP; run: scripts/setup bench)"
}

# Syscall tracepoints need tracefs; execsnoop does not mount it itself.
need_tracefs()
{
	if [ ! -d "$TRACEFS/events/syscalls" ]; then
		mount -t tracefs nodev "$TRACEFS" 2>/dev/null ||
			skip "tracefs is not mounted at $TRACEFS and mounting it failed"
		echo "$FIG: mounted tracefs at $TRACEFS (syscall tracepoints need it); left mounted"
	fi
	[ -d "$TRACEFS/events/syscalls/sys_enter_execve" ] ||
		skip "the kernel has no syscalls:sys_enter_execve tracepoint (CONFIG_FTRACE_SYSCALLS off)"
}

# summarize: numbers on stdin -> "MEDIAN MIN MAX N" (median of an even count:
# mean of the middle two).
summarize()
{
	sort -g | awk '{ v[NR] = $1 }
		END {
			if (NR == 0) { print "nan nan nan 0"; exit }
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%.6g %.6g %.6g %d\n", m, v[1], v[NR], NR
		}'
}

# fmt_stat "MEDIAN MIN MAX N" DECIMALS -> "MEDIAN [MIN, MAX]"
fmt_stat()
{
	echo "$1" | awk -v d="$2" '{ printf "%.*f [%.*f, %.*f]", d, $1, d, $2, d, $3 }'
}

# calc EXPR: floating-point arithmetic with awk, e.g. calc "3 / 2"
calc()
{
	awk "BEGIN { printf \"%.6g\", $1 }"
}

# A unique string to tag the execs of one run (argv[1] of the storm's children).
new_marker()
{
	echo "esbench-$$-$RANDOM$RANDOM-$1"
}

# start_execsensor OUTFILE [AGENT ARGS...]: start the agent writing JSON lines
# to OUTFILE and return once an exec has gone all the way through it.
# Sets SENSOR_PID and READY_MS (wall time from start to that first event).
start_execsensor()
{
	local out=$1 marker t0 line
	shift
	rm -f "$out"
	marker=$(new_marker ready)
	t0=$EPOCHREALTIME
	"$AGENT" --format json --output "$out" "$@" >"$WORK/agent.stdout" 2>"$WORK/agent.stderr" &
	SENSOR_PID=$!
	SENSOR_PIDS+=("$SENSOR_PID")
	if ! line=$("$BIN/wait_event" -f "$out" -m "$marker" -s "$t0" \
			-S '"event":"startup"' -t 20); then
		tail -5 "$WORK/agent.stderr" >&2
		kill -0 "$SENSOR_PID" 2>/dev/null || fail "execsensor exited at start: $(tail -1 "$WORK/agent.stderr")"
		fail "execsensor delivered no event within 20 s"
	fi
	READY_MS=$(sed -n 's/.*ready_ms=\([0-9.]*\).*/\1/p' <<<"$line")
	STARTUP_MS=$(sed -n 's/.*string_ms=\([-0-9.]*\).*/\1/p' <<<"$line")
}

# start_execsnoop OUTFILE: start libbpf-tools execsnoop writing to OUTFILE and
# return once all its programs are attached. Its stdout is a file, so it
# buffers its lines: readiness is read from its BPF links, not its output.
# Sets SENSOR_PID and READY_MS (wall time from start to attached).
start_execsnoop()
{
	local out=$1 i progs t0
	rm -f "$out"
	t0=$EPOCHREALTIME
	"$EXECSNOOP" >"$out" 2>"$WORK/execsnoop.stderr" &
	SENSOR_PID=$!
	SENSOR_PIDS+=("$SENSOR_PID")
	for i in $(seq 1000); do
		kill -0 "$SENSOR_PID" 2>/dev/null ||
			fail "execsnoop exited at start: $(tail -1 "$WORK/execsnoop.stderr")"
		progs=$("$BIN/bpf_prog_stats" "$SENSOR_PID" 2>/dev/null || true)
		# Attached when it holds programs and a link to each of them.
		if [ -n "$progs" ] && awk '$5 != 1 { exit 1 }' <<<"$progs"; then
			READY_MS=$(calc "($EPOCHREALTIME - $t0) * 1000")
			return 0
		fi
		sleep 0.01
	done
	fail "execsnoop did not attach its programs within 10 s"
}

# stop_sensor PID SIGNAL: ask the sensor to stop and wait for it (at most 30 s).
stop_sensor()
{
	local pid=$1 sig=$2 i rc=0
	kill -s "$sig" "$pid" 2>/dev/null || true
	for i in $(seq 300); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		# Say where it is stuck before killing it.
		local state wchan
		state=$(awk '/^State:/ { print $2, $3 }' "/proc/$pid/status" 2>/dev/null)
		wchan=$(cat "/proc/$pid/wchan" 2>/dev/null)
		kill -KILL "$pid"
		wait "$pid" 2>/dev/null || true
		fail "sensor $pid did not stop within 30 s of SIG$sig (state $state, wchan ${wchan:-?})"
	fi
	wait "$pid" || rc=$?
	return "$rc"
}

# storm ARGS...: run exec_storm, print its summary line, fail if it fails.
storm()
{
	local line
	line=$("$BIN/exec_storm" "$@") || fail "exec_storm $* failed: $line"
	echo "$line"
}

# field NAME LINE: a key=value from a summary line.
field()
{
	sed -n "s/.*\\b$1=\\([-0-9.]*\\).*/\\1/p" <<<"$2"
}

# match_events EVENTS_JSON STORM_LOG MARKER PROGRAM: match the sensor's exec
# events for the storm's children (their argv has MARKER, their filename is
# PROGRAM) against the storm's log, pid by pid (pids wrap around on long
# storms, so each log line is matched at most once). Prints:
#   spawned=N received=R missing=M right_parent=P ppid_zero=Z kernel=K procfs=F unknown=U fork=K
match_events()
{
	awk -v marker="$3" -v prog="$4" '
	function num(key,    m) {
		if (!match($0, "\"" key "\":-?[0-9]+"))
			return ""
		m = substr($0, RSTART, RLENGTH)
		sub(/^.*:/, "", m)
		return m + 0
	}
	function str(key,    m) {
		if (!match($0, "\"" key "\":\"[^\"]*\""))
			return ""
		m = substr($0, RSTART + length(key) + 4, RLENGTH - length(key) - 5)
		return m
	}
	FNR == NR {
		# The storm log: CHILD_PID PARENT_PID EXIT_STATUS
		spawned++
		by_pid[$1]++
		by_pair[$1 " " $2]++
		next
	}
	index($0, "\"event\":\"exec\"") && index($0, marker) && str("filename") == prog {
		pid = num("pid")
		if (!(by_pid[pid] > 0))
			next
		by_pid[pid]--
		received++
		ppid = num("ppid")
		if (by_pair[pid " " ppid] > 0) {
			by_pair[pid " " ppid]--
			right++
		}
		if (ppid == 0)
			zero++
		src[str("ppid_source")]++
	}
	END {
		printf "spawned=%d received=%d missing=%d right_parent=%d ppid_zero=%d " \
		       "kernel=%d procfs=%d unknown=%d fork=%d\n", spawned, received,
		       spawned - received, right, zero, src["kernel"], src["procfs"], src["unknown"],
		       src["fork"]
	}' "$2" "$1"
}

# last_stats_field EVENTS_JSON KEY: KEY of the last stats record ("" if none).
last_stats_field()
{
	grep '"event":"stats"' "$1" | tail -1 |
		sed -n "s/.*\"$2\":\\([0-9]*\\).*/\\1/p"
}

# CPU seconds (user + system) a process has used so far.
proc_cpu_seconds()
{
	# Fields after the ")" that ends comm: state is the 1st, utime the 12th, stime the 13th.
	sed 's/.*) //' "/proc/$1/stat" | awk -v hz="$(getconf CLK_TCK)" '{ print ($12 + $13) / hz }'
}

# Peak resident set of a process, in kB.
vm_hwm_kb()
{
	awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"
}

# Resident kB of a process's BPF map mappings (the ring buffer: the kernel's
# pages, mapped twice so that records can wrap), a part of its RSS.
bpf_map_rss_kb()
{
	awk '/^[0-9a-f]+-[0-9a-f]+ / { bpf = ($6 == "anon_inode:bpf-map") }
	     bpf && /^Rss:/ { kb += $2 }
	     END { print kb + 0 }' "/proc/$1/smaps"
}
