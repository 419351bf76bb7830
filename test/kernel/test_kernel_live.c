// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Live kernel tests of the BPF programs through the loader. They run as root
 * and really load, attach and exec. The oracles are independent of the code
 * under test: the pids this test forks itself and its own pid, stat() of the
 * programs they exec, libbpf's BTF API for the offsets, ftrace's own
 * sched_process_exec event, the kernel's id lists for what stays loaded.
 *
 * Cases (CK_RUN_CASE): parent, fallback, cleanup, stats.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "check_main.h"
#include "child_state.h"
#include "cold_exec.h"
#include "loader.h"
#include "record.h"

#define CHILDREN	500
#define WAIT_MS		30000
#define MAX_TRACKED	(2 * CHILDREN + 16)
#define AT_EMPTY_PATH_F 0x1000 /* AT_EMPTY_PATH, from <fcntl.h> with _GNU_SOURCE */

/* ---- collecting records ---------------------------------------------- */

/* A record kept whole, as the ring buffer gave it. */
struct kept {
	uint64_t buf[ES_RECORD_MAX / 8 + 1];
	size_t size;
	struct es_exec_view v;
};

/* What the test saw for one pid: its exec, failure, fork and exit records, the last of each. */
struct child {
	pid_t pid;
	int want; /* records to wait for; 0 means 1 */
	int execs, failures, forks, exits;
	struct kept exec, failure;
	struct es_fork_record fork;
	struct es_exit_record exit;
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
	uint64_t records, exec_records, kernel_ppid, ppid_zero, bad;
	/* Fork and exit records; fork records whose child the loader scrubbed (pid 0). */
	uint64_t lineage_records, forks_scrubbed;
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
		size_t cap = c->seen_cap ? 2 * c->seen_cap : 256;
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

/* The view of a kept record, into its own buffer (again after the record was copied). */
static void rebase(struct kept *k)
{
	if (k->size)
		ck_assert_int_eq(es_exec_view_parse(k->buf, k->size, &k->v), 0);
}

/* Keep the record @v views, as the loader finished it: its fixed part, then its strings. */
static void keep(struct kept *k, const struct es_exec_view *v)
{
	struct es_exec_record *r = (struct es_exec_record *)k->buf;
	char *p = (char *)(r + 1);

	*r = *v->rec;
	memcpy(p, v->filename, v->filename_len);
	memcpy(p + v->filename_len, v->args, v->args_len);
	memcpy(p + v->filename_len + v->args_len, v->exe, v->exe_len);
	k->size = sizeof(*r) + v->filename_len + v->args_len + v->exe_len;
	rebase(k);
}

static void on_record(void *ctx, const struct es_record *rec)
{
	const struct es_exec_view *v = &rec->exec;
	struct collector *c = ctx;
	struct child *child;

	c->records++;
	if (rec->kind == ES_RECORD_KIND_FORK) {
		c->lineage_records++;
		c->forks_scrubbed += !rec->fork.hdr.pid;
		if (rec->fork.hdr.pid) {
			child = seen_entry(c, rec->fork.hdr.pid);
			child->forks++;
			child->fork = rec->fork;
		}
		return;
	}
	if (rec->kind == ES_RECORD_KIND_EXIT) {
		c->lineage_records++;
		child = seen_entry(c, rec->exit.hdr.pid);
		child->exits++;
		child->exit = rec->exit;
		return;
	}
	if (rec->kind != ES_RECORD_KIND_EXEC ||
	    sizeof(*v->rec) + v->filename_len + v->args_len + v->exe_len >
		    sizeof(((struct kept *)0)->buf)) {
		c->bad++;
		return;
	}
	child = seen_entry(c, v->rec->hdr.pid);
	c->exec_records++;
	c->kernel_ppid += !!(v->rec->hdr.flags & ES_EXEC_F_PPID_KERNEL);
	c->ppid_zero += v->rec->ppid == 0;
	if (v->rec->hdr.type == ES_RECORD_EXEC) {
		child->execs++;
		keep(&child->exec, v);
	} else {
		child->failures++;
		keep(&child->failure, v);
	}
}

/* Copy what was seen for each spawned pid into children[]. */
static void sync_children(struct collector *c)
{
	const struct child *seen;
	int i;

	for (i = 0; i < c->cnt; i++) {
		int want = c->children[i].want;

		seen = find_seen(c, c->children[i].pid);
		if (seen && seen->execs + seen->failures + seen->forks + seen->exits !=
				    c->children[i].execs + c->children[i].failures +
					    c->children[i].forks + c->children[i].exits) {
			c->children[i] = *seen;
			rebase(&c->children[i].exec);
			rebase(&c->children[i].failure);
		}
		c->children[i].want = want;
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

static void track(struct collector *c, pid_t pid, int want)
{
	ck_assert_int_lt(c->cnt, MAX_TRACKED);
	c->children[c->cnt].pid = pid;
	c->children[c->cnt++].want = want;
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

static bool child_complete(const struct child *ch)
{
	return ch->execs + ch->failures >= (ch->want ? ch->want : 1);
}

/* Poll until every tracked child from @from has its records, or time out naming the first. */
static void wait_all(struct es_loader *l, struct collector *c, int from)
{
	long long deadline = now_ms() + WAIT_MS;
	int i, missing;

	do {
		ck_assert_int_ge(es_loader_poll(l, 50), 0);
		sync_children(c);
		missing = 0;
		for (i = from; i < c->cnt; i++)
			missing += !child_complete(&c->children[i]);
	} while (missing && now_ms() < deadline);
	if (missing) {
		uint64_t stats[ES_STAT__MAX] = { 0 };
		const struct child *ch = c->children + from;
		char state[512];

		while (child_complete(ch))
			ch++;
		es_loader_read_stats(l, stats);
		/* Where the child is: one that never reached exec was not missed by the sensor. */
		es_child_describe(ch->pid, state, sizeof(state));
		ck_abort_msg("%d of %d children without their records (ring buffer full %llu "
			     "times); the first, %d: %d exec, %d failure records; %s",
			     missing, c->cnt - from,
			     (unsigned long long)stats[ES_STAT_RINGBUF_FULL], ch->pid, ch->execs,
			     ch->failures, state);
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
 * written before fork: the child's copy of the stack is present.
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
			/* Only async-signal-safe calls here: see above. */
			execve(path, argv, envp);
			_exit(127);
		}
		ck_assert_int_ge(pid, 0);
		track(c, pid, 1);
		if (poll_l)
			es_loader_poll(poll_l, 0);
	}
}

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
	track(c, pid, 1);
	return pid;
}

/* @v's argv is exactly @want (NULL-terminated). */
static void assert_argv(const struct es_exec_view *v, const char *const *want)
{
	struct es_argv_iter it;
	const char *arg;
	size_t len, i = 0;

	es_argv_iter_init(&it, v);
	while (es_argv_next(&it, &arg, &len)) {
		ck_assert_msg(want[i], "more argv entries than expected: %.*s", (int)len, arg);
		ck_assert_uint_eq(len, strlen(want[i]));
		ck_assert(!memcmp(arg, want[i], len));
		i++;
	}
	ck_assert_msg(!want[i], "argv ends before %s", want[i]);
}

static void assert_filename(const struct es_exec_view *v, const char *want)
{
	ck_assert_msg(v->filename_len == strlen(want) &&
			      !memcmp(v->filename, want, v->filename_len),
		      "filename %.*s, expected %s", (int)v->filename_len, v->filename, want);
}

/* The record's exe is @path's file: path (resolved), inode, device, links, from stat(). */
static void assert_exe(const struct es_exec_view *v, const char *path)
{
	char want[PATH_MAX], got[PATH_MAX];
	struct stat st;

	ck_assert_ptr_nonnull(realpath(path, want));
	ck_assert_int_eq(stat(want, &st), 0);
	ck_assert_msg(!(v->rec->hdr.flags &
			(ES_EXEC_F_EXE_ABSENT | ES_EXEC_F_EXE_FAULT | ES_EXEC_F_EXE_TRUNCATED)),
		      "exe flags %#x", v->rec->hdr.flags);
	ck_assert_int_gt(es_exe_path(v->exe, v->exe_len, got, sizeof(got)), 0);
	ck_assert_str_eq(got, want);
	ck_assert_uint_eq(v->rec->exe_ino, st.st_ino);
	ck_assert_uint_eq(es_kernel_dev_to_user(v->rec->exe_dev), st.st_dev);
	ck_assert_uint_eq(v->rec->exe_nlink, st.st_nlink);
}

/* Every spawned child from @from has one exec record: its parent, its exec. */
static void assert_children(struct collector *c, int from, uint32_t ppid, bool kernel_ppid)
{
	char arg1[32];
	int i;

	for (i = from; i < c->cnt; i++) {
		const struct child *ch = &c->children[i];
		const struct es_exec_view *v = &ch->exec.v;
		const struct es_exec_record *r = v->rec;
		const char *want[] = { "true", arg1, NULL };

		ck_assert_msg(ch->execs == 1, "child %d: %d exec records", ch->pid, ch->execs);
		ck_assert_msg(ch->failures == 0, "child %d: %d failures", ch->pid, ch->failures);
		ck_assert_uint_eq(r->hdr.tid, (uint32_t)ch->pid);
		ck_assert_uint_eq(r->syscall, ES_SYSCALL_EXECVE);
		ck_assert_msg(r->ppid == ppid, "child %d: ppid %u, expected %u (flags %#x)",
			      ch->pid, r->ppid, ppid, r->hdr.flags);
		ck_assert_uint_eq(!!(r->hdr.flags & ES_EXEC_F_PPID_KERNEL), kernel_ppid);
		ck_assert_uint_eq(r->uid, getuid());
		ck_assert_uint_eq(r->gid, getgid());
		ck_assert_int_eq(r->dirfd, -100 /* AT_FDCWD */);
		ck_assert_uint_eq(r->execveat_flags, 0);
		ck_assert_int_eq(r->ret, 0);
		ck_assert_uint_eq(r->path_misses, 0);
		assert_filename(v, "/bin/true");
		snprintf(arg1, sizeof(arg1), "es-live-%d", i);
		assert_argv(v, want);
		ck_assert_uint_eq(r->hdr.flags & ~ES_EXEC_F_PPID_KERNEL, 0);
		assert_exe(v, "/bin/true");
	}
}

/* Every spawned child's exe is /bin/true's file. */
static void assert_children_exe(const struct collector *c)
{
	int i;

	for (i = 0; i < c->cnt; i++)
		assert_exe(&c->children[i].exec.v, "/bin/true");
}

static bool kernel_has_kprobes(void)
{
	return access("/sys/bus/event_source/devices/kprobe", F_OK) == 0;
}

/* ---- case parent: the in-kernel parent and the exec record ------------ */

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
	int g;

	collector_init(&c);
	l = start(&c, &opts);
	info = es_loader_info(l);
	ck_assert_str_eq(info->btf_source, "/sys/kernel/btf/vmlinux");
	ck_assert_uint_eq(info->groups[ES_OFFSET_GROUP_TASK].fields[ES_TASK_OFF_REAL_PARENT].value,
			  libbpf_task_offset("real_parent"));
	ck_assert_uint_eq(info->groups[ES_OFFSET_GROUP_TASK].fields[ES_TASK_OFF_TGID].value,
			  libbpf_task_offset("tgid"));
	ck_assert_int_eq(info->selftest, ES_SELFTEST_PASSED);
	/* Every group resolved here, and the self-test's child proved each. */
	for (g = 0; g < ES_OFFSET_GROUP__MAX; g++) {
		ck_assert_msg(info->groups[g].enabled, "%s: %s", info->groups[g].group->map,
			      info->groups[g].reason);
		ck_assert_msg(info->checks[g].verdict == ES_GROUP_VERIFIED, "%s: %s",
			      info->groups[g].group->map, info->checks[g].detail);
	}
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
	ck_assert_uint_eq(c.bad, 0);
	ck_assert_uint_eq(stats[ES_STAT_KERNEL_READ_FAIL], 0);
	ck_assert_uint_eq(stats[ES_STAT_OFFSETS_ABSENT], 0);
	ck_assert_uint_eq(stats[ES_STAT_EVENTS], c.records);
	ck_assert_uint_eq(c.kernel_ppid, c.exec_records);
	ck_assert_uint_ge(stats[ES_STAT_BYTES], c.exec_records * sizeof(struct es_exec_record));
	es_loader_destroy(l);
	reap(&c);
	collector_free(&c);
}
END_TEST

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	ck_assert_int_eq(clock_gettime(clock, &ts), 0);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* /proc/@pid/stat's starttime (field 22, clock ticks after boot), zombie or not. */
static uint64_t proc_start_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ticks = 0;
	ssize_t n;
	int fd, i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* after the name, whatever it holds */
	ck_assert_ptr_nonnull(p);
	for (i = 0; i < 20 && p; i++) /* state is field 3: 19 more spaces to field 22 */
		p = strchr(p + 1, ' ');
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(sscanf(p, "%llu", &ticks), 1);
	return ticks;
}

