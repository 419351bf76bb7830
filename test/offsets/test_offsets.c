// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The offset table's type checks on synthetic BTF: every way a field can be
 * refused (missing, bitfield, wrong type, offset 0) gives value 0 and its own
 * reason, and well-formed layouts (also nested anonymously, also through
 * typedefs and modifiers, also in split BTF) resolve to the exact offsets.
 * The layouts carry every table field, TASK_OFFSETS' and EXEC_OFFSETS'.
 */
#include <check.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <linux/btf.h>

#include "btf.h"
#include "btf_builder.h"
#include "check_main.h"
#include "execsensor.h"
#include "offsets.h"

/* Where the layouts below put the fields (this host's 6.18 task_struct does the same). */
#define TGID_OFF	1268
#define REAL_PARENT_OFF 1280
#define TASK_SIZE	3264
#define TASK_MM_OFF	1136
#define MM_ANON_OFF	64 /* mm_struct's fields sit in an anonymous struct, as in the kernel */
#define ARG_START_OFF	480
#define ARG_END_OFF	488
#define MM_SIZE		1024

struct common_ids {
	uint32_t int_id, uint_id, long_id, ulong_id, u16_id, pid_t_id, mm_id, ptr_mm, ptr_void;
	uint32_t enum_id;
};

/* The test's base and split builders; teardown() frees them, and the blobs. */
static struct bb builder, split_builder;

static void add_common(struct bb *b, struct common_ids *ids)
{
	ids->int_id = bb_int(b, "int", 4, BTF_INT_SIGNED, 32);
	ids->uint_id = bb_int(b, "unsigned int", 4, 0, 32);
	ids->long_id = bb_int(b, "long", 8, BTF_INT_SIGNED, 64);
	ids->ulong_id = bb_int(b, "long unsigned int", 8, 0, 64);
	ids->u16_id = bb_int(b, "unsigned short", 2, 0, 16);
	ids->pid_t_id = bb_ref(b, BTF_KIND_TYPEDEF, "pid_t", ids->int_id);
	ids->enum_id = bb_enum(b, "pid_type", 4);
	bb_enum_val(b, "ES_TEST_ENUM_VALUE", 0);
	ids->ptr_void = bb_ref(b, BTF_KIND_PTR, NULL, 0);
	ids->ptr_mm = bb_ref(b, BTF_KIND_PTR, NULL, bb_next_id(b) + 1);
	ids->mm_id = bb_struct(b, "mm_struct", MM_SIZE, false);
	bb_member(b, "owner", ids->int_id, 0, 0);
	bb_member(b, NULL, ids->mm_id + 1, MM_ANON_OFF * 8, 0);
	bb_struct(b, NULL, MM_SIZE - MM_ANON_OFF, false);
	bb_member(b, "arg_start", ids->ulong_id, (ARG_START_OFF - MM_ANON_OFF) * 8, 0);
	bb_member(b, "arg_end", ids->ulong_id, (ARG_END_OFF - MM_ANON_OFF) * 8, 0);
}

/* The id add_common() stored at @id, an offsetof in struct common_ids: lets tables name types. */
static uint32_t common_id(const struct common_ids *c, size_t id)
{
	uint32_t type;

	memcpy(&type, (const char *)c + id, sizeof(type));
	return type;
}

/* The blobs stay allocated while the btf handles use them. */
static void *blob, *split_blob;
static struct es_btf *btf, *split;

static struct es_btf *open_built(struct bb *b)
{
	struct es_btf_diag diag = {};
	size_t size;
	int err;

	blob = bb_blob(b, false, &size);
	ck_assert_uint_gt(size, 0);
	err = es_btf_open_mem(blob, size, NULL, &btf, &diag);
	ck_assert_msg(err == 0, "btf_open_mem: %d %s", err, diag.msg);
	return btf;
}

static void teardown(void)
{
	if (split)
		es_btf_free(split);
	if (btf)
		es_btf_free(btf);
	split = NULL;
	btf = NULL;
	free(split_blob);
	free(blob);
	split_blob = NULL;
	blob = NULL;
	bb_free(&split_builder);
	bb_free(&builder);
}

/*
 * task_struct with the table's task fields: tgid declared as @tgid_type
 * (@tgid_bits > 0: a kflag bitfield), real_parent as @rp_type at @rp_off,
 * and mm, a well-formed pointer to add_common()'s mm_struct.
 */
