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

#include "check_main.h"
#include "selftest.h"

#define CHILD	4242
#define LOADER	4000
#define FOREIGN 7777

static struct es_selftest_child child;
static struct es_selftest_expect expect;
static struct es_selftest_verdict verdict;

static void setup(void)
{
	es_selftest_prepare(&child, "/bin/true");
	child.pid = CHILD;
	memset(&expect, 0, sizeof(expect));
	expect.loader_pid = LOADER;
	expect.enabled[ES_OFFSET_GROUP_TASK] = true;
	expect.enabled[ES_OFFSET_GROUP_EXEC] = true;
	expect.image_attached = true;
}

/* The child's exec record: its pid (as the kernel numbers it), its ppid and flags. */
static void exec_record(uint32_t pid, uint32_t ppid, uint32_t flags)
{
	static struct es_exec_event e;
	size_t path_len = strlen(child.path) + 1, marker_len = strlen(child.marker) + 1;

	memset(&e, 0, sizeof(e));
	e.hdr.type = ES_RECORD_EXEC;
	e.hdr.pid = e.hdr.tid = pid;
	e.ppid = ppid;
	e.flags = flags;
	memcpy(e.args, child.path, path_len);
	memcpy(e.args + path_len, child.marker, marker_len);
	e.args_size = (uint32_t)(path_len + marker_len);
	e.argc = 2;
	es_selftest_observe(&child, &e, sizeof(e));
}

/* The child's image record: @argv_ok gives it exactly the child's argv. */
static void image_record(uint32_t pid, const char *filename, bool argv_ok)
{
	static struct es_exec_image img;
	size_t path_len = strlen(child.path) + 1, marker_len = strlen(child.marker) + 1;

	memset(&img, 0, sizeof(img));
	img.hdr.type = ES_RECORD_EXEC_IMAGE;
	img.hdr.pid = img.hdr.tid = img.old_pid = pid;
	snprintf(img.filename, sizeof(img.filename), "%s", filename);
	if (argv_ok) {
		memcpy(img.args, child.path, path_len);
		memcpy(img.args + path_len, child.marker, marker_len);
		img.args_size = (uint32_t)(path_len + marker_len);
	}
	es_selftest_observe(&child, &img, sizeof(img));
}

static void judge(void)
{
	es_selftest_judge(&child, &expect, &verdict);
}

START_TEST(right_records_verify_both_groups)
{
	exec_record(FOREIGN, 1, ES_EXEC_F_PPID_KERNEL); /* another process's exec: ignored */
	exec_record(CHILD, LOADER, ES_EXEC_F_PPID_KERNEL);
	ck_assert(!es_selftest_done(&child, true));
	image_record(CHILD, "/bin/true", true);
	ck_assert(es_selftest_done(&child, true));
	judge();
	ck_assert_int_eq(verdict.error, 0);
	ck_assert_int_eq(verdict.result, ES_SELFTEST_PASSED);
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_TASK].verdict, ES_GROUP_VERIFIED);
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_EXEC].verdict, ES_GROUP_VERIFIED);
	ck_assert_str_eq(verdict.detail, "child 4242: ppid 4000 from the kernel, expected 4000");
}
END_TEST

START_TEST(wrong_parent_refutes_task_offsets)
{
	exec_record(CHILD, 12345, ES_EXEC_F_PPID_KERNEL);
	image_record(CHILD, "/bin/true", true);
	judge();
	ck_assert_int_eq(verdict.error, 0);
	ck_assert_int_eq(verdict.result, ES_SELFTEST_MISMATCH);
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_TASK].verdict, ES_GROUP_REFUTED);
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_EXEC].verdict, ES_GROUP_VERIFIED);
	/* A failed kernel read (no flag) refutes too: the offsets lead nowhere. */
	setup();
	exec_record(CHILD, 0, 0);
	image_record(CHILD, "/bin/true", true);
	judge();
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_TASK].verdict, ES_GROUP_REFUTED);
	ck_assert_ptr_nonnull(strstr(verdict.detail, "kernel read failed"));
}
END_TEST

START_TEST(wrong_argv_refutes_exec_offsets)
{
	exec_record(CHILD, LOADER, ES_EXEC_F_PPID_KERNEL);
	image_record(CHILD, "/bin/true", false);
	judge();
	ck_assert_int_eq(verdict.error, 0);
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_TASK].verdict, ES_GROUP_VERIFIED);
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_EXEC].verdict, ES_GROUP_REFUTED);
}
END_TEST

START_TEST(groups_that_are_off_are_not_judged)
{
	expect.enabled[ES_OFFSET_GROUP_TASK] = false;
	expect.enabled[ES_OFFSET_GROUP_EXEC] = false;
	exec_record(CHILD, 0, 0);
	image_record(CHILD, "/bin/true", false);
	judge();
	ck_assert_int_eq(verdict.error, 0);
	ck_assert_int_eq(verdict.result, ES_SELFTEST_NO_KERNEL_PPID);
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_TASK].verdict, ES_GROUP_OFF);
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_EXEC].verdict, ES_GROUP_OFF);
}
END_TEST

START_TEST(a_lost_image_leaves_exec_offsets_unverified)
{
	exec_record(CHILD, LOADER, ES_EXEC_F_PPID_KERNEL);
	expect.records_lost = true;
	judge();
	ck_assert_int_eq(verdict.error, 0);
	ck_assert_int_eq(verdict.groups[ES_OFFSET_GROUP_EXEC].verdict, ES_GROUP_UNVERIFIED);
	/* Nothing lost, yet no image record: the image program does not work. */
	expect.records_lost = false;
	judge();
	ck_assert_int_eq(verdict.error, -ETIMEDOUT);
}
END_TEST

START_TEST(records_that_fail_the_attach)
{
	judge(); /* no exec record at all */
	ck_assert_int_eq(verdict.error, -ETIMEDOUT);
	ck_assert_ptr_nonnull(strstr(verdict.error_msg, "no events arrive"));
	/* Found by its marker under another pid: a nested PID namespace. */
	setup();
	exec_record(9999, LOADER, ES_EXEC_F_PPID_KERNEL);
	judge();
	ck_assert_int_eq(verdict.error, -EXDEV);
	ck_assert_ptr_nonnull(strstr(verdict.error_msg, "nested PID namespace"));
	/* An image record that does not name the child's path. */
	setup();
	exec_record(CHILD, LOADER, ES_EXEC_F_PPID_KERNEL);
	image_record(CHILD, "/bin/false", true);
	judge();
	ck_assert_int_eq(verdict.error, -EPROTO);
}
END_TEST

START_TEST(short_records_are_ignored)
{
	struct es_exec_event e = { .hdr = { .type = ES_RECORD_EXEC, .pid = CHILD } };

	es_selftest_observe(&child, &e, sizeof(e.hdr));
	es_selftest_observe(&child, &e, 3);
	ck_assert(!child.exec_seen);
}
END_TEST

int main(void)
{
	const struct es_check_case cases[] = {
		{ "verdict",
		  ES_CHECK_TESTS(right_records_verify_both_groups,
				 wrong_parent_refutes_task_offsets, wrong_argv_refutes_exec_offsets,
				 groups_that_are_off_are_not_judged,
				 a_lost_image_leaves_exec_offsets_unverified,
				 records_that_fail_the_attach, short_records_are_ignored),
		  .setup = setup },
		{ NULL },
	};

	return es_check_run("loader_selftest", NULL, cases);
}
