// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Live kernel tests of the BPF programs through the loader.
 * They run as root and really load, attach and exec. The oracles are
 * independent of the code under test: the pids this test forks itself and
 * its own pid, libbpf's BTF API for the offsets, the kernel's id lists for
 * what stays loaded, and the verifier's own messages.
 *
 * Cases (CK_RUN_CASE): parent, fallback, cleanup, stats.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "check_main.h"
#include "child_state.h"
#include "loader.h"

#define CHILDREN	500
#define WAIT_MS		30000
#define MAX_TRACKED	(2 * CHILDREN + 16)
#define AT_EMPTY_PATH_F 0x1000 /* AT_EMPTY_PATH, from <fcntl.h> with _GNU_SOURCE */

/* ---- collecting records ---------------------------------------------- */

/* What the test saw for one pid. */
struct child {
	pid_t pid;
	int want_execs; /* exec records to wait for; 0 means 1 */
	int execs, results, images;
	struct es_exec_event exec;
	struct es_exec_result result;
	struct es_exec_image image;
};

/*
 * Records are kept per pid for every pid seen (the callback runs in the
 * polling thread only); children[] lists the pids the test spawned, and
 * sync_children() copies their records over, in the polling thread too.
 */
struct collector {
	struct child *seen;
	size_t seen_cnt, seen_cap;
	struct child *children;
	int cnt;
	uint64_t records, exec_records, exec_kernel_ppid, exec_ppid_zero, image_records;
	uint64_t bad_size;
};

static struct child *find_seen(struct collector *c, uint32_t pid)
{
	size_t i;

	for (i = 0; i < c->seen_cnt; i++) {
		if ((uint32_t)c->seen[i].pid == pid)
			return &c->seen[i];
	}
	return NULL;
}

static struct child *seen_entry(struct collector *c, uint32_t pid)
{
	struct child *entry = find_seen(c, pid);

	if (entry)
		return entry;
	if (c->seen_cnt == c->seen_cap) {
		size_t cap = c->seen_cap ? 2 * c->seen_cap : 1024;
		struct child *seen = realloc(c->seen, cap * sizeof(*seen));

		ck_assert_ptr_nonnull(seen);
		c->seen = seen;
		c->seen_cap = cap;
	}
	entry = &c->seen[c->seen_cnt++];
	memset(entry, 0, sizeof(*entry));
	entry->pid = (pid_t)pid;
	return entry;
}

static void on_record(void *ctx, const void *data, size_t size)
{
	const struct es_record_header *hdr = data;
	struct collector *c = ctx;
	struct child *child;

	c->records++;
	child = seen_entry(c, hdr->pid);
	if (hdr->type == ES_RECORD_EXEC) {
		const struct es_exec_event *e = data;

		if (size < sizeof(*e)) {
			c->bad_size++;
			return;
		}
		c->exec_records++;
		if (e->flags & ES_EXEC_F_PPID_KERNEL)
			c->exec_kernel_ppid++;
		if (e->ppid == 0)
			c->exec_ppid_zero++;
		child->execs++;
		child->exec = *e;
	} else if (hdr->type == ES_RECORD_EXEC_RESULT) {
		if (size < sizeof(struct es_exec_result)) {
			c->bad_size++;
			return;
		}
		child->results++;
		memcpy(&child->result, data, sizeof(child->result));
	} else if (hdr->type == ES_RECORD_EXEC_IMAGE) {
		if (size < sizeof(struct es_exec_image)) {
			c->bad_size++;
			return;
		}
		c->image_records++;
		child->images++;
		memcpy(&child->image, data, sizeof(child->image));
	} else {
		c->bad_size++;
	}
}

/* Copy what was seen for each spawned pid into children[]. */
static void sync_children(struct collector *c)
{
	const struct child *seen;
	int i;

	for (i = 0; i < c->cnt; i++) {
		int want = c->children[i].want_execs;

		seen = find_seen(c, c->children[i].pid);
		if (seen)
			c->children[i] = *seen;
		c->children[i].want_execs = want;
	}
}

static void collector_init(struct collector *c)
{
	memset(c, 0, sizeof(*c));
	c->children = calloc(MAX_TRACKED, sizeof(*c->children));
	ck_assert_ptr_nonnull(c->children);
}

static void collector_free(struct collector *c)
{
	free(c->seen);
	free(c->children);
}

static void quiet_log(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "loader: %s\n", line);
}

static struct es_loader *start(struct collector *c, struct es_loader_opts *opts)
{
	struct es_loader *l;
	int err;

