// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The BTF parser on synthetic input: every validation rule refuses its
 * malformed blob with its own error code, and lookups on well-formed BTF
 * (anonymous nesting, bitfields, big-endian, split, ELF) give the layout
 * the builder wrote.
 */
#include <check.h>
#include <linux/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "btf.h"
#include "btf_builder.h"
#include "check_main.h"

/* Ids of the sample BTF: a miniature of the kernel structs execsensor reads. */
enum {
	S_INT = 1,
	S_UINT,
	S_LONG,
	S_CHAR,
	S_UCHAR,
	S_PID_T,
	S_TASK,
	S_TASK_PTR_RCU,
	S_TASK_ANON,
	S_RCU_TAG,
	S_COMM_ARRAY,
	S_MM,
	S_MM_ANON,
	S_FILE_PTR,
	S_FILE,
	S_QSTR,
	S_QSTR_UNION,
	S_QSTR_HASHLEN,
	S_CONST_UCHAR,
	S_NAME_PTR,
	S_DENTRY,
	S_MM_PTR,
	S_COUNT,
};

/*
 * task_struct wraps pid/tgid in an anonymous struct (as randstruct kernels
 * do), has __rcu real_parent, kflag bitfields and comm; mm_struct.exe_file
 * sits in an anonymous struct; dentry.d_name is a qstr whose hash and len
 * sit in an anonymous struct inside an anonymous union.
 */
static void build_sample(struct bb *b)
{
	bb_int(b, "int", 4, BTF_INT_SIGNED, 32);
	bb_int(b, "unsigned int", 4, 0, 32);
	bb_int(b, "long int", 8, BTF_INT_SIGNED, 64);
	bb_int(b, "char", 1, BTF_INT_CHAR, 8);
	bb_int(b, "unsigned char", 1, 0, 8);
	bb_ref(b, BTF_KIND_TYPEDEF, "pid_t", S_INT);

	bb_struct(b, "task_struct", 56, true);
	bb_member(b, "__state", S_UINT, 0, 0);
	bb_member(b, NULL, S_TASK_ANON, 64, 0);
	bb_member(b, "real_parent", S_TASK_PTR_RCU, 128, 0);
	bb_member(b, "sched_reset_on_fork", S_UINT, 192, 1);
	bb_member(b, "sched_contributes_to_load", S_UINT, 193, 3);
	bb_member(b, "comm", S_COMM_ARRAY, 256, 0);
	bb_member(b, "mm", S_MM_PTR, 384, 0);
	bb_ref(b, BTF_KIND_PTR, NULL, S_RCU_TAG);
	bb_struct(b, NULL, 8, false);
	bb_member(b, "pid", S_PID_T, 0, 0);
	bb_member(b, "tgid", S_PID_T, 32, 0);
	bb_ref(b, BTF_KIND_TYPE_TAG, "rcu", S_TASK);
	bb_array(b, S_CHAR, S_INT, 16);

	bb_struct(b, "mm_struct", 24, false);
	bb_member(b, "pgd", S_LONG, 0, 0);
	bb_member(b, NULL, S_MM_ANON, 64, 0);
	bb_struct(b, NULL, 16, false);
	bb_member(b, "count", S_INT, 0, 0);
	bb_member(b, "exe_file", S_FILE_PTR, 64, 0);
	bb_ref(b, BTF_KIND_PTR, NULL, S_FILE);
	bb_struct(b, "file", 8, false);
	bb_member(b, "f_flags", S_UINT, 0, 0);

	bb_struct(b, "qstr", 16, false);
	bb_member(b, NULL, S_QSTR_UNION, 0, 0);
	bb_member(b, "name", S_NAME_PTR, 64, 0);
	bb_union(b, NULL, 8, false);
	bb_member(b, NULL, S_QSTR_HASHLEN, 0, 0);
	bb_member(b, "hash_len", S_LONG, 0, 0);
	bb_struct(b, NULL, 8, false);
	bb_member(b, "hash", S_UINT, 0, 0);
	bb_member(b, "len", S_UINT, 32, 0);
	bb_ref(b, BTF_KIND_CONST, NULL, S_UCHAR);
	bb_ref(b, BTF_KIND_PTR, NULL, S_CONST_UCHAR);
	bb_struct(b, "dentry", 48, false);
	bb_member(b, "d_flags", S_UINT, 0, 0);
	bb_member(b, "d_name", S_QSTR, 256, 0);
	bb_ref(b, BTF_KIND_PTR, NULL, S_MM);
}

static void *sample_blob(bool big_endian, size_t *size)
{
	struct bb b;
	void *blob;

	bb_init(&b, NULL);
	build_sample(&b);
	ck_assert_uint_eq(bb_next_id(&b), S_COUNT);
	blob = bb_blob(&b, big_endian, size);
	bb_free(&b);
	return blob;
}

static struct btf_header *hdr_of(void *blob)
{
	return blob;
}

/* Open @blob and insist on failure @code, with a message that contains @why (if given). */
static void expect_open_error_why(const void *blob, size_t size, const struct es_btf *base,
				  int code, const char *why)
{
	struct es_btf_diag diag;
	struct es_btf *btf = NULL;
	int err;

	err = es_btf_open_mem(blob, size, base, &btf, &diag);
	ck_assert_msg(err == -code, "expected %d (%s), got %d (%s): %s", -code,
		      es_btf_strerror(code), err, es_btf_strerror(err), diag.msg);
	ck_assert_int_eq(diag.code, -code);
	ck_assert_msg(diag.msg[0], "no message for %s", es_btf_strerror(code));
	ck_assert_msg(!why || strstr(diag.msg, why), "'%s' does not say '%s'", diag.msg, why);
	ck_assert_ptr_null(btf);
}

static void expect_open_error(const void *blob, size_t size, const struct es_btf *base, int code)
{
	expect_open_error_why(blob, size, base, code, NULL);
}

static struct es_btf *open_ok(const void *blob, size_t size, const struct es_btf *base)
{
	struct es_btf_diag diag;
	struct es_btf *btf = NULL;
	int err;

	err = es_btf_open_mem(blob, size, base, &btf, &diag);
	ck_assert_msg(err == 0, "open failed: %d (%s): %s", err, es_btf_strerror(err), diag.msg);
	ck_assert_int_eq(diag.code, 0);
	return btf;
}

/* Build a base BTF from @b (and free @b), expect @code and a message saying @why. */
static void expect_built_error_why(struct bb *b, int code, const char *why)
{
	size_t size;
	void *blob = bb_blob(b, false, &size);

	expect_open_error_why(blob, size, NULL, code, why);
	free(blob);
	bb_free(b);
}

static void expect_built_error(struct bb *b, int code)
{
	expect_built_error_why(b, code, NULL);
}

static void lookup_ok(const struct es_btf *btf, const char *path, struct es_btf_member_info *info)
{
	struct es_btf_diag diag;
	int err = es_btf_member_lookup(btf, path, info, &diag);

	ck_assert_msg(err == 0, "%s: %d (%s): %s", path, err, es_btf_strerror(err), diag.msg);
}

