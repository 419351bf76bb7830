# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""What the Python tests share: the skip protocol of scripts/test and checks that
`python3 -O` keeps.

A skip is never a silent pass. A whole test that cannot run prints one line
"SKIP <name>: <why>" and exits 77 (ctest's SKIP_RETURN_CODE); a test that runs
but skips a part prints "SKIP <part>: <why>" for each part and exits as the rest
went. scripts/test counts both and holds them to test/expected-skips.
"""
import os
import unittest

SKIP = 77  # ctest's SKIP_RETURN_CODE


def skip(name, why):
    """Say that @name is skipped and why, in the one form scripts/test reads."""
    print(f"SKIP {name}: {why}", flush=True)
    return SKIP


def check(ok, *why):
    """An assertion that `python3 -O` keeps: raises AssertionError with @why."""
    if not ok:
        raise AssertionError(" ".join(str(w) for w in why) if why else "check failed")


def unittest_main(argv):
    """Run this process's unittest cases (argv: unittest's own arguments). Each
    skipped case is said as a skipped part. 0 all ran and passed, 1 some failed,
    77 every case was skipped."""
    prog = unittest.main(argv=argv, exit=False, verbosity=2)
    result = prog.result
    for case, why in result.skipped:
        skip(case.id().split(".", 1)[-1], why)
    if not result.wasSuccessful():
        return 1
    if result.testsRun and len(result.skipped) == result.testsRun:
        return SKIP
    return 0


def require_root(name, why):
    """77 and one SKIP line when not root, else None."""
    if os.geteuid() != 0:
        return skip(name, f"needs root: {why}")
    return None
