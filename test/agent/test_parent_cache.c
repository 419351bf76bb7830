// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The parent-exe cache: pid reuse through a fake /proc tree (start times
 * and exe links the test controls), then the real /proc with a child.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "parent_cache.h"
#include "procfs.h"
#include "walltime.h"

#define SEC 1000000000ULL

static char root[] = "/tmp/es-fakeproc-XXXXXX";

/* /root/<pid>/stat with @start_ticks, /root/<pid>/exe -> @exe. */
static void fake_process(uint32_t pid, uint64_t start_ticks, const char *exe)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%u", root, pid);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%u/stat", root, pid);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "%u (a b) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 %llu 20\n", pid,
		(unsigned long long)start_ticks);
	fclose(f);
	snprintf(path, sizeof(path), "%s/%u/exe", root, pid);
	unlink(path);
	ck_assert_int_eq(symlink(exe, path), 0);
}

static void fake_exit(uint32_t pid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%u/stat", root, pid);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%u/exe", root, pid);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%u", root, pid);
	rmdir(path);
}

static uint64_t ticks(uint64_t ns)
{
	return ns / es_procfs_ticks_to_ns(1);
}

START_TEST(pid_reuse)
{
	struct es_parent_cache cache;
	const char *exe;

	ck_assert_ptr_nonnull(mkdtemp(root));
	ck_assert_int_eq(es_parent_cache_init(&cache, root), 0);

	/* Parent A started at 1 s; an exec at 2 s. */
	fake_process(4242, ticks(1 * SEC), "/usr/bin/parent-a");
	exe = es_parent_cache_exe(&cache, 4242, 2 * SEC);
	ck_assert_ptr_nonnull(exe);
	ck_assert_str_eq(exe, "/usr/bin/parent-a");
	ck_assert_uint_eq(cache.stats.lookups, 1);

	/* Same parent again: from the cache. */
	ck_assert_str_eq(es_parent_cache_exe(&cache, 4242, 2 * SEC), "/usr/bin/parent-a");
	ck_assert_uint_eq(cache.stats.lookups, 1);
	ck_assert_uint_eq(cache.stats.hits, 1);

	/* A exits, the pid goes to B started at 3 s. */
	fake_exit(4242);
	fake_process(4242, ticks(3 * SEC), "/usr/bin/parent-b");
	/* A late event from A's child (2 s): B is not its parent; A was seen alive after 2 s. */
	ck_assert_str_eq(es_parent_cache_exe(&cache, 4242, 2 * SEC), "/usr/bin/parent-a");
	/* An exec at 4 s: B. */
	ck_assert_str_eq(es_parent_cache_exe(&cache, 4242, 4 * SEC), "/usr/bin/parent-b");
	/* Now an event at 2 s cannot be answered: A's entry is gone, B started later. */
	ck_assert_ptr_null(es_parent_cache_exe(&cache, 4242, 2 * SEC));

	/* B exits: events it was seen alive for are answered, later ones are not. */
	fake_exit(4242);
	ck_assert_str_eq(es_parent_cache_exe(&cache, 4242, 4 * SEC), "/usr/bin/parent-b");
	ck_assert_ptr_null(es_parent_cache_exe(&cache, 4242, es_boottime_ns() + 1000 * SEC));

	/* An exec by the parent drops its entry. */
	es_parent_cache_forget(&cache, 4242);
	ck_assert_ptr_null(es_parent_cache_exe(&cache, 4242, 4 * SEC));

	/* No ppid, no exe. */
	ck_assert_ptr_null(es_parent_cache_exe(&cache, 0, 4 * SEC));
	es_parent_cache_free(&cache);
	rmdir(root);
}
END_TEST

START_TEST(unreadable_exe)
{
	struct es_parent_cache cache;
	char path[PATH_MAX];

	ck_assert_ptr_nonnull(mkdtemp(root));
	ck_assert_int_eq(es_parent_cache_init(&cache, root), 0);
	fake_process(77, ticks(1 * SEC), "/x");
	snprintf(path, sizeof(path), "%s/77/exe", root);
	unlink(path); /* a kernel thread has no exe */
	ck_assert_ptr_null(es_parent_cache_exe(&cache, 77, 2 * SEC));
	ck_assert_uint_eq(cache.stats.unknown, 1);
	fake_exit(77);
	es_parent_cache_free(&cache);
	rmdir(root);
}
END_TEST

START_TEST(live_child)
{
	struct es_parent_cache cache;
	char self[PATH_MAX];
	uint64_t before;
	ssize_t n;
	pid_t child;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	ck_assert_int_gt(n, 0);
	self[n] = '\0';
	ck_assert_int_eq(es_parent_cache_init(&cache, ES_PROCFS_ROOT), 0);
	child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	ck_assert_int_ge(child, 0);
	before = es_boottime_ns();
	ck_assert_str_eq(es_parent_cache_exe(&cache, (uint32_t)child, before), self);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	/* Gone, but it was seen alive after @before. */
	ck_assert_str_eq(es_parent_cache_exe(&cache, (uint32_t)child, before), self);
	ck_assert_ptr_null(es_parent_cache_exe(&cache, (uint32_t)child, es_boottime_ns() + SEC));
	es_parent_cache_free(&cache);
}
END_TEST

START_TEST(learn_short_lived_parent)
{
	struct es_parent_cache cache;
	uint64_t event;

	ck_assert_ptr_nonnull(mkdtemp(root));
	ck_assert_int_eq(es_parent_cache_init(&cache, root), 0);
	/* The parent's own exec is seen; its child's exec (stamped before now) comes later. */
	event = es_boottime_ns();
	fake_process(555, ticks(1 * SEC), "/usr/bin/short-lived");
	ck_assert_str_eq(es_parent_cache_learn(&cache, 555, NULL), "/usr/bin/short-lived");
	fake_exit(555);
	ck_assert_str_eq(es_parent_cache_exe(&cache, 555, event), "/usr/bin/short-lived");
	/* Not for an exec after the parent was last seen. */
	ck_assert_ptr_null(es_parent_cache_exe(&cache, 555, es_boottime_ns() + SEC));
	/* Gone before it could be learnt: nothing. */
	ck_assert_ptr_null(es_parent_cache_learn(&cache, 556, "/x"));
	es_parent_cache_free(&cache);
	rmdir(root);
}
END_TEST

ES_CHECK_MAIN("parent_cache", pid_reuse, unreadable_exe, live_child, learn_short_lived_parent)