	opts->on_record = on_record;
	opts->ctx = c;
	opts->log = quiet_log;
	opts->exec_image = true;
	l = es_loader_new(opts);
	ck_assert_ptr_nonnull(l);
	err = es_loader_load(l);
	ck_assert_msg(!err, "load: %d %s", err, es_loader_error(l));
	err = es_loader_attach(l);
	ck_assert_msg(!err, "attach: %d %s", err, es_loader_error(l));
	return l;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* A child's records are all in: exec and result, and the image of a successful exec. */
static bool child_complete(const struct child *ch, bool exec_image)
{
	int want = ch->want_execs ? ch->want_execs : 1;

	if (ch->execs < want || ch->results < want)
		return false;
	return !exec_image || ch->result.ret != 0 || ch->images >= want;
}

/*
 * Poll until every tracked child has its exec, image (when the image
 * program is attached and the exec succeeded) and result records, or time
 * out.
 */
static void wait_all(struct es_loader *l, struct collector *c, int from)
{
	bool exec_image = es_loader_info(l)->exec_image;
	long long deadline = now_ms() + WAIT_MS;
	int i, missing;

	do {
		ck_assert_int_ge(es_loader_poll(l, 50), 0);
		sync_children(c);
		missing = 0;
		for (i = from; i < c->cnt; i++)
			missing += !child_complete(&c->children[i], exec_image);
	} while (missing && now_ms() < deadline);
	if (missing) {
		uint64_t stats[ES_STAT__MAX] = { 0 };
		const struct child *ch = c->children + from;
		char state[512];

		while (child_complete(ch, exec_image))
			ch++;
		es_loader_read_stats(l, stats);
		/* Where the child is: one that never reached exec was not missed by the sensor. */
		es_child_describe(ch->pid, state, sizeof(state));
		ck_abort_msg("%d of %d children without exec, image or result record "
			     "(ring buffer full %llu times); the first, %d: %d exec, %d image, "
			     "%d result (ret %lld); %s",
			     missing, c->cnt - from,
			     (unsigned long long)stats[ES_STAT_RINGBUF_FULL], ch->pid, ch->execs,
			     ch->images, ch->results, (long long)ch->result.ret, state);
	}
}

/* Detach, drain and read the final counters. */
static void finish(struct es_loader *l, struct collector *c, uint64_t stats[ES_STAT__MAX])
{
	es_loader_detach(l);
	ck_assert_int_ge(es_loader_poll(l, 0), 0);
	ck_assert_int_eq(es_loader_read_stats(l, stats), 0);
	sync_children(c);
}

static void reap(struct collector *c)
{
	int i, status;

	for (i = 0; i < c->cnt; i++)
		waitpid(c->children[i].pid, &status, 0);
}

/* ---- spawning ---------------------------------------------------------- */

/*
 * Fork @n children that exec /bin/true at once. Strings live on the stack,
 * written before fork: the child's copy of the stack is present, so the
 * kernel-side reads of filename and argv cannot fault.
 *
 * Between fork() and execve() a child calls nothing but async-signal-safe
 * functions, here and in every other test: this process has threads (a
 * spawner thread below), and a fork taken while another thread holds a lock
 * (Check's mark-point mutex, malloc's, stdio's) leaves the child with a lock
 * nobody releases. A ck_assert in the child once did exactly that.
 */
static void spawn_true(struct collector *c, int n, struct es_loader *poll_l)
{
	char path[] = "/bin/true", arg0[] = "true", arg1[32];
	char *argv[] = { arg0, arg1, NULL }, *envp[] = { NULL };
	int i;

	for (i = 0; i < n; i++) {
		pid_t pid;

		snprintf(arg1, sizeof(arg1), "es-live-%d", c->cnt);
		pid = fork();
		if (pid == 0) {
			/* Only async-signal-safe calls here: see spawn_true()'s comment. */
			execve(path, argv, envp);
			_exit(127);
		}
		ck_assert_int_ge(pid, 0);
		ck_assert_int_lt(c->cnt, MAX_TRACKED);
		c->children[c->cnt++].pid = pid;
		if (poll_l)
			es_loader_poll(poll_l, 0);
	}
}

/*
 * The child's one image record: its pid, from its own main thread, between
 * its exec and result records; the kernel's filename and the new argv
 * (@arg1 NULL: one argument).
 */
static void assert_image(const struct child *ch, const char *filename, const char *arg0,
			 const char *arg1)
{
	const struct es_exec_image *img = &ch->image;
	size_t size = strlen(arg0) + 1 + (arg1 ? strlen(arg1) + 1 : 0);

	ck_assert_msg(ch->images == 1, "child %d: %d image records", ch->pid, ch->images);
	ck_assert_uint_eq(img->hdr.type, ES_RECORD_EXEC_IMAGE);
	ck_assert_uint_eq(img->hdr.pid, (uint32_t)ch->pid);
	ck_assert_uint_eq(img->hdr.tid, (uint32_t)ch->pid);
	ck_assert_uint_eq(img->old_pid, (uint32_t)ch->pid);
	ck_assert_uint_eq(img->hdr.syscall, ES_SYSCALL_UNKNOWN);
	ck_assert_uint_ge(img->hdr.time_ns, ch->exec.hdr.time_ns);
	ck_assert_uint_le(img->hdr.time_ns, ch->result.hdr.time_ns);
	ck_assert_msg(img->flags == 0, "child %d: image flags %#x", ch->pid, img->flags);
	ck_assert_str_eq(img->filename, filename);
	ck_assert_uint_eq(img->args_size, size);
	ck_assert_str_eq(img->args, arg0);
	if (arg1)
		ck_assert_str_eq(img->args + strlen(arg0) + 1, arg1);
}

/* Every spawned child's exec record names the expected parent and its exec. */
static void assert_children(struct collector *c, int from, uint32_t ppid, bool kernel_ppid)
{
	char arg1[32];
	int i;

	for (i = from; i < c->cnt; i++) {
		const struct child *ch = &c->children[i];
		const struct es_exec_event *e = &ch->exec;

		ck_assert_msg(ch->execs == 1, "child %d: %d exec records", ch->pid, ch->execs);
		ck_assert_msg(ch->results == 1, "child %d: %d results", ch->pid, ch->results);
		ck_assert_uint_eq(e->hdr.tid, (uint32_t)ch->pid);
		ck_assert_uint_eq(e->hdr.syscall, ES_SYSCALL_EXECVE);
		ck_assert_msg(e->ppid == ppid, "child %d: ppid %u, expected %u (flags %#x)",
			      ch->pid, e->ppid, ppid, e->flags);
		ck_assert_uint_eq(!!(e->flags & ES_EXEC_F_PPID_KERNEL), kernel_ppid);
		ck_assert_uint_eq(e->uid, getuid());
		ck_assert_uint_eq(e->gid, getgid());
		ck_assert_int_eq(e->dirfd, -100 /* AT_FDCWD */);
		ck_assert_uint_eq(e->execveat_flags, 0);
		ck_assert_str_eq(e->filename, "/bin/true");
		snprintf(arg1, sizeof(arg1), "es-live-%d", i);
		ck_assert_uint_eq(e->argc, 2);
		ck_assert_uint_eq(e->args_size, strlen("true") + 1 + strlen(arg1) + 1);
		ck_assert_str_eq(e->args, "true");
		ck_assert_str_eq(e->args + strlen("true") + 1, arg1);
		ck_assert_uint_eq(e->flags & ~ES_EXEC_F_PPID_KERNEL, 0);
		ck_assert_int_eq(ch->result.ret, 0);
		ck_assert_uint_eq(ch->result.hdr.syscall, ES_SYSCALL_EXECVE);
		assert_image(ch, "/bin/true", "true", arg1);
	}
}

static void assert_children_ppid(const struct collector *c, uint32_t ppid)
{
	int i;

	for (i = 0; i < c->cnt; i++)
		ck_assert_uint_eq(c->children[i].exec.ppid, ppid);
}

static bool kernel_has_kprobes(void)
{
	return access("/sys/bus/event_source/devices/kprobe", F_OK) == 0;
}

/* ---- case parent: the in-kernel parent -------------------------------- */

/* task_struct.<member>'s byte offset from libbpf's BTF API: the oracle. */
static uint32_t libbpf_task_offset(const char *member)
{
	struct btf *btf = btf__load_vmlinux_btf();
	const struct btf_member *m;
	const struct btf_type *t;
	uint32_t off = 0;
	int id, i;

	ck_assert_ptr_nonnull(btf);
	id = btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT);
	ck_assert_int_gt(id, 0);
	t = btf__type_by_id(btf, id);
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		if (!strcmp(btf__name_by_offset(btf, m->name_off), member))
			off = btf_member_bit_offset(t, i) / 8;
	}
	btf__free(btf);
	ck_assert_uint_gt(off, 0);
	return off;
}

START_TEST(test_auto_falls_back_and_offsets_match_libbpf)
{
	struct es_loader_opts opts = { .attach = ES_ATTACH_AUTO };
	const struct es_loader_info *info;
	struct collector c;
	struct es_loader *l;

	collector_init(&c);
	l = start(&c, &opts);
	info = es_loader_info(l);
	ck_assert_str_eq(info->btf_source, "/sys/kernel/btf/vmlinux");
	ck_assert_uint_eq(info->groups[ES_OFFSET_GROUP_TASK].fields[ES_TASK_OFF_REAL_PARENT].value,
			  libbpf_task_offset("real_parent"));
	ck_assert_uint_eq(info->groups[ES_OFFSET_GROUP_TASK].fields[ES_TASK_OFF_TGID].value,
			  libbpf_task_offset("tgid"));
	ck_assert(info->groups[ES_OFFSET_GROUP_TASK].enabled);
	ck_assert_int_eq(info->selftest, ES_SELFTEST_PASSED);
	if (kernel_has_kprobes()) {
		ck_assert_int_eq(info->attach_mode, ES_ATTACH_KPROBE);
	} else {
		/* This kernel has no kprobes: auto must fall back and say why. */
		ck_assert_int_eq(info->attach_mode, ES_ATTACH_TRACEPOINT);
		ck_assert_msg(strstr(info->attach_reason, "auto: kprobes unusable") != NULL,
			      "attach reason: %s", info->attach_reason);
	}
	es_loader_destroy(l);
	collector_free(&c);
}
END_TEST