static struct es_btf *task_layout(struct bb *b, const struct common_ids *c, uint32_t tgid_type,
				  uint32_t tgid_bits, uint32_t rp_type, uint32_t rp_off)
{
	bb_struct(b, "task_struct", TASK_SIZE, tgid_bits > 0);
	bb_member(b, "thread_flags", 1, 0, 0);
	bb_member(b, "mm", c->ptr_mm, TASK_MM_OFF * 8, 0);
	bb_member(b, "tgid", tgid_type, TGID_OFF * 8, tgid_bits);
	bb_member(b, "real_parent", rp_type, rp_off * 8, 0);
	return open_built(b);
}

static void assert_refused(const struct es_offset *o, int ret, int code, const char *reason)
{
	ck_assert_int_eq(ret, code);
	ck_assert_int_eq(o->resolved, 0);
	ck_assert_uint_eq(o->value, 0);
	ck_assert_str_eq(o->reason, reason);
}

static const struct es_offset_field *group_field(enum es_offset_group_id group, uint32_t key)
{
	size_t i;

	for (i = 0; i < es_offset_fields_cnt; i++) {
		if (es_offset_fields[i].group == group && es_offset_fields[i].key == key)
			return &es_offset_fields[i];
	}
	ck_abort_msg("no table field for %s[%u]", es_offset_groups[group].map, key);
	return NULL;
}

static const struct es_offset_field *table(enum es_task_offset key)
{
	return group_field(ES_OFFSET_GROUP_TASK, key);
}

static const struct es_offset_field *exec_table(enum es_exec_offset key)
{
	return group_field(ES_OFFSET_GROUP_EXEC, key);
}

/*
 * The table's unresolved fields of the TASK_OFFSETS and EXEC_OFFSETS groups:
 * the synthetic BTF here describes task_struct and mm_struct, not the exe's
 * or exit structs (test_btf_live and the CLI tests resolve those from the kernel).
 */
static size_t unresolved_task_exec(const struct es_offset *out)
{
	size_t i, n = 0;

	for (i = 0; i < es_offset_fields_cnt; i++) {
		if (es_offset_fields[i].group == ES_OFFSET_GROUP_TASK ||
		    es_offset_fields[i].group == ES_OFFSET_GROUP_EXEC)
			n += !out[i].resolved;
	}
	return n;
}

/* Where es_offsets_resolve_table() puts @field's result. */
static const struct es_offset *table_out(const struct es_offset *out,
					 const struct es_offset_field *field)
{
	ck_assert_ptr_eq(out[field - es_offset_fields].field, field);
	return &out[field - es_offset_fields];
}

START_TEST(table_holds_one_field_per_map_key)
{
	char want[64];
	size_t i, j;

	size_t keys = 0;

	for (i = 0; i < ES_OFFSET_GROUP__MAX; i++)
		keys += es_offset_groups[i].nkeys;
	ck_assert_uint_eq(es_offset_fields_cnt, keys);
	ck_assert_uint_eq(es_offset_groups[ES_OFFSET_GROUP_TASK].nkeys, ES_TASK_OFF__MAX);
	ck_assert_uint_eq(es_offset_groups[ES_OFFSET_GROUP_EXEC].nkeys, ES_EXEC_OFF__MAX);
	for (i = 0; i < es_offset_fields_cnt; i++) {
		const struct es_offset_field *f = &es_offset_fields[i];

		ck_assert_uint_lt(f->group, ES_OFFSET_GROUP__MAX);
		ck_assert_uint_lt(f->key, es_offset_groups[f->group].nkeys);
		for (j = i + 1; j < es_offset_fields_cnt; j++)
			ck_assert(f->group != es_offset_fields[j].group ||
				  f->key != es_offset_fields[j].key);
	}
	ck_assert_str_eq(table(ES_TASK_OFF_REAL_PARENT)->path, "task_struct.real_parent");
	es_offset_expect_describe(table(ES_TASK_OFF_REAL_PARENT), want, sizeof(want));
	ck_assert_str_eq(want, "a pointer to struct task_struct");
	ck_assert_str_eq(table(ES_TASK_OFF_TGID)->path, "task_struct.tgid");
	es_offset_expect_describe(table(ES_TASK_OFF_TGID), want, sizeof(want));
	ck_assert_str_eq(want, "a 4-byte integer");
	ck_assert_str_eq(exec_table(ES_EXEC_OFF_TASK_MM)->path, "task_struct.mm");
	es_offset_expect_describe(exec_table(ES_EXEC_OFF_TASK_MM), want, sizeof(want));
	ck_assert_str_eq(want, "a pointer to struct mm_struct");
	ck_assert_str_eq(exec_table(ES_EXEC_OFF_ARG_START)->path, "mm_struct.arg_start");
	es_offset_expect_describe(exec_table(ES_EXEC_OFF_ARG_START), want, sizeof(want));
	ck_assert_str_eq(want, "an 8-byte integer");
	ck_assert_str_eq(exec_table(ES_EXEC_OFF_ARG_END)->path, "mm_struct.arg_end");
	es_offset_expect_describe(exec_table(ES_EXEC_OFF_ARG_END), want, sizeof(want));
	ck_assert_str_eq(want, "an 8-byte integer");

	ck_assert_ptr_eq(es_offset_field_find("task_struct.tgid"), table(ES_TASK_OFF_TGID));
	ck_assert_ptr_null(es_offset_field_find("task_struct.pid"));
	ck_assert_ptr_null(es_offset_field_find("task_struct.tgid.x"));
	ck_assert_ptr_null(es_offset_field_find(""));
}
END_TEST

