#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The closing tally of scripts/test: what passed, failed and was skipped, and why.

usage: tally.py --expected FILE [--junit TREE=FILE]... [--checks FILE]...

--junit: ctest's --output-junit file of build tree TREE ("build-asan: kernel.parent"
  names a test of the tree build-asan). A test that exited 77 is skipped; one that
  passed but printed "SKIP <part>: <why>" lines passed, and each part counts as a
  skip of its own ("agent.live/test_x").
--checks: tab-separated rows "NAME STATUS DETAIL" (STATUS passed, failed or skipped)
  of what ran outside ctest: the fuzz run, each guest of the kernel matrix, a stage
  that the deadline stopped.
--expected: test/expected-skips. A skip that no row of it allows on this host, or a
  skip that does not say why, fails the run.

Prints each failure and each skip with its reason, then one line:
"scripts/test: N passed, N failed, N skipped". Exit status 0 when nothing failed and
every skip was expected, else 1.
"""
import argparse
import fnmatch
import os
import platform
import sys
import xml.etree.ElementTree as ET

SKIP_PREFIX = "SKIP "


def host_facts():
    """The facts test/expected-skips conditions name, as this host has them."""
    def readable(path):
        return os.access(path, os.R_OK)

    def has_cgroup2():
        with open("/proc/self/mountinfo") as f:
            return any(" - cgroup2 " in line for line in f)

    btf_dir = "/sys/kernel/btf"
    modules = os.path.isdir(btf_dir) and any(m != "vmlinux" for m in os.listdir(btf_dir))
    return {
        "root": os.geteuid() == 0,
        "x86_64": platform.machine() == "x86_64",
        "btf": readable(os.path.join(btf_dir, "vmlinux")),
        "cgroup2": has_cgroup2(),
        "audit": os.path.exists("/proc/self/loginuid"),
        "module-btf": modules,
        "dpkg-deb": any(os.access(os.path.join(d, "dpkg-deb"), os.X_OK)
                        for d in os.environ.get("PATH", "").split(":") if d),
    }


def parse_expected(path, facts):
    """The rows of @path: (pattern, when, why, holds here)."""
    rows = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 2)
            if len(parts) < 3:
                raise SystemExit(f"{path}:{n}: want NAME WHEN WHY: {line!r}")
            pattern, when, why = parts
            holds = True
            for fact in when.split(","):
                want = not fact.startswith("!")
                name = fact.lstrip("!")
                if name not in facts:
                    raise SystemExit(f"{path}:{n}: unknown fact {name!r} (known: "
                                     f"{', '.join(sorted(facts))})")
                holds = holds and facts[name] == want
            rows.append((pattern, when, why, holds))
    return rows


def skip_lines(text):
    """(name, why) of each "SKIP <name>: <why>" line of @text."""
    found = []
    for line in (text or "").splitlines():
        if line.startswith(SKIP_PREFIX) and ": " in line:
            name, why = line[len(SKIP_PREFIX):].split(": ", 1)
            found.append((name.strip(), why.strip()))
    return found


class Tally:
    def __init__(self):
        self.passed = []
        self.failed = []  # (name, detail)
        self.skipped = []  # (name, why or None)

    def junit(self, spec):
        tree, _, path = spec.partition("=")
        try:
            cases = ET.parse(path).getroot().iter("testcase")
        except (OSError, ET.ParseError) as e:
            self.failed.append((f"{tree}: ctest", f"no readable result file {path}: {e}"))
            return
        for case in cases:
            name, status = case.get("name"), case.get("status")
            out = case.findtext("system-out")
            label = f"{tree}: {name}"
            skipped = case.find("skipped")
            if status == "run":
                self.passed.append(label)
                for part, why in skip_lines(out):
                    self.skipped.append((f"{label}/{part}", why))
            elif status == "notrun" and skipped is not None and "SKIP_RETURN_CODE" in (
                    skipped.get("message") or ""):
                lines = skip_lines(out)
                self.skipped.append((label, lines[0][1] if lines else None))
            else:
                failure = case.find("failure")
                why = (failure.get("message") if failure is not None else None) or status
                self.failed.append((label, why))

    def checks(self, path):
        try:
            with open(path) as f:
                rows = [line.rstrip("\n").split("\t", 2) for line in f if line.strip()]
        except OSError as e:
            self.failed.append((path, f"no result file: {e}"))
            return
        for row in rows:
            name, status, detail = (row + ["", ""])[:3]
            if status == "passed":
                self.passed.append(name)
            elif status == "skipped":
                self.skipped.append((name, detail or None))
            else:
                self.failed.append((name, f"{status}: {detail}" if detail else status))


def expected_by(rows, label):
    """The first row of test/expected-skips that allows skip @label here, or None."""
    name = label.split(": ", 1)[-1]
    for pattern, when, why, holds in rows:
        if holds and fnmatch.fnmatchcase(name, pattern):
            return when
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--expected", required=True)
    ap.add_argument("--junit", action="append", default=[])
    ap.add_argument("--checks", action="append", default=[])
    args = ap.parse_args()

    facts = host_facts()
    rows = parse_expected(args.expected, facts)
    t = Tally()
    for path in args.junit:
        t.junit(path)
    for path in args.checks:
        t.checks(path)

    unexpected = 0
    if t.failed:
        print("== failed")
        for name, why in t.failed:
            print(f"  {name}: {why}")
    if t.skipped:
        print("== skipped")
        for name, why in t.skipped:
            when = expected_by(rows, name) if why else None
            if when:
                note = f"expected where {when} ({os.path.basename(args.expected)})"
            else:
                unexpected += 1
                note = ("UNEXPECTED: no reason given" if not why else
                        f"UNEXPECTED: not allowed on this host by {args.expected}")
            print(f"  {name}: {why or '-'} [{note}]")
    here = ", ".join(f if v else "!" + f for f, v in facts.items())
    print(f"host: {here}")
    line = (f"scripts/test: {len(t.passed)} passed, {len(t.failed)} failed, "
            f"{len(t.skipped)} skipped")
    if unexpected:
        line += f" ({unexpected} not expected: the run fails)"
    print(line)
    return 1 if t.failed or unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
