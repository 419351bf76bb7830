#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The kernel matrix's offsets oracle: each dotted path's byte offset as pahole
shows it for a BTF file, independent of execsensor's parser.

usage: pahole_oracle.py BTF PATH...    prints "PATH=OFFSET ..." on one line
(PATH=absent when pahole shows no such member). A path descends through
named members of struct type (file.f_path.dentry = file's f_path + path's
dentry), or of a typedef of a struct (signal_struct.live.counter); pahole prints the members of anonymous structs and unions inline,
with offsets from the start of the named struct, so those need no step.
"""
import re
import subprocess
import sys


def members(btf, struct, cache={}):
    """name -> (offset, type) of @struct's members, as pahole prints them."""
    if struct not in cache:
        out = subprocess.run(["pahole", "-C", struct, btf], capture_output=True, text=True).stdout
        found = {}
        for line in out.splitlines():
            # "\tstruct path   f_path;   /*    64    16 */": type, name, offset.
            m = re.match(r"^\t+(.*?)[ \t*]+(\w+)(\[\d*\])?;\s*/\*\s*(\d+)(:\d+)?\s+\d+\s*\*/", line)
            if m:
                found.setdefault(m.group(2), (int(m.group(4)), m.group(1).strip()))
        cache[struct] = found
    return cache[struct]


def offset(btf, path):
    parts = path.split(".")
    struct, total = parts[0], 0
    for i, name in enumerate(parts[1:]):
        m = members(btf, struct).get(name)
        if not m:
            return None
        total += m[0]
        if i < len(parts) - 2:
            # An embedded struct, or a typedef of one (atomic_t): pahole -C shows either.
            t = re.match(r"^(?:const\s+)?(?:struct\s+)?(\w+)$", m[1])
            if not t:
                return None  # a step into something that is not an embedded struct
            struct = t.group(1)
    return total


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    btf = sys.argv[1]
    out = []
    for path in dict.fromkeys(sys.argv[2:]):
        o = offset(btf, path)
        out.append(f"{path}={'absent' if o is None else o}")
    print(" ".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
