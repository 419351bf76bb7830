#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live tests of --metrics-file through the real node_exporter, as root.

The agent writes its metrics file into a directory that Debian's
prometheus-node-exporter reads with its textfile collector alone, as the
unprivileged user nobody (as its service runs as prometheus), on 127.0.0.1
at a free port. What a plain HTTP scrape answers is held to docs/metrics.md
and to the agent's own stats records (metrics_oracle.py): after the stop,
to the final one exactly; while it runs, to one of the interval ones.
promtool, from Debian's prometheus, lints the file.

usage: live_metrics.py AGENT EXEC_HELPER [unittest args]
"""
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import estest
import live_agent
import metrics_oracle
from estest import check

DOCS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "metrics.md")
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
BPF_STATS = "/proc/sys/kernel/bpf_stats_enabled"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NodeExporter:
    """prometheus-node-exporter with only the textfile collector, on 127.0.0.1."""

    def __init__(self, directory):
        self.log = []
        for _ in range(5):
            # The port is free now; another process may take it before node_exporter
            # binds, which then exits saying so: another port.
            self.port = free_port()
            self.proc = subprocess.Popen(
                [*NOBODY, "prometheus-node-exporter", "--collector.disable-defaults",
                 "--collector.textfile", f"--collector.textfile.directory={directory}",
                 f"--web.listen-address=127.0.0.1:{self.port}"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                text=True)
            for line in self.proc.stderr:
                self.log.append(line)
                if 'msg="Listening on"' in line:
                    # Its log goes on being read, so that it never blocks on a full pipe.
                    self.reader = threading.Thread(target=self.log.extend,
                                                   args=(self.proc.stderr,), daemon=True)
                    self.reader.start()
                    return
            self.proc.wait()
            self.proc.stderr.close()
        raise AssertionError("node_exporter did not start: " + "".join(self.log[-5:]))

    def scrape(self):
        """The /metrics page, with node_exporter's verdict on the textfile directory."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("GET", "/metrics")
            resp = conn.getresponse()
            body = resp.read().decode()
        finally:
            conn.close()
        check(resp.status == 200, (resp.status, body[:500]))
        error = metrics_oracle.parse_exposition(body)["node_textfile_scrape_error"]
        check(error["samples"] == [({}, "0")], ("node_exporter could not read the file",
                                                 error, "".join(self.log[-5:])))
        return body

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=60)
        self.reader.join(timeout=60)
        self.proc.stderr.close()


def stats_records(records):
    return [r for r in records if r["event"] == "stats"]


