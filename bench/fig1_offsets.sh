#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Figure 1: offset resolution, whole process, on this host's vmlinux BTF.
# execsensor-offsets against a libbpf btf__parse resolver (bench/btf_resolve_libbpf.c)
# and `pahole -C task_struct`: wall time and peak RSS of the whole process,
# runs interleaved (A B C A B C ...) so host noise hits all alike.
# Target: at least 4x faster and 4x less peak memory than libbpf.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_init fig1 "1. Offset resolution (whole process, $BTF_PATH)" "$@"

need_btf
need_built execsensor-offsets "$OFFSETS"
need_built btf_resolve_libbpf "$BIN/btf_resolve_libbpf"
need_built run_repeat "$BIN/run_repeat"
PAHOLE=$(command -v pahole || true)
[ -n "$PAHOLE" ] || skip "pahole is not installed (package dwarves; run: scripts/setup bench)"
command -v python3 >/dev/null || skip "python3 is not installed (run: scripts/setup)"

repeats=200
[ "$QUICK" = 1 ] && repeats=15

# All three do the same work: the same BTF, the same two fields (the sensor's
# table has grown beyond the two that the libbpf resolver looks up).
fields=(task_struct.real_parent task_struct.tgid)

# The three must agree before their speed means anything.
"$OFFSETS" --btf "$BTF_PATH" --json "${fields[@]}" >"$WORK/offsets.json" ||
	fail "execsensor-offsets --json exited $?"
python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
for f in doc["fields"]:
    if f["field"] in ("task_struct.real_parent", "task_struct.tgid"):
        print(f["field"], f["offset"] if f["resolved"] else "absent")
' "$WORK/offsets.json" | sort >"$WORK/ours"
"$BIN/btf_resolve_libbpf" "$BTF_PATH" | sort >"$WORK/libbpf" ||
	fail "btf_resolve_libbpf exited $?"
"$PAHOLE" -C task_struct 2>/dev/null |
	awk '/[ *]real_parent;/ { o = $0; sub(/.*\/\* */, "", o); print "task_struct.real_parent", o + 0 }
	     /[ *]tgid;/ { o = $0; sub(/.*\/\* */, "", o); print "task_struct.tgid", o + 0 }' |
	sort >"$WORK/pahole"
if ! cmp -s "$WORK/ours" "$WORK/libbpf" || ! cmp -s "$WORK/ours" "$WORK/pahole"; then
	fail "the resolvers disagree: execsensor-offsets: $(tr '\n' ' ' <"$WORK/ours");" \
		"libbpf: $(tr '\n' ' ' <"$WORK/libbpf"); pahole: $(tr '\n' ' ' <"$WORK/pahole")"
fi
[ "$(wc -l <"$WORK/ours")" -eq 2 ] || fail "execsensor-offsets did not resolve both fields"

echo "fig1: $repeats interleaved runs of each"
"$BIN/run_repeat" -n "$repeats" -W 3 -- "$OFFSETS" --btf "$BTF_PATH" "${fields[@]}" \
	::: "$BIN/btf_resolve_libbpf" "$BTF_PATH" \
	::: "$PAHOLE" -C task_struct \
	::: /bin/true >"$WORK/runs" || fail "a measured command failed (run_repeat exited $?)"

names=("execsensor-offsets" "libbpf btf__parse resolver" "pahole -C task_struct"
	"/bin/true (launcher floor)")
declare -a wall rss
for i in 0 1 2 3; do
	wall[$i]=$(awk -v i="$i" '$1 == i { print $2 / 1e6 }' "$WORK/runs" | summarize)
	rss[$i]=$(awk -v i="$i" '$1 == i { print $3 / 1024 }' "$WORK/runs" | summarize)
done
med() { echo "${1%% *}"; }

t_ratio=$(calc "$(med "${wall[1]}") / $(med "${wall[0]}")")
m_ratio=$(calc "$(med "${rss[1]}") / $(med "${rss[0]}")")
tp_ratio=$(calc "$(med "${wall[2]}") / $(med "${wall[0]}")")
mp_ratio=$(calc "$(med "${rss[2]}") / $(med "${rss[0]}")")

emit "All three resolve the same offsets on this kernel:" \
	"$(awk '{ printf "%s%s = %s", (NR > 1 ? ", " : ""), $1, $2 }' "$WORK/ours")."
emit ""
emit "Whole process (exec to exit), $repeats runs each, interleaved, after 3 warm-up rounds;" \
	"peak RSS is wait4's ru_maxrss. Median [min, max]."
emit ""
emit "| program | wall time (ms) | peak RSS (MiB) |"
emit "| --- | --- | --- |"
for i in 0 1 2 3; do
	emit "| ${names[$i]} | $(fmt_stat "${wall[$i]}" 2) | $(fmt_stat "${rss[$i]}" 2) |"
done
emit ""
emit "Ratios of medians: libbpf / execsensor-offsets = **$(printf %.1f "$t_ratio")x time**," \
	"**$(printf %.1f "$m_ratio")x peak RSS**; pahole / execsensor-offsets =" \
	"$(printf %.1f "$tp_ratio")x time, $(printf %.1f "$mp_ratio")x peak RSS." \
	"The floor row is what any exec of a tiny program costs here (it bounds the ratios)."
emit ""

verdict() { awk -v r="$1" 'BEGIN { print (r >= 4 ? "met" : "not met") }'; }
target "offset resolution >= 4x faster than libbpf" "$(printf %.1fx "$t_ratio")" \
	"$(verdict "$t_ratio")"
target "offset resolution >= 4x less peak RSS than libbpf" "$(printf %.1fx "$m_ratio")" \
	"$(verdict "$m_ratio")"
echo "fig1: libbpf/ours time $(printf %.1f "$t_ratio")x, peak RSS $(printf %.1f "$m_ratio")x"
