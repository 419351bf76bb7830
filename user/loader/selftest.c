// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The self-test's child and its verdict (selftest.h). The child's exec
 * record must carry the loader's pid as ppid, read in the kernel: that
 * proves TASK_OFFSETS. Its image record must name its path and carry exactly
 * its argv: that proves EXEC_OFFSETS. A wrong parent is worse than none, so
 * a group that fails is refuted, and the loader rewrites it as 0.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

void es_selftest_prepare(struct es_selftest_child *c, const char *prog)
{
	struct timespec ts;

	memset(c, 0, sizeof(*c));
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(c->marker, sizeof(c->marker), "execsensor-selftest-%d-%lld", (int)getpid(),
		 (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	snprintf(c->path, sizeof(c->path), "%s", prog);
}

int es_selftest_spawn(struct es_selftest_child *c)
{
	/* Copies on this stack, present in the child: .rodata may not be (BPF cannot fault). */
	char path[sizeof(c->path)], marker[sizeof(c->marker)];
	char *argv[] = { path, marker, NULL };
	pid_t pid;

	memcpy(path, c->path, sizeof(path));
	memcpy(marker, c->marker, sizeof(marker));
	c->exec_seen = false;
	c->image_seen = false;
	pid = fork();
	if (pid == 0) {
		execv(path, argv);
		_exit(127);
	}
	if (pid < 0)
		return -errno;
	c->pid = pid;
	return 0;
}

/*
 * The child's record: by pid, or by the marker in its argv[1] when the
 * loader's PID namespace numbers it differently from the kernel's.
 */
static bool is_child_exec(const struct es_selftest_child *c, const struct es_exec_event *e)
{
	size_t arg0_len;

	if (e->hdr.pid == (uint32_t)c->pid)
		return true;
	if (e->argc < 2 || e->args_size > sizeof(e->args))
		return false;
	arg0_len = strnlen(e->args, e->args_size);
	return arg0_len + 1 < e->args_size &&
	       !strncmp(e->args + arg0_len + 1, c->marker, e->args_size - arg0_len - 1);
}

/* The child's argv as the image record must carry it: path, marker, each with its NUL. */
static bool is_child_argv(const struct es_selftest_child *c, const struct es_exec_image *img)
{
	size_t path_len = strlen(c->path) + 1;
	size_t marker_len = strlen(c->marker) + 1;

	return img->args_size == path_len + marker_len && !memcmp(img->args, c->path, path_len) &&
	       !memcmp(img->args + path_len, c->marker, marker_len);
}

static void observe_image(struct es_selftest_child *c, const struct es_exec_image *img)
{
	bool argv_ok = img->args_size <= sizeof(img->args) && is_child_argv(c, img);

	if (img->hdr.pid != (uint32_t)c->pid && !argv_ok)
		return;
	c->image_seen = true;
	c->image_flags = img->flags;
	c->image_argv_ok = argv_ok;
	c->image_filename_ok = !strncmp(img->filename, c->path, sizeof(img->filename));
}

void es_selftest_observe(struct es_selftest_child *c, const void *data, size_t size)
{
	const struct es_exec_event *e = data;

	if (!c->pid || size < sizeof(struct es_record_header))
		return;
	if (size >= sizeof(*e) && e->hdr.type == ES_RECORD_EXEC && is_child_exec(c, e)) {
		c->exec_seen = true;
		c->kernel_pid = e->hdr.pid;
		c->ppid = e->ppid;
		c->exec_flags = e->flags;
	} else if (size >= sizeof(struct es_exec_image) && e->hdr.type == ES_RECORD_EXEC_IMAGE) {
		observe_image(c, data);
	}
}

bool es_selftest_done(const struct es_selftest_child *c, bool image_expected)
{
	return c->exec_seen && (c->image_seen || !image_expected);
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
	bool kernel = c->exec_flags & ES_EXEC_F_PPID_KERNEL;

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

/* EXEC_OFFSETS: the child's image argv is exactly the argv it exec'd. */
static void judge_exec(const struct es_selftest_child *c, const struct es_selftest_expect *e,
		       struct es_selftest_verdict *v)
{
	struct es_group_check *check = &v->groups[ES_OFFSET_GROUP_EXEC];

	if (!e->image_attached || !c->image_seen) {
		set_check(check,
			  e->enabled[ES_OFFSET_GROUP_EXEC] ? ES_GROUP_UNVERIFIED : ES_GROUP_OFF,
			  "child %d: %s", (int)c->pid,
			  !e->image_attached
				  ? "no image records"
				  : "image record lost to a full ring buffer: not verified");
	} else if (!e->enabled[ES_OFFSET_GROUP_EXEC]) {
		set_check(check, ES_GROUP_OFF, "child %d: filename %s, no argv", (int)c->pid,
			  c->path);
	} else if (c->image_argv_ok) {
		set_check(check, ES_GROUP_VERIFIED, "child %d: filename and argv as exec'd",
			  (int)c->pid);
	} else {
		set_check(check, ES_GROUP_REFUTED,
			  "child %d: image argv is not the argv it exec'd (flags %#x)", (int)c->pid,
			  c->image_flags);
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
	memset(v, 0, sizeof(*v));
	if (!c->exec_seen) {
		snprintf(v->detail, sizeof(v->detail), "no exec record from child %d (%s)%s",
			 (int)c->pid, c->path,
			 e->records_lost ? " (the ring buffer was full)" : "");
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
	if (e->image_attached && !c->image_seen && !e->records_lost) {
		fail(v, -ETIMEDOUT,
		     "self-test: no image record from child %d: sched:sched_process_exec is "
		     "attached but no records arrive",
		     (int)c->pid);
		return;
	}
	if (e->image_attached && c->image_seen && !c->image_filename_ok) {
		fail(v, -EPROTO,
		     "self-test: child %d's image record does not name %s (flags %#x): "
		     "sched_process_exec's record is not what the program reads",
		     (int)c->pid, c->path, c->image_flags);
		return;
	}
	judge_task(c, e, v);
	judge_exec(c, e, v);
}
