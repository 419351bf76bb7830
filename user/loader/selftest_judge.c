// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The self-test's verdict (selftest.h), one check per offset group, which
 * its descriptor names (groups.c). The child's exec record must carry the
 * loader's pid as ppid, read in the kernel: that proves TASK_OFFSETS;
 * exactly its argv, read from the new mm: EXEC_OFFSETS; the program's path,
 * inode, device and link count: EXE_OFFSETS; its fork record a start time
 * within the loader's fork() call: FORK_OFFSETS. A wrong parent is worse
 * than none, so a group that fails is refuted, and the loader rewrites it
 * as 0.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "groups.h"
#include "selftest.h"

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
void es_selftest_check_task(const struct es_selftest_child *c, const struct es_selftest_expect *e,
			    struct es_selftest_verdict *v, enum es_offset_group_id id)
{
	struct es_group_check *check = &v->groups[id];
	bool kernel = c->flags & ES_EXEC_F_PPID_KERNEL;

	if (!e->enabled[id]) {
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

/*
 * FORK_OFFSETS: the child's fork record carries a start time within the
 * loader's fork() (TASK_OFFSETS, judged before, tell it from a thread).
 */
void es_selftest_check_fork(const struct es_selftest_child *c, const struct es_selftest_expect *e,
			    struct es_selftest_verdict *v, enum es_offset_group_id id)
{
	struct es_group_check *check = &v->groups[id];
	bool stamped = c->fork_seen && (c->fork_flags & ES_FORK_F_START_TIME);

	if (judged_lost(c, e, v, id, c->fork_seen, "fork"))
		return;
	if (!e->enabled[id])
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

/* A context group, against what the loader itself has (selftest_context.c). */
void es_selftest_check_context(const struct es_selftest_child *c,
			       const struct es_selftest_expect *e, struct es_selftest_verdict *v,
			       enum es_offset_group_id id)
{
	const char *what;
	int ok;

	ok = es_selftest_context_check(&c->want_ctx, &c->ctx, (uint32_t)c->pid, id, &what);
	if (ok < 0 && e->enabled[id])
		set_check(&v->groups[id], ES_GROUP_UNVERIFIED,
			  "child %d: the loader cannot know its own %s", (int)c->pid, what);
	else
		judge_group(c, e, v, id, ok > 0, what);
}

/* EXEC_OFFSETS: the child's argv, read from the new mm, is exactly what it exec'd. */
void es_selftest_check_argv(const struct es_selftest_child *c, const struct es_selftest_expect *e,
			    struct es_selftest_verdict *v, enum es_offset_group_id id)
{
	judge_group(c, e, v, id, c->argv_ok, "argv");
}

/* EXE_OFFSETS: the child's exe is the program's path, inode, device and link count. */
void es_selftest_check_exe(const struct es_selftest_child *c, const struct es_selftest_expect *e,
			   struct es_selftest_verdict *v, enum es_offset_group_id id)
{
	judge_group(c, e, v, id, c->exe_ok, "exe");
}

/* EXIT_OFFSETS: the child's exit record says status 0. */
void es_selftest_check_exit(const struct es_selftest_child *c, const struct es_selftest_expect *e,
			    struct es_selftest_verdict *v, enum es_offset_group_id id)
{
	if (!judged_lost(c, e, v, id, c->exit_seen, "exit"))
		judge_group(c, e, v, id,
			    c->exit_seen && (c->exit_flags & ES_EXIT_F_CODE) && !c->exit_code,
			    "exit status");
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
		v->error = -ETIMEDOUT;
		snprintf(v->error_msg, sizeof(v->error_msg),
			 /* the detail is under 100 bytes: the bound only quiets the check */
			 "self-test: %.180s: the programs are attached but no events arrive",
			 v->detail);
		return;
	}
	if (c->kernel_pid != (uint32_t)c->pid) {
		v->error = -EXDEV;
		snprintf(v->error_msg, sizeof(v->error_msg),
			 "self-test: the kernel reports child %d as pid %u: the loader runs in a "
			 "nested PID namespace, but record pids are the host's; run it in the host "
			 "PID namespace (hostPID)",
			 (int)c->pid, c->kernel_pid);
		return;
	}
	if (!c->filename_ok && !(c->flags & ES_EXEC_F_FILENAME_ENTRY)) {
		v->error = -EPROTO;
		snprintf(v->error_msg, sizeof(v->error_msg),
			 "self-test: child %d's exec record does not name %s (flags %#x): "
			 "sched_process_exec's record is not what the program reads",
			 (int)c->pid, c->path, c->flags);
		return;
	}
	/* In the groups' order: TASK_OFFSETS first, which FORK_OFFSETS' check reads. */
	for (i = 0; i < ES_OFFSET_GROUP__MAX; i++)
		es_loader_groups[i].check(c, e, v, i);
}
