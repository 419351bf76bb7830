/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The offset maps, read: a byte offset by group and key (0: absent), and a
 * pointer read at one.
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

static __always_inline void *read_ptr(const void *base, __u32 off)
{
	void *p = NULL;

	bpf_probe_read_kernel(&p, sizeof(p), base + off);
	return p;
}

#endif /* EXECSENSOR_BPF_OFFSETS_H */