static void expect_lookup_error(const struct es_btf *btf, const char *path, int code)
{
	struct es_btf_member_info info;
	struct es_btf_diag diag;
	int err = es_btf_member_lookup(btf, path, &info, &diag);

	ck_assert_msg(err == -code, "%s: expected %s, got %d (%s): %s", path, es_btf_strerror(code),
		      err, es_btf_strerror(err), diag.msg);
	ck_assert_int_eq(diag.code, -code);
	ck_assert(diag.msg[0]);
}

/* The lookups of the sample, shared by the byte-order, ELF and split variants. */
static void check_sample_lookups(const struct es_btf *btf)
{
	struct es_btf_member_info mi;

	lookup_ok(btf, "task_struct.real_parent", &mi);
	ck_assert_uint_eq(mi.offset, 16);
	ck_assert_uint_eq(mi.bit_offset, 128);
	ck_assert_uint_eq(mi.bit_size, 0);
	ck_assert_uint_eq(mi.size, 8);
	ck_assert_uint_eq(mi.kind, BTF_KIND_PTR);
	ck_assert_uint_eq(mi.type_id, S_TASK_PTR_RCU);
	ck_assert_uint_eq(mi.target_id, S_TASK); /* through the __rcu type tag */
	ck_assert_uint_eq(mi.target_kind, BTF_KIND_STRUCT);
	ck_assert_str_eq(mi.target_name, "task_struct");
	ck_assert_str_eq(mi.type_name, "struct task_struct *");

	/* tgid is inside the anonymous struct at byte 8. */
	lookup_ok(btf, "task_struct.tgid", &mi);
	ck_assert_uint_eq(mi.offset, 12);
	ck_assert_uint_eq(mi.bit_offset, 96);
	ck_assert_uint_eq(mi.size, 4);
	ck_assert_uint_eq(mi.kind, BTF_KIND_INT);
	ck_assert_uint_eq(mi.type_id, S_INT);
	ck_assert_uint_eq(mi.int_encoding, BTF_INT_SIGNED);
	ck_assert_str_eq(mi.type_name, "pid_t");
	ck_assert_str_eq(mi.target_name, "int");

	lookup_ok(btf, "mm_struct.exe_file", &mi);
	ck_assert_uint_eq(mi.offset, 16);
	ck_assert_uint_eq(mi.target_id, S_FILE);
	ck_assert_str_eq(mi.type_name, "struct file *");

	lookup_ok(btf, "dentry.d_name.name", &mi);
	ck_assert_uint_eq(mi.offset, 40);
	ck_assert_uint_eq(mi.target_id, S_UCHAR);
	ck_assert_str_eq(mi.type_name, "const unsigned char *");
	ck_assert_str_eq(mi.target_name, "unsigned char");

	/* An array's target is its element: kind, size (the stride) and name. */
	lookup_ok(btf, "task_struct.comm", &mi);
	ck_assert_uint_eq(mi.kind, BTF_KIND_ARRAY);
	ck_assert_uint_eq(mi.size, 16);
	ck_assert_uint_eq(mi.target_id, S_CHAR);
	ck_assert_uint_eq(mi.target_kind, BTF_KIND_INT);
	ck_assert_uint_eq(mi.target_size, 1);
	ck_assert_str_eq(mi.target_name, "char");
}

START_TEST(sample_resolves_the_three_example_paths)
{
	size_t size;
	void *blob = sample_blob(false, &size);
	struct es_btf *btf = open_ok(blob, size, NULL);

	ck_assert_uint_eq(es_btf_type_cnt(btf), S_COUNT);
	ck_assert_int_eq(es_btf_is_swapped(btf), 0);
	check_sample_lookups(btf);
	es_btf_free(btf);
	free(blob);
}
END_TEST

START_TEST(anonymous_union_in_anonymous_struct)
{
	struct es_btf_member_info mi;
	size_t size;
	void *blob = sample_blob(false, &size);
	struct es_btf *btf = open_ok(blob, size, NULL);

	/* d_name at byte 32, union at 0, struct at 0, len at bit 32. */
	lookup_ok(btf, "dentry.d_name.len", &mi);
	ck_assert_uint_eq(mi.offset, 36);
	ck_assert_uint_eq(mi.bit_offset, 288);
	lookup_ok(btf, "qstr.hash_len", &mi);
	ck_assert_uint_eq(mi.offset, 0);
	ck_assert_uint_eq(mi.size, 8);
	lookup_ok(btf, "task_struct.pid", &mi);
	ck_assert_uint_eq(mi.offset, 8);
	es_btf_free(btf);
	free(blob);
}
END_TEST

START_TEST(kflag_bitfields)
{
	struct es_btf_member_info mi;
	size_t size;
	void *blob = sample_blob(false, &size);
	struct es_btf *btf = open_ok(blob, size, NULL);

	lookup_ok(btf, "task_struct.sched_reset_on_fork", &mi);
	ck_assert_uint_eq(mi.bit_offset, 192);
	ck_assert_uint_eq(mi.bit_size, 1);
	ck_assert_uint_eq(mi.offset, 24);
	ck_assert_uint_eq(mi.size, 4);
	lookup_ok(btf, "task_struct.sched_contributes_to_load", &mi);
	ck_assert_uint_eq(mi.bit_offset, 193);
	ck_assert_uint_eq(mi.bit_size, 3);
	ck_assert_uint_eq(mi.offset, 24);
	/* A plain member of a kflag struct is no bitfield. */
	lookup_ok(btf, "task_struct.real_parent", &mi);
	ck_assert_uint_eq(mi.bit_size, 0);
	es_btf_free(btf);
	free(blob);
}
END_TEST

START_TEST(bitfields_without_kflag)
{
	struct es_btf_member_info mi;
	struct es_btf *btf;
	size_t size;
	void *blob;
	struct bb b;

	/* Old encoding: the width (and an offset) live in the INT the member points to. */
	bb_init(&b, NULL);
	bb_int(&b, "unsigned int", 4, 0, 32); /* 1 */
	bb_type(&b, NULL, BTF_KIND_INT, 0, false, 4); /* 2: 3 bits */
	bb_word(&b, 3);
	bb_type(&b, NULL, BTF_KIND_INT, 0, false, 4); /* 3: 5 bits at INT offset 2 */
	bb_word(&b, 2 << 16 | 5);
	bb_struct(&b, "flags", 8, false);
	bb_member(&b, "whole", 1, 0, 0);
	bb_member(&b, "three", 2, 32, 0);
	bb_member(&b, "five", 3, 35, 0);
	blob = bb_blob(&b, false, &size);
	bb_free(&b);
	btf = open_ok(blob, size, NULL);

	lookup_ok(btf, "flags.whole", &mi);
	ck_assert_uint_eq(mi.bit_size, 0);
	lookup_ok(btf, "flags.three", &mi);
	ck_assert_uint_eq(mi.bit_offset, 32);
	ck_assert_uint_eq(mi.bit_size, 3);
	ck_assert_uint_eq(mi.offset, 4);
	lookup_ok(btf, "flags.five", &mi);
	ck_assert_uint_eq(mi.bit_offset, 37);
	ck_assert_uint_eq(mi.bit_size, 5);
	es_btf_free(btf);
	free(blob);
}
END_TEST