/*
 * Each child's fork record is stamped with its start time, no clock read:
 * within the fork() call, and exactly /proc/<pid>/stat's starttime in
 * ticks. Its exit record's jiffies, as the loader hands it over, are the
 * CLOCK_BOOTTIME at which the exit's jiffy began: no later than the exit
 * was seen, and no earlier than a tick before the fork.
 */
START_TEST(test_fork_and_exit_records_are_stamped)
{
	struct es_loader_opts opts = { .attach = ES_ATTACH_AUTO };
	uint64_t before[20], after[20], tick, hz_ns, exited;
	char path[] = "/bin/true", arg0[] = "true";
	char *argv[] = { arg0, NULL }, *envp[] = { NULL };
	long long deadline = now_ms() + WAIT_MS;
	struct timespec res;
	struct collector c;
	struct es_loader *l;
	siginfo_t info;
	int i, missing;

	ck_assert_int_eq(clock_getres(CLOCK_MONOTONIC_COARSE, &res), 0);
	tick = (uint64_t)res.tv_sec * 1000000000ULL + (uint64_t)res.tv_nsec;
	hz_ns = 1000000000ULL / (uint64_t)sysconf(_SC_CLK_TCK);
	collector_init(&c);
	l = start(&c, &opts);
	for (i = 0; i < 20; i++) {
		pid_t pid;

		before[i] = clock_ns(CLOCK_BOOTTIME);
		pid = fork();
		if (pid == 0) {
			execve(path, argv, envp);
			_exit(127);
		}
		after[i] = clock_ns(CLOCK_BOOTTIME);
		ck_assert_int_ge(pid, 0);
		track(&c, pid, 1);
	}
	/* Exited, not reaped: /proc still has their start times; their exits were recorded. */
	for (i = 0; i < c.cnt; i++)
		ck_assert_int_eq(waitid(P_PID, c.children[i].pid, &info, WEXITED | WNOWAIT), 0);
	exited = clock_ns(CLOCK_BOOTTIME);
	do {
		ck_assert_int_ge(es_loader_poll(l, 50), 0);
		sync_children(&c);
		for (i = 0, missing = 0; i < c.cnt; i++)
			missing += c.children[i].forks != 1 || c.children[i].exits != 1;
	} while (missing && now_ms() < deadline);
	ck_assert_int_eq(missing, 0);
	for (i = 0; i < c.cnt; i++) {
		const struct es_fork_record *f = &c.children[i].fork;
		const struct es_exit_record *x = &c.children[i].exit;

		ck_assert_uint_eq(f->hdr.flags, ES_FORK_F_START_TIME);
		ck_assert_uint_eq(f->parent_pid, (uint32_t)getpid());
		ck_assert_msg(f->hdr.time_ns >= before[i] && f->hdr.time_ns <= after[i],
			      "child %d started at %llu, outside its fork() (%llu..%llu)",
			      c.children[i].pid, (unsigned long long)f->hdr.time_ns,
			      (unsigned long long)before[i], (unsigned long long)after[i]);
		ck_assert_uint_eq(f->hdr.time_ns / hz_ns, proc_start_ticks(c.children[i].pid));
		ck_assert_uint_eq(x->hdr.flags, ES_EXIT_F_CODE | ES_EXIT_F_TIME_TICK);
		ck_assert_int_eq(x->exit_code, 0);
		ck_assert_msg(x->hdr.time_ns <= exited && x->hdr.time_ns + tick >= before[i],
			      "child %d exited at %llu: not between its fork (%llu) less a tick "
			      "(%llu) and %llu",
			      c.children[i].pid, (unsigned long long)x->hdr.time_ns,
			      (unsigned long long)before[i], (unsigned long long)tick,
			      (unsigned long long)exited);
	}
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
 * An exec from a non-leader thread: the record is the process's (de_thread
 * made the thread the leader), with the thread as its tid. The child execs
 * the exec helper, whose second thread prints its tid and execs /bin/true:
 * no thread is created between fork and exec.
 */