START_TEST(test_500_children_have_parent_from_kernel)
{
	struct es_loader_opts opts = { .attach = ES_ATTACH_AUTO };
	uint64_t stats[ES_STAT__MAX];
	struct collector c;
	struct es_loader *l;

	collector_init(&c);
	l = start(&c, &opts);
	spawn_true(&c, CHILDREN, l);
	wait_all(l, &c, 0);
	assert_children(&c, 0, (uint32_t)getpid(), true);
	finish(l, &c, stats);
	/*
	 * Every one of our children's records arrived (wait_all). The host's
	 * other execs meanwhile were counted: delivered or, under another
	 * process's exec storm, lost to a full ring buffer, never failed.
	 */
	ck_assert_uint_eq(c.bad_size, 0);
	ck_assert_uint_eq(stats[ES_STAT_KERNEL_READ_FAIL], 0);
	ck_assert_uint_eq(stats[ES_STAT_OFFSETS_ABSENT], 0);
	ck_assert_uint_eq(stats[ES_STAT_EVENTS], c.records);
	ck_assert_uint_eq(stats[ES_STAT_PPID_KERNEL], c.exec_records);
	ck_assert_uint_eq(c.exec_kernel_ppid, c.exec_records);
	ck_assert_uint_eq(stats[ES_STAT_EXEC_IMAGE], c.image_records);
	ck_assert_uint_ge(c.image_records, CHILDREN);
	es_loader_destroy(l);
	reap(&c);
	collector_free(&c);
}
END_TEST

struct spawner {
	struct collector *c;
	pid_t tid;
	atomic_bool done;
};

static void *spawn_from_thread(void *arg)
{
	struct spawner *s = arg;

	s->tid = (pid_t)syscall(SYS_gettid);
	spawn_true(s->c, CHILDREN, NULL);
	atomic_store(&s->done, true);
	return NULL;
}

START_TEST(test_children_of_a_thread_have_the_process_as_parent)
{
	struct es_loader_opts opts = { .attach = ES_ATTACH_AUTO };
	struct collector c;
	struct spawner s;
	struct es_loader *l;
	pthread_t thread;

	collector_init(&c);
	l = start(&c, &opts);
	s.c = &c;
	atomic_init(&s.done, false);
	ck_assert_int_eq(pthread_create(&thread, NULL, spawn_from_thread, &s), 0);
	/* Read while the thread spawns, as an agent would: the ring buffer is finite. */
	while (!atomic_load(&s.done))
		ck_assert_int_ge(es_loader_poll(l, 10), 0);
	ck_assert_int_eq(pthread_join(thread, NULL), 0);
	ck_assert_int_ne(s.tid, getpid());
	wait_all(l, &c, 0);
	/* real_parent is the forking thread; its tgid is this process. */
	assert_children(&c, 0, (uint32_t)getpid(), true);
	es_loader_destroy(l);
	reap(&c);
	collector_free(&c);
}
END_TEST

/*
 * An exec from a non-leader thread: the exec record is the thread's, the
 * image record the process's (de_thread made the thread the leader) with
 * the thread as old_pid, the result the process's. The child execs the
 * exec helper, whose second thread prints its tid and execs /bin/true: no
 * thread is created between fork and exec.
 */
START_TEST(test_exec_from_a_thread_has_old_pid_in_image)
{
	struct es_loader_opts opts = { .attach = ES_ATTACH_AUTO };
	char helper[] = EXEC_HELPER, mode[] = "thread", path[] = "/bin/true", arg0[] = "true";
	char arg1[] = "es-thread-exec";
	char *argv[] = { helper, mode, path, arg0, arg1, NULL }, *envp[] = { NULL };
	const struct es_exec_image *img;
	const struct es_exec_event *e;
	struct collector c;
	struct es_loader *l;
	int fds[2], status;
	char line[32] = "";
	pid_t pid, tid;

	collector_init(&c);
	l = start(&c, &opts);
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	if (pid == 0) {
		if (dup2(fds[1], STDOUT_FILENO) < 0)
			_exit(126);
		execve(helper, argv, envp);
		_exit(127);
	}
	ck_assert_int_ge(pid, 0);
	c.children[c.cnt].pid = pid;
	c.children[c.cnt++].want_execs = 2; /* the helper's own exec, then its thread's */
	close(fds[1]);
	ck_assert_int_gt(read(fds[0], line, sizeof(line) - 1), 0);
	close(fds[0]);
	tid = (pid_t)atoi(line);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_gt(tid, 0);
	ck_assert_int_ne(tid, pid);
	wait_all(l, &c, 0);

	/* The last exec record, image and result of the pid are the thread's exec. */
	e = &c.children[0].exec;
	ck_assert_int_eq(c.children[0].execs, 2);
	ck_assert_uint_eq(e->hdr.pid, (uint32_t)pid);
	ck_assert_uint_eq(e->hdr.tid, (uint32_t)tid);
	img = &c.children[0].image;
	ck_assert_int_eq(c.children[0].images, 2);
	ck_assert_uint_eq(img->hdr.pid, (uint32_t)pid);
	ck_assert_uint_eq(img->hdr.tid, (uint32_t)pid);
	ck_assert_uint_eq(img->old_pid, (uint32_t)tid);
	ck_assert_uint_eq(img->flags, 0);
	ck_assert_str_eq(img->filename, "/bin/true");
	ck_assert_uint_eq(img->args_size, sizeof("true") + sizeof("es-thread-exec"));
	ck_assert_str_eq(img->args + sizeof("true"), "es-thread-exec");
	ck_assert_uint_eq(c.children[0].result.hdr.pid, (uint32_t)pid);
	ck_assert_int_eq(c.children[0].result.ret, 0);
	es_loader_destroy(l);
	collector_free(&c);
}
END_TEST

/* A copy of /bin/true in a memfd, for fexecve. */
static int memfd_true(void)
{
	char buf[65536];
	int in, fd;
	ssize_t n;

	fd = memfd_create("es-live", 0);
	ck_assert_int_ge(fd, 0);
	in = open("/bin/true", O_RDONLY);
	ck_assert_int_ge(in, 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		ck_assert_int_eq(write(fd, buf, n), n);
	ck_assert_int_eq(n, 0);
	close(in);
	return fd;
}

/*
 * The kernel's own report of sched_process_exec, as an oracle: a private
 * ftrace instance with the event enabled, whose text says
 * "filename=... pid=N old_pid=M" for every exec.
 */
#define TRACE_INSTANCE "/sys/kernel/tracing/instances/es-live-image"

static void trace_instance_start(void)
{
	int fd;

	rmdir(TRACE_INSTANCE);
	ck_assert_msg(!mkdir(TRACE_INSTANCE, 0700), "mkdir %s: %s", TRACE_INSTANCE,
		      strerror(errno));
	fd = open(TRACE_INSTANCE "/events/sched/sched_process_exec/enable", O_WRONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "1", 1), 1);
	close(fd);
}

/* The filename ftrace reported for @pid's exec, into @out. */
static void trace_instance_filename(pid_t pid, char *out, size_t size)
{
	char line[1024], want[32];
	const char *name, *end;
	bool found = false;
	FILE *f;

	snprintf(want, sizeof(want), " pid=%d old_pid=", (int)pid);
	f = fopen(TRACE_INSTANCE "/trace", "r");
	ck_assert_ptr_nonnull(f);
	while (!found && fgets(line, sizeof(line), f)) {
		name = strstr(line, "filename=");
		end = strstr(line, want);
		if (!name || !end || end < name)
			continue;
		name += strlen("filename=");
		snprintf(out, size, "%.*s", (int)(end - name), name);
		found = true;
	}
	fclose(f);
	ck_assert_int_eq(rmdir(TRACE_INSTANCE), 0);
	ck_assert_msg(found, "ftrace reported no sched_process_exec of %d", (int)pid);
}