START_TEST(type_names_in_c)
{
	struct es_btf_member_info mi;
	struct es_btf *btf;
	size_t size;
	void *blob;
	struct bb b;
	uint32_t i_int, i_char, p_char, cp_char, proto, fp, arr, parr, vol;

	bb_init(&b, NULL);
	i_int = bb_int(&b, "int", 4, BTF_INT_SIGNED, 32);
	i_char = bb_int(&b, "char", 1, BTF_INT_CHAR, 8);
	p_char = bb_ref(&b, BTF_KIND_PTR, NULL, i_char);
	cp_char = bb_ref(&b, BTF_KIND_CONST, NULL, p_char); /* char *const */
	proto = bb_func_proto(&b, i_int);
	bb_param(&b, "x", i_int);
	bb_param(&b, "s", p_char);
	fp = bb_ref(&b, BTF_KIND_PTR, NULL, proto);
	arr = bb_array(&b, i_int, i_int, 4);
	parr = bb_ref(&b, BTF_KIND_PTR, NULL, arr);
	vol = bb_ref(&b, BTF_KIND_VOLATILE, NULL, i_int);
	bb_struct(&b, "names", 48, false);
	bb_member(&b, "cp", cp_char, 0, 0);
	bb_member(&b, "fn", fp, 64, 0);
	bb_member(&b, "pa", parr, 128, 0);
	bb_member(&b, "v", vol, 192, 0);
	bb_member(&b, "pp", bb_next_id(&b), 256, 0);
	bb_ref(&b, BTF_KIND_PTR, NULL, p_char);
	blob = bb_blob(&b, false, &size);
	bb_free(&b);
	btf = open_ok(blob, size, NULL);

	lookup_ok(btf, "names.cp", &mi);
	ck_assert_str_eq(mi.type_name, "char *const");
	ck_assert_uint_eq(mi.kind, BTF_KIND_PTR);
	lookup_ok(btf, "names.fn", &mi);
	ck_assert_str_eq(mi.type_name, "int (*)(int, char *)");
	ck_assert_uint_eq(mi.target_kind, BTF_KIND_FUNC_PROTO);
	lookup_ok(btf, "names.pa", &mi);
	ck_assert_str_eq(mi.type_name, "int (*)[4]");
	lookup_ok(btf, "names.v", &mi);
	ck_assert_str_eq(mi.type_name, "volatile int");
	ck_assert_uint_eq(mi.type_id, i_int);
	lookup_ok(btf, "names.pp", &mi);
	ck_assert_str_eq(mi.type_name, "char **");
	es_btf_free(btf);
	free(blob);
}
END_TEST

START_TEST(lookup_errors)
{
	size_t size;
	void *blob = sample_blob(false, &size);
	struct es_btf *btf = open_ok(blob, size, NULL);

	expect_lookup_error(btf, "", ES_BTF_ERR_PATH);
	expect_lookup_error(btf, "task_struct", ES_BTF_ERR_PATH);
	expect_lookup_error(btf, "task_struct..pid", ES_BTF_ERR_PATH);
	expect_lookup_error(btf, "task_struct.pid.", ES_BTF_ERR_PATH);
	expect_lookup_error(btf, "1task.pid", ES_BTF_ERR_PATH);
	expect_lookup_error(btf, "task_struct.p-id", ES_BTF_ERR_PATH);
	expect_lookup_error(btf, "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q", ES_BTF_ERR_PATH);
	expect_lookup_error(btf, "no_such_struct.pid", ES_BTF_ERR_NO_STRUCT);
	expect_lookup_error(btf, "task_struct.no_such_member", ES_BTF_ERR_NO_MEMBER);
	/* A pointer is not descended into: that would be a second memory read. */
	expect_lookup_error(btf, "task_struct.mm.exe_file", ES_BTF_ERR_NOT_COMPOSITE);
	expect_lookup_error(btf, "task_struct.tgid.x", ES_BTF_ERR_NOT_COMPOSITE);
	/* Prefixes of a member name are not that member. */
	expect_lookup_error(btf, "task_struct.tg", ES_BTF_ERR_NO_MEMBER);
	expect_lookup_error(btf, "task.pid", ES_BTF_ERR_NO_STRUCT);
	es_btf_free(btf);
	free(blob);
}
END_TEST

/* Two structs "dup": @second_off is where the second one has its member. */
static struct es_btf *build_dup(uint32_t second_off, bool second_has_member, void **blob)
{
	size_t size;
	struct bb b;
	struct es_btf *btf;

	bb_init(&b, NULL);
	bb_int(&b, "int", 4, BTF_INT_SIGNED, 32);
	bb_struct(&b, "dup", 8, false);
	bb_member(&b, "a", 1, 0, 0);
	bb_member(&b, "x", 1, 32, 0);
	bb_struct(&b, "dup", 8, false);
	bb_member(&b, second_has_member ? "x" : "y", 1, second_off, 0);
	*blob = bb_blob(&b, false, &size);
	bb_free(&b);
	btf = open_ok(*blob, size, NULL);
	return btf;
}

START_TEST(same_named_structs_agreeing_are_fine)
{
	struct es_btf_member_info mi;
	void *blob;
	struct es_btf *btf = build_dup(32, true, &blob);

	lookup_ok(btf, "dup.x", &mi);
	ck_assert_uint_eq(mi.offset, 4);
	es_btf_free(btf);
	free(blob);
}
END_TEST

START_TEST(same_named_structs_disagreeing_are_ambiguous)
{
	void *blob;
	struct es_btf *btf = build_dup(0, true, &blob);

	expect_lookup_error(btf, "dup.x", ES_BTF_ERR_AMBIGUOUS);
	es_btf_free(btf);
	free(blob);
	/* One has the member, the other not: as ambiguous, never a guess. */
	btf = build_dup(32, false, &blob);
	expect_lookup_error(btf, "dup.x", ES_BTF_ERR_AMBIGUOUS);
	es_btf_free(btf);
	free(blob);
}
END_TEST

START_TEST(member_past_struct_end_refused_on_lookup)
{
	struct bb b;
	size_t size;
	void *blob;
	struct es_btf *btf;

	/* Starts inside the struct (accepted by the walk), ends outside. */
	bb_init(&b, NULL);
	bb_int(&b, "long", 8, BTF_INT_SIGNED, 64);
	bb_struct(&b, "short_struct", 8, false);
	bb_member(&b, "l", 1, 32, 0);
	blob = bb_blob(&b, false, &size);
	bb_free(&b);
	btf = open_ok(blob, size, NULL);
	expect_lookup_error(btf, "short_struct.l", ES_BTF_ERR_MEMBER_OFFSET);
	es_btf_free(btf);
	free(blob);
}
END_TEST

/* Header rules. */

START_TEST(not_btf)
{
	static const char text[] = "this is not BTF at all";

	expect_open_error(text, sizeof(text), NULL, ES_BTF_ERR_NOT_BTF);
	expect_open_error(text, 0, NULL, ES_BTF_ERR_NOT_BTF);
	expect_open_error(text, 1, NULL, ES_BTF_ERR_NOT_BTF);
}
END_TEST

