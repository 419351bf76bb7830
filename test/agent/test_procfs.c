// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The /proc parsers against hostile names, and the fallback against the
 * processes this test itself spawns.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "procfs.h"
#include "walltime.h"

static int status_ppid(const char *text, uint32_t *ppid)
{
	return es_procfs_parse_status_ppid(text, strlen(text), ppid);
}

START_TEST(status_plain)
{
	uint32_t ppid = 0;

	ck_assert_int_eq(status_ppid("Name:\tbash\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t7\n"
				     "Ngid:\t0\nPid:\t7\nPPid:\t42\nTracerPid:\t0\n",
				     &ppid),
			 0);
	ck_assert_uint_eq(ppid, 42);
}
END_TEST

START_TEST(status_hostile_name)
{
	uint32_t ppid = 0;

	/* A raw newline in the name (the kernel escapes it, but never rely on that). */
	ck_assert_int_eq(
		status_ppid("Name:\tx\nPPid:\t1\nState:\tR\nPPid:\t42\nTracerPid:\t0\n", &ppid), 0);
	ck_assert_uint_eq(ppid, 42);
	/* The kernel's own escaping of a newline: "\n" as two characters. */
	ck_assert_int_eq(status_ppid("Name:\tx\\nPPid:\t1\nPPid:\t43\n", &ppid), 0);
	ck_assert_uint_eq(ppid, 43);
	/* Odd bytes in the name. */
	ck_assert_int_eq(status_ppid("Name:\t\xff\x01PPid:\t9)\nPPid:\t44\n", &ppid), 0);
	ck_assert_uint_eq(ppid, 44);
}
END_TEST

START_TEST(status_malformed)
{
	uint32_t ppid = 7;

	ck_assert_int_eq(status_ppid("Name:\tbash\nPid:\t1\n", &ppid), -EINVAL);
	ck_assert_int_eq(status_ppid("Name:\tbash\nPPid:\t\n", &ppid), -EINVAL);
	ck_assert_int_eq(status_ppid("Name:\tbash\nPPid:\t12x\n", &ppid), -EINVAL);
	ck_assert_int_eq(status_ppid("Name:\tbash\nPPid:\t12", &ppid), -EINVAL); /* cut */
	ck_assert_int_eq(status_ppid("Name:\tbash\nPPid:\t99999999999999999999999\n", &ppid),
			 -EINVAL);
	ck_assert_int_eq(status_ppid("Name:\tbash\nPPid:\t4294967296\n", &ppid), -EINVAL);
	ck_assert_int_eq(status_ppid("PPid:\t5\n", &ppid), -EINVAL); /* not after a newline */
	ck_assert_int_eq(status_ppid("", &ppid), -EINVAL);
	ck_assert_uint_eq(ppid, 7);
}
END_TEST

static int parse_stat(const char *text, struct es_procfs_stat *st)
{
	return es_procfs_parse_stat(text, strlen(text), st);
}

START_TEST(stat_hostile_name)
{
	struct es_procfs_stat st = { 0 };

	/* The name "a) b": fields start after the last ')'. */
	ck_assert_int_eq(parse_stat("123 (a) b) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 "
				    "99 20 21\n",
				    &st),
			 0);
	ck_assert_uint_eq(st.ppid, 1);
	ck_assert_uint_eq(st.start_ticks, 99);
	ck_assert_int_eq(parse_stat("123 (a) 5 6 (x) S 77 2 3 4 5 6 7 8 9 10 11 12 13 -14 15 16 "
				    "17 18 4242 20 21\n",
				    &st),
			 0);
	ck_assert_uint_eq(st.ppid, 77);
	ck_assert_uint_eq(st.start_ticks, 4242);
	ck_assert_int_eq(
		parse_stat("1 (\n) S 3 0 0 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 5 0\n", &st), 0);
	ck_assert_uint_eq(st.ppid, 3);
	ck_assert_uint_eq(st.start_ticks, 5);
}
END_TEST

START_TEST(stat_malformed)
{
	struct es_procfs_stat st;

	ck_assert_int_eq(parse_stat("1 (x S 3 0", &st), -EINVAL);
	ck_assert_int_eq(parse_stat("1 (x) S 3 0 0", &st), -EINVAL); /* too few fields */
	ck_assert_int_eq(parse_stat("1 (x) S -3 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 5 0", &st),
			 -EINVAL);
	ck_assert_int_eq(parse_stat("", &st), -EINVAL);
}
END_TEST

