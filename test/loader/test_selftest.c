// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The self-test's verdict (user/loader/selftest.h) from records made here:
 * which group each child record verifies or refutes, and which records must
 * fail the attach. No BPF, no root.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "check_main.h"
#include "record_builder.h"
#include "selftest.h"

#define CHILD	4242
#define LOADER	4000
#define FOREIGN 7777

static struct es_selftest_child child;
static struct es_selftest_expect expect;
static struct es_selftest_verdict verdict;

/* A record as the loader gives it to the self-test: parsed once. */
static void observe(const void *data, size_t size)
{
	struct es_record rec;

	es_record_parse(data, size, &rec);
	es_selftest_observe(&child, &rec);
}

static void setup(void)
{
	int g;

	ck_assert_int_eq(es_selftest_prepare(&child, "/bin/true"), 0);
	child.pid = CHILD;
	/* The loader's CLOCK_BOOTTIME before and after its fork(). */
	child.fork_start_ns = 1000;
	child.fork_end_ns = 2000;
	memset(&expect, 0, sizeof(expect));
	expect.loader_pid = LOADER;
	for (g = 0; g < ES_OFFSET_GROUP__MAX; g++)
		expect.enabled[g] = true;
}

/*
 * The child's exec record as the kernel numbers it (@pid): its ppid and
 * flags, @filename; its argv exactly as exec'd when @argv_ok; the program's
 * exe when @exe_ok.
 */
static void exec_record(uint32_t pid, uint32_t ppid, uint32_t flags, const char *filename,
			bool argv_ok, bool exe_ok)
{
	static uint64_t buf[ES_RECORD_MAX / 8 + 1];
	const char *right[] = { child.path, child.marker, NULL };
	const char *wrong[] = { child.path, NULL };
	struct es_test_record spec = {
		.pid = pid,
		.ppid = ppid,
		.flags = flags,
		.filename = filename,
		.argv = argv_ok ? right : wrong,
		.exe = exe_ok ? child.want_exe : "/usr/bin/false",
		.exe_ino = child.want_ino,
		.exe_dev = (uint32_t)(major(child.want_dev) << 20 | minor(child.want_dev)),
		.exe_nlink = child.want_nlink,
	};

	observe(buf, es_test_record_make(buf, &spec));
}

/* The fork record of child @pid, stamped @time_ns (its start time with ES_FORK_F_START_TIME). */
static void fork_record(uint32_t pid, uint32_t flags, uint64_t time_ns)
{
	struct es_fork_record r = {
		.hdr = { .type = ES_RECORD_FORK,
			 .pid = pid,
			 .tid = pid,
			 .flags = flags,
			 .time_ns = time_ns },
		.parent_pid = LOADER,
		.parent_tid = LOADER,
	};

	observe(&r, sizeof(r));
}

/* The child's exit record (the kernel's pid @pid), with status @code when @flags has it. */
static void exit_record(uint32_t pid, uint32_t flags, int32_t code)
{
	struct es_exit_record r = {
		.hdr = { .type = ES_RECORD_EXIT, .pid = pid, .tid = pid, .flags = flags },
		.exit_code = code,
	};

	observe(&r, sizeof(r));
}

static void judge(void)
{
	es_selftest_judge(&child, &expect, &verdict);
}