START_TEST(header_truncated)
{
	size_t size;
	void *blob = sample_blob(false, &size);

	/* The magic is there, the 24-byte header is not. */
	expect_open_error(blob, 23, NULL, ES_BTF_ERR_HDR_TRUNCATED);
	expect_open_error(blob, 2, NULL, ES_BTF_ERR_HDR_TRUNCATED);
	free(blob);
}
END_TEST

START_TEST(header_version)
{
	size_t size;
	void *blob = sample_blob(false, &size);

	hdr_of(blob)->version = 2;
	expect_open_error(blob, size, NULL, ES_BTF_ERR_HDR_VERSION);
	free(blob);
}
END_TEST

START_TEST(header_flags)
{
	size_t size;
	void *blob = sample_blob(false, &size);

	hdr_of(blob)->flags = 1;
	expect_open_error(blob, size, NULL, ES_BTF_ERR_HDR_FLAGS);
	free(blob);
}
END_TEST

START_TEST(header_len)
{
	size_t size;
	void *blob = sample_blob(false, &size);
	uint8_t *longer;
	struct es_btf *btf;

	hdr_of(blob)->hdr_len = 20;
	expect_open_error(blob, size, NULL, ES_BTF_ERR_HDR_LEN);
	hdr_of(blob)->hdr_len = size + 1;
	expect_open_error(blob, size, NULL, ES_BTF_ERR_HDR_LEN);
	hdr_of(blob)->hdr_len = 24;

	/* A 32-byte header: accepted while the unknown 8 bytes are zero, refused once set. */
	longer = calloc(1, size + 8);
	memcpy(longer, blob, 24);
	memcpy(longer + 32, (uint8_t *)blob + 24, size - 24);
	hdr_of(longer)->hdr_len = 32;
	btf = open_ok(longer, size + 8, NULL);
	ck_assert_uint_eq(es_btf_type_cnt(btf), S_COUNT);
	es_btf_free(btf);
	longer[30] = 1;
	expect_open_error(longer, size + 8, NULL, ES_BTF_ERR_HDR_LEN);
	free(longer);
	free(blob);
}
END_TEST

START_TEST(section_bounds)
{
	size_t size;
	void *blob = sample_blob(false, &size);
	struct btf_header *h = hdr_of(blob);
	struct btf_header good = *h;

	h->type_len = size;
	expect_open_error(blob, size, NULL, ES_BTF_ERR_SECTION_BOUNDS);
	*h = good;
	h->str_len += 1;
	expect_open_error(blob, size, NULL, ES_BTF_ERR_SECTION_BOUNDS);
	/* Offsets that wrap around in 32 bits: hdr_len + str_off + str_len = 2^32 + small. */
	*h = good;
	h->str_off = 0xfffffff0u;
	h->str_len = 0x20;
	expect_open_error(blob, size, NULL, ES_BTF_ERR_SECTION_BOUNDS);
	*h = good;
	h->type_off = 0xfffffffcu;
	h->type_len = 8;
	expect_open_error(blob, size, NULL, ES_BTF_ERR_SECTION_BOUNDS);
	free(blob);
}
END_TEST

START_TEST(section_alignment)
{
	size_t size;
	void *blob = sample_blob(false, &size);
	struct btf_header *h = hdr_of(blob);

	/* Shift the type section by 2 bytes into the string section's room. */
	h->type_off = 2;
	h->type_len -= 4;
	expect_open_error(blob, size, NULL, ES_BTF_ERR_SECTION_ALIGN);
	free(blob);
}
END_TEST

START_TEST(section_overlap)
{
	size_t size;
	void *blob = sample_blob(false, &size);
	struct btf_header *h = hdr_of(blob);

	h->str_off -= 4;
	expect_open_error(blob, size, NULL, ES_BTF_ERR_SECTION_OVERLAP);
	free(blob);
}
END_TEST

START_TEST(strings_not_nul_terminated)
{
	size_t size;
	uint8_t *blob = sample_blob(false, &size);
	struct btf_header h = *hdr_of(blob);

	blob[size - 1] = 'x';
	expect_open_error(blob, size, NULL, ES_BTF_ERR_STR_NOT_NUL);
	blob[size - 1] = '\0';
	/* Base BTF: offset 0 must be the empty name. */
	blob[h.hdr_len + h.str_off] = 'x';
	expect_open_error(blob, size, NULL, ES_BTF_ERR_STR_NOT_NUL);
	blob[h.hdr_len + h.str_off] = '\0';
	/* Base BTF without even "". */
	hdr_of(blob)->str_len = 0;
	expect_open_error(blob, size, NULL, ES_BTF_ERR_STR_NOT_NUL);
	free(blob);
}
END_TEST

/* Type rules. */

START_TEST(name_offsets)
{
	struct bb b;

	bb_init(&b, NULL);
	bb_type(&b, NULL, BTF_KIND_INT, 0, false, 4);
	bb_word(&b, 32);
	b.types[b.last] = 1000; /* type name */
	expect_built_error(&b, ES_BTF_ERR_NAME_OFF);

	bb_init(&b, NULL);
	bb_int(&b, "int", 4, BTF_INT_SIGNED, 32);
	bb_struct(&b, "s", 4, false);
	bb_member(&b, "m", 1, 0, 0);
	b.types[b.last + 3] = b.strs_len; /* first offset past the end */
	expect_built_error(&b, ES_BTF_ERR_NAME_OFF);

	bb_init(&b, NULL);
	bb_int(&b, "int", 4, BTF_INT_SIGNED, 32);
	bb_func_proto(&b, 1);
	bb_param(&b, "p", 1);
	b.types[b.last + 3] = 99999;
	expect_built_error(&b, ES_BTF_ERR_NAME_OFF);

	bb_init(&b, NULL);
	bb_enum(&b, "e", 4);
	bb_enum_val(&b, "A", 0);
	b.types[b.last + 3] = 99999;
	expect_built_error(&b, ES_BTF_ERR_NAME_OFF);
}
END_TEST

START_TEST(unknown_kind)
{
	struct bb b;

	bb_init(&b, NULL);
	bb_int(&b, "int", 4, BTF_INT_SIGNED, 32);
	bb_type(&b, "x", 20, 0, false, 0); /* one past ENUM64 */
	expect_built_error(&b, ES_BTF_ERR_KIND);

	bb_init(&b, NULL);
	bb_type(&b, "x", 0, 0, false, 0); /* UNKN is not a type */
	expect_built_error(&b, ES_BTF_ERR_KIND);
}
END_TEST

START_TEST(record_truncated)
{
	struct bb b;

	/* vlen 3 promises 36 bytes of members; 12 are there. */
	bb_init(&b, NULL);
	bb_int(&b, "int", 4, BTF_INT_SIGNED, 32);
	bb_struct(&b, "s", 12, false);
	bb_member(&b, "a", 1, 0, 0);
	b.types[b.last + 1] += 2;
	expect_built_error(&b, ES_BTF_ERR_TYPE_TRUNCATED);

	/* An INT without its encoding word. */
	bb_init(&b, NULL);
	bb_type(&b, "int", BTF_KIND_INT, 0, false, 4);
	expect_built_error(&b, ES_BTF_ERR_TYPE_TRUNCATED);
}
END_TEST

