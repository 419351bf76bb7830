#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live test of --format ecs, through the binary, as root: real children (one with
hostile argv bytes, one whose exec fails) under an agent writing ECS documents.

Every document the agent wrote (other processes' too) must be ECS: each field
outside execsensor.* in ECS's field reference (ecs_fields.csv) with a value of
its type (ecs_check.py), and one index mapping must hold them all. Our
children's documents must carry what this test did: their pids, this process
as their parent, the executables, the argv bytes, the exit statuses.

usage: live_ecs.py AGENT EXEC_HELPER [unittest args]
"""
import errno
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

import ecs_check
import live_agent
from live_agent import TRUE, Agent, b, wall_ns

SEC = 10**9
HOSTILE = [b'"', b"\\", b"a\nb\r\t", b"\x01\x1b[31m\x7f", b"\xff\xfe\xc0\xaf", b"\xed\xa0\x80",
           b"", b"\xc2\x85\xe2\x80\xa8", b"\xf0\x9f\x98\x80", b"two words"]


def json_kind(value):
    return "list" if isinstance(value, list) else type(value).__name__


def assert_one_mapping(test, flats):
    """No path has two JSON types across the documents, and none is both a value and an
    object: Elasticsearch maps each path once per index. Nulls map to nothing."""
    kinds = {}
    for flat in flats:
        for path, value in flat.items():
            if value is not None:
                kinds.setdefault(path, set()).add(json_kind(value))
    for path, seen in kinds.items():
        test.assertEqual(len(seen), 1, f"{path} is {seen}")
    objects = {path.rsplit(".", i)[0] for path in kinds for i in range(1, path.count(".") + 1)}
    test.assertEqual(objects & set(kinds), set(), "paths both a value and an object")


class LiveEcs(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="es-ecs-").encode()
        self.agent = None

    def tearDown(self):
        if self.agent:
            self.agent.cleanup()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def spawn(self, path, argv):
        """A child of this process running @path with @argv, reaped: its pid and status."""
        pid = os.posix_spawn(path, argv, os.environ)
        _, status = os.waitpid(pid, 0)
        return pid, status

    def test_documents_of_real_children(self):
        self.agent = a = Agent("--events", "exec,fork,exit", "--stats-interval", "0", fmt="ecs")
        a.wait_startup()
        tag = f"es-ecs-{os.getpid()}".encode()
        before = time.time_ns()
        plain_argv = [TRUE.encode(), tag + b"-plain"]
        plain = self.spawn(TRUE, plain_argv)
        # A path with hostile bytes (a symlink to /bin/true) and hostile arguments.
        link = os.path.join(self.tmp, b"li\nnk\xff\"")
        os.symlink(TRUE, link)
        hostile_argv = [link, tag + b"-hostile"] + HOSTILE
        hostile = self.spawn(link, hostile_argv)
        # An exec that fails (ENOENT): exec_helper's child tries it, then exits 122.
        missing = os.path.join(self.tmp, b"no\x01such\xfe")
        failed_argv = [missing, tag + b"-failed", b"\xff\"x"]
        helper = subprocess.Popen([live_agent.HELPER.encode(), b"exec", b"es-ecs", missing,
                                   *failed_argv], stdout=subprocess.PIPE,
                                  stdin=subprocess.DEVNULL)
        out, _ = helper.communicate()
        self.assertEqual(helper.returncode, 122)
        failed_pid = int(out)
        after = time.time_ns()
        self.assertEqual(a.stop(), 0, a.stderr())

        docs = a.records()
        fields = ecs_check.load_fields()
        flats = [ecs_check.check_document(d, fields) for d in docs]
        assert_one_mapping(self, flats)
        self.assertEqual(docs[0]["event"]["action"], "startup")
        stats = docs[-1]
        self.assertEqual((stats["event"]["kind"], stats["event"]["action"]), ("metric", "stats"))
        self.assertTrue(stats["execsensor"]["stats"]["final"])
        execs = [d for d in docs if d["event"]["action"] == "exec"]
        self.assertEqual(stats["execsensor"]["stats"]["events"], len(execs))

        with open("/proc/sys/kernel/random/boot_id") as f:
            boot = f.read().strip()
        for d in docs:
            self.assertEqual(d["host"], {"hostname": os.uname().nodename, "boot": {"id": boot}})
        by_pid = {}  # (pid, action): its documents
        for d in docs:
            if "process" in d:
                by_pid.setdefault((d["process"]["pid"], d["event"]["action"]), []).append(d)
        true_exe = os.path.realpath(TRUE)
        my_exe = os.readlink("/proc/self/exe")

        for (pid, status), argv in ((plain, plain_argv), (hostile, hostile_argv)):
            (e,) = by_pid[(pid, "exec")]
            p = e["process"]
            self.assertEqual(e["event"], {"kind": "event", "category": ["process"],
                                          "type": ["start"], "action": "exec",
                                          "outcome": "success", "provider": "execsensor"})
            # Between the spawn and the reap (a second's slack for the clock offset's sampling).
            self.assertTrue(before - SEC <= wall_ns(e["@timestamp"]) <= after + SEC,
                            e["@timestamp"])
            self.assertEqual((p["executable"], p["name"]), (true_exe, os.path.basename(true_exe)))
            self.assertEqual([b(x) for x in p["args"]], argv)
            self.assertEqual(p["args_count"], len(argv))
            self.assertEqual(b(p["command_line"]), b" ".join(argv))
            self.assertEqual(b(e["execsensor"]["filename"]), argv[0])
            self.assertEqual(p["parent"]["pid"], os.getpid())
            self.assertEqual(p["parent"]["executable"], my_exe)
            self.assertEqual(p["thread"]["id"], pid)
            self.assertEqual(e["user"]["id"], str(os.getuid()))
            self.assertEqual(e["group"]["id"], str(os.getgid()))
            self.assertEqual(p["user"]["id"], str(os.geteuid()))
            self.assertEqual(p["real_user"]["id"], str(os.getuid()))
            self.assertEqual(e["execsensor"]["ret"], 0)
            # Its fork and exit name the same process: one entity_id, from this boot.
            (fork,) = by_pid[(pid, "fork")]
            (exit_doc,) = by_pid[(pid, "exit")]
            self.assertTrue(p["entity_id"].startswith(f"{boot}-{pid}-"), p["entity_id"])
            self.assertEqual(fork["process"]["entity_id"], p["entity_id"])
            self.assertEqual(exit_doc["process"]["entity_id"], p["entity_id"])
            self.assertEqual(fork["process"]["parent"]["pid"], os.getpid())
            self.assertEqual(fork["process"]["parent"]["entity_id"], p["parent"]["entity_id"])
            self.assertEqual(exit_doc["process"]["exit_code"], os.waitstatus_to_exitcode(status))
            self.assertEqual(exit_doc["process"]["executable"], true_exe)
            self.assertEqual(exit_doc["event"]["type"], ["end"])

        (f,) = by_pid[(failed_pid, "exec")]
        p = f["process"]
        self.assertEqual(f["event"]["outcome"], "failure")
        self.assertEqual(f["execsensor"]["ret"], -errno.ENOENT)
        self.assertEqual(b(p["executable"]), missing)
        self.assertEqual(b(p["name"]), os.path.basename(missing))
        self.assertEqual([b(x) for x in p["args"]], failed_argv)
        self.assertEqual(b(p["command_line"]), b" ".join(failed_argv))
        self.assertEqual(p["parent"]["pid"], helper.pid)
        self.assertEqual(p["parent"]["executable"], os.path.realpath(live_agent.HELPER))
        self.assertIsNone(f["execsensor"]["exe"])
        self.assertNotIn("user", p)  # a failure carries no credentials of a new image
        (exit_doc,) = by_pid[(failed_pid, "exit")]
        self.assertEqual(exit_doc["process"]["exit_code"], 122)


if __name__ == "__main__":
    sys.exit(live_agent.main("agent.live_ecs"))
