// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The process table: seeding from a fake /proc tree (the test controls
 * pids, parents, start times and exe links), then fork, exec and exit
 * records as the kernel sends them: ancestors that outlive their
 * processes, pid reuse, removal and the cap.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "proc_table.h"
#include "procfs.h"

#define SEC 1000000000ULL

static char root[] = "/tmp/es-fakeproc-XXXXXX";
static struct es_proc_table *t;

/* /root/<pid>/stat with @ppid and @start_ticks, /root/<pid>/exe -> @exe. */
static void fake_process(uint32_t pid, uint32_t ppid, uint64_t start_ticks, const char *exe)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%u", root, pid);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/%u/stat", root, pid);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "%u (a) b) S %u 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 %llu 20\n", pid, ppid,
		(unsigned long long)start_ticks);
	fclose(f);
	snprintf(path, sizeof(path), "%s/%u/exe", root, pid);
	ck_assert_int_eq(symlink(exe, path), 0);
}

/* init, sshd under it, bash under sshd: started at 1, 2 and 3 ticks. */
static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(root));
	fake_process(1, 0, 1, "/usr/lib/systemd/systemd");
	fake_process(100, 1, 2, "/usr/sbin/sshd");
	fake_process(200, 100, 3, "/usr/bin/bash");
	ck_assert_int_eq(es_proc_table_init(&t, 0), 0);
	ck_assert_uint_eq(es_proc_table_seed(t, root), 3);
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];

	es_proc_table_free(t);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	ck_assert_int_eq(system(cmd), 0);
	strcpy(root, "/tmp/es-fakeproc-XXXXXX");
}

/* The exit of @pid at @at, as the pipeline applies an exit record. */
static void exit_at(uint32_t pid, uint64_t at)
{
	es_proc_table_exit(t, es_proc_table_live(t, pid), at);
}

/* The ancestors of @pid at @at, from its parent upwards, as "pid:exe pid:exe ...". */
static const char *ancestors_of(uint32_t pid, uint64_t at)
{
	static char buf[512];
	struct es_ancestor a[16];
	struct es_proc *e = es_proc_table_find(t, pid, at);
	size_t n, i, used = 0;

	ck_assert_ptr_nonnull(e);
	n = es_proc_table_ancestors(t, es_proc_table_parent(t, e), a, 16);
	buf[0] = '\0';
	for (i = 0; i < n; i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%u:%s", i ? " " : "",
					 a[i].pid, a[i].exe ? a[i].exe : "?");
	return buf;
}

START_TEST(seeded_processes_know_their_parents)
{
	struct es_proc *bash = es_proc_table_find(t, 200, 10 * SEC);

	ck_assert_ptr_nonnull(bash);
	ck_assert_uint_eq(bash->start_ns, es_procfs_ticks_to_ns(3));
	ck_assert_str_eq(bash->exe, "/usr/bin/bash");
	ck_assert_str_eq(ancestors_of(200, 10 * SEC),
			 "100:/usr/sbin/sshd 1:/usr/lib/systemd/systemd");
	/* Seeding again adds nothing the table knows. */
	ck_assert_uint_eq(es_proc_table_seed(t, root), 0);
}
END_TEST

START_TEST(a_chain_outlives_its_intermediates)
{
	/* bash -> sh -> sh -> sh -> true, each forking at once, the shells then exiting. */
	es_proc_table_fork(t, 300, 200, 10 * SEC, 0);
	es_proc_table_exec(t, 300, 200, 10 * SEC + 1, "/usr/bin/dash");
	es_proc_table_fork(t, 301, 300, 11 * SEC, 0);
	es_proc_table_exec(t, 301, 300, 11 * SEC + 1, "/usr/bin/dash");
	es_proc_table_fork(t, 302, 301, 12 * SEC, 0);
	exit_at(300, 13 * SEC);
	exit_at(301, 13 * SEC);
	/* 302 forked without exec: it is still a dash, its parents are gone but known. */
	ck_assert_str_eq(es_proc_table_find(t, 302, 14 * SEC)->exe, "/usr/bin/dash");
	ck_assert_str_eq(ancestors_of(302, 14 * SEC),
			 "301:/usr/bin/dash 300:/usr/bin/dash 200:/usr/bin/bash 100:/usr/sbin/sshd "
			 "1:/usr/lib/systemd/systemd");
	es_proc_table_exec(t, 302, 301, 14 * SEC, "/usr/bin/true");
	ck_assert_str_eq(es_proc_table_find(t, 302, 15 * SEC)->exe, "/usr/bin/true");
	/* The last one's exit takes the exited chain with it. */
	exit_at(302, 16 * SEC);
	ck_assert_ptr_null(es_proc_table_find(t, 301, 12 * SEC));
	ck_assert_ptr_null(es_proc_table_find(t, 300, 12 * SEC));
	ck_assert_uint_eq(t->stats.entries, 3);
	ck_assert_uint_eq(t->stats.removed, 3);
}
END_TEST

