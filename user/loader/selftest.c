// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The self-test's child (selftest.h): what it is given, and what its
 * records say of it. The verdict is selftest_judge.c's.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock_ns.h"
#include "record.h"
#include "selftest.h"

static const char *const selftest_programs[] = { "/bin/true", "/usr/bin/true" };

const char *es_selftest_program(void)
{
	size_t i;

	for (i = 0; i < sizeof(selftest_programs) / sizeof(selftest_programs[0]); i++) {
		if (!access(selftest_programs[i], X_OK))
			return selftest_programs[i];
	}
	return NULL;
}

int es_selftest_prepare(struct es_selftest_child *c, const char *prog)
{
	struct stat st;

	memset(c, 0, sizeof(*c));
	snprintf(c->marker, sizeof(c->marker), "execsensor-selftest-%d-%" PRId64, (int)getpid(),
		 es_clock_ns(CLOCK_MONOTONIC));
	snprintf(c->path, sizeof(c->path), "%s", prog);
	if (!realpath(prog, c->want_exe) || stat(c->want_exe, &st))
		return -errno;
	c->want_ino = st.st_ino;
	c->want_dev = st.st_dev;
	c->want_nlink = (uint32_t)st.st_nlink;
	es_selftest_context_want_read(&c->want_ctx, "/proc/self");
	return 0;
}

int es_selftest_spawn(struct es_selftest_child *c)
{
	/* Copies on this stack, present in the child: .rodata may not be (BPF cannot fault). */
	char path[sizeof(c->path)], marker[sizeof(c->marker)];
	char *argv[] = { path, marker, NULL };
	pid_t pid;

	memcpy(path, c->path, sizeof(path));
	memcpy(marker, c->marker, sizeof(marker));
	c->seen = false;
	c->fork_seen = false;
	c->exit_seen = false;
	c->fork_start_ns = (uint64_t)es_clock_ns(CLOCK_BOOTTIME);
	pid = fork();
	if (pid == 0) {
		execv(path, argv);
		_exit(127);
	}
	if (pid < 0)
		return -errno;
	c->fork_end_ns = (uint64_t)es_clock_ns(CLOCK_BOOTTIME);
	c->pid = pid;
	return 0;
}

/* The child's argv as the record must carry it: path, marker, each with its NUL. */
static bool is_child_argv(const struct es_selftest_child *c, const struct es_exec_view *v)
{
	size_t path_len = strlen(c->path) + 1, marker_len = strlen(c->marker) + 1;

	return v->args_len == path_len + marker_len && !memcmp(v->args, c->path, path_len) &&
	       !memcmp(v->args + path_len, c->marker, marker_len);
}

/* Its argv[1] is the marker: the child's, whatever pid the kernel gave it. */
static bool has_marker(const struct es_selftest_child *c, const struct es_exec_view *v)
{
	struct es_argv_iter it;
	const char *arg;
	size_t len;

	es_argv_iter_init(&it, v);
	return es_argv_next(&it, &arg, &len) && es_argv_next(&it, &arg, &len) &&
	       len == strlen(c->marker) && !memcmp(arg, c->marker, len);
}

/* The record's exe is the program: its path, inode, device and link count. */
static bool is_child_exe(struct es_selftest_child *c, const struct es_exec_view *v)
{
	const struct es_exec_record *r = v->rec;

	if (es_exe_path(v->exe, v->exe_len, c->exe, sizeof(c->exe)) < 0)
		return false;
	return !strcmp(c->exe, c->want_exe) && r->exe_ino == c->want_ino &&
	       es_kernel_dev_to_user(r->exe_dev) == c->want_dev && r->exe_nlink == c->want_nlink;
}

/* The child's exit: by pid, after its exec was seen (so the pid is the child's). */
static void observe_exit(struct es_selftest_child *c, const struct es_exit_record *r)
{
	if (!c->seen || r->hdr.pid != c->kernel_pid)
		return;
	c->exit_seen = true;
	c->exit_flags = r->hdr.flags;
	c->exit_code = r->exit_code;
}

/* The child's fork: by the pid fork() returned (a nested PID namespace fails the exec's check). */
static void observe_fork(struct es_selftest_child *c, const struct es_fork_record *r)
{
	if (c->fork_seen || r->hdr.pid != (uint32_t)c->pid)
		return;
	c->fork_seen = true;
	c->fork_flags = r->hdr.flags;
	c->fork_time_ns = r->hdr.time_ns;
}

/* The child's exec record: by pid, or by its marker where the kernel numbers it otherwise. */
static void observe_exec(struct es_selftest_child *c, const struct es_exec_view *v)
{
	if (v->rec->hdr.type != ES_RECORD_EXEC)
		return;
	if (v->rec->hdr.pid != (uint32_t)c->pid && !has_marker(c, v))
		return;
	c->seen = true;
	c->kernel_pid = v->rec->hdr.pid;
	c->ppid = v->rec->ppid;
	c->flags = v->rec->hdr.flags;
	c->filename_ok = v->filename_len == strlen(c->path) &&
			 !memcmp(v->filename, c->path, v->filename_len);
	c->argv_ok = !(c->flags & ES_EXEC_F_ARGV_ENTRY) && is_child_argv(c, v);
	c->exe_ok =
		!(c->flags & (ES_EXEC_F_EXE_ABSENT | ES_EXEC_F_EXE_FAULT)) && is_child_exe(c, v);
	c->ctx = v->rec->ctx;
}

void es_selftest_observe(struct es_selftest_child *c, const struct es_record *rec)
{
	if (!c->pid)
		return;
	if (rec->kind == ES_RECORD_KIND_FORK)
		observe_fork(c, &rec->fork);
	else if (rec->kind == ES_RECORD_KIND_EXIT)
		observe_exit(c, &rec->exit);
	else if (rec->kind == ES_RECORD_KIND_EXEC)
		observe_exec(c, &rec->exec);
}

bool es_selftest_done(const struct es_selftest_child *c)
{
	return c->seen && c->exit_seen;
}
