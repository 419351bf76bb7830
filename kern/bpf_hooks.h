/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What each hook is given, in layouts that are ABI: the syscall's argument
 * registers (uapi pt_regs) and the tracepoints' records (their format files).
 */
#ifndef EXECSENSOR_BPF_HOOKS_H
#define EXECSENSOR_BPF_HOOKS_H

#include <linux/types.h>
#include <asm/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bpf_maps.h"

/* The syscall registers as the uapi lays them out (ABI): only the argument registers. */
#if defined(__TARGET_ARCH_x86)
typedef struct pt_regs es_user_regs;
#define ES_SYSCALL_ARG0(r) ((r)->rdi)
#define ES_SYSCALL_ARG1(r) ((r)->rsi)
#define ES_SYSCALL_ARG2(r) ((r)->rdx)
#define ES_SYSCALL_ARG3(r) ((r)->r10)
#define ES_SYSCALL_ARG4(r) ((r)->r8)
#elif defined(__TARGET_ARCH_arm64)
typedef struct user_pt_regs es_user_regs;
#define ES_SYSCALL_ARG0(r) ((r)->regs[0])
#define ES_SYSCALL_ARG1(r) ((r)->regs[1])
#define ES_SYSCALL_ARG2(r) ((r)->regs[2])
#define ES_SYSCALL_ARG3(r) ((r)->regs[3])
#define ES_SYSCALL_ARG4(r) ((r)->regs[4])
#else
#error "execsensor builds for __TARGET_ARCH_x86 or __TARGET_ARCH_arm64"
#endif

/*
 * syscalls:sys_enter_* and sys_exit_* records (see the events' format files:
 * an 8-byte common header, __syscall_nr, then one 8-byte slot per argument).
 */
struct syscall_enter_record {
	__u64 common;
	__s32 syscall_nr;
	__u32 pad;
	__u64 args[6];
};

struct syscall_exit_record {
	__u64 common;
	__s32 syscall_nr;
	__u32 pad;
	__s64 ret;
};

/*
 * sched:sched_process_exec's record: the 8-byte common header, then
 * filename as a __data_loc (offset from the record's start in the low 16
 * bits, length with the NUL in the high 16), pid and old_pid.
 */
struct sched_process_exec_record {
	__u64 common;
	__u32 filename_loc;
	__s32 pid;
	__s32 old_pid;
};

/*
 * sched:sched_process_fork's record, in its two layouts: the header, then
 * parent_comm, parent_pid, child_comm, child_pid, the comms as char[16]
 * (child_pid at 44) or, in newer kernels, as __data_loc (child_pid at 20).
 * The loader reads which from the format file and loads the program for it.
 */
struct sched_process_fork_record {
	__u64 common;
	char parent_comm[16];
	__s32 parent_pid;
	char child_comm[16];
	__s32 child_pid;
};

struct sched_process_fork_record_loc {
	__u64 common;
	__u32 parent_comm_loc;
	__s32 parent_pid;
	__u32 child_comm_loc;
	__s32 child_pid;
};

/* sched:sched_process_exit's: the header, comm[16], pid (the exiting thread). */
struct sched_process_exit_record {
	__u64 common;
	char comm[16];
	__s32 pid;
};

/*
 * The syscall's registers at a kprobe on its function. Every kernel with a
 * BPF ring buffer (5.8+) has the syscall wrapper on x86_64 (4.17+) and arm64
 * (4.19+): the function's only argument points to the user pt_regs.
 */
static __always_inline int syscall_regs(struct pt_regs *ctx, es_user_regs *regs)
{
	if (!kernel_reads)
		return -1; /* lockdown refuses kernel reads: kprobe mode cannot work */
	return bpf_probe_read_kernel(regs, sizeof(*regs), (void *)PT_REGS_PARM1(ctx));
}

#endif /* EXECSENSOR_BPF_HOOKS_H */