START_TEST(a_reused_pid_never_inherits)
{
	struct es_proc *child;

	/* 500 runs /usr/bin/a and forks 501, then exits while 501 lives on. */
	es_proc_table_fork(t, 500, 200, 10 * SEC, 0);
	es_proc_table_exec(t, 500, 200, 10 * SEC + 1, "/usr/bin/a");
	es_proc_table_fork(t, 501, 500, 11 * SEC, 0);
	exit_at(500, 12 * SEC);
	/* The pid comes back for another process, under init, running /usr/bin/b. */
	es_proc_table_fork(t, 500, 1, 13 * SEC, 0);
	ck_assert_str_eq(es_proc_table_find(t, 500, 13 * SEC)->exe, "/usr/lib/systemd/systemd");
	es_proc_table_exec(t, 500, 1, 13 * SEC + 1, "/usr/bin/b");
	ck_assert_uint_eq(es_proc_table_find(t, 500, 14 * SEC)->ppid, 1);
	/* An exit of 500 now ends the second, whatever time it says. */
	ck_assert_ptr_eq(es_proc_table_live(t, 500), es_proc_table_find(t, 500, 14 * SEC));
	/* 501's parent is the first 500, exactly. */
	child = es_proc_table_find(t, 501, 14 * SEC);
	ck_assert_str_eq(es_proc_table_parent(t, child)->exe, "/usr/bin/a");
	ck_assert_str_eq(ancestors_of(501, 14 * SEC),
			 "500:/usr/bin/a 200:/usr/bin/bash 100:/usr/sbin/sshd "
			 "1:/usr/lib/systemd/systemd");
	/* At a time in the first one's life, 500 is still that one. */
	ck_assert_str_eq(es_proc_table_find(t, 500, 11 * SEC)->exe, "/usr/bin/a");
}
END_TEST

START_TEST(a_lost_exit_is_closed_by_the_next_fork)
{
	es_proc_table_fork(t, 600, 200, 10 * SEC, 0);
	/* No exit record (lost); the kernel gives 600 again. */
	es_proc_table_fork(t, 600, 100, 20 * SEC, 0);
	ck_assert_uint_eq(es_proc_table_find(t, 600, 21 * SEC)->ppid, 100);
	ck_assert_uint_eq(t->stats.entries, 4);
}
END_TEST

/*
 * The seed read a process from /proc before its fork record came (it was
 * forked after attach): a record stamped with its exact start is that
 * process, to the tick, not a new one closing it; its forker is its parent,
 * though /proc named the reaper.
 */
