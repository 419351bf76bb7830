#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live end-to-end tests of the execsensor agent, through the binary, as root.

Every assertion is checked against what this test itself did (the pids it
spawned, the bytes it passed, the parent it was) or against an independent
reader (python3's json module, /proc/<pid>/fdinfo and the bpf object ids).

usage: live_agent.py AGENT EXEC_HELPER [unittest args]
"""
import calendar
import collections
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import estest
from estest import check

AGENT = None
HELPER = None
TRUE = "/bin/true"


def parse_lines(raw):
    """Every line must parse with python's json module; returns the records."""
    records = []
    for n, line in enumerate(raw.split(b"\n")):
        if not line:
            continue
        try:
            records.append(json.loads(line))
        except ValueError as e:
            raise AssertionError(f"line {n + 1} is not JSON ({e}): {line[:300]!r}")
    return records


def b(s):
    """A JSON string back to the bytes it stands for (docs/events.md)."""
    return s.encode("utf-8", "surrogateescape")


def record_kind(rec):
    """A record's kind: "event" in the JSON format, event.action in ECS."""
    return rec["event"] if isinstance(rec["event"], str) else rec["event"]["action"]


class Agent:
    """One agent process writing JSON lines (or ECS documents: fmt="ecs") to a file."""

    def __init__(self, *args, stdout_file=False, setpriv_prefix=(), fmt="json"):
        self.dir = tempfile.mkdtemp(prefix="es-live-")
        self.path = os.path.join(self.dir, "out.json")
        self.err_path = os.path.join(self.dir, "err.txt")
        cmd = [*setpriv_prefix, AGENT, *args]
        out = None
        if stdout_file:
            out = open(self.path, "wb")
        else:
            cmd += ["--format", fmt, "--output", self.path]
        self.err = open(self.err_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=out, stderr=self.err)
        if out:
            out.close()
        self.rc = None

    def wait_startup(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"agent exited {self.proc.returncode}: {self.stderr()}")
            try:
                with open(self.path, "rb") as f:
                    first = f.readline()
            except FileNotFoundError:
                first = b""
            if first.endswith(b"\n"):
                rec = json.loads(first)
                check(record_kind(rec) == "startup", rec)
                return rec
            time.sleep(0.05)
        raise AssertionError("no startup record within %ds: %s" % (timeout, self.stderr()))

    def wait_for(self, needle, timeout=60):
        """Until the output holds @needle (bytes)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(self.path, "rb") as f:
                if needle in f.read():
                    return
            time.sleep(0.05)
        raise AssertionError(f"{needle!r} not in the output within {timeout}s")

    def stop(self, sig=signal.SIGTERM, timeout=60):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        self.rc = self.proc.wait(timeout=timeout)
        self.err.close()
        return self.rc

    def stderr(self):
        with open(self.err_path, "rb") as f:
            return f.read().decode(errors="replace")

    def records(self):
        with open(self.path, "rb") as f:
            return parse_lines(f.read())

    def cleanup(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.err.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def spawn_children(n, marker):
    """n short-lived children of this process, each /bin/true MARKER-i; reaped at once."""
    pids = []
    for i in range(n):
        pid = os.posix_spawn(TRUE, [TRUE, f"{marker}-{i}"], os.environ)
        pids.append(pid)
        os.waitpid(pid, 0)
    return pids


def events_by_marker(records, marker):
    """Exec events whose argv[1] starts with marker, keyed by argv[1]."""
    found = {}
    for r in records:
        if r["event"] != "exec" or len(r["argv"]) < 2:
            continue
        if r["argv"][1].startswith(marker + "-"):
            check(r["argv"][1] not in found, f"two events for {r['argv'][1]}")
            found[r["argv"][1]] = r
    return found


def assert_all_found(test, found, marker, pids):
    """Every spawned child has its event; else name the missing ones and where they are."""
    missing = [(i, pid) for i, pid in enumerate(pids) if f"{marker}-{i}" not in found]
    if not missing:
        return
    states = []
    for i, pid in missing[:5]:
        try:
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            state = "gone (reaped)"
        states.append(f"{marker}-{i} pid {pid}: {state}")
    test.fail(f"{len(missing)} of {len(pids)} children without an exec event: {states}")


def assert_parents_from_fork_records(test, found):
    """Without TASK_OFFSETS each child's fork record names its parent: this process."""
    for r in found.values():
        test.assertEqual((r["ppid_source"], r["ppid"]), ("fork", os.getpid()), r)
        test.assertEqual(r["parent_exe"], os.path.realpath(sys.executable), r)


def check_accounting(test, records):
    """The last record is the final stats; its counts match the output exactly."""
    execs = [r for r in records if r["event"] == "exec"]
    stats = records[-1]
    test.assertEqual(records[0]["event"], "startup")
    test.assertEqual(stats["event"], "stats")
    test.assertTrue(stats["final"])
    test.assertEqual(stats["events"], len(execs))
    for source in ("kernel", "fork", "procfs", "unknown"):
        test.assertEqual(stats["ppid_source"][source],
                         sum(1 for r in execs if r["ppid_source"] == source), source)
    test.assertEqual(stats["fallback_misses"], stats["ppid_source"]["unknown"])
    test.assertEqual(stats["failures"], sum(1 for r in execs if r["ret"] < 0))
    test.assertEqual(stats["path_misses"], sum(r["path_misses"] for r in execs))
    test.assertEqual(stats["exe_unknown"],
                     sum(1 for r in execs if r["ret"] == 0 and r["exe"] is None))
    test.assertEqual(stats["fileless"], {
        v: sum(1 for r in execs if r["fileless"] and r["fileless"]["verdict"] == verdict)
        for v, verdict in (("alerts", "alert"), ("suppressed", "suppressed"))})
    # Every record the kernel submitted reached the agent: each is an exec event, a fork or
    # exit record applied to the process table, or dropped.
    test.assertEqual(stats["kernel_records"], stats["records_received"], stats)
    test.assertEqual(stats["records_received"], len(execs) + stats["fork_records"]
                     + stats["exit_records"] + stats["records_dropped"], stats)
    # Loss by reason adds up (exit_recursion is part of recursion: one program makes both),
    # and every unreported exec has its reason.
    lost = stats["lost_records"]
    test.assertEqual(stats["lost"], lost["exec"] + lost["failure"] + lost["fork"] + lost["exit"]
                     + lost["recursion"] + lost["fork_recursion"], stats)
    test.assertLessEqual(lost["exit_recursion"], lost["recursion"], stats)
    test.assertEqual((lost["image"], lost["result"], lost["syscall_regs"]), (0, 0, 0), stats)
    dropped = stats["records_dropped_reasons"]
    test.assertEqual(stats["records_dropped"], dropped["malformed"] + dropped["unknown_type"],
                     stats)
    unreported = stats["unreported"]
    test.assertEqual(unreported["ringbuf_full"], lost["exec"] + lost["failure"], stats)
    test.assertEqual(unreported["recursion"], lost["recursion"], stats)
    test.assertEqual(unreported["agent_dropped"], stats["records_dropped"], stats)
    test.assertEqual(unreported["execs"], unreported["ringbuf_full"] + unreported["recursion"]
                     + unreported["agent_dropped"], stats)
    test.assertLessEqual(lost["recursion"] + lost["fork_recursion"],
                         sum(p["recursion_misses"] for p in stats["programs"]), stats)
    return stats


class LiveAgent(unittest.TestCase):
    def setUp(self):
        self.agents = []

    def tearDown(self):
        for a in self.agents:
            a.cleanup()

    def children_under(self, a, n, tag):
        """n children spawned under agent @a, which is then stopped: its records, the
        children's events by argv[1] (every one must be there) and their pids."""
        marker = f"{tag}-{os.getpid()}"
        pids = spawn_children(n, marker)
        self.assertEqual(a.stop(), 0, a.stderr())
        records = a.records()
        found = events_by_marker(records, marker)
        assert_all_found(self, found, marker, pids)
        return records, found, pids

    def agent(self, *args, **kw):
        a = Agent(*args, **kw)
        self.agents.append(a)
        return a

    def test_kernel_ppid_500_children(self):
        a = self.agent("--duration", "600", stdout_file=True)  # default format: JSON off a tty
        startup = a.wait_startup()
        self.assertTrue(startup["kernel_ppid"], startup)
        self.assertEqual(startup["selftest"]["result"], "passed")
        records, found, pids = self.children_under(a, 500, "es-kppid")
        marker = f"es-kppid-{os.getpid()}"
        me = os.getpid()
        my_exe = os.readlink("/proc/self/exe")
        st = os.stat(os.path.realpath(TRUE))
        true_exe = {"path": os.path.realpath(TRUE), "ino": st.st_ino, "dev": st.st_dev,
                    "nlink": st.st_nlink, "memfd": False, "truncated": False}
        for i, pid in enumerate(pids):
            r = found[f"{marker}-{i}"]
            self.assertEqual(r["pid"], pid)
            self.assertEqual(r["tid"], pid)
            self.assertEqual(r["ppid"], me)
            self.assertEqual(r["ppid_source"], "kernel")
            self.assertEqual(r["filename"], TRUE)
            self.assertEqual(r["ret"], 0)
            self.assertEqual(r["parent_exe"], my_exe)
            self.assertIsNone(r["fileless"])
            self.assertEqual(r["uid"], os.getuid())
            self.assertEqual(r["exe"], true_exe, r)
            self.assertEqual(r["path_misses"], 0)
        stats = check_accounting(self, records)
        self.assertGreaterEqual(stats["ppid_source"]["kernel"], 500)

    def test_path_search_is_folded(self):
        """execvp through a PATH of missing directories: one event, the misses counted
        in it; a command found nowhere: one event, its last error."""
        a = self.agent()
        a.wait_startup()
        tag = f"es-path-{os.getpid()}"
        path = "/nonexistent-es-a:/nonexistent-es-b:/usr/bin:/bin"
        found = subprocess.run(["env", f"PATH={path}", "true", tag], check=True)
        missing = subprocess.run(["env", f"PATH={path}", f"{tag}-nowhere"],
                                 stderr=subprocess.DEVNULL)
        self.assertEqual(missing.returncode, 127)
        self.assertEqual(a.stop(), 0, a.stderr())
        records = a.records()
        check_accounting(self, records)
        ok = [r for r in records if r["event"] == "exec" and r["argv"] == ["true", tag]]
        self.assertEqual(len(ok), 1, ok)
        self.assertEqual(ok[0]["ret"], 0)
        self.assertEqual(ok[0]["path_misses"], 2, ok[0])
        self.assertEqual(ok[0]["filename"], "/usr/bin/true")
        # No event of their own for the misses: every exec of that process is the one above.
        env_pid = ok[0]["pid"]
        self.assertEqual([r for r in records if r["event"] == "exec" and r["pid"] == env_pid
                          and r["ret"] != 0], [])
        nowhere = [r for r in records if r["event"] == "exec"
                   and r["argv"] == [f"{tag}-nowhere"]]
        self.assertEqual(len(nowhere), 1, nowhere)
        self.assertEqual(nowhere[0]["ret"], -errno.ENOENT)
        self.assertEqual(nowhere[0]["path_misses"], 3, nowhere[0])  # four directories tried
        self.assertEqual(nowhere[0]["filename"], f"/bin/{tag}-nowhere")
        self.assertIsNone(nowhere[0]["exe"])
        del found

    def test_stats_list_every_program(self):
        """A stats record names each loaded program with its kernel counters, as
        bpftool shows them while the agent runs; none skipped in a normal run."""
        a = self.agent("--stats-interval", "1")
        a.wait_startup()
        a.wait_for(b'"event":"stats"')
        shown = {p["id"]: p for p in json.loads(subprocess.run(
            ["bpftool", "-j", "prog", "show"], check=True, capture_output=True).stdout)}
        stats = [r for r in a.records() if r["event"] == "stats"][0]
        self.assertEqual(a.stop(), 0, a.stderr())
        # Entries and exits of execve and execveat, the sched ones, the two fork programs
        # and clock_pair (run by the agent, never attached).
        self.assertEqual(len(stats["programs"]), 9, stats["programs"])
        for prog in stats["programs"]:
            self.assertIn(prog["id"], shown, prog)
            # bpftool gives the full name from the program's BTF, as the agent does.
            self.assertEqual(shown[prog["id"]]["name"], prog["name"], prog)
            self.assertEqual(prog["recursion_misses"], 0, prog)
            self.assertEqual(shown[prog["id"]].get("recursion_misses", 0), 0, prog)
        for cause in ("recursion", "fork_recursion", "exit_recursion"):
            self.assertEqual(stats["lost_records"][cause], 0, stats)

    def test_literal_strings_after_fork(self):
        """A child exec'ing string literals at once after fork: an entry handler
        cannot read them (BPF does not fault pages in); the exec record has the
        kernel's filename and the new image's argv."""
        a = self.agent()
        a.wait_startup()
        pids = []
        for _ in range(20):
            helper = subprocess.Popen([HELPER, "literal", "es-literal", TRUE, "unused"],
                                      stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
            pids.append(int(helper.stdout.readline()))
            # The scenario happened: the strings' pages were not mapped at the exec.
            self.assertEqual(helper.stdout.readline(), b"unmapped\n", pids[-1])
            helper.stdout.close()
            self.assertEqual(helper.wait(timeout=30), 0)
        self.assertEqual(a.stop(), 0, a.stderr())
        records = a.records()
        stats = check_accounting(self, records)
        found = {r["pid"]: r for r in records if r["event"] == "exec" and r["pid"] in pids}
        self.assertEqual(sorted(found), sorted(pids))
        for r in found.values():
            self.assertEqual(r["filename"], "/bin/true", r)
            self.assertEqual(r["argv"], ["true", "execsensor-literal"], r)
            self.assertFalse(r["argv_truncated"], r)
            self.assertEqual(r["ret"], 0, r)
        # The image record filled in what the entry could not read: no fault counted.
        self.assertEqual(stats["filename_faults"] + stats["argv_faults"], 0, stats)

    def test_no_kernel_ppid_is_honest(self):
        a = self.agent("--no-kernel-ppid")
        startup = a.wait_startup()
        self.assertFalse(startup["kernel_ppid"])
        self.assertIn("--no-kernel-ppid", startup["kernel_ppid_reason"])
        records, found, _ = self.children_under(a, 500, "es-noppid")
        by_source = {"kernel": 0, "fork": 0, "procfs": 0, "unknown": 0}
        for r in found.values():
            by_source[r["ppid_source"]] += 1
        assert_parents_from_fork_records(self, found)
        print(f"--no-kernel-ppid, 500 children reaped at once: {by_source}", file=sys.stderr)
        stats = check_accounting(self, records)
        self.assertEqual(stats["ppid_source"]["kernel"], 0)
        self.assertGreaterEqual(stats["offsets_absent"], 500)

    def stopped_agent(self, *args):
        """An agent, started, then stopped (SIGSTOP): records wait in its ring buffer."""
        a = self.agent(*args)
        a.wait_startup()
        os.kill(a.proc.pid, signal.SIGSTOP)
        return a

    def resume_and_stop(self, a):
        os.kill(a.proc.pid, signal.SIGCONT)
        self.assertEqual(a.stop(), 0, a.stderr())
        return a.records()

    def context_run(self, commands, *agent_args):
        """Each (tag, argv) run to its end under one agent (stopped: the records wait, so
        every process has exited when they are read); the exec events of a program run
        as PROGRAM TAG, by tag, and the records."""
        a = self.stopped_agent(*agent_args)
        for _, argv in commands:
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        records = self.resume_and_stop(a)
        found = {}
        for tag, _ in commands:
            found[tag] = [r for r in records if r["event"] == "exec" and r["argv"][1:] == [tag]]
        check_accounting(self, records)
        return found, records

    def test_namespaces_of_an_unshared_child(self):
        """unshare --user --pid --mount --net --fork: the exec'd program's namespace inodes
        are what its /proc/<pid>/ns/* said (written by the same process before it exec'd),
        and it is pid 1 in its pid namespace."""
        tmp = tempfile.mkdtemp(prefix="es-ns-")
        os.chmod(tmp, 0o755)
        try:
            tag = f"es-ns-{os.getpid()}"
            oracle = os.path.join(tmp, "ns")
            kinds = ("pid", "mnt", "net", "user", "uts", "ipc", "cgroup")
            script = "; ".join(f"stat -L -c '{k} %i' /proc/self/ns/{k} >> {oracle}"
                               for k in kinds) + f"; exec {TRUE} {tag}"
            found, _ = self.context_run([(tag, ["unshare", "--user", "--pid", "--mount", "--net",
                                                "--fork", "sh", "-c", script])])
            with open(oracle) as f:
                want = {k: int(v) for k, v in (line.split() for line in f)}
            [r] = found[tag]
            self.assertEqual(r["namespaces"], want, r)
            self.assertEqual(r["vpid"], 1, r)
            mine = {k: os.stat(f"/proc/self/ns/{k}").st_ino for k in kinds}
            for k in ("pid", "mnt", "net", "user"):
                self.assertNotEqual(r["namespaces"][k], mine[k], k)
            for k in ("uts", "ipc", "cgroup"):
                self.assertEqual(r["namespaces"][k], mine[k], k)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_no_context_reads_none(self):
        """--no-context: the five context groups off, each saying why in the startup
        record; an exec's creds, login, tty, namespaces and vpid null, its cgroup kept."""
        tag = f"es-noctx-{os.getpid()}"
        found, records = self.context_run([(tag, [TRUE, tag])], "--no-context")
        [startup] = [r for r in records if r["event"] == "startup"]
        off = {g["map"]: g for g in startup["offset_groups"]}
        for group in ("CRED_OFFSETS", "AUDIT_OFFSETS", "TTY_OFFSETS", "NS_OFFSETS",
                      "PIDNS_OFFSETS"):
            self.assertFalse(off[group]["enabled"], off[group])
            self.assertIn("--no-context", off[group]["reason"], off[group])
        self.assertTrue(off["TASK_OFFSETS"]["enabled"], off)
        [r] = found[tag]
        for member in ("creds", "privileges_changed", "auid", "session", "tty", "namespaces",
                       "vpid"):
            self.assertIsNone(r[member], (member, r))
        self.assertEqual((r["ppid"], r["ppid_source"]), (os.getpid(), "kernel"), r)
        self.assertGreater(r["cgroup"]["id"], 0, r)
        stats = [x for x in records if x["event"] == "stats"][-1]
        self.assertEqual(stats["context_read_failures"], 0, stats)

    def test_setuid_exec_raises_privileges(self):
        """A setuid-root copy of /bin/true exec'd as nobody: euid 0, uid 65534,
        privileges_changed; the same copy without the set-id bit: euid 65534, unchanged."""
        tmp = tempfile.mkdtemp(prefix="es-suid-")
        os.chmod(tmp, 0o755)
        try:
            suid, plain = os.path.join(tmp, "suid-true"), os.path.join(tmp, "plain-true")
            for path, mode in ((suid, 0o4755), (plain, 0o755)):
                shutil.copy(os.path.realpath(TRUE), path)
                os.chmod(path, mode)
            nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
            tag = f"es-suid-{os.getpid()}"
            found, _ = self.context_run([(tag + "-s", nobody + [suid, tag + "-s"]),
                                         (tag + "-p", nobody + [plain, tag + "-p"])])
            [s], [p] = found[tag + "-s"], found[tag + "-p"]
            self.assertEqual((s["uid"], s["creds"]["uid"], s["creds"]["euid"],
                              s["creds"]["suid"], s["creds"]["fsuid"]), (65534, 65534, 0, 0, 0),
                             s)
            self.assertEqual((s["creds"]["gid"], s["creds"]["egid"]), (65534, 65534), s)
            self.assertIs(s["privileges_changed"], True, s)
            # Root by euid gets the bounding set: capabilities gained at exec.
            self.assertNotEqual(s["creds"]["cap_effective"], "0x0000000000000000", s)
            self.assertEqual((p["creds"]["euid"], p["creds"]["suid"]), (65534, 65534), p)
            self.assertEqual(p["creds"]["cap_effective"], "0x0000000000000000", p)
            self.assertIs(p["privileges_changed"], False, p)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_tty_under_script(self):
        """Under script(1) a program's controlling terminal is script's pty: the event's
        tty is the name tty(1) printed in the same session; without one, null."""
        tmp = tempfile.mkdtemp(prefix="es-tty-")
        try:
            tag = f"es-tty-{os.getpid()}"
            oracle = os.path.join(tmp, "tty")
            found, _ = self.context_run([
                (tag, ["script", "-qec", f"tty > {oracle}; exec {TRUE} {tag}", "/dev/null"]),
                (tag + "-none", ["setsid", "-w", TRUE, tag + "-none"])])
            with open(oracle) as f:
                name = f.read().strip()
            self.assertTrue(name.startswith("/dev/pts/"), name)
            [r] = found[tag]
            self.assertEqual(r["tty"], name[len("/dev/"):], r)
            [n] = found[tag + "-none"]
            self.assertIsNone(n["tty"], n)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_container_from_a_real_cgroup(self):
        """Real cgroup v2 directories named as docker and the kubelet (containerd) name
        theirs: a shell moves itself in and execs; the event's cgroup is the directory
        (id = its inode, path under the cgroup2 mount) and its container the runtime's."""
        mount = None
        with open("/proc/self/mountinfo") as f:
            for line in f:
                fields = line.split()
                if fields[fields.index("-") + 1] == "cgroup2":
                    mount = fields[4]
                    break
        self.assertIsNotNone(mount, "no cgroup2 mount")
        h64 = "%064x" % (os.getpid() * 0x9e3779b97f4a7c15 % 2**256)
        uid = "5b2c3c9a-0f8e-4d8a-9b1e-%012d" % os.getpid()
        top = os.path.join(mount, f"execsensor-live-{os.getpid()}")
        cases = {
            "docker": (f"system.slice/docker-{h64}.scope", None),
            "containerd": ("kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
                           f"{uid.replace('-', '_')}.slice/cri-containerd-{h64}.scope", uid),
        }
        os.mkdir(top)
        made = [top]
        try:
            commands = []
            for runtime, (rel, _) in cases.items():
                path = top
                for part in rel.split("/"):
                    path = os.path.join(path, part)
                    os.mkdir(path)
                    made.append(path)
                tag = f"es-cg-{runtime}-{os.getpid()}"
                commands.append((tag, ["sh", "-c", f"echo $$ > {path}/cgroup.procs && "
                                       f"exec {TRUE} {tag}"]))
            found, _ = self.context_run(commands)
            for runtime, (rel, pod) in cases.items():
                [r] = found[f"es-cg-{runtime}-{os.getpid()}"]
                leaf = os.path.join(top, rel)
                self.assertEqual(r["cgroup"], {"id": os.stat(leaf).st_ino,
                                               "path": leaf[len(mount):]}, r)
                self.assertEqual(r["container"], {"runtime": runtime, "id": h64,
                                                  "pod_uid": pod}, r)
        finally:
            for path in reversed(made):
                os.rmdir(path)

    def test_auid_is_the_written_loginuid(self):
        """A shell writes /proc/self/loginuid (a new audit session), then execs: the event's
        auid is what it wrote, its session what /proc/self/sessionid said then."""
        if not os.path.exists("/proc/self/loginuid"):
            self.skipTest("the kernel has no audit (no /proc/self/loginuid)")
        tmp = tempfile.mkdtemp(prefix="es-auid-")
        try:
            tag = f"es-auid-{os.getpid()}"
            oracle = os.path.join(tmp, "session")
            script = (f"echo 4321 > /proc/self/loginuid && cat /proc/self/sessionid > {oracle}"
                      f" && exec {TRUE} {tag}")
            found, _ = self.context_run([(tag, ["sh", "-c", script])])
            with open(oracle) as f:
                session = int(f.read())
            [r] = found[tag]
            self.assertEqual((r["auid"], r["session"]), (4321, session), r)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_ancestors_of_a_chain_whose_shells_exited(self):
        """sh -c 'sh -c "sh -c ..."': by the time the agent reads the innermost exec,
        every shell has exited; its ancestors still name each, with pid and exe."""
        tmp = tempfile.mkdtemp(prefix="es-chain-")
        try:
            pids = os.path.join(tmp, "pids")
            marker = f"es-chain-{os.getpid()}"
            a = self.stopped_agent("--ancestors", "16")
            # Each shell writes its pid; the innermost execs /bin/true in place of itself.
            # The middle script is in the outer's double quotes: its $$ are escaped.
            inner = f"echo \\$\\$ >>{pids}; exec {TRUE} {marker}-0"
            middle = f"echo \\$\\$ >>{pids}; sh -c '{inner}'; :"
            outer = subprocess.Popen(["sh", "-c", f'echo $$ >>{pids}; sh -c "{middle}"; :'])
            self.assertEqual(outer.wait(timeout=30), 0)
            records = self.resume_and_stop(a)
            with open(pids) as f:
                shells = [int(line) for line in f]
            self.assertEqual(len(shells), 3, shells)
            self.assertEqual(shells[0], outer.pid)
            found = events_by_marker(records, marker)
            r = found[f"{marker}-0"]
            self.assertEqual(r["pid"], shells[2], r)
            sh = os.path.realpath("/bin/sh")
            got = [(x["pid"], x["exe"]) for x in r["ancestors"][:3]]
            self.assertEqual(got, [(shells[1], sh), (shells[0], sh),
                                   (os.getpid(), os.path.realpath(sys.executable))], r)
            self.assertEqual(r["parent_exe"], sh, r)
            # Upwards to pid 1, each started no later than its child.
            self.assertEqual(r["ancestors"][-1]["pid"], 1, r)
            starts = [wall_ns(x["start_time"]) for x in r["ancestors"]]
            self.assertEqual(starts, sorted(starts, reverse=True), r)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_fork_without_exec_gives_the_forker_exe(self):
        """A subshell forks without exec and its child execs: the child's parent_exe is
        the subshell's exe (the shell's, inherited at fork), though it is gone."""
        marker = f"es-forker-{os.getpid()}"
        a = self.stopped_agent("--events", "exec,fork,exit")
        outer = subprocess.Popen(["sh", "-c", f"( {TRUE} {marker}-0; : ); :"])
        self.assertEqual(outer.wait(timeout=30), 0)
        records = self.resume_and_stop(a)
        r = events_by_marker(records, marker)[f"{marker}-0"]
        sh = os.path.realpath("/bin/sh")
        subshell = r["ppid"]
        self.assertNotEqual(subshell, outer.pid, r)
        self.assertEqual(r["parent_exe"], sh, r)
        self.assertEqual([x["pid"] for x in r["ancestors"][:2]], [subshell, outer.pid], r)
        # The subshell never exec'd: it is known from its fork (and exit) records only.
        self.assertFalse([x for x in records if x["event"] == "exec" and x["pid"] == subshell])
        forks = [x for x in records if x["event"] == "fork" and x["pid"] == subshell]
        self.assertEqual(len(forks), 1, forks)
        self.assertEqual((forks[0]["ppid"], forks[0]["exe"]), (outer.pid, sh), forks)
        exits = [x for x in records if x["event"] == "exit" and x["pid"] == subshell]
        self.assertEqual([(x["exit_code"], x["signal"]) for x in exits], [(0, None)], exits)
        stats = check_accounting(self, records)
        self.assertEqual(stats["fork_events"], sum(1 for x in records if x["event"] == "fork"))
        self.assertEqual(stats["exit_events"], sum(1 for x in records if x["event"] == "exit"))

    def test_no_lineage_loads_no_fork_program(self):
        """--no-lineage: no fork program in the kernel (bpftool's list of the agent's
        programs), no fork or exit record, no ancestors; the kernel parent and its exe
        (from /proc, this live process) still right. With --events fork: a usage error."""
        bad = subprocess.run([AGENT, "--no-lineage", "--events", "exec,fork"],
                             capture_output=True)
        self.assertEqual(bad.returncode, 2, bad)
        self.assertIn(b"--no-lineage", bad.stderr)
        a = self.agent("--no-lineage", "--stats-interval", "1")
        startup = a.wait_startup()
        self.assertFalse(startup["lineage"], startup)
        a.wait_for(b'"event":"stats"')
        stats = [r for r in a.records() if r["event"] == "stats"][0]
        shown = {p["id"]: p["name"] for p in json.loads(subprocess.run(
            ["bpftool", "-j", "prog", "show"], check=True, capture_output=True).stdout)}
        names = sorted(shown[p["id"]] for p in stats["programs"])
        self.assertFalse([n for n in names if "fork" in n], names)
        self.assertIn("tp_sched_exit", names)
        records, found, pids = self.children_under(a, 50, "es-nolineage")
        for r in found.values():
            self.assertEqual((r["ppid"], r["ppid_source"]), (os.getpid(), "kernel"), r)
            self.assertEqual(r["parent_exe"], os.path.realpath(sys.executable), r)
            self.assertEqual(r["ancestors"], [], r)
        self.assertFalse([x for x in records if x["event"] in ("fork", "exit")])
        stats = check_accounting(self, records)
        self.assertEqual((stats["fork_records"], stats["exit_records"]), (0, 0), stats)
        self.assertEqual(stats["process_table"]["entries"], 0, stats)

    def bpf_object_btf(self):
        """A BTF without task_struct: the built BPF object's own .BTF (every build makes the
        x86_64 object, whatever the host)."""
        obj = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(AGENT))), "kern",
                           "execsensor.x86_64.bpf.o")
        self.assertTrue(os.path.exists(obj), f"the build made no {obj}")
        return obj

    def test_no_btf_parents_from_fork_records(self):
        """BTF without task_struct (a BPF object's own .BTF): no offsets resolve, and
        every child's parent comes from its fork record, exact."""
        a = self.agent("--btf", self.bpf_object_btf())
        startup = a.wait_startup()
        self.assertFalse(startup["kernel_ppid"])
        records, found, _ = self.children_under(a, 500, "es-nobtf")
        assert_parents_from_fork_records(self, found)
        stats = check_accounting(self, records)
        self.assertGreaterEqual(stats["ppid_source"]["fork"], 500)

    def assert_started_in_tick(self, rfc3339, ticks):
        """An event's start_time is in /proc's tick (the clocks' offset sampled here, to a
        millisecond)."""
        hz_ns = 10**9 // os.sysconf("SC_CLK_TCK")
        boot = wall_ns(rfc3339) - (time.clock_gettime_ns(time.CLOCK_REALTIME)
                                   - time.clock_gettime_ns(time.CLOCK_BOOTTIME))
        self.assertTrue(ticks * hz_ns - 10**6 <= boot < (ticks + 1) * hz_ns + 10**6,
                        (rfc3339, ticks))

    def check_a_reused_pid(self, *args, exes=True):
        """exec_helper same-pid under a stopped agent: A (dash, the child of a copy of the
        helper) runs /bin/true and leaves a background cat, which keeps A's entry in the
        table; then B (bash, the helper's own child) gets A's pid and runs /bin/true. B's
        events, and its child's ancestors, carry B's parent, exe and start time, never A's:
        checked against the pids and /proc start times the helper reports and the exes it
        ran (@exes: the kernel resolves them). The pid may have served older processes
        before: theirs are the events before A's. Returns B's exec event."""
        marker = f"es-reuse-{os.getpid()}"
        script_b = f"{TRUE} {marker}-b; :"
        a = self.stopped_agent("--events", "exec,fork,exit", "--ancestors", "16", *args)
        helper = subprocess.Popen(
            [HELPER, "same-pid", "/bin/sh", "-c", f"{TRUE} {marker}-a; cat <&3 >/dev/null & :",
             "--", "/bin/bash", "-c", script_b], stdout=subprocess.PIPE)
        out = helper.communicate(timeout=60)[0]
        self.assertEqual(helper.returncode, 0)
        pid, copy, start_a, start_b = (int(x) for x in out.split())
        records = self.resume_and_stop(a)
        check_accounting(self, records)
        exe = os.path.realpath if exes else lambda path: None
        me = (helper.pid, exe(HELPER))
        dash, bash = exe("/bin/sh"), exe("/bin/bash")
        found = events_by_marker(records, marker)
        child_a, child_b = found[f"{marker}-a"], found[f"{marker}-b"]
        # A's child: A (dash), the helper's copy, the helper.
        self.assertEqual([(x["pid"], x["exe"]) for x in child_a["ancestors"][:3]],
                         [(pid, dash), (copy, me[1]), me], child_a)
        # B's child: B (bash), the helper: no trace of A or its parent.
        self.assertEqual([(x["pid"], x["exe"]) for x in child_b["ancestors"][:2]],
                         [(pid, bash), me], child_b)
        self.assertNotIn(copy, [x["pid"] for x in child_b["ancestors"]], child_b)
        self.assertEqual(child_b["parent_exe"], bash, child_b)
        # Each start time is its own process's, to /proc's tick; the two differ.
        self.assert_started_in_tick(child_a["ancestors"][0]["start_time"], start_a)
        self.assert_started_in_tick(child_b["ancestors"][0]["start_time"], start_b)
        self.assertNotEqual(child_a["ancestors"][0]["start_time"],
                            child_b["ancestors"][0]["start_time"])
        # B's own exec: the helper's child, the helper's exe.
        b_exec = [r for r in records if r["event"] == "exec"
                  and r["argv"] == ["/bin/bash", "-c", script_b]]
        self.assertEqual([r["pid"] for r in b_exec], [pid], b_exec)
        self.assertEqual(len(b_exec), 1, b_exec)
        self.assertEqual((b_exec[0]["ppid"], b_exec[0]["parent_exe"]), me, b_exec[0])
        self.assertEqual(b_exec[0]["ancestors"][0]["pid"], me[0], b_exec[0])
        # The kernel's own account: two forks and two exits of the pid, each its own.
        forks = [(r["ppid"], r["exe"]) for r in records if r["event"] == "fork"
                 and r["pid"] == pid]
        self.assertEqual(forks[-2:], [(copy, me[1]), me], forks)
        exits = [(r["ppid"], r["exe"]) for r in records if r["event"] == "exit"
                 and r["pid"] == pid]
        self.assertEqual(exits[-2:], [(copy, dash), (me[0], bash)], exits)
        # A's entry was still there when B came: of A's two children, true and the
        # background cat, the cat exited after B's fork.
        order = [(r["event"], r["pid"], r["ppid"]) for r in records
                 if r["event"] in ("fork", "exit")]
        a_fork, b_fork = [i for i, x in enumerate(order) if x[:2] == ("fork", pid)][-2:]
        children = [x[1] for x in order[a_fork:b_fork] if x[0] == "fork" and x[2] == pid]
        self.assertEqual(len(children), 2, order[a_fork:b_fork])
        self.assertIn(child_a["pid"], children)
        cat = [c for c in children if c != child_a["pid"]][0]
        self.assertGreater([i for i, x in enumerate(order) if x[:2] == ("exit", cat)][-1],
                           b_fork, order[a_fork:])
        return b_exec[0]

    def test_a_reused_pid_inherits_nothing(self):
        b_exec = self.check_a_reused_pid()
        self.assertEqual(b_exec["ppid_source"], "kernel", b_exec)

    def test_a_reused_pid_inherits_nothing_without_btf(self):
        """The same without BTF: the fork records give the parents (and the clock their
        times)."""
        b_exec = self.check_a_reused_pid("--btf", self.bpf_object_btf(), exes=False)
        self.assertEqual(b_exec["ppid_source"], "fork", b_exec)

    def test_fileless_gate(self):
        """Every way to look like a service manager's executor exec alerts here (PID 1 is
        no service manager on this host: the systemd guest of the kernel matrix shows the
        suppressions), each verdict with the facts that decided it. The executor is a copy
        of /bin/true on the allowlist; exec_helper makes the execs (its fileless modes)."""
        tmp = tempfile.mkdtemp(prefix="es-gate-")
        try:
            executor = os.path.join(tmp, "systemd-executor")
            shutil.copy(TRUE, executor)
            hard = os.path.join(tmp, "hard-link")
            os.link(executor, hard)
            a = self.agent("--fileless-allow-executor", executor, "--events", "exec,fork")
            startup = a.wait_startup()
            self.assertEqual(startup["fileless_gate"]["suppresses"], True, startup)
            self.assertIn(executor, startup["fileless_gate"]["executors"])
            self.assertIn("/usr/lib/systemd/systemd", startup["fileless_gate"]["managers"])
            tag = f"es-gate-{os.getpid()}"
            runs = {}
            for name, how, who, path in (("fd", "fd", "child", executor),
                                         ("fexecve", "fexecve", "child", executor),
                                         ("daemon", "memfd", "daemon", TRUE),
                                         ("deleted", "deleted", "daemon-child", TRUE),
                                         ("dirfd", "dirfd", "child", TRUE),
                                         ("hard", "fd", "child", hard)):
                out = subprocess.run([HELPER, "fileless", how, who, "systemd-x", path,
                                      f"{tag}-{name}"], capture_output=True, timeout=60)
                self.assertEqual(out.returncode, 0, out)
                runs[name] = int(out.stdout)
                a.wait_for(f'"argv":["{tag}-{name}"]'.encode())
            # A copy bind-mounted over the executor: the path is the executor's, and the file
            # there now is the copy, but a mount of its own.
            copy = os.path.join(tmp, "copy")
            shutil.copy(TRUE, copy)
            subprocess.run(["mount", "--bind", copy, executor], check=True)
            try:
                out = subprocess.run([HELPER, "fileless", "fd", "child", "systemd-x", executor,
                                      f"{tag}-bind"], capture_output=True, timeout=60)
                self.assertEqual(out.returncode, 0, out)
                runs["bind"] = int(out.stdout)
                a.wait_for(f'"argv":["{tag}-bind"]'.encode())
            finally:
                subprocess.run(["umount", executor], check=True)
            # This process's own second exec: the helper, then the executor in its place.
            self_run = subprocess.Popen([HELPER, "fileless", "fd", "self", "systemd-x",
                                         executor, f"{tag}-self"])
            self.assertEqual(self_run.wait(timeout=60), 0)
            runs["self"] = self_run.pid
            a.wait_for(f'"argv":["{tag}-self"]'.encode())
            self.assertEqual(a.stop(), 0, a.stderr())
            records = a.records()
            ev = {r["argv"][0][len(tag) + 1:]: r for r in records
                  if r["event"] == "exec" and r["argv"][:1] and r["argv"][0].startswith(tag)}
            self.assertEqual(sorted(ev), sorted(runs))
            forked_by = {r["pid"]: r["ppid"] for r in records if r["event"] == "fork"}
            gate = lambda failed, executor_, on_disk, first: {  # noqa: E731
                "failed": failed, "executor": executor_, "on_disk": on_disk, "manager": None,
                "first_exec": first}
            want = {
                "fd": gate("not forked by a service manager", True, True, True),
                "fexecve": gate("not forked by a service manager", True, True, True),
                "daemon": gate("not on disk", False, False, True),
                "deleted": gate("not on disk", False, False, True),
                "dirfd": gate("not on disk", False, False, True),
                "hard": gate("not an allowlisted executor", False, True, True),
                "bind": gate("not an allowlisted executor", False, True, True),
                "self": gate("not forked by a service manager", True, True, False),
            }
            for name, r in ev.items():
                self.assertEqual(r["pid"], runs[name], r)
                self.assertEqual(r["fileless"]["verdict"], "alert", r)
                facts = dict(r["fileless"]["gate"])
                # Who forked it: its fork record's parent (the daemon's parent is gone).
                self.assertEqual(facts.pop("forked_by"), forked_by[r["pid"]], r)
                self.assertEqual(facts, want[name], (name, r))
                self.assertEqual(r["comm"], "systemd-x", r)
            # The kernel's names and images: /proc/self/fd/N, fexecve's /dev/fd/N, a
            # directory fd's /dev/fd/N/M; a memfd, a deleted file; the executor by its path.
            self.assertRegex(ev["fd"]["filename"], r"^/proc/self/fd/[0-9]+$")
            self.assertEqual(ev["fd"]["exe"]["path"], executor)
            self.assertEqual(ev["fexecve"]["execveat_flags"] & 0x1000, 0x1000)
            self.assertRegex(ev["fexecve"]["filename"], r"^/dev/fd/[0-9]+$")
            self.assertIn("AT_EMPTY_PATH", ev["fexecve"]["fileless"]["reason"])
            self.assertTrue(ev["daemon"]["exe"]["memfd"], ev["daemon"])
            self.assertNotEqual(ev["daemon"]["ppid"], forked_by[runs["daemon"]], ev["daemon"])
            self.assertIn("image is a deleted file", ev["deleted"]["fileless"]["reason"])
            self.assertRegex(ev["dirfd"]["filename"], r"^/dev/fd/[0-9]+/[0-9]+$")
            self.assertEqual(ev["hard"]["exe"]["path"], hard)
            self.assertEqual(ev["hard"]["exe"]["ino"], os.stat(executor).st_ino)
            # The kernel names the executor's path, the mount's; the file is the copy.
            self.assertEqual(ev["bind"]["exe"]["path"], executor, ev["bind"])
            self.assertEqual(ev["bind"]["exe"]["ino"], os.stat(copy).st_ino, ev["bind"])
            check_accounting(self, records)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_hostile_bytes_round_trip(self):
        tmp = tempfile.mkdtemp(prefix="es-hostile-").encode()
        try:
            names = [b'q"uote', b"new\nline", b"ctl\x01\x1b[31m", b"bad\xff\xfeutf8",
                     b"back\\slash", b"\xe2\x82\xac-euro", b"surr\xed\xa0\x80"]
            paths = []
            for name in names:
                p = os.path.join(tmp, name)
                os.symlink(TRUE, p)
                paths.append(p)
            a = self.agent()
            a.wait_startup()
            tag = f"es-hostile-{os.getpid()}".encode()
            hostile = [b'"', b"\\", b"a\nb\r\t", b"\x01\x02\x1b[31m\x7f", b"\xff\xfe\xc0\xaf",
                       b"\xed\xa0\x80", b"", b"\xc2\x85\xe2\x80\xa8", b"\xf0\x9f\x98\x80"]
            expected = {}
            for i, p in enumerate(paths):
                argv = [p, tag + b"-%d" % i] + hostile
                pid = os.posix_spawn(p, argv, os.environ)
                os.waitpid(pid, 0)
                expected[pid] = (p, argv, False)
            big = [paths[0], tag + b"-big", b"small", b"x" * 10240, b"after"]
            pid = os.posix_spawn(paths[0], big, os.environ)
            os.waitpid(pid, 0)
            expected[pid] = (paths[0], big, True)
            # A comm with hostile bytes (the kernel keeps 15).
            comm = b'\x01"\n\xff\\c'
            out = subprocess.run([HELPER.encode(), b"exec", comm, TRUE.encode(), tag + b"-comm"],
                                 check=True, capture_output=True, stdin=subprocess.DEVNULL)
            comm_pid = int(out.stdout)
            self.assertEqual(a.stop(), 0, a.stderr())
            records = a.records()  # every line parses
            by_pid = {r["pid"]: r for r in records if r["event"] == "exec"}
            for pid, (path, argv, truncated) in expected.items():
                r = by_pid[pid]
                self.assertEqual(b(r["filename"]), path)
                got = [b(x) for x in r["argv"]]
                self.assertEqual(r["argv_truncated"], truncated)
                if not truncated:
                    self.assertEqual(got, argv)
                else:
                    # Whole entries up to the long one, which is cut to a prefix;
                    # entries after it are whole, as far as they fit.
                    self.assertEqual(got[:3], argv[:3])
                    self.assertTrue(4 <= len(got) <= len(argv), got)
                    self.assertTrue(argv[3].startswith(got[3]) and len(got[3]) >= 1024,
                                    len(got[3]))
                    self.assertEqual(got[4:], argv[4:len(got)])
            self.assertEqual(b(by_pid[comm_pid]["comm"]), comm)
            check_accounting(self, records)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_sigstop_loss_is_exact(self):
        """Stopped agent, small ring: lost equals the records that did not arrive.

        Other processes' execs during the window are lost too, so a second agent
        (large ring, never stopped) sees every exec: lost must equal the exec
        records the observer has and the stopped agent lacks, from the stopped
        agent's first record (it was attached: nothing before was lost) to its
        resumption (it was attached and stopped: everything missing was lost).
        An exec missing near the attach, or after the resumption and before the
        detach, is ambiguous (lost while the ring was still full, or made after
        its program was detached). A run without any is exact; on a busy host
        (up to 5 runs with some) the last run's bounds must hold instead."""
        for attempt in range(5):
            lost, lacking, ambiguous, detail = self.sigstop_run(attempt)
            if not ambiguous:
                self.assertEqual(lost, lacking, detail)
                return
            print(f"attempt {attempt}: {detail}", file=sys.stderr)
        self.assertGreaterEqual(lost, lacking, detail)
        self.assertLessEqual(lost, lacking + ambiguous, detail)

    def sigstop_run(self, attempt):
        """One run: (exec records lost, the observer's execs lacking, the ambiguous
        ones, detail)."""
        n = 300
        observer = self.agent()
        observer.wait_startup()
        a = self.agent("--ringbuf-size", "8K")
        startup = a.wait_startup()
        self.assertEqual(startup["ringbuf_size"], 8192)
        marker = f"es-stop-{os.getpid()}-{attempt}"
        os.kill(a.proc.pid, signal.SIGSTOP)
        try:
            spawn_children(n, marker)
        finally:
            resumed = time.time_ns()
            os.kill(a.proc.pid, signal.SIGCONT)
        self.assertEqual(a.stop(), 0, a.stderr())
        self.assertEqual(observer.stop(), 0, observer.stderr())
        records = a.records()
        stats = check_accounting(self, records)
        arrived = len(events_by_marker(records, marker))
        lost = stats["lost_records"]["exec"] + stats["lost_records"]["failure"]
        self.assertGreaterEqual(lost, n - arrived)  # never under-counted
        self.assertLess(arrived, n, "the ring buffer never filled: nothing to measure")
        self.assertGreater(arrived, 0)
        seen = observer.records()
        self.assertEqual(len(events_by_marker(seen, marker)), n,
                         "the observer must see every child")
        self.assertEqual(seen[-1]["lost"], 0, "the observer must lose nothing")
        got = collections.Counter(exec_key(r) for r in records if r["event"] == "exec")
        first = min(wall_ns(r["time"]) for r in records if r["event"] == "exec")
        # Each agent turns boot times into wall times with its own clock samples, and
        # this clock is read apart: times within 5 ms of a bound cannot be placed.
        margin = 5 * 10**6
        detached = wall_ns(records[-1]["time"]) + margin
        lacking, ambiguous = 0, []
        for r in seen:
            t = wall_ns(r["time"])
            if r["event"] != "exec" or t < first - margin or t > detached:
                continue
            if got[exec_key(r)] > 0:
                got[exec_key(r)] -= 1
            elif first + margin < t < resumed - margin:
                lacking += 1
            else:
                ambiguous.append(r["comm"])
        detail = (f"{n} children, {arrived} arrived; exec records lost {lost}, the observer's "
                  f"lacking {lacking}, ambiguous {len(ambiguous)} {sorted(set(ambiguous))[:5]}")
        print(detail, file=sys.stderr)
        return lost, lacking, len(ambiguous), detail

    def test_sigterm_leaves_nothing_loaded(self):
        a = self.agent()
        a.wait_startup()
        ids = {"prog": set(), "map": set(), "link": set()}
        fdinfo = f"/proc/{a.proc.pid}/fdinfo"
        for fd in os.listdir(fdinfo):
            try:
                with open(os.path.join(fdinfo, fd)) as f:
                    for line in f:
                        key, _, value = line.partition(":")
                        if key in ("prog_id", "map_id", "link_id"):
                            ids[key[:-3]].add(int(value))
            except OSError:
                pass
        self.assertGreaterEqual(len(ids["prog"]), 4, ids)  # entry + exit, execve + execveat
        self.assertGreaterEqual(len(ids["map"]), 3, ids)  # TASK_OFFSETS, EVENTS, STATS
        self.assertGreaterEqual(len(ids["link"]), 4, ids)
        for kind in ids:
            for i in ids[kind]:
                self.assertTrue(bpftool_has(kind, i), f"{kind} {i} not visible while running")
        self.assertEqual(a.stop(signal.SIGTERM), 0, a.stderr())
        records = a.records()
        self.assertTrue(records[-1]["event"] == "stats" and records[-1]["final"])
        # The kernel frees programs after an RCU grace period and maps after
        # their programs: wait for it, then nothing of the agent's may remain.
        deadline = time.monotonic() + 20
        left = ids
        while True:
            left = {k: {i for i in v if bpftool_has(k, i)} for k, v in left.items()}
            if not any(left.values()) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertFalse(any(left.values()), f"still loaded 20 s after SIGTERM: {left}")

    def test_logrotate_during_a_storm(self):
        """The real logrotate rotates the output again and again while children exec: in
        create mode (its postrotate sends SIGHUP: the agent reopens) and in copytruncate
        mode (bracketed by SIGSTOP and SIGCONT: lines written between logrotate's copy and
        its truncate would be lost, logrotate(8) says). Every child's event is in exactly
        one of the files, every line of every file is whole JSON."""
        if not shutil.which("logrotate"):
            self.fail("logrotate is not installed (scripts/setup installs it)")
        for mode in ("create", "copytruncate"):
            a = self.agent()
            a.wait_startup()
            pid = a.proc.pid
            if mode == "create":
                body = f"create 0640\n    postrotate\n        kill -HUP {pid}\n    endscript"
            else:
                body = (f"copytruncate\n    prerotate\n        kill -STOP {pid}\n    endscript\n"
                        f"    postrotate\n        kill -CONT {pid}\n    endscript")
            conf = os.path.join(a.dir, "logrotate.conf")
            with open(conf, "w") as f:
                f.write(f"{a.path} {{\n    rotate 1000\n    {body}\n}}\n")
            marker = f"es-rot-{mode}-{os.getpid()}"
            pids, rotations = [], 0
            for rnd in range(8):
                pids += spawn_children(100, f"{marker}-{rnd}")
                subprocess.run(["logrotate", "-f", "-s", os.path.join(a.dir, "state"), conf],
                               check=True)
                rotations += 1
            self.assertEqual(a.stop(), 0, a.stderr())
            files = sorted(os.path.join(a.dir, n) for n in os.listdir(a.dir)
                           if n.startswith("out.json"))
            self.assertEqual(len(files), rotations + 1, files)
            records = []
            for path in files:
                with open(path, "rb") as f:
                    data = f.read()
                self.assertTrue(not data or data.endswith(b"\n"), f"{path}: a cut line")
                records += parse_lines(data)
            for rnd in range(8):
                found = events_by_marker(records, f"{marker}-{rnd}")  # twice fails there
                assert_all_found(self, found, f"{marker}-{rnd}", pids[rnd * 100:(rnd + 1) * 100])
            stats = [r for r in records if r["event"] == "stats"][-1]
            # Two rotations may come before the agent's next poll: one reopen serves both.
            if mode == "create":
                self.assertTrue(1 <= stats["output_reopens"] <= rotations, stats)
            else:
                self.assertEqual(stats["output_reopens"], 0, stats)
            self.assertEqual(stats["output_reopen_failures"], 0, stats)

    def test_sighup_reopen_failure_keeps_writing(self):
        """A SIGHUP whose reopen fails (the path is now a directory): the agent says so,
        keeps writing to the file it has open, loses nothing and counts it."""
        a = self.agent()
        a.wait_startup()
        moved = os.path.join(a.dir, "moved.json")
        os.rename(a.path, moved)
        os.mkdir(a.path)  # open(O_WRONLY) of a directory: EISDIR
        try:
            os.kill(a.proc.pid, signal.SIGHUP)
            deadline = time.monotonic() + 60
            while "SIGHUP: reopening" not in a.stderr() and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertIn("SIGHUP: reopening", a.stderr())
            marker = f"es-hupfail-{os.getpid()}"
            pids = spawn_children(20, marker)
            self.assertEqual(a.stop(), 0, a.stderr())
            with open(moved, "rb") as f:
                records = parse_lines(f.read())
            assert_all_found(self, events_by_marker(records, marker), marker, pids)
            self.assertEqual(records[-1]["output_reopen_failures"], 1, records[-1])
        finally:
            os.rmdir(a.path)

    def test_duration_and_append(self):
        a = self.agent("--duration", "1", "--stats-interval", "0")
        a.wait_startup()
        self.assertEqual(a.proc.wait(timeout=60), 0, a.stderr())
        first = a.records()
        self.assertEqual([r["event"] for r in first if r["event"] != "exec"],
                         ["startup", "stats"])
        # Same file again: appended, not truncated.
        proc = subprocess.run([AGENT, "--duration", "1", "--output", a.path], capture_output=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        both = a.records()
        self.assertEqual([r["event"] for r in both if r["event"] != "exec"],
                         ["startup", "stats", "startup", "stats"])
        self.assertEqual(both[:len(first)], first)

    def test_usage_and_privileges(self):
        for bad in (["--format", "xml"], ["--ringbuf-size", "1000"], ["--ringbuf-size", "12K"],
                    ["--ringbuf-size", "4K"],
                    ["--duration", "0"], ["--duration", "-1"], ["--attach", "uprobe"],
                    ["--btf", "/nonexistent/vmlinux"], ["--bogus"], ["extra"],
                    ["--fileless-allow-parent", "relative/path"],
                    ["--fileless-allow-executor", "relative/path"]):
            proc = subprocess.run([AGENT, *bad], capture_output=True)
            self.assertEqual(proc.returncode, 2, (bad, proc.stderr))
            self.assertTrue(proc.stderr, bad)
        proc = subprocess.run([AGENT, "--help"], capture_output=True)
        self.assertEqual(proc.returncode, 0)
        self.assertIn(b"--fileless-allow-parent", proc.stdout)
        self.assertIn(b"--fileless-allow-executor", proc.stdout)
        proc = subprocess.run([AGENT, "--version"], capture_output=True)
        self.assertEqual(proc.returncode, 0)
        self.assertTrue(proc.stdout.startswith(b"execsensor "))
        setpriv = shutil.which("setpriv")
        if not setpriv:
            self.fail("setpriv (util-linux) is needed to drop privileges")
        proc = subprocess.run([setpriv, "--reuid=65534", "--regid=65534", "--clear-groups",
                               "--inh-caps=-all", AGENT, "--duration", "1"], capture_output=True)
        self.assertEqual(proc.returncode, 3, proc.stderr)
        self.assertIn(b"CAP_BPF", proc.stderr)
        self.assertIn(b"CAP_PERFMON", proc.stderr)
        self.assertEqual(proc.stdout, b"")

    def test_unit_capabilities(self):
        """The systemd unit's capability set runs the agent, and CAP_SYS_PTRACE is needed.

        The agent runs as root with exactly the unit's bounding set. A parent
        of another user (nobody), started before the agent, spawns a child:
        the parent's exe can only come from /proc, which needs CAP_SYS_PTRACE
        (known with it, null without). A parent born after the agent started
        is known either way: its exe came with its exec record."""
        unit = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts",
                            "packaging", "execsensor.service")
        caps = None
        with open(unit) as f:
            for line in f:
                if line.startswith("CapabilityBoundingSet="):
                    caps = line.split("=", 1)[1].split()
        self.assertEqual(sorted(caps),
                         ["CAP_BPF", "CAP_PERFMON", "CAP_SYS_ADMIN", "CAP_SYS_PTRACE"])
        python = os.path.realpath(sys.executable)
        spawner = ("import os, sys\n"
                   "for line in sys.stdin:\n"
                   "    pid = os.posix_spawn('/bin/true', ['/bin/true', line.strip()], {})\n"
                   "    print(pid, flush=True)\n"
                   "    os.waitpid(pid, 0)\n")
        for with_ptrace in (True, False):
            kept = [c for c in caps if with_ptrace or c != "CAP_SYS_PTRACE"]
            bounding = "-all," + ",".join("+" + c[4:].lower() for c in kept)
            old = subprocess.Popen(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                    python, "-c", spawner], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, text=True)
            try:
                a = self.agent(setpriv_prefix=["setpriv", f"--bounding-set={bounding}",
                                               "--inh-caps=-all"])
                startup = a.wait_startup()
                self.assertEqual(startup["selftest"]["result"], "passed", startup)
                tag = f"es-caps-{os.getpid()}-{int(with_ptrace)}"
                old.stdin.write(tag + "\n")
                old.stdin.flush()
                child = int(old.stdout.readline())
                a.wait_for(f'"argv":["/bin/true","{tag}"]'.encode())
            finally:
                old.stdin.close()
                old.wait(timeout=30)
                old.stdout.close()
            self.assertEqual(a.stop(), 0, a.stderr())
            r = [r for r in a.records() if r["event"] == "exec" and r["pid"] == child][0]
            self.assertEqual(r["ppid_source"], "kernel")
            self.assertEqual(r["uid"], 65534)
            if with_ptrace:
                self.assertEqual(r["parent_exe"], python, r)
            else:
                self.assertIsNone(r["parent_exe"], r)
                self.assertIn("no CAP_SYS_PTRACE", a.stderr())

    def test_external_and_broken_btf(self):
        """--btf: an external copy of the kernel's BTF works; a file that is not BTF
        leaves the agent running on the /proc fallback, saying why."""
        tmp = tempfile.mkdtemp(prefix="es-btf-")
        try:
            external = os.path.join(tmp, "vmlinux.btf")
            shutil.copy("/sys/kernel/btf/vmlinux", external)
            broken = os.path.join(tmp, "not-btf")
            with open(broken, "wb") as f:
                f.write(b"\x9f\xeb\x01\x00" + b"\xff" * 60)  # BTF magic, garbage header
            for path, works in ((external, True), (broken, False)):
                a = self.agent("--btf", path)
                startup = a.wait_startup()
                marker = f"es-btf-{os.getpid()}-{int(works)}"
                pids = spawn_children(20, marker)
                self.assertEqual(a.stop(), 0, a.stderr())
                found = events_by_marker(a.records(), marker)
                assert_all_found(self, found, marker, pids)
                sources = {r["ppid_source"] for r in found.values()}
                if works:
                    self.assertEqual(startup["btf"], {"source": external, "error": None})
                    self.assertTrue(startup["kernel_ppid"])
                    self.assertEqual(sources, {"kernel"})
                else:
                    self.assertIn(broken, startup["btf"]["error"])
                    self.assertFalse(startup["kernel_ppid"])
                    self.assertIn("BTF", startup["kernel_ppid_reason"])
                    self.assertTrue(all(o["resolved"] is False and o["value"] == 0
                                        for o in startup["offsets"]), startup["offsets"])
                    self.assertNotIn("kernel", sources)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_closed_output_pipe(self):
        """A reader that goes away is an output error: exit 1 with a message, not a hang."""
        proc = subprocess.Popen([AGENT, "--format", "json"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        proc.stdout.readline()
        proc.stdout.close()
        # The agent learns of the closed pipe at its next write: give it exec
        # events to write (a quiet host may have none for a whole stats interval).
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            spawn_children(1, f"es-pipe-{os.getpid()}")
            time.sleep(0.2)
        self.assertEqual(proc.wait(timeout=5), 1)
        err = proc.stderr.read()
        proc.stderr.close()
        self.assertIn(b"writing the output failed", err)

    def test_text_on_a_terminal(self):
        import pty
        # A pty as the agent's stdout, through subprocess: no Python runs
        # between fork and exec.
        master, slave = pty.openpty()
        proc = subprocess.Popen([AGENT, "--duration", "1", "--stats-interval", "0"],
                                stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
        os.close(slave)
        out = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError as e:
                if e.errno != errno.EIO:
                    raise
                break
            if not chunk:
                break
            out += chunk
        os.close(master)
        self.assertEqual(proc.wait(timeout=60), 0, out[-2000:])
        self.assertIn(b"# execsensor startup", out)
        self.assertIn(b"# final stats", out)
        self.assertNotIn(b'{"event"', out)


def exec_key(r):
    """An exec event as two agents both report it."""
    return (r["pid"], r["ret"], r["filename"], tuple(r["argv"] or ()))


def wall_ns(rfc3339):
    """"2026-11-28T09:18:35.997884153Z" as ns since the epoch."""
    secs = calendar.timegm(time.strptime(rfc3339[:19], "%Y-%m-%dT%H:%M:%S"))
    return secs * 10**9 + int(rfc3339[20:29])


def bpftool_has(kind, obj_id):
    proc = subprocess.run(["bpftool", kind, "show", "id", str(obj_id)], capture_output=True)
    return proc.returncode == 0


def main(name="agent.live"):
    """Run the unittest cases of __main__ as ctest's test @name."""
    global AGENT, HELPER
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    AGENT, HELPER = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    return (estest.require_root(name, "CAP_BPF, CAP_PERFMON") or
            estest.unittest_main([sys.argv[0]] + sys.argv[3:]))


if __name__ == "__main__":
    sys.exit(main())
