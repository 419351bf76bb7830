#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Figure 2: per-exec cost in the kernel. With kernel.bpf_stats_enabled=1, the
# kernel times every run of every BPF program (run_time_ns, run_cnt). Two
# storms run under three sensors, in one run, the order rotating each round:
#   - storms: "literal" (children execl() string literals, whose .rodata page
#     a fresh child has not mapped: exec_storm -L) and "stack" (the strings
#     are on the child's stack, present);
#   - sensors: execsensor, execsensor --no-lineage (no fork and exit
#     records: what lineage costs), execsensor --no-context (no credentials,
#     login, tty or namespaces: what the exec context costs), libbpf-tools execsnoop, and the floor (bench/floor:
#     one clock read and one 64-byte ring record at sched_process_exec), with
#     beside it an empty program at the same point, whose measured run is the
#     kernel's own timing of one run ("bare").
# Each program's cost per run is delta run_time_ns / delta run_cnt; a sensor's
# cost per exec is its programs' summed delta run_time_ns over the execs (the
# most runs of any of its programs but the one at sched_process_exit, which
# also runs for the host's other exits). "Net" subtracts one bare run per
# program run: sensors that run 4 programs per exec pay the timing 4 times.
# The sysctl is restored afterwards. Targets: execsensor at least 8x below
# execsnoop on both storms, within 2x of the floor, <= 256 ring-buffer bytes
# per /bin/true exec. The numbers are drawn as RESULTS/fig2_kernel_cost.svg
# (gnuplot), which scripts/bench puts beside the report.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_init fig2 "2. Per-exec cost in the kernel (bpf_stats)" "$@"

need_root
need_btf
need_execsnoop
need_built execsensor "$AGENT"
for p in exec_storm bpf_prog_stats wait_event floor; do need_built "$p" "$BIN/$p"; done
[ -r "$BIN/floor.bpf.o" ] || skip "the floor program is not built ($BIN/floor.bpf.o missing)"
need_tracefs
[ -w /proc/sys/kernel/bpf_stats_enabled ] ||
	skip "kernel.bpf_stats_enabled is not writable (kernel without BPF run-time stats?)"

repeats=5 seconds=5
[ "$QUICK" = 1 ] && repeats=1 seconds=2
sensors=(execsensor execsensor-nolineage execsensor-nocontext execsnoop floor)
storms=(literal stack)
SVG=fig2_kernel_cost.svg

STATS_SYSCTL_SAVED=$(sysctl -n kernel.bpf_stats_enabled)
sysctl -q -w kernel.bpf_stats_enabled=1

# start_floor OUTFILE: the floor programs, attached (they print "attached").
start_floor()
{
	local i
	"$BIN/floor" "$BIN/floor.bpf.o" >"$1" 2>"$WORK/floor.stderr" &
	SENSOR_PID=$!
	SENSOR_PIDS+=("$SENSOR_PID")
	for i in $(seq 1000); do
		grep -q '^attached' "$1" 2>/dev/null && return 0
		kill -0 "$SENSOR_PID" 2>/dev/null ||
			fail "floor exited at start: $(tail -1 "$WORK/floor.stderr")"
		sleep 0.01
	done
	fail "the floor programs did not attach within 10 s"
}