START_TEST(walk_must_end_at_section_end)
{
	struct bb b;

	bb_init(&b, NULL);
	bb_int(&b, "int", 4, BTF_INT_SIGNED, 32);
	bb_word(&b, 0); /* 4 stray bytes: less than a record */
	expect_built_error(&b, ES_BTF_ERR_TYPE_TRAILING);
}
END_TEST

START_TEST(referenced_type_ids)
{
	struct bb b;

	bb_init(&b, NULL);
	bb_ref(&b, BTF_KIND_PTR, NULL, 2); /* only id 1 exists */
	expect_built_error(&b, ES_BTF_ERR_TYPE_ID);

	bb_init(&b, NULL);
	bb_int(&b, "int", 4, BTF_INT_SIGNED, 32);
	bb_struct(&b, "s", 8, false);
	bb_member(&b, "a", 1, 0, 0);
	bb_member(&b, "b", 77, 32, 0);
	expect_built_error(&b, ES_BTF_ERR_TYPE_ID);

	bb_init(&b, NULL);
	bb_int(&b, "int", 4, BTF_INT_SIGNED, 32);
	bb_array(&b, 1, 9, 4); /* index type */
	expect_built_error(&b, ES_BTF_ERR_TYPE_ID);

	bb_init(&b, NULL);
	bb_func_proto(&b, 0);
	bb_param(&b, "p", 5);
	expect_built_error(&b, ES_BTF_ERR_TYPE_ID);
}
END_TEST

START_TEST(inconsistent_records)
{
	struct bb b;

	bb_init(&b, NULL);
	bb_int(&b, "int3", 3, BTF_INT_SIGNED, 24);
	expect_built_error_why(&b, ES_BTF_ERR_TYPE_INVALID, "INT size");

	bb_init(&b, NULL);
	bb_int(&b, "wide", 4, 0, 40);
	expect_built_error_why(&b, ES_BTF_ERR_TYPE_INVALID, "INT bits");

	bb_init(&b, NULL);
	bb_int(&b, "both", 4, BTF_INT_SIGNED | BTF_INT_BOOL, 32);
	expect_built_error_why(&b, ES_BTF_ERR_TYPE_INVALID, "INT encoding");

	bb_init(&b, NULL);
	bb_int(&b, "int", 4, BTF_INT_SIGNED, 32);
	bb_type(&b, NULL, BTF_KIND_PTR, 1, false, 1);
	expect_built_error_why(&b, ES_BTF_ERR_TYPE_INVALID, "vlen set");

	bb_init(&b, NULL);
	bb_type(&b, "int", BTF_KIND_INT, 0, true, 4);
	bb_word(&b, 32);
	expect_built_error_why(&b, ES_BTF_ERR_TYPE_INVALID, "kind_flag");

	bb_init(&b, NULL);
	bb_int(&b, "int", 4, BTF_INT_SIGNED, 32);
	b.types[b.last + 1] |= 0x00010000;
	expect_built_error_why(&b, ES_BTF_ERR_TYPE_INVALID, "reserved info bits");

	bb_init(&b, NULL);
	bb_int(&b, "int", 4, BTF_INT_SIGNED, 32);
	bb_func(&b, "f", 1);
	expect_built_error_why(&b, ES_BTF_ERR_TYPE_INVALID, "not a FUNC_PROTO");

	bb_init(&b, NULL);
	bb_func(&b, "f", 2); /* the prototype comes later */
	bb_int(&b, "int", 4, BTF_INT_SIGNED, 32);
	expect_built_error_why(&b, ES_BTF_ERR_TYPE_INVALID, "not a FUNC_PROTO");

	bb_init(&b, NULL);
	bb_func_proto(&b, 0);
	bb_func(&b, "f", 1);
	b.types[b.last + 1] = BTF_KIND_FUNC << 24 | 3; /* linkage 3 */
	expect_built_error_why(&b, ES_BTF_ERR_TYPE_INVALID, "linkage");

	bb_init(&b, NULL);
	bb_int(&b, "int", 4, BTF_INT_SIGNED, 32);
	bb_func_proto(&b, 1);
	bb_param(&b, NULL, 0);
	bb_param(&b, "x", 1);
	expect_built_error_why(&b, ES_BTF_ERR_TYPE_INVALID, "void parameter");

	bb_init(&b, NULL);
	bb_enum(&b, "e", 3);
	expect_built_error_why(&b, ES_BTF_ERR_TYPE_INVALID, "enum size");

	bb_init(&b, NULL);
	bb_int(&b, "int", 4, BTF_INT_SIGNED, 32);
	bb_struct(&b, "s", 4, false);
	bb_member(&b, "a", 1, 0, 0);
	bb_type(&b, "tag", BTF_KIND_DECL_TAG, 0, false, 2);
	bb_word(&b, 1); /* component 1 of a one-member struct */
	expect_built_error_why(&b, ES_BTF_ERR_TYPE_INVALID, "component_idx");
}
END_TEST

/* One type of every kind 1..19, as a compiler and pahole emit them: all accepted. */
START_TEST(every_kind_is_known)
{
	struct es_btf_member_info mi;
	uint32_t i_int, proto, var, fwd;
	struct es_btf *btf;
	size_t size;
	void *blob;
	struct bb b;

	bb_init(&b, NULL);
	i_int = bb_int(&b, "int", 4, BTF_INT_SIGNED, 32); /* INT */
	bb_ref(&b, BTF_KIND_PTR, NULL, i_int); /* PTR */
	bb_array(&b, i_int, i_int, 2); /* ARRAY */
	bb_struct(&b, "s", 16, false); /* STRUCT */
	bb_member(&b, "a", 3, 0, 0);
	bb_member(&b, "f", 12, 64, 0);
	bb_union(&b, "u", 4, false); /* UNION */
	bb_member(&b, "i", i_int, 0, 0);
	bb_enum(&b, "e", 4); /* ENUM */
	bb_enum_val(&b, "E0", -1);
	fwd = bb_type(&b, "later", BTF_KIND_FWD, 0, true, 0); /* FWD (union) */
	bb_ref(&b, BTF_KIND_TYPEDEF, "td", i_int); /* TYPEDEF */
	bb_ref(&b, BTF_KIND_VOLATILE, NULL, i_int); /* VOLATILE */
	bb_ref(&b, BTF_KIND_CONST, NULL, i_int); /* CONST */
	bb_ref(&b, BTF_KIND_RESTRICT, NULL, 2); /* RESTRICT */
	bb_ref(&b, BTF_KIND_PTR, NULL, fwd); /* 12: pointer to the FWD */
	proto = bb_func_proto(&b, i_int); /* FUNC_PROTO */
	bb_param(&b, "x", i_int);
	bb_param(&b, NULL, 0); /* ... */
	bb_func(&b, "fn", proto); /* FUNC, global */
	var = bb_type(&b, "v", BTF_KIND_VAR, 0, false, i_int); /* VAR */
	bb_word(&b, BTF_VAR_GLOBAL_ALLOCATED);
	bb_type(&b, ".data", BTF_KIND_DATASEC, 1, false, 4); /* DATASEC */
	bb_word(&b, var);
	bb_word(&b, 0);
	bb_word(&b, 4);
	bb_type(&b, "double", BTF_KIND_FLOAT, 0, false, 8); /* FLOAT */
	bb_type(&b, "tag", BTF_KIND_DECL_TAG, 0, false, 4); /* DECL_TAG on s.a */
	bb_word(&b, 0);
	bb_ref(&b, BTF_KIND_TYPE_TAG, "user", i_int); /* TYPE_TAG */
	bb_type(&b, "e64", BTF_KIND_ENUM64, 1, true, 8); /* ENUM64, signed */
	bb_word(&b, bb_str(&b, "BIG"));
	bb_word(&b, 0);
	bb_word(&b, 0x80000000u);
	blob = bb_blob(&b, false, &size);
	bb_free(&b);
	btf = open_ok(blob, size, NULL);
	ck_assert_uint_eq(es_btf_type_cnt(btf), 21);
	lookup_ok(btf, "s.a", &mi);
	ck_assert_str_eq(mi.type_name, "int[2]");
	ck_assert_uint_eq(mi.size, 8);
	lookup_ok(btf, "s.f", &mi);
	ck_assert_str_eq(mi.type_name, "union later *");
	lookup_ok(btf, "u.i", &mi);
	ck_assert_uint_eq(mi.offset, 0);
	es_btf_free(btf);
	free(blob);
}
END_TEST

