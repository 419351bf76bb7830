#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Figure 5: parent accuracy on short-lived children. The storm's log holds each
# child's true parent (the worker that forked it). With the parent read in the
# kernel, and with --no-kernel-ppid (the /proc/<pid>/status fallback, what
# userspace-only agents do), the fraction of the storm's events whose ppid is
# the true parent, and the fraction with ppid 0.
# Target: 100% right in kernel mode.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_init fig5 "5. Parent accuracy on short-lived children" "$@"

need_root
need_btf
need_built execsensor "$AGENT"
for p in exec_storm wait_event; do need_built "$p" "$BIN/$p"; done

repeats=3 seconds=10
[ "$QUICK" = 1 ] && repeats=1 seconds=2
modes=(kernel procfs)

# run_mode MODE ROUND: appends "MODE ROUND RECEIVED RIGHT ZERO KERNEL PROCFS UNKNOWN".
run_mode()
{
	local mode=$1 marker m args=()
	[ "$mode" = procfs ] && args=(--no-kernel-ppid)
	marker=$(new_marker "parent-$mode$2")
	start_execsensor "$WORK/events.json" "${args[@]}"
	storm -w 2 -d "$seconds" -l "$WORK/storm.log" -m "$marker" >/dev/null
	stop_sensor "$SENSOR_PID" TERM || fail "execsensor exited $? on SIGTERM"
	m=$(match_events "$WORK/events.json" "$WORK/storm.log" "$marker" /bin/true)
	[ "$(field received "$m")" -gt 0 ] || fail "no event of the storm's children in $mode mode"
	echo "$mode $2 $(field received "$m") $(field right_parent "$m") $(field ppid_zero "$m")" \
		"$(field kernel "$m") $(field procfs "$m") $(field unknown "$m")" >>"$WORK/rounds"
	echo "fig5: $mode round $2/$repeats: $m"
}

: >"$WORK/rounds"
for rep in $(seq "$repeats"); do
	if [ $((rep % 2)) = 1 ]; then order="kernel procfs"; else order="procfs kernel"; fi
	for mode in $order; do
		run_mode "$mode" "$rep"
	done
done

# pct MODE NUMERATOR_COLUMN: per-round percentage of received, summarized.
pct()
{
	awk -v m="$1" -v c="$2" '$1 == m { print 100 * $c / $3 }' "$WORK/rounds" | summarize
}
total() { awk -v m="$1" -v c="$2" '$1 == m { s += $c } END { print s + 0 }' "$WORK/rounds"; }

emit "exec_storm from 2 workers for $seconds s per round, $repeats round(s) per mode (modes" \
	"alternating). A child's true parent is the worker that forked it (from the storm's log)." \
	"Percentages of the storm's events received, median [min, max] over the rounds;" \
	"ppid_source counts summed over the rounds."
emit ""
emit "| mode | events | ppid = true parent (%) | ppid = 0 (%) | ppid_source kernel / procfs / unknown |"
emit "| --- | --- | --- | --- | --- |"
declare -A right
for mode in "${modes[@]}"; do
	label="parent read in the kernel"
	[ "$mode" = procfs ] && label="--no-kernel-ppid (/proc fallback)"
	right[$mode]=$(pct "$mode" 4)
	emit "| $label | $(total "$mode" 3) | $(fmt_stat "${right[$mode]}" 2) |" \
		"$(fmt_stat "$(pct "$mode" 5)" 2) |" \
		"$(total "$mode" 6) / $(total "$mode" 7) / $(total "$mode" 8) |"
done
emit ""

worst=$(echo "${right[kernel]}" | cut -d' ' -f2)
target "parent accuracy 100% in kernel mode" "$(printf %.2f%% "$worst") (worst round)" \
	"$(awk -v v="$worst" 'BEGIN { print (v >= 100 ? "met" : "not met") }')"
echo "fig5: right parent: kernel $(fmt_stat "${right[kernel]}" 2)%, procfs $(fmt_stat "${right[procfs]}" 2)%"