# measure SENSOR STORM REP: one storm under one sensor. Appends
# "SENSOR STORM REP PROGRAM DCNT DNS" per program to $WORK/progs (the floor's
# empty program as sensor "bare"), "SENSOR STORM REP NS_PER_EXEC EXECS
# RUNS_PER_EXEC" per sensor to $WORK/per_exec, and for execsensor
# "STORM REP RING_BYTES EXEC_EVENTS" to $WORK/ring.
measure()
{
	local sensor=$1 storm_kind=$2 rep=$3 out=$WORK/$1.out args=(-d "$seconds")
	[ "$storm_kind" = literal ] && args+=(-L)
	case "$sensor" in
	execsensor) start_execsensor "$out" ;;
	execsensor-nolineage) start_execsensor "$out" --no-lineage ;;
	execsensor-nocontext) start_execsensor "$out" --no-context ;;
	execsnoop) start_execsnoop "$out" ;;
	floor) start_floor "$out" ;;
	esac
	"$BIN/bpf_prog_stats" "$SENSOR_PID" >"$WORK/before" || fail "$sensor holds no BPF program"
	storm "${args[@]}" >/dev/null
	"$BIN/bpf_prog_stats" "$SENSOR_PID" >"$WORK/after" || fail "$sensor holds no BPF program"
	case "$sensor" in
	execsnoop) stop_sensor "$SENSOR_PID" INT || fail "execsnoop exited $? on SIGINT" ;;
	*) stop_sensor "$SENSOR_PID" TERM || fail "$sensor exited $? on SIGTERM" ;;
	esac
	if [ "$sensor" = execsensor ]; then
		echo "$storm_kind $rep $(last_stats_field "$out" ring_bytes)" \
			"$(last_stats_field "$out" events)" >>"$WORK/ring"
	fi
	awk -v s="$sensor" -v k="$storm_kind" -v r="$rep" \
		-v progs="$WORK/progs" -v per_exec="$WORK/per_exec" '
		FNR == NR { cnt[$1] = $3; ns[$1] = $4; next }
		{
			who = $2 ~ /^floor_bare/ ? "bare" : s
			label = ($2 ~ /^floor_/ || $6 == "-") ? $2 : $6
			dcnt = $3 - cnt[$1]; dns = $4 - ns[$1]
			print who, k, r, label, dcnt, dns >>progs
			total[who] += dns; runs[who] += dcnt
			if (label != "sched_process_exit" && dcnt > execs[who]) execs[who] = dcnt
		}
		END {
			for (w in total)
				print w, k, r, (execs[w] ? total[w] / execs[w] : "nan"), execs[w],
				      (execs[w] ? runs[w] / execs[w] : "nan") >>per_exec
		}
		' "$WORK/before" "$WORK/after"
}

: >"$WORK/progs"
: >"$WORK/per_exec"
: >"$WORK/ring"
for rep in $(seq "$repeats"); do
	for storm_kind in "${storms[@]}"; do
		# Rotate which sensor goes first, so none always runs on a warmer host.
		for i in "${!sensors[@]}"; do
			measure "${sensors[$(((rep + i) % ${#sensors[@]}))]}" "$storm_kind" "$rep"
		done
	done
	echo "fig2: round $rep/$repeats: $(awk -v r="$rep" '$3 == r && $1 != "bare" {
		printf "%s/%s %.0f  ", $1, $2, $4 }' "$WORK/per_exec") ns/exec"
done

# per_exec_stat SENSOR STORM [net]: "MEDIAN MIN MAX N" of ns per exec over the
# rounds; net: less one bare run (that round's, same storm) per program run.
per_exec_stat()
{
	awk -v s="$1" -v k="$2" -v net="${3:-}" '
		$2 != k { next }
		$1 == "bare" { bare[$3] = $4 }
		$1 == s { v[$3] = $4; rpe[$3] = $6 }
		END { for (r in v) print (net ? v[r] - rpe[r] * bare[r] : v[r]) }
		' "$WORK/per_exec" | summarize
}

med() { echo "${1%% *}"; }

emit "Each storm runs ${seconds} s on 2 workers under each sensor, $repeats round(s), the" \
	"sensors rotating. *literal*: children \`execl(\"/bin/true\", \"true\", ...)\` on string" \
	"literals, whose page a child has not mapped since fork. *stack*: the same strings on the" \
	"child's stack, present. *execsensor-nolineage*, *execsensor-nocontext*: the agent with" \
	"\`--no-lineage\`, \`--no-context\`. *floor*: one clock read and one 64-byte ring record at" \
	"\`sched_process_exec\` (\`bench/floor.bpf.c\`), the least a sensor can do; *bare*: an empty" \
	"program beside it, whose measured run is the kernel's own timing of one run" \
	"(\`kernel.bpf_stats_enabled\`). Per program: kernel time per run (delta run_time_ns / delta" \
	"run_cnt), median [min, max] over the rounds; runs counted while the sensor was attached" \
	"(all the host's execs and exits, the storm's included). execsensor's \`clock_pair\` is" \
	"attached nowhere: the agent runs it once per poll, to read exit records' jiffies as times."
