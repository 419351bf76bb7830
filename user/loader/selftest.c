// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The self-test's child and its verdict (selftest.h). The child's exec
 * record must carry the loader's pid as ppid, read in the kernel: that
 * proves TASK_OFFSETS; exactly its argv, read from the new mm: EXEC_OFFSETS;
 * the program's path, inode, device and link count: EXE_OFFSETS; its fork
 * record a start time within the loader's fork() call: FORK_OFFSETS. A wrong
 * parent is worse than none, so a group that fails is refuted, and the
 * loader rewrites it as 0.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
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
static void observe_exit(struct es_selftest_child *c, const void *data, size_t size)
{
	struct es_exit_record r;

	if (!c->seen || es_exit_record_read(data, size, &r) || r.hdr.pid != c->kernel_pid)
		return;
	c->exit_seen = true;
	c->exit_flags = r.hdr.flags;
	c->exit_code = r.exit_code;
}

/* The child's fork: by the pid fork() returned (a nested PID namespace fails the exec's check). */
static void observe_fork(struct es_selftest_child *c, const void *data, size_t size)
{
	struct es_fork_record r;

	if (c->fork_seen || es_fork_record_read(data, size, &r) || r.hdr.pid != (uint32_t)c->pid)
		return;
	c->fork_seen = true;
	c->fork_flags = r.hdr.flags;
	c->fork_time_ns = r.hdr.time_ns;
}

void es_selftest_observe(struct es_selftest_child *c, const void *data, size_t size)
{
	struct es_exec_view v;

	if (!c->pid)
		return;
	observe_fork(c, data, size);
	observe_exit(c, data, size);
	if (es_exec_view_parse(data, size, &v) || v.rec->hdr.type != ES_RECORD_EXEC)
		return;
	if (v.rec->hdr.pid != (uint32_t)c->pid && !has_marker(c, &v))
		return;
	c->seen = true;
	c->kernel_pid = v.rec->hdr.pid;
	c->ppid = v.rec->ppid;
	c->flags = v.rec->hdr.flags;
	c->filename_ok =
		v.filename_len == strlen(c->path) && !memcmp(v.filename, c->path, v.filename_len);
	c->argv_ok = !(c->flags & ES_EXEC_F_ARGV_ENTRY) && is_child_argv(c, &v);
	c->exe_ok =
		!(c->flags & (ES_EXEC_F_EXE_ABSENT | ES_EXEC_F_EXE_FAULT)) && is_child_exe(c, &v);
	c->ctx = v.rec->ctx;
}

bool es_selftest_done(const struct es_selftest_child *c)
{
	return c->seen && c->exit_seen;
}

__attribute__((format(printf, 3, 4))) static void
set_check(struct es_group_check *check, enum es_group_verdict verdict, const char *fmt, ...)
{
	va_list ap;

	check->verdict = verdict;
	va_start(ap, fmt);
	vsnprintf(check->detail, sizeof(check->detail), fmt, ap);
	va_end(ap);
}

/* TASK_OFFSETS: the child's ppid, read in the kernel, is the loader's pid. */
static void judge_task(const struct es_selftest_child *c, const struct es_selftest_expect *e,
		       struct es_selftest_verdict *v)
{
	struct es_group_check *check = &v->groups[ES_OFFSET_GROUP_TASK];
	bool kernel = c->flags & ES_EXEC_F_PPID_KERNEL;

	if (!e->enabled[ES_OFFSET_GROUP_TASK]) {
		v->result = ES_SELFTEST_NO_KERNEL_PPID;
		set_check(check, ES_GROUP_OFF, "child %d seen, ppid %u (kernel ppid off)",
			  (int)c->pid, c->ppid);
	} else if (kernel && c->ppid == e->loader_pid) {
		v->result = ES_SELFTEST_PASSED;
		set_check(check, ES_GROUP_VERIFIED,
			  "child %d: ppid %u from the kernel, expected %u", (int)c->pid, c->ppid,
			  e->loader_pid);
	} else {
		v->result = ES_SELFTEST_MISMATCH;
		set_check(check, ES_GROUP_REFUTED, "child %d: kernel ppid %u%s, expected %u",
			  (int)c->pid, c->ppid, kernel ? "" : " (kernel read failed)",
			  e->loader_pid);
	}
	snprintf(v->detail, sizeof(v->detail), "%s", check->detail);
}

/*
 * A group whose values the record shows right (@ok) or wrong: verified or
 * refuted, naming @what either way; off when it was not in use.
 */
static void judge_group(const struct es_selftest_child *c, const struct es_selftest_expect *e,
			struct es_selftest_verdict *v, enum es_offset_group_id id, bool ok,
			const char *what)
{
	struct es_group_check *check = &v->groups[id];

	if (!e->enabled[id])
		set_check(check, ES_GROUP_OFF, "child %d: %s not read (off)", (int)c->pid, what);
	else if (ok)
		set_check(check, ES_GROUP_VERIFIED, "child %d: %s as exec'd", (int)c->pid, what);
	else
		set_check(check, ES_GROUP_REFUTED, "child %d: %s is not what it exec'd (flags %#x)",
			  (int)c->pid, what, c->flags);
}

/*
 * A lineage group whose record (@what) did not come (@seen false) while the
 * ring buffer was full: unverified. True when so judged.
 */
static bool judged_lost(const struct es_selftest_child *c, const struct es_selftest_expect *e,
			struct es_selftest_verdict *v, enum es_offset_group_id id, bool seen,
			const char *what)
{
	if (seen || !e->records_lost || !e->enabled[id])
		return false;
	set_check(&v->groups[id], ES_GROUP_UNVERIFIED,
		  "child %d's %s record lost to a full ring buffer: not verified", (int)c->pid,
		  what);
	return true;
}