def wait_stats(agent, count, timeout=120):
    """Until the agent's output holds @count stats records."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(agent.path, "rb") as f:
            if f.read().count(b'"event":"stats"') >= count:
                return
        if agent.proc.poll() is not None:
            raise AssertionError(f"agent exited {agent.proc.returncode}: {agent.stderr()}")
        time.sleep(0.05)
    raise AssertionError(f"not {count} stats records within {timeout}s")


class LiveMetrics(unittest.TestCase):
    def setUp(self):
        for tool in ("prometheus-node-exporter", "promtool", "setpriv"):
            if not shutil.which(tool):
                self.fail(f"{tool} is not installed (scripts/setup installs it)")
        self.dir = tempfile.mkdtemp(prefix="es-metrics-")
        os.chmod(self.dir, 0o755)  # node_exporter runs as nobody
        self.prom = os.path.join(self.dir, "execsensor.prom")
        self.agents, self.exporter = [], None

    def tearDown(self):
        if self.exporter:
            self.exporter.stop()
        for a in self.agents:
            a.cleanup()
        shutil.rmtree(self.dir, ignore_errors=True)

    def agent(self, *args):
        a = live_agent.Agent("--metrics-file", self.prom, *args)
        self.agents.append(a)
        return a

    def assert_equals_record(self, text, startup, stats):
        problems = metrics_oracle.check(text, startup, stats, DOCS)
        self.assertEqual(problems, [], "\n".join(problems))

    def test_scrape_equals_the_final_stats_record(self):
        """With the kernel's BPF stats on, so that each program's run time is there too."""
        with open(BPF_STATS) as f:
            saved = f.read().strip()
        with open(BPF_STATS, "w") as f:
            f.write("1")
        try:
            self.scrape_run()
        finally:
            with open(BPF_STATS, "w") as f:
                f.write(saved)

    def scrape_run(self):
        self.exporter = NodeExporter(self.dir)
        a = self.agent("--stats-interval", "1")
        a.wait_startup()
        wait_stats(a, 1)  # the file is written before each stats record
        marker = f"es-metrics-{os.getpid()}"
        pids = live_agent.spawn_children(50, marker)
        running = [self.exporter.scrape() for _ in range(5)]
        wait_stats(a, 3)
        running.append(self.exporter.scrape())
        self.assertEqual(a.stop(), 0, a.stderr())
        records = a.records()
        live_agent.assert_all_found(self, live_agent.events_by_marker(records, marker), marker,
                                    pids)
        startup, stats = records[0], live_agent.check_accounting(self, records)
        final = self.exporter.scrape()
        self.assert_equals_record(final, startup, stats)
        self.assertIn("\nexecsensor_stats_final 1\n", final)
        self.assertIn("\nexecsensor_program_run_seconds_total{", final)
        # While it ran, each scrape was one of the interval records, whole.
        interval = [r for r in stats_records(records) if not r["final"]]
        for text in running:
            self.assertIn("\nexecsensor_stats_final 0\n", text)
            matched = [r for r in interval
                       if not metrics_oracle.check(text, startup, r, DOCS)]
            self.assertTrue(matched, "a scrape while running equals no stats record:\n"
                            + "\n".join(metrics_oracle.check(text, startup, interval[-1],
                                                             DOCS)))
        # The ring buffer held something when read (50 children's records), never more
        # than its size, in whole 8-byte-aligned records.
        peak = stats["ringbuf_peak_used"]
        self.assertTrue(0 < peak <= startup["ringbuf_size"] and peak % 8 == 0, peak)
        lint = subprocess.run(["promtool", "check", "metrics"], stdin=open(self.prom, "rb"),
                              capture_output=True)
        self.assertEqual((lint.returncode, lint.stdout, lint.stderr), (0, b"", b""))
        self.assertEqual(os.listdir(self.dir), ["execsensor.prom"])

    def test_failed_writes_counted_and_said_once(self):
        """The directory removed under the agent: each write fails, the agent says so once,
        counts them, loses no event, and writes again once the directory is back."""
        a = self.agent("--stats-interval", "1")
        a.wait_startup()
        wait_stats(a, 1)
        os.unlink(self.prom)
        os.rmdir(self.dir)
        try:
            deadline = time.monotonic() + 60
            while "--metrics-file" not in a.stderr() and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertIn("--metrics-file", a.stderr())
            seen = len(stats_records(a.records()))
            marker = f"es-metrics-gone-{os.getpid()}"
            pids = live_agent.spawn_children(20, marker)
            wait_stats(a, seen + 2)  # two more intervals, two more failed writes
        finally:
            os.mkdir(self.dir)
        self.assertEqual(a.stop(), 0, a.stderr())
        records = a.records()
        live_agent.assert_all_found(self, live_agent.events_by_marker(records, marker), marker,
                                    pids)
        stats = live_agent.check_accounting(self, records)
        self.assertGreaterEqual(stats["metrics_write_failures"], 2, stats)
        self.assertEqual(a.stderr().count("--metrics-file"), 1, a.stderr())
        self.assertIn("No such file or directory", a.stderr())
        with open(self.prom) as f:
            self.assert_equals_record(f.read(), records[0], stats)

    def test_usage(self):
        """A path that cannot be a metrics file is a usage error: exit 2, one clear line,
        nothing created."""
        regular = os.path.join(self.dir, "regular")
        open(regular, "w").close()
        for path, why in ((os.path.join(self.dir, "missing", "x.prom"), b"directory must exist"),
                          (os.path.join(regular, "x.prom"), b"directory must exist"),
                          (self.dir, b"not a directory"), (self.dir + "/", b"not a directory"),
                          ("", b"not a directory")):
            proc = subprocess.run([live_agent.AGENT, "--metrics-file", path, "--duration", "1"],
                                  capture_output=True)
            self.assertEqual(proc.returncode, 2, (path, proc.stderr))
            self.assertEqual(proc.stderr.count(b"\n"), 1, proc.stderr)
            self.assertIn(b"--metrics-file", proc.stderr)
            self.assertIn(why, proc.stderr)
        self.assertEqual(os.listdir(self.dir), ["regular"])
        proc = subprocess.run([live_agent.AGENT, "--help"], capture_output=True)
        self.assertIn(b"--metrics-file PATH", proc.stdout)


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    live_agent.AGENT = os.path.abspath(sys.argv[1])
    live_agent.HELPER = os.path.abspath(sys.argv[2])
    return (estest.require_root("agent.live_metrics", "CAP_BPF, CAP_PERFMON") or
            estest.unittest_main([sys.argv[0]] + sys.argv[3:]))


if __name__ == "__main__":
    sys.exit(main())
