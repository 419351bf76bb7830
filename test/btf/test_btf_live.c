// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The parser on the running kernel's BTF, against independent oracles:
 * libbpf's btf__* API (allowed in tests) and bpftool's raw dump.
 */
#include <bpf/btf.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf.h"

#define VMLINUX "/sys/kernel/btf/vmlinux"

/* ctest's skip code (SKIP_RETURN_CODE in CMakeLists.txt). */
#define EXIT_SKIP 77

static struct btf *ours;
static struct btf *oracle; /* libbpf's, a different struct btf: only used through btf__* */

static void open_both(void)
{
	struct btf_diag diag;
	int err;

	err = btf_open_file(VMLINUX, NULL, &ours, &diag);
	ck_assert_msg(err == 0, "%s: %s", VMLINUX, diag.msg);
	oracle = btf__parse(VMLINUX, NULL);
	ck_assert_msg(oracle, "libbpf cannot parse %s: %s", VMLINUX, strerror(errno));
}

static void close_both(void)
{
	btf_free(ours);
	btf__free(oracle);
}

/* What libbpf says about member @name of struct/union @sid, searching anonymous members. */
struct oracle_member {
	__u32 bit_offset;
	__u32 bit_size;
	__u32 type;
};

static bool oracle_find(__u32 sid, const char *name, __u32 base_bits, struct oracle_member *om)
{
	const struct btf_type *t = btf__type_by_id(oracle, sid);
	const struct btf_member *m = btf_members(t);
	const char *mname;
	int i, rid;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		mname = btf__name_by_offset(oracle, m->name_off);
		if (mname && *mname) {
			if (strcmp(mname, name))
				continue;
			om->bit_offset = base_bits + btf_member_bit_offset(t, i);
			om->bit_size = btf_member_bitfield_size(t, i);
			om->type = m->type;
			return true;
		}
		rid = btf__resolve_type(oracle, m->type);
		if (rid > 0 && btf_is_composite(btf__type_by_id(oracle, rid)) &&
		    oracle_find(rid, name, base_bits + btf_member_bit_offset(t, i), om))
			return true;
	}
	return false;
}

/* The oracle's answer for "struct.member[.member]", from the first struct of that name. */
static void oracle_lookup(const char *path, struct oracle_member *om)
{
	char buf[256], *comp, *save = NULL;
	__u32 bits = 0;
	int id, rid;

	snprintf(buf, sizeof(buf), "%s", path);
	comp = strtok_r(buf, ".", &save);
	id = btf__find_by_name_kind(oracle, comp, BTF_KIND_STRUCT);
	ck_assert_msg(id > 0, "libbpf: no struct %s", comp);
	while ((comp = strtok_r(NULL, ".", &save))) {
		ck_assert_msg(oracle_find(id, comp, bits, om), "libbpf: no member %s in %s", comp,
			      path);
		bits = om->bit_offset;
		rid = btf__resolve_type(oracle, om->type);
		id = rid;
	}
}

static void compare_with_oracle(const char *path, struct btf_member_info *mi)
{
	struct oracle_member om;
	struct btf_diag diag;
	int err;

	err = btf_member_lookup(ours, path, mi, &diag);
	ck_assert_msg(err == 0, "%s: %s", path, diag.msg);
	oracle_lookup(path, &om);
	ck_assert_msg(mi->bit_offset == om.bit_offset, "%s: bit offset %u, libbpf %u", path,
		      mi->bit_offset, om.bit_offset);
	ck_assert_uint_eq(mi->offset, om.bit_offset / 8);
	ck_assert_uint_eq(mi->bit_size, om.bit_size);
	ck_assert_int_eq((int)mi->size, btf__resolve_size(oracle, om.type));
	ck_assert_int_eq((int)mi->type_id, btf__resolve_type(oracle, om.type));
}

START_TEST(member_offset_resolves_task_struct_fields)
{
	struct btf_member_info mi;
	const struct btf_type *t;

	open_both();

	/* The two fields the sensor reads, with the types it needs. */
	compare_with_oracle("task_struct.real_parent", &mi);
	ck_assert_uint_eq(mi.kind, BTF_KIND_PTR);
	ck_assert_uint_eq(mi.size, 8);
	ck_assert_uint_eq(mi.target_kind, BTF_KIND_STRUCT);
	ck_assert_str_eq(mi.target_name, "task_struct");
	ck_assert_str_eq(mi.type_name, "struct task_struct *");
	t = btf__type_by_id(oracle, mi.target_id);
	ck_assert_str_eq(btf__name_by_offset(oracle, t->name_off), "task_struct");

	compare_with_oracle("task_struct.tgid", &mi);
	ck_assert_uint_eq(mi.kind, BTF_KIND_INT);
	ck_assert_uint_eq(mi.size, 4);
	ck_assert_uint_eq(mi.bit_size, 0);
	ck_assert_str_eq(mi.type_name, "pid_t");
	ck_assert_uint_eq(mi.int_encoding, BTF_INT_SIGNED);

	compare_with_oracle("task_struct.pid", &mi);
	compare_with_oracle("task_struct.mm", &mi);
	ck_assert_str_eq(mi.type_name, "struct mm_struct *");
	compare_with_oracle("task_struct.comm", &mi);
	ck_assert_uint_eq(mi.kind, BTF_KIND_ARRAY);
	compare_with_oracle("mm_struct.exe_file", &mi);
	ck_assert_str_eq(mi.target_name, "file");
	compare_with_oracle("dentry.d_name.name", &mi);
	ck_assert_str_eq(mi.type_name, "const unsigned char *");
	compare_with_oracle("dentry.d_name.len", &mi);
	close_both();
}
END_TEST

