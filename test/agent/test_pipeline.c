// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The agent's pipeline fed records made by hand, as the ring buffer would
 * hand them over: what each becomes in the output (read back with python3's
 * json module), and that every record is accounted for in the stats. /proc is an empty directory here, so
 * nothing leaks in from the host.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "check_main.h"
#include "pipeline.h"
#include "python_check.h"
#include "record_builder.h"

static char dir[] = "/tmp/es-pipeline-XXXXXX";
static char path[64];
static struct es_fileless_allowlist allow;
static struct es_output out;
static struct es_pipeline pipe_;

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out.json", dir);
	ck_assert_int_eq(es_fileless_allowlist_init(&allow), 0);
	ck_assert_int_eq(es_output_open(&out, path, ES_FORMAT_JSON), 0);
	/* An empty /proc: the fallback finds nothing, the parent cache knows nothing. */
	ck_assert_int_eq(es_pipeline_init(&pipe_, &out, &allow, dir), 0);
}

static void teardown(void)
{
	es_pipeline_free(&pipe_);
	es_output_close(&out);
	es_fileless_allowlist_free(&allow);
	unlink(path);
	rmdir(dir);
}

/* Bytes as the ring buffer gives them, to the pipeline as the loader does: parsed once. */
static void feed(const void *data, size_t size)
{
	struct es_record rec;

	es_record_parse(data, size, &rec);
	es_pipeline_record(&pipe_, &rec);
}

/* Hand the record @spec describes to the pipeline. */
static void record(const struct es_test_record *spec)
{
	static uint64_t buf[ES_RECORD_MAX / 8 + 1];

	feed(buf, es_test_record_make(buf, spec));
}

/* Flush, then check the output with @program (python3's json module). */
static int python_check(const char *program)
{
	ck_assert_int_eq(es_output_flush(&out), 0);
	return es_python_check(program, path);
}

/* The accounting identity of docs/events.md over what the pipeline saw. */
static void assert_accounted(void)
{
	const struct es_agent_stats *s = &pipe_.stats;

	ck_assert_uint_eq(s->records_received,
			  s->events + s->fork_records + s->exit_records + s->records_dropped);
	ck_assert_uint_eq(s->records_dropped, s->dropped_malformed + s->dropped_unknown_type);
}

START_TEST(an_exec_record_is_one_event)
{
	const char *argv[] = { "true", "x", NULL };
	struct es_test_record r = {
		.pid = 100,
		.ppid = 50,
		.flags = ES_EXEC_F_PPID_KERNEL,
		.time_ns = 1000,
		.comm = "sh",
		.filename = "/bin/true",
		.argv = argv,
		.path_misses = 2,
		.exe = "/usr/bin/true",
		.exe_ino = 1234,
		.exe_dev = 8u << 20 | 1,
		.exe_nlink = 1,
	};

	record(&r);
	ck_assert_int_eq(
		python_check("import json, os, sys\n"
			     "e, = [json.loads(l) for l in open(sys.argv[1])]\n"
			     "check(e[\"event\"] == \"exec\" and e[\"pid\"] == 100)\n"
			     "check(e[\"ppid\"] == 50 and e[\"ppid_source\"] == \"kernel\")\n"
			     "check(e[\"argv\"] == [\"true\", \"x\"], e)\n"
			     "check(e[\"argv_truncated\"] is False and e[\"ret\"] == 0)\n"
			     "check(e[\"path_misses\"] == 2)\n"
			     "x = e[\"exe\"]\n"
			     "check(x[\"path\"] == \"/usr/bin/true\" and x[\"ino\"] == 1234, x)\n"
			     "check(x[\"dev\"] == os.makedev(8, 1) and x[\"nlink\"] == 1, x)\n"
			     "check(x[\"memfd\"] is False and x[\"truncated\"] is False)\n"
			     "print(\"ok\")\n"),
		0);
	ck_assert_uint_eq(pipe_.stats.events, 1);
	ck_assert_uint_eq(pipe_.stats.path_misses, 2);
	assert_accounted();
}
END_TEST

