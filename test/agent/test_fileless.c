// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The fileless rule and its gate, on the facts the kernel gives.
 *
 * The fixtures imitate what the real systemd 257 (Debian 13, 257.13-1~deb13u1,
 * as PID 1) did in the kernel matrix's systemd guest (docs/kernels.md,
 * "systemd 257's execs"): PID 1 forks a child (comm "systemd") whose first
 * exec is execve("/proc/self/fd/9") with execveat_flags 0 (not AT_EMPTY_PATH),
 * argv ["/usr/lib/systemd/systemd-executor", "--deserialize", "50"], exe
 * /usr/lib/systemd/systemd-executor with nlink 1; the same pid then execs the
 * unit's binary by its path ("/usr/bin/true", comm "(true)"). Here the
 * executor and the manager are temporary files added to the lists, so that
 * their device and inode are real.
 */
#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "fileless.h"

static char dir[] = "/tmp/es-fileless-XXXXXX";
static char executor[PATH_MAX], manager[PATH_MAX];
static struct es_fileless_allowlist list;
static struct stat executor_st;

static void touch(const char *path)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fclose(f);
}

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(executor, sizeof(executor), "%s/systemd-executor", dir);
	snprintf(manager, sizeof(manager), "%s/systemd", dir);
	touch(executor);
	touch(manager);
	ck_assert_int_eq(stat(executor, &executor_st), 0);
	ck_assert_int_eq(es_fileless_allowlist_init(&list), 0);
	ck_assert_int_eq(es_fileless_allowlist_add(&list, ES_FILELESS_EXECUTORS, executor), 0);
	ck_assert_int_eq(es_fileless_allowlist_add(&list, ES_FILELESS_MANAGERS, manager), 0);
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];

	es_fileless_allowlist_free(&list);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static int fd_path(const char *s)
{
	return es_fileless_is_fd_path(s, strlen(s));
}

START_TEST(fd_paths)
{
	ck_assert(fd_path("/proc/self/fd/3"));
	ck_assert(fd_path("/proc/thread-self/fd/10"));
	ck_assert(fd_path("/proc/1234/fd/0"));
	ck_assert(fd_path("/dev/fd/7"));
	ck_assert(!fd_path("/proc/self/fd/"));
	ck_assert(!fd_path("/proc/self/fd/3/x"));
	ck_assert(!fd_path("/proc/self/fd/3a"));
	ck_assert(!fd_path("/proc/self/exe"));
	ck_assert(!fd_path("/proc/12a/fd/3"));
	ck_assert(!fd_path("/proc//fd/3"));
	ck_assert(!fd_path("/dev/fd"));
	/* execveat(dirfd, "3", 0): the kernel's name for it; a directory fd, not a file's. */
	ck_assert(!fd_path("/dev/fd/4/3"));
	ck_assert(!fd_path("/usr/bin/ls"));
	ck_assert(!fd_path(""));
	/* A NUL inside the length is not the end of the path. */
	ck_assert(!es_fileless_is_fd_path("/dev/fd/7\0x", 11));
}
END_TEST

START_TEST(argv_user)
{
	ck_assert(es_fileless_argv_user("/usr/lib/systemd/systemd\0--user\0", 33));
	ck_assert(es_fileless_argv_user("systemd\0--user", 14)); /* the last without its NUL */
	ck_assert(!es_fileless_argv_user("systemd\0--user=x\0", 17));
	ck_assert(!es_fileless_argv_user("systemd\0--use\0", 14));
	ck_assert(!es_fileless_argv_user("x--user\0", 8));
	ck_assert(!es_fileless_argv_user("", 0));
}
END_TEST