START_TEST(test_execveat_memfd_is_seen_with_its_flags)
{
	struct es_loader_opts opts = { .attach = ES_ATTACH_AUTO };
	char empty[] = "", arg0[] = "es-memfd", traced[ES_FILENAME_LEN], dev_fd[32];
	char *argv[] = { arg0, NULL }, *envp[] = { NULL };
	const struct es_exec_event *e;
	struct collector c;
	struct es_loader *l;
	int fd, status;
	pid_t pid;

	collector_init(&c);
	fd = memfd_true();
	l = start(&c, &opts);
	trace_instance_start();
	pid = fork();
	if (pid == 0) {
		syscall(SYS_execveat, fd, empty, argv, envp, AT_EMPTY_PATH_F);
		_exit(127);
	}
	ck_assert_int_ge(pid, 0);
	c.children[c.cnt++].pid = pid;
	wait_all(l, &c, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	e = &c.children[0].exec;
	ck_assert_uint_eq(e->hdr.syscall, ES_SYSCALL_EXECVEAT);
	ck_assert_uint_eq(e->execveat_flags, AT_EMPTY_PATH_F);
	ck_assert_int_eq(e->dirfd, fd);
	ck_assert_str_eq(e->filename, "");
	ck_assert_uint_eq(e->argc, 1);
	ck_assert_str_eq(e->args, "es-memfd");
	ck_assert_uint_eq(e->ppid, (uint32_t)getpid());
	/* No result syscall check: 6.18 reports a successful execveat at sys_exit_execve. */
	ck_assert_int_eq(c.children[0].result.ret, 0);
	/* The image record has the name the kernel gave the exec: ftrace's, /dev/fd/N. */
	trace_instance_filename(pid, traced, sizeof(traced));
	snprintf(dev_fd, sizeof(dev_fd), "/dev/fd/%d", fd);
	ck_assert_str_eq(traced, dev_fd);
	assert_image(&c.children[0], traced, "es-memfd", NULL);
	es_loader_destroy(l);
	close(fd);
	collector_free(&c);
}
END_TEST

START_TEST(test_failed_exec_reports_its_error)
{
	struct es_loader_opts opts = { .attach = ES_ATTACH_AUTO };
	char missing[] = "/nonexistent-es-live/prog", arg0[] = "prog";
	char *argv[] = { arg0, NULL }, *envp[] = { NULL };
	struct collector c;
	struct es_loader *l;
	int status;
	pid_t pid;

	collector_init(&c);
	l = start(&c, &opts);
	pid = fork();
	if (pid == 0) {
		execve(missing, argv, envp);
		_exit(errno == ENOENT ? 42 : 1);
	}
	ck_assert_int_ge(pid, 0);
	c.children[c.cnt++].pid = pid;
	wait_all(l, &c, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 42);
	ck_assert_str_eq(c.children[0].exec.filename, missing);
	ck_assert_uint_eq(c.children[0].exec.ppid, (uint32_t)getpid());
	ck_assert_int_eq(c.children[0].result.ret, -ENOENT);
	/* The exec failed: no new image, no image record (the result came after it would have). */
	ck_assert_int_eq(c.children[0].images, 0);
	es_loader_destroy(l);
	collector_free(&c);
}
END_TEST

#define LITERAL_CHILDREN 20
#define FAULT_AROUND_MAX (64 * 1024) /* the kernel maps up to this around a page fault */

/*
 * Constant strings in .rodata, as a program's literals are: file-backed
 * pages that fork() does not map in the child (no page table entries are
 * copied for a private file mapping never written). In a real program the
 * literal is usually on a page the child never touches before execve, so
 * the kernel has not faulted it in when the syscall starts, and BPF cannot
 * fault it in. Here the padding keeps the strings a fault-around window
 * away from any other constant the child might read (glibc's fork path,
 * this file's own literals), so they are never mapped by accident.
 */
static const struct {
	char pad_before[2 * FAULT_AROUND_MAX];
	char path[16];
	char pad_between[2 * FAULT_AROUND_MAX];
	char arg0[8];
	char pad_between2[2 * FAULT_AROUND_MAX];
	char arg1[24];
	char pad_after[2 * FAULT_AROUND_MAX];
} cold_literals = {
	.path = "/bin/true",
	.arg0 = "true",
	.arg1 = "es-literal-arg",
};

/*
 * Children that exec constant strings at once after fork, as most programs
 * do (execl("/bin/true", "true", NULL)). The entry record may miss them
 * (ES_EXEC_F_*_FAULT: here argv, and on kernels whose syscall tracepoints
 * do not fault the filename in, or in kprobe mode, the filename too); the
 * image record never does.
 */
START_TEST(test_literal_strings_after_fork_are_seen)
{
	struct es_loader_opts opts = { .attach = ES_ATTACH_AUTO };
	struct collector c;
	struct es_loader *l;
	int i, status;

	collector_init(&c);
	l = start(&c, &opts);
	ck_assert(es_loader_info(l)->exec_image);
	ck_assert(es_loader_info(l)->groups[ES_OFFSET_GROUP_EXEC].enabled);
	for (i = 0; i < LITERAL_CHILDREN; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			execl(cold_literals.path, cold_literals.arg0, cold_literals.arg1,
			      (char *)NULL);
			_exit(127);
		}
		ck_assert_int_ge(pid, 0);
		c.children[c.cnt++].pid = pid;
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	wait_all(l, &c, 0);
	for (i = 0; i < c.cnt; i++) {
		ck_assert_int_eq(c.children[i].execs, 1);
		ck_assert_int_eq(c.children[i].result.ret, 0);
		assert_image(&c.children[i], "/bin/true", "true", "es-literal-arg");
	}
	es_loader_destroy(l);
	collector_free(&c);
}
END_TEST

/* Fork a child that execve()s @path with @argv (prepared before fork); track it. */
static pid_t spawn_exec(struct collector *c, char *path, char **argv)
{
	char *envp[] = { NULL };
	pid_t pid = fork();

	if (pid == 0) {
		execve(path, argv, envp);
		_exit(127);
	}
	ck_assert_int_ge(pid, 0);
	c->children[c->cnt++].pid = pid;
	return pid;
}

#define MANY_ARGS 70

START_TEST(test_long_argv_and_filename_are_cut_and_flagged)
{
	struct es_loader_opts opts = { .attach = ES_ATTACH_AUTO };
	static char big[3000], exact[2048], long_path[601], many[MANY_ARGS][8];
	char path[] = "/bin/true", arg0[] = "true", hostile[] = "q\"\n\x01\xff\xfe";
	char after[] = "after-the-cut";
	char *argv_many[MANY_ARGS + 1], *argv_big[] = { arg0, big, after, NULL };
	char *argv_exact[] = { arg0, exact, NULL }, *argv_hostile[] = { arg0, hostile, NULL };
	const struct es_exec_event *e;
	struct collector c;
	struct es_loader *l;
	size_t off;
	int i;

	memset(big, 'b', sizeof(big) - 1);
	memset(exact, 'e', sizeof(exact) - 1); /* 2047 bytes + NUL: fills a 2048 read exactly */
	for (i = 0; i < MANY_ARGS; i++) {
		snprintf(many[i], sizeof(many[i]), "a%d", i);
		argv_many[i] = many[i];
	}
	argv_many[MANY_ARGS] = NULL;
	/* 600 bytes of path in 100-byte components: no ENAMETOOLONG, just ENOENT. */
	for (i = 0; i < 6; i++) {
		long_path[i * 100] = '/';
		memset(long_path + i * 100 + 1, 'p', 99);
	}
	collector_init(&c);
	l = start(&c, &opts);
	spawn_exec(&c, path, argv_many);
	spawn_exec(&c, path, argv_big);
	spawn_exec(&c, path, argv_exact);
	spawn_exec(&c, path, argv_hostile);
	spawn_exec(&c, long_path, argv_exact);
	wait_all(l, &c, 0);

	e = &c.children[0].exec; /* 70 args: the first 64, flagged */
	ck_assert_uint_eq(e->argc, ES_ARGV_MAX);
	ck_assert_uint_eq(e->flags & ES_EXEC_F_ARGV_TRUNCATED, ES_EXEC_F_ARGV_TRUNCATED);
	for (i = 0, off = 0; i < ES_ARGV_MAX; i++) {
		ck_assert_str_eq(e->args + off, many[i]);
		off += strlen(many[i]) + 1;
	}
	ck_assert_uint_eq(e->args_size, off);

	/* A 2999-byte argument: its first 2047 bytes, flagged; the next one still read. */
	e = &c.children[1].exec;
	ck_assert_uint_eq(e->argc, 3);
	ck_assert_uint_eq(e->flags & ES_EXEC_F_ARGV_TRUNCATED, ES_EXEC_F_ARGV_TRUNCATED);
	ck_assert_uint_eq(strlen(e->args + 5), 2047);
	ck_assert_int_eq(memcmp(e->args + 5, big, 2047), 0);
	ck_assert_str_eq(e->args + 5 + 2048, after);
	ck_assert_uint_eq(e->args_size, 5 + 2048 + sizeof(after));

	e = &c.children[2].exec; /* exactly fits: not flagged */
	ck_assert_uint_eq(e->argc, 2);
	ck_assert_uint_eq(e->flags & ES_EXEC_F_ARGV_TRUNCATED, 0);
	ck_assert_str_eq(e->args + 5, exact);

	e = &c.children[3].exec; /* bytes pass through untouched */
	ck_assert_uint_eq(e->argc, 2);
	ck_assert_int_eq(memcmp(e->args + 5, hostile, sizeof(hostile)), 0);
	ck_assert_uint_eq(e->args_size, 5 + sizeof(hostile));

	e = &c.children[4].exec; /* a 600-byte filename: the first 511 bytes, flagged */
	ck_assert_uint_eq(e->flags & ES_EXEC_F_FILENAME_TRUNCATED, ES_EXEC_F_FILENAME_TRUNCATED);
	ck_assert_uint_eq(strlen(e->filename), ES_FILENAME_LEN - 1);
	ck_assert_int_eq(memcmp(e->filename, long_path, ES_FILENAME_LEN - 1), 0);
	ck_assert_int_eq(c.children[4].result.ret, -ENOENT);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(c.children[i].result.ret, 0);
	for (i = 0; i < c.cnt; i++)
		ck_assert_uint_eq(c.children[i].exec.ppid, (uint32_t)getpid());
	es_loader_destroy(l);
	reap(&c);
	collector_free(&c);
}
END_TEST

/* ---- case fallback: no kernel parent, and why ------------------------ */

/* Every spawned child's image record: the filename, no argv, and the flag saying so. */
static void assert_images_without_argv(const struct collector *c)
{
	int i;

	for (i = 0; i < c->cnt; i++) {
		const struct es_exec_image *img = &c->children[i].image;

		ck_assert_int_eq(c->children[i].images, 1);
		ck_assert_uint_eq(img->hdr.pid, (uint32_t)c->children[i].pid);
		ck_assert_str_eq(img->filename, "/bin/true");
		ck_assert_uint_eq(img->flags, ES_IMAGE_F_ARGV_ABSENT);
		ck_assert_uint_eq(img->args_size, 0);
	}
}

START_TEST(test_exec_offsets_absent_give_filename_without_argv)
{
	static const uint32_t zero[ES_EXEC_OFF__MAX];
	struct es_loader_opts opts = { .override_offsets[ES_OFFSET_GROUP_EXEC] = zero };
	const struct es_loader_info *info;
	uint64_t stats[ES_STAT__MAX];
	struct collector c;
	struct es_loader *l;

	collector_init(&c);
	l = start(&c, &opts);
	info = es_loader_info(l);
	ck_assert(info->exec_image);
	ck_assert(!info->groups[ES_OFFSET_GROUP_EXEC].enabled);
	ck_assert_ptr_nonnull(strstr(info->groups[ES_OFFSET_GROUP_EXEC].reason, "overridden"));
	ck_assert_ptr_nonnull(strstr(info->checks[ES_OFFSET_GROUP_EXEC].detail, "no argv"));
	/* The offsets were resolved and are reported; only the map holds 0. */
	ck_assert(info->groups[ES_OFFSET_GROUP_EXEC].fields[ES_EXEC_OFF_ARG_START].resolved);
	ck_assert(info->groups[ES_OFFSET_GROUP_TASK]
			  .enabled); /* the parent does not depend on them */
	spawn_true(&c, 20, l);
	wait_all(l, &c, 0);
	assert_images_without_argv(&c);
	assert_children_ppid(&c, (uint32_t)getpid());
	finish(l, &c, stats);
	ck_assert_uint_eq(stats[ES_STAT_EXEC_IMAGE], c.image_records);
	ck_assert_uint_eq(info->checks[ES_OFFSET_GROUP_EXEC].scrubbed, 0);
	es_loader_destroy(l);
	reap(&c);
	collector_free(&c);
}
END_TEST

START_TEST(test_image_selftest_mismatch_disables_image_argv)
{
	uint32_t wrong[ES_EXEC_OFF__MAX];
	struct es_loader_opts opts = { .override_offsets[ES_OFFSET_GROUP_EXEC] = wrong };
	const struct es_loader_info *info;
	struct collector c;
	struct es_loader *l;

	/* arg_start read where arg_end is: an empty argv, never the child's. */
	wrong[ES_EXEC_OFF_TASK_MM] = libbpf_task_offset("mm");
	wrong[ES_EXEC_OFF_ARG_START] = 8;
	wrong[ES_EXEC_OFF_ARG_END] = 8;
	collector_init(&c);
	l = start(&c, &opts);
	info = es_loader_info(l);
	ck_assert(info->exec_image);
	ck_assert(!info->groups[ES_OFFSET_GROUP_EXEC].enabled);
	ck_assert_msg(strstr(info->groups[ES_OFFSET_GROUP_EXEC].reason, "self-test failed") != NULL,
		      "reason: %s", info->groups[ES_OFFSET_GROUP_EXEC].reason);
	ck_assert_int_eq(info->selftest, ES_SELFTEST_PASSED); /* the parent is not affected */
	/* The self-test child's own image record, read with the wrong offsets, was scrubbed. */
	ck_assert_int_ge(es_loader_poll(l, 0), 0);
	ck_assert_uint_ge(info->checks[ES_OFFSET_GROUP_EXEC].scrubbed, 1);
	spawn_true(&c, 20, l);
	wait_all(l, &c, 0);
	assert_images_without_argv(&c);
	es_loader_destroy(l);
	reap(&c);
	collector_free(&c);
}
END_TEST

/* Spawn 100 children and assert none has a kernel parent; the stats agree. */
static void assert_no_kernel_ppid(struct es_loader *l, struct collector *c,
				  uint64_t stats[ES_STAT__MAX])
{
	const struct es_loader_info *info = es_loader_info(l);
	int i;

	spawn_true(c, 100, l);
	wait_all(l, c, 0);
	for (i = 0; i < c->cnt; i++) {
		ck_assert_uint_eq(c->children[i].exec.ppid, 0);
		ck_assert_uint_eq(c->children[i].exec.flags & ES_EXEC_F_PPID_KERNEL, 0);
		ck_assert_str_eq(c->children[i].exec.filename, "/bin/true");
	}
	finish(l, c, stats);
	ck_assert_uint_eq(c->exec_kernel_ppid, 0);
	ck_assert_uint_eq(c->exec_ppid_zero, c->exec_records);
	/* The kernel read parents only for records the loader then scrubbed. */
	ck_assert_uint_eq(stats[ES_STAT_PPID_KERNEL], info->checks[ES_OFFSET_GROUP_TASK].scrubbed);
	ck_assert_uint_eq(stats[ES_STAT_OFFSETS_ABSENT] + stats[ES_STAT_KERNEL_READ_FAIL] +
				  info->checks[ES_OFFSET_GROUP_TASK].scrubbed,
			  c->exec_records);
	ck_assert_uint_ge(stats[ES_STAT_OFFSETS_ABSENT], 100);
	reap(c);
}

START_TEST(test_no_kernel_ppid_counts_offsets_absent)
{
	struct es_loader_opts opts = { .no_kernel_ppid = true };
	const struct es_loader_info *info;
	uint64_t stats[ES_STAT__MAX];
	struct collector c;
	struct es_loader *l;

	collector_init(&c);
	l = start(&c, &opts);
	info = es_loader_info(l);
	ck_assert(!info->groups[ES_OFFSET_GROUP_TASK].enabled);
	ck_assert_ptr_nonnull(
		strstr(info->groups[ES_OFFSET_GROUP_TASK].reason, "--no-kernel-ppid"));
	ck_assert_int_eq(info->selftest, ES_SELFTEST_NO_KERNEL_PPID);
	/* The offsets were still resolved and are reported; only the map holds 0. */
	ck_assert(info->groups[ES_OFFSET_GROUP_TASK].fields[ES_TASK_OFF_REAL_PARENT].resolved);
	assert_no_kernel_ppid(l, &c, stats);
	ck_assert_uint_eq(stats[ES_STAT_KERNEL_READ_FAIL], 0);
	es_loader_destroy(l);
	collector_free(&c);
}
END_TEST

START_TEST(test_missing_btf_runs_without_kernel_ppid)
{
	struct es_loader_opts opts = { .btf_path = "/nonexistent-es-live/vmlinux" };
	const struct es_loader_info *info;
	uint64_t stats[ES_STAT__MAX];
	struct collector c;
	struct es_loader *l;

	collector_init(&c);
	l = start(&c, &opts);
	info = es_loader_info(l);
	ck_assert_str_eq(info->btf_source, "");
	ck_assert_ptr_nonnull(strstr(info->btf_error, "/nonexistent-es-live/vmlinux"));
	ck_assert(!info->groups[ES_OFFSET_GROUP_TASK].fields[ES_TASK_OFF_REAL_PARENT].resolved);
	ck_assert_ptr_nonnull(strstr(
		info->groups[ES_OFFSET_GROUP_TASK].fields[ES_TASK_OFF_TGID].reason, "no BTF"));
	ck_assert(info->exec_image && !info->groups[ES_OFFSET_GROUP_EXEC].enabled);
	ck_assert_ptr_nonnull(strstr(info->groups[ES_OFFSET_GROUP_EXEC].reason, "no BTF"));
	ck_assert_ptr_nonnull(strstr(
		info->groups[ES_OFFSET_GROUP_EXEC].fields[ES_EXEC_OFF_TASK_MM].reason, "no BTF"));
	assert_no_kernel_ppid(l, &c, stats);
	assert_images_without_argv(&c);
	ck_assert_uint_eq(stats[ES_STAT_KERNEL_READ_FAIL], 0);
	es_loader_destroy(l);
	collector_free(&c);
}
END_TEST

START_TEST(test_selftest_mismatch_disables_kernel_ppid)
{
	uint32_t wrong[ES_TASK_OFF__MAX];
	struct es_loader_opts opts = { .override_offsets[ES_OFFSET_GROUP_TASK] = wrong };
	uint64_t stats[ES_STAT__MAX];
	const struct es_loader_info *info;
	struct collector c;
	struct es_loader *l;

	/* tgid read at real_parent's offset: the low half of a pointer, never our pid. */
	wrong[ES_TASK_OFF_REAL_PARENT] = libbpf_task_offset("real_parent");
	wrong[ES_TASK_OFF_TGID] = libbpf_task_offset("real_parent");
	collector_init(&c);
	l = start(&c, &opts);
	info = es_loader_info(l);
	ck_assert_int_eq(info->selftest, ES_SELFTEST_MISMATCH);
	ck_assert(!info->groups[ES_OFFSET_GROUP_TASK].enabled);
	ck_assert_ptr_nonnull(
		strstr(info->groups[ES_OFFSET_GROUP_TASK].reason, "self-test failed"));
	assert_no_kernel_ppid(l, &c, stats);
	/* The self-test child's record at least was read with the wrong offsets. */
	ck_assert_uint_ge(stats[ES_STAT_PPID_KERNEL] + stats[ES_STAT_KERNEL_READ_FAIL], 1);
	es_loader_destroy(l);
	collector_free(&c);
}
END_TEST

START_TEST(test_lockdown_confidentiality_degrades)
{
	char path[] = "/tmp/es-live-lockdown-XXXXXX";
	const char content[] = "none integrity [confidentiality]\n";
	struct es_loader_opts opts = { .lockdown_path = path };
	const struct es_loader_info *info;
	uint64_t stats[ES_STAT__MAX];
	struct collector c;
	struct es_loader *l;
	int fd;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
	collector_init(&c);
	l = start(&c, &opts);
	info = es_loader_info(l);
	ck_assert_int_eq(info->lockdown, ES_LOCKDOWN_CONFIDENTIALITY);
	ck_assert(!info->groups[ES_OFFSET_GROUP_TASK].enabled);
	ck_assert_ptr_nonnull(
		strstr(info->groups[ES_OFFSET_GROUP_TASK].reason, "lockdown=confidentiality"));
	/* kprobes need kernel reads: even auto must use tracepoints. */
	ck_assert_int_eq(info->attach_mode, ES_ATTACH_TRACEPOINT);
	/* So does the image record: not loaded, and said why. */
	ck_assert(!info->exec_image && !info->groups[ES_OFFSET_GROUP_EXEC].enabled);
	ck_assert_ptr_nonnull(strstr(info->exec_image_reason, "lockdown=confidentiality"));
	assert_no_kernel_ppid(l, &c, stats);
	ck_assert_uint_eq(c.image_records, 0);
	ck_assert_uint_eq(stats[ES_STAT_EXEC_IMAGE], 0);
	ck_assert_uint_eq(stats[ES_STAT_KERNEL_READ_FAIL], 0);
	es_loader_destroy(l);
	unlink(path);
	collector_free(&c);
}
END_TEST

/* Run loader_helper @mode in a child of its own; its exit status (0: as expected). */
static int run_loader_helper(const char *mode)
{
	char helper[] = LOADER_HELPER, arg[64];
	char *argv[] = { helper, arg, NULL }, *envp[] = { NULL };
	int status;
	pid_t pid;

	snprintf(arg, sizeof(arg), "%s", mode);
	pid = fork();
	if (pid == 0) {
		execve(helper, argv, envp);
		_exit(127);
	}
	ck_assert_int_ge(pid, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status), "loader_helper %s: wait status %#x", mode, status);
	return WEXITSTATUS(status);
}

