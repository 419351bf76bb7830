// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer harness for the BTF parser: arbitrary bytes through
 * es_btf_open_mem() (raw BTF of either byte order, or an ELF image), as base
 * BTF and as split BTF over a fixed small base (task_btf.c); on success,
 * lookups of the sensor's fields and of members of the structs the input
 * declares, and a base input is opened again as split BTF over itself.
 * Everything the parser accepts must be safe to look up.
 */
#include <stdio.h>
#include <string.h>

#include "btf.h"
#include "btf_internal.h"
#include "task_btf.h"

/* Structs whose members are looked up per input: enough to reach deep code, bounded in time. */
#define MAX_STRUCTS 16

static const char *const fixed_paths[] = {
	"task_struct.real_parent",
	"task_struct.tgid",
	"mm_struct.exe_file",
	"dentry.d_name.name",
	"qstr.len",
	"a.b",
	"a.b.c.d",
};

static void lookup_declared_members(const struct es_btf *btf)
{
	const struct btf_type *t;
	const struct btf_member *m;
	struct es_btf_member_info info;
	struct es_btf_diag diag;
	char path[2 * ES_BTF_TYPE_NAME_MAX];
	uint32_t i, j;

	for (i = 0; i < btf->nr_composites && i < MAX_STRUCTS; i++) {
		t = es_btf_type_by_id(btf, btf->composites[i]);
		m = es_btf_members(t);
		for (j = 0; j < es_btf_vlen(t) && j < MAX_STRUCTS; j++, m++) {
			snprintf(path, sizeof(path), "%.120s.%.120s", es_btf_name(btf, t->name_off),
				 es_btf_name(btf, m->name_off));
			es_btf_member_lookup(btf, path, &info, &diag);
		}
	}
}

static void exercise(const struct es_btf *btf)
{
	struct es_btf_member_info info;
	struct es_btf_diag diag;
	size_t i;

	(void)es_btf_type_cnt(btf);
	(void)es_btf_is_swapped(btf);
	for (i = 0; i < sizeof(fixed_paths) / sizeof(fixed_paths[0]); i++)
		es_btf_member_lookup(btf, fixed_paths[i], &info, &diag);
	lookup_declared_members(btf);
}

static void *base_blob;
static struct es_btf *base;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct es_btf_diag diag;
	size_t size;
	struct bb b;

	(void)argc;
	(void)argv;
	task_btf_build(&b);
	base_blob = bb_blob(&b, false, &size);
	bb_free(&b);
	if (es_btf_open_mem(base_blob, size, NULL, &base, &diag))
		__builtin_trap(); /* the harness's own base must open */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct es_btf *btf, *split;
	struct es_btf_diag diag;

	/* Split BTF over a real base: ids and name offsets start after the base's. */
	if (!es_btf_open_mem(data, size, base, &split, &diag)) {
		exercise(split);
		es_btf_free(split);
	}
	if (es_btf_open_mem(data, size, NULL, &btf, &diag)) {
		/* Every failure is explained. */
		if (!diag.msg[0] || diag.code >= 0)
			__builtin_trap();
		return 0;
	}
	exercise(btf);
	/* The same bytes as split BTF over themselves: ids and strings continue. */
	if (!es_btf_open_mem(data, size, btf, &split, &diag)) {
		exercise(split);
		es_btf_free(split);
	}
	es_btf_free(btf);
	return 0;
}