START_TEST(test_exec_from_a_thread_names_the_thread)
{
	struct es_loader_opts opts = { .attach = ES_ATTACH_AUTO };
	char helper[] = EXEC_HELPER, mode[] = "thread", path[] = "/bin/true", arg0[] = "true";
	char arg1[] = "es-thread-exec";
	char *argv[] = { helper, mode, path, arg0, arg1, NULL }, *envp[] = { NULL };
	const char *want[] = { "true", "es-thread-exec", NULL };
	const struct es_exec_record *r;
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
	track(&c, pid, 2); /* the helper's own exec, then its thread's */
	close(fds[1]);
	ck_assert_int_gt(read(fds[0], line, sizeof(line) - 1), 0);
	close(fds[0]);
	tid = (pid_t)atoi(line);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_gt(tid, 0);
	ck_assert_int_ne(tid, pid);
	wait_all(l, &c, 0);

	ck_assert_int_eq(c.children[0].execs, 2);
	r = c.children[0].exec.v.rec;
	ck_assert_uint_eq(r->hdr.pid, (uint32_t)pid);
	ck_assert_uint_eq(r->hdr.tid, (uint32_t)tid);
	ck_assert_uint_eq(r->ppid, (uint32_t)getpid());
	ck_assert_uint_eq(r->hdr.flags & ES_EXEC_F_NO_PENDING,
			  0); /* the thread's state was found */
	assert_argv(&c.children[0].exec.v, want);
	assert_exe(&c.children[0].exec.v, "/bin/true");
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
	char empty[] = "", arg0[] = "es-memfd", traced[ES_FILENAME_MAX], dev_fd[32], exe[PATH_MAX];
	char *argv[] = { arg0, NULL }, *envp[] = { NULL };
	const char *want[] = { "es-memfd", NULL };
	const struct es_exec_view *v;
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
	track(&c, pid, 1);
	wait_all(l, &c, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	v = &c.children[0].exec.v;
	ck_assert_uint_eq(v->rec->syscall, ES_SYSCALL_EXECVEAT);
	ck_assert_uint_eq(v->rec->execveat_flags, AT_EMPTY_PATH_F);
	ck_assert_int_eq(v->rec->dirfd, fd);
	ck_assert_uint_eq(v->rec->ppid, (uint32_t)getpid());
	assert_argv(v, want);
	/* The filename the kernel gave the exec: ftrace's, /dev/fd/N. */
	trace_instance_filename(pid, traced, sizeof(traced));
	snprintf(dev_fd, sizeof(dev_fd), "/dev/fd/%d", fd);
	ck_assert_str_eq(traced, dev_fd);
	assert_filename(v, traced);
	/* The exe: a file of no directory named memfd:NAME, no link, the memfd's inode. */
	ck_assert_uint_eq(v->rec->hdr.flags & ES_EXEC_F_EXE_PSEUDO, ES_EXEC_F_EXE_PSEUDO);
	ck_assert_int_gt(es_exe_path(v->exe, v->exe_len, exe, sizeof(exe)), 0);
	ck_assert_str_eq(exe, "/memfd:es-live");
	ck_assert_uint_eq(v->rec->exe_nlink, 0);
	{
		struct stat st;

		ck_assert_int_eq(fstat(fd, &st), 0);
		ck_assert_uint_eq(v->rec->exe_ino, st.st_ino);
	}
	es_loader_destroy(l);
	close(fd);
	collector_free(&c);
}
END_TEST

/* A child that tries @paths[] in turn with one argv, as execvp does, then exits 42. */
static pid_t spawn_search(struct collector *c, char **paths, int npaths, int want)
{
	char arg0[] = "es-search", *argv[] = { arg0, NULL }, *envp[] = { NULL };
	pid_t pid = fork();
	int i;

	if (pid == 0) {
		for (i = 0; i < npaths; i++)
			execve(paths[i], argv, envp);
		_exit(42);
	}
	ck_assert_int_ge(pid, 0);
	track(c, pid, want);
	return pid;
}

/*
 * PATH searches: misses that end in an exec are a count in its record; a
 * search that fails entirely is one failure record, with its last error,
 * when the thread exits; a failure that is no miss is reported at once.
 */
START_TEST(test_path_misses_are_folded)
{
	struct es_loader_opts opts = { .attach = ES_ATTACH_AUTO };
	char miss1[] = "/nonexistent-es-a/true", miss2[] = "/nonexistent-es-b/true";
	char denied[] = "/proc/self/environ", found[] = "/bin/true";
	char notexec[] = "/tmp/es-live-notexec-XXXXXX";
	char *found_after[] = { miss1, miss2, found }, *all_missed[] = { miss1, denied };
	char *enoexec[] = { notexec };
	const struct es_exec_record *r;
	uint64_t stats[ES_STAT__MAX];
	struct collector c;
	struct es_loader *l;
	int fd;

	/* A file that is executable but no program: ENOEXEC, not a miss. */
	fd = mkstemp(notexec);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "\x01\x02\x03\x04", 4), 4);
	ck_assert_int_eq(fchmod(fd, 0755), 0);
	close(fd);
	collector_init(&c);
	l = start(&c, &opts);
	spawn_search(&c, found_after, 3, 1);
	spawn_search(&c, all_missed, 2, 1);
	spawn_search(&c, enoexec, 1, 1);
	wait_all(l, &c, 0);
	reap(&c);
	finish(l, &c, stats);

	/* Two misses, then /bin/true: one exec record saying 2, no failure record. */
	ck_assert_int_eq(c.children[0].execs, 1);
	ck_assert_int_eq(c.children[0].failures, 0);
	r = c.children[0].exec.v.rec;
	ck_assert_uint_eq(r->path_misses, 2);
	assert_exe(&c.children[0].exec.v, found);
	/* ENOENT then EACCES, then exit: one report, the last attempt's, counting one miss before. */
	ck_assert_int_eq(c.children[1].execs, 0);
	ck_assert_int_eq(c.children[1].failures, 1);
	r = c.children[1].failure.v.rec;
	ck_assert_int_eq(r->ret, -EACCES);
	ck_assert_uint_eq(r->path_misses, 1);
	assert_filename(&c.children[1].failure.v, denied);
	/* ENOEXEC: reported at once. */
	ck_assert_int_eq(c.children[2].failures, 1);
	ck_assert_int_eq(c.children[2].failure.v.rec->ret, -ENOEXEC);
	ck_assert_uint_eq(c.children[2].failure.v.rec->path_misses, 0);
	ck_assert_uint_ge(stats[ES_STAT_FAILURES_HELD], 3);
	ck_assert_uint_eq(stats[ES_STAT_HELD_FULL], 0);
	es_loader_destroy(l);
	unlink(notexec);
	collector_free(&c);
}
END_TEST