START_TEST(failures_and_records_without_entry_state)
{
	const char *argv[] = { "prog", NULL };
	struct es_test_record failure = {
		.type = ES_RECORD_EXEC_FAILURE,
		.pid = 300,
		.ppid = 50,
		.flags = ES_EXEC_F_PPID_KERNEL,
		.ret = -2,
		.filename = "/nonexistent",
		.argv = argv,
	};
	/* No entry state and no kernel parent; /proc (empty here) knows nothing either. */
	struct es_test_record orphan = {
		.pid = 303,
		.flags = ES_EXEC_F_NO_PENDING,
		.filename = "/bin/sleep",
		.syscall = ES_SYSCALL_UNKNOWN,
	};

	record(&failure);
	record(&orphan);
	ck_assert_int_eq(
		python_check("import json, sys\n"
			     "r = [json.loads(l) for l in open(sys.argv[1])]\n"
			     "check([e[\"pid\"] for e in r] == [300, 303], r)\n"
			     "check(r[0][\"ret\"] == -2 and r[0][\"exe\"] is None)\n"
			     "check(r[1][\"ppid\"] == 0 and r[1][\"ppid_source\"] == \"unknown\")\n"
			     "check(r[1][\"exe\"] is None and r[1][\"argv\"] == [])\n"
			     "print(\"ok\")\n"),
		0);
	ck_assert_uint_eq(pipe_.stats.failures, 1);
	ck_assert_uint_eq(pipe_.stats.exe_unknown, 1);
	ck_assert_uint_eq(pipe_.stats.fallback_misses, 1);
	assert_accounted();
}
END_TEST

START_TEST(unusable_records_are_counted_not_trusted)
{
	static uint64_t buf[ES_RECORD_MAX / 8 + 1];
	struct es_test_record r = { .pid = 400, .filename = "/bin/x" };
	struct es_record_header unknown = { .type = 99, .pid = 400 };
	size_t size = es_test_record_make(buf, &r);

	feed(buf, size - 1); /* its lengths claim more than it holds */
	feed(buf, 2); /* shorter than a header */
	feed(&unknown, sizeof(unknown));
	ck_assert_uint_eq(pipe_.stats.dropped_malformed, 2);
	ck_assert_uint_eq(pipe_.stats.dropped_unknown_type, 1);
	ck_assert_uint_eq(pipe_.stats.events, 0);
	assert_accounted();
}
END_TEST

/* PID 1 re-executing itself: the kernel gives its parent, the idle task, as 0. */
START_TEST(pid_1_s_parent_0_is_the_kernel_s)
{
	const char *argv[] = { "/usr/lib/systemd/systemd", "--system", "--deserialize=50", NULL };
	struct es_test_record r = {
		.pid = 1,
		.ppid = 0,
		.flags = ES_EXEC_F_PPID_KERNEL,
		.comm = "systemd",
		.filename = "/usr/lib/systemd/systemd",
		.argv = argv,
	};

	record(&r);
	ck_assert_int_eq(
		python_check("import json, sys\n"
			     "e, = [json.loads(l) for l in open(sys.argv[1])]\n"
			     "check((e[\"ppid\"], e[\"ppid_source\"]) == (0, \"kernel\"), e)\n"
			     "print(\"ok\")\n"),
		0);
	ck_assert_uint_eq(pipe_.stats.ppid_source[ES_PPID_SOURCE_KERNEL], 1);
	ck_assert_uint_eq(pipe_.stats.fallback_misses, 0);
}
END_TEST

START_TEST(a_fexecve_of_a_memfd_alerts)
{
	const char *argv[] = { "x", NULL };
	struct es_test_record r = {
		.pid = 500,
		.ppid = 50,
		.flags = ES_EXEC_F_PPID_KERNEL | ES_EXEC_F_EXE_PSEUDO,
		.syscall = ES_SYSCALL_EXECVEAT,
		.execveat_flags = 0x1000 /* AT_EMPTY_PATH */,
		.comm = "payload",
		.filename = "/dev/fd/3",
		.argv = argv,
		.exe = "/memfd:es-payload",
		.exe_ino = 7,
		.exe_nlink = 0,
	};

	record(&r);
	ck_assert_int_eq(
		python_check("import json, sys\n"
			     "e, = [json.loads(l) for l in open(sys.argv[1])]\n"
			     "check(e[\"filename\"] == \"/dev/fd/3\", e)\n"
			     "check(e[\"exe\"][\"memfd\"] is True and e[\"exe\"][\"nlink\"] == 0)\n"
			     "check(e[\"exe\"][\"path\"] == \"/memfd:es-payload\")\n"
			     "check(e[\"fileless\"][\"verdict\"] == \"alert\", e)\n"
			     "check(\"image is a memfd\" in e[\"fileless\"][\"reason\"], e)\n"
			     "print(\"ok\")\n"),
		0);
	ck_assert_uint_eq(pipe_.stats.fileless_alerts, 1);
}
END_TEST

