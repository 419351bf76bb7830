// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The start-up self-test: a child of the loader execs a short-lived program
 * and its exec record must carry the loader's pid as ppid, read in the
 * kernel. The offsets came from BTF and passed type checks, but only this
 * proves the kernel reads land where BTF said; on a mismatch the offsets are
 * rewritten as 0, since a wrong parent is worse than none.
 *
 * The same child's image record must name its path and carry exactly its
 * argv: that proves EXEC_OFFSETS the same way, and a mismatch rewrites them
 * as 0 (image records then carry the filename only).
 *
 * While it runs, every record from the ring buffer is queued (the caller's
 * callback is not ready for them yet) and handed over by es_loader_poll().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "loader_internal.h"

#define SELFTEST_TIMEOUT_MS 5000
#define SELFTEST_ATTEMPTS   3

static const char *const selftest_programs[] = { "/bin/true", "/usr/bin/true" };

/*
 * The child's record: by pid, or by the marker in its argv[1] when the
 * loader's PID namespace numbers it differently from the kernel's.
 */
static bool is_selftest_child(const struct es_loader *l, const struct es_exec_event *e)
{
	size_t arg0_len;

	if (e->hdr.pid == (uint32_t)l->selftest_pid)
		return true;
	if (e->argc < 2 || e->args_size > sizeof(e->args))
		return false;
	arg0_len = strnlen(e->args, e->args_size);
	return arg0_len + 1 < e->args_size &&
	       !strncmp(e->args + arg0_len + 1, l->selftest_marker, e->args_size - arg0_len - 1);
}

/* The child's argv as the image record must carry it: path, marker, each with its NUL. */
static bool is_selftest_argv(const struct es_loader *l, const struct es_exec_image *img)
{
	size_t path_len = strlen(l->selftest_path) + 1;
	size_t marker_len = strlen(l->selftest_marker) + 1;

	return img->args_size == path_len + marker_len &&
	       !memcmp(img->args, l->selftest_path, path_len) &&
	       !memcmp(img->args + path_len, l->selftest_marker, marker_len);
}

static void note_image(struct es_loader *l, const struct es_exec_image *img)
{
	bool argv_ok = img->args_size <= sizeof(img->args) && is_selftest_argv(l, img);

	if (img->hdr.pid != (uint32_t)l->selftest_pid && !argv_ok)
		return;
	l->selftest_image_seen = true;
	l->selftest_image_flags = img->flags;
	l->selftest_image_argv_ok = argv_ok;
	l->selftest_image_filename_ok =
		!strncmp(img->filename, l->selftest_path, sizeof(img->filename));
}

