#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Figure 7: the whole cost of a sensor per exec, at a steady exec rate, as fleets
# compare sensors (Sysmon for Linux's perftest runs execs at a steady rate, not a
# storm). A user's bill is the whole process: the BPF programs, and the agent that
# reads, enriches and writes.
#   - load: bench/exec_storm -r RATE for a fixed time (2 workers), at 100, 500 and
#     1000 execs per second (or as many as the host holds: the table says what was);
#   - sensors, rotating each round: none, execsensor writing JSON lines to a file,
#     execsensor writing ECS to a file, libbpf-tools execsnoop writing to a file,
#     and auditd (Debian's, its own configuration, one rule for execve and
#     execveat) logging to a file;
#   - the sensor's own CPU: its threads' time on CPU (/proc/PID/task/*/schedstat,
#     nanoseconds), auditd's with the kernel's kauditd thread's;
#   - its kernel-side CPU: for the BPF sensors, their programs' run time
#     (kernel.bpf_stats_enabled); for auditd, whose work is in the exec's own
#     syscall, the load's CPU (exec_storm's workers and children) over the same
#     round's run without a sensor. The BPF sensors get that column too, as a
#     cross-check of the first.
# Per exec: divided by the load's children (the host's other execs in the window
# are counted as extra forks, and said). Targets (issue "The whole cost of a
# sensor"): execsensor's own CPU per exec at 100/s at most 8 us for JSON and 10 us
# for ECS, with lineage and context on; its whole cost per exec at least 4x below
# execsnoop's at the same rate. Drawn as RESULTS/fig7_whole_cost.svg.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_init fig7 "7. Whole cost per exec at a steady rate (the sensor's own CPU and its kernel side)" "$@"

need_root
need_btf
need_execsnoop
need_built execsensor "$AGENT"
for p in exec_storm bpf_prog_stats wait_event; do need_built "$p" "$BIN/$p"; done
need_tracefs
[ -w /proc/sys/kernel/bpf_stats_enabled ] ||
	skip "kernel.bpf_stats_enabled is not writable (kernel without BPF run-time stats?)"
command -v auditd >/dev/null && command -v auditctl >/dev/null ||
	skip "auditd is not installed (package auditd; run: scripts/setup bench)"
auditctl -s >/dev/null 2>&1 || skip "auditctl -s failed: no kernel audit, or no CAP_AUDIT_CONTROL"
[ "$(auditctl -s | awk '$1 == "pid" { print $2 }')" = 0 ] ||
	skip "an audit daemon already runs (auditctl -s names pid $(auditctl -s | awk '$1 == "pid" { print $2 }'))"

rates=(100 500 1000) rounds=3
[ "$QUICK" = 1 ] && rates=(100) rounds=1
sensors=(none execsensor execsensor-ecs execsnoop auditd)
SVG=fig7_whole_cost.svg

# Seconds of load at RATE: 15 s at 100/s (the perftest's), 10 s above.
window() { [ "$QUICK" = 1 ] && echo 2 || { [ "$1" -le 100 ] && echo 15 || echo 10; }; }

STATS_SYSCTL_SAVED=$(sysctl -n kernel.bpf_stats_enabled)
AUDIT_ENABLED_SAVED=$(auditctl -s | awk '$1 == "enabled" { print $2 }')
sysctl -q -w kernel.bpf_stats_enabled=1
stop_audit()
{
	auditctl -D >/dev/null 2>&1 || true
	auditctl -e "$AUDIT_ENABLED_SAVED" >/dev/null 2>&1 || true
}
trap 'stop_audit; bench_cleanup' EXIT

