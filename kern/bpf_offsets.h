/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The offset maps, read: each group through its reader (one per group), and a
 * pointer read at an offset.
 */
#ifndef EXECSENSOR_BPF_OFFSETS_H
#define EXECSENSOR_BPF_OFFSETS_H

#include "bpf_maps.h"

static __always_inline __u32 offset_of(void *map, __u32 key)
{
	__u32 *off = bpf_map_lookup_elem(map, &key);

	return off ? *off : 0;
}

/*
 * A group's @n offsets into @v: 0, or -1 when the group is off (a key is 0;
 * @may_be_0, a field at offset 0 of its struct, excepted; @n: none).
 */
static __always_inline int offsets_get(void *map, __u32 *v, __u32 n, __u32 may_be_0)
{
	__u32 i;

	for (i = 0; i < n; i++) {
		v[i] = offset_of(map, i);
		if (!v[i] && i != may_be_0)
			return -1;
	}
	return 0;
}

/*
 * One reader per offset group, NAME(o): the group's offsets into @o, by its
 * keys (enum es_*_offset, execsensor.h); 0, or -1 when the group is off (the
 * loader writes a group whole or as 0 everywhere). @zero_ok: the key whose
 * field may be at offset 0 of its struct (@keys: none).
 */
#define OFFSET_GROUP_READER(name, map, keys, zero_ok)       \
	static __always_inline int name(__u32 o[keys])      \
	{                                                   \
		return offsets_get(&map, o, keys, zero_ok); \
	}

OFFSET_GROUP_READER(task_offsets, TASK_OFFSETS, ES_TASK_OFF__MAX, ES_TASK_OFF__MAX)
OFFSET_GROUP_READER(exec_offsets, EXEC_OFFSETS, ES_EXEC_OFF__MAX, ES_EXEC_OFF__MAX)
OFFSET_GROUP_READER(exe_offsets, EXE_OFFSETS, ES_EXE_OFF__MAX, ES_EXE_OFF__MAX)
OFFSET_GROUP_READER(exit_offsets, EXIT_OFFSETS, ES_EXIT_OFF__MAX, ES_EXIT_OFF__MAX)
OFFSET_GROUP_READER(cred_offsets, CRED_OFFSETS, ES_CRED_OFF__MAX, ES_CRED_OFF__MAX)
OFFSET_GROUP_READER(audit_offsets, AUDIT_OFFSETS, ES_AUDIT_OFF__MAX, ES_AUDIT_OFF__MAX)
OFFSET_GROUP_READER(tty_offsets, TTY_OFFSETS, ES_TTY_OFF__MAX, ES_TTY_OFF__MAX)
OFFSET_GROUP_READER(ns_offsets, NS_OFFSETS, ES_NS_OFF__MAX, ES_NS_OFF__MAX)
/* upid.nr is at offset 0 of struct upid. */
OFFSET_GROUP_READER(pidns_offsets, PIDNS_OFFSETS, ES_PIDNS_OFF__MAX, ES_PIDNS_OFF_UPID_NR)
OFFSET_GROUP_READER(fork_offsets, FORK_OFFSETS, ES_FORK_OFF__MAX, ES_FORK_OFF__MAX)

static __always_inline void *read_ptr(const void *base, __u32 off)
{
	void *p = NULL;

	bpf_probe_read_kernel(&p, sizeof(p), base + off);
	return p;
}

#endif /* EXECSENSOR_BPF_OFFSETS_H */