START_TEST(live_self)
{
	uint32_t ppid = 0;

	ck_assert_int_eq(
		es_procfs_ppid(ES_PROCFS_ROOT, (uint32_t)getpid(), es_boottime_ns(), &ppid), 0);
	ck_assert_uint_eq(ppid, (uint32_t)getppid());
	/* An exec stamped before this process started: the pid was reused. */
	ck_assert_int_eq(es_procfs_ppid(ES_PROCFS_ROOT, (uint32_t)getpid(), 0, &ppid), -ESTALE);
}
END_TEST

START_TEST(live_hostile_comm_and_gone)
{
	uint32_t ppid = 0;
	int pipefd[2];
	pid_t child;
	char c;

	ck_assert_int_eq(pipe(pipefd), 0);
	child = fork();
	if (child == 0) {
		prctl(PR_SET_NAME, "x\nPPid:\t1\n)", 0, 0, 0);
		close(pipefd[0]);
		(void)!write(pipefd[1], "r", 1);
		pause();
		_exit(0);
	}
	ck_assert_int_ge(child, 0);
	close(pipefd[1]);
	ck_assert_int_eq(read(pipefd[0], &c, 1), 1);
	ck_assert_int_eq(es_procfs_ppid(ES_PROCFS_ROOT, (uint32_t)child, es_boottime_ns(), &ppid),
			 0);
	ck_assert_uint_eq(ppid, (uint32_t)getpid());
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	ck_assert_int_lt(es_procfs_ppid(ES_PROCFS_ROOT, (uint32_t)child, es_boottime_ns(), &ppid),
			 0);
}
END_TEST

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

/*
 * A task that has exited and is being reaped still has its /proc files, with
 * PPid 0 (the kernel's pid_alive() test): gone, not a parent of 0. Only init
 * really has PPid 0.
 */
START_TEST(dying_task_ppid_zero_is_gone)
{
	static const char stat[] = "4242 (true) Z 0 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 0\n";
	char root[] = "/tmp/es-procfs-XXXXXX", dir[PATH_MAX];
	uint32_t ppid = 7;
	uint32_t pids[] = { 4242, 1 };
	size_t i;

	ck_assert_ptr_nonnull(mkdtemp(root));
	for (i = 0; i < 2; i++) {
		snprintf(dir, sizeof(dir), "%s/%u", root, pids[i]);
		ck_assert_int_eq(mkdir(dir, 0700), 0);
		write_file(dir, "stat", stat);
		write_file(dir, "status", "Name:\ttrue\nState:\tZ (zombie)\nPPid:\t0\n");
	}
	ck_assert_int_eq(es_procfs_ppid(root, 4242, es_boottime_ns(), &ppid), -ESRCH);
	ck_assert_int_eq(es_procfs_ppid(root, 1, es_boottime_ns(), &ppid), 0);
	ck_assert_uint_eq(ppid, 0);
	for (i = 0; i < 2; i++) {
		snprintf(dir, sizeof(dir), "%s/%u/stat", root, pids[i]);
		unlink(dir);
		snprintf(dir, sizeof(dir), "%s/%u/status", root, pids[i]);
		unlink(dir);
		snprintf(dir, sizeof(dir), "%s/%u", root, pids[i]);
		rmdir(dir);
	}
	rmdir(root);
}
END_TEST

/* Random text, sized exactly (the sanitizer build catches overreads): never a bad value. */
START_TEST(random_text_never_overreads)
{
	static const char alphabet[] = "PPid:\t\n )(0123456789 S-";
	struct es_procfs_stat st;
	unsigned int seed = 7;
	uint32_t ppid;
	size_t len, i, k;
	char *buf;

	for (i = 0; i < 50000; i++) {
		len = (size_t)(rand_r(&seed) % 200);
		buf = malloc(len ? len : 1);
		ck_assert_ptr_nonnull(buf);
		for (k = 0; k < len; k++)
			buf[k] = rand_r(&seed) % 8
					 ? alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)]
					 : (char)rand_r(&seed);
		if (!es_procfs_parse_status_ppid(buf, len, &ppid))
			ck_assert_uint_le(ppid, INT_MAX);
		if (!es_procfs_parse_stat(buf, len, &st))
			ck_assert_uint_le(st.ppid, INT_MAX);
		free(buf);
	}
}
END_TEST

ES_CHECK_MAIN("procfs", status_plain, status_hostile_name, status_malformed, stat_hostile_name,
	      stat_malformed, live_self, live_hostile_comm_and_gone, dying_task_ppid_zero_is_gone,
	      random_text_never_overreads)