START_TEST(managers)
{
	ck_assert_int_eq(es_fileless_judge(1, false, ES_FILELESS_UNJUDGED),
			 ES_FILELESS_SYSTEM_MANAGER);
	ck_assert_int_eq(es_fileless_judge(812, true, ES_FILELESS_SYSTEM_MANAGER),
			 ES_FILELESS_USER_MANAGER);
	/* A --user the system manager did not fork (a daemon running systemd --user). */
	ck_assert_int_eq(es_fileless_judge(812, true, ES_FILELESS_NOT_MANAGER),
			 ES_FILELESS_NOT_MANAGER);
	ck_assert_int_eq(es_fileless_judge(812, true, ES_FILELESS_USER_MANAGER),
			 ES_FILELESS_NOT_MANAGER);
	/* systemd not as PID 1 and without --user: a child of PID 1 before its exec. */
	ck_assert_int_eq(es_fileless_judge(812, false, ES_FILELESS_SYSTEM_MANAGER),
			 ES_FILELESS_NOT_MANAGER);
	ck_assert_str_eq(es_fileless_manager_name(ES_FILELESS_SYSTEM_MANAGER), "system");
	ck_assert_str_eq(es_fileless_manager_name(ES_FILELESS_USER_MANAGER), "user");
	ck_assert_ptr_null(es_fileless_manager_name(ES_FILELESS_NOT_MANAGER));
}
END_TEST

/* systemd 257's executor exec, as recorded: every fact the gate wants holds. */
static struct es_fileless_input executor_exec(void)
{
	struct es_fileless_input in = {
		.filename = "/proc/self/fd/9",
		.filename_len = strlen("/proc/self/fd/9"),
		.exe = executor,
		.exe_dev = executor_st.st_dev,
		.exe_ino = executor_st.st_ino,
		.exe_nlink = 1,
		.forked_by_known = true,
		.forked_by = 1,
		.forker_exe = manager,
		.forker = ES_FILELESS_SYSTEM_MANAGER,
		.ppid_known = true,
		.ppid = 1,
	};
	return in;
}

/* The verdict on @in: the unmet condition @failed, and the reason names @word. */
static struct es_fileless_result judged(const struct es_fileless_input *in,
					enum es_fileless_failed failed, const char *word)
{
	struct es_fileless_result r;

	es_fileless_evaluate(&list, in, &r);
	ck_assert_msg(r.failed == failed, "failed %d, not %d: %s", r.failed, failed, r.reason);
	ck_assert_int_eq(r.verdict, failed ? ES_FILELESS_ALERT : ES_FILELESS_SUPPRESSED);
	ck_assert_msg(strstr(r.reason, word), "\"%s\" not in \"%s\"", word, r.reason);
	return r;
}

START_TEST(the_executor_exec_is_suppressed)
{
	struct es_fileless_input in = executor_exec();
	struct es_fileless_result r;

	r = judged(&in, ES_FILELESS_MET, "; gate: exe ");
	ck_assert_ptr_nonnull(strstr(r.reason, "filename is a file-descriptor path; gate:"));
	ck_assert_ptr_nonnull(strstr(r.reason, "the system manager (pid 1) forked, suppressed"));
	ck_assert_int_eq(r.executor, ES_FACT_YES);
	ck_assert_int_eq(r.on_disk, ES_FACT_YES);
	ck_assert_int_eq(r.first_exec, ES_FACT_YES);
	ck_assert(r.forked_by_known);
	ck_assert_uint_eq(r.forked_by, 1);
	ck_assert_int_eq(r.manager, ES_FILELESS_SYSTEM_MANAGER);
	ck_assert_str_eq(r.parent, manager);
	ck_assert_ptr_null(es_fileless_failed_name(r.failed));
	ck_assert_str_eq(es_fileless_verdict_name(r.verdict), "suppressed");

	/* fexecve() of the executor itself: AT_EMPTY_PATH on an fd of that very file. */
	in.execveat_flags = AT_EMPTY_PATH;
	in.filename = "/dev/fd/9";
	in.filename_len = strlen(in.filename);
	judged(&in, ES_FILELESS_MET, "AT_EMPTY_PATH");

	/* A user manager's, and without the kernel's ppid (the fork record decides). */
	in = executor_exec();
	in.forked_by = 812;
	in.ppid = 812;
	in.forker = ES_FILELESS_USER_MANAGER;
	r = judged(&in, ES_FILELESS_MET, "a user manager (pid 812)");
	ck_assert_int_eq(r.manager, ES_FILELESS_USER_MANAGER);
	in.ppid_known = false;
	judged(&in, ES_FILELESS_MET, "suppressed");
}
END_TEST