/* In a mount namespace without tracefs, the loader mounts it and events flow. */
START_TEST(test_tracefs_is_mounted_when_missing)
{
	ck_assert_int_eq(run_loader_helper("without-tracefs"), 0);
}
END_TEST

/* In a new PID namespace the loader refuses to start, naming the reason. */
START_TEST(test_nested_pid_namespace_is_refused)
{
	ck_assert_int_eq(run_loader_helper("nested-pidns"), 0);
}
END_TEST

START_TEST(test_full_ring_buffer_loss_is_counted)
{
	/* Four pages hold a few exec records; nobody reads while 50 children exec. */
	struct es_loader_opts opts = { .ringbuf_size = 4 * getpagesize() };
	uint64_t stats[ES_STAT__MAX], ours = 0;
	struct collector c;
	struct es_loader *l;
	int i;

	collector_init(&c);
	l = start(&c, &opts);
	ck_assert_int_ge(es_loader_poll(l, 0), 0); /* the self-test's records */
	spawn_true(&c, 50, NULL);
	reap(&c);
	finish(l, &c, stats);
	for (i = 0; i < c.cnt; i++)
		ours += c.children[i].execs + c.children[i].images + c.children[i].results;
	/* Every record was delivered or counted lost; the children made 150. */
	ck_assert_uint_gt(stats[ES_STAT_RINGBUF_FULL], 0);
	ck_assert_uint_eq(stats[ES_STAT_EVENTS], c.records);
	ck_assert_uint_eq(stats[ES_STAT_EXEC_IMAGE], c.image_records);
	ck_assert_uint_ge(ours + stats[ES_STAT_RINGBUF_FULL], 150);
	ck_assert_uint_lt(ours, 150);
	es_loader_destroy(l);
	collector_free(&c);
}
END_TEST

