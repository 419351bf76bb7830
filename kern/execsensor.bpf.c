// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * execsensor's BPF programs: one record per exec, exactly as long as its
 * content (see kern/execsensor.h). No CO-RE: only uapi layouts (pt_regs,
 * tracepoint records) and byte offsets userspace resolved from BTF and
 * wrote to the offset maps, each 0 when absent.
 *
 *   exec entry	(kprobe on the syscall function, or syscalls:sys_enter_*):
 *		the parent through TASK_OFFSETS and a small pending state per
 *		thread; no user memory (unless the kernel cannot give argv later)
 *   sched_process_exec: the exec record: the pending state, the kernel's
 *		filename, argv from the new mm (EXEC_OFFSETS), the exe's path and
 *		inode (EXE_OFFSETS), one timestamp
 *   exec exit	(kretprobe, or syscalls:sys_exit_*): a failed exec's record,
 *		or a PATH-search miss held for the search's end
 *   sched_process_exit: a held miss of an exiting thread is its search's end;
 *		a process's last thread's exit record (lineage), stamped with jiffies
 *   sched_process_fork: a new process's fork record, stamped with its start
 *		time (FORK_OFFSETS) or, without TASK_OFFSETS, the clock
 *   clock_pair	(run by the loader): jiffies and CLOCK_MONOTONIC at one instant
 *
 * The programs are here; what they do is in the concern headers bpf_*.h
 * (docs/design.md, "Kernel side").
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/fcntl.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "execsensor.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* The concerns, each in its header; the programs below only tie them to their hooks. */
#include "bpf_maps.h"
#include "bpf_hooks.h"
#include "bpf_output.h"
#include "bpf_offsets.h"
#include "bpf_window.h"
#include "bpf_argv.h"
#include "bpf_held.h"
#include "bpf_context.h"
#include "bpf_entry.h"
#include "bpf_exec.h"
#include "bpf_exe.h"
#include "bpf_failure.h"
#include "bpf_lineage.h"

/*
 * Once per successful exec, in the new image: the one exec record. The
 * pending state is the calling thread's (old_pid: de_thread made it the
 * leader since).
 */
SEC("tracepoint/sched/sched_process_exec")
int tp_sched_exec(struct sched_process_exec_record *ctx)
{
	__u32 tid = (__u32)ctx->old_pid;
	struct es_pending *p;
	__u32 argv_offsets[ES_EXEC_OFF__MAX];
	struct scratch *s;

	p = pending_get(tid);
	if (!p)
		stat_inc(ES_STAT_EXEC_NO_PENDING);
	if (!kernel_reads) {
		exec_locked_down((__u32)ctx->pid, tid, p);
	} else {
		s = scratch_get();
		if (!s)
			return 0;
		fill_record(&s->rec, ES_RECORD_EXEC, (__u32)ctx->pid, tid, p);
		if (s->rec.hdr.flags & ES_EXEC_F_NO_PENDING)
			p = NULL; /* the slot was another thread's by the time it was read */
		exec_filename(s, ctx);
		if (!exec_offsets(argv_offsets))
			exec_argv(s, argv_offsets);
		else
			exec_entry_args(s, tid);
		exec_exe(s);
		exec_context(&s->rec);
		s->rec.hdr.time_ns = bpf_ktime_get_boot_ns();
		submit_exec(s, sizeof(*s), ES_STAT_LOST_EXEC);
	}
	if (p) {
		if (p->path_misses)
			held_delete(tid); /* the search ended well: folded */
		p->tid = 0;
	}
	return 0;
}

/*
 * A new task, with its task_struct (raw tracepoint: parent, child): a
 * process when its tgid is not the forker's, a thread (not sent) otherwise.
 */
SEC("raw_tracepoint/sched_process_fork")
int raw_sched_fork(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 tgid_off = tgid_offset(), flags = 0;
	void *child = (void *)ctx->args[1];
	__s32 child_tgid = 0;
	__u64 time_ns;

	if (!tgid_off)
		return 0; /* tp_sched_fork sends every task */
	if (bpf_probe_read_kernel(&child_tgid, sizeof(child_tgid), child + tgid_off) ||
	    child_tgid <= 0) {
		stat_inc(ES_STAT_KERNEL_READ_FAIL);
		return 0;
	}
	if ((__u32)child_tgid == bpf_get_current_pid_tgid() >> 32)
		return 0; /* a thread of the forker's process */
	time_ns = fork_time(child, &flags);
	fork_record(child_tgid, flags, time_ns);
	return 0;
}