START_TEST(right_records_verify_every_group)
{
	/* Another process's fork and exec, its argv not the marker: ignored. */
	fork_record(FOREIGN, ES_FORK_F_START_TIME, 5000);
	fork_record(CHILD, ES_FORK_F_START_TIME, 1500);
	exec_record(FOREIGN, 1, ES_EXEC_F_PPID_KERNEL, "/bin/true", false, true);
	ck_assert(!es_selftest_done(&child));
	exec_record(CHILD, LOADER, ES_EXEC_F_PPID_KERNEL, "/bin/true", true, true);
	ck_assert(!es_selftest_done(&child)); /* its exit is still to come */
	exit_record(FOREIGN, ES_EXIT_F_CODE, 0);
	ck_assert(!es_selftest_done(&child));
	exit_record(CHILD, ES_EXIT_F_CODE, 0);
	ck_assert(es_selftest_done(&child));
	judge();
	ck_assert_int_eq(verdict.error, 0);
	ck_assert_int_eq(verdict.result, ES_SELFTEST_PASSED);
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_TASK].verdict, ES_GROUP_VERIFIED);
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_EXEC].verdict, ES_GROUP_VERIFIED);
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_EXE].verdict, ES_GROUP_VERIFIED);
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_EXIT].verdict, ES_GROUP_VERIFIED);
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_FORK].verdict, ES_GROUP_VERIFIED);
	ck_assert_str_eq(verdict.groups[ES_OFFSET_GROUP_FORK].detail,
			 "child 4242: start time 1500 ns, within its fork() (1000..2000)");
	ck_assert_str_eq(verdict.detail, "child 4242: ppid 4000 from the kernel, expected 4000");
}
END_TEST

START_TEST(wrong_parent_refutes_task_offsets)
{
	exec_record(CHILD, 12345, ES_EXEC_F_PPID_KERNEL, "/bin/true", true, true);
	judge();
	ck_assert_int_eq(verdict.error, 0);
	ck_assert_int_eq(verdict.result, ES_SELFTEST_MISMATCH);
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_TASK].verdict, ES_GROUP_REFUTED);
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_EXEC].verdict, ES_GROUP_VERIFIED);
	/* A failed kernel read (no flag) refutes too: the offsets lead nowhere. */
	setup();
	exec_record(CHILD, 0, 0, "/bin/true", true, true);
	judge();
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_TASK].verdict, ES_GROUP_REFUTED);
	ck_assert_ptr_nonnull(strstr(verdict.detail, "kernel read failed"));
}
END_TEST

START_TEST(wrong_argv_or_exe_refutes_their_groups)
{
	exec_record(CHILD, LOADER, ES_EXEC_F_PPID_KERNEL, "/bin/true", false, false);
	judge();
	ck_assert_int_eq(verdict.error, 0);
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_TASK].verdict, ES_GROUP_VERIFIED);
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_EXEC].verdict, ES_GROUP_REFUTED);
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_EXE].verdict, ES_GROUP_REFUTED);
	/* argv read at entry is the caller's, not the new mm's: it proves nothing. */
	setup();
	exec_record(CHILD, LOADER, ES_EXEC_F_PPID_KERNEL | ES_EXEC_F_ARGV_ENTRY, "/bin/true", true,
		    true);
	judge();
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_EXEC].verdict, ES_GROUP_REFUTED);
}
END_TEST

START_TEST(a_wrong_or_missing_exit_status_refutes_exit_offsets)
{
	exec_record(CHILD, LOADER, ES_EXEC_F_PPID_KERNEL, "/bin/true", true, true);
	exit_record(CHILD, ES_EXIT_F_CODE, 0x7f00);
	judge();
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_EXIT].verdict, ES_GROUP_REFUTED);
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_TASK].verdict, ES_GROUP_VERIFIED);
	/* No exit record at all (signal->live read wrong), nothing lost: refuted. */
	setup();
	exec_record(CHILD, LOADER, ES_EXEC_F_PPID_KERNEL, "/bin/true", true, true);
	judge();
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_EXIT].verdict, ES_GROUP_REFUTED);
	/* An exit without a status (a leader's, the offsets unused): refuted. */
	setup();
	exec_record(CHILD, LOADER, ES_EXEC_F_PPID_KERNEL, "/bin/true", true, true);
	exit_record(CHILD, ES_EXIT_F_LEADER, 0);
	judge();
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_EXIT].verdict, ES_GROUP_REFUTED);
}
END_TEST