/* A file for the gate's lists: its path into @file, its device and inode into @rec's exe. */
static void gate_file(const char *name, char *file, size_t size, struct es_test_record *rec)
{
	struct stat st;
	FILE *f;

	snprintf(file, size, "%s/%s", dir, name);
	f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	ck_assert_int_eq(stat(file, &st), 0);
	rec->exe = file;
	rec->exe_ino = st.st_ino;
	rec->exe_dev = major(st.st_dev) << 20 | minor(st.st_dev); /* the kernel's encoding */
	rec->exe_nlink = 1;
}

static void fork_of(uint32_t pid, uint32_t ppid, uint64_t time_ns)
{
	struct es_fork_record f = {
		.hdr = { .type = ES_RECORD_FORK, .pid = pid, .tid = pid, .time_ns = time_ns },
		.parent_pid = ppid,
		.parent_tid = ppid,
	};

	feed(&f, sizeof(f));
}

/*
 * The gate on the process table, as systemd 257 runs things (test_fileless.c
 * says what was recorded): PID 1 (known from its re-exec) forks 200, whose
 * first exec is the executor through /proc/self/fd/9: suppressed; 200 then
 * runs a binary, and runs the executor again: not its first exec. 300, forked
 * by a process the table does not know and adopted by PID 1 (a daemon), runs
 * the executor: not forked by a manager. 400, forked by PID 1, becomes
 * systemd --user after its executor exec, and its child 401's executor exec
 * is suppressed as a user manager's.
 */
START_TEST(the_gate_reads_the_process_table)
{
	const char *pid1_argv[] = { "/usr/lib/systemd/systemd", "--system", NULL };
	const char *user_argv[] = { "/usr/lib/systemd/systemd", "--user", NULL };
	const char *x_argv[] = { "/usr/lib/systemd/systemd-executor", "--deserialize", "50", NULL };
	const char *true_argv[] = { "/usr/bin/true", "x", NULL };
	char manager[128], executor[128];
	struct es_test_record pid1 = { .pid = 1,
				       .flags = ES_EXEC_F_PPID_KERNEL,
				       .time_ns = 10,
				       .comm = "systemd",
				       .argv = pid1_argv };
	struct es_test_record x = { .flags = ES_EXEC_F_PPID_KERNEL,
				    .comm = "systemd",
				    .filename = "/proc/self/fd/9",
				    .argv = x_argv };
	struct es_test_record bin = { .pid = 200,
				      .ppid = 1,
				      .flags = ES_EXEC_F_PPID_KERNEL,
				      .time_ns = 300,
				      .comm = "(true)",
				      .filename = "/usr/bin/true",
				      .argv = true_argv,
				      .exe = "/usr/bin/true",
				      .exe_nlink = 1 };
	struct es_test_record user;

	gate_file("systemd", manager, sizeof(manager), &pid1);
	gate_file("systemd-executor", executor, sizeof(executor), &x);
	pid1.filename = manager;
	user = pid1;
	user.argv = user_argv;
	ck_assert_int_eq(es_fileless_allowlist_add(&allow, ES_FILELESS_MANAGERS, manager), 0);
	ck_assert_int_eq(es_fileless_allowlist_add(&allow, ES_FILELESS_EXECUTORS, executor), 0);
	record(&pid1);

	fork_of(200, 1, 100);
	x.pid = 200, x.ppid = 1, x.time_ns = 200;
	record(&x);
	record(&bin);
	x.time_ns = 400;
	record(&x);

	fork_of(300, 250, 500);
	x.pid = 300, x.ppid = 1, x.time_ns = 600;
	record(&x);

	fork_of(400, 1, 700);
	x.pid = 400, x.ppid = 1, x.time_ns = 800;
	record(&x);
	user.pid = 400, user.ppid = 1, user.time_ns = 900;
	record(&user);
	fork_of(401, 400, 1000);
	x.pid = 401, x.ppid = 400, x.time_ns = 1100;
	record(&x);

	ck_assert_int_eq(
		python_check(
			"import json, sys\n"
			"r = [json.loads(l) for l in open(sys.argv[1])]\n"
			"g = [(e[\"pid\"], e[\"fileless\"][\"verdict\"], e[\"fileless\"][\"gate\"])\n"
			"     for e in r if e[\"fileless\"]]\n"
			"gate = lambda failed, by, manager, first: {\"failed\": failed, \"executor\": True,\n"
			"    \"on_disk\": True, \"forked_by\": by, \"manager\": manager, \"first_exec\": first}\n"
			"check(g == [(200, \"suppressed\", gate(None, 1, \"system\", True)),\n"
			"             (200, \"alert\", gate(\"not the first exec since the fork\", 1,\n"
			"                                   \"system\", False)),\n"
			"             (300, \"alert\", gate(\"not forked by a service manager\", 250,\n"
			"                                   None, True)),\n"
			"             (400, \"suppressed\", gate(None, 1, \"system\", True)),\n"
			"             (401, \"suppressed\", gate(None, 400, \"user\", True))], g)\n"
			"s = [e for e in r if e[\"fileless\"] and e[\"fileless\"][\"verdict\"] == \"suppressed\"]\n"
			"check(s[0][\"fileless\"][\"parent\"].endswith(\"/systemd\"), s[0])\n"
			"print(\"ok\")\n"),
		0);
	ck_assert_uint_eq(pipe_.stats.fileless_suppressed, 3);
	ck_assert_uint_eq(pipe_.stats.fileless_alerts, 2);
	unlink(manager);
	unlink(executor);
}
END_TEST