/* A miss, then an exec with another argv: the miss was a search of its own, reported. */
START_TEST(test_a_miss_then_another_argv_is_reported)
{
	struct es_loader_opts opts = { .attach = ES_ATTACH_AUTO };
	char missing[] = "/nonexistent-es-live/prog", found[] = "/bin/true";
	char arg_a[] = "es-first", arg_b[] = "es-second";
	char *argv_a[] = { arg_a, NULL }, *argv_b[] = { arg_b, NULL }, *envp[] = { NULL };
	const char *want[] = { "es-first", NULL };
	struct collector c;
	struct es_loader *l;
	pid_t pid;

	collector_init(&c);
	l = start(&c, &opts);
	pid = fork();
	if (pid == 0) {
		execve(missing, argv_a, envp);
		execve(found, argv_b, envp);
		_exit(127);
	}
	ck_assert_int_ge(pid, 0);
	track(&c, pid, 2);
	wait_all(l, &c, 0);
	ck_assert_int_eq(c.children[0].failures, 1);
	ck_assert_int_eq(c.children[0].failure.v.rec->ret, -ENOENT);
	ck_assert_uint_eq(c.children[0].failure.v.rec->path_misses, 0);
	assert_filename(&c.children[0].failure.v, missing);
	assert_argv(&c.children[0].failure.v, want);
	ck_assert_uint_eq(c.children[0].failure.v.rec->ppid, (uint32_t)getpid());
	ck_assert_int_eq(c.children[0].execs, 1);
	ck_assert_uint_eq(c.children[0].exec.v.rec->path_misses, 0);
	es_loader_destroy(l);
	reap(&c);
	collector_free(&c);
}
END_TEST