START_TEST(member_offsets)
{
	struct bb b;

	bb_init(&b, NULL);
	bb_int(&b, "int", 4, BTF_INT_SIGNED, 32);
	bb_struct(&b, "s", 8, false);
	bb_member(&b, "far", 1, 65, 0); /* starts past the 64 bits */
	expect_built_error_why(&b, ES_BTF_ERR_MEMBER_OFFSET, "'far'");

	/* kflag: offset 60 + bitfield 5 ends at 65 > 64. */
	bb_init(&b, NULL);
	bb_int(&b, "int", 4, BTF_INT_SIGNED, 32);
	bb_struct(&b, "s", 8, true);
	bb_member(&b, "bits", 1, 60, 5);
	expect_built_error(&b, ES_BTF_ERR_MEMBER_OFFSET);

	bb_init(&b, NULL);
	bb_int(&b, "int", 4, BTF_INT_SIGNED, 32);
	bb_union(&b, "u", 8, false);
	bb_member(&b, "a", 1, 0, 0);
	bb_member(&b, "b", 1, 32, 0); /* union members are all at 0 */
	expect_built_error_why(&b, ES_BTF_ERR_MEMBER_OFFSET, "not 0");
}
END_TEST

START_TEST(loops)
{
	struct bb b;
	int i;

	bb_init(&b, NULL);
	bb_ref(&b, BTF_KIND_TYPEDEF, "self", 1);
	expect_built_error(&b, ES_BTF_ERR_LOOP);

	bb_init(&b, NULL);
	bb_ref(&b, BTF_KIND_CONST, NULL, 2);
	bb_ref(&b, BTF_KIND_VOLATILE, NULL, 3);
	bb_ref(&b, BTF_KIND_TYPEDEF, "t", 1);
	expect_built_error(&b, ES_BTF_ERR_LOOP);

	bb_init(&b, NULL);
	bb_ref(&b, BTF_KIND_PTR, NULL, 1); /* a pointer to itself */
	expect_built_error(&b, ES_BTF_ERR_LOOP);

	bb_init(&b, NULL);
	bb_int(&b, "int", 4, BTF_INT_SIGNED, 32);
	bb_array(&b, 2, 1, 4); /* an array of itself */
	expect_built_error(&b, ES_BTF_ERR_LOOP);

	/* No loop, but 40 typedefs deep: past the limit all users rely on. */
	bb_init(&b, NULL);
	bb_int(&b, "int", 4, BTF_INT_SIGNED, 32);
	for (i = 0; i < 40; i++)
		bb_ref(&b, BTF_KIND_TYPEDEF, "t", i + 1);
	expect_built_error(&b, ES_BTF_ERR_LOOP);

	/* Same, with the chain pointing forward. */
	bb_init(&b, NULL);
	for (i = 0; i < 40; i++)
		bb_ref(&b, BTF_KIND_TYPEDEF, "t", i + 2);
	bb_int(&b, "int", 4, BTF_INT_SIGNED, 32);
	expect_built_error(&b, ES_BTF_ERR_LOOP);

	/* A struct that is its own anonymous member. */
	bb_init(&b, NULL);
	bb_struct(&b, "s", 8, false);
	bb_member(&b, NULL, 1, 0, 0);
	expect_built_error_why(&b, ES_BTF_ERR_LOOP, "anonymous");

	/* Anonymous structs nested 40 deep. */
	bb_init(&b, NULL);
	for (i = 0; i < 40; i++) {
		bb_struct(&b, i ? NULL : "outer", 4, false);
		bb_member(&b, NULL, i + 2, 0, 0);
	}
	bb_struct(&b, NULL, 4, false);
	expect_built_error_why(&b, ES_BTF_ERR_LOOP, "anonymous");
}
END_TEST

START_TEST(self_pointer_through_struct_is_fine)
{
	struct es_btf_member_info mi;
	struct es_btf *btf;
	struct bb b;
	size_t size;
	void *blob;

	bb_init(&b, NULL);
	bb_struct(&b, "list_head", 16, false);
	bb_member(&b, "next", 2, 0, 0);
	bb_member(&b, "prev", 2, 64, 0);
	bb_ref(&b, BTF_KIND_PTR, NULL, 1);
	bb_int(&b, "long int", 8, BTF_INT_SIGNED, 64);
	blob = bb_blob(&b, false, &size);
	bb_free(&b);
	btf = open_ok(blob, size, NULL);
	lookup_ok(btf, "list_head.prev", &mi);
	ck_assert_uint_eq(mi.offset, 8);
	ck_assert_uint_eq(mi.size, 8);
	ck_assert_str_eq(mi.type_name, "struct list_head *");
	es_btf_free(btf);
	free(blob);
}
END_TEST

/* Byte order. */

/* A read-only copy of @data: opening it proves the parser (and libelf) never write there. */
static void *readonly_copy(const void *data, size_t size)
{
	void *ro = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_ptr_ne(ro, MAP_FAILED);
	memcpy(ro, data, size);
	ck_assert_int_eq(mprotect(ro, size, PROT_READ), 0);
	return ro;
}

START_TEST(big_endian_reads_like_little_endian)
{
	size_t size;
	void *blob = sample_blob(true, &size);
	void *ro = readonly_copy(blob, size);
	struct es_btf *btf;

	btf = open_ok(ro, size, NULL);
	ck_assert_int_eq(es_btf_is_swapped(btf), 1);
	ck_assert_uint_eq(es_btf_type_cnt(btf), S_COUNT);
	check_sample_lookups(btf);
	es_btf_free(btf);
	ck_assert_int_eq(memcmp(ro, blob, size), 0);
	munmap(ro, size);
	free(blob);
}
END_TEST

