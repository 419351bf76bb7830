/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * PATH searches folded: a miss's failure record held (HELD) until the search
 * ends, then dropped (an exec succeeded) or reported.
 */
#ifndef EXECSENSOR_BPF_HELD_H
#define EXECSENSOR_BPF_HELD_H

#include "bpf_output.h"

static __always_inline void held_count_add(__s64 n)
{
	__u32 zero = 0;
	__s64 *count = bpf_map_lookup_elem(&HELD_COUNT, &zero);

	if (count)
		__sync_fetch_and_add(count, n);
}

static __always_inline int held_any(void)
{
	__u32 zero = 0;
	__s64 *count = bpf_map_lookup_elem(&HELD_COUNT, &zero);

	return count && *count > 0;
}

/* Keep @s as thread @tid's held miss, replacing an earlier one. 0 or the map's error. */
static __always_inline long held_put(__u32 tid, void *s)
{
	long err = bpf_map_update_elem(&HELD, &tid, s, BPF_NOEXIST);

	if (!err) {
		held_count_add(1);
		return 0;
	}
	return bpf_map_update_elem(&HELD, &tid, s, BPF_EXIST);
}

static __always_inline void held_delete(__u32 tid)
{
	if (!bpf_map_delete_elem(&HELD, &tid))
		held_count_add(-1);
}

/* The thread's held PATH-search miss, if any, as the search's end: reported now. */
static __always_inline void flush_held(__u32 tid)
{
	struct held *h;

	if (!held_any())
		return;
	h = bpf_map_lookup_elem(&HELD, &tid);
	if (!h)
		return;
	submit_exec(h, sizeof(*h), ES_STAT_LOST_FAILURE);
	held_delete(tid);
}

#endif /* EXECSENSOR_BPF_HELD_H */
