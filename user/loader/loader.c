// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The loader: lockdown and BTF first, then the attach mode, then only that
 * mode's programs loaded with TASK_OFFSETS written before anything attaches,
 * so the very first record already carries its parent. See loader.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attach.h"
#include "btf.h"
#include "execsensor.skel.h"
#include "clock_ns.h"
#include "loader_internal.h"
#include "lockdown.h"
#include "offsets.h"
#include "record.h"
#include "selftest.h"

#define DEFAULT_BTF	    "/sys/kernel/btf/vmlinux"
#define SELFTEST_TIMEOUT_MS 5000
#define SELFTEST_ATTEMPTS   3
/*
 * At attach, pairs of jiffies and CLOCK_MONOTONIC until the jiffies moved
 * this often (or for so many ms); one per poll after. One move suffices for
 * a jiffy's start: each waits a tick (4 ms at HZ=250) before the first event.
 */
#define JIFFIES_START_MOVES 1
#define JIFFIES_START_MS    100

static const char *const syscall_names[] = { "execve", "execveat" };

__attribute__((format(printf, 3, 4))) static void reasonf(char *buf, size_t size, const char *fmt,
							  ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 2, 3))) static void loader_log(struct es_loader *l, const char *fmt,
							     ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (l->opts.log)
		l->opts.log(l->opts.ctx, line);
	else
		fprintf(stderr, "execsensor: %s\n", line);
}

__attribute__((format(printf, 3, 4))) static int loader_fail(struct es_loader *l, int err,
							     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->error, sizeof(l->error), fmt, ap);
	va_end(ap);
	return err < 0 ? err : -EINVAL;
}

static const char *const attach_mode_names[] = {
	[ES_ATTACH_AUTO] = "auto",
	[ES_ATTACH_KPROBE] = "kprobe",
	[ES_ATTACH_TRACEPOINT] = "tracepoint",
};

const char *es_attach_mode_name(enum es_attach_mode mode)
{
	return mode <= ES_ATTACH_TRACEPOINT ? attach_mode_names[mode] : "unknown";
}