START_TEST(big_endian_malformed_is_refused_the_same)
{
	size_t size;
	uint8_t *blob = sample_blob(true, &size);

	/* Byte-swapped version 2, and a truncated big-endian blob. */
	blob[2] = 2;
	expect_open_error(blob, size, NULL, ES_BTF_ERR_HDR_VERSION);
	blob[2] = 1;
	expect_open_error(blob, size - 1, NULL, ES_BTF_ERR_SECTION_BOUNDS);
	expect_open_error(blob, 10, NULL, ES_BTF_ERR_HDR_TRUNCATED);
	free(blob);
}
END_TEST

/* Split BTF. */

static void build_split(struct bb *base, struct bb *split)
{
	uint32_t mod_ptr;

	bb_init(base, NULL);
	build_sample(base);
	bb_init(split, base);
	/* A module struct with a pointer to a base struct, and a base typedef. */
	bb_struct(split, "mod_ctx", 16, false);
	mod_ptr = bb_next_id(split);
	bb_member(split, "task", mod_ptr, 0, 0);
	bb_member(split, "owner", S_PID_T, 64, 0);
	bb_ref(split, BTF_KIND_PTR, NULL, S_TASK);
}

START_TEST(split_btf_over_base)
{
	struct es_btf_member_info mi;
	struct bb base_b, split_b;
	struct es_btf *base, *split;
	void *base_blob, *split_blob;
	size_t base_size, split_size;

	build_split(&base_b, &split_b);
	base_blob = bb_blob(&base_b, false, &base_size);
	split_blob = bb_blob(&split_b, false, &split_size);
	base = open_ok(base_blob, base_size, NULL);
	split = open_ok(split_blob, split_size, base);

	/* Ids continue after the base's. */
	ck_assert_uint_eq(es_btf_type_cnt(split), S_COUNT + 2);
	lookup_ok(split, "mod_ctx.task", &mi);
	ck_assert_uint_eq(mi.target_id, S_TASK);
	ck_assert_str_eq(mi.type_name, "struct task_struct *");
	lookup_ok(split, "mod_ctx.owner", &mi);
	ck_assert_uint_eq(mi.offset, 8);
	ck_assert_str_eq(mi.type_name, "pid_t");
	/* Base structs are found through the split BTF as well. */
	check_sample_lookups(split);

	es_btf_free(split);
	/* The split blob alone does not stand: its ids and names need the base. */
	expect_open_error(split_blob, split_size, NULL, ES_BTF_ERR_STR_NOT_NUL);
	es_btf_free(base);
	free(base_blob);
	free(split_blob);
	bb_free(&base_b);
	bb_free(&split_b);
}
END_TEST

START_TEST(big_endian_split_over_big_endian_base)
{
	struct es_btf_member_info mi;
	struct bb base_b, split_b;
	struct es_btf *base, *split;
	void *base_blob, *split_blob;
	size_t base_size, split_size;

	build_split(&base_b, &split_b);
	base_blob = bb_blob(&base_b, true, &base_size);
	split_blob = bb_blob(&split_b, true, &split_size);
	base = open_ok(base_blob, base_size, NULL);
	split = open_ok(split_blob, split_size, base);
	ck_assert_int_eq(es_btf_is_swapped(split), 1);
	lookup_ok(split, "mod_ctx.owner", &mi);
	ck_assert_uint_eq(mi.offset, 8);
	ck_assert_str_eq(mi.type_name, "pid_t");
	check_sample_lookups(split);
	es_btf_free(split);
	es_btf_free(base);
	free(base_blob);
	free(split_blob);
	bb_free(&base_b);
	bb_free(&split_b);
}
END_TEST

START_TEST(split_btf_checks_ids_and_names_against_base)
{
	struct bb base_b, split_b;
	struct es_btf *base;
	void *base_blob, *split_blob;
	size_t base_size, split_size;

	build_split(&base_b, &split_b);
	base_blob = bb_blob(&base_b, false, &base_size);
	base = open_ok(base_blob, base_size, NULL);

	bb_ref(&split_b, BTF_KIND_PTR, NULL, S_COUNT + 3); /* ids 23..25 exist */
	split_blob = bb_blob(&split_b, false, &split_size);
	expect_open_error(split_blob, split_size, base, ES_BTF_ERR_TYPE_ID);
	free(split_blob);

	bb_free(&split_b);
	bb_init(&split_b, &base_b);
	bb_int(&split_b, "mod_int", 4, 0, 32);
	split_b.types[split_b.last] = split_b.start_str_off + split_b.strs_len; /* past the end */
	split_blob = bb_blob(&split_b, false, &split_size);
	expect_open_error(split_blob, split_size, base, ES_BTF_ERR_NAME_OFF);
	free(split_blob);

	/* Split BTF in the other byte order from its base. */
	split_blob = bb_blob(&split_b, true, &split_size);
	expect_open_error_why(split_blob, split_size, base, ES_BTF_ERR_BASE, "big-endian");
	free(split_blob);

	/* Split BTF without strings of its own is fine. */
	bb_free(&split_b);
	bb_init(&split_b, &base_b);
	bb_ref(&split_b, BTF_KIND_PTR, NULL, S_FILE);
	split_blob = bb_blob(&split_b, false, &split_size);
	es_btf_free(open_ok(split_blob, split_size, base));
	free(split_blob);

	es_btf_free(base);
	free(base_blob);
	bb_free(&base_b);
	bb_free(&split_b);
}
END_TEST

/* ELF containers. */

static void *sample_elf(bool elf_be, bool btf_be, enum bb_elf_btf how, size_t *size)
{
	size_t blob_size;
	void *blob = sample_blob(btf_be, &blob_size);
	void *elf = bb_elf(blob, blob_size, elf_be, how, size);

	free(blob);
	return elf;
}

START_TEST(elf_with_btf_section)
{
	void *ro;
	size_t size;
	void *elf = sample_elf(false, false, BB_ELF_BTF, &size);
	struct es_btf *btf = open_ok(elf, size, NULL);

	ck_assert_uint_eq(es_btf_type_cnt(btf), S_COUNT);
	check_sample_lookups(btf);
	es_btf_free(btf);
	free(elf);

	/* An s390x object: big-endian ELF with big-endian BTF, in read-only memory. */
	elf = sample_elf(true, true, BB_ELF_BTF, &size);
	ro = readonly_copy(elf, size);
	btf = open_ok(ro, size, NULL);
	ck_assert_int_eq(es_btf_is_swapped(btf), 1);
	check_sample_lookups(btf);
	es_btf_free(btf);
	munmap(ro, size);
	free(elf);
}
END_TEST

START_TEST(elf_without_btf_section)
{
	size_t size;
	void *elf = sample_elf(false, false, BB_ELF_NO_BTF, &size);

	expect_open_error(elf, size, NULL, ES_BTF_ERR_ELF_NO_BTF);
	free(elf);
}
END_TEST

START_TEST(elf_empty_or_nobits_btf_section)
{
	size_t size;
	void *elf = sample_elf(false, false, BB_ELF_EMPTY_BTF, &size);

	expect_open_error(elf, size, NULL, ES_BTF_ERR_ELF_EMPTY);
	free(elf);
	elf = sample_elf(false, false, BB_ELF_NOBITS_BTF, &size);
	expect_open_error(elf, size, NULL, ES_BTF_ERR_ELF_EMPTY);
	free(elf);
}
END_TEST

