#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Check parent_exe in an agent's output against the agent's own kernel facts.

usage: lineage_check.py EVENTS.json

EVENTS.json is execsensor's JSON lines from a run with --events exec,fork,exit
(for example during a real build: bench/real_build.sh). For every successful
exec whose parent was born after the agent started (its fork event is in the
file), the parent's true exe at that moment is what the kernel said last
before the exec: the exe.path of the parent's latest exec event, else its
fork event's exe (inherited from its own parent). Prints one line:

  execs=N born_after=B known=K right=R wrong=W unknown=U

and exits 1 if any is wrong or unknown.
"""
import json
import sys


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    exe = {}  # pid -> the exe the kernel last gave it (fork: inherited; exec: resolved)
    born = set()
    execs = born_after = right = wrong = unknown = 0
    examples = []
    with open(sys.argv[1], encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            r = json.loads(line)
            if r["event"] == "fork":
                born.add(r["pid"])
                exe[r["pid"]] = r["exe"]
            elif r["event"] == "exit":
                born.discard(r["pid"])
                exe.pop(r["pid"], None)
            elif r["event"] == "exec" and r["ret"] == 0:
                execs += 1
                if r["ppid"] in born:
                    born_after += 1
                    want = exe.get(r["ppid"])
                    if r["parent_exe"] is None:
                        unknown += 1
                    elif r["parent_exe"] == want:
                        right += 1
                    else:
                        wrong += 1
                        if len(examples) < 3:
                            examples.append((r["pid"], r["ppid"], r["parent_exe"], want))
                if r["exe"] and not r["exe"]["truncated"]:
                    exe[r["pid"]] = r["exe"]["path"]
    print(f"execs={execs} born_after={born_after} known={right + wrong} right={right} "
          f"wrong={wrong} unknown={unknown}" + (f" e.g. {examples}" if examples else ""))
    return 1 if wrong or unknown else 0


if __name__ == "__main__":
    sys.exit(main())