/* Without es_loader_opts.exec_image the ring buffer carries what it did before image records. */
START_TEST(test_exec_image_is_opt_in)
{
	struct es_loader_opts opts = { .on_record = on_record, .log = quiet_log };
	uint64_t stats[ES_STAT__MAX];
	struct collector c;
	struct es_loader *l;
	int i;

	collector_init(&c);
	opts.ctx = &c;
	l = es_loader_new(&opts);
	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(es_loader_load(l), 0);
	ck_assert_int_eq(es_loader_attach(l), 0);
	ck_assert(!es_loader_info(l)->exec_image);
	ck_assert_ptr_nonnull(strstr(es_loader_info(l)->exec_image_reason, "not requested"));
	spawn_true(&c, 20, l);
	wait_all(l, &c, 0);
	for (i = 0; i < c.cnt; i++)
		ck_assert_int_eq(c.children[i].images, 0);
	finish(l, &c, stats);
	ck_assert_uint_eq(c.image_records, 0);
	ck_assert_uint_eq(stats[ES_STAT_EXEC_IMAGE], 0);
	es_loader_destroy(l);
	reap(&c);
	collector_free(&c);
}
END_TEST

START_TEST(test_bad_ring_buffer_size_is_refused)
{
	struct es_loader_opts opts = { .on_record = on_record, .ringbuf_size = 12345 };
	struct es_loader *l = es_loader_new(&opts);

	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(es_loader_load(l), -EINVAL);
	ck_assert_ptr_nonnull(strstr(es_loader_error(l), "power of 2"));
	es_loader_destroy(l);
}
END_TEST