START_TEST(well_formed_layout_resolves_exact_offsets)
{
	struct es_offset out[ES_OFFSET_FIELDS_MAX];
	struct common_ids c;
	uint32_t ptr_task;

	bb_init(&builder, NULL);
	add_common(&builder, &c);
	ptr_task = bb_ref(&builder, BTF_KIND_PTR, NULL, bb_next_id(&builder) + 1);
	task_layout(&builder, &c, c.pid_t_id, 0, ptr_task, REAL_PARENT_OFF);

	es_offsets_resolve_table(btf, out);
	ck_assert_uint_eq(unresolved_task_exec(out), 0);
	ck_assert_int_eq(out[ES_TASK_OFF_REAL_PARENT].resolved, 1);
	ck_assert_uint_eq(out[ES_TASK_OFF_REAL_PARENT].value, REAL_PARENT_OFF);
	ck_assert_uint_eq(out[ES_TASK_OFF_REAL_PARENT].info.size, 8);
	ck_assert_str_eq(out[ES_TASK_OFF_REAL_PARENT].info.type_name, "struct task_struct *");
	ck_assert_str_eq(out[ES_TASK_OFF_REAL_PARENT].reason, "");
	ck_assert_ptr_eq(out[ES_TASK_OFF_REAL_PARENT].field, table(ES_TASK_OFF_REAL_PARENT));
	ck_assert_int_eq(out[ES_TASK_OFF_TGID].resolved, 1);
	ck_assert_uint_eq(out[ES_TASK_OFF_TGID].value, TGID_OFF);
	ck_assert_uint_eq(out[ES_TASK_OFF_TGID].info.bit_offset, TGID_OFF * 8);
	ck_assert_uint_eq(out[ES_TASK_OFF_TGID].info.size, 4);
	ck_assert_str_eq(out[ES_TASK_OFF_TGID].info.type_name, "pid_t");
	ck_assert_str_eq(out[ES_TASK_OFF_TGID].reason, "");
	ck_assert_uint_eq(table_out(out, exec_table(ES_EXEC_OFF_TASK_MM))->value, TASK_MM_OFF);
	ck_assert_str_eq(table_out(out, exec_table(ES_EXEC_OFF_TASK_MM))->info.type_name,
			 "struct mm_struct *");
	/* Through mm_struct's anonymous struct, as on every current kernel. */
	ck_assert_uint_eq(table_out(out, exec_table(ES_EXEC_OFF_ARG_START))->value, ARG_START_OFF);
	ck_assert_uint_eq(table_out(out, exec_table(ES_EXEC_OFF_ARG_END))->value, ARG_END_OFF);
	ck_assert_str_eq(table_out(out, exec_table(ES_EXEC_OFF_ARG_END))->info.type_name,
			 "long unsigned int");
}
END_TEST

