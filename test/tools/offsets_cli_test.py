#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""execsensor-offsets, run as a user runs it.

synthetic: BTF files written by offsets-mkbtf (good, the other byte order,
in an ELF .BTF section, wrong types, split over a base), files that are not
usable BTF, bad usage, hostile paths. Exit
statuses, the one stderr line, exact text rows, JSON parsed by Python's json.

kernel: the running kernel's /sys/kernel/btf/vmlinux, every number compared
with bpftool's own dump of the same BTF (an independent parser), and a
truncated copy of it. Exits 77 (skip) only when the kernel has no BTF.
"""
import argparse
import gzip
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

import estest

PROG = b"execsensor-offsets"
VMLINUX = "/sys/kernel/btf/vmlinux"
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)
    return cond


def run(exe, *args):
    """Runs exe with byte-string-able args; returns (status, stdout, stderr) as bytes."""
    argv = [exe] + [a if isinstance(a, bytes) else str(a) for a in args]
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return p.returncode, p.stdout, p.stderr


def fsencode(path):
    return path if isinstance(path, bytes) else os.fsencode(path)


def expect_unusable(name, result, path, problem):
    """Exit 2, nothing on stdout, one stderr line naming the file and the problem."""
    rc, out, err = result
    check(rc == 2, f"{name}: exit status {rc}, want 2")
    check(out == b"", f"{name}: stdout not empty: {out!r}")
    check(err.endswith(b"\n") and err.count(b"\n") == 1, f"{name}: want one stderr line: {err!r}")
    if path is not None:
        check(err.startswith(PROG + b": " + fsencode(path) + b": "),
              f"{name}: stderr does not start with the program and the file: {err!r}")
    check(problem.encode() in err, f"{name}: stderr lacks {problem!r}: {err!r}")


def parse_json(name, out):
    try:
        return json.loads(out.decode("utf-8", "surrogateescape"))
    except ValueError as e:
        check(False, f"{name}: output is not JSON ({e}): {out[:200]!r}")
        return None


FIELD_KEYS = ["field", "offset", "bit_offset", "bit_size", "size", "type", "map", "key",
              "resolved", "reason"]


def json_fields(name, doc, btf_path):
    if doc is None:
        return {}
    check(doc.get("btf") == btf_path, f"{name}: btf is {doc.get('btf')!r}, want {btf_path!r}")
    for f in doc["fields"]:
        check(list(f.keys()) == FIELD_KEYS, f"{name}: field keys {list(f.keys())}")
    # A path two maps both need (task_struct.mm) is listed once per map: keep the first.
    fields = {}
    for f in doc["fields"]:
        fields.setdefault(f["field"], f)
    return fields


def resolved_field(field, offset, bit_offset, size, type_name, map_name=None, key=None,
                   bit_size=0):
    return {"field": field, "offset": offset, "bit_offset": bit_offset, "bit_size": bit_size,
            "size": size, "type": type_name, "map": map_name, "key": key, "resolved": True,
            "reason": None}


def synthetic(args):
    exe = args.exe
    tmp = tempfile.mkdtemp(prefix="offsets-cli.")
    try:
        subprocess.run([args.mkbtf, tmp], check=True)
        good = os.path.join(tmp, "good.btf")
        base = os.path.join(tmp, "base.btf")
        split = os.path.join(tmp, "split.btf")
        bad = os.path.join(tmp, "bad-types.btf")

        # --help, --version
        for opt in ("--help", "-h"):
            rc, out, err = run(exe, opt)
            check(rc == 0 and out.startswith(b"usage: execsensor-offsets ") and err == b"",
                  f"{opt}: {rc} {out[:40]!r} {err!r}")
            check(b"Exit status: 0 all resolved, 1 some unresolved, 2 unusable" in out,
                  f"{opt}: usage does not document the exit status")
        rc, out, err = run(exe, "--version")
        check((rc, out, err) == (0, b"execsensor-offsets " + args.version.encode() + b"\n", b""),
              f"--version: {rc} {out!r} {err!r}")

        # Bad usage: exit 2, one line.
        expect_unusable("unknown long option", run(exe, "--nope"), None, "unknown option '--nope'")
        expect_unusable("unknown short option", run(exe, "-x"), None, "unknown option '-x'")
        expect_unusable("--btf without PATH", run(exe, "--btf"), None, "missing PATH after '--btf'")
        expect_unusable("--base without PATH", run(exe, "--btf", good, "--base"), None,
                        "missing PATH after '--base'")
        expect_unusable("--kernel-image without PATH", run(exe, "--kernel-image"), None,
                        "missing PATH after '--kernel-image'")
        expect_unusable("--kernel-image and --btf", run(exe, "--btf", good, "--kernel-image", good),
                        None, "--kernel-image excludes '--btf'")

        # Unusable files: exit 2, one line naming the file and the problem.
        missing = os.path.join(tmp, "no-such-file")
        expect_unusable("missing file", run(exe, "--btf", missing), missing,
                        "No such file or directory")
        expect_unusable("missing base", run(exe, "--btf", split, "--base", missing), missing,
                        "No such file or directory")
        text = os.path.join(tmp, "hostname")
        if os.path.exists("/etc/hostname"):
            shutil.copy("/etc/hostname", text)
        else:
            with open(text, "w") as f:
                f.write("not-btf.example\n")
        expect_unusable("non-BTF file", run(exe, "--btf", text), text, "not BTF")
        expect_unusable("non-BTF base", run(exe, "--btf", split, "--base", text), text, "not BTF")
        empty = os.path.join(tmp, "empty")
        open(empty, "w").close()
        expect_unusable("empty file", run(exe, "--btf", empty), empty, "not BTF")
        expect_unusable("directory", run(exe, "--btf", tmp), tmp, "not a regular file")
        with open(good, "rb") as f:
            blob = f.read()
        truncated = os.path.join(tmp, "truncated.btf")
        with open(truncated, "wb") as f:
            f.write(blob[:40])
        expect_unusable("truncated file", run(exe, "--btf", truncated), truncated,
                        "outside the data")
        expect_unusable("split BTF without its base", run(exe, "--btf", split), split,
                        "give its base with --base")

        # The table from well-formed BTF: exit 0, exact text.
        rc, out, err = run(exe, "--btf", good)
        check(rc == 0 and err == b"", f"good: exit {rc} {err!r}")
        want = ("BTF %s\n"
                "FIELD                       OFFSET  SIZE  TYPE                       MAP[KEY]\n"
                "task_struct.real_parent       1280     8  struct task_struct *       TASK_OFFSETS[0]\n"
                "task_struct.tgid              1268     4  pid_t                      TASK_OFFSETS[1]\n"
                "task_struct.mm                1136     8  struct mm_struct *         EXEC_OFFSETS[0]\n"
                "mm_struct.arg_start            480     8  long unsigned int          EXEC_OFFSETS[1]\n"
                "mm_struct.arg_end              488     8  long unsigned int          EXEC_OFFSETS[2]\n"
                "task_struct.mm                1136     8  struct mm_struct *         EXE_OFFSETS[0]\n"
                "mm_struct.exe_file            1320     8  struct file *              EXE_OFFSETS[1]\n"
                "file.f_path.dentry              72     8  struct dentry *            EXE_OFFSETS[2]\n"
                "file.f_path.mnt                 64     8  struct vfsmount *          EXE_OFFSETS[3]\n"
                "dentry.d_parent                 24     8  struct dentry *            EXE_OFFSETS[4]\n"
                "dentry.d_name.name              40     8  const unsigned char *      EXE_OFFSETS[5]\n"
                "dentry.d_name.len               36     4  unsigned int               EXE_OFFSETS[6]\n"
                "dentry.d_inode                  48     8  struct inode *             EXE_OFFSETS[7]\n"
                "inode.i_ino                     64     8  long unsigned int          EXE_OFFSETS[8]\n"
                "inode.i_nlink                   72     4  const unsigned int         EXE_OFFSETS[9]\n"
                "inode.i_sb                      40     8  struct super_block *       EXE_OFFSETS[10]\n"
                "super_block.s_dev               16     4  dev_t                      EXE_OFFSETS[11]\n"
                "mount.mnt                       32    32  struct vfsmount            EXE_OFFSETS[12]\n"
                "mount.mnt.mnt_root              32     8  struct dentry *            EXE_OFFSETS[13]\n"
                "mount.mnt_parent                16     8  struct mount *             EXE_OFFSETS[14]\n"
                "mount.mnt_mountpoint            24     8  struct dentry *            EXE_OFFSETS[15]\n"
                "task_struct.exit_code         1164     4  int                        EXIT_OFFSETS[0]\n"
                "task_struct.signal            1848     8  struct signal_struct *     EXIT_OFFSETS[1]\n"
                "signal_struct.live.counter       4     4  int                        EXIT_OFFSETS[2]\n"
                "task_struct.cred              1736     8  struct cred *              CRED_OFFSETS[0]\n"
                "cred.euid.val                   24     4  uid_t                      CRED_OFFSETS[1]\n"
                "cred.suid.val                   16     4  uid_t                      CRED_OFFSETS[2]\n"
                "cred.fsuid.val                  32     4  uid_t                      CRED_OFFSETS[3]\n"
                "cred.egid.val                   28     4  gid_t                      CRED_OFFSETS[4]\n"
                "cred.sgid.val                   20     4  gid_t                      CRED_OFFSETS[5]\n"
                "cred.fsgid.val                  36     4  gid_t                      CRED_OFFSETS[6]\n"
                "cred.cap_permitted              56     8  kernel_cap_t               CRED_OFFSETS[7]\n"
                "cred.cap_effective              64     8  kernel_cap_t               CRED_OFFSETS[8]\n"
                "task_struct.loginuid.val      1952     4  uid_t                      AUDIT_OFFSETS[0]\n"
                "task_struct.sessionid         1956     4  unsigned int               AUDIT_OFFSETS[1]\n"
                "task_struct.signal            1848     8  struct signal_struct *     TTY_OFFSETS[0]\n"
                "signal_struct.tty              408     8  struct tty_struct *        TTY_OFFSETS[1]\n"
                "tty_struct.name                352    64  char[64]                   TTY_OFFSETS[2]\n"
                "task_struct.nsproxy           1840     8  struct nsproxy *           NS_OFFSETS[0]\n"
                "nsproxy.uts_ns                   8     8  struct uts_namespace *     NS_OFFSETS[1]\n"
                "nsproxy.ipc_ns                  16     8  struct ipc_namespace *     NS_OFFSETS[2]\n"
                "nsproxy.mnt_ns                  24     8  struct mnt_namespace *     NS_OFFSETS[3]\n"
                "nsproxy.net_ns                  40     8  struct net *               NS_OFFSETS[4]\n"
                "nsproxy.cgroup_ns               64     8  struct cgroup_namespace *  NS_OFFSETS[5]\n"
                "uts_namespace.ns.inum          432     4  unsigned int               NS_OFFSETS[6]\n"
                "ipc_namespace.ns.inum         1144     4  unsigned int               NS_OFFSETS[7]\n"
                "mnt_namespace.ns.inum           24     4  unsigned int               NS_OFFSETS[8]\n"
                "net.ns.inum                    176     4  unsigned int               NS_OFFSETS[9]\n"
                "cgroup_namespace.ns.inum        24     4  unsigned int               NS_OFFSETS[10]\n"
                "task_struct.cred              1736     8  struct cred *              NS_OFFSETS[11]\n"
                "cred.user_ns                   144     8  struct user_namespace *    NS_OFFSETS[12]\n"
                "user_namespace.ns.inum         240     4  unsigned int               NS_OFFSETS[13]\n"
                "task_struct.thread_pid        1368     8  struct pid *               PIDNS_OFFSETS[0]\n"
                "pid.level                        4     4  unsigned int               PIDNS_OFFSETS[1]\n"
                "pid.numbers                    144     0  struct upid[0]             PIDNS_OFFSETS[2]\n"
                "pid.numbers                     16     0  struct upid[0]             PIDNS_OFFSETS[3]\n"
                "upid.nr                          0     4  int                        PIDNS_OFFSETS[4]\n"
                "upid.ns                          8     8  struct pid_namespace *     PIDNS_OFFSETS[5]\n"
                "pid_namespace.ns.inum          136     4  unsigned int               PIDNS_OFFSETS[6]\n"
                "task_struct.start_boottime    1560     8  u64                        FORK_OFFSETS[0]\n"
                % good).encode() + groups_text({})
        check(out == want, f"good: text output\n{out.decode(errors='replace')}want\n"
                           f"{want.decode()}")

        # The same BTF in the other byte order resolves the same.
        swapped = os.path.join(tmp, "good-swapped.btf")
        rc, out, err = run(exe, "--btf", swapped)
        check(rc == 0 and out == want.replace(good.encode(), swapped.encode()),
              f"other byte order: exit {rc}\n{out.decode(errors='replace')}{err!r}")

        # An ELF file carrying the same BTF in .BTF (as a vmlinux or a .ko does), and an ELF
        # file without one. Any ELF will do as the carrier: offsets-mkbtf itself.
        elf, elf_btf = os.path.join(tmp, "carrier.elf"), os.path.join(tmp, "with-btf.elf")
        shutil.copy(args.mkbtf, elf)
        subprocess.run(["objcopy", "--add-section", ".BTF=" + good, "--set-section-flags",
                        ".BTF=readonly,contents", elf, elf_btf], check=True)
        rc, out, err = run(exe, "--btf", elf_btf)
        check(rc == 0 and out == want.replace(good.encode(), elf_btf.encode()),
              f"ELF .BTF: exit {rc}\n{out.decode(errors='replace')}{err!r}")
        expect_unusable("ELF without .BTF", run(exe, "--btf", elf), elf,
                        "ELF file without a .BTF section")

        # --kernel-image: the same BTF gzip'd (as a kernel's payload may be) says how it was
        # found and resolves the same; a file that is no kernel image is unusable. The image
        # layouts are test/kimage's; Debian's real kernels are the kernel matrix's.
        gz = os.path.join(tmp, "good.btf.gz")
        with open(good, "rb") as src, gzip.open(gz, "wb") as dst:
            dst.write(src.read())
        rc, out, err = run(exe, "--kernel-image", gz)
        check(rc == 0 and out == want.replace(
            ("BTF %s\n" % good).encode(),
            ("BTF %s (kernel image: gzip payload: raw BTF)\n" % gz).encode()),
            f"--kernel-image gzip: exit {rc}\n{out.decode(errors='replace')}{err!r}")
        rc, out, err = run(exe, "--kernel-image", gz, "--json")
        doc = parse_json("--kernel-image --json", out)
        check(rc == 0 and doc and doc.get("kernel_image") == {
            "how": "gzip payload: raw BTF", "release": None},
            f"--kernel-image --json: {doc and doc.get('kernel_image')}")
        text = os.path.join(tmp, "notes.txt")
        with open(text, "w") as f:
            f.write("not a kernel\n")
        expect_unusable("--kernel-image not an image", run(exe, "--kernel-image", text), text,
                        "not a kernel image")
        expect_unusable("--kernel-image ELF without BTF", run(exe, "--kernel-image", elf), elf,
                        "ELF file without a .BTF section (ELF)")

        # No libbpf: the tool links the parser and libelf only (startup is benchmarked).
        p = subprocess.run(["readelf", "-d", exe], stdout=subprocess.PIPE, check=True)
        needed = [l.split(b"[")[1].split(b"]")[0] for l in p.stdout.splitlines()
                  if b"(NEEDED)" in l]
        check(not any(n.startswith(b"libbpf") for n in needed), f"links libbpf: {needed}")

        rc, out, err = run(exe, "--btf", good, "--json")
        check(rc == 0 and err == b"", f"good --json: exit {rc} {err!r}")
        doc = parse_json("good --json", out)
        check(doc is not None and doc.get("base") is None, "good --json: base not null")
        check(doc is not None and doc.get("kernel_image") is None, "good --json: kernel_image")
        check(doc is not None and doc.get("groups") == [
            {"map": g, "on": True, "reason": None} for g in GROUPS], f"good --json: groups")
        check(table_rows(doc) == TABLE_ROWS, f"good --json: rows {table_rows(doc)}")
        fields = json_fields("good --json", doc, good)
        fields = {p: f for p, f in fields.items() if f["map"] in ("TASK_OFFSETS", "EXEC_OFFSETS")}
        check(fields == {
            "task_struct.real_parent": resolved_field("task_struct.real_parent", 1280, 10240, 8,
                                                      "struct task_struct *", "TASK_OFFSETS", 0),
            "task_struct.tgid": resolved_field("task_struct.tgid", 1268, 10144, 4, "pid_t",
                                               "TASK_OFFSETS", 1),
            "task_struct.mm": resolved_field("task_struct.mm", 1136, 9088, 8,
                                             "struct mm_struct *", "EXEC_OFFSETS", 0),
            "mm_struct.arg_start": resolved_field("mm_struct.arg_start", 480, 3840, 8,
                                                  "long unsigned int", "EXEC_OFFSETS", 1),
            "mm_struct.arg_end": resolved_field("mm_struct.arg_end", 488, 3904, 8,
                                                "long unsigned int", "EXEC_OFFSETS", 2),
        }, f"good --json: fields {fields}")

        # Wrong types: exit 1, every row printed with its reason (no mm, no mm_struct).
        rc, out, err = run(exe, "--btf", bad)
        check(rc == 1 and err == b"", f"bad-types: exit {rc} {err!r}")
        lines = out.decode().splitlines()
        check(any(re.match(r"mm_struct\.arg_end +absent", l) and
                  l.endswith("no struct or union 'mm_struct'") for l in lines),
              f"bad-types: arg_end row\n{out.decode()}")
        check(len(lines) == 2 + len(TABLE) + 2 + len(GROUPS) and
              lines[1].split() == ["FIELD", "OFFSET", "SIZE", "TYPE", "MAP[KEY]", "REASON"],
              f"bad-types: text\n{out.decode()}")
        # Each group turned off names its first unresolved field.
        off = {g: f"{path} unresolved: struct 'task_struct' [7] has no member "
                  f"'{path.split('.')[1]}'" for g, path in BAD_TYPES_MISSING.items()}
        off["TASK_OFFSETS"] = ("task_struct.real_parent unresolved: task_struct.real_parent is "
                               "'int' (a 4-byte integer), expected a pointer to struct task_struct")
        check(out.endswith(groups_text(off)), f"bad-types: groups\n{out.decode()}")
        check(any(re.match(r"task_struct\.real_parent +absent", l) and l.endswith(
            "task_struct.real_parent is 'int' (a 4-byte integer), expected a pointer to struct "
            "task_struct") for l in lines), f"bad-types: real_parent row\n{out.decode()}")
        check(any(re.match(r"task_struct\.tgid +absent", l) and l.endswith(
            "task_struct.tgid is a bitfield (3 bits)") for l in lines),
            f"bad-types: tgid row\n{out.decode()}")
        rc, out, err = run(exe, "--btf", bad, "--json")
        check(rc == 1, f"bad-types --json: exit {rc}")
        fields = json_fields("bad-types --json", parse_json("bad-types --json", out), bad)
        check(fields.get("task_struct.tgid") == {
            "field": "task_struct.tgid", "offset": None, "bit_offset": 10144, "bit_size": 3,
            "size": 4, "type": "int", "map": "TASK_OFFSETS", "key": 1, "resolved": False,
            "reason": "task_struct.tgid is a bitfield (3 bits)"}, f"bad-types: tgid {fields}")
        rp = fields.get("task_struct.real_parent", {})
        check(rp.get("offset") is None and rp.get("resolved") is False and
              rp.get("type") == "int" and "expected a pointer to struct task_struct" in
              rp.get("reason", ""), f"bad-types: real_parent {rp}")

        # Ad-hoc fields: a missing one (exit 1, still printed), a bitfield, a table field.
        rc, out, err = run(exe, "--btf", good, "task_struct.nope", "task_struct.in_execve",
                           "task_struct.tgid")
        check(rc == 1 and err == b"", f"ad hoc: exit {rc} {err!r}")
        lines = out.decode().splitlines()
        check(len(lines) == 5, f"ad hoc: want 5 lines\n{out.decode()}")
        check(any(l.split()[:5] == ["task_struct.nope", "absent", "-", "-", "-"] and "nope" in
                  l.split(None, 5)[5] for l in lines[2:]), f"ad hoc: nope row\n{out.decode()}")
        check(any(l.split() == ["task_struct.in_execve", "1188:3", "4", "unsigned", "int:1", "-"]
                  for l in lines), f"ad hoc: bitfield row\n{out.decode()}")
        rc, out, err = run(exe, "--btf", good, "--json", "task_struct.nope",
                           "task_struct.in_execve", "task_struct.tgid", "task_struct.pid")
        fields = json_fields("ad hoc --json", parse_json("ad hoc --json", out), good)
        nope = fields.get("task_struct.nope", {})
        check(rc == 1 and nope.get("resolved") is False and nope.get("offset") is None and
              nope.get("size") is None and nope.get("type") is None and nope.get("map") is None
              and nope.get("key") is None and "nope" in (nope.get("reason") or ""),
              f"ad hoc --json: nope {nope}")
        check(fields.get("task_struct.in_execve") == resolved_field(
            "task_struct.in_execve", 1188, 1188 * 8 + 3, 4, "unsigned int", bit_size=1),
            f"ad hoc --json: in_execve {fields.get('task_struct.in_execve')}")
        check(fields.get("task_struct.pid") == resolved_field("task_struct.pid", 1264, 1264 * 8,
                                                              4, "pid_t"),
              f"ad hoc --json: pid {fields.get('task_struct.pid')}")
        check(fields.get("task_struct.tgid", {}).get("map") == "TASK_OFFSETS" and
              fields.get("task_struct.tgid", {}).get("key") == 1,
              "ad hoc --json: a table field named on the command line keeps its map and key")

        # Split BTF over its base: the table through the base, the module's own struct.
        rc, out, err = run(exe, "--btf", split, "--base", base, "--json",
                           "es_test_module_state.owner", "es_test_module_state.owner_tgid",
                           "task_struct.real_parent")
        check(rc == 0 and err == b"", f"split: exit {rc} {err!r}")
        doc = parse_json("split --json", out)
        check(doc is not None and doc.get("base") == base, "split --json: base path")
        fields = json_fields("split --json", doc, split)
        check(fields.get("es_test_module_state.owner") == resolved_field(
            "es_test_module_state.owner", 8, 64, 8, "struct task_struct *"),
            f"split: owner {fields.get('es_test_module_state.owner')}")
        check(fields.get("es_test_module_state.owner_tgid") == resolved_field(
            "es_test_module_state.owner_tgid", 4, 32, 4, "pid_t"),
            f"split: owner_tgid {fields.get('es_test_module_state.owner_tgid')}")
        check(fields.get("task_struct.real_parent", {}).get("offset") == 1280,
              "split: the table resolves through the base")
        rc, out, err = run(exe, "--btf", split, "--base", base)
        check(rc == 0 and out.startswith(("BTF %s (base %s)\n" % (split, base)).encode()),
              f"split: text header {out[:80]!r}")

        # Hostile bytes in paths and fields: valid JSON, bytes recoverable, one text line each.
        weird = os.path.join(fsencode(tmp), b'we"ird\\\nname\xff\x1b[31m.btf')
        shutil.copy(good, weird)
        field = b'task_struct.\x01"\\\xc3\xa9\xff'
        rc, out, err = run(exe, b"--btf", weird, b"--json", field)
        check(rc == 1 and err == b"", f"hostile --json: exit {rc} {err!r}")
        doc = parse_json("hostile --json", out)
        if doc:
            check(doc["btf"].encode("utf-8", "surrogateescape") == weird,
                  f"hostile --json: btf path not recovered: {doc['btf']!r}")
            check(doc["fields"][0]["field"].encode("utf-8", "surrogateescape") == field,
                  f"hostile --json: field not recovered: {doc['fields'][0]['field']!r}")
        rc, out, err = run(exe, b"--btf", weird, field)
        check(rc == 1 and out.count(b"\n") == 3 and b"\x1b" not in out and b"\x01" not in out,
              f"hostile text: control bytes or extra lines: {out!r}")
        check(b'we"ird\\\\\\x0aname\\xff\\x1b[31m.btf' in out,
              f"hostile text: path not escaped as documented: {out!r}")
        rc, out, err = run(exe, b"--btf", weird + b".missing")
        check(rc == 2 and err.count(b"\n") == 1 and b"\x1b" not in err,
              f"hostile missing path: {err!r}")

        # Output that cannot be written is an error, not a silent success.
        with open("/dev/full", "w") as full:
            p = subprocess.run([exe, "--btf", good], stdout=full, stderr=subprocess.PIPE)
        check(p.returncode == 2 and p.stderr == b"execsensor-offsets: stdout: write failed\n",
              f"/dev/full: exit {p.returncode} {p.stderr!r}")
    finally:
        shutil.rmtree(tmp)


class Oracle:
    """Member offsets and types from `bpftool -j btf dump file PATH`."""

    MODIFIERS = ("TYPEDEF", "CONST", "VOLATILE", "RESTRICT", "TYPE_TAG")

    def __init__(self, bpftool, path, base=None):
        cmd = [bpftool, "-j", "btf", "dump", "file", path]
        if base:
            cmd[1:1] = ["--base-btf", base]
        self.types = {t["id"]: t for t in json.loads(subprocess.run(
            cmd, check=True, stdout=subprocess.PIPE).stdout)["types"]}

    def resolve(self, tid):
        while tid and self.types[tid]["kind"] in self.MODIFIERS:
            tid = self.types[tid]["type_id"]
        return tid

    def c_name(self, tid):
        if tid == 0:
            return "void"
        t = self.types[tid]
        if t["kind"] == "PTR":
            inner = self.c_name(t["type_id"])
            return inner + ("*" if inner.endswith("*") else " *")
        if t["kind"] in ("STRUCT", "UNION"):
            return t["kind"].lower() + " " + t["name"]
        if t["kind"] == "CONST":
            return "const " + self.c_name(t["type_id"])
        if t["kind"] == "ARRAY":
            return f"{self.c_name(t['type_id'])}[{t['nr_elems']}]"
        return t["name"]

    def size(self, tid):
        t = self.types[self.resolve(tid)]
        if t["kind"] == "PTR":
            return struct.calcsize("P")
        if t["kind"] == "ARRAY":
            return t["nr_elems"] * self.size(t["type_id"])
        return t.get("size")

    def element_size(self, path):
        """The element size of the array member at @path."""
        t = self.types[self.resolve(self.lookup(path)["type_id"])]
        return self.size(t["type_id"])

    def find(self, members, name, base_bits):
        for m in members:
            bits = base_bits + m["bits_offset"]
            if m["name"] == name:
                return m, bits
            sub = self.types[self.resolve(m["type_id"])]
            if m["name"] in ("", "(anon)") and sub["kind"] in ("STRUCT", "UNION"):
                hit = self.find(sub["members"], name, bits)
                if hit:
                    return hit
        return None

    def lookup(self, path):
        parts = path.split(".")
        outer = [t for t in self.types.values()
                 if t["kind"] in ("STRUCT", "UNION") and t["name"] == parts[0]]
        if len(outer) != 1:
            raise AssertionError(f"oracle: {len(outer)} structs named {parts[0]}")
        members, bits, m = outer[0]["members"], 0, None
        for name in parts[1:]:
            m, bits = self.find(members, name, bits)
            members = self.types[self.resolve(m["type_id"])].get("members", [])
        return {"bit_offset": bits, "offset": bits // 8, "bit_size": m.get("bitfield_size", 0),
                "type_id": m["type_id"],
                "size": self.size(m["type_id"]), "type": self.c_name(m["type_id"]),
                "kind": self.types[self.resolve(m["type_id"])]["kind"],
                "pointee": self.c_name(self.resolve(self.types[self.resolve(
                    m["type_id"])].get("type_id", 0)))}


# The sensor's table, (map, key) -> field, as the docs list it.
TABLE = {("TASK_OFFSETS", 0): "task_struct.real_parent", ("TASK_OFFSETS", 1): "task_struct.tgid",
         ("EXEC_OFFSETS", 0): "task_struct.mm", ("EXEC_OFFSETS", 1): "mm_struct.arg_start",
         ("EXEC_OFFSETS", 2): "mm_struct.arg_end",
         ("EXE_OFFSETS", 0): "task_struct.mm", ("EXE_OFFSETS", 1): "mm_struct.exe_file",
         ("EXE_OFFSETS", 2): "file.f_path.dentry", ("EXE_OFFSETS", 3): "file.f_path.mnt",
         ("EXE_OFFSETS", 4): "dentry.d_parent", ("EXE_OFFSETS", 5): "dentry.d_name.name",
         ("EXE_OFFSETS", 6): "dentry.d_name.len", ("EXE_OFFSETS", 7): "dentry.d_inode",
         ("EXE_OFFSETS", 8): "inode.i_ino", ("EXE_OFFSETS", 9): "inode.i_nlink",
         ("EXE_OFFSETS", 10): "inode.i_sb", ("EXE_OFFSETS", 11): "super_block.s_dev",
         ("EXE_OFFSETS", 12): "mount.mnt", ("EXE_OFFSETS", 13): "mount.mnt.mnt_root",
         ("EXE_OFFSETS", 14): "mount.mnt_parent", ("EXE_OFFSETS", 15): "mount.mnt_mountpoint",
         ("EXIT_OFFSETS", 0): "task_struct.exit_code", ("EXIT_OFFSETS", 1): "task_struct.signal",
         ("EXIT_OFFSETS", 2): "signal_struct.live.counter",
         ("CRED_OFFSETS", 0): "task_struct.cred", ("CRED_OFFSETS", 1): "cred.euid.val",
         ("CRED_OFFSETS", 2): "cred.suid.val", ("CRED_OFFSETS", 3): "cred.fsuid.val",
         ("CRED_OFFSETS", 4): "cred.egid.val", ("CRED_OFFSETS", 5): "cred.sgid.val",
         ("CRED_OFFSETS", 6): "cred.fsgid.val", ("CRED_OFFSETS", 7): "cred.cap_permitted",
         ("CRED_OFFSETS", 8): "cred.cap_effective", ("AUDIT_OFFSETS", 0): "task_struct.loginuid.val",
         ("AUDIT_OFFSETS", 1): "task_struct.sessionid", ("TTY_OFFSETS", 0): "task_struct.signal",
         ("TTY_OFFSETS", 1): "signal_struct.tty", ("TTY_OFFSETS", 2): "tty_struct.name",
         ("NS_OFFSETS", 0): "task_struct.nsproxy", ("NS_OFFSETS", 1): "nsproxy.uts_ns",
         ("NS_OFFSETS", 2): "nsproxy.ipc_ns", ("NS_OFFSETS", 3): "nsproxy.mnt_ns",
         ("NS_OFFSETS", 4): "nsproxy.net_ns", ("NS_OFFSETS", 5): "nsproxy.cgroup_ns",
         ("NS_OFFSETS", 6): "uts_namespace.ns.inum", ("NS_OFFSETS", 7): "ipc_namespace.ns.inum",
         ("NS_OFFSETS", 8): "mnt_namespace.ns.inum", ("NS_OFFSETS", 9): "net.ns.inum",
         ("NS_OFFSETS", 10): "cgroup_namespace.ns.inum", ("NS_OFFSETS", 11): "task_struct.cred",
         ("NS_OFFSETS", 12): "cred.user_ns", ("NS_OFFSETS", 13): "user_namespace.ns.inum",
         ("PIDNS_OFFSETS", 0): "task_struct.thread_pid", ("PIDNS_OFFSETS", 1): "pid.level",
         ("PIDNS_OFFSETS", 2): "pid.numbers", ("PIDNS_OFFSETS", 3): "pid.numbers",
         ("PIDNS_OFFSETS", 4): "upid.nr", ("PIDNS_OFFSETS", 5): "upid.ns",
         ("PIDNS_OFFSETS", 6): "pid_namespace.ns.inum",
         ("FORK_OFFSETS", 0): "task_struct.start_boottime"}


def table_rows(doc):
    """(field, map, key) of every row of a --json document, in order."""
    return [(f["field"], f["map"], f["key"]) for f in (doc or {}).get("fields", [])]


TABLE_ROWS = [(path, m, k) for (m, k), path in TABLE.items()]
GROUPS = list(dict.fromkeys(m for m, _ in TABLE))
# bad-types.btf's task_struct (offsets-mkbtf): the first field each group misses there.
BAD_TYPES_MISSING = {"EXEC_OFFSETS": "task_struct.mm", "EXE_OFFSETS": "task_struct.mm",
                     "EXIT_OFFSETS": "task_struct.exit_code", "CRED_OFFSETS": "task_struct.cred",
                     "AUDIT_OFFSETS": "task_struct.loginuid.val",
                     "TTY_OFFSETS": "task_struct.signal", "NS_OFFSETS": "task_struct.nsproxy",
                     "PIDNS_OFFSETS": "task_struct.thread_pid",
                     "FORK_OFFSETS": "task_struct.start_boottime"}


def groups_text(off, partial=False):
    """The GROUPS summary under the table: every group on but those in @off (map: reason)."""
    rows = [f"{g:<14}  " + (f"off: {off[g]}" if g in off else "on") for g in GROUPS]
    return (f"\nGROUPS: {len(GROUPS) - len(off)} of {len(GROUPS)} would be on\n" +
            "".join(r + "\n" for r in rows)).encode()
# Rows whose value is the stride of an array of structs (the element's size), not an offset.
STRIDES = {("PIDNS_OFFSETS", 3)}


def kernel(args):
    exe = args.exe
    if not os.path.exists(VMLINUX):
        return estest.skip("tools.offsets_cli_kernel", f"{VMLINUX} does not exist: no kernel BTF")
    oracle = Oracle(args.bpftool, VMLINUX)

    # The table, as text, against bpftool.
    rc, out, err = run(exe)
    check(rc == 0 and err == b"", f"kernel: exit {rc} {err!r}")
    lines = out.decode().splitlines()
    check(lines[0] == "BTF " + VMLINUX, f"kernel: header {lines[0]!r}")
    for map_key, path in TABLE.items():
        o = oracle.lookup(path)
        value = oracle.element_size(path) if map_key in STRIDES else o["offset"]
        want = [path, str(value), str(o["size"])] + o["type"].split() + [
            f"{map_key[0]}[{map_key[1]}]"]
        check(any(l.split() == want for l in lines), f"kernel text: want {want} in\n{out.decode()}")
    rp = oracle.lookup("task_struct.real_parent")
    tg = oracle.lookup("task_struct.tgid")
    check(rp["kind"] == "PTR" and rp["pointee"] == "struct task_struct" and rp["bit_size"] == 0,
          f"bpftool: real_parent is not a pointer to struct task_struct: {rp}")
    check(tg["kind"] == "INT" and tg["size"] == 4 and tg["bit_size"] == 0,
          f"bpftool: tgid is not a 4-byte integer: {tg}")
    mm = oracle.lookup("task_struct.mm")
    check(mm["kind"] == "PTR" and mm["pointee"] == "struct mm_struct" and mm["bit_size"] == 0,
          f"bpftool: mm is not a pointer to struct mm_struct: {mm}")
    for path in ("mm_struct.arg_start", "mm_struct.arg_end"):
        o = oracle.lookup(path)
        check(o["kind"] == "INT" and o["size"] == 8 and o["bit_size"] == 0,
              f"bpftool: {path} is not an 8-byte integer: {o}")

    # JSON, field by field against bpftool, for the table and ad-hoc paths (a bitfield, a
    # member inside an anonymous struct on current kernels, a nested path).
    paths = list(dict.fromkeys(TABLE.values())) + ["task_struct.pid", "task_struct.in_execve"]
    rc, out, err = run(exe, "--json", *paths)
    check(rc == 0 and err == b"", f"kernel --json: exit {rc} {err!r}")
    fields = json_fields("kernel --json", parse_json("kernel --json", out), VMLINUX)
    for path in paths:
        o, f = oracle.lookup(path), fields.get(path, {})
        # An ad-hoc path that is in the table names its first row's map and key.
        table = next((k for k, p in TABLE.items() if p == path), (None, None))
        want = {"field": path, "offset": o["offset"], "bit_offset": o["bit_offset"],
                "bit_size": o["bit_size"], "size": o["size"], "type": o["type"],
                "map": table[0], "key": table[1],
                "resolved": True, "reason": None}
        check(f == want, f"kernel --json {path}:\n  ours    {f}\n  bpftool {want}")
    print("kernel: real_parent at %d (bpftool bits_offset=%d), tgid at %d (bits_offset=%d)"
          % (rp["offset"], rp["bit_offset"], tg["offset"], tg["bit_offset"]))

    # The first 100 bytes of the kernel's BTF.
    tmp = tempfile.mkdtemp(prefix="offsets-kernel.")
    try:
        truncated = os.path.join(tmp, "vmlinux-100")
        with open(VMLINUX, "rb") as src, open(truncated, "wb") as dst:
            dst.write(src.read(100))
        expect_unusable("truncated vmlinux", run(exe, "--btf", truncated), truncated,
                        "outside the data")
    finally:
        shutil.rmtree(tmp)

    # A kernel without BTF: /sys/kernel/btf hidden under an empty tmpfs in a private mount
    # namespace (needs root, which the live tests have).
    p = subprocess.run(["unshare", "-m", "sh", "-c",
                        "mount -t tmpfs none /sys/kernel/btf && exec \"$0\"", exe],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if p.returncode == 2 or os.geteuid() == 0:
        expect_unusable("kernel without BTF", (p.returncode, p.stdout, p.stderr), VMLINUX,
                        "No such file or directory (kernel without BTF? give a BTF file "
                        "with --btf)")
    else:
        estest.skip("no_btf", f"not root, cannot hide {VMLINUX}: "
                    f"{p.stderr.decode(errors='replace').strip()}")

    # A loaded module's split BTF over vmlinux, when this kernel has modules.
    modules = sorted(m for m in os.listdir("/sys/kernel/btf") if m != "vmlinux")
    if not modules:
        estest.skip("module_btf", "no module BTF in /sys/kernel/btf (split BTF: offsets.cli's "
                    "synthetic case, btf.live's pahole split over vmlinux)")
    else:
        mod = os.path.join("/sys/kernel/btf", modules[0])
        moracle = Oracle(args.bpftool, mod, VMLINUX)
        own = [t for t in moracle.types.values() if t["kind"] == "STRUCT" and t["name"] and
               t["id"] > max(oracle.types) and any(m["name"] for m in t["members"])]
        rc, out, err = run(exe, "--btf", mod, "--base", VMLINUX)
        check(rc == 0, f"module {mod}: table exit {rc} {err!r}")
        if own:
            m = next(m for m in own[0]["members"] if m["name"])
            path = own[0]["name"] + "." + m["name"]
            o = moracle.lookup(path)
            rc, out, err = run(exe, "--btf", mod, "--base", VMLINUX, "--json", path)
            f = json_fields("module --json", parse_json("module --json", out), mod).get(path, {})
            check(rc == 0 and f.get("bit_offset") == o["bit_offset"] and
                  f.get("size") == o["size"], f"module {path}: ours {f}, bpftool {o}")
            print(f"kernel: module {modules[0]}: {path} at bit {o['bit_offset']}")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["synthetic", "kernel"])
    ap.add_argument("--exe", required=True)
    ap.add_argument("--mkbtf")
    ap.add_argument("--version")
    ap.add_argument("--bpftool", default="bpftool")
    args = ap.parse_args()
    status = synthetic(args) if args.mode == "synthetic" else kernel(args)
    if status == estest.SKIP:
        return status
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print(f"{args.mode}: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
