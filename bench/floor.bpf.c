// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The floor of figure 2: the least a sensor can do per exec. One program at
 * sched:sched_process_exec takes one clock read and sends one 64-byte
 * record; execsensor's kernel cost per exec is measured against it in the
 * same run. Beside it, an empty program at the same point: what the
 * kernel's own timing of one run (kernel.bpf_stats_enabled) costs here, so
 * that sensors running different numbers of programs per exec can be
 * compared net of it.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct floor_record {
	__u64 time_ns;
	__u32 pid;
	__u32 pad[13];
};

_Static_assert(sizeof(struct floor_record) == 64, "a 64-byte record");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} FLOOR_EVENTS SEC(".maps");

SEC("tracepoint/sched/sched_process_exec")
int floor_exec(void *ctx)
{
	struct floor_record r = {};

	r.time_ns = bpf_ktime_get_boot_ns();
	r.pid = bpf_get_current_pid_tgid() >> 32;
	/* No wakeup: the reader polls, as execsensor's does below its threshold. */
	bpf_ringbuf_output(&FLOOR_EVENTS, &r, sizeof(r), BPF_RB_NO_WAKEUP);
	return 0;
}

SEC("tracepoint/sched/sched_process_exec")
int floor_bare(void *ctx)
{
	return 0;
}