/*
 * Without TASK_OFFSETS: every new task, which may be a thread. One program
 * per layout of the record (the loader loads the running kernel's): the
 * kernel refuses to attach one that reads past the record's end.
 */
SEC("tracepoint/sched/sched_process_fork")
int tp_sched_fork(struct sched_process_fork_record *ctx)
{
	return fork_any_task(ctx->child_pid);
}

SEC("tracepoint/sched/sched_process_fork")
int tp_sched_fork_loc(struct sched_process_fork_record_loc *ctx)
{
	return fork_any_task(ctx->child_pid);
}

/*
 * Jiffies, then CLOCK_MONOTONIC, at one instant: run by the loader
 * (BPF_PROG_TEST_RUN), never attached. The exit records' jiffies become
 * times through these pairs. (bpf_ktime_get_coarse_ns() would need none,
 * but tracing programs may not call it.)
 */
SEC("syscall")
int clock_pair(struct es_clock_pair *ctx)
{
	ctx->jiffies = bpf_jiffies64();
	ctx->mono_ns = bpf_ktime_get_ns();
	return 0;
}

/* A thread that exits ends its PATH search: a held miss is reported, its state dropped. */
SEC("tracepoint/sched/sched_process_exit")
int tp_sched_exit(struct sched_process_exit_record *ctx)
{
	__u32 tid = (__u32)ctx->pid;
	struct es_pending *p = pending_get(tid);

	flush_held(tid);
	if (p)
		p->tid = 0;
	exit_record(tid);
	return 0;
}

SEC("kprobe")
int kprobe_execve(struct pt_regs *ctx)
{
	es_user_regs regs;
	struct exec_call call = { .syscall = ES_SYSCALL_EXECVE, .dirfd = AT_FDCWD };

	if (syscall_regs(ctx, &regs)) {
		stat_inc(ES_STAT_ENTRY_REGS);
		return 0;
	}
	call.filename = (const char *)ES_SYSCALL_ARG0(&regs);
	call.argv = (const char *const *)ES_SYSCALL_ARG1(&regs);
	return exec_entry(&call);
}

SEC("kretprobe")
int kretprobe_execve(struct pt_regs *ctx)
{
	return exec_exit((long)PT_REGS_RC(ctx));
}

SEC("kprobe")
int kprobe_execveat(struct pt_regs *ctx)
{
	es_user_regs regs;
	struct exec_call call = { .syscall = ES_SYSCALL_EXECVEAT };

	if (syscall_regs(ctx, &regs)) {
		stat_inc(ES_STAT_ENTRY_REGS);
		return 0;
	}
	call.dirfd = (__s32)ES_SYSCALL_ARG0(&regs);
	call.filename = (const char *)ES_SYSCALL_ARG1(&regs);
	call.argv = (const char *const *)ES_SYSCALL_ARG2(&regs);
	call.at_flags = (__u32)ES_SYSCALL_ARG4(&regs);
	return exec_entry(&call);
}

SEC("kretprobe")
int kretprobe_execveat(struct pt_regs *ctx)
{
	return exec_exit((long)PT_REGS_RC(ctx));
}

SEC("tracepoint/syscalls/sys_enter_execve")
int tp_enter_execve(struct syscall_enter_record *ctx)
{
	struct exec_call call = {
		.syscall = ES_SYSCALL_EXECVE,
		.filename = (const char *)ctx->args[0],
		.argv = (const char *const *)ctx->args[1],
		.dirfd = AT_FDCWD,
	};

	return exec_entry(&call);
}

SEC("tracepoint/syscalls/sys_exit_execve")
int tp_exit_execve(struct syscall_exit_record *ctx)
{
	return exec_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int tp_enter_execveat(struct syscall_enter_record *ctx)
{
	struct exec_call call = {
		.syscall = ES_SYSCALL_EXECVEAT,
		.filename = (const char *)ctx->args[1],
		.argv = (const char *const *)ctx->args[2],
		.dirfd = (__s32)ctx->args[0],
		.at_flags = (__u32)ctx->args[4],
	};

	return exec_entry(&call);
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int tp_exit_execveat(struct syscall_exit_record *ctx)
{
	return exec_exit(ctx->ret);
}