void es_selftest_record(struct es_loader *l, const void *data, size_t size)
{
	const struct es_exec_event *e = data;
	struct es_backlog_record *rec;

	if (size >= sizeof(*e) && e->hdr.type == ES_RECORD_EXEC && is_selftest_child(l, e)) {
		l->selftest_seen = true;
		l->selftest_kernel_pid = e->hdr.pid;
		l->selftest_ppid = e->ppid;
		l->selftest_flags = e->flags;
	} else if (size >= sizeof(struct es_exec_image) && e->hdr.type == ES_RECORD_EXEC_IMAGE) {
		note_image(l, data);
	}
	rec = malloc(sizeof(*rec) + size);
	if (!rec) {
		/* Cannot queue: hand it over now rather than drop it. */
		es_loader_deliver(l, data, size);
		return;
	}
	rec->next = NULL;
	rec->size = size;
	memcpy(rec->data, data, size);
	*l->backlog_tail = rec;
	l->backlog_tail = &rec->next;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static const char *selftest_program(void)
{
	size_t i;

	for (i = 0; i < sizeof(selftest_programs) / sizeof(selftest_programs[0]); i++) {
		if (!access(selftest_programs[i], X_OK))
			return selftest_programs[i];
	}
	return NULL;
}

/* The records the self-test waits for: the exec record, and the image record if attached. */
static bool selftest_complete(const struct es_loader *l)
{
	return l->selftest_seen && (l->selftest_image_seen || !l->info.exec_image);
}

/* Fork a child that execs @prog; wait for its exec (and image) record. */
static int run_child(struct es_loader *l, const char *prog)
{
	long long deadline = now_ms() + SELFTEST_TIMEOUT_MS;
	bool reaped = false, drained = false;
	int status, err = 0;
	pid_t pid;

	/* Copies on this stack, present in the child: .rodata may not be (BPF cannot fault). */
	char path[sizeof(l->selftest_path)], marker[sizeof(l->selftest_marker)];
	char *argv[] = { path, marker, NULL };

	snprintf(l->selftest_marker, sizeof(l->selftest_marker), "execsensor-selftest-%d-%lld",
		 (int)getpid(), now_ms());
	snprintf(marker, sizeof(marker), "%s", l->selftest_marker);
	snprintf(l->selftest_path, sizeof(l->selftest_path), "%s", prog);
	snprintf(path, sizeof(path), "%s", prog);
	l->selftest_seen = false;
	l->selftest_image_seen = false;
	l->selftest_running = true;
	pid = fork();
	if (pid < 0) {
		err = -errno;
		l->selftest_running = false;
		return es_loader_fail(l, err, "self-test: fork: %s", strerror(-err));
	}
	if (pid == 0) {
		execv(path, argv);
		_exit(127);
	}
	l->selftest_pid = pid;
	while (!selftest_complete(l) && !drained && now_ms() < deadline) {
		/* Once the child is gone its records are all in the ring buffer, or lost. */
		if (!reaped && waitpid(pid, &status, WNOHANG) == pid)
			reaped = true;
		else if (reaped)
			drained = true; /* read once more since: it is no use waiting on */
		err = ring_buffer__poll(l->rb, 50);
		if (err < 0 && err != -EINTR)
			break;
		/* Below the wakeup threshold records do not signal. */
		err = ring_buffer__consume(l->rb);
		if (err < 0)
			break;
		err = 0;
	}
	l->selftest_running = false;
	while (!reaped && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (err)
		return es_loader_fail(l, err, "self-test: reading the ring buffer: %s",
				      strerror(-err));
	return 0;
}

/*
 * The child's image record: present, with its path as filename and, when
 * EXEC_OFFSETS are in use, exactly its argv; else they are rewritten as 0.
 */
static int image_selftest(struct es_loader *l)
{
	static const uint32_t zero_offsets[ES_EXEC_OFF__MAX];
	struct es_loader_info *info = &l->info;
	int err;

	if (!info->exec_image)
		return 0;
	if (!l->selftest_image_seen) {
		uint64_t stats[ES_STAT__MAX] = { 0 };

		err = es_loader_read_stats(l, stats);
		if (err || !stats[ES_STAT_RINGBUF_FULL])
			return es_loader_fail(l, -ETIMEDOUT,
					      "self-test: no image record from child %d: "
					      "sched:sched_process_exec is attached but no "
					      "records arrive",
					      (int)l->selftest_pid);
		/* Lost, and counted: the offsets stay as BTF and its type checks gave them. */
		es_reasonf(info->image_selftest_detail, sizeof(info->image_selftest_detail),
			   "child %d: image record lost to a full ring buffer: not verified",
			   (int)l->selftest_pid);
		es_loader_log(l, "self-test: %s", info->image_selftest_detail);
		return 0;
	}
	if (!l->selftest_image_filename_ok)
		return es_loader_fail(
			l, -EPROTO,
			"self-test: child %d's image record does not name %s (flags "
			"%#x): sched_process_exec's record is not what the program reads",
			(int)l->selftest_pid, l->selftest_path, l->selftest_image_flags);
	if (!info->image_argv) {
		es_reasonf(info->image_selftest_detail, sizeof(info->image_selftest_detail),
			   "child %d: filename %s, no argv (%s)", (int)l->selftest_pid,
			   l->selftest_path, info->image_argv_reason);
		return 0;
	}
	if (l->selftest_image_argv_ok) {
		es_reasonf(info->image_selftest_detail, sizeof(info->image_selftest_detail),
			   "child %d: filename and argv as exec'd", (int)l->selftest_pid);
		return 0;
	}
	es_reasonf(info->image_selftest_detail, sizeof(info->image_selftest_detail),
		   "child %d: image argv is not the argv it exec'd (flags %#x)",
		   (int)l->selftest_pid, l->selftest_image_flags);
	err = es_loader_write_exec_offsets(l, zero_offsets);
	if (err)
		return err;
	/* Records made before the rewrite carry wrong argv: drop them from here on. */
	l->scrub_image_argv = true;
	memset(l->exec_offsets, 0, sizeof(l->exec_offsets));
	info->image_argv = false;
	es_reasonf(info->image_argv_reason, sizeof(info->image_argv_reason),
		   "self-test failed (%s): EXEC_OFFSETS rewritten as 0",
		   info->image_selftest_detail);
	es_loader_log(l, "%s", info->image_argv_reason);
	return 0;
}

static uint64_t ringbuf_full(const struct es_loader *l)
{
	uint64_t stats[ES_STAT__MAX] = { 0 };

	return es_loader_read_stats(l, stats) ? 0 : stats[ES_STAT_RINGBUF_FULL];
}

/*
 * Run children until one's records arrive. Under another process's exec
 * storm a small ring buffer can be full when the child execs: a run that
 * saw records lost is repeated, a few times.
 */
static int run_children(struct es_loader *l, const char *prog)
{
	uint64_t full;
	int i, err;

	for (i = 0; i < SELFTEST_ATTEMPTS; i++) {
		full = ringbuf_full(l);
		err = run_child(l, prog);
		if (err || selftest_complete(l) || ringbuf_full(l) == full)
			return err;
	}
	return 0;
}

int es_selftest_run(struct es_loader *l)
{
	struct es_loader_info *info = &l->info;
	uint32_t expected = (uint32_t)getpid();
	static const uint32_t zero_offsets[ES_TASK_OFF__MAX];
	const char *prog;
	int err;

	if (l->opts.skip_selftest) {
		info->selftest = ES_SELFTEST_DISABLED;
		return 0;
	}
	prog = selftest_program();
	if (!prog)
		return es_loader_fail(l, -ENOENT,
				      "self-test: no /bin/true or /usr/bin/true to run");
	err = run_children(l, prog);
	if (err)
		return err;
	if (!l->selftest_seen) {
		es_reasonf(info->selftest_detail, sizeof(info->selftest_detail),
			   "no exec record from child %d (%s) (ring buffer full %llu times)",
			   (int)l->selftest_pid, prog, (unsigned long long)ringbuf_full(l));
		return es_loader_fail(l, -ETIMEDOUT,
				      "self-test: %s: the programs are attached "
				      "but no events arrive",
				      info->selftest_detail);
	}
	if (l->selftest_kernel_pid != (uint32_t)l->selftest_pid)
		return es_loader_fail(
			l, -EXDEV,
			"self-test: the kernel reports child %d as pid %u: the loader "
			"runs in a nested PID namespace, but record pids are the "
			"host's; run it in the host PID namespace (hostPID)",
			(int)l->selftest_pid, l->selftest_kernel_pid);
	err = image_selftest(l);
	if (err)
		return err;
	if (!info->kernel_ppid) {
		info->selftest = ES_SELFTEST_NO_KERNEL_PPID;
		es_reasonf(info->selftest_detail, sizeof(info->selftest_detail),
			   "child %d seen, ppid %u (kernel ppid off: %s)", (int)l->selftest_pid,
			   l->selftest_ppid, info->kernel_ppid_reason);
		return 0;
	}
	if ((l->selftest_flags & ES_EXEC_F_PPID_KERNEL) && l->selftest_ppid == expected) {
		info->selftest = ES_SELFTEST_PASSED;
		es_reasonf(info->selftest_detail, sizeof(info->selftest_detail),
			   "child %d: ppid %u from the kernel, expected %u", (int)l->selftest_pid,
			   l->selftest_ppid, expected);
		return 0;
	}

	info->selftest = ES_SELFTEST_MISMATCH;
	es_reasonf(
		info->selftest_detail, sizeof(info->selftest_detail),
		"child %d: kernel ppid %u%s, expected %u", (int)l->selftest_pid, l->selftest_ppid,
		l->selftest_flags & ES_EXEC_F_PPID_KERNEL ? "" : " (kernel read failed)", expected);
	err = es_loader_write_offsets(l, zero_offsets);
	if (err)
		return err;
	/* Records made before the rewrite carry wrong parents: drop them from here on. */
	l->scrub_kernel_ppid = true;
	memset(l->offsets, 0, sizeof(l->offsets));
	info->kernel_ppid = false;
	es_reasonf(info->kernel_ppid_reason, sizeof(info->kernel_ppid_reason),
		   "self-test failed (%s): offsets rewritten as 0", info->selftest_detail);
	es_loader_log(l, "%s", info->kernel_ppid_reason);
	return 0;
}