/* FORK_OFFSETS: the child's fork record carries a start time within the loader's fork(). */
static void judge_fork(const struct es_selftest_child *c, const struct es_selftest_expect *e,
		       struct es_selftest_verdict *v)
{
	struct es_group_check *check = &v->groups[ES_OFFSET_GROUP_FORK];
	bool stamped = c->fork_seen && (c->fork_flags & ES_FORK_F_START_TIME);

	if (!e->enabled[ES_OFFSET_GROUP_FORK])
		set_check(check, ES_GROUP_OFF, "child %d: start time not read (off)", (int)c->pid);
	else if (stamped && c->fork_time_ns >= c->fork_start_ns &&
		 c->fork_time_ns <= c->fork_end_ns)
		set_check(check, ES_GROUP_VERIFIED,
			  "child %d: start time %" PRIu64 " ns, within its fork() (%" PRIu64
			  "..%" PRIu64 ")",
			  (int)c->pid, c->fork_time_ns, c->fork_start_ns, c->fork_end_ns);
	else if (stamped)
		set_check(check, ES_GROUP_REFUTED,
			  "child %d: start time %" PRIu64 " ns, outside its fork() (%" PRIu64
			  "..%" PRIu64 ")",
			  (int)c->pid, c->fork_time_ns, c->fork_start_ns, c->fork_end_ns);
	else
		set_check(check, ES_GROUP_REFUTED, "child %d: no fork record with its start time%s",
			  (int)c->pid,
			  c->fork_seen ? " (stamped by the clock)"
			  : v->groups[ES_OFFSET_GROUP_TASK].verdict == ES_GROUP_REFUTED
				  ? " (TASK_OFFSETS, which tell it from a thread, refuted)"
				  : "");
}

/* The context groups, against what the loader itself has (selftest_context.c). */
static void judge_context(const struct es_selftest_child *c, const struct es_selftest_expect *e,
			  struct es_selftest_verdict *v)
{
	static const enum es_offset_group_id groups[] = {
		ES_OFFSET_GROUP_CRED, ES_OFFSET_GROUP_AUDIT, ES_OFFSET_GROUP_TTY,
		ES_OFFSET_GROUP_NS,   ES_OFFSET_GROUP_PIDNS,
	};
	const char *what;
	size_t i;
	int ok;

	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		ok = es_selftest_context_check(&c->want_ctx, &c->ctx, (uint32_t)c->pid, groups[i],
					       &what);
		if (ok < 0 && e->enabled[groups[i]])
			set_check(&v->groups[groups[i]], ES_GROUP_UNVERIFIED,
				  "child %d: the loader cannot know its own %s", (int)c->pid, what);
		else
			judge_group(c, e, v, groups[i], ok > 0, what);
	}
}

__attribute__((format(printf, 3, 4))) static void fail(struct es_selftest_verdict *v, int err,
						       const char *fmt, ...)
{
	va_list ap;

	v->error = err;
	va_start(ap, fmt);
	vsnprintf(v->error_msg, sizeof(v->error_msg), fmt, ap);
	va_end(ap);
}

void es_selftest_judge(const struct es_selftest_child *c, const struct es_selftest_expect *e,
		       struct es_selftest_verdict *v)
{
	size_t i;

	memset(v, 0, sizeof(*v));
	if (!c->seen && e->records_lost) {
		/* Lost to a full ring buffer, and counted: nothing is verified or refuted. */
		snprintf(v->detail, sizeof(v->detail),
			 "child %d's record lost to a full ring buffer: not verified", (int)c->pid);
		for (i = 0; i < ES_OFFSET_GROUP__MAX; i++)
			set_check(&v->groups[i], e->enabled[i] ? ES_GROUP_UNVERIFIED : ES_GROUP_OFF,
				  "%s", v->detail);
		return;
	}
	if (!c->seen) {
		snprintf(v->detail, sizeof(v->detail), "no exec record from child %d (%s)",
			 (int)c->pid, c->path);
		fail(v, -ETIMEDOUT, "self-test: %s: the programs are attached but no events arrive",
		     v->detail);
		return;
	}
	if (c->kernel_pid != (uint32_t)c->pid) {
		fail(v, -EXDEV,
		     "self-test: the kernel reports child %d as pid %u: the loader runs in a "
		     "nested PID namespace, but record pids are the host's; run it in the host PID "
		     "namespace (hostPID)",
		     (int)c->pid, c->kernel_pid);
		return;
	}
	if (!c->filename_ok && !(c->flags & ES_EXEC_F_FILENAME_ENTRY)) {
		fail(v, -EPROTO,
		     "self-test: child %d's exec record does not name %s (flags %#x): "
		     "sched_process_exec's record is not what the program reads",
		     (int)c->pid, c->path, c->flags);
		return;
	}
	judge_task(c, e, v);
	judge_group(c, e, v, ES_OFFSET_GROUP_EXEC, c->argv_ok, "argv");
	judge_group(c, e, v, ES_OFFSET_GROUP_EXE, c->exe_ok, "exe");
	judge_context(c, e, v);
	if (!judged_lost(c, e, v, ES_OFFSET_GROUP_EXIT, c->exit_seen, "exit"))
		judge_group(c, e, v, ES_OFFSET_GROUP_EXIT,
			    c->exit_seen && (c->exit_flags & ES_EXIT_F_CODE) && !c->exit_code,
			    "exit status");
	if (!judged_lost(c, e, v, ES_OFFSET_GROUP_FORK, c->fork_seen, "fork"))
		judge_fork(c, e, v);
}
