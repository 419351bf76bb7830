// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * btf_resolve_libbpf: the baseline for figure 1. Resolves the sensor's two
 * fields, task_struct.real_parent and task_struct.tgid, the way a program
 * built on libbpf would: btf__parse() the whole file, find the struct by name,
 * walk its members (descending into anonymous structs and unions, as
 * randstruct kernels need), and check each member's type as the offset table
 * does. libbpf's btf__* API is allowed here only as a baseline to measure
 * execsensor-offsets against; execsensor itself never uses it.
 *
 *   btf_resolve_libbpf [BTF_PATH]     (default /sys/kernel/btf/vmlinux)
 *
 * Prints "FIELD BYTE_OFFSET" per field. Exit status: 0 all resolved, 1 some
 * unresolved, 2 unusable input.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#define ANON_DEPTH_MAX 32

/* Skip typedefs and modifiers; 0 when the chain is broken. */
static __u32 skip_mods(const struct btf *btf, __u32 id)
{
	for (int depth = 0; depth < ANON_DEPTH_MAX; depth++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (!t)
			return 0;
		if (!btf_is_typedef(t) && !btf_is_mod(t))
			return id;
		id = t->type;
	}
	return 0;
}

/* Find @name among @sid's members, anonymous members included; bit offset out. */
static int find_member(const struct btf *btf, __u32 sid, const char *name, int depth,
		       __u32 *bit_off, __u32 *type_id)
{
	const struct btf_type *t = btf__type_by_id(btf, sid);
	const struct btf_member *m;

	if (!t || !btf_is_composite(t) || depth > ANON_DEPTH_MAX)
		return -ENOENT;
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++) {
		const char *mname = btf__name_by_offset(btf, m->name_off);
		__u32 off = btf_member_bit_offset(t, i);

		if (mname && *mname) {
			if (strcmp(mname, name))
				continue;
			if (btf_member_bitfield_size(t, i))
				return -EINVAL;
			*bit_off = off;
			*type_id = m->type;
			return 0;
		}
		/* An anonymous struct or union: its members are the parent's. */
		if (!find_member(btf, skip_mods(btf, m->type), name, depth + 1, bit_off, type_id)) {
			*bit_off += off;
			return 0;
		}
	}
	return -ENOENT;
}

static int check_ptr_to_struct(const struct btf *btf, __u32 id, const char *sname)
{
	const struct btf_type *t = btf__type_by_id(btf, skip_mods(btf, id));

	if (!t || !btf_is_ptr(t))
		return -EINVAL;
	t = btf__type_by_id(btf, skip_mods(btf, t->type));
	if (!t || !btf_is_struct(t) || strcmp(btf__name_by_offset(btf, t->name_off), sname))
		return -EINVAL;
	return 0;
}

static int check_int(const struct btf *btf, __u32 id, __u32 size)
{
	const struct btf_type *t = btf__type_by_id(btf, skip_mods(btf, id));

	return t && btf_is_int(t) && t->size == size ? 0 : -EINVAL;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/sys/kernel/btf/vmlinux";
	__u32 off, tid;
	struct btf *btf;
	int sid, unresolved = 0;

	btf = btf__parse(path, NULL);
	if (!btf) {
		fprintf(stderr, "btf_resolve_libbpf: %s: %s\n", path, strerror(errno));
		return 2;
	}
	sid = btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT);
	if (sid < 0) {
		fprintf(stderr, "btf_resolve_libbpf: %s: no struct task_struct\n", path);
		btf__free(btf);
		return 1;
	}
	if (!find_member(btf, sid, "real_parent", 0, &off, &tid) &&
	    !check_ptr_to_struct(btf, tid, "task_struct"))
		printf("task_struct.real_parent %u\n", off / 8);
	else
		unresolved++;
	if (!find_member(btf, sid, "tgid", 0, &off, &tid) && !check_int(btf, tid, 4))
		printf("task_struct.tgid %u\n", off / 8);
	else
		unresolved++;
	btf__free(btf);
	return unresolved ? 1 : 0;
}
