#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Figure 6: agent footprint. Time from starting execsensor to the first event
# delivered (a probe child is exec'd every millisecond until its event is in the
# output file; the startup record's arrival is reported too), and the agent's
# peak RSS (VmHWM) after an exec storm. execsnoop's peak RSS under the same storm,
# and its time to attach, are given for scale.
# Targets: under 100 ms to the first event, under 6 MiB peak RSS with the
# default ring buffer.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_init fig6 "6. Agent footprint" "$@"

need_root
need_btf
need_built execsensor "$AGENT"
for p in exec_storm wait_event bpf_prog_stats; do need_built "$p" "$BIN/$p"; done
have_execsnoop=1
if [ ! -x "$EXECSNOOP" ]; then
	have_execsnoop=0
	echo "fig6: $EXECSNOOP not installed: no execsnoop row (run: scripts/setup bench)"
fi
[ "$have_execsnoop" = 0 ] || need_tracefs

repeats=5 seconds=10
[ "$QUICK" = 1 ] && repeats=1 seconds=2

: >"$WORK/rounds"
for rep in $(seq "$repeats"); do
	start_execsensor "$WORK/events.json"
	ready_ms=$READY_MS
	storm -w 2 -d "$seconds" >/dev/null
	hwm=$(vm_hwm_kb "$SENSOR_PID")
	ring=$(bpf_map_rss_kb "$SENSOR_PID")
	stop_sensor "$SENSOR_PID" TERM || fail "execsensor exited $? on SIGTERM"
	echo "execsensor $rep $ready_ms $STARTUP_MS $hwm $ring" >>"$WORK/rounds"
	if [ "$have_execsnoop" = 1 ]; then
		start_execsnoop "$WORK/execsnoop.txt"
		storm -w 2 -d "$seconds" >/dev/null
		snoop_hwm=$(vm_hwm_kb "$SENSOR_PID")
		stop_sensor "$SENSOR_PID" INT || fail "execsnoop exited $? on SIGINT"
		echo "execsnoop $rep $READY_MS nan $snoop_hwm" >>"$WORK/rounds"
	fi
	echo "fig6: round $rep/$repeats: execsensor first event $ready_ms ms, VmHWM $hwm kB"
done

stat() { awk -v s="$1" -v c="$2" '$1 == s && $c != "nan" { print $c }' "$WORK/rounds" | summarize; }
ready=$(stat execsensor 3)
startup=$(stat execsensor 4)
hwm_mb=$(awk '$1 == "execsensor" { print $5 / 1024 }' "$WORK/rounds" | summarize)
ring_mb=$(awk '$1 == "execsensor" { print $6 / 1024 }' "$WORK/rounds" | summarize)

emit "$repeats round(s). Start to first event: from the agent's exec until an exec event of a" \
	"probe child (exec'd every millisecond) is in its output file; start to startup record:" \
	"until the startup record is in it. Peak RSS: VmHWM from /proc/<pid>/status after a" \
	"$seconds s exec storm (2 workers). Median [min, max]."
emit ""
emit "| sensor | start to first event (ms) | start to startup record (ms) | peak RSS during storm (MiB) |"
emit "| --- | --- | --- | --- |"
emit "| execsensor | $(fmt_stat "$ready" 1) | $(fmt_stat "$startup" 1) | $(fmt_stat "$hwm_mb" 2) |"
if [ "$have_execsnoop" = 1 ]; then
	snoop_mb=$(awk '$1 == "execsnoop" { print $5 / 1024 }' "$WORK/rounds" | summarize)
	emit "| execsnoop | $(fmt_stat "$(stat execsnoop 3)" 1) (to programs attached; its" \
		"output is buffered, so delivery is not observable) | - | $(fmt_stat "$snoop_mb" 2) |"
fi
emit ""
emit "Of execsensor's peak RSS, $(fmt_stat "$ring_mb" 2) MiB is its ring buffer's mapping: the" \
	"BPF map's pages, which the kernel allocates whether or not they are mapped, mapped twice" \
	"(data area and its wrap-around alias) at the default 1 MiB size (\`--ringbuf-size\` sets" \
	"it). The target counts it; the rest is the agent's own memory."
emit ""

ready_med=${ready%% *}
hwm_max=$(echo "$hwm_mb" | cut -d' ' -f3)
target "start to first event < 100 ms" "$(printf '%.1f ms' "$ready_med")" \
	"$(awk -v v="$ready_med" 'BEGIN { print (v < 100 ? "met" : "not met") }')"
target "peak RSS < 6 MiB (default ring buffer)" "$(printf '%.2f MiB' "$hwm_max") (worst round)" \
	"$(awk -v v="$hwm_max" 'BEGIN { print (v < 6 ? "met" : "not met") }')"
echo "fig6: first event $(fmt_stat "$ready" 1) ms, peak RSS $(fmt_stat "$hwm_mb" 2) MiB"