START_TEST(not_fileless)
{
	struct es_fileless_input in = executor_exec();
	struct es_fileless_result r;

	/* The same pid's next exec: the unit's binary by its path. */
	in.filename = "/usr/bin/true";
	in.filename_len = strlen(in.filename);
	in.exe = "/usr/bin/true";
	in.execed_since_fork = true;
	es_fileless_evaluate(&list, &in, &r);
	ck_assert_int_eq(r.verdict, ES_FILELESS_NONE);
	ck_assert_ptr_null(es_fileless_verdict_name(r.verdict));
}
END_TEST

START_TEST(the_image_decides_first)
{
	struct es_fileless_input in = executor_exec();
	struct es_fileless_result r;

	/* No EXE_OFFSETS: the exe is unknown, nothing else can make up for it. */
	in.exe = NULL;
	r = judged(&in, ES_FILELESS_EXE_UNKNOWN, "exe unknown, cannot suppress");
	ck_assert_int_eq(r.executor, ES_FACT_UNKNOWN);
	ck_assert_int_eq(r.on_disk, ES_FACT_UNKNOWN);

	/* A memfd, fexecve'd by a daemon renamed systemd-* that PID 1 adopted. */
	in = executor_exec();
	in.execveat_flags = AT_EMPTY_PATH;
	in.exe = "/memfd:payload";
	in.exe_nlink = 0;
	in.exe_memfd = true;
	in.forked_by = 4242;
	in.forker_exe = "/usr/bin/python3";
	in.forker = ES_FILELESS_NOT_MANAGER;
	r = judged(&in, ES_FILELESS_NOT_ON_DISK, "image is a memfd; gate: exe /memfd:payload");
	ck_assert_int_eq(r.on_disk, ES_FACT_NO);
	ck_assert_int_eq(r.executor, ES_FACT_NO);
	ck_assert_str_eq(es_fileless_failed_name(r.failed), "not on disk");

	/* The executor's own file, deleted (an upgrade PID 1 has not re-executed for). */
	in = executor_exec();
	in.exe_nlink = 0;
	judged(&in, ES_FILELESS_NOT_ON_DISK, "image is a deleted file");
}
END_TEST

START_TEST(the_executor_is_the_file_at_its_path)
{
	struct es_fileless_input in = executor_exec();
	char hard[PATH_MAX + 8], copy[PATH_MAX + 8];
	struct es_fileless_result r;
	struct stat st;

	/* Another file shown at the path (a bind mount over it): another inode. */
	in.exe_ino = executor_st.st_ino + 1;
	r = judged(&in, ES_FILELESS_NOT_EXECUTOR, "is not an allowlisted executor");
	ck_assert_int_eq(r.executor, ES_FACT_NO);

	/* The same file under another name: a hard link. */
	snprintf(hard, sizeof(hard), "%s/link", dir);
	ck_assert_int_eq(link(executor, hard), 0);
	in = executor_exec();
	in.exe = hard;
	judged(&in, ES_FILELESS_NOT_EXECUTOR, "is not an allowlisted executor");

	/* A path cut to its last components may look like the listed one. */
	in = executor_exec();
	in.exe_truncated = true;
	judged(&in, ES_FILELESS_NOT_EXECUTOR, "is not an allowlisted executor");

	/*
	 * An upgrade puts a new file at the path: it is the executor now, and
	 * the old one is not, even with a link left elsewhere.
	 */
	snprintf(copy, sizeof(copy), "%s/new", dir);
	touch(copy);
	ck_assert_int_eq(rename(copy, executor), 0);
	ck_assert_int_eq(stat(executor, &st), 0);
	ck_assert_uint_ne(st.st_ino, executor_st.st_ino);
	in = executor_exec();
	judged(&in, ES_FILELESS_NOT_EXECUTOR, "is not an allowlisted executor");
	in.exe_ino = st.st_ino;
	judged(&in, ES_FILELESS_MET, "suppressed");
}
END_TEST