emit ""
emit "| storm | sensor | program (attach point) | runs per round | ns per run |"
emit "| --- | --- | --- | --- | --- |"
for storm_kind in "${storms[@]}"; do
	for sensor in "${sensors[@]}" bare; do
		for name in $(awk -v s="$sensor" -v k="$storm_kind" '$1 == s && $2 == k { print $4 }' \
				"$WORK/progs" | sort -u); do
			sel='$1 == s && $2 == k && $4 == n'
			runs=$(awk -v s="$sensor" -v k="$storm_kind" -v n="$name" "$sel"' { print $5 }' \
				"$WORK/progs" | summarize)
			per_run=$(awk -v s="$sensor" -v k="$storm_kind" -v n="$name" \
				"$sel"' && $5 > 0 { print $6 / $5 }' "$WORK/progs" | summarize)
			if [ "${per_run##* }" = 0 ]; then txt="not run"; else txt=$(fmt_stat "$per_run" 0); fi
			emit "| $storm_kind | $sensor | $name | $(fmt_stat "$runs" 0) | $txt |"
		done
	done
done
emit ""
emit "| storm | sensor | kernel ns per exec (all programs) | net of the timing | program runs per exec | execs per round |"
emit "| --- | --- | --- | --- | --- | --- |"
declare -A raw net
for storm_kind in "${storms[@]}"; do
	for sensor in "${sensors[@]}"; do
		raw[$sensor/$storm_kind]=$(per_exec_stat "$sensor" "$storm_kind")
		net[$sensor/$storm_kind]=$(per_exec_stat "$sensor" "$storm_kind" net)
		sel='$1 == s && $2 == k'
		rpe=$(awk -v s="$sensor" -v k="$storm_kind" "$sel"' { print $6 }' "$WORK/per_exec" | summarize)
		execs=$(awk -v s="$sensor" -v k="$storm_kind" "$sel"' { print $5 }' "$WORK/per_exec" | summarize)
		emit "| $storm_kind | $sensor | $(fmt_stat "${raw[$sensor/$storm_kind]}" 0) |" \
			"$(fmt_stat "${net[$sensor/$storm_kind]}" 0) | $(fmt_stat "$rpe" 2) | $(med "$execs") |"
	done
done
emit ""

# The picture: ns per exec per sensor and storm, stacked by program.
if command -v gnuplot >/dev/null; then
	# One row per sensor/storm, one column per program: its ns per exec
	# (delta run_time_ns over that round's execs), median over the rounds.
	order=""
	for storm_kind in "${storms[@]}"; do
		for sensor in "${sensors[@]}"; do order="$order $sensor/$storm_kind"; done
	done
	awk -v order="$order" '
		function sort(v, n,    i, j, t) {
			for (i = 2; i <= n; i++)
				for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
		}
		function median(list,    v, n, i) {
			n = split(list, v, " ")
			for (i = 1; i <= n; i++) v[i] += 0
			sort(v, n)
			return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		}
		NR == FNR { execs[$1, $2, $3] = $5; next }
		$1 != "bare" && execs[$1, $2, $3] > 0 {
			bar = $1 "/" $2
			vals[bar, $4] = vals[bar, $4] " " $6 / execs[$1, $2, $3]
			if (!($4 in seen)) { seen[$4] = 1; prog[++np] = $4 }
		}
		END {
			sort(prog, np)
			printf "bar"
			for (p = 1; p <= np; p++) printf " %s", prog[p]
			printf "\n"
			nb = split(order, bars, " ")
			for (b = 1; b <= nb; b++) {
				printf "%s", bars[b]
				for (p = 1; p <= np; p++)
					printf " %g", (bars[b], prog[p]) in vals ? median(vals[bars[b], prog[p]]) : 0
				printf "\n"
			}
		}' "$WORK/per_exec" "$WORK/progs" >"$WORK/fig2.norm"
	gnuplot <<-EOF || fail "gnuplot failed"
		set terminal svg size 900,460 dynamic noenhanced font "sans,11"
		set output "$RESULTS/$SVG"
		set title "Kernel time per exec (bpf_stats), median of $repeats round(s)"
		set style data histograms
		set style histogram rowstacked
		set style fill solid 0.85 border -1
		set boxwidth 0.7
		set ylabel "ns per exec"
		set key outside right top vertical
		set xtics rotate by -25
		set grid ytics
		plot for [i=2:$(head -1 "$WORK/fig2.norm" | wc -w)] "$WORK/fig2.norm" using i:xtic(1) title columnheader(i)
	EOF
	emit "![Kernel time per exec, by sensor, storm and program]($SVG)"
	emit ""