# CPU nanoseconds the threads of processes PID... have run so far.
cpu_ns()
{
	local pid
	for pid in "$@"; do
		cat /proc/"$pid"/task/*/schedstat 2>/dev/null
	done | awk '{ ns += $1 } END { printf "%.0f\n", ns }'
}

# Forks since boot (/proc/stat "processes"): the host's, the load's included.
forks() { awk '$1 == "processes" { print $2 }' /proc/stat; }

# start_auditd: Debian's auditd with a configuration of its own (a log in the
# work dir, no rotation), then one rule: every execve and execveat. Sets
# SENSOR_PID and AUDIT_PIDS (auditd and the kernel's kauditd thread).
start_auditd()
{
	local dir=$WORK/audit i
	mkdir -p "$dir"
	cat >"$dir/auditd.conf" <<-EOF
		log_file = $dir/audit.log
		log_format = ENRICHED
		flush = INCREMENTAL_ASYNC
		freq = 50
		max_log_file = 4096
		max_log_file_action = IGNORE
		space_left = 2
		admin_space_left = 1
		disk_full_action = IGNORE
		disk_error_action = IGNORE
	EOF
	chmod 0640 "$dir/auditd.conf"
	auditd -c "$dir" -n >"$WORK/auditd.stdout" 2>"$WORK/auditd.stderr" &
	SENSOR_PID=$!
	SENSOR_PIDS+=("$SENSOR_PID")
	for i in $(seq 500); do
		[ "$(auditctl -s | awk '$1 == "pid" { print $2 }')" = "$SENSOR_PID" ] && break
		kill -0 "$SENSOR_PID" 2>/dev/null || fail "auditd exited at start: $(tail -1 "$WORK/auditd.stderr")"
		sleep 0.01
	done
	auditctl -a always,exit -F arch=b64 -S execve,execveat -k execsensor-bench >/dev/null ||
		fail "auditctl could not add the execve rule"
	AUDIT_PIDS=("$SENSOR_PID" "$(pgrep -x kauditd | head -1)")
}

# measure SENSOR RATE ROUND: one window of load under one sensor. Appends
# "SENSOR RATE ROUND CHILDREN HELD_RATE OWN_NS KERNEL_NS LOAD_CPU_S EXTRA_FORKS"
# to $WORK/runs (KERNEL_NS: the programs' run time; - for none and auditd).
measure()
{
	local sensor=$1 rate=$2 round=$3 out=$WORK/$1.out pids=() own0 own1 f0 f1 line
	local bpf0=$WORK/bpf.before bpf1=$WORK/bpf.after kernel=-
	case "$sensor" in
	none) ;;
	execsensor) start_execsensor "$out"; pids=("$SENSOR_PID") ;;
	execsensor-ecs) start_execsensor "$out" --format ecs; pids=("$SENSOR_PID") ;;
	execsnoop) start_execsnoop "$out"; pids=("$SENSOR_PID") ;;
	auditd) start_auditd; pids=("${AUDIT_PIDS[@]}") ;;
	esac
	case "$sensor" in execsensor* | execsnoop) "$BIN/bpf_prog_stats" "$SENSOR_PID" >"$bpf0" ;; esac
	own0=$(cpu_ns "${pids[@]}")
	f0=$(forks)
	line=$(storm -w 2 -d "$(window "$rate")" -r "$rate")
	f1=$(forks)
	# What the sensor still had to read and write when the load ended is its cost too.
	sleep 0.5
	own1=$(cpu_ns "${pids[@]}")
	case "$sensor" in
	execsensor* | execsnoop)
		"$BIN/bpf_prog_stats" "$SENSOR_PID" >"$bpf1"
		kernel=$(awk 'FNR == NR { ns[$1] = $4; next } { d += $4 - ns[$1] } END { printf "%.0f", d }' \
			"$bpf0" "$bpf1")
		;;
	esac
	case "$sensor" in
	none) ;;
	execsnoop) stop_sensor "$SENSOR_PID" INT || fail "execsnoop exited $? on SIGINT" ;;
	auditd) stop_audit; stop_sensor "$SENSOR_PID" TERM || fail "auditd exited $? on SIGTERM" ;;
	*) stop_sensor "$SENSOR_PID" TERM || fail "$sensor exited $? on SIGTERM" ;;
	esac
	echo "$sensor $rate $round $(field children "$line") $(field rate "$line")" \
		"$((own1 - own0)) $kernel $(field cpu "$line")" \
		"$((f1 - f0 - $(field children "$line")))" >>"$WORK/runs"
}

: >"$WORK/runs"
for round in $(seq "$rounds"); do
	for rate in "${rates[@]}"; do
		for i in "${!sensors[@]}"; do
			measure "${sensors[$(((round + i) % ${#sensors[@]}))]}" "$rate" "$round"
		done
	done
	echo "fig7: round $round/$rounds: $(awk -v r="$round" '$3 == r && $1 != "none" && $4 > 0 {
		printf "%s@%s %.1f us  ", $1, $2, $6 / $4 / 1000 }' "$WORK/runs")(own CPU per exec)"
done

# per_exec SENSOR RATE WHAT: "MEDIAN MIN MAX N" over the rounds, in microseconds per
# exec, of WHAT: own, kernel (the programs; the load's CPU over none's for auditd),
# load (the load's CPU over none's), whole (own + kernel).
per_exec()
{
	awk -v s="$1" -v rate="$2" -v what="$3" '
		$2 != rate || $4 <= 0 { next }
		$1 == "none" { none[$3] = $8 / $4 * 1e6; next }
		$1 == s { own[$3] = $6 / $4 / 1000; bpf[$3] = $7; load[$3] = $8 / $4 * 1e6; n[$3] = $4 }
		END {
			for (r in own) {
				over = (r in none) ? load[r] - none[r] : "nan"
				kernel = bpf[r] == "-" ? over : bpf[r] / n[r] / 1000
				v = what == "own" ? own[r] : what == "load" ? over : \
				    what == "kernel" ? kernel : own[r] + kernel
				print v
			}
		}' "$WORK/runs" | summarize
}

med() { echo "${1%% *}"; }

emit "Each round runs the load at each rate under each sensor, the order rotating;" \
	"$rounds round(s), $(window 100) s at 100 execs/s and $(window 1000) s above; medians [min, max]" \
	"over the rounds, in microseconds per exec. *own*: the sensor's processes' CPU time" \
	"(auditd's with kauditd's); *kernel*: its BPF programs' run time, or for auditd (whose" \
	"work is in each exec's syscall) the load's CPU over the same round without a sensor;" \
	"*whole*: own + kernel; *load over none*: the load's CPU over the run without a sensor" \
	"(for every sensor: a coarse cross-check, exec itself costs milliseconds here)." \
	"execsensor runs with lineage and the exec context on (its defaults), writing to a file."
emit ""
emit "| rate asked | sensor | execs/s held | own | kernel | whole | load over none | host's other forks |"
emit "| --- | --- | --- | --- | --- | --- | --- | --- |"
declare -A whole own
for rate in "${rates[@]}"; do
	for sensor in "${sensors[@]}"; do
		[ "$sensor" = none ] && continue
		held=$(awk -v s="$sensor" -v r="$rate" '$1 == s && $2 == r { print $5 }' "$WORK/runs" | summarize)
		extra=$(awk -v s="$sensor" -v r="$rate" '$1 == s && $2 == r { print $9 }' "$WORK/runs" | summarize)
		own[$sensor/$rate]=$(per_exec "$sensor" "$rate" own)
		whole[$sensor/$rate]=$(per_exec "$sensor" "$rate" whole)
		emit "| $rate | $sensor | $(med "$held") | $(fmt_stat "${own[$sensor/$rate]}" 1) |" \
			"$(fmt_stat "$(per_exec "$sensor" "$rate" kernel)" 1) |" \
			"$(fmt_stat "${whole[$sensor/$rate]}" 1) |" \
			"$(fmt_stat "$(per_exec "$sensor" "$rate" load)" 1) | $(med "$extra") |"
	done
done
emit ""

if command -v gnuplot >/dev/null; then
	for sensor in "${sensors[@]}"; do
		[ "$sensor" = none ] && continue
		for rate in "${rates[@]}"; do
			echo "$sensor $rate $(med "${whole[$sensor/$rate]}") $(med "${own[$sensor/$rate]}")"
		done
	done >"$WORK/fig7.dat"
	gnuplot <<-EOF || fail "gnuplot failed"
		set terminal svg size 900,460 dynamic noenhanced font "sans,11"
		set output "$RESULTS/$SVG"
		set title "Whole CPU per exec (sensor process + kernel side), median of $rounds round(s)"
		set xlabel "execs per second asked"
		set ylabel "microseconds per exec"
		set logscale y
		set key outside right top vertical
		set grid
		set xtics ($(IFS=,; echo "${rates[*]}"))
		plot for [s in "$(printf '%s ' "${sensors[@]:1}")"] "$WORK/fig7.dat" \
			using 2:(strcol(1) eq s ? \$3 : 1/0) with linespoints title s
	EOF
	emit "![Whole CPU per exec against the exec rate, by sensor]($SVG)"
	emit ""
else
	emit "(No picture: gnuplot is not installed; \`scripts/setup bench\` installs it.)"
	emit ""
fi

base=${rates[0]}
for fmt in execsensor:8 execsensor-ecs:10; do
	sensor=${fmt%%:*} limit=${fmt#*:}
	v=$(med "${own[$sensor/$base]}")
	target "$sensor: own CPU per exec at $base/s <= $limit us" "$(printf '%.1f us' "$v")" \
		"$(awk -v v="$v" -v l="$limit" 'BEGIN { print (v <= l ? "met" : "not met") }')"
done
for rate in "${rates[@]}"; do
	ours=$(med "${whole[execsensor/$rate]}")
	theirs=$(med "${whole[execsnoop/$rate]}")
	ratio=$(calc "$theirs / $ours")
	target "whole cost per exec at $rate/s >= 4x below execsnoop's" \
		"$(printf '%.1fx (%.1f vs %.1f us)' "$ratio" "$ours" "$theirs")" \
		"$(awk -v r="$ratio" 'BEGIN { print (r >= 4 ? "met" : "not met") }')"
done
echo "fig7: whole per exec at $base/s: execsensor $(med "${whole[execsensor/$base]}") us," \
	"ECS $(med "${whole[execsensor-ecs/$base]}"), execsnoop $(med "${whole[execsnoop/$base]}")," \
	"auditd $(med "${whole[auditd/$base]}")"