START_TEST(test_kprobe_mode_attaches_or_says_why)
{
	struct es_loader_opts opts = {
		.on_record = on_record,
		.attach = ES_ATTACH_KPROBE,
		.exec_image = true,
	};
	struct collector c;
	struct es_loader *l;
	int err;

	collector_init(&c);
	opts.ctx = &c;
	l = es_loader_new(&opts);
	ck_assert_ptr_nonnull(l);
	err = es_loader_load(l);
	if (!err)
		err = es_loader_attach(l);
	if (kernel_has_kprobes()) {
		ck_assert_msg(!err, "kprobe mode: %s", es_loader_error(l));
		ck_assert_int_eq(es_loader_info(l)->attach_mode, ES_ATTACH_KPROBE);
	} else {
		ck_assert_int_lt(err, 0);
		ck_assert_msg(strstr(es_loader_error(l), "--attach kprobe: the kernel has no "
							 "kprobes") != NULL,
			      "error: %s", es_loader_error(l));
	}
	es_loader_destroy(l);
	collector_free(&c);
}
END_TEST

/* ---- case cleanup: nothing stays loaded ------------------------------- */

enum obj_kind { OBJ_PROG, OBJ_MAP, OBJ_LINK };

struct id_list {
	uint32_t ids[4096];
	int cnt;
};

static void list_ids(enum obj_kind kind, struct id_list *out)
{
	uint32_t id = 0;
	int err;

	out->cnt = 0;
	for (;;) {
		if (kind == OBJ_PROG)
			err = bpf_prog_get_next_id(id, &id);
		else if (kind == OBJ_MAP)
			err = bpf_map_get_next_id(id, &id);
		else
			err = bpf_link_get_next_id(id, &id);
		if (err)
			break;
		ck_assert_int_lt(out->cnt, 4096);
		out->ids[out->cnt++] = id;
	}
}

static bool has_id(const struct id_list *l, uint32_t id)
{
	int i;

	for (i = 0; i < l->cnt; i++) {
		if (l->ids[i] == id)
			return true;
	}
	return false;
}

static bool our_prog_name(const char *name)
{
	return !strncmp(name, "tp_", 3) || !strncmp(name, "kprobe_", 7) ||
	       !strncmp(name, "kretprobe_", 10);
}

static bool our_map_name(const char *name)
{
	return !strcmp(name, "TASK_OFFSETS") || !strcmp(name, "EXEC_OFFSETS") ||
	       !strcmp(name, "EVENTS") || !strcmp(name, "STATS") || strstr(name, ".rodata") != NULL;
}

