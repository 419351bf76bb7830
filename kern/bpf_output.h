/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Records out: the stats counters, the scratch buffer a record is built in, and
 * its copy into the ring buffer at its exact size, or counted lost.
 */
#ifndef EXECSENSOR_BPF_OUTPUT_H
#define EXECSENSOR_BPF_OUTPUT_H

#include "bpf_maps.h"

static __always_inline void stat_add(__u32 slot, __u64 n)
{
	__u64 *count = bpf_map_lookup_elem(&STATS, &slot);

	/* Atomic: a preemptible program may be interrupted by another on this CPU. */
	if (count)
		__sync_fetch_and_add(count, n);
}

static __always_inline void stat_inc(__u32 slot)
{
	stat_add(slot, 1);
}

static __always_inline __u64 submit_flags(void)
{
	if (bpf_ringbuf_query(&EVENTS, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

/*
 * A whole record into the ring buffer, or counted lost as @lost_slot. @max
 * is the size of @rec's memory, a constant at each call: the verifier's bound.
 */
static __always_inline int submit(void *rec, __u64 size, __u64 max, __u32 lost_slot)
{
	if (size > max)
		size = max; /* never: records claim no more than they hold */
	if (bpf_ringbuf_output(&EVENTS, rec, size, submit_flags())) {
		stat_inc(ES_STAT_RINGBUF_FULL);
		stat_inc(lost_slot);
		return -1;
	}
	stat_inc(ES_STAT_EVENTS);
	stat_add(ES_STAT_BYTES, size);
	return 0;
}

/*
 * An exec or failure record (at the start of @rec's @max bytes); a kernel
 * ppid is counted per record sent, not per read: a folded PATH miss's read
 * makes no record.
 */
static __always_inline void submit_exec(void *rec, __u64 max, __u32 lost_slot)
{
	struct es_exec_record *r = rec;

	if (!submit(rec, es_exec_record_size(r), max, lost_slot) &&
	    (r->hdr.flags & ES_EXEC_F_PPID_KERNEL))
		stat_inc(ES_STAT_PPID_KERNEL);
}

static __always_inline struct scratch *scratch_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&SCRATCH, &zero);
}

#endif /* EXECSENSOR_BPF_OUTPUT_H */