int es_attach_mode_parse(const char *name, enum es_attach_mode *mode)
{
	int i;

	for (i = ES_ATTACH_AUTO; i <= ES_ATTACH_TRACEPOINT; i++) {
		if (!strcmp(name, attach_mode_names[i])) {
			*mode = (enum es_attach_mode)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *es_lockdown_name(enum es_lockdown state)
{
	static const char *const names[] = {
		[ES_LOCKDOWN_UNKNOWN] = "unknown",
		[ES_LOCKDOWN_NONE] = "none",
		[ES_LOCKDOWN_INTEGRITY] = "integrity",
		[ES_LOCKDOWN_CONFIDENTIALITY] = "confidentiality",
	};

	return state <= ES_LOCKDOWN_CONFIDENTIALITY ? names[state] : "unknown";
}

const char *es_selftest_name(enum es_selftest result)
{
	static const char *const names[] = {
		[ES_SELFTEST_NOT_RUN] = "not run",
		[ES_SELFTEST_PASSED] = "passed",
		[ES_SELFTEST_NO_KERNEL_PPID] = "events only (no kernel ppid expected)",
		[ES_SELFTEST_MISMATCH] = "failed: kernel ppid disabled",
		[ES_SELFTEST_DISABLED] = "disabled",
	};

	return result <= ES_SELFTEST_DISABLED ? names[result] : "unknown";
}

const char *es_group_verdict_name(enum es_group_verdict verdict)
{
	static const char *const names[] = {
		[ES_GROUP_NOT_CHECKED] = "not checked",
		[ES_GROUP_VERIFIED] = "verified",
		[ES_GROUP_REFUTED] = "refuted",
		[ES_GROUP_UNVERIFIED] = "unverified",
		[ES_GROUP_OFF] = "off",
	};

	return verdict <= ES_GROUP_OFF ? names[verdict] : "unknown";
}

struct es_loader *es_loader_new(const struct es_loader_opts *opts)
{
	struct es_loader *l;

	if (!opts || !opts->on_record) {
		errno = EINVAL;
		return NULL;
	}
	l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->opts = *opts;
	l->backlog_tail = &l->backlog;
	l->info.attach_requested = opts->attach;
	l->info.ringbuf_size = opts->ringbuf_size ? opts->ringbuf_size : ES_RINGBUF_DEFAULT_SIZE;
	return l;
}

/* Every offset group from BTF, or off with the reason why there is none. */
static void resolve_groups(struct es_loader *l)
{
	const char *path = l->opts.btf_path ? l->opts.btf_path : DEFAULT_BTF;
	struct es_loader_info *info = &l->info;
	struct es_btf_diag diag = {};
	struct es_btf *btf = NULL;
	char why[ES_REASON_MAX + 64];
	int err;

	err = es_btf_open_file(path, NULL, &btf, &diag);
	if (err) {
		if (diag.msg[0] && strstr(diag.msg, path))
			reasonf(info->btf_error, sizeof(info->btf_error), "%s", diag.msg);
		else
			reasonf(info->btf_error, sizeof(info->btf_error), "%s: %s", path,
				diag.msg[0] ? diag.msg : es_btf_strerror(err));
		reasonf(why, sizeof(why), "no BTF (%s)", info->btf_error);
		es_offset_groups_unresolved(why, info->groups);
		es_offset_group_disable(
			&info->groups[ES_OFFSET_GROUP_TASK], "no BTF: %s%s", info->btf_error,
			l->opts.btf_path ? "" : "; pass --btf PATH for an external BTF");
		return;
	}
	reasonf(info->btf_source, sizeof(info->btf_source), "%s", path);
	es_offset_groups_resolve(btf, info->groups);
	es_btf_free(btf);
}

/* --no-context: the exec record's context groups off, each saying so. */
static void disable_context(struct es_loader_info *info)
{
	static const enum es_offset_group_id context[] = {
		ES_OFFSET_GROUP_CRED, ES_OFFSET_GROUP_AUDIT, ES_OFFSET_GROUP_TTY,
		ES_OFFSET_GROUP_NS,   ES_OFFSET_GROUP_PIDNS,
	};
	size_t i;

	for (i = 0; i < sizeof(context) / sizeof(context[0]); i++)
		es_offset_group_disable(&info->groups[context[i]],
					"exec context off on request (--no-context)");
}

/* Tests: a group's map gets the given values; zeros turn it off. */
static void override_groups(struct es_loader *l)
{
	size_t i;

	for (i = 0; i < ES_OFFSET_GROUP__MAX; i++) {
		struct es_offset_group_state *g = &l->info.groups[i];
		const uint32_t *values = l->opts.override_offsets[i];
		uint32_t key;

		if (!values)
			continue;
		memcpy(g->values, values, g->group->nkeys * sizeof(*values));
		g->enabled = 1;
		g->reason[0] = '\0';
		for (key = 0; key < g->group->nkeys; key++) {
			if (!values[key])
				es_offset_group_disable(g, "%s overridden with 0", g->group->map);
		}
	}
}

/*
 * The lineage groups: EXIT_OFFSETS serve the exit records, FORK_OFFSETS the
 * fork records of raw_sched_fork, which runs only with TASK_OFFSETS' tgid
 * (without, tp_sched_fork stamps every new task with the clock).
 */
static void lineage_groups(struct es_loader_info *info)
{
	struct es_offset_group_state *fork = &info->groups[ES_OFFSET_GROUP_FORK];
	const struct es_offset_group_state *task = &info->groups[ES_OFFSET_GROUP_TASK];

	if (!info->lineage) {
		es_offset_group_disable(&info->groups[ES_OFFSET_GROUP_EXIT],
					"lineage off on request (--no-lineage)");
		es_offset_group_disable(fork, "lineage off on request (--no-lineage)");
	} else if (fork->enabled && !task->enabled) {
		es_offset_group_disable(fork, "TASK_OFFSETS off: fork records are stamped with "
					      "the clock");
	}
}

/* The mode to load: kprobe when usable (or demanded), else tracepoint. */
static int choose_mode(struct es_loader *l)
{
	struct es_loader_info *info = &l->info;
	char funcs[2][ES_SYSCALL_FUNC_MAX];
	char why[ES_REASON_MAX] = "";
	bool mounted = false;
	int err;

	if (l->opts.attach != ES_ATTACH_TRACEPOINT) {
		if (info->lockdown == ES_LOCKDOWN_CONFIDENTIALITY) {
			reasonf(why, sizeof(why),
				"kprobes need bpf_probe_read_kernel(), which "
				"lockdown=confidentiality refuses");
			err = -EPERM;
		} else {
			err = es_kprobe_available(why, sizeof(why));
			if (!err)
				err = es_syscall_functions(syscall_names, funcs, 2, why,
							   sizeof(why));
		}
		if (!err) {
			info->attach_mode = ES_ATTACH_KPROBE;
			reasonf(info->kprobe_execve, sizeof(info->kprobe_execve), "%s", funcs[0]);
			reasonf(info->kprobe_execveat, sizeof(info->kprobe_execveat), "%s",
				funcs[1]);
			reasonf(info->attach_reason, sizeof(info->attach_reason),
				"%s: kprobes on %s and %s",
				l->opts.attach == ES_ATTACH_KPROBE ? "requested" : "auto", funcs[0],
				funcs[1]);
			return 0;
		}
		if (l->opts.attach == ES_ATTACH_KPROBE)
			return loader_fail(l, err, "--attach kprobe: %s", why);
		reasonf(info->attach_reason, sizeof(info->attach_reason),
			"auto: kprobes unusable (%s); using tracepoints", why);
		loader_log(l, "%s", info->attach_reason);
	} else {
		reasonf(info->attach_reason, sizeof(info->attach_reason),
			"requested: syscalls tracepoints");
	}
	info->attach_mode = ES_ATTACH_TRACEPOINT;
	err = es_tracepoints_ready(&mounted, why, sizeof(why));
	if (mounted) {
		info->tracefs_mounted = true;
		loader_log(l, "mounted tracefs at %s (it was not mounted)", ES_TRACEFS);
	}
	if (err)
		return loader_fail(l, err, "tracepoint mode: %s", why);
	return 0;
}

/*
 * The exec record's programs (sched:sched_process_exec, sched_process_exit)
 * run in either mode: their records must be laid out as the programs read
 * them, or there are no exec records at all.
 */
static int check_sched(struct es_loader *l)
{
	char why[ES_REASON_MAX] = "";
	bool mounted = false;
	int err;

	err = es_sched_ready(&mounted, why, sizeof(why));
	if (mounted) {
		l->info.tracefs_mounted = true;
		loader_log(l, "mounted tracefs at %s (it was not mounted)", ES_TRACEFS);
	}
	if (err)
		return loader_fail(l, err, "sched tracepoints unusable: %s", why);
	return 0;
}

/*
 * Where sched_process_fork's record has child_pid, for fork records
 * without TASK_OFFSETS; with them the raw tracepoint needs no layout.
 */
static void fork_layout(struct es_loader *l)
{
	int off = l->info.lineage ? es_fork_child_pid_offset() : -ENOENT;

	bpf_program__set_autoload(l->skel->progs.tp_sched_fork, off == 44);
	bpf_program__set_autoload(l->skel->progs.tp_sched_fork_loc, off == 20);
	bpf_program__set_autoload(l->skel->progs.raw_sched_fork, l->info.lineage);
	if (!l->info.lineage)
		snprintf(l->info.fork_reason, sizeof(l->info.fork_reason),
			 "lineage off on request (--no-lineage)");
	else if (off < 0)
		snprintf(l->info.fork_reason, sizeof(l->info.fork_reason),
			 "sched_process_fork's child_pid is %s: without TASK_OFFSETS no fork "
			 "records",
			 off == -EPROTO ? "at an offset the program does not read" : "not found");
}

/* Every group's map, as its state says (0 everywhere for a group that is off). */
static int write_groups(struct es_loader *l)
{
	char why[ES_REASON_MAX];
	size_t i;
	int err;

	for (i = 0; i < ES_OFFSET_GROUP__MAX; i++) {
		err = es_offset_map_check(l->skel, i, why, sizeof(why));
		if (err)
			return loader_fail(l, err, "%s", why);
		err = es_offset_map_write(l->skel, i, l->info.groups[i].values);
		if (err)
			return loader_fail(l, err, "writing %s: %s", es_offset_groups[i].map,
					   strerror(-err));
	}
	return 0;
}

/* An exit record stamped with jiffies (@r, read from the ring): as CLOCK_BOOTTIME to the tick. */
static bool exit_time(struct es_loader *l, const void *data, size_t size, struct es_exit_record *r)
{
	uint64_t boot_ns;

	if (es_exit_record_read(data, size, r) || !(r->hdr.flags & ES_EXIT_F_TIME_JIFFIES) ||
	    es_jiffies_to_boot_ns(&l->jiffies, r->hdr.time_ns, &boot_ns))
		return false;
	r->hdr.time_ns = boot_ns;
	r->hdr.flags = (r->hdr.flags & ~ES_EXIT_F_TIME_JIFFIES) | ES_EXIT_F_TIME_TICK;
	return true;
}

/*
 * Hand one record to the caller: an exit record's jiffies as a time, and
 * without the values of a group the self-test refuted (records made
 * before its map was rewritten).
 */
static void deliver(struct es_loader *l, const void *data, size_t size)
{
	struct es_exit_record exit;
	bool copy = false;
	size_t i, scrubbed;

	if (exit_time(l, data, size, &exit)) {
		memcpy(l->scratch, &exit, sizeof(exit));
		data = l->scratch;
	}
	for (i = 0; i < ES_OFFSET_GROUP__MAX; i++)
		copy |= l->scrub[i];
	/* Larger: never made by our programs, nothing to scrub. */
	if (copy && size <= sizeof(l->scratch)) {
		memmove(l->scratch, data, size);
		data = l->scratch;
		for (i = 0; i < ES_OFFSET_GROUP__MAX; i++) {
			scrubbed = l->scrub[i] ? es_offset_map_scrub(i, l->scratch, size) : 0;
			if (scrubbed) {
				size = scrubbed;
				l->info.checks[i].scrubbed++;
			}
		}
	}
	l->opts.on_record(l->opts.ctx, data, size);
}

/* While the self-test runs: note what the record says of the child, and queue it. */
static void queue_record(struct es_loader *l, const void *data, size_t size)
{
	struct es_backlog_record *rec;

	es_selftest_observe(&l->child, data, size);
	rec = malloc(sizeof(*rec) + size);
	if (!rec) {
		/* Cannot queue: hand it over now rather than drop it. */
		deliver(l, data, size);
		return;
	}
	rec->next = NULL;
	rec->size = size;
	memcpy(rec->data, data, size);
	*l->backlog_tail = rec;
	l->backlog_tail = &rec->next;
}

static int on_sample(void *ctx, void *data, size_t size)
{
	struct es_loader *l = ctx;

	if (size < sizeof(struct es_record_header))
		return 0; /* never produced by our programs */
	if (l->selftest_running)
		queue_record(l, data, size);
	else
		deliver(l, data, size);
	return 0;
}

/* Open, size, select programs, load, write TASK_OFFSETS, open the ring buffer. */
static int load_skeleton(struct es_loader *l)
{
	bool kprobe = l->info.attach_mode == ES_ATTACH_KPROBE;
	struct execsensor_bpf *skel;
	int err;

	skel = execsensor_bpf__open();
	if (!skel)
		return loader_fail(l, -errno, "opening the embedded BPF object: %s",
				   strerror(errno));
	l->skel = skel;
	err = bpf_map__set_max_entries(skel->maps.EVENTS, l->info.ringbuf_size);
	if (err)
		return loader_fail(l, err, "ring buffer size %u: %s", l->info.ringbuf_size,
				   strerror(-err));
	skel->rodata->kernel_reads = l->info.lockdown != ES_LOCKDOWN_CONFIDENTIALITY;
	skel->rodata->lineage = l->info.lineage;
	skel->rodata->wakeup_bytes =
		l->opts.wakeup_bytes ? l->opts.wakeup_bytes : l->info.ringbuf_size / 4;
	fork_layout(l);
	bpf_program__set_autoload(skel->progs.clock_pair, l->info.lineage);
	bpf_program__set_autoload(skel->progs.kprobe_execve, kprobe);
	bpf_program__set_autoload(skel->progs.kretprobe_execve, kprobe);
	bpf_program__set_autoload(skel->progs.kprobe_execveat, kprobe);
	bpf_program__set_autoload(skel->progs.kretprobe_execveat, kprobe);
	bpf_program__set_autoload(skel->progs.tp_enter_execve, !kprobe);
	bpf_program__set_autoload(skel->progs.tp_exit_execve, !kprobe);
	bpf_program__set_autoload(skel->progs.tp_enter_execveat, !kprobe);
	bpf_program__set_autoload(skel->progs.tp_exit_execveat, !kprobe);

	err = execsensor_bpf__load(skel);
	if (err)
		return loader_fail(l, err, "loading the %s programs: %s%s",
				   es_attach_mode_name(l->info.attach_mode), strerror(-err),
				   err == -EPERM ? " (needs CAP_BPF and CAP_PERFMON, or root)"
						 : "");
	err = write_groups(l);
	if (err)
		return err;
	l->rb = ring_buffer__new(bpf_map__fd(skel->maps.EVENTS), on_sample, l, NULL);
	if (!l->rb)
		return loader_fail(l, -errno, "ring buffer: %s", strerror(errno));
	err = es_ring_use_map(&l->ring_use, bpf_map__fd(skel->maps.EVENTS));
	if (err)
		return loader_fail(l, err, "mapping the ring buffer's positions: %s",
				   strerror(-err));
	return 0;
}

static void unload_skeleton(struct es_loader *l)
{
	es_loader_detach(l);
	es_ring_use_unmap(&l->ring_use);
	ring_buffer__free(l->rb);
	l->rb = NULL;
	execsensor_bpf__destroy(l->skel);
	l->skel = NULL;
}

int es_loader_load(struct es_loader *l)
{
	const char *lockdown_path =
		l->opts.lockdown_path ? l->opts.lockdown_path : ES_LOCKDOWN_PATH;
	struct es_loader_info *info = &l->info;
	uint32_t size = info->ringbuf_size;
	struct es_offset_group_state *task;
	size_t i;
	int err;

	if (l->skel)
		return loader_fail(l, -EALREADY, "already loaded");
	if (size < (uint32_t)getpagesize() || (size & (size - 1)))
		return loader_fail(l, -EINVAL,
				   "ring buffer size %u: must be a power of 2 and "
				   "at least the page size (%d)",
				   size, getpagesize());

	err = es_lockdown_read(lockdown_path, &info->lockdown, info->lockdown_raw,
			       sizeof(info->lockdown_raw));
	if (err)
		loader_log(l, "cannot read %s (%s): assuming no lockdown", lockdown_path,
			   strerror(-err));

	resolve_groups(l);
	task = &info->groups[ES_OFFSET_GROUP_TASK];
	if (info->lockdown == ES_LOCKDOWN_CONFIDENTIALITY) {
		for (i = 0; i < ES_OFFSET_GROUP__MAX; i++)
			es_offset_group_disable(
				&info->groups[i],
				"kernel lockdown=confidentiality refuses "
				"bpf_probe_read_kernel()%s",
				i == ES_OFFSET_GROUP_TASK ? "; parents come from /proc" : "");
		loader_log(l, "%s", task->reason);
	} else if (l->opts.no_kernel_ppid) {
		es_offset_group_disable(task, "disabled on request (--no-kernel-ppid)");
	} else if (!task->enabled) {
		loader_log(l, "no kernel ppid: %s", task->reason);
	}
	info->lineage = !l->opts.no_lineage;
	if (l->opts.no_context)
		disable_context(info);
	override_groups(l);
	lineage_groups(info);
	err = check_sched(l);
	if (!err)
		err = choose_mode(l);
	if (!err)
		err = load_skeleton(l);
	if (err)
		unload_skeleton(l);
	return err;
}

static int attach_links(struct es_loader *l)
{
	struct execsensor_bpf *skel = l->skel;
	struct es_loader_info *info = &l->info;
	int i, err;

	/*
	 * The thread-exit cleanup, entries, the exec record, exits; and
	 * es_loader_detach() in reverse. At either boundary an exec may lack
	 * its pending state (its record says so) but every exec has a record.
	 */
	l->links[ES_LINK_SCHED_EXIT] = bpf_program__attach_tracepoint(
		skel->progs.tp_sched_exit, "sched", "sched_process_exit");
	if (info->lineage)
		l->links[ES_LINK_SCHED_FORK_RAW] = bpf_program__attach_raw_tracepoint(
			skel->progs.raw_sched_fork, "sched_process_fork");
	if (!info->fork_reason[0])
		l->links[ES_LINK_SCHED_FORK] = bpf_program__attach_tracepoint(
			bpf_program__autoload(skel->progs.tp_sched_fork)
				? skel->progs.tp_sched_fork
				: skel->progs.tp_sched_fork_loc,
			"sched", "sched_process_fork");
	if (info->attach_mode == ES_ATTACH_KPROBE) {
		l->links[ES_LINK_ENTER_EXECVE] = bpf_program__attach_kprobe(
			skel->progs.kprobe_execve, false, info->kprobe_execve);
		l->links[ES_LINK_ENTER_EXECVEAT] = bpf_program__attach_kprobe(
			skel->progs.kprobe_execveat, false, info->kprobe_execveat);
	} else {
		l->links[ES_LINK_ENTER_EXECVE] = bpf_program__attach_tracepoint(
			skel->progs.tp_enter_execve, "syscalls", "sys_enter_execve");
		l->links[ES_LINK_ENTER_EXECVEAT] = bpf_program__attach_tracepoint(
			skel->progs.tp_enter_execveat, "syscalls", "sys_enter_execveat");
	}
	l->links[ES_LINK_SCHED_EXEC] = bpf_program__attach_tracepoint(
		skel->progs.tp_sched_exec, "sched", "sched_process_exec");
	if (info->attach_mode == ES_ATTACH_KPROBE) {
		l->links[ES_LINK_EXIT_EXECVE] = bpf_program__attach_kprobe(
			skel->progs.kretprobe_execve, true, info->kprobe_execve);
		l->links[ES_LINK_EXIT_EXECVEAT] = bpf_program__attach_kprobe(
			skel->progs.kretprobe_execveat, true, info->kprobe_execveat);
	} else {
		l->links[ES_LINK_EXIT_EXECVE] = bpf_program__attach_tracepoint(
			skel->progs.tp_exit_execve, "syscalls", "sys_exit_execve");
		l->links[ES_LINK_EXIT_EXECVEAT] = bpf_program__attach_tracepoint(
			skel->progs.tp_exit_execveat, "syscalls", "sys_exit_execveat");
	}
	for (i = 0; i < ES_LINKS_MAX; i++) {
		if (l->links[i] || (i == ES_LINK_SCHED_FORK && info->fork_reason[0]) ||
		    (i == ES_LINK_SCHED_FORK_RAW && !info->lineage))
			continue;
		err = -errno;
		es_loader_detach(l);
		return loader_fail(l, err, "%s attach failed: %s",
				   es_attach_mode_name(info->attach_mode), strerror(-err));
	}
	return 0;
}

static long long now_ms(void)
{
	return es_clock_ns(CLOCK_MONOTONIC) / 1000000;
}

static uint64_t ringbuf_full(const struct es_loader *l)
{
	uint64_t stats[ES_STAT__MAX] = { 0 };

	return es_loader_read_stats(l, stats) ? 0 : stats[ES_STAT_RINGBUF_FULL];
}

/*
 * Run the child once and read until its records are in, or it has exited
 * and the ring buffer was read once more (its records were all submitted
 * by then, or lost), or the timeout. Records are queued meanwhile.
 */
static int run_child(struct es_loader *l)
{
	long long deadline = now_ms() + SELFTEST_TIMEOUT_MS;
	bool reaped = false, drained = false;
	int status, err;

	l->selftest_running = true;
	err = es_selftest_spawn(&l->child);
	if (err) {
		l->selftest_running = false;
		return loader_fail(l, err, "self-test: fork: %s", strerror(-err));
	}
	while (!es_selftest_done(&l->child) && !drained && now_ms() < deadline) {
		if (!reaped && waitpid(l->child.pid, &status, WNOHANG) == l->child.pid)
			reaped = true;
		else if (reaped)
			drained = true; /* read once more since: it is no use waiting on */
		/*
		 * Below the wakeup threshold records do not signal: look often,
		 * the start waits on this (a few ms, once).
		 */
		err = ring_buffer__poll(l->rb, 5);
		if (err < 0 && err != -EINTR)
			break;
		err = ring_buffer__consume(l->rb);
		if (err < 0)
			break;
		err = 0;
	}
	l->selftest_running = false;
	while (!reaped && waitpid(l->child.pid, &status, 0) < 0 && errno == EINTR)
		;
	if (err)
		return loader_fail(l, err, "self-test: reading the ring buffer: %s",
				   strerror(-err));
	return 0;
}

/* A refuted group: its map rewritten as 0, what was made with it scrubbed from here on. */
static int refute_group(struct es_loader *l, enum es_offset_group_id id)
{
	static const uint32_t zeros[ES_OFFSET_GROUP_KEYS_MAX];
	struct es_offset_group_state *g = &l->info.groups[id];
	int err;

	err = es_offset_map_write(l->skel, id, zeros);
	if (err)
		return loader_fail(l, err, "rewriting %s: %s", g->group->map, strerror(-err));
	l->scrub[id] = true;
	es_offset_group_disable(g, "self-test failed (%s): %s rewritten as 0",
				l->info.checks[id].detail, g->group->map);
	loader_log(l, "%s", g->reason);
	return 0;
}

/*
 * The self-test (selftest.h): a child's records judged against what this
 * process knows. A run during which the ring buffer was full (another
 * process's exec storm can fill a small one in milliseconds) is repeated, a
 * few times; then each refuted group is rewritten as 0.
 */
static int run_selftest(struct es_loader *l)
{
	struct es_loader_info *info = &l->info;
	struct es_selftest_expect expect = { .loader_pid = (uint32_t)getpid() };
	struct es_selftest_verdict verdict;
	const char *prog;
	uint64_t full;
	size_t i;
	int attempt, err;

	if (l->opts.skip_selftest) {
		info->selftest = ES_SELFTEST_DISABLED;
		return 0;
	}
	prog = es_selftest_program();
	if (!prog)
		return loader_fail(l, -ENOENT, "self-test: no /bin/true or /usr/bin/true to run");
	err = es_selftest_prepare(&l->child, prog);
	if (err)
		return loader_fail(l, err, "self-test: %s: %s", prog, strerror(-err));
	for (attempt = 0; attempt < SELFTEST_ATTEMPTS; attempt++) {
		full = ringbuf_full(l);
		err = run_child(l);
		if (err)
			return err;
		expect.records_lost = ringbuf_full(l) != full;
		if (es_selftest_done(&l->child) || !expect.records_lost)
			break;
	}
	for (i = 0; i < ES_OFFSET_GROUP__MAX; i++)
		expect.enabled[i] = info->groups[i].enabled;
	es_selftest_judge(&l->child, &expect, &verdict);
	if (verdict.error)
		return loader_fail(l, verdict.error, "%s", verdict.error_msg);
	info->selftest = verdict.result;
	reasonf(info->selftest_detail, sizeof(info->selftest_detail), "%s", verdict.detail);
	for (i = 0; i < ES_OFFSET_GROUP__MAX; i++) {
		info->checks[i] = verdict.groups[i];
		if (info->checks[i].verdict == ES_GROUP_UNVERIFIED)
			loader_log(l, "self-test: %s", info->checks[i].detail);
		if (info->checks[i].verdict == ES_GROUP_REFUTED) {
			err = refute_group(l, i);
			if (err)
				return err;
		}
	}
	return 0;
}

/* One pair from the clock_pair program for the exit records' clock. 0 or -errno. */
static int learn_jiffies(struct es_loader *l, uint64_t *jiffies)
{
	struct es_clock_pair pair = { 0 };
	/* A syscall program's context is copied back to ctx_in (it takes no ctx_out). */
	LIBBPF_OPTS(bpf_test_run_opts, run, .ctx_in = &pair, .ctx_size_in = sizeof(pair));
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(l->skel->progs.clock_pair), &run);
	if (err)
		return err;
	es_jiffies_learn(&l->jiffies, &pair);
	*jiffies = pair.jiffies;
	return 0;
}

/*
 * With lineage, before any record is handed over: the exit records' clock.
 * Pairs are read until the jiffies have moved on: a pair read just after a
 * jiffy began gives its start to a few microseconds (at most a tick of
 * reading, once).
 */
static int start_jiffies(struct es_loader *l)
{
	long long deadline = now_ms() + JIFFIES_START_MS;
	uint64_t jiffies = 0, last;
	int moves = -1, err;

	if (!l->info.lineage)
		return 0;
	err = es_jiffies_init(&l->jiffies);
	while (!err && moves < JIFFIES_START_MOVES && now_ms() < deadline) {
		last = jiffies;
		err = learn_jiffies(l, &jiffies);
		moves += jiffies != last;
	}
	if (err)
		return loader_fail(l, err, "reading jiffies and CLOCK_MONOTONIC (clock_pair): %s",
				   strerror(-err));
	return 0;
}

int es_loader_attach(struct es_loader *l)
{
	struct es_loader_info *info = &l->info;
	int err;

	if (!l->skel)
		return loader_fail(l, -EINVAL, "attach before a successful load");
	err = attach_links(l);
	if (err && info->attach_mode == ES_ATTACH_KPROBE && l->opts.attach == ES_ATTACH_AUTO) {
		char why[ES_REASON_MAX];

		/* Reload: a kprobe program cannot be attached as a tracepoint. */
		reasonf(why, sizeof(why), "%s", l->error);
		unload_skeleton(l);
		info->kprobe_execve[0] = info->kprobe_execveat[0] = '\0';
		l->opts.attach = ES_ATTACH_TRACEPOINT;
		err = choose_mode(l);
		l->opts.attach = ES_ATTACH_AUTO;
		reasonf(info->attach_reason, sizeof(info->attach_reason),
			"auto: %s; using tracepoints", why);
		loader_log(l, "%s", info->attach_reason);
		if (!err)
			err = load_skeleton(l);
		if (!err)
			err = attach_links(l);
	}
	if (!err)
		err = start_jiffies(l);
	if (err)
		return err;
	return run_selftest(l);
}

void es_loader_detach(struct es_loader *l)
{
	int i;

	for (i = ES_LINKS_MAX - 1; i >= 0; i--) {
		bpf_link__destroy(l->links[i]);
		l->links[i] = NULL;
	}
}

int es_loader_poll(struct es_loader *l, int timeout_ms)
{
	struct es_backlog_record *rec;
	struct epoll_event ev;
	int handled = 0, n;
	uint64_t jiffies;

	if (!l->rb)
		return -EINVAL;
	/* A better phase for the exit records' jiffies (known since attach: failure is no loss). */
	if (l->info.lineage)
		learn_jiffies(l, &jiffies);
	while ((rec = l->backlog) != NULL) {
		l->backlog = rec->next;
		deliver(l, rec->data, rec->size);
		free(rec);
		handled++;
	}
	l->backlog_tail = &l->backlog;
	/* ring_buffer__poll()'s wait, without its read: the fill is noted between the two. */
	if (epoll_wait(ring_buffer__epoll_fd(l->rb), &ev, 1, handled ? 0 : timeout_ms) < 0 &&
	    errno != EINTR)
		return -errno;
	es_ring_use_note(&l->ring_use);
	/* Records below the wakeup threshold did not signal: they are read too. */
	n = ring_buffer__consume(l->rb);
	return n < 0 ? n : handled + n;
}

int es_loader_epoll_fd(const struct es_loader *l)
{
	return l->rb ? ring_buffer__epoll_fd(l->rb) : -EINVAL;
}

int es_loader_read_stats(const struct es_loader *l, uint64_t stats[ES_STAT__MAX])
{
	int ncpus = libbpf_num_possible_cpus(), cpu, err = 0;
	uint64_t *percpu;
	uint32_t key;

	if (!l->skel)
		return -EINVAL;
	if (ncpus < 0)
		return ncpus;
	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	for (key = 0; key < ES_STAT__MAX; key++) {
		err = bpf_map__lookup_elem(l->skel->maps.STATS, &key, sizeof(key), percpu,
					   ncpus * sizeof(*percpu), 0);
		if (err)
			break;
		stats[key] = 0;
		for (cpu = 0; cpu < ncpus; cpu++)
			stats[key] += percpu[cpu];
	}
	free(percpu);
	return err;
}

/*
 * What a skipped run of @prog loses: the exec record's, the exits'
 * (failure records) and the thread exit's (a held PATH-search failure) an
 * exec never reported; the thread exit's an exit record too, with lineage;
 * the fork program in use (raw_sched_fork with TASK_OFFSETS, else the
 * tracepoint) a fork record. A skipped entry only costs the record its
 * pending state.
 */
static unsigned int prog_loses(const struct es_loader *l, const struct bpf_program *prog)
{
	const struct execsensor_bpf *skel = l->skel;
	bool task = l->info.groups[ES_OFFSET_GROUP_TASK].enabled;

	if (prog == skel->progs.tp_sched_exit)
		return ES_PROG_LOSES_EXEC | (l->info.lineage ? ES_PROG_LOSES_EXIT : 0);
	if (prog == skel->progs.tp_sched_exec || prog == skel->progs.kretprobe_execve ||
	    prog == skel->progs.kretprobe_execveat || prog == skel->progs.tp_exit_execve ||
	    prog == skel->progs.tp_exit_execveat)
		return ES_PROG_LOSES_EXEC;
	if (prog == skel->progs.raw_sched_fork)
		return task ? ES_PROG_LOSES_FORK : 0;
	if (prog == skel->progs.tp_sched_fork || prog == skel->progs.tp_sched_fork_loc)
		return task ? 0 : ES_PROG_LOSES_FORK;
	return 0;
}

int es_prog_stats_read(int prog_fd, const char *name, struct es_prog_stats *out)
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info);
	int err;

	err = bpf_obj_get_info_by_fd(prog_fd, &info, &len);
	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", name);
	out->id = info.id;
	out->run_cnt = info.run_cnt;
	out->run_time_ns = info.run_time_ns;
	out->recursion_misses = info.recursion_misses;
	return 0;
}