else
	emit "(No picture: gnuplot is not installed; \`scripts/setup bench\` installs it.)"
	emit ""
fi

ring=$(awk '$1 == "stack" && $4 > 0 { print $3 / $4 }' "$WORK/ring" | summarize)
emit "Ring-buffer bytes per exec, execsensor (the stats record's \`ring_bytes\` / \`events\`:" \
	"the exec record and the child's fork and exit records): stack storm $(fmt_stat "$ring" 0), literal storm" \
	"$(fmt_stat "$(awk '$1 == "literal" && $4 > 0 { print $3 / $4 }' "$WORK/ring" | summarize)" 0)."
emit ""

for storm_kind in "${storms[@]}"; do
	emit "$storm_kind storm: lineage (the fork and exit records) adds" \
		"$(printf %.0f "$(calc "$(med "${raw[execsensor/$storm_kind]}") - $(med "${raw[execsensor-nolineage/$storm_kind]}")")")" \
		"ns per exec (medians, execsensor against \`--no-lineage\`); without it execsensor is" \
		"$(printf %.1fx "$(calc "$(med "${raw[execsnoop/$storm_kind]}") / $(med "${raw[execsensor-nolineage/$storm_kind]}")")")" \
		"below execsnoop."
	emit "$storm_kind storm: the exec context (credentials, login, tty, namespaces) adds" \
		"$(printf %.0f "$(calc "$(med "${raw[execsensor/$storm_kind]}") - $(med "${raw[execsensor-nocontext/$storm_kind]}")")")" \
		"ns per exec (medians, execsensor against \`--no-context\`)."
done
emit ""
for storm_kind in "${storms[@]}"; do
	ours=$(med "${raw[execsensor/$storm_kind]}")
	theirs=$(med "${raw[execsnoop/$storm_kind]}")
	ratio=$(calc "$theirs / $ours")
	target "$storm_kind storm: kernel time per exec >= 8x below execsnoop's" \
		"$(printf '%.1fx (%.0f vs %.0f ns)' "$ratio" "$ours" "$theirs")" \
		"$(awk -v r="$ratio" 'BEGIN { print (r >= 8 ? "met" : "not met") }')"
done
for storm_kind in "${storms[@]}"; do
	r_raw=$(calc "$(med "${raw[execsensor/$storm_kind]}") / $(med "${raw[floor/$storm_kind]}")")
	r_net=$(calc "$(med "${net[execsensor/$storm_kind]}") / $(med "${net[floor/$storm_kind]}")")
	target "$storm_kind storm: kernel time per exec within 2x of the floor" \
		"$(printf '%.2fx; net of the timing %.2fx' "$r_raw" "$r_net")" \
		"$(awk -v a="$r_raw" -v b="$r_net" 'BEGIN {
			print (a <= 2 ? "met" : b <= 2 ? "met net of the timing only" : "not met") }')"
done
target "ring-buffer bytes per /bin/true exec <= 256" "$(printf '%.0f' "$(med "$ring")")" \
	"$(awk -v v="$(med "$ring")" 'BEGIN { print (v > 0 && v <= 256 ? "met" : "not met") }')"
echo "fig2: execsensor $(med "${raw[execsensor/literal]}")/$(med "${raw[execsensor/stack]}") ns/exec," \
	"execsnoop $(med "${raw[execsnoop/literal]}")/$(med "${raw[execsnoop/stack]}")," \
	"floor $(med "${raw[floor/literal]}")/$(med "${raw[floor/stack]}") (literal/stack)"
