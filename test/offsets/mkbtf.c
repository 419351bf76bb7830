// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Writes the synthetic BTF files the execsensor-offsets CLI test reads, with
 * test/btf's builder:
 *   good.btf          task_struct and mm_struct with every table field well-formed
 *                     (mm_struct's in an anonymous struct, as in the kernel), and a bitfield
 *   good-swapped.btf  good.btf in the other byte order
 *   bad-types.btf     real_parent an int, tgid a 3-bit bitfield
 *   base.btf          a vmlinux-like base: good.btf's types
 *   split.btf         split BTF over base.btf: a module struct using base types
 * usage: offsets-mkbtf DIR
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/btf.h>

#include "btf_builder.h"

static int write_file(const char *dir, const char *name, const struct bb *b, bool swapped)
{
	bool big_endian = swapped == (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__);
	char path[4096];
	size_t size;
	void *blob;
	FILE *f;
	int err = 0;

	blob = bb_blob(b, big_endian, &size);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(blob, 1, size, f) != size) {
		fprintf(stderr, "offsets-mkbtf: %s: %s\n", path, strerror(errno));
		err = -1;
	}
	if (f && fclose(f) && !err) {
		fprintf(stderr, "offsets-mkbtf: %s: %s\n", path, strerror(errno));
		err = -1;
	}
	free(blob);
	return err;
}

struct ids {
	uint32_t int_id, uint_id, ulong_id, pid_t_id, ptr_task;
};

/* The types every file starts with; the task_struct pointer refers to the struct added next. */
static void add_common(struct bb *b, struct ids *ids)
{
	ids->int_id = bb_int(b, "int", 4, BTF_INT_SIGNED, 32);
	ids->uint_id = bb_int(b, "unsigned int", 4, 0, 32);
	ids->ulong_id = bb_int(b, "long unsigned int", 8, 0, 64);
	ids->pid_t_id = bb_ref(b, BTF_KIND_TYPEDEF, "pid_t", ids->int_id);
	ids->ptr_task = bb_ref(b, BTF_KIND_PTR, NULL, bb_next_id(b) + 1);
}

/*
 * task_struct and mm_struct as on this host's 6.18 kernel: mm at 1136, tgid
 * at 1268, real_parent at 1280; arg_start at 480 and arg_end at 488 of
 * mm_struct, inside its anonymous struct.
 */
static void add_good_task(struct bb *b, const struct ids *ids)
{
	uint32_t task = bb_next_id(b), ptr_mm = task + 1, mm = task + 2, mm_anon = task + 3;

	bb_struct(b, "task_struct", 3264, true); /* kflag: in_execve is a bitfield */
	bb_member(b, "thread_flags", ids->uint_id, 0, 0);
	bb_member(b, "mm", ptr_mm, 1136 * 8, 0);
	bb_member(b, "in_execve", ids->uint_id, 1188 * 8 + 3, 1);
	bb_member(b, "pid", ids->pid_t_id, 1264 * 8, 0);
	bb_member(b, "tgid", ids->pid_t_id, 1268 * 8, 0);
	bb_member(b, "real_parent", ids->ptr_task, 1280 * 8, 0);
	bb_ref(b, BTF_KIND_PTR, NULL, mm);
	bb_struct(b, "mm_struct", 1344, false);
	bb_member(b, NULL, mm_anon, 0, 0);
	bb_struct(b, NULL, 1344, false);
	bb_member(b, "arg_start", ids->ulong_id, 480 * 8, 0);
	bb_member(b, "arg_end", ids->ulong_id, 488 * 8, 0);
}

int main(int argc, char **argv)
{
	struct bb b, s;
	struct ids ids;
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: offsets-mkbtf DIR\n");
		return 2;
	}

	bb_init(&b, NULL);
	add_common(&b, &ids);
	add_good_task(&b, &ids);
	err = write_file(argv[1], "good.btf", &b, false) ||
	      write_file(argv[1], "good-swapped.btf", &b, true) ||
	      write_file(argv[1], "base.btf", &b, false);

	bb_init(&s, &b);
	bb_struct(&s, "es_test_module_state", 16, false);
	bb_member(&s, "flags", ids.uint_id, 0, 0);
	bb_member(&s, "owner_tgid", ids.pid_t_id, 32, 0);
	bb_member(&s, "owner", ids.ptr_task, 64, 0);
	err = err || write_file(argv[1], "split.btf", &s, false);
	bb_free(&s);
	bb_free(&b);

	bb_init(&b, NULL);
	add_common(&b, &ids);
	bb_struct(&b, "task_struct", 3264, true); /* kflag: tgid is a bitfield */
	bb_member(&b, "tgid", ids.int_id, 1268 * 8, 3);
	bb_member(&b, "real_parent", ids.int_id, 1280 * 8, 0);
	err = err || write_file(argv[1], "bad-types.btf", &b, false);
	bb_free(&b);
	return err ? 1 : 0;
}