START_TEST(real_parent_through_const_and_typedef_resolves)
{
	struct common_ids c;
	struct es_offset o;
	uint32_t ptr_task, cptr, td;

	bb_init(&builder, NULL);
	add_common(&builder, &c);
	ptr_task = bb_ref(&builder, BTF_KIND_PTR, NULL, bb_next_id(&builder) + 3);
	cptr = bb_ref(&builder, BTF_KIND_CONST, NULL, ptr_task);
	td = bb_ref(&builder, BTF_KIND_TYPEDEF, "task_ptr_t", cptr);
	task_layout(&builder, &c, c.uint_id, 0, td, REAL_PARENT_OFF);

	ck_assert_int_eq(es_offset_resolve(btf, table(ES_TASK_OFF_REAL_PARENT), &o), 0);
	ck_assert_uint_eq(o.value, REAL_PARENT_OFF);
	ck_assert_int_eq(es_offset_resolve(btf, table(ES_TASK_OFF_TGID), &o), 0);
	ck_assert_uint_eq(o.value, TGID_OFF);
}
END_TEST

/*
 * A task_struct whose real_parent is add_common()'s type at @id (an offsetof
 * in struct common_ids): the table refuses it as the wrong type with @reason.
 */
static struct es_offset real_parent_refused(size_t id, const char *reason)
{
	struct common_ids c;
	struct es_offset o;
	int ret;

	bb_init(&builder, NULL);
	add_common(&builder, &c);
	task_layout(&builder, &c, c.pid_t_id, 0, common_id(&c, id), REAL_PARENT_OFF);

	ret = es_offset_resolve(btf, table(ES_TASK_OFF_REAL_PARENT), &o);
	assert_refused(&o, ret, -ES_OFFSET_ERR_TYPE, reason);
	return o;
}

START_TEST(real_parent_int_is_refused)
{
	struct es_offset o;

	o = real_parent_refused(offsetof(struct common_ids, int_id),
				"task_struct.real_parent is 'int' (a 4-byte integer), expected a "
				"pointer to struct task_struct");
	ck_assert_int_eq(o.found, 1);
	ck_assert_uint_eq(o.info.bit_offset, REAL_PARENT_OFF * 8);
}
END_TEST

START_TEST(real_parent_pointer_to_other_struct_is_refused)
{
	real_parent_refused(offsetof(struct common_ids, ptr_mm),
			    "task_struct.real_parent is 'struct mm_struct *' (a pointer to struct "
			    "mm_struct), expected a pointer to struct task_struct");
}
END_TEST

START_TEST(real_parent_void_pointer_is_refused)
{
	real_parent_refused(offsetof(struct common_ids, ptr_void),
			    "task_struct.real_parent is 'void *' (a pointer to void), expected a "
			    "pointer to struct task_struct");
}
END_TEST

START_TEST(real_parent_pointer_to_pointer_is_refused)
{
	struct common_ids c;
	struct es_offset o;
	uint32_t pp;

	bb_init(&builder, NULL);
	add_common(&builder, &c);
	/* pp -> ptr -> task_struct */
	pp = bb_ref(&builder, BTF_KIND_PTR, NULL, bb_next_id(&builder) + 1);
	bb_ref(&builder, BTF_KIND_PTR, NULL, bb_next_id(&builder) + 1);
	task_layout(&builder, &c, c.pid_t_id, 0, pp, REAL_PARENT_OFF);

	ck_assert_int_eq(es_offset_resolve(btf, table(ES_TASK_OFF_REAL_PARENT), &o),
			 -ES_OFFSET_ERR_TYPE);
	ck_assert_uint_eq(o.value, 0);
	ck_assert_ptr_nonnull(strstr(o.reason, "'struct task_struct **'"));
}
END_TEST

/* A declaration-only pointee could be a union as well: not what the BPF side follows. */
START_TEST(real_parent_pointer_to_forward_declaration_is_refused)
{
	struct common_ids c;
	struct es_offset o;
	uint32_t fwd, ptr_fwd;

	bb_init(&builder, NULL);
	add_common(&builder, &c);
	fwd = bb_ref(&builder, BTF_KIND_FWD, "task_struct", 0);
	ptr_fwd = bb_ref(&builder, BTF_KIND_PTR, NULL, fwd);
	task_layout(&builder, &c, c.pid_t_id, 0, ptr_fwd, REAL_PARENT_OFF);

	ck_assert_int_eq(es_offset_resolve(btf, table(ES_TASK_OFF_REAL_PARENT), &o),
			 -ES_OFFSET_ERR_TYPE);
	ck_assert_uint_eq(o.value, 0);
	ck_assert_ptr_nonnull(strstr(o.reason, "forward declaration"));
}
END_TEST

