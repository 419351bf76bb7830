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
 * One reader per offset group: the group's offsets into @o, by its keys
 * (enum es_*_offset, execsensor.h); 0, or -1 when the group is off (the
 * loader writes a group whole or as 0 everywhere).
 */
static __always_inline int task_offsets(__u32 o[ES_TASK_OFF__MAX])
{
	return offsets_get(&TASK_OFFSETS, o, ES_TASK_OFF__MAX, ES_TASK_OFF__MAX);
}

static __always_inline int exec_offsets(__u32 o[ES_EXEC_OFF__MAX])
{
	return offsets_get(&EXEC_OFFSETS, o, ES_EXEC_OFF__MAX, ES_EXEC_OFF__MAX);
}

static __always_inline int exe_offsets(__u32 o[ES_EXE_OFF__MAX])
{
	return offsets_get(&EXE_OFFSETS, o, ES_EXE_OFF__MAX, ES_EXE_OFF__MAX);
}

static __always_inline int exit_offsets(__u32 o[ES_EXIT_OFF__MAX])
{
	return offsets_get(&EXIT_OFFSETS, o, ES_EXIT_OFF__MAX, ES_EXIT_OFF__MAX);
}

static __always_inline int cred_offsets(__u32 o[ES_CRED_OFF__MAX])
{
	return offsets_get(&CRED_OFFSETS, o, ES_CRED_OFF__MAX, ES_CRED_OFF__MAX);
}

static __always_inline int audit_offsets(__u32 o[ES_AUDIT_OFF__MAX])
{
	return offsets_get(&AUDIT_OFFSETS, o, ES_AUDIT_OFF__MAX, ES_AUDIT_OFF__MAX);
}

static __always_inline int tty_offsets(__u32 o[ES_TTY_OFF__MAX])
{
	return offsets_get(&TTY_OFFSETS, o, ES_TTY_OFF__MAX, ES_TTY_OFF__MAX);
}

static __always_inline int ns_offsets(__u32 o[ES_NS_OFF__MAX])
{
	return offsets_get(&NS_OFFSETS, o, ES_NS_OFF__MAX, ES_NS_OFF__MAX);
}

/* upid.nr is at offset 0 of struct upid: its 0 is a value. */
static __always_inline int pidns_offsets(__u32 o[ES_PIDNS_OFF__MAX])
{
	return offsets_get(&PIDNS_OFFSETS, o, ES_PIDNS_OFF__MAX, ES_PIDNS_OFF_UPID_NR);
}

static __always_inline int fork_offsets(__u32 o[ES_FORK_OFF__MAX])
{
	return offsets_get(&FORK_OFFSETS, o, ES_FORK_OFF__MAX, ES_FORK_OFF__MAX);
}

static __always_inline void *read_ptr(const void *base, __u32 off)
{
	void *p = NULL;

	bpf_probe_read_kernel(&p, sizeof(p), base + off);
	return p;
}

#endif /* EXECSENSOR_BPF_OFFSETS_H */