#define LITERAL_CHILDREN 20

/*
 * Children that exec constant strings at once after fork, as most programs
 * do (execl("/bin/true", "true", ...)): each child says whether the strings'
 * pages were mapped when it exec'd (cold_exec.h), and none was, so BPF could
 * not have read them at entry; the record has them all the same, from the
 * kernel's filename and the new mm's argv, with no fault flag.
 */
START_TEST(test_literal_strings_after_fork_are_seen)
{
	struct es_loader_opts opts = { .attach = ES_ATTACH_AUTO };
	const char *want[] = { ES_COLD_ARG0, ES_COLD_ARG1, NULL };
	struct collector c;
	struct es_loader *l;
	int i, status;

	collector_init(&c);
	l = start(&c, &opts);
	ck_assert(es_loader_info(l)->groups[ES_OFFSET_GROUP_EXEC].enabled);
	for (i = 0; i < LITERAL_CHILDREN; i++) {
		enum es_cold_verdict verdict;
		struct es_cold_exec cold;
		pid_t pid;

		ck_assert_int_eq(es_cold_exec_prepare(&cold), 0);
		pid = fork();
		if (pid == 0)
			es_cold_exec_child(&cold);
		ck_assert_int_ge(pid, 0);
		track(&c, pid, 1);
		verdict = es_cold_exec_verdict(&cold);
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		/* The scenario happened: the strings were not there to read at entry. */
		ck_assert_msg(verdict == ES_COLD_UNMAPPED, "child %d: literals %s at its exec",
			      (int)pid, es_cold_verdict_name(verdict));
	}
	wait_all(l, &c, 0);
	for (i = 0; i < c.cnt; i++) {
		const struct es_exec_view *v = &c.children[i].exec.v;

		ck_assert_int_eq(c.children[i].execs, 1);
		ck_assert_uint_eq(v->rec->hdr.flags & ~ES_EXEC_F_PPID_KERNEL, 0);
		assert_filename(v, ES_COLD_PATH);
		assert_argv(v, want);
	}
	es_loader_destroy(l);
	collector_free(&c);
}
END_TEST

#define MANY_ARGS 70

/* A directory path of @depth 200-byte components below /tmp, made; its length. */
static size_t long_dir(char *path, size_t size, int depth)
{
	size_t len;
	int i;

	snprintf(path, size, "/tmp/es-live-long");
	mkdir(path, 0755);
	for (i = 0; i < depth; i++) {
		len = strlen(path);
		path[len] = '/';
		memset(path + len + 1, 'd' + i, 200);
		path[len + 201] = '\0';
		ck_assert(!mkdir(path, 0755) || errno == EEXIST);
	}
	return strlen(path);
}

START_TEST(test_long_argv_and_filename_are_cut_and_flagged)
{
	struct es_loader_opts opts = { .attach = ES_ATTACH_AUTO };
	static char big[3000], huge[5000], many[MANY_ARGS][8], link_path[PATH_MAX];
	char path[] = "/bin/true", arg0[] = "true", hostile[] = "q\"\n\x01\xff\xfe";
	char after[] = "after";
	char *argv_many[MANY_ARGS + 1], *argv_big[] = { arg0, big, after, NULL };
	char *argv_huge[] = { arg0, huge, NULL }, *argv_hostile[] = { arg0, hostile, NULL };
	const char *want_many[MANY_ARGS + 1], *want_big[] = { "true", big, "after", NULL };
	const char *want_hostile[] = { "true", hostile, NULL };
	const struct es_exec_view *v;
	struct collector c;
	struct es_loader *l;
	int i;

	memset(big, 'b', sizeof(big) - 1);
	memset(huge, 'h', sizeof(huge) - 1);
	for (i = 0; i < MANY_ARGS; i++) {
		snprintf(many[i], sizeof(many[i]), "a%d", i);
		argv_many[i] = many[i];
		want_many[i] = many[i];
	}
	argv_many[MANY_ARGS] = NULL;
	want_many[MANY_ARGS] = NULL;
	/* /bin/true behind a 600-byte path: its record's filename is cut at 511 bytes. */
	long_dir(link_path, sizeof(link_path), 3);
	strcat(link_path, "/true");
	unlink(link_path);
	ck_assert_int_eq(symlink("/bin/true", link_path), 0);
	collector_init(&c);
	l = start(&c, &opts);
	spawn_exec(&c, path, argv_many);
	spawn_exec(&c, path, argv_big);
	spawn_exec(&c, path, argv_huge);
	spawn_exec(&c, path, argv_hostile);
	spawn_exec(&c, link_path, argv_hostile);
	wait_all(l, &c, 0);

	/* The new mm holds all of argv: 70 entries, a 2999-byte one, bytes as they are. */
	assert_argv(&c.children[0].exec.v, want_many);
	assert_argv(&c.children[1].exec.v, want_big);
	ck_assert_uint_eq(c.children[1].exec.v.rec->hdr.flags & ES_EXEC_F_ARGV_TRUNCATED, 0);
	assert_argv(&c.children[3].exec.v, want_hostile);
	/* More than ES_ARGS_MAX bytes: the first ones, flagged. */
	v = &c.children[2].exec.v;
	ck_assert_uint_eq(v->rec->hdr.flags & ES_EXEC_F_ARGV_TRUNCATED, ES_EXEC_F_ARGV_TRUNCATED);
	ck_assert_uint_eq(v->args_len, ES_ARGS_MAX);
	ck_assert(!memcmp(v->args, "true\0hhhh", 9));
	/* The long path: its first 511 bytes, flagged; the exe is what the link names. */
	v = &c.children[4].exec.v;
	ck_assert_uint_eq(v->rec->hdr.flags & ES_EXEC_F_FILENAME_TRUNCATED,
			  ES_EXEC_F_FILENAME_TRUNCATED);
	ck_assert_uint_eq(v->filename_len, ES_FILENAME_MAX - 1);
	ck_assert(!memcmp(v->filename, link_path, ES_FILENAME_MAX - 1));
	assert_exe(v, "/bin/true");
	for (i = 0; i < c.cnt; i++)
		ck_assert_uint_eq(c.children[i].exec.v.rec->ppid, (uint32_t)getpid());
	es_loader_destroy(l);
	reap(&c);
	unlink(link_path);
	collector_free(&c);
}
END_TEST