START_TEST(elf_byte_order_mismatch)
{
	size_t size;
	void *elf = sample_elf(false, true, BB_ELF_BTF, &size);

	expect_open_error(elf, size, NULL, ES_BTF_ERR_ENDIAN_MISMATCH);
	free(elf);
	elf = sample_elf(true, false, BB_ELF_BTF, &size);
	expect_open_error(elf, size, NULL, ES_BTF_ERR_ENDIAN_MISMATCH);
	free(elf);
}
END_TEST

START_TEST(elf_truncated)
{
	size_t size;
	void *elf = sample_elf(false, false, BB_ELF_BTF, &size);

	/* Section headers cut off: libelf cannot read the file. */
	expect_open_error(elf, size - 64, NULL, ES_BTF_ERR_ELF);
	expect_open_error(elf, 20, NULL, ES_BTF_ERR_ELF);
	free(elf);
}
END_TEST

START_TEST(open_file_missing_or_not_btf)
{
	struct es_btf_diag diag;
	struct es_btf *btf = (struct es_btf *)&diag; /* must be reset to NULL */
	char path[] = "/tmp/test_btf_XXXXXX";
	size_t size;
	void *blob;
	FILE *f;
	int fd;

	ck_assert_int_eq(es_btf_open_file("/nonexistent/btf", NULL, &btf, &diag), -ES_BTF_ERR_IO);
	ck_assert_ptr_null(btf);
	ck_assert_ptr_nonnull(strstr(diag.msg, "/nonexistent/btf"));
	ck_assert_int_eq(es_btf_open_file("/tmp", NULL, &btf, &diag), -ES_BTF_ERR_IO);

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_int_eq(es_btf_open_file(path, NULL, &btf, &diag), -ES_BTF_ERR_NOT_BTF);
	fputs("#!/bin/sh\necho not btf\n", f);
	fflush(f);
	ck_assert_int_eq(es_btf_open_file(path, NULL, &btf, &diag), -ES_BTF_ERR_NOT_BTF);
	ck_assert_ptr_nonnull(strstr(diag.msg, path));

	/* A real file, raw then ELF. */
	blob = sample_blob(false, &size);
	rewind(f);
	ck_assert_int_eq(ftruncate(fd, 0), 0);
	fwrite(blob, 1, size, f);
	fflush(f);
	ck_assert_int_eq(es_btf_open_file(path, NULL, &btf, &diag), 0);
	check_sample_lookups(btf);
	es_btf_free(btf);
	/* Truncated file. */
	ck_assert_int_eq(ftruncate(fd, size - 10), 0);
	ck_assert_int_eq(es_btf_open_file(path, NULL, &btf, &diag), -ES_BTF_ERR_SECTION_BOUNDS);
	free(blob);

	blob = sample_elf(false, false, BB_ELF_BTF, &size);
	rewind(f);
	ck_assert_int_eq(ftruncate(fd, 0), 0);
	fwrite(blob, 1, size, f);
	fflush(f);
	ck_assert_int_eq(es_btf_open_file(path, NULL, &btf, &diag), 0);
	check_sample_lookups(btf);
	es_btf_free(btf);
	free(blob);
	fclose(f);
	unlink(path);
}
END_TEST

/*
 * Every single-bit corruption of the sample, both byte orders, raw and in ELF: the parser
 * either refuses it with a known code or accepts it, and lookups on what it
 * accepts stay inside the data (the ASan build checks that).
 */
START_TEST(every_byte_corruption_is_handled)
{
	static const char *const paths[] = { "task_struct.real_parent", "task_struct.tgid",
					     "mm_struct.exe_file", "dentry.d_name.name" };
	struct es_btf_member_info mi;
	struct es_btf_diag diag;
	struct es_btf *btf;
	size_t size, i, p;
	uint8_t *blob, saved;
	int err, bit;

	/* _i: bit 0 big-endian, bit 1 inside an ELF file. */
	blob = sample_blob(_i & 1, &size);
	if (_i & 2) {
		uint8_t *raw = blob;

		blob = bb_elf(raw, size, _i & 1, BB_ELF_BTF, &size);
		free(raw);
	}
	for (i = 0; i < size; i++) {
		saved = blob[i];
		for (bit = 0; bit < 8; bit++) {
			blob[i] = saved ^ (1u << bit);
			err = es_btf_open_mem(blob, size, NULL, &btf, &diag);
			ck_assert_msg(err <= 0 && err > -ES_BTF_ERR__MAX, "byte %zu: %d", i, err);
			ck_assert_int_eq(diag.code, err);
			if (err)
				continue;
			for (p = 0; p < sizeof(paths) / sizeof(paths[0]); p++)
				es_btf_member_lookup(btf, paths[p], &mi, &diag);
			es_btf_free(btf);
		}
		blob[i] = saved;
	}
	free(blob);
}
END_TEST

START_TEST(strerror_covers_every_code)
{
	int code;

	for (code = 1; code < ES_BTF_ERR__MAX; code++) {
		ck_assert_str_ne(es_btf_strerror(-code), "unknown error");
		ck_assert_str_eq(es_btf_strerror(-code), es_btf_strerror(code));
	}
	ck_assert_str_eq(es_btf_strerror(0), "success");
	ck_assert_str_eq(es_btf_strerror(ES_BTF_ERR__MAX), "unknown error");
}
END_TEST

int main(void)
{
	const struct es_check_case cases[] = {
		{ "lookup", ES_CHECK_TESTS(sample_resolves_the_three_example_paths,
					   anonymous_union_in_anonymous_struct, kflag_bitfields,
					   bitfields_without_kflag, type_names_in_c, lookup_errors,
					   same_named_structs_agreeing_are_fine,
					   same_named_structs_disagreeing_are_ambiguous,
					   member_past_struct_end_refused_on_lookup,
					   self_pointer_through_struct_is_fine) },
		{ "header", ES_CHECK_TESTS(not_btf, header_truncated, header_version, header_flags,
					   header_len, section_bounds, section_alignment,
					   section_overlap, strings_not_nul_terminated) },
		{ "types", ES_CHECK_TESTS(name_offsets, unknown_kind, record_truncated,
					  walk_must_end_at_section_end, referenced_type_ids,
					  inconsistent_records, every_kind_is_known, member_offsets,
					  loops) },
		{ "byte_order", ES_CHECK_TESTS(big_endian_reads_like_little_endian,
					       big_endian_malformed_is_refused_the_same) },
		{ "split",
		  ES_CHECK_TESTS(split_btf_over_base, split_btf_checks_ids_and_names_against_base,
				 big_endian_split_over_big_endian_base) },
		{ "elf", ES_CHECK_TESTS(elf_with_btf_section, elf_without_btf_section,
					elf_empty_or_nobits_btf_section, elf_byte_order_mismatch,
					elf_truncated, open_file_missing_or_not_btf) },
		/* Both byte orders, raw and in ELF (_i); the ASan build is slower. */
		{ "robustness", ES_CHECK_TESTS(every_byte_corruption_is_handled), .timeout_s = 120,
		  .loops = 4 },
		{ "errors", ES_CHECK_TESTS(strerror_covers_every_code) },
		{ NULL },
	};

	return es_check_run("btf", NULL, cases);
}