START_TEST(tgid_bitfield_is_refused)
{
	struct common_ids c;
	struct es_offset o;
	uint32_t ptr_task;
	int ret;

	bb_init(&builder, NULL);
	add_common(&builder, &c);
	ptr_task = bb_ref(&builder, BTF_KIND_PTR, NULL, bb_next_id(&builder) + 1);
	task_layout(&builder, &c, c.int_id, 3, ptr_task, REAL_PARENT_OFF);

	ret = es_offset_resolve(btf, table(ES_TASK_OFF_TGID), &o);
	assert_refused(&o, ret, -ES_OFFSET_ERR_BITFIELD, "task_struct.tgid is a bitfield (3 bits)");
	ck_assert_uint_eq(o.info.bit_size, 3);
	/* The other field of the same layout is unaffected. */
	ck_assert_int_eq(es_offset_resolve(btf, table(ES_TASK_OFF_REAL_PARENT), &o), 0);
}
END_TEST

/* A bitfield as older BTF writes it: no kflag, the INT's own bit count narrower than its size. */
START_TEST(tgid_bitfield_without_kflag_is_refused)
{
	struct common_ids c;
	struct es_offset o;
	uint32_t int3, ptr_task;
	int ret;

	bb_init(&builder, NULL);
	add_common(&builder, &c);
	int3 = bb_int(&builder, "int", 4, BTF_INT_SIGNED, 3);
	ptr_task = bb_ref(&builder, BTF_KIND_PTR, NULL, bb_next_id(&builder) + 1);
	task_layout(&builder, &c, int3, 0, ptr_task, REAL_PARENT_OFF);

	ret = es_offset_resolve(btf, table(ES_TASK_OFF_TGID), &o);
	assert_refused(&o, ret, -ES_OFFSET_ERR_BITFIELD, "task_struct.tgid is a bitfield (3 bits)");
}
END_TEST

/* With kflag a plain member may sit at any bit; the handler reads whole bytes. */
START_TEST(tgid_not_on_a_byte_is_refused)
{
	struct common_ids c;
	struct es_offset o;
	uint32_t ptr_task;
	int ret;

	bb_init(&builder, NULL);
	add_common(&builder, &c);
	ptr_task = bb_ref(&builder, BTF_KIND_PTR, NULL, bb_next_id(&builder) + 1);
	bb_struct(&builder, "task_struct", TASK_SIZE, true);
	bb_member(&builder, "flags", c.uint_id, 0, 1); /* a bitfield: the struct has kflag */
	bb_member(&builder, "tgid", c.pid_t_id, TGID_OFF * 8 + 1, 0);
	bb_member(&builder, "real_parent", ptr_task, REAL_PARENT_OFF * 8, 0);
	open_built(&builder);

	ret = es_offset_resolve(btf, table(ES_TASK_OFF_TGID), &o);
	assert_refused(&o, ret, -ES_OFFSET_ERR_UNALIGNED,
		       "task_struct.tgid starts at bit 10145, not on a byte boundary");
}
END_TEST

START_TEST(tgid_wrong_width_or_kind_is_refused)
{
	static const struct {
		size_t id; /* which of struct common_ids tgid is declared as */
		const char *type_name;
		const char *reason;
	} cases[] = {
		{ offsetof(struct common_ids, long_id), "long",
		  "task_struct.tgid is 'long' (an 8-byte integer), expected a 4-byte integer" },
		{ offsetof(struct common_ids, u16_id), "unsigned short",
		  "task_struct.tgid is 'unsigned short' (a 2-byte integer), expected a 4-byte "
		  "integer" },
		{ offsetof(struct common_ids, enum_id), "enum pid_type",
		  "task_struct.tgid is 'enum pid_type' (enum pid_type), expected a 4-byte integer" },
		{ offsetof(struct common_ids, ptr_mm), "struct mm_struct *",
		  "task_struct.tgid is 'struct mm_struct *' (a pointer to struct mm_struct), "
		  "expected a 4-byte integer" },
	};
	struct common_ids c;
	struct es_offset o;
	size_t i;
	int ret;

	/* One layout per case, each opened from the shared blob buffer in turn. */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t ptr_task, tgid_type;

		teardown();
		bb_init(&builder, NULL);
		add_common(&builder, &c);
		tgid_type = common_id(&c, cases[i].id);
		ptr_task = bb_ref(&builder, BTF_KIND_PTR, NULL, bb_next_id(&builder) + 1);
		task_layout(&builder, &c, tgid_type, 0, ptr_task, REAL_PARENT_OFF);
		ret = es_offset_resolve(btf, table(ES_TASK_OFF_TGID), &o);
		ck_assert_msg(strcmp(o.info.type_name, cases[i].type_name) == 0, "case %zu: '%s'",
			      i, o.info.type_name);
		assert_refused(&o, ret, -ES_OFFSET_ERR_TYPE, cases[i].reason);
	}
}
END_TEST