/* A failed exec's record reads the caller's memory at exit: filename, argv, the error. */
START_TEST(test_failed_exec_reports_its_error)
{
	struct es_loader_opts opts = { .attach = ES_ATTACH_AUTO };
	char notexec[] = "/tmp/es-live-failure-XXXXXX", arg0[] = "prog", arg1[] = "es-arg";
	char *argv[] = { arg0, arg1, NULL };
	const char *want[] = { "prog", "es-arg", NULL };
	const struct es_exec_view *v;
	struct collector c;
	struct es_loader *l;
	int fd, status;
	pid_t pid;

	fd = mkstemp(notexec);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "\x7f\x45", 2), 2); /* an ELF magic cut short: ENOEXEC */
	ck_assert_int_eq(fchmod(fd, 0755), 0);
	close(fd);
	collector_init(&c);
	l = start(&c, &opts);
	pid = spawn_exec(&c, notexec, argv);
	wait_all(l, &c, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 127);
	ck_assert_int_eq(c.children[0].execs, 0);
	v = &c.children[0].failure.v;
	ck_assert_uint_eq(v->rec->hdr.type, ES_RECORD_EXEC_FAILURE);
	ck_assert_int_eq(v->rec->ret, -ENOEXEC);
	ck_assert_uint_eq(v->rec->ppid, (uint32_t)getpid());
	ck_assert_uint_eq(v->rec->syscall, ES_SYSCALL_EXECVE);
	assert_filename(v, notexec);
	assert_argv(v, want);
	ck_assert_uint_eq(v->exe_len, 0);
	es_loader_destroy(l);
	unlink(notexec);
	collector_free(&c);
}
END_TEST

/* ---- case fallback: what is absent, and why ---------------------------- */

/* Spawn @n children and assert none has a kernel parent; the stats agree. */
static void assert_no_kernel_ppid(struct es_loader *l, struct collector *c,
				  uint64_t stats[ES_STAT__MAX])
{
	const struct es_loader_info *info = es_loader_info(l);
	int i;

	spawn_true(c, 100, l);
	wait_all(l, c, 0);
	for (i = 0; i < c->cnt; i++) {
		ck_assert_uint_eq(c->children[i].exec.v.rec->ppid, 0);
		ck_assert_uint_eq(c->children[i].exec.v.rec->hdr.flags & ES_EXEC_F_PPID_KERNEL, 0);
	}
	finish(l, c, stats);
	ck_assert_uint_eq(c->kernel_ppid, 0);
	ck_assert_uint_eq(c->ppid_zero, c->exec_records);
	/* The kernel read parents only for records the loader then scrubbed. */
	ck_assert_uint_eq(stats[ES_STAT_PPID_KERNEL] + c->forks_scrubbed,
			  info->checks[ES_OFFSET_GROUP_TASK].scrubbed);
	ck_assert_uint_ge(stats[ES_STAT_OFFSETS_ABSENT], 100);
	reap(c);
}

/* Each spawned child's record: argv as read at entry (the children's are present). */
static void assert_argv_from_entry(const struct collector *c, uint32_t extra_flags)
{
	char arg1[32];
	int i;

	for (i = 0; i < c->cnt; i++) {
		const struct es_exec_view *v = &c->children[i].exec.v;
		const char *want[] = { "true", arg1, NULL };

		snprintf(arg1, sizeof(arg1), "es-live-%d", i);
		ck_assert_uint_eq(v->rec->hdr.flags & (ES_EXEC_F_ARGV_ENTRY | extra_flags),
				  ES_EXEC_F_ARGV_ENTRY | extra_flags);
		assert_filename(v, "/bin/true");
		assert_argv(v, want);
	}
}

