#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# A real build under the agent: execsensor itself configured and built in a
# scratch directory (cmake, make, gcc, clang, bpftool: thousands of short-lived
# execs in chains of make and sh), the agent writing exec, fork and exit events;
# then lineage_check.py checks every exec's parent_exe whose parent was born
# after the start against the kernel's own facts.
#   bench/real_build.sh [BUILD]     BUILD: the tree holding execsensor (default build)
# Needs root. Exit status: lineage_check.py's (0: every parent_exe known and right).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
work=$(mktemp -d /tmp/execsensor-real-build.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$build/user/tools/execsensor" --format json --events exec,fork,exit --output "$work/events.json" \
	--stats-interval 0 2>"$work/agent.err" &
agent=$!
until grep -q '"event":"startup"' "$work/events.json" 2>/dev/null; do
	kill -0 "$agent" || { cat "$work/agent.err" >&2; exit 1; }
	sleep 0.1
done
cmake -S "$top" -B "$work/tree" >/dev/null
cmake --build "$work/tree" -j2 >/dev/null
kill -TERM "$agent"
wait "$agent"
grep -c '"event":"exec"' "$work/events.json" | sed 's/^/exec events: /'
python3 "$top/bench/lineage_check.py" "$work/events.json"