/* The ids that appeared between @before and now with execsensor's names. */
static void ours_since(enum obj_kind kind, const struct id_list *before, struct id_list *out)
{
	struct id_list now;
	int i, fd;

	list_ids(kind, &now);
	out->cnt = 0;
	for (i = 0; i < now.cnt; i++) {
		union {
			struct bpf_prog_info prog;
			struct bpf_map_info map;
			struct bpf_link_info link;
		} info;
		uint32_t len = sizeof(info);
		bool ours;

		if (has_id(before, now.ids[i]))
			continue;
		memset(&info, 0, sizeof(info));
		fd = kind == OBJ_PROG  ? bpf_prog_get_fd_by_id(now.ids[i])
		     : kind == OBJ_MAP ? bpf_map_get_fd_by_id(now.ids[i])
				       : bpf_link_get_fd_by_id(now.ids[i]);
		if (fd < 0)
			continue; /* gone meanwhile */
		ck_assert_int_eq(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
		close(fd);
		if (kind == OBJ_PROG)
			ours = our_prog_name(info.prog.name);
		else if (kind == OBJ_MAP)
			ours = our_map_name(info.map.name);
		else
			ours = info.link.type == BPF_LINK_TYPE_PERF_EVENT;
		if (ours)
			out->ids[out->cnt++] = now.ids[i];
	}
}

static bool id_alive(enum obj_kind kind, uint32_t id)
{
	int fd = kind == OBJ_PROG  ? bpf_prog_get_fd_by_id(id)
		 : kind == OBJ_MAP ? bpf_map_get_fd_by_id(id)
				   : bpf_link_get_fd_by_id(id);

	if (fd >= 0) {
		close(fd);
		return true;
	}
	return false;
}

START_TEST(test_destroy_leaves_no_program_link_or_map)
{
	struct es_loader_opts opts = { .attach = ES_ATTACH_AUTO };
	struct id_list before[3], loaded[3];
	long long deadline;
	struct collector c;
	struct es_loader *l;
	int kind, i, alive;

	for (kind = OBJ_PROG; kind <= OBJ_LINK; kind++)
		list_ids(kind, &before[kind]);
	collector_init(&c);
	l = start(&c, &opts);
	spawn_true(&c, 10, l);
	wait_all(l, &c, 0);
	for (kind = OBJ_PROG; kind <= OBJ_LINK; kind++)
		ours_since(kind, &before[kind], &loaded[kind]);
	/*
	 * Tracepoint or kprobe mode: 4 programs and the image's, 5 links, 5
	 * maps (with .rodata).
	 */
	ck_assert_int_eq(loaded[OBJ_PROG].cnt, 5);
	ck_assert_int_ge(loaded[OBJ_LINK].cnt, 5);
	ck_assert_int_eq(loaded[OBJ_MAP].cnt, 5);

	es_loader_destroy(l);
	/* Maps and programs are freed from a workqueue: allow a moment. */
	deadline = now_ms() + 5000;
	do {
		alive = 0;
		for (kind = OBJ_PROG; kind <= OBJ_LINK; kind++)
			for (i = 0; i < loaded[kind].cnt; i++)
				alive += id_alive(kind, loaded[kind].ids[i]);
		if (alive)
			usleep(50000);
	} while (alive && now_ms() < deadline);
	ck_assert_msg(!alive, "%d programs, links or maps still loaded after destroy", alive);
	reap(&c);
	collector_free(&c);
}
END_TEST

/* ---- case stats: the kernel's per-program counters -------------------- */

/* The number after "@key": in `bpftool -j prog show id @id`'s output; 0 when absent. */
static uint64_t bpftool_prog_field(uint32_t id, const char *key)
{
	char cmd[128], out[8192], want[64];
	const char *p;
	size_t n;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "bpftool -j prog show id %u", id);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	ck_assert_int_eq(pclose(f), 0);
	snprintf(want, sizeof(want), "\"id\":%u,", id);
	ck_assert_msg(strstr(out, want) != NULL, "bpftool does not show program %u: %s", id, out);
	snprintf(want, sizeof(want), "\"%s\":", key);
	p = strstr(out, want);
	/* bpftool leaves out a zero recursion_misses. */
	return p ? strtoull(p + strlen(want), NULL, 10) : 0;
}

/*
 * A program the kernel skips (recursion_misses > 0): the loader's reader
 * gives what bpftool shows for it. Then the loader's own programs: every one
 * listed, none skipped, bpftool agreeing.
 */
START_TEST(test_recursion_misses_are_read)
{
	struct es_loader_opts opts = { .attach = ES_ATTACH_AUTO };
	struct es_prog_stats st, progs[ES_PROGS_MAX];
	struct bpf_link *links[2] = { NULL, NULL };
	struct bpf_program *printk_prog, *nested;
	struct bpf_object *obj;
	struct collector c;
	struct es_loader *l;
	int i, n;

	obj = bpf_object__open_file(RECURSION_OBJECT, NULL);
	ck_assert_ptr_nonnull(obj);
	ck_assert_int_eq(bpf_object__load(obj), 0);
	printk_prog = bpf_object__find_program_by_name(obj, "printk_on_getppid");
	nested = bpf_object__find_program_by_name(obj, "recursive_printk");
	ck_assert_ptr_nonnull(printk_prog);
	ck_assert_ptr_nonnull(nested);
	links[0] = bpf_program__attach(nested);
	links[1] = bpf_program__attach(printk_prog);
	ck_assert_ptr_nonnull(links[0]);
	ck_assert_ptr_nonnull(links[1]);
	for (i = 0; i < 5; i++)
		syscall(SYS_getppid);
	bpf_link__destroy(links[1]);
	bpf_link__destroy(links[0]);
	ck_assert_int_eq(es_prog_stats_read(bpf_program__fd(nested), "recursive_printk", &st), 0);
	ck_assert_uint_gt(st.recursion_misses, 0);
	ck_assert_uint_eq(st.recursion_misses, bpftool_prog_field(st.id, "recursion_misses"));
	bpf_object__close(obj);

	collector_init(&c);
	l = start(&c, &opts);
	spawn_true(&c, 20, l);
	wait_all(l, &c, 0);
	n = es_loader_prog_stats(l, progs, ES_PROGS_MAX);
	/* Entries and exits of execve and execveat, and the image program. */
	ck_assert_int_eq(n, 5);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(progs[i].recursion_misses, 0);
		ck_assert_uint_eq(bpftool_prog_field(progs[i].id, "recursion_misses"), 0);
		ck_assert_int_eq(progs[i].loses_execs,
				 !strncmp(progs[i].name, "tp_enter_", 9) ||
					 !strncmp(progs[i].name, "kprobe_", 7));
	}
	es_loader_destroy(l);
	reap(&c);
	collector_free(&c);
}
END_TEST

int main(void)
{
	const struct es_check_case cases[] = {
		{ "parent",
		  ES_CHECK_TESTS(test_auto_falls_back_and_offsets_match_libbpf,
				 test_500_children_have_parent_from_kernel,
				 test_children_of_a_thread_have_the_process_as_parent,
				 test_execveat_memfd_is_seen_with_its_flags,
				 test_failed_exec_reports_its_error,
				 test_literal_strings_after_fork_are_seen,
				 test_exec_from_a_thread_has_old_pid_in_image,
				 test_long_argv_and_filename_are_cut_and_flagged),
		  .timeout_s = 240 },
		{ "fallback",
		  ES_CHECK_TESTS(test_no_kernel_ppid_counts_offsets_absent,
				 test_exec_offsets_absent_give_filename_without_argv,
				 test_image_selftest_mismatch_disables_image_argv,
				 test_missing_btf_runs_without_kernel_ppid,
				 test_selftest_mismatch_disables_kernel_ppid,
				 test_lockdown_confidentiality_degrades, test_exec_image_is_opt_in,
				 test_bad_ring_buffer_size_is_refused,
				 test_full_ring_buffer_loss_is_counted,
				 test_nested_pid_namespace_is_refused,
				 test_tracefs_is_mounted_when_missing,
				 test_kprobe_mode_attaches_or_says_why),
		  .timeout_s = 120 },
		{ "cleanup", ES_CHECK_TESTS(test_destroy_leaves_no_program_link_or_map) },
		{ "stats", ES_CHECK_TESTS(test_recursion_misses_are_read) },
		{ NULL },
	};

	return es_check_run("kernel",
			    "the tests load and attach BPF programs (CAP_BPF, CAP_PERFMON)", cases);
}
