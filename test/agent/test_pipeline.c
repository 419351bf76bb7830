// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The agent's pipeline fed synthetic records, as the ring buffer would hand
 * them over: what each sequence of exec, image and result records becomes
 * in the output (read back with python3's json module), and that every
 * record is accounted for in the stats. /proc is an empty directory here, so
 * nothing leaks in from the host.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "pipeline.h"
#include "python_check.h"

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

static void exec_record(uint32_t pid, uint32_t tid, uint32_t ppid, uint32_t flags,
			const char *filename)
{
	struct es_exec_event e;

	memset(&e, 0, sizeof(e));
	e.hdr.type = ES_RECORD_EXEC;
	e.hdr.pid = pid;
	e.hdr.tid = tid;
	e.hdr.syscall = ES_SYSCALL_EXECVE;
	e.hdr.time_ns = 1000;
	e.ppid = ppid;
	e.flags = flags;
	e.dirfd = -100;
	snprintf(e.comm, sizeof(e.comm), "sh");
	snprintf(e.filename, sizeof(e.filename), "%s", filename);
	if (!(flags & ES_EXEC_F_ARGV_FAULT)) {
		memcpy(e.args, "sh\0-c", 6);
		e.args_size = 6;
		e.argc = 2;
	}
	es_pipeline_record(&pipe_, &e, sizeof(e));
}

static void image_record(uint32_t pid, uint32_t old_pid, const char *filename, const char *args,
			 size_t args_size)
{
	struct es_exec_image img;

	memset(&img, 0, sizeof(img));
	img.hdr.type = ES_RECORD_EXEC_IMAGE;
	img.hdr.pid = img.hdr.tid = pid;
	img.hdr.time_ns = 1001;
	img.old_pid = old_pid;
	snprintf(img.filename, sizeof(img.filename), "%s", filename);
	memcpy(img.args, args, args_size);
	img.args_size = (uint32_t)args_size;
	es_pipeline_record(&pipe_, &img, sizeof(img));
}

static void result_record(uint32_t pid, int64_t ret)
{
	struct es_exec_result r = {
		.hdr = { .type = ES_RECORD_EXEC_RESULT, .pid = pid, .tid = pid, .time_ns = 1002 },
		.ret = ret,
	};

	es_pipeline_record(&pipe_, &r, sizeof(r));
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

	ck_assert_uint_eq(s->records_received, s->events + (s->events - s->results_missing) +
						       s->results_orphaned + s->images_received +
						       s->records_dropped);
	ck_assert_uint_eq(s->records_dropped,
			  s->dropped_short + s->dropped_unknown_type + s->dropped_no_memory);
}

START_TEST(exec_image_result_make_one_event)
{
	/* The entry read missed argv (a child exec'ing literals): the image fills it. */
	exec_record(100, 100, 50, ES_EXEC_F_PPID_KERNEL | ES_EXEC_F_ARGV_FAULT, "/bin/true");
	image_record(100, 100, "/bin/true", "true\0x", 7);
	result_record(100, 0);
	ck_assert_int_eq(
		python_check("import json, sys\n"
			     "r = [json.loads(l) for l in open(sys.argv[1])]\n"
			     "assert len(r) == 1, r\n"
			     "e = r[0]\n"
			     "assert e[\"event\"] == \"exec\" and e[\"pid\"] == 100\n"
			     "assert e[\"ppid\"] == 50 and e[\"ppid_source\"] == \"kernel\"\n"
			     "assert e[\"argv\"] == [\"true\", \"x\"], e\n"
			     "assert e[\"argv_truncated\"] is False and e[\"ret\"] == 0\n"
			     "print(\"ok\")\n"),
		0);
	ck_assert_uint_eq(pipe_.stats.events, 1);
	ck_assert_uint_eq(pipe_.stats.images_argv_filled, 1);
	ck_assert_uint_eq(pipe_.stats.argv_faults, 1);
	assert_accounted();
}
END_TEST

START_TEST(a_thread_exec_joins_by_old_pid)
{
	/* Thread 201 of process 200 execs: the image and result come as 200. */
	exec_record(200, 201, 50, ES_EXEC_F_PPID_KERNEL, "/bin/ls");
	image_record(200, 201, "/bin/ls", "ls", 3);
	result_record(200, 0);
	ck_assert_int_eq(
		python_check("import json, sys\n"
			     "e, = [json.loads(l) for l in open(sys.argv[1])]\n"
			     "assert (e[\"pid\"], e[\"tid\"], e[\"ret\"]) == (200, 201, 0), e\n"
			     "assert e[\"argv\"] == [\"sh\", \"-c\"], e\n"
			     "print(\"ok\")\n"),
		0);
	ck_assert_uint_eq(pipe_.stats.images_unmatched, 0);
	assert_accounted();
}
END_TEST

START_TEST(failures_orphans_and_missing_results)
{
	exec_record(300, 300, 50, ES_EXEC_F_PPID_KERNEL, "/nonexistent");
	result_record(300, -2);
	result_record(301, 0); /* its exec record was lost, or came before the start */
	image_record(302, 302, "/bin/x", "x", 2); /* likewise */
	/* No result: reported at the end with ret null; no kernel ppid and no /proc: unknown. */
	exec_record(303, 303, 0, 0, "/bin/sleep");
	es_pipeline_tick(&pipe_, UINT64_MAX);
	ck_assert_int_eq(
		python_check("import json, sys\n"
			     "r = [json.loads(l) for l in open(sys.argv[1])]\n"
			     "assert [e[\"pid\"] for e in r] == [300, 303], r\n"
			     "assert r[0][\"ret\"] == -2 and r[1][\"ret\"] is None\n"
			     "assert r[1][\"ppid\"] == 0 and r[1][\"ppid_source\"] == \"unknown\"\n"
			     "print(\"ok\")\n"),
		0);
	ck_assert_uint_eq(pipe_.stats.results_orphaned, 1);
	ck_assert_uint_eq(pipe_.stats.images_unmatched, 1);
	ck_assert_uint_eq(pipe_.stats.results_missing, 1);
	ck_assert_uint_eq(pipe_.stats.fallback_misses, 1);
	assert_accounted();
}
END_TEST

START_TEST(unusable_records_are_counted_not_trusted)
{
	struct es_exec_event e = { .hdr = { .type = ES_RECORD_EXEC, .pid = 400 } };
	struct es_record_header unknown = { .type = 99, .pid = 400 };

	es_pipeline_record(&pipe_, &e, sizeof(e) - 1); /* shorter than its type */
	es_pipeline_record(&pipe_, &e, 2); /* shorter than a header */
	es_pipeline_record(&pipe_, &unknown, sizeof(unknown));
	ck_assert_uint_eq(pipe_.stats.dropped_short, 2);
	ck_assert_uint_eq(pipe_.stats.dropped_unknown_type, 1);
	ck_assert_uint_eq(pipe_.stats.events, 0);
	assert_accounted();
}
END_TEST

START_TEST(a_fexecve_of_a_memfd_alerts)
{
	struct es_exec_event e;

	memset(&e, 0, sizeof(e));
	e.hdr.type = ES_RECORD_EXEC;
	e.hdr.pid = e.hdr.tid = 500;
	e.hdr.syscall = ES_SYSCALL_EXECVEAT;
	e.flags = ES_EXEC_F_PPID_KERNEL;
	e.ppid = 50;
	e.execveat_flags = 0x1000; /* AT_EMPTY_PATH */
	snprintf(e.comm, sizeof(e.comm), "payload");
	es_pipeline_record(&pipe_, &e, sizeof(e));
	image_record(500, 500, "/dev/fd/3", "x", 2);
	result_record(500, 0);
	ck_assert_int_eq(python_check("import json, sys\n"
				      "e, = [json.loads(l) for l in open(sys.argv[1])]\n"
				      "assert e[\"filename\"] == \"/dev/fd/3\", e\n"
				      "assert e[\"fileless\"][\"verdict\"] == \"alert\", e\n"
				      "print(\"ok\")\n"),
			 0);
	ck_assert_uint_eq(pipe_.stats.fileless_alerts, 1);
}
END_TEST

int main(void)
{
	const struct es_check_case cases[] = {
		{ "pipeline",
		  ES_CHECK_TESTS(exec_image_result_make_one_event, a_thread_exec_joins_by_old_pid,
				 failures_orphans_and_missing_results,
				 unusable_records_are_counted_not_trusted,
				 a_fexecve_of_a_memfd_alerts),
		  .setup = setup, .teardown = teardown },
		{ NULL },
	};

	return es_check_run("pipeline", NULL, cases);
}