/* The image record reads 8 bytes of each address and follows mm to a struct mm_struct. */
START_TEST(exec_fields_of_the_wrong_type_are_refused)
{
	struct common_ids c;
	struct es_offset o;
	uint32_t ptr_task, int_id;
	int ret;

	bb_init(&builder, NULL);
	add_common(&builder, &c);
	ptr_task = bb_ref(&builder, BTF_KIND_PTR, NULL, bb_next_id(&builder) + 1);
	bb_struct(&builder, "task_struct", TASK_SIZE, false);
	bb_member(&builder, "mm", ptr_task, TASK_MM_OFF * 8, 0);
	open_built(&builder);
	ret = es_offset_resolve(btf, exec_table(ES_EXEC_OFF_TASK_MM), &o);
	assert_refused(&o, ret, -ES_OFFSET_ERR_TYPE,
		       "task_struct.mm is 'struct task_struct *' (a pointer to struct "
		       "task_struct), expected a pointer to struct mm_struct");

	teardown();
	bb_init(&builder, NULL);
	int_id = bb_int(&builder, "int", 4, BTF_INT_SIGNED, 32);
	bb_struct(&builder, "mm_struct", 64, true);
	bb_member(&builder, "arg_start", int_id, 8 * 8, 0);
	bb_member(&builder, "arg_end", int_id, 16 * 8, 4);
	open_built(&builder);
	ret = es_offset_resolve(btf, exec_table(ES_EXEC_OFF_ARG_START), &o);
	assert_refused(&o, ret, -ES_OFFSET_ERR_TYPE,
		       "mm_struct.arg_start is 'int' (a 4-byte integer), expected an 8-byte "
		       "integer");
	ret = es_offset_resolve(btf, exec_table(ES_EXEC_OFF_ARG_END), &o);
	assert_refused(&o, ret, -ES_OFFSET_ERR_BITFIELD,
		       "mm_struct.arg_end is a bitfield (4 bits)");
}
END_TEST

START_TEST(tgid_unsigned_int_resolves)
{
	struct common_ids c;
	struct es_offset o;
	uint32_t ptr_task;

	bb_init(&builder, NULL);
	add_common(&builder, &c);
	ptr_task = bb_ref(&builder, BTF_KIND_PTR, NULL, bb_next_id(&builder) + 1);
	task_layout(&builder, &c, c.uint_id, 0, ptr_task, REAL_PARENT_OFF);

	ck_assert_int_eq(es_offset_resolve(btf, table(ES_TASK_OFF_TGID), &o), 0);
	ck_assert_uint_eq(o.value, TGID_OFF);
}
END_TEST

START_TEST(missing_member_or_struct_is_unresolved)
{
	struct es_offset out[ES_OFFSET_FIELDS_MAX];
	struct common_ids c;
	int ret;

	bb_init(&builder, NULL);
	add_common(&builder, &c);
	bb_struct(&builder, "task_struct", TASK_SIZE, false);
	bb_member(&builder, "pid", c.pid_t_id, TGID_OFF * 8, 0);
	open_built(&builder);

	/* Every task_struct field is missing; mm_struct's two resolve. */
	es_offsets_resolve_table(btf, out);
	ck_assert_uint_eq(unresolved_task_exec(out), ES_TASK_OFF__MAX + ES_EXEC_OFF__MAX - 2);
	ret = es_offset_resolve(btf, table(ES_TASK_OFF_TGID), &out[0]);
	ck_assert_int_eq(ret, -ES_BTF_ERR_NO_MEMBER);
	ck_assert_int_eq(out[0].resolved, 0);
	ck_assert_int_eq(out[0].found, 0);
	ck_assert_uint_eq(out[0].value, 0);
	ck_assert_ptr_nonnull(strstr(out[0].reason, "tgid"));

	teardown();
	bb_init(&builder, NULL);
	add_common(&builder, &c);
	open_built(&builder);
	ret = es_offset_resolve(btf, table(ES_TASK_OFF_REAL_PARENT), &out[0]);
	ck_assert_int_eq(ret, -ES_BTF_ERR_NO_STRUCT);
	ck_assert_uint_eq(out[0].value, 0);
	ck_assert_ptr_nonnull(strstr(out[0].reason, "task_struct"));
}
END_TEST

