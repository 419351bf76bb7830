/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Lineage: fork records (a new process, its start time through FORK_OFFSETS)
 * and exit records (a process's last thread through EXIT_OFFSETS), stamped
 * without a clock read where the kernel allows.
 */
#ifndef EXECSENSOR_BPF_LINEAGE_H
#define EXECSENSOR_BPF_LINEAGE_H

#include "bpf_offsets.h"
#include "bpf_output.h"

/* Fork records and whether the kernel can tell threads apart: TASK_OFFSETS' tgid. */
static __always_inline __u32 tgid_offset(void)
{
	__u32 o[ES_TASK_OFF__MAX];

	return kernel_reads && !task_offsets(o) ? o[ES_TASK_OFF_TGID] : 0;
}

/*
 * A fork record, stamped @time_ns: the clock's, or the child's own start
 * time (ES_FORK_F_START_TIME in @flags).
 */
static __always_inline void fork_record(__u32 child, __u32 flags, __u64 time_ns)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct es_fork_record r = {
		.hdr = { .type = ES_RECORD_FORK,
			 .pid = child,
			 .tid = child,
			 .flags = flags,
			 .time_ns = time_ns },
		.parent_pid = pid_tgid >> 32,
		.parent_tid = (__u32)pid_tgid,
	};

	submit(&r, sizeof(r), sizeof(r), ES_STAT_LOST_FORK);
}

/*
 * The child's start_boottime (FORK_OFFSETS), which copy_process() has just
 * set: the fork's time without a clock read (which may trap on a virtual
 * machine), and /proc/<pid>/stat's starttime exactly.
 * Without the offset, or when the read fails, the clock.
 */
static __always_inline __u64 fork_time(const void *child, __u32 *flags)
{
	__u32 o[ES_FORK_OFF__MAX];
	__u64 start = 0;

	if (!fork_offsets(o) &&
	    !bpf_probe_read_kernel(&start, sizeof(start), child + o[ES_FORK_OFF_START_BOOTTIME]) &&
	    start) {
		*flags |= ES_FORK_F_START_TIME;
		return start;
	}
	return bpf_ktime_get_boot_ns();
}

static __always_inline int fork_any_task(__s32 child)
{
	if (!tgid_offset())
		fork_record((__u32)child, ES_FORK_F_KIND_UNKNOWN, bpf_ktime_get_boot_ns());
	return 0; /* else raw_sched_fork tells processes from threads */
}

/*
 * The current task exits (sched_process_exit, after exit_code is set and
 * signal->live decremented): a process's end when it is the last thread,
 * with its status. Without EXIT_OFFSETS, the leader's exit stands for it.
 */
static __always_inline void exit_record(__u32 tid)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct es_exit_record r = {
		.hdr = { .type = ES_RECORD_EXIT, .pid = pid_tgid >> 32, .tid = tid },
	};
	void *task, *signal = NULL;
	__u32 o[ES_EXIT_OFF__MAX];
	__s32 live = 1;

	if (!lineage)
		return;
	if (kernel_reads && !exit_offsets(o)) {
		task = (void *)bpf_get_current_task();
		if (bpf_probe_read_kernel(&signal, sizeof(signal), task + o[ES_EXIT_OFF_SIGNAL]) ||
		    !signal ||
		    bpf_probe_read_kernel(&live, sizeof(live), signal + o[ES_EXIT_OFF_LIVE]) ||
		    bpf_probe_read_kernel(&r.exit_code, sizeof(r.exit_code),
					  task + o[ES_EXIT_OFF_EXIT_CODE])) {
			stat_inc(ES_STAT_KERNEL_READ_FAIL);
			live = 0; /* unknown: as the leader's exit below */
			r.exit_code = 0;
			if (r.hdr.tid != r.hdr.pid)
				return;
			r.hdr.flags = ES_EXIT_F_LEADER;
		} else if (live) {
			return; /* other threads of the process go on */
		} else {
			r.hdr.flags = ES_EXIT_F_CODE;
		}
	} else if (r.hdr.tid == r.hdr.pid) {
		r.hdr.flags = ES_EXIT_F_LEADER;
	} else if (!tgid_offset()) {
		r.hdr.flags =
			ES_EXIT_F_THREAD; /* its fork record may have been taken for a process */
	} else {
		return;
	}
	/* No clock read (it may trap on a virtual machine): the loader makes it a time. */
	r.hdr.flags |= ES_EXIT_F_TIME_JIFFIES;
	r.hdr.time_ns = bpf_jiffies64();
	submit(&r, sizeof(r), sizeof(r), ES_STAT_LOST_EXIT);
}

#endif /* EXECSENSOR_BPF_LINEAGE_H */