/* Each spawned child's record has no exe, and says so. */
static void assert_no_exe(const struct collector *c)
{
	int i;

	for (i = 0; i < c->cnt; i++) {
		const struct es_exec_view *v = &c->children[i].exec.v;

		ck_assert_uint_eq(v->rec->hdr.flags & ES_EXEC_F_EXE_ABSENT, ES_EXEC_F_EXE_ABSENT);
		ck_assert_uint_eq(v->exe_len, 0);
		ck_assert_uint_eq(v->rec->exe_ino, 0);
	}
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

/* Without EXEC_OFFSETS, argv is read from the caller at entry; the rest stays. */
START_TEST(test_exec_offsets_absent_read_argv_at_entry)
{
	static const uint32_t zero[ES_EXEC_OFF__MAX];
	struct es_loader_opts opts = { .override_offsets[ES_OFFSET_GROUP_EXEC] = zero };
	const struct es_loader_info *info;
	struct collector c;
	struct es_loader *l;

	collector_init(&c);
	l = start(&c, &opts);
	info = es_loader_info(l);
	ck_assert(!info->groups[ES_OFFSET_GROUP_EXEC].enabled);
	ck_assert_ptr_nonnull(strstr(info->groups[ES_OFFSET_GROUP_EXEC].reason, "overridden"));
	ck_assert(info->groups[ES_OFFSET_GROUP_TASK].enabled);
	ck_assert(info->groups[ES_OFFSET_GROUP_EXE].enabled);
	spawn_true(&c, 20, l);
	wait_all(l, &c, 0);
	assert_argv_from_entry(&c, 0);
	assert_children_exe(&c);
	es_loader_destroy(l);
	reap(&c);
	collector_free(&c);
}
END_TEST

/*
 * Offsets that type-check but read the wrong place: the self-test refutes
 * each group, its map is rewritten as 0, and what was made with it is
 * scrubbed from the records already in the ring.
 */
START_TEST(test_wrong_offsets_are_refuted_and_scrubbed)
{
	uint32_t wrong_exec[ES_EXEC_OFF__MAX], wrong_exe[ES_EXE_OFF__MAX];
	uint32_t wrong_fork[ES_FORK_OFF__MAX];
	struct es_loader_opts opts = {
		.override_offsets[ES_OFFSET_GROUP_EXEC] = wrong_exec,
		.override_offsets[ES_OFFSET_GROUP_EXE] = wrong_exe,
		.override_offsets[ES_OFFSET_GROUP_FORK] = wrong_fork,
	};
	const struct es_loader_info *info;
	struct collector c;
	struct es_loader *l;
	int k;

	/* arg_start read where arg_end is: an empty argv, never the child's. */
	wrong_exec[ES_EXEC_OFF_TASK_MM] = libbpf_task_offset("mm");
	wrong_exec[ES_EXEC_OFF_ARG_START] = 8;
	wrong_exec[ES_EXEC_OFF_ARG_END] = 8;
	/* Every exe offset 8: reads that lead nowhere or to the wrong bytes. */
	for (k = 0; k < ES_EXE_OFF__MAX; k++)
		wrong_exe[k] = 8;
	wrong_exe[ES_EXE_OFF_TASK_MM] = libbpf_task_offset("mm");
	/* The start time read from pid and tgid: a time far beyond the fork. */
	wrong_fork[ES_FORK_OFF_START_BOOTTIME] = libbpf_task_offset("pid");
	collector_init(&c);
	l = start(&c, &opts);
	info = es_loader_info(l);
	ck_assert_int_eq(info->checks[ES_OFFSET_GROUP_EXEC].verdict, ES_GROUP_REFUTED);
	ck_assert_int_eq(info->checks[ES_OFFSET_GROUP_EXE].verdict, ES_GROUP_REFUTED);
	ck_assert(!info->groups[ES_OFFSET_GROUP_EXEC].enabled);
	ck_assert_msg(strstr(info->groups[ES_OFFSET_GROUP_EXEC].reason, "self-test failed") != NULL,
		      "reason: %s", info->groups[ES_OFFSET_GROUP_EXEC].reason);
	ck_assert_int_eq(info->selftest, ES_SELFTEST_PASSED); /* the parent is not affected */
	/* The self-test child's own record, read with the wrong offsets, was scrubbed. */
	ck_assert_int_ge(es_loader_poll(l, 0), 0);
	ck_assert_uint_ge(info->checks[ES_OFFSET_GROUP_EXEC].scrubbed, 1);
	ck_assert_int_eq(info->checks[ES_OFFSET_GROUP_FORK].verdict, ES_GROUP_REFUTED);
	ck_assert_uint_ge(info->checks[ES_OFFSET_GROUP_FORK].scrubbed, 1);
	ck_assert_uint_eq(c.forks_scrubbed, info->checks[ES_OFFSET_GROUP_FORK].scrubbed);
	spawn_true(&c, 20, l);
	wait_all(l, &c, 0);
	/* From then on: argv from the entry (the maps hold 0 now), no exe, forks by the clock. */
	assert_argv_from_entry(&c, 0);
	assert_no_exe(&c);
	for (k = 0; k < c.cnt; k++)
		ck_assert_uint_eq(c.children[k].fork.hdr.flags, 0);
	es_loader_destroy(l);
	reap(&c);
	collector_free(&c);
}
END_TEST

START_TEST(test_missing_btf_runs_without_offsets)
{
	struct es_loader_opts opts = { .btf_path = "/nonexistent-es-live/vmlinux" };
	const struct es_loader_info *info;
	uint64_t stats[ES_STAT__MAX];
	struct collector c;
	struct es_loader *l;
	int g;

	collector_init(&c);
	l = start(&c, &opts);
	info = es_loader_info(l);
	ck_assert_str_eq(info->btf_source, "");
	ck_assert_ptr_nonnull(strstr(info->btf_error, "/nonexistent-es-live/vmlinux"));
	for (g = 0; g < ES_OFFSET_GROUP__MAX; g++) {
		ck_assert(!info->groups[g].enabled);
		ck_assert_ptr_nonnull(strstr(info->groups[g].reason, "no BTF"));
	}
	ck_assert_ptr_nonnull(
		strstr(info->groups[ES_OFFSET_GROUP_TASK].fields[0].reason, "no BTF"));
	assert_no_kernel_ppid(l, &c, stats);
	assert_argv_from_entry(&c, 0);
	assert_no_exe(&c);
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

/*
 * Lockdown (confidentiality) refuses kernel reads: no parent, no exe, and the
 * filename and argv read from the caller at entry; tracepoints only.
 */
START_TEST(test_lockdown_confidentiality_degrades)
{
	char path[] = "/tmp/es-live-lockdown-XXXXXX";
	const char content[] = "none integrity [confidentiality]\n";
	struct es_loader_opts opts = { .lockdown_path = path };
	const struct es_loader_info *info;
	uint64_t stats[ES_STAT__MAX];
	struct collector c;
	struct es_loader *l;
	int fd, g;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
	collector_init(&c);
	l = start(&c, &opts);
	info = es_loader_info(l);
	ck_assert_int_eq(info->lockdown, ES_LOCKDOWN_CONFIDENTIALITY);
	for (g = 0; g < ES_OFFSET_GROUP__MAX; g++)
		ck_assert_ptr_nonnull(strstr(info->groups[g].reason, "lockdown=confidentiality"));
	/* kprobes need kernel reads: even auto must use tracepoints. */
	ck_assert_int_eq(info->attach_mode, ES_ATTACH_TRACEPOINT);
	assert_no_kernel_ppid(l, &c, stats);
	assert_argv_from_entry(&c, ES_EXEC_F_FILENAME_ENTRY);
	assert_no_exe(&c);
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
	/* A page holds a couple of dozen records; nobody reads while 200 children exec. */
	struct es_loader_opts opts = { .ringbuf_size = getpagesize() };
	uint64_t stats[ES_STAT__MAX], ours = 0;
	struct collector c;
	struct es_loader *l;
	int i;

	collector_init(&c);
	l = start(&c, &opts);
	ck_assert_int_ge(es_loader_poll(l, 0), 0); /* the self-test's records */
	spawn_true(&c, 200, NULL);
	reap(&c);
	finish(l, &c, stats);
	for (i = 0; i < c.cnt; i++)
		ours += c.children[i].execs + c.children[i].failures;
	/* Every record was delivered or counted lost; the children made 200, one each. */
	ck_assert_uint_gt(stats[ES_STAT_LOST_EXEC], 0);
	ck_assert_uint_eq(stats[ES_STAT_EVENTS], c.records);
	ck_assert_uint_eq(stats[ES_STAT_RINGBUF_FULL],
			  stats[ES_STAT_LOST_EXEC] + stats[ES_STAT_LOST_FAILURE] +
				  stats[ES_STAT_LOST_FORK] + stats[ES_STAT_LOST_EXIT]);
	ck_assert_uint_ge(ours + stats[ES_STAT_LOST_EXEC], 200);
	ck_assert_uint_lt(ours, 200);
	es_loader_destroy(l);
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

static bool has_id(const struct id_list *l, uint32_t id)
{
	int i;

	for (i = 0; i < l->cnt; i++) {
		if (l->ids[i] == id)
			return true;
	}
	return false;
}

/*
 * The ids of the objects this process holds a file descriptor of, from the
 * kernel's /proc/self/fdinfo ("prog_id:", "map_id:", "link_id:"): other
 * processes' objects (a test running in parallel, an agent on the host)
 * never count.
 */
static void list_ids(enum obj_kind kind, struct id_list *out)
{
	static const char *const keys[] = { "prog_id:", "map_id:", "link_id:" };
	const char *key = keys[kind];
	char path[288], line[256];
	struct dirent *de;
	unsigned int id;
	DIR *dir;
	FILE *f;

	out->cnt = 0;
	dir = opendir("/proc/self/fdinfo");
	ck_assert_ptr_nonnull(dir);
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%s", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue; /* closed meanwhile, or the directory's own fd */
		while (fgets(line, sizeof(line), f)) {
			if (strncmp(line, key, strlen(key)) ||
			    sscanf(line + strlen(key), "%u", &id) != 1 || has_id(out, id))
				continue;
			ck_assert_int_lt(out->cnt, 4096);
			out->ids[out->cnt++] = id;
		}
		fclose(f);
	}
	closedir(dir);
}

static bool our_prog_name(const char *name)
{
	return !strncmp(name, "tp_", 3) || !strncmp(name, "raw_", 4) ||
	       !strncmp(name, "kprobe_", 7) || !strncmp(name, "kretprobe_", 10);
}

static bool our_map_name(const char *name)
{
	static const char *const names[] = { "TASK_OFFSETS", "EXEC_OFFSETS", "EXE_OFFSETS",
					     "EVENTS",	     "STATS",	     "PENDING",
					     "HELD_COUNT",   "SCRATCH",	     "HELD",
					     "EXIT_OFFSETS", "ENTRY_ARGS" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(name, names[i]))
			return true;
	}
	return strstr(name, ".rodata") != NULL;
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
			ours = info.link.type == BPF_LINK_TYPE_PERF_EVENT ||
			       info.link.type == BPF_LINK_TYPE_RAW_TRACEPOINT;
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
	 * Tracepoint or kprobe mode: 4 syscall programs, the two sched ones
	 * and the two fork ones, 8 links, 12 maps (with .rodata).
	 */
	ck_assert_int_eq(loaded[OBJ_PROG].cnt, 8);
	ck_assert_int_ge(loaded[OBJ_LINK].cnt, 8);
	ck_assert_int_eq(loaded[OBJ_MAP].cnt, 12);

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
/*
 * What a skipped run of the program @name costs, with TASK_OFFSETS: an
 * entry only a pending state; the fork tracepoint nothing (the raw one
 * sends the fork records); clock_pair, never attached, nothing; the thread
 * exit an exec (a held PATH-search failure) and an exit record; the others
 * an exec.
 */
static unsigned int expected_loses(const char *name)
{
	if (!strncmp(name, "tp_enter_", 9) || !strncmp(name, "kprobe_", 7) ||
	    !strncmp(name, "tp_sched_fork", 13) || !strcmp(name, "clock_pair"))
		return 0;
	if (!strcmp(name, "raw_sched_fork"))
		return ES_PROG_LOSES_FORK;
	if (!strcmp(name, "tp_sched_exit"))
		return ES_PROG_LOSES_EXEC | ES_PROG_LOSES_EXIT;
	return ES_PROG_LOSES_EXEC;
}

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
	/*
	 * Entries and exits of execve and execveat, the two sched and the two
	 * fork programs, and clock_pair (never attached).
	 */
	ck_assert_int_eq(n, 9);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(progs[i].recursion_misses, 0);
		ck_assert_uint_eq(bpftool_prog_field(progs[i].id, "recursion_misses"), 0);
		ck_assert_msg(progs[i].loses == expected_loses(progs[i].name), "%s loses %#x",
			      progs[i].name, progs[i].loses);
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
				 test_fork_and_exit_records_are_stamped,
				 test_children_of_a_thread_have_the_process_as_parent,
				 test_exec_from_a_thread_names_the_thread,
				 test_execveat_memfd_is_seen_with_its_flags,
				 test_path_misses_are_folded,
				 test_a_miss_then_another_argv_is_reported,
				 test_literal_strings_after_fork_are_seen,
				 test_long_argv_and_filename_are_cut_and_flagged,
				 test_failed_exec_reports_its_error),
		  .timeout_s = 240 },
		{ "fallback",
		  ES_CHECK_TESTS(test_no_kernel_ppid_counts_offsets_absent,
				 test_exec_offsets_absent_read_argv_at_entry,
				 test_wrong_offsets_are_refuted_and_scrubbed,
				 test_missing_btf_runs_without_offsets,
				 test_selftest_mismatch_disables_kernel_ppid,
				 test_lockdown_confidentiality_degrades,
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
