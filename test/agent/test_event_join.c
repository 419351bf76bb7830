// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Joining exec records with their results, and what happens to the unmatched. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "event_join.h"

#define SEC 1000000000ULL

static struct es_exec_report *report(uint32_t pid, uint32_t tid, uint64_t time_ns)
{
	struct es_exec_report *r = calloc(1, sizeof(*r));

	ck_assert_ptr_nonnull(r);
	r->ev.hdr.type = ES_RECORD_EXEC;
	r->ev.hdr.pid = pid;
	r->ev.hdr.tid = tid;
	r->ev.hdr.time_ns = time_ns;
	return r;
}

static struct es_exec_result result(uint32_t pid, uint32_t tid, int64_t ret)
{
	struct es_exec_result res = {
		.hdr = { .type = ES_RECORD_EXEC_RESULT, .pid = pid, .tid = tid }, .ret = ret
	};
	return res;
}

static void add(struct es_event_join *j, struct es_exec_report *r)
{
	struct es_exec_report *evicted;

	ck_assert_int_eq(es_event_join_add(j, r, &evicted), 0);
	ck_assert_ptr_null(evicted);
}

START_TEST(match_by_pid_and_tid)
{
	struct es_exec_result res;
	struct es_event_join j;
	struct es_exec_report *a = report(100, 100, 1), *b = report(200, 200, 2), *got;

	es_event_join_init(&j, 16, 5 * SEC);
	add(&j, a);
	add(&j, b);
	res = result(200, 200, -2);
	got = es_event_join_result(&j, &res);
	ck_assert_ptr_eq(got, b);
	ck_assert_int_eq(got->ret_known, 1);
	ck_assert_int_eq(got->ret, -2);
	es_exec_report_free(got);
	res = result(100, 100, 0);
	got = es_event_join_result(&j, &res);
	ck_assert_ptr_eq(got, a);
	ck_assert_int_eq(got->ret, 0);
	es_exec_report_free(got);
	ck_assert_uint_eq(j.cnt, 0);
	es_event_join_free(&j);
}
END_TEST

START_TEST(non_leader_thread_exec)
{
	struct es_exec_result res;
	struct es_event_join j;
	struct es_exec_report *t = report(300, 305, 1), *got;

	/* A thread 305 of process 300 execs; success returns in the leader (tid 300). */
	es_event_join_init(&j, 16, 5 * SEC);
	add(&j, t);
	res = result(300, 300, 0);
	got = es_event_join_result(&j, &res);
	ck_assert_ptr_eq(got, t);
	es_exec_report_free(got);
	es_event_join_free(&j);
}
END_TEST

START_TEST(same_tid_preferred)
{
	struct es_exec_result res;
	struct es_event_join j;
	struct es_exec_report *t1 = report(400, 401, 1), *t2 = report(400, 402, 2), *got;

	/* Two threads of one process exec; a failure returns to its own thread. */
	es_event_join_init(&j, 16, 5 * SEC);
	add(&j, t1);
	add(&j, t2);
	res = result(400, 402, -13);
	got = es_event_join_result(&j, &res);
	ck_assert_ptr_eq(got, t2);
	es_exec_report_free(got);
	es_event_join_free(&j);
}
END_TEST

START_TEST(orphan_result)
{
	struct es_exec_result res = result(999, 999, 0);
	struct es_event_join j;

	es_event_join_init(&j, 16, 5 * SEC);
	ck_assert_ptr_null(es_event_join_result(&j, &res));
	add(&j, report(1, 1, 1));
	ck_assert_ptr_null(es_event_join_result(&j, &res));
	ck_assert_uint_eq(j.cnt, 1);
	es_event_join_free(&j);
}
END_TEST

START_TEST(expire_after_timeout)
{
	struct es_event_join j;
	struct es_exec_report *old = report(1, 1, 10 * SEC), *young = report(2, 2, 14 * SEC), *got;

	es_event_join_init(&j, 16, 5 * SEC);
	add(&j, old);
	add(&j, young);
	ck_assert_ptr_null(es_event_join_expire(&j, 14 * SEC)); /* 4 s old: still waiting */
	ck_assert_ptr_null(es_event_join_expire(&j, 15 * SEC)); /* exactly 5 s: still waiting */
	got = es_event_join_expire(&j, 15 * SEC + 1);
	ck_assert_ptr_eq(got, old);
	ck_assert_int_eq(got->ret_known, 0);
	es_exec_report_free(got);
	ck_assert_ptr_null(es_event_join_expire(&j, 15 * SEC + 1));
	ck_assert_ptr_null(es_event_join_expire(&j, 3)); /* a clock before the timeout: nothing */
	/* Drain at exit: everything, whatever its age. */
	got = es_event_join_expire(&j, UINT64_MAX);
	ck_assert_ptr_eq(got, young);
	es_exec_report_free(got);
	ck_assert_ptr_null(es_event_join_expire(&j, UINT64_MAX));
	es_event_join_free(&j);
}
END_TEST

START_TEST(full_table_evicts_oldest)
{
	struct es_exec_report *first = report(1, 1, 1), *evicted;
	struct es_event_join j;
	uint32_t pid;

	es_event_join_init(&j, 4, 5 * SEC);
	add(&j, first);
	for (pid = 2; pid <= 4; pid++)
		add(&j, report(pid, pid, pid));
	ck_assert_int_eq(es_event_join_add(&j, report(5, 5, 5), &evicted), 0);
	ck_assert_ptr_eq(evicted, first);
	ck_assert_uint_eq(j.cnt, 4);
	es_exec_report_free(evicted);
	/* Freeing the join frees what is pending (ASan checks there is no leak). */
	es_event_join_free(&j);
}
END_TEST

ES_CHECK_MAIN("event_join", match_by_pid_and_tid, non_leader_thread_exec, same_tid_preferred,
	      orphan_result, expire_after_timeout, full_table_evicts_oldest)