START_TEST(the_process_decides_last)
{
	struct es_fileless_input in = executor_exec();
	struct es_fileless_result r;

	/* Older than the agent, or no process table: who forked it is unknown. */
	in.forked_by_known = false;
	r = judged(&in, ES_FILELESS_FORK_UNKNOWN, "no fork record");
	ck_assert_int_eq(r.first_exec, ES_FACT_UNKNOWN);
	ck_assert(!r.forked_by_known);

	/* The real executor, run by a daemon: PID 1 is its parent, not its forker. */
	in = executor_exec();
	in.forked_by = 4242;
	in.forker_exe = "/usr/bin/python3";
	in.forker = ES_FILELESS_NOT_MANAGER;
	judged(&in, ES_FILELESS_NOT_FORKED_BY_MANAGER,
	       "forked by pid 4242 (/usr/bin/python3), not a service manager");

	/* A service's main process running the executor: not its first exec. */
	in = executor_exec();
	in.execed_since_fork = true;
	r = judged(&in, ES_FILELESS_NOT_FIRST_EXEC, "not the first exec since the system manager");
	ck_assert_int_eq(r.first_exec, ES_FACT_NO);

	/* Its forker gone, the process adopted by another. */
	in = executor_exec();
	in.forked_by = 812;
	in.forker = ES_FILELESS_USER_MANAGER;
	in.ppid = 1;
	judged(&in, ES_FILELESS_REPARENTED, "parent now pid 1, not pid 812");
}
END_TEST

START_TEST(limits)
{
	es_fileless_gate_limit(&list, NULL, true);
	ck_assert_str_eq(list.limit, "");
	es_fileless_gate_limit(&list, "no BTF", true);
	ck_assert_ptr_nonnull(strstr(list.limit, "the exe is unknown (no BTF)"));
	es_fileless_gate_limit(&list, NULL, false);
	ck_assert_ptr_nonnull(strstr(list.limit, "--no-lineage"));
}
END_TEST

START_TEST(allowlist_canonical)
{
	char target[PATH_MAX + 8], link[PATH_MAX + 8];
	struct stat st;
	size_t cnt = list.cnt[ES_FILELESS_EXECUTORS];

	snprintf(target, sizeof(target), "%s/real-executor", dir);
	snprintf(link, sizeof(link), "%s/link-executor", dir);
	touch(target);
	ck_assert_int_eq(stat(target, &st), 0);
	ck_assert_int_eq(symlink(target, link), 0);
	ck_assert_int_eq(es_fileless_allowlist_add(&list, ES_FILELESS_EXECUTORS, link), 0);
	/* The kernel's exe path has no symlinks: the canonical form is on the list too. */
	ck_assert(es_fileless_allowed(&list, ES_FILELESS_EXECUTORS, target, st.st_dev, st.st_ino));
	ck_assert(es_fileless_allowed(&list, ES_FILELESS_EXECUTORS, link, st.st_dev, st.st_ino));
	ck_assert(!es_fileless_allowed(&list, ES_FILELESS_MANAGERS, target, st.st_dev, st.st_ino));
	/* Adding the same path twice keeps one entry. */
	ck_assert_int_eq(es_fileless_allowlist_add(&list, ES_FILELESS_EXECUTORS, target), 0);
	ck_assert_uint_eq(list.cnt[ES_FILELESS_EXECUTORS], cnt + 2);
	/* A listed path with no file: nothing matches it. */
	ck_assert(es_fileless_allowlist_add(&list, ES_FILELESS_EXECUTORS, "/nonexistent/x") == 0);
	ck_assert(!es_fileless_allowed(&list, ES_FILELESS_EXECUTORS, "/nonexistent/x", 0, 0));
}
END_TEST

int main(void)
{
	const struct es_check_case cases[] = {
		{ "fileless",
		  ES_CHECK_TESTS(fd_paths, argv_user, managers, the_executor_exec_is_suppressed,
				 not_fileless, the_image_decides_first,
				 the_executor_is_the_file_at_its_path, the_process_decides_last,
				 limits, allowlist_canonical),
		  .setup = setup, .teardown = teardown },
		{ NULL },
	};

	return es_check_run("fileless", NULL, cases);
}