START_TEST(a_start_time_outside_the_fork_refutes_fork_offsets)
{
	fork_record(CHILD, ES_FORK_F_START_TIME, 2001);
	exec_record(CHILD, LOADER, ES_EXEC_F_PPID_KERNEL, "/bin/true", true, true);
	judge();
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_FORK].verdict, ES_GROUP_REFUTED);
	ck_assert_ptr_nonnull(strstr(verdict.groups[ES_OFFSET_GROUP_FORK].detail, "outside"));
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_TASK].verdict, ES_GROUP_VERIFIED);
	/* Stamped by the clock: the start time was not read. */
	setup();
	fork_record(CHILD, 0, 1500);
	exec_record(CHILD, LOADER, ES_EXEC_F_PPID_KERNEL, "/bin/true", true, true);
	judge();
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_FORK].verdict, ES_GROUP_REFUTED);
	/* No fork record, nothing lost: refuted; lost to a full ring buffer: unverified. */
	setup();
	exec_record(CHILD, LOADER, ES_EXEC_F_PPID_KERNEL, "/bin/true", true, true);
	judge();
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_FORK].verdict, ES_GROUP_REFUTED);
	expect.records_lost = true;
	judge();
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_FORK].verdict, ES_GROUP_UNVERIFIED);
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_TASK].verdict, ES_GROUP_VERIFIED);
}
END_TEST

START_TEST(groups_that_are_off_are_not_judged)
{
	int g;

	for (g = 0; g < ES_OFFSET_GROUP__MAX; g++)
		expect.enabled[g] = false;
	exec_record(CHILD, 0, 0, "/bin/true", false, false);
	judge();
	ck_assert_int_eq(verdict.error, 0);
	ck_assert_int_eq(verdict.result, ES_SELFTEST_NO_KERNEL_PPID);
	for (g = 0; g < ES_OFFSET_GROUP__MAX; g++)
		ck_assert_int_eq(verdict.groups[g].verdict, ES_GROUP_OFF);
}
END_TEST

START_TEST(a_lost_record_leaves_every_group_unverified)
{
	int g;

	expect.records_lost = true;
	judge();
	ck_assert_int_eq(verdict.error, 0);
	for (g = 0; g < ES_OFFSET_GROUP__MAX; g++)
		ck_assert_int_eq(verdict.groups[g].verdict, ES_GROUP_UNVERIFIED);
}
END_TEST

START_TEST(records_that_fail_the_attach)
{
	judge(); /* no exec record, nothing lost */
	ck_assert_int_eq(verdict.error, -ETIMEDOUT);
	ck_assert_ptr_nonnull(strstr(verdict.error_msg, "no events arrive"));
	/* Found by its marker under another pid: a nested PID namespace. */
	setup();
	exec_record(9999, LOADER, ES_EXEC_F_PPID_KERNEL, "/bin/true", true, true);
	judge();
	ck_assert_int_eq(verdict.error, -EXDEV);
	ck_assert_ptr_nonnull(strstr(verdict.error_msg, "nested PID namespace"));
	/* A record that does not name the child's path. */
	setup();
	exec_record(CHILD, LOADER, ES_EXEC_F_PPID_KERNEL, "/bin/false", true, true);
	judge();
	ck_assert_int_eq(verdict.error, -EPROTO);
}
END_TEST

START_TEST(records_that_lie_are_ignored)
{
	static uint64_t buf[ES_RECORD_MAX / 8 + 1];
	struct es_test_record spec = { .pid = CHILD, .ppid = LOADER, .filename = "/bin/true" };
	size_t size = es_test_record_make(buf, &spec);

	observe(buf, size - 1);
	observe(buf, sizeof(struct es_record_header));
	ck_assert(!child.seen);
}
END_TEST

int main(void)
{
	const struct es_check_case cases[] = {
		{ "verdict",
		  ES_CHECK_TESTS(right_records_verify_every_group,
				 wrong_parent_refutes_task_offsets,
				 wrong_argv_or_exe_refutes_their_groups,
				 a_wrong_or_missing_exit_status_refutes_exit_offsets,
				 a_start_time_outside_the_fork_refutes_fork_offsets,
				 groups_that_are_off_are_not_judged,
				 a_lost_record_leaves_every_group_unverified,
				 records_that_fail_the_attach, records_that_lie_are_ignored),
		  .setup = setup },
		{ NULL },
	};

	return es_check_run("loader_selftest", NULL, cases);
}