START_TEST(a_process_seeded_before_its_fork_record_is_the_same)
{
	const uint64_t start = es_procfs_ticks_to_ns(500) + 3000000;
	struct es_proc *e;

	fake_process(300, 1, 500, "/usr/bin/sleep");
	ck_assert_uint_eq(es_proc_table_seed(t, root), 1);
	e = es_proc_table_fork(t, 300, 200, start, ES_PROC_FORK_START_EXACT);
	ck_assert_ptr_eq(e, es_proc_table_find(t, 300, start));
	ck_assert_uint_eq(t->stats.entries, 4);
	ck_assert_uint_eq(e->start_ns, es_procfs_ticks_to_ns(500));
	ck_assert_str_eq(e->exe, "/usr/bin/sleep");
	ck_assert(e->from_fork);
	ck_assert_str_eq(ancestors_of(300, start),
			 "200:/usr/bin/bash 100:/usr/sbin/sshd 1:/usr/lib/systemd/systemd");
	/* Another tick: another process, whose exit was lost; the seeded one is closed. */
	fake_process(301, 1, 600, "/usr/bin/sleep");
	ck_assert_uint_eq(es_proc_table_seed(t, root), 1);
	e = es_proc_table_fork(t, 301, 200, es_procfs_ticks_to_ns(601), ES_PROC_FORK_START_EXACT);
	ck_assert_str_eq(e->exe, "/usr/bin/bash");
	ck_assert_uint_eq(t->stats.entries, 5);
	/* A clock stamp is not exact: the same tick proves nothing. */
	fake_process(302, 1, 700, "/usr/bin/sleep");
	ck_assert_uint_eq(es_proc_table_seed(t, root), 1);
	e = es_proc_table_fork(t, 302, 200, es_procfs_ticks_to_ns(700) + 1, 0);
	ck_assert_str_eq(e->exe, "/usr/bin/bash");
	ck_assert_uint_eq(t->stats.entries, 6);
}
END_TEST

START_TEST(threads_taken_for_processes_go_at_their_exit)
{
	/* Without TASK_OFFSETS every new task has a fork record; a thread's exit says which. */
	es_proc_table_fork(t, 701, 200, 10 * SEC, ES_PROC_FORK_MAYBE_THREAD);
	ck_assert_ptr_nonnull(es_proc_table_find(t, 701, 11 * SEC));
	es_proc_table_thread_exit(t, 701);
	ck_assert_ptr_null(es_proc_table_find(t, 701, 11 * SEC));
	/* A process from such a record stays once it execs. */
	es_proc_table_fork(t, 702, 200, 12 * SEC, ES_PROC_FORK_MAYBE_THREAD);
	es_proc_table_exec(t, 702, 0, 12 * SEC + 1, "/usr/bin/true");
	es_proc_table_thread_exit(t, 702);
	ck_assert_ptr_nonnull(es_proc_table_find(t, 702, 13 * SEC));
}
END_TEST

START_TEST(the_cap_evicts_the_oldest_exited)
{
	struct es_proc_table *small;
	uint32_t pid;

	ck_assert_int_eq(es_proc_table_init(&small, 4), 0);
	/* A parent and three children; the parent exits but stays for its children. */
	es_proc_table_fork(small, 10, 1, 1 * SEC, 0);
	for (pid = 11; pid <= 13; pid++)
		es_proc_table_fork(small, pid, 10, pid * SEC, 0);
	es_proc_table_exit(small, es_proc_table_live(small, 10), 20 * SEC);
	ck_assert_uint_eq(small->stats.entries, 4);
	/* Full: the next one evicts the exited parent; its children lose their link. */
	es_proc_table_fork(small, 14, 11, 21 * SEC, 0);
	ck_assert_uint_eq(small->stats.evicted, 1);
	ck_assert_ptr_null(es_proc_table_parent(small, es_proc_table_find(small, 12, 22 * SEC)));
	/* Full of live processes: refused, counted. */
	es_proc_table_fork(small, 15, 11, 23 * SEC, 0);
	ck_assert_uint_eq(small->stats.full, 1);
	ck_assert_ptr_null(es_proc_table_find(small, 15, 24 * SEC));
	/* An exec of a process the table does not hold finds no room either. */
	ck_assert_ptr_null(es_proc_table_exec(small, 16, 1, 25 * SEC, "/bin/true"));
	es_proc_table_free(small);
}
END_TEST

int main(void)
{
	const struct es_check_case cases[] = {
		{ "table",
		  ES_CHECK_TESTS(seeded_processes_know_their_parents,
				 a_chain_outlives_its_intermediates, a_reused_pid_never_inherits,
				 a_lost_exit_is_closed_by_the_next_fork,
				 a_process_seeded_before_its_fork_record_is_the_same,
				 threads_taken_for_processes_go_at_their_exit,
				 the_cap_evicts_the_oldest_exited),
		  .setup = setup, .teardown = teardown },
		{ NULL },
	};

	return es_check_run("agent_proc_table", NULL, cases);
}
