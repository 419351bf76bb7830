// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The loader's lifecycle: lockdown and BTF first, then the attach mode, then
 * only that mode's programs loaded with TASK_OFFSETS written before anything
 * attaches, so the very first record already carries its parent; attach,
 * the self-test, detach, destroy. See loader.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "attach.h"
#include "btf.h"
#include "execsensor.skel.h"
#include "loader_internal.h"
#include "lockdown.h"

#define DEFAULT_BTF "/sys/kernel/btf/vmlinux"

static const char *const syscall_names[] = { "execve", "execveat" };

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
			es_reasonf(info->btf_error, sizeof(info->btf_error), "%s", diag.msg);
		else
			es_reasonf(info->btf_error, sizeof(info->btf_error), "%s: %s", path,
				   diag.msg[0] ? diag.msg : es_btf_strerror(err));
		es_reasonf(why, sizeof(why), "no BTF (%s)", info->btf_error);
		es_offset_groups_unresolved(why, info->groups);
		es_offset_group_disable(
			&info->groups[ES_OFFSET_GROUP_TASK], "no BTF: %s%s", info->btf_error,
			l->opts.btf_path ? "" : "; pass --btf PATH for an external BTF");
		return;
	}
	es_reasonf(info->btf_source, sizeof(info->btf_source), "%s", path);
	es_offset_groups_resolve(btf, info->groups);
	es_btf_free(btf);
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
			es_reasonf(why, sizeof(why),
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
			es_reasonf(info->kprobe_execve, sizeof(info->kprobe_execve), "%s",
				   funcs[0]);
			es_reasonf(info->kprobe_execveat, sizeof(info->kprobe_execveat), "%s",
				   funcs[1]);
			es_reasonf(info->attach_reason, sizeof(info->attach_reason),
				   "%s: kprobes on %s and %s",
				   l->opts.attach == ES_ATTACH_KPROBE ? "requested" : "auto",
				   funcs[0], funcs[1]);
			return 0;
		}
		if (l->opts.attach == ES_ATTACH_KPROBE)
			return es_loader_fail(l, err, "--attach kprobe: %s", why);
		es_reasonf(info->attach_reason, sizeof(info->attach_reason),
			   "auto: kprobes unusable (%s); using tracepoints", why);
		es_loader_log(l, "%s", info->attach_reason);
	} else {
		es_reasonf(info->attach_reason, sizeof(info->attach_reason),
			   "requested: syscalls tracepoints");
	}
	info->attach_mode = ES_ATTACH_TRACEPOINT;
	err = es_tracepoints_ready(&mounted, why, sizeof(why));
	if (mounted) {
		info->tracefs_mounted = true;
		es_loader_log(l, "mounted tracefs at %s (it was not mounted)", ES_TRACEFS);
	}
	if (err)
		return es_loader_fail(l, err, "tracepoint mode: %s", why);
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
		es_loader_log(l, "mounted tracefs at %s (it was not mounted)", ES_TRACEFS);
	}
	if (err)
		return es_loader_fail(l, err, "sched tracepoints unusable: %s", why);
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
			return es_loader_fail(l, err, "%s", why);
		err = es_offset_map_write(l->skel, i, l->info.groups[i].values);
		if (err)
			return es_loader_fail(l, err, "writing %s: %s", es_offset_groups[i].map,
					      strerror(-err));
	}
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
		return es_loader_fail(l, -errno, "opening the embedded BPF object: %s",
				      strerror(errno));
	l->skel = skel;
	err = bpf_map__set_max_entries(skel->maps.EVENTS, l->info.ringbuf_size);
	if (err)
		return es_loader_fail(l, err, "ring buffer size %u: %s", l->info.ringbuf_size,
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
		return es_loader_fail(l, err, "loading the %s programs: %s%s",
				      es_attach_mode_name(l->info.attach_mode), strerror(-err),
				      err == -EPERM ? " (needs CAP_BPF and CAP_PERFMON, or root)"
						    : "");
	err = write_groups(l);
	if (err)
		return err;
	return es_deliver_open(l);
}

static void unload_skeleton(struct es_loader *l)
{
	es_loader_detach(l);
	es_deliver_close(l);
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
		return es_loader_fail(l, -EALREADY, "already loaded");
	if (size < (uint32_t)getpagesize() || (size & (size - 1)))
		return es_loader_fail(l, -EINVAL,
				      "ring buffer size %u: must be a power of 2 and "
				      "at least the page size (%d)",
				      size, getpagesize());

	err = es_lockdown_read(lockdown_path, &info->lockdown, info->lockdown_raw,
			       sizeof(info->lockdown_raw));
	if (err)
		es_loader_log(l, "cannot read %s (%s): assuming no lockdown", lockdown_path,
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
		es_loader_log(l, "%s", task->reason);
	} else if (!task->enabled && !l->opts.no_kernel_ppid) {
		es_loader_log(l, "no kernel ppid: %s", task->reason);
	}
	info->lineage = !l->opts.no_lineage;
	es_loader_groups_switch(l);
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
		return es_loader_fail(l, err, "%s attach failed: %s",
				      es_attach_mode_name(info->attach_mode), strerror(-err));
	}
	return 0;
}

int es_loader_attach(struct es_loader *l)
{
	struct es_loader_info *info = &l->info;
	int err;

	if (!l->skel)
		return es_loader_fail(l, -EINVAL, "attach before a successful load");
	err = attach_links(l);
	if (err && info->attach_mode == ES_ATTACH_KPROBE && l->opts.attach == ES_ATTACH_AUTO) {
		char why[ES_REASON_MAX];

		/* Reload: a kprobe program cannot be attached as a tracepoint. */
		es_reasonf(why, sizeof(why), "%s", l->error);
		unload_skeleton(l);
		info->kprobe_execve[0] = info->kprobe_execveat[0] = '\0';
		l->opts.attach = ES_ATTACH_TRACEPOINT;
		err = choose_mode(l);
		l->opts.attach = ES_ATTACH_AUTO;
		es_reasonf(info->attach_reason, sizeof(info->attach_reason),
			   "auto: %s; using tracepoints", why);
		es_loader_log(l, "%s", info->attach_reason);
		if (!err)
			err = load_skeleton(l);
		if (!err)
			err = attach_links(l);
	}
	if (!err)
		err = es_clock_pair_start(l);
	if (err)
		return err;
	return es_loader_selftest(l);
}

void es_loader_detach(struct es_loader *l)
{
	int i;

	for (i = ES_LINKS_MAX - 1; i >= 0; i--) {
		bpf_link__destroy(l->links[i]);
		l->links[i] = NULL;
	}
}

const struct es_loader_info *es_loader_info(const struct es_loader *l)
{
	return &l->info;
}

void es_loader_destroy(struct es_loader *l)
{
	if (!l)
		return;
	unload_skeleton(l);
	free(l);
}