START_TEST(type_count_matches_libbpf_and_bpftool)
{
	unsigned int last = 0, id;
	char line[512];
	FILE *dump;

	open_both();
	ck_assert_uint_eq(btf_type_cnt(ours), btf__type_cnt(oracle));
	ck_assert_int_eq(btf_is_swapped(ours), 0);

	dump = popen("bpftool btf dump file " VMLINUX " format raw", "r");
	ck_assert_ptr_nonnull(dump);
	while (fgets(line, sizeof(line), dump))
		if (sscanf(line, "[%u]", &id) == 1)
			last = id;
	ck_assert_int_eq(pclose(dump), 0);
	/* bpftool lists ids 1..N; the count includes void. */
	ck_assert_uint_eq(btf_type_cnt(ours), last + 1);
	close_both();
}
END_TEST

/* Every named member of @sid (direct; anonymous ones are reached by their members' names). */
static void check_members_of(__u32 sid, const char *sname, int *checked)
{
	const struct btf_type *t = btf__type_by_id(oracle, sid);
	const struct btf_member *m = btf_members(t);
	struct btf_member_info mi;
	struct oracle_member om;
	struct btf_diag diag;
	char path[512];
	const char *mname;
	int i, err;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		mname = btf__name_by_offset(oracle, m->name_off);
		if (!mname || !*mname)
			continue;
		snprintf(path, sizeof(path), "%s.%s", sname, mname);
		err = btf_member_lookup(ours, path, &mi, &diag);
		ck_assert_msg(err == 0, "%s: %s", path, diag.msg);
		ck_assert(oracle_find(sid, mname, 0, &om));
		ck_assert_msg(mi.bit_offset == om.bit_offset, "%s: %u vs libbpf %u", path,
			      mi.bit_offset, om.bit_offset);
		ck_assert_uint_eq(mi.bit_size, om.bit_size);
		(*checked)++;
	}
}

struct named_id {
	const char *name;
	__u32 id;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct named_id *)a)->name, ((const struct named_id *)b)->name);
}

/*
 * Every tenth struct/union whose name no other struct/union shares: each
 * named member resolves to libbpf's offset. Thousands of real layouts.
 */
START_TEST(sampled_struct_members_match_libbpf)
{
	struct named_id *all;
	__u32 id, n, nr = 0, i, sampled = 0;
	const struct btf_type *t;
	const char *name;
	int checked = 0;

	open_both();
	n = btf__type_cnt(oracle);
	all = calloc(n, sizeof(*all));
	ck_assert_ptr_nonnull(all);
	for (id = 1; id < n; id++) {
		t = btf__type_by_id(oracle, id);
		name = btf__name_by_offset(oracle, t->name_off);
		if (btf_is_composite(t) && name && *name)
			all[nr++] = (struct named_id){ .name = name, .id = id };
	}
	qsort(all, nr, sizeof(*all), by_name);
	for (i = 0; i < nr; i++) {
		if ((i > 0 && !strcmp(all[i].name, all[i - 1].name)) ||
		    (i + 1 < nr && !strcmp(all[i].name, all[i + 1].name)) || all[i].id % 10)
			continue;
		check_members_of(all[i].id, all[i].name, &checked);
		sampled++;
	}
	free(all);
	ck_assert_uint_gt(sampled, 100);
	ck_assert_int_gt(checked, 1000);
	close_both();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("btf_live");
	TCase *tc = tcase_create("vmlinux");
	SRunner *sr;
	int failed;

	if (access(VMLINUX, R_OK)) {
		printf("SKIP: %s: %s (kernel built without CONFIG_DEBUG_INFO_BTF)\n", VMLINUX,
		       strerror(errno));
		return EXIT_SKIP;
	}
	tcase_add_test(tc, member_offset_resolves_task_struct_fields);
	tcase_add_test(tc, type_count_matches_libbpf_and_bpftool);
	tcase_add_test(tc, sampled_struct_members_match_libbpf);
	tcase_set_timeout(tc, 300);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
