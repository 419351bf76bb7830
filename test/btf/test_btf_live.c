// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The parser on the running kernel's BTF, against independent oracles:
 * libbpf's btf__* API (allowed in tests) and bpftool's raw dump.
 */
#include <bpf/btf.h>
#include <byteswap.h>
#include <check.h>
#include <errno.h>
#include <linux/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf.h"
#include "btf_builder.h"
#include "check_main.h"

#define VMLINUX "/sys/kernel/btf/vmlinux"

static struct es_btf *ours;
static struct btf *oracle; /* libbpf's, a different struct btf: only used through btf__* */

static void open_both(void)
{
	struct es_btf_diag diag;
	int err;

	err = es_btf_open_file(VMLINUX, NULL, &ours, &diag);
	ck_assert_msg(err == 0, "%s: %s", VMLINUX, diag.msg);
	oracle = btf__parse(VMLINUX, NULL);
	ck_assert_msg(oracle, "libbpf cannot parse %s: %s", VMLINUX, strerror(errno));
}

static void close_both(void)
{
	es_btf_free(ours);
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

static void compare_with_oracle(const char *path, struct es_btf_member_info *mi)
{
	struct oracle_member om;
	struct es_btf_diag diag;
	int err;

	err = es_btf_member_lookup(ours, path, mi, &diag);
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
	struct es_btf_member_info mi;
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
	ck_assert_uint_eq(es_btf_type_cnt(ours), btf__type_cnt(oracle));
	ck_assert_int_eq(es_btf_is_swapped(ours), 0);

	dump = popen("bpftool btf dump file " VMLINUX " format raw", "r");
	ck_assert_ptr_nonnull(dump);
	while (fgets(line, sizeof(line), dump))
		if (sscanf(line, "[%u]", &id) == 1)
			last = id;
	ck_assert_int_eq(pclose(dump), 0);
	/* bpftool lists ids 1..N; the count includes void. */
	ck_assert_uint_eq(es_btf_type_cnt(ours), last + 1);
	close_both();
}
END_TEST

/* Every named member of @sid (direct; anonymous ones are reached by their members' names). */
static void check_members_of(__u32 sid, const char *sname, int *checked)
{
	const struct btf_type *t = btf__type_by_id(oracle, sid);
	const struct btf_member *m = btf_members(t);
	struct es_btf_member_info mi;
	struct oracle_member om;
	struct es_btf_diag diag;
	char path[512];
	const char *mname;
	int i, err;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		mname = btf__name_by_offset(oracle, m->name_off);
		if (!mname || !*mname)
			continue;
		snprintf(path, sizeof(path), "%s.%s", sname, mname);
		err = es_btf_member_lookup(ours, path, &mi, &diag);
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

/* The paths compared across representations of the same BTF. */
static const char *const paths[] = {
	"task_struct.real_parent", "task_struct.tgid",	 "task_struct.comm",
	"mm_struct.exe_file",	   "dentry.d_name.name", "sk_buff.len",
};

static void expect_same_lookups(const struct es_btf *a, const struct es_btf *b)
{
	struct es_btf_member_info ma, mb;
	struct es_btf_diag diag;
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		ck_assert_msg(!es_btf_member_lookup(a, paths[i], &ma, &diag), "%s", diag.msg);
		ck_assert_msg(!es_btf_member_lookup(b, paths[i], &mb, &diag), "%s", diag.msg);
		ck_assert_msg(!memcmp(&ma, &mb, sizeof(ma)), "%s differs", paths[i]);
	}
}

static void *read_all(const char *path, size_t *size)
{
	size_t cap = 1 << 20, n;
	char *buf = malloc(cap);
	FILE *f = fopen(path, "rb");

	ck_assert_ptr_nonnull(f);
	*size = 0;
	while ((n = fread(buf + *size, 1, cap - *size, f)) > 0) {
		*size += n;
		if (*size == cap)
			buf = realloc(buf, cap *= 2);
		ck_assert_ptr_nonnull(buf);
	}
	fclose(f);
	return buf;
}

/*
 * Native -> big-endian, written apart from the parser's swap.c (which goes
 * the other way and reads info after swapping): lengths from this table.
 */
static void swap_to_foreign(uint8_t *d, size_t size)
{
	static const unsigned int fixed[] = { [BTF_KIND_INT] = 1,
					      [BTF_KIND_ARRAY] = 3,
					      [BTF_KIND_VAR] = 1,
					      [BTF_KIND_DECL_TAG] = 1 };
	static const unsigned int per_vlen[] = {
		[BTF_KIND_STRUCT] = 3,	   [BTF_KIND_UNION] = 3,   [BTF_KIND_ENUM] = 2,
		[BTF_KIND_FUNC_PROTO] = 2, [BTF_KIND_DATASEC] = 3, [BTF_KIND_ENUM64] = 3,
	};
	struct btf_header h;
	uint32_t *w, *end, words, kind, i;

	memcpy(&h, d, sizeof(h));
	ck_assert_uint_eq(h.magic, BTF_MAGIC);
	w = (uint32_t *)(d + h.hdr_len + h.type_off);
	end = w + h.type_len / 4;
	while (w < end) {
		kind = BTF_INFO_KIND(w[1]);
		ck_assert_uint_le(kind, BTF_KIND_ENUM64);
		words = 3 + (kind < sizeof(fixed) / sizeof(fixed[0]) ? fixed[kind] : 0) +
			(kind < sizeof(per_vlen) / sizeof(per_vlen[0]) ? per_vlen[kind] : 0) *
				BTF_INFO_VLEN(w[1]);
		for (i = 0; i < words; i++)
			w[i] = bswap_32(w[i]);
		w += words;
	}
	h.magic = bswap_16(h.magic);
	h.hdr_len = bswap_32(h.hdr_len);
	h.type_off = bswap_32(h.type_off);
	h.type_len = bswap_32(h.type_len);
	h.str_off = bswap_32(h.str_off);
	h.str_len = bswap_32(h.str_len);
	memcpy(d, &h, sizeof(h));
	(void)size;
}

/* The real vmlinux BTF, byte-swapped (as an s390x host would have it), reads the same. */
START_TEST(big_endian_vmlinux_reads_the_same)
{
	struct es_btf *native, *swapped;
	struct es_btf_diag diag;
	size_t size;
	uint8_t *data = read_all(VMLINUX, &size), *foreign = malloc(size);

	ck_assert_ptr_nonnull(foreign);
	memcpy(foreign, data, size);
	swap_to_foreign(foreign, size);
	ck_assert_int_eq(es_btf_open_mem(data, size, NULL, &native, &diag), 0);
	ck_assert_msg(!es_btf_open_mem(foreign, size, NULL, &swapped, &diag), "%s", diag.msg);
	ck_assert_int_eq(es_btf_is_swapped(swapped), 1);
	ck_assert_uint_eq(es_btf_type_cnt(swapped), es_btf_type_cnt(native));
	expect_same_lookups(native, swapped);
	es_btf_free(swapped);
	es_btf_free(native);
	free(foreign);
	free(data);
}
END_TEST

/* The real vmlinux BTF as the .BTF section of an ELF file (as in a vmlinux image). */
START_TEST(vmlinux_btf_in_elf_reads_the_same)
{
	struct es_btf *raw, *in_elf;
	struct es_btf_diag diag;
	size_t size, elf_size;
	uint8_t *data = read_all(VMLINUX, &size), *elf;

	elf = bb_elf(data, size, false, BB_ELF_BTF, &elf_size);
	ck_assert_int_eq(es_btf_open_mem(data, size, NULL, &raw, &diag), 0);
	ck_assert_msg(!es_btf_open_mem(elf, elf_size, NULL, &in_elf, &diag), "%s", diag.msg);
	ck_assert_uint_eq(es_btf_type_cnt(in_elf), es_btf_type_cnt(raw));
	expect_same_lookups(raw, in_elf);
	es_btf_free(in_elf);
	es_btf_free(raw);
	free(elf);
	free(data);
}
END_TEST

/* Run a shell command in @dir; the test fails with its output if it fails. */
static void run(const char *dir, const char *cmd)
{
	char line[8192];
	int status;

	snprintf(line, sizeof(line), "cd '%s' && %s 2>&1", dir, cmd);
	status = system(line);
	ck_assert_msg(status == 0, "'%s' failed (%d)", cmd, status);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static const char module_c[] = "struct task_struct;\n"
			       "struct mod_ctx { struct task_struct *task; int owner; "
			       "unsigned long flags : 3; unsigned long more : 5; };\n"
			       "struct mod_ctx mod_ctx_instance;\n";

/*
 * Split BTF as pahole writes it for a module: a .BTF section over the running
 * kernel's BTF. Ours and libbpf's btf__parse_split agree on the count and on
 * the offsets; the pointer resolves to the base's task_struct.
 */
START_TEST(pahole_split_btf_over_vmlinux)
{
	char dir[] = "/tmp/test_btf_live_XXXXXX", obj[4096];
	struct es_btf *base, *split, *unbased;
	struct btf *lbase, *lsplit;
	struct es_btf_member_info mi;
	struct oracle_member om;
	struct es_btf_diag diag;
	int id;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	write_file(dir, "mod.c", module_c);
	run(dir, "cc -g -c mod.c -o mod.o");
	run(dir, "pahole -J --btf_base " VMLINUX " mod.o");
	snprintf(obj, sizeof(obj), "%s/mod.o", dir);

	ck_assert_int_eq(es_btf_open_file(VMLINUX, NULL, &base, &diag), 0);
	ck_assert_msg(!es_btf_open_file(obj, base, &split, &diag), "%s", diag.msg);
	/* Without its base, the module's BTF does not open. */
	ck_assert_int_lt(es_btf_open_file(obj, NULL, &unbased, &diag), 0);

	lbase = btf__parse(VMLINUX, NULL);
	lsplit = btf__parse_split(obj, lbase);
	ck_assert_ptr_nonnull(lsplit);
	ck_assert_uint_eq(es_btf_type_cnt(split), btf__type_cnt(lsplit));
	ck_assert_uint_gt(es_btf_type_cnt(split), es_btf_type_cnt(base));

	ck_assert_msg(!es_btf_member_lookup(split, "mod_ctx.task", &mi, &diag), "%s", diag.msg);
	ck_assert_str_eq(mi.type_name, "struct task_struct *");
	ck_assert_uint_lt(mi.target_id, es_btf_type_cnt(base)); /* the base's task_struct */
	ck_assert_msg(!es_btf_member_lookup(split, "mod_ctx.more", &mi, &diag), "%s", diag.msg);
	id = btf__find_by_name_kind(lsplit, "mod_ctx", BTF_KIND_STRUCT);
	ck_assert_int_gt(id, (int)es_btf_type_cnt(base) - 1);
	oracle = lsplit;
	ck_assert(oracle_find(id, "more", 0, &om));
	ck_assert_uint_eq(mi.bit_offset, om.bit_offset);
	ck_assert_uint_eq(mi.bit_size, 5);
	ck_assert_uint_eq(mi.bit_size, om.bit_size);
	/* Base structs are reached through the split BTF. */
	ck_assert_msg(!es_btf_member_lookup(split, "task_struct.tgid", &mi, &diag), "%s", diag.msg);

	btf__free(lsplit);
	btf__free(lbase);
	es_btf_free(split);
	es_btf_free(base);
	run(dir, "rm -f mod.c mod.o && cd / && rmdir \"$OLDPWD\"");
}
END_TEST

static const char bpf_prog_c[] = "struct event { int pid; int ppid; char comm[16]; };\n"
				 "struct event last_event __attribute__((section(\".data\")));\n"
				 "__attribute__((section(\"tracepoint/x\"), used))\n"
				 "int handle(void *ctx) { return last_event.pid; }\n"
				 "char LICENSE[] __attribute__((section(\"license\"), used)) = "
				 "\"Dual BSD/GPL\";\n";

/* A BPF object from clang: its .BTF (with FUNC, DATASEC, VAR) opens like libbpf reads it. */
START_TEST(clang_bpf_object)
{
	char dir[] = "/tmp/test_btf_live_XXXXXX", obj[4096];
	struct es_btf_member_info mi;
	struct es_btf_diag diag;
	struct es_btf *btf;
	struct btf *lb;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	write_file(dir, "prog.c", bpf_prog_c);
	run(dir, "clang -g -O2 -target bpf -c prog.c -o prog.o");
	snprintf(obj, sizeof(obj), "%s/prog.o", dir);
	ck_assert_msg(!es_btf_open_file(obj, NULL, &btf, &diag), "%s", diag.msg);
	lb = btf__parse(obj, NULL);
	ck_assert_ptr_nonnull(lb);
	ck_assert_uint_eq(es_btf_type_cnt(btf), btf__type_cnt(lb));
	ck_assert_msg(!es_btf_member_lookup(btf, "event.comm", &mi, &diag), "%s", diag.msg);
	ck_assert_uint_eq(mi.offset, 8);
	ck_assert_str_eq(mi.type_name, "char[16]");
	btf__free(lb);
	es_btf_free(btf);
	run(dir, "rm -f prog.c prog.o && cd / && rmdir \"$OLDPWD\"");
}
END_TEST

/*
 * sysfs text attributes cannot be mapped and claim 4096 bytes: the read()
 * fallback (also used for /sys/kernel/btf/vmlinux before kernel 6.16) reads
 * what is there, and the content is judged.
 */
START_TEST(unmappable_file_is_read)
{
	static const char path[] = "/sys/kernel/uevent_seqnum";
	struct es_btf_diag diag;
	struct es_btf *btf;

	if (access(path, R_OK)) {
		char why[128];

		snprintf(why, sizeof(why), "%s: %s", path, strerror(errno));
		es_check_skip("unmappable_file_is_read", why);
		return;
	}
	ck_assert_int_eq(es_btf_open_file(path, NULL, &btf, &diag), -ES_BTF_ERR_NOT_BTF);
	ck_assert_msg(strstr(diag.msg, "neither BTF magic"), "%s", diag.msg);
}
END_TEST

int main(void)
{
	const struct es_check_case cases[] = {
		{ "vmlinux",
		  ES_CHECK_TESTS(member_offset_resolves_task_struct_fields,
				 type_count_matches_libbpf_and_bpftool,
				 sampled_struct_members_match_libbpf,
				 big_endian_vmlinux_reads_the_same,
				 vmlinux_btf_in_elf_reads_the_same, pahole_split_btf_over_vmlinux,
				 clang_bpf_object, unmappable_file_is_read),
		  .timeout_s = 300 },
		{ NULL },
	};

	if (access(VMLINUX, R_OK)) {
		char why[256];

		snprintf(why, sizeof(why), "%s: %s (kernel built without CONFIG_DEBUG_INFO_BTF)",
			 VMLINUX, strerror(errno));
		return es_check_skip("btf_live", why);
	}
	return es_check_run("btf_live", NULL, cases);
}