/*
 * A fork stamped with the child's start time, its exec, and its exit stamped
 * to the tick, before both (the process lived less than a tick, or the tick
 * ran late): the exit is still that process's, at its exec's time at the
 * earliest.
 */
START_TEST(an_exit_to_the_tick_is_its_process_s)
{
	const uint64_t start = 10000000000ULL, exec_time = start + 500000;
	const char *argv[] = { "true", NULL };
	struct es_test_record exec = {
		.pid = 600,
		.ppid = 50,
		.flags = ES_EXEC_F_PPID_KERNEL,
		.time_ns = exec_time,
		.filename = "/bin/true",
		.argv = argv,
		.exe = "/usr/bin/true",
	};
	struct es_fork_record fork = {
		.hdr = { .type = ES_RECORD_FORK,
			 .pid = 600,
			 .tid = 600,
			 .flags = ES_FORK_F_START_TIME,
			 .time_ns = start },
		.parent_pid = 50,
		.parent_tid = 50,
	};
	struct es_exit_record exit = {
		.hdr = { .type = ES_RECORD_EXIT,
			 .pid = 600,
			 .tid = 600,
			 .flags = ES_EXIT_F_CODE | ES_EXIT_F_TIME_TICK },
	};

	/* Its jiffy began 8 ms before the start: the timer tick, late, had not counted it yet. */
	exit.hdr.time_ns = start - 8000000;
	pipe_.report_fork = pipe_.report_exit = true;
	feed(&fork, sizeof(fork));
	record(&exec);
	ck_assert_uint_eq(pipe_.procs->stats.entries, 1);
	feed(&exit, sizeof(exit));
	ck_assert_int_eq(
		python_check(
			"import json, sys\n"
			"r = [json.loads(l) for l in open(sys.argv[1])]\n"
			"check([e[\"event\"] for e in r] == [\"fork\", \"exec\", \"exit\"], r)\n"
			"check(r[2][\"pid\"] == 600 and r[2][\"ppid\"] == 50, r[2])\n"
			"check(r[2][\"exe\"] == \"/usr/bin/true\" and r[2][\"exit_code\"] == 0, r[2])\n"
			"check(r[2][\"time\"] == r[1][\"time\"], (r[1], r[2]))\n"
			"check(r[0][\"time\"] < r[1][\"time\"], r)\n"
			"print(\"ok\")\n"),
		0);
	/* Exited with no child: gone from the table. */
	ck_assert_uint_eq(pipe_.procs->stats.entries, 0);
	ck_assert_uint_eq(pipe_.procs->stats.removed, 1);
	assert_accounted();
}
END_TEST

int main(void)
{
	const struct es_check_case cases[] = {
		{ "pipeline",
		  ES_CHECK_TESTS(
			  an_exec_record_is_one_event, failures_and_records_without_entry_state,
			  unusable_records_are_counted_not_trusted,
			  pid_1_s_parent_0_is_the_kernel_s, a_fexecve_of_a_memfd_alerts,
			  the_gate_reads_the_process_table, an_exit_to_the_tick_is_its_process_s),
		  .setup = setup, .teardown = teardown },
		{ NULL },
	};

	return es_check_run("pipeline", NULL, cases);
}
