#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Figure 4: loss under a sustained exec storm. exec_storm runs at full rate
# (2 workers) for 60 s while execsensor writes JSON lines to a file; every
# child the storm logged must have its exec event (matched by pid, its argv
# carrying the run's marker), and the agent's final stats record says what it
# counts as lost (failed ring-buffer reservations).
# Target: 0 lost.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_init fig4 "4. Loss under a sustained exec storm" "$@"

need_root
need_btf
need_built execsensor "$AGENT"
for p in exec_storm wait_event; do need_built "$p" "$BIN/$p"; done

repeats=3 seconds=60
[ "$QUICK" = 1 ] && repeats=1 seconds=5

: >"$WORK/rounds"
for rep in $(seq "$repeats"); do
	# The same storm with the process table and without (--no-lineage): its cost.
	for lineage in on off; do
		args=()
		[ "$lineage" = off ] && args=(--no-lineage)
		marker=$(new_marker "loss$rep$lineage")
		start_execsensor "$WORK/events.json" "${args[@]}"
		line=$(storm -w 2 -d "$seconds" -l "$WORK/storm.log" -m "$marker")
		hwm=$(vm_hwm_kb "$SENSOR_PID")
		cpu=$(proc_cpu_seconds "$SENSOR_PID")
		stop_sensor "$SENSOR_PID" TERM || fail "execsensor exited $? on SIGTERM"
		lost=$(last_stats_field "$WORK/events.json" lost)
		[ -n "$lost" ] || fail "execsensor wrote no final stats record with a lost count"
		m=$(match_events "$WORK/events.json" "$WORK/storm.log" "$marker" /bin/true)
		echo "$rep $(field spawned "$m") $(field received "$m") $(field missing "$m") $lost" \
			"$(field rate "$line") $(field right_parent "$m") $(field kernel "$m") $hwm" \
			"$(calc "$cpu * 1e6 / $(field spawned "$m")") $lineage" >>"$WORK/rounds"
		echo "fig4: round $rep/$repeats lineage $lineage: $m lost=$lost rate=$(field rate "$line")/s"
	done
done

col() { awk -v c="$1" '{ print $c }' "$WORK/rounds" | summarize; }
# col_of MODE C: column C of the rounds with lineage MODE.
col_of() { awk -v c="$2" -v m="$1" '$11 == m { print $c }' "$WORK/rounds" | summarize; }
emit "exec_storm at full rate from 2 workers for $seconds s, $repeats round(s) each with lineage" \
	"on (the default: fork and exit records, the process table) and off (\`--no-lineage\`)," \
	"execsensor writing JSON lines to a file. Children spawned come from the storm's own log; an event" \
	"is received when an exec event with the run's marker and the child's pid is in the file;" \
	"lost is the agent's final stats record (failed ring-buffer reservations); right parent:" \
	"the event's ppid is the worker that forked the child, kernel: its \`ppid_source\` is \"kernel\"."
emit ""
emit "| round | lineage | children spawned | events received | missing | lost (agent stats) | execs per second | right parent | kernel parent | agent peak RSS (MiB) | agent CPU per exec (us) |"
emit "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
while read -r rep spawned received missing lost rate right kernel hwm cpu_us lineage; do
	emit "| $rep | $lineage | $spawned | $received | $missing | $lost | $(printf %.0f "$rate") | $right |" \
		"$kernel | $(printf %.2f "$(calc "$hwm / 1024")") | $(printf %.1f "$cpu_us") |"
done <"$WORK/rounds"
for lineage in on off; do
	emit "| median [min, max] | $lineage | $(fmt_stat "$(col_of $lineage 2)" 0) | $(fmt_stat "$(col_of $lineage 3)" 0) |" \
		"$(fmt_stat "$(col_of $lineage 4)" 0) | $(fmt_stat "$(col_of $lineage 5)" 0) | $(fmt_stat "$(col_of $lineage 6)" 0) |" \
		"$(fmt_stat "$(col_of $lineage 7)" 0) | $(fmt_stat "$(col_of $lineage 8)" 0) |" \
		"$(fmt_stat "$(awk -v m=$lineage '$11 == m { print $9 / 1024 }' "$WORK/rounds" | summarize)" 2) |" \
		"$(fmt_stat "$(col_of $lineage 10)" 1) |"
done
emit ""
med() { col_of "$1" "$2" | cut -d' ' -f1; }
emit "The table's cost (medians, lineage on against off in the same rounds): peak RSS" \
	"$(printf %.2f "$(calc "$(med on 9) / 1024")") against $(printf %.2f "$(calc "$(med off 9) / 1024")") MiB, agent CPU" \
	"$(printf %.1f "$(med on 10)") against $(printf %.1f "$(med off 10)") us per exec; the RSS" \
	"includes the ring buffer's 2 MiB mapping."
emit ""

max_lost=$(col 5 | cut -d' ' -f3)
max_missing=$(col 4 | cut -d' ' -f3)
target "0 events lost in a ${seconds} s storm" \
	"lost $(printf %.0f "$max_lost"), missing $(printf %.0f "$max_missing") (worst round)" \
	"$(awk -v l="$max_lost" -v m="$max_missing" 'BEGIN { print (l == 0 && m == 0 ? "met" : "not met") }')"
worst_kernel=$(awk '{ v = $2 ? 100 * ($7 < $8 ? $7 : $8) / $2 : 0; print v }' "$WORK/rounds" |
	summarize | cut -d' ' -f2)
target "100% kernel parents (right and from the kernel) in a ${seconds} s storm" \
	"$(printf %.2f%% "$worst_kernel") (worst round)" \
	"$(awk -v v="$worst_kernel" 'BEGIN { print (v == 100 ? "met" : "not met") }')"
max_hwm=$(awk '$11 == "on" { print $9 / 1024 }' "$WORK/rounds" | summarize | cut -d' ' -f3)
target "agent peak RSS < 16 MiB in a ${seconds} s storm, process table on" \
	"$(printf '%.2f MiB' "$max_hwm") (worst round)" \
	"$(awk -v v="$max_hwm" 'BEGIN { print (v < 16 ? "met" : "not met") }')"
echo "fig4: worst round lost=$(printf %.0f "$max_lost") missing=$(printf %.0f "$max_missing")"