START_TEST(table_field_at_offset_zero_is_unresolved)
{
	struct common_ids c;
	struct es_offset o;
	uint32_t ptr_task;
	int ret;

	bb_init(&builder, NULL);
	add_common(&builder, &c);
	ptr_task = bb_ref(&builder, BTF_KIND_PTR, NULL, bb_next_id(&builder) + 1);
	bb_struct(&builder, "task_struct", TASK_SIZE, false);
	bb_member(&builder, "real_parent", ptr_task, 0, 0);
	bb_member(&builder, "tgid", c.pid_t_id, TGID_OFF * 8, 0);
	open_built(&builder);

	ret = es_offset_resolve(btf, table(ES_TASK_OFF_REAL_PARENT), &o);
	assert_refused(&o, ret, -ES_OFFSET_ERR_ZERO,
		       "task_struct.real_parent is at offset 0, which TASK_OFFSETS cannot express "
		       "(0 means absent)");
	/* The same member asked for ad hoc is at 0, and that is a fine answer. */
	ck_assert_int_eq(es_offset_resolve_path(btf, "task_struct.real_parent", &o), 0);
	ck_assert_int_eq(o.resolved, 1);
	ck_assert_uint_eq(o.value, 0);
	ck_assert_ptr_null(o.field);
}
END_TEST

/* Randstruct kernels wrap task_struct's fields in an anonymous struct. */
START_TEST(fields_in_anonymous_struct_resolve)
{
	struct es_offset out[ES_OFFSET_FIELDS_MAX];
	struct common_ids c;
	uint32_t ptr_task, anon;

	bb_init(&builder, NULL);
	add_common(&builder, &c);
	ptr_task = bb_ref(&builder, BTF_KIND_PTR, NULL, bb_next_id(&builder) + 2);
	anon = bb_struct(&builder, NULL, 128, false);
	bb_member(&builder, "tgid", c.pid_t_id, (TGID_OFF - 1200) * 8, 0);
	bb_member(&builder, "real_parent", ptr_task, (REAL_PARENT_OFF - 1200) * 8, 0);
	bb_struct(&builder, "task_struct", TASK_SIZE, false);
	bb_member(&builder, "usage", c.int_id, 0, 0);
	bb_member(&builder, "mm", c.ptr_mm, TASK_MM_OFF * 8, 0);
	bb_member(&builder, NULL, anon, 1200 * 8, 0);
	open_built(&builder);

	es_offsets_resolve_table(btf, out);
	ck_assert_uint_eq(unresolved_task_exec(out), 0);
	ck_assert_uint_eq(out[ES_TASK_OFF_TGID].value, TGID_OFF);
	ck_assert_uint_eq(out[ES_TASK_OFF_REAL_PARENT].value, REAL_PARENT_OFF);
}
END_TEST

/*
 * Offsets add up through anonymous members: a sum past 2^32 bits would wrap
 * in btf_member_info, so the lookup refuses it and the field stays at 0.
 */
START_TEST(offset_beyond_32_bits_is_unresolved)
{
	struct common_ids c;
	struct es_offset o;
	uint32_t anon;
	int ret;

	bb_init(&builder, NULL);
	add_common(&builder, &c);
	anon = bb_struct(&builder, NULL, 0x100, false);
	bb_member(&builder, "tgid", c.pid_t_id, 0x7e0, 0);
	bb_struct(&builder, "task_struct", 0xffffffff, false);
	bb_member(&builder, NULL, anon, 0xffffff00, 0);
	open_built(&builder);

	ret = es_offset_resolve(btf, table(ES_TASK_OFF_TGID), &o);
	ck_assert_int_eq(ret, -ES_BTF_ERR_MEMBER_OFFSET);
	ck_assert_int_eq(o.resolved, 0);
	ck_assert_uint_eq(o.value, 0);
	ck_assert_msg(strstr(o.reason, "beyond 2^32"), "reason: %s", o.reason);
}
END_TEST