int es_loader_prog_stats(const struct es_loader *l, struct es_prog_stats *out, size_t max)
{
	struct bpf_program *prog;
	size_t n = 0;
	int err;

	if (!l->skel)
		return -EINVAL;
	bpf_object__for_each_program(prog, l->skel->obj)
	{
		int fd = bpf_program__fd(prog);

		if (fd < 0)
			continue; /* not loaded: the other attach mode's */
		if (n == max)
			return -ENOSPC;
		err = es_prog_stats_read(fd, bpf_program__name(prog), &out[n]);
		if (err)
			return err;
		out[n].loses = prog_loses(l, prog);
		n++;
	}
	return (int)n;
}

bool es_bpf_stats_enabled(void)
{
	FILE *f = fopen("/proc/sys/kernel/bpf_stats_enabled", "re");
	int c = f ? fgetc(f) : EOF;

	if (f)
		fclose(f);
	return c == '1';
}

uint64_t es_loader_ringbuf_peak(const struct es_loader *l)
{
	return l->ring_use.peak;
}

const struct es_loader_info *es_loader_info(const struct es_loader *l)
{
	return &l->info;
}

const char *es_loader_error(const struct es_loader *l)
{
	return l->error;
}

void es_loader_destroy(struct es_loader *l)
{
	struct es_backlog_record *rec;

	if (!l)
		return;
	unload_skeleton(l);
	while ((rec = l->backlog) != NULL) {
		l->backlog = rec->next;
		free(rec);
	}
	free(l);
}