START_TEST(ad_hoc_path_has_no_type_expectation)
{
	struct common_ids c;
	struct es_offset o;
	uint32_t ptr_task;

	bb_init(&builder, NULL);
	add_common(&builder, &c);
	ptr_task = bb_ref(&builder, BTF_KIND_PTR, NULL, bb_next_id(&builder) + 1);
	bb_struct(&builder, "task_struct", TASK_SIZE, true);
	bb_member(&builder, "in_execve", c.uint_id, 1188 * 8 + 3, 1);
	bb_member(&builder, "real_parent", ptr_task, REAL_PARENT_OFF * 8, 0);
	open_built(&builder);

	ck_assert_int_eq(es_offset_resolve_path(btf, "task_struct.in_execve", &o), 0);
	ck_assert_int_eq(o.resolved, 1);
	ck_assert_ptr_null(o.field);
	ck_assert_str_eq(o.path, "task_struct.in_execve");
	ck_assert_uint_eq(o.info.bit_offset, 1188 * 8 + 3);
	ck_assert_uint_eq(o.info.bit_size, 1);
	ck_assert_uint_eq(o.value, 1188);

	ck_assert_int_eq(es_offset_resolve_path(btf, "task_struct.nope", &o),
			 -ES_BTF_ERR_NO_MEMBER);
	ck_assert_int_eq(o.resolved, 0);
	ck_assert_uint_eq(o.value, 0);
	ck_assert_str_ne(o.reason, "");
}
END_TEST

/* A module's BTF over its vmlinux: the table resolves through the base's task_struct. */
START_TEST(split_btf_resolves_through_base)
{
	struct es_offset out[ES_OFFSET_FIELDS_MAX], o;
	struct es_btf_diag diag = {};
	struct common_ids c;
	uint32_t ptr_task, task, mod;
	size_t size;
	int err;

	bb_init(&builder, NULL);
	add_common(&builder, &c);
	ptr_task = bb_ref(&builder, BTF_KIND_PTR, NULL, bb_next_id(&builder) + 1);
	task = bb_next_id(&builder);
	task_layout(&builder, &c, c.pid_t_id, 0, ptr_task, REAL_PARENT_OFF);

	bb_init(&split_builder, &builder);
	mod = bb_struct(&split_builder, "es_test_module_state", 16, false);
	bb_member(&split_builder, "owner", ptr_task, 0, 0);
	bb_member(&split_builder, "owner_tgid", c.pid_t_id, 64, 0);
	ck_assert_uint_gt(mod, task);
	split_blob = bb_blob(&split_builder, false, &size);
	ck_assert_uint_gt(size, 0);
	err = es_btf_open_mem(split_blob, size, btf, &split, &diag);
	ck_assert_msg(err == 0, "split open: %d %s", err, diag.msg);

	es_offsets_resolve_table(split, out);
	ck_assert_uint_eq(unresolved_task_exec(out), 0);
	ck_assert_uint_eq(out[ES_TASK_OFF_REAL_PARENT].value, REAL_PARENT_OFF);
	ck_assert_uint_eq(out[ES_TASK_OFF_TGID].value, TGID_OFF);
	ck_assert_int_eq(es_offset_resolve_path(split, "es_test_module_state.owner_tgid", &o), 0);
	ck_assert_uint_eq(o.value, 8);
	ck_assert_str_eq(o.info.type_name, "pid_t");
	ck_assert_int_eq(es_offset_resolve_path(split, "es_test_module_state.owner", &o), 0);
	ck_assert_str_eq(o.info.type_name, "struct task_struct *");
}
END_TEST

int main(void)
{
	const struct es_check_case cases[] = {
		{ "table",
		  ES_CHECK_TESTS(
			  table_holds_one_field_per_map_key,
			  well_formed_layout_resolves_exact_offsets,
			  real_parent_through_const_and_typedef_resolves,
			  real_parent_int_is_refused,
			  real_parent_pointer_to_other_struct_is_refused,
			  real_parent_void_pointer_is_refused,
			  real_parent_pointer_to_pointer_is_refused,
			  real_parent_pointer_to_forward_declaration_is_refused,
			  tgid_bitfield_is_refused, tgid_bitfield_without_kflag_is_refused,
			  tgid_not_on_a_byte_is_refused, tgid_wrong_width_or_kind_is_refused,
			  tgid_unsigned_int_resolves, exec_fields_of_the_wrong_type_are_refused,
			  missing_member_or_struct_is_unresolved,
			  table_field_at_offset_zero_is_unresolved,
			  fields_in_anonymous_struct_resolve, offset_beyond_32_bits_is_unresolved,
			  ad_hoc_path_has_no_type_expectation, split_btf_resolves_through_base),
		  .setup = NULL, .teardown = teardown },
		{ NULL },
	};

	return es_check_run("offsets", NULL, cases);
}
