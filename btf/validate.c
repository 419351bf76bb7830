// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Validation of an untrusted BTF blob, in native byte order.
 *
 * One walk over the type section checks every record on its own (size, kind,
 * vlen, names, INT/FLOAT/ENUM encodings, member offsets against the struct's
 * size) and fills the id -> offset index. Referenced ids are checked against
 * the final count by remembering the largest one seen. A second loop over the
 * index then checks what needs other types: FUNC -> FUNC_PROTO, DECL_TAG
 * component indexes, chain depth (loops), member ends against member sizes,
 * and anonymous-member nesting.
 */
#include <stdlib.h>
#include <string.h>

#include "btf_internal.h"

/* Where the largest referenced type id was seen, for the message. */
struct btf_ref_max {
	uint32_t id; /* the referenced id */
	uint32_t holder; /* the type holding the reference */
	const char *what;
	uint32_t idx;
};

struct btf_walk {
	struct btf *btf;
	struct btf_diag *diag;
	struct btf_ref_max ref;
	uint32_t str_total; /* base's strings + ours: valid name offsets are below it */
};

static int check_header(const uint8_t *data, size_t size, struct btf_header *hdr,
			struct btf_diag *diag)
{
	size_t i;

	if (size < sizeof(*hdr))
		return btf_diag_set(diag, BTF_ERR_HDR_TRUNCATED,
				    "BTF header needs %zu bytes, data has %zu", sizeof(*hdr), size);
	memcpy(hdr, data, sizeof(*hdr));
	if (hdr->magic != BTF_MAGIC)
		return btf_diag_set(diag, BTF_ERR_NOT_BTF, "bad BTF magic 0x%04x", hdr->magic);
	if (hdr->version != BTF_VERSION)
		return btf_diag_set(diag, BTF_ERR_HDR_VERSION, "BTF version %u, only %u is known",
				    hdr->version, BTF_VERSION);
	if (hdr->flags)
		return btf_diag_set(diag, BTF_ERR_HDR_FLAGS, "BTF header flags 0x%x, expected 0",
				    hdr->flags);
	if (hdr->hdr_len < sizeof(*hdr) || hdr->hdr_len > size)
		return btf_diag_set(diag, BTF_ERR_HDR_LEN,
				    "BTF hdr_len %u outside [%zu, %zu (data size)]", hdr->hdr_len,
				    sizeof(*hdr), size);
	/* Newer writers may append fields; reading the blob without them is only safe if unset. */
	for (i = sizeof(*hdr); i < hdr->hdr_len; i++)
		if (data[i])
			return btf_diag_set(
				diag, BTF_ERR_HDR_LEN,
				"BTF header byte %zu (of hdr_len %u) is set: unknown field", i,
				hdr->hdr_len);
	return 0;
}

static int check_sections(const struct btf_header *hdr, size_t size, struct btf_diag *diag)
{
	/* 64-bit sums: hdr_len + off + len wraps in 32 bits. */
	uint64_t type_start = (uint64_t)hdr->hdr_len + hdr->type_off;
	uint64_t type_end = type_start + hdr->type_len;
	uint64_t str_start = (uint64_t)hdr->hdr_len + hdr->str_off;
	uint64_t str_end = str_start + hdr->str_len;

	if (type_end > size)
		return btf_diag_set(diag, BTF_ERR_SECTION_BOUNDS,
				    "type section [%llu, %llu) past data size %zu",
				    (unsigned long long)type_start, (unsigned long long)type_end,
				    size);
	if (str_end > size)
		return btf_diag_set(diag, BTF_ERR_SECTION_BOUNDS,
				    "string section [%llu, %llu) past data size %zu",
				    (unsigned long long)str_start, (unsigned long long)str_end,
				    size);
	if (type_start & 3)
		return btf_diag_set(diag, BTF_ERR_SECTION_ALIGN,
				    "type section at byte %llu, not 4-byte aligned",
				    (unsigned long long)type_start);
	if (hdr->type_len && hdr->str_len && type_start < str_end && str_start < type_end)
		return btf_diag_set(
			diag, BTF_ERR_SECTION_OVERLAP,
			"type section [%llu, %llu) overlaps string section [%llu, %llu)",
			(unsigned long long)type_start, (unsigned long long)type_end,
			(unsigned long long)str_start, (unsigned long long)str_end);
	return 0;
}

static int check_strings(const struct btf *btf, struct btf_diag *diag)
{
	/* Split BTF may add no strings; base BTF needs at least the empty name at 0. */
	if (!btf->strs_len && btf->base)
		return 0;
	if (!btf->strs_len)
		return btf_diag_set(diag, BTF_ERR_STR_NOT_NUL,
				    "string section empty, base BTF needs \"\" at offset 0");
	if (!btf->base && btf->strs[0])
		return btf_diag_set(diag, BTF_ERR_STR_NOT_NUL,
				    "string section byte 0 is 0x%02x, base BTF needs NUL there",
				    (uint8_t)btf->strs[0]);
	if (btf->strs[btf->strs_len - 1])
		return btf_diag_set(diag, BTF_ERR_STR_NOT_NUL,
				    "string section's last byte (%u) is not NUL",
				    btf->strs_len - 1);
	return 0;
}

static const char *name_or_anon(const struct btf *btf, const struct btf_type *t)
{
	const char *name = btf_name(btf, t->name_off);

	return name[0] ? name : "(anon)";
}

static int check_name(struct btf_walk *w, uint32_t id, const struct btf_type *t, const char *what,
		      uint32_t idx, uint32_t name_off)
{
	if (name_off < w->str_total)
		return 0;
	return btf_diag_set(w->diag, BTF_ERR_NAME_OFF,
			    "type [%u] %s: %s %u name offset %u past strings end %u", id,
			    btf_kind_str(btf_kind(t)), what, idx, name_off, w->str_total);
}

static void note_ref(struct btf_walk *w, uint32_t holder, const char *what, uint32_t idx,
		     uint32_t ref)
{
	if (ref < w->ref.id)
		return;
	w->ref = (struct btf_ref_max){ .id = ref, .holder = holder, .what = what, .idx = idx };
}

uint64_t btf_trailer_len(const struct btf_type *t, bool *known)
{
	uint64_t vlen = btf_vlen(t);

	*known = true;
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_ENUM64:
		return vlen * sizeof(struct btf_enum64);
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	default:
		*known = false;
		return 0;
	}
}

static int invalid(struct btf_walk *w, uint32_t id, const struct btf_type *t, const char *why)
{
	return btf_diag_set(w->diag, BTF_ERR_TYPE_INVALID, "type [%u] %s '%s': %s", id,
			    btf_kind_str(btf_kind(t)), name_or_anon(w->btf, t), why);
}

/* Info bits outside kind, kflag and vlen are reserved (the kernel rejects them too). */
#define BTF_INFO_RESERVED 0x60ff0000u

static int check_info(struct btf_walk *w, uint32_t id, const struct btf_type *t)
{
	uint32_t kind = btf_kind(t);
	bool has_vlen = false, has_kflag = false;

	if (t->info & BTF_INFO_RESERVED)
		return invalid(w, id, t, "reserved info bits set");
	switch (kind) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		has_vlen = has_kflag = true;
		break;
	case BTF_KIND_FWD:
	case BTF_KIND_DECL_TAG:
	case BTF_KIND_TYPE_TAG:
		/* FWD: union or struct; tags: attribute rather than btf_*_tag (kernel 6.14+). */
		has_kflag = true;
		break;
	case BTF_KIND_FUNC_PROTO:
	case BTF_KIND_DATASEC:
		has_vlen = true;
		break;
	case BTF_KIND_FUNC:
		/* vlen carries the linkage: static, global or extern. */
		if (btf_vlen(t) > BTF_FUNC_EXTERN)
			return invalid(w, id, t, "FUNC linkage (vlen) above extern (2)");
		has_vlen = true;
		break;
	}
	if (!has_vlen && btf_vlen(t))
		return invalid(w, id, t, "vlen set on a kind without members");
	if (!has_kflag && btf_kflag(t))
		return invalid(w, id, t, "kind_flag set on a kind without one");
	return 0;
}

static int check_int(struct btf_walk *w, uint32_t id, const struct btf_type *t)
{
	uint32_t data = *(const uint32_t *)(t + 1);
	uint32_t bits = BTF_INT_BITS(data), off = BTF_INT_OFFSET(data);
	uint32_t enc = BTF_INT_ENCODING(data);

	if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8 && t->size != 16)
		return invalid(w, id, t, "INT size not 1, 2, 4, 8 or 16");
	if (data & 0xf000ff00u)
		return invalid(w, id, t, "INT encoding has reserved bits set");
	if (!bits || bits > 128 || off + bits > t->size * 8)
		return invalid(w, id, t, "INT bits/offset outside its size");
	/* At most one of SIGNED, CHAR, BOOL, as the kernel requires. */
	if (enc && enc != BTF_INT_SIGNED && enc != BTF_INT_CHAR && enc != BTF_INT_BOOL)
		return invalid(w, id, t, "INT encoding not one of signed, char, bool");
	return 0;
}

static int check_members(struct btf_walk *w, uint32_t id, const struct btf_type *t)
{
	const struct btf_member *m = btf_members(t);
	uint64_t size_bits = (uint64_t)t->size * 8;
	uint32_t i, vlen = btf_vlen(t);
	int err;

	for (i = 0; i < vlen; i++, m++) {
		uint32_t bit_off = btf_member_bit_offset(t, m);
		uint32_t bit_size = btf_member_bitfield_size(t, m);

		err = check_name(w, id, t, "member", i, m->name_off);
		if (err)
			return err;
		note_ref(w, id, "member", i, m->type);
		if (btf_kind(t) == BTF_KIND_UNION && bit_off)
			return btf_diag_set(w->diag, BTF_ERR_MEMBER_OFFSET,
					    "type [%u] UNION '%s': member %u '%s' at bit %u, not 0",
					    id, name_or_anon(w->btf, t), i,
					    btf_name(w->btf, m->name_off), bit_off);
		if ((uint64_t)bit_off + bit_size > size_bits)
			return btf_diag_set(
				w->diag, BTF_ERR_MEMBER_OFFSET,
				"type [%u] %s '%s': member %u '%s' bits [%u, %llu) past size %u bytes",
				id, btf_kind_str(btf_kind(t)), name_or_anon(w->btf, t), i,
				btf_name(w->btf, m->name_off), bit_off,
				(unsigned long long)bit_off + bit_size, t->size);
	}
	return 0;
}

static int check_enum(struct btf_walk *w, uint32_t id, const struct btf_type *t)
{
	uint32_t i, vlen = btf_vlen(t);
	bool is64 = btf_kind(t) == BTF_KIND_ENUM64;
	int err;

	if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8)
		return invalid(w, id, t, "enum size not 1, 2, 4 or 8");
	for (i = 0; i < vlen; i++) {
		uint32_t name_off = is64 ? ((const struct btf_enum64 *)(t + 1))[i].name_off
					 : ((const struct btf_enum *)(t + 1))[i].name_off;

		err = check_name(w, id, t, "value", i, name_off);
		if (err)
			return err;
	}
	return 0;
}

static int check_params(struct btf_walk *w, uint32_t id, const struct btf_type *t)
{
	const struct btf_param *p = (const struct btf_param *)(t + 1);
	uint32_t i, vlen = btf_vlen(t);
	int err;

	note_ref(w, id, "return type", 0, t->type);
	for (i = 0; i < vlen; i++, p++) {
		err = check_name(w, id, t, "param", i, p->name_off);
		if (err)
			return err;
		/* Type 0 marks varargs ("..."), which can only come last. */
		if (!p->type && i + 1 < vlen)
			return invalid(w, id, t, "void parameter before the last one");
		note_ref(w, id, "param", i, p->type);
	}
	return 0;
}

static int check_datasec(struct btf_walk *w, uint32_t id, const struct btf_type *t)
{
	const struct btf_var_secinfo *v = (const struct btf_var_secinfo *)(t + 1);
	uint32_t i, vlen = btf_vlen(t);

	for (i = 0; i < vlen; i++, v++)
		note_ref(w, id, "var", i, v->type);
	return 0;
}

/* Checks of one record that need nothing but the record and the string section. */
static int check_record(struct btf_walk *w, uint32_t id, const struct btf_type *t)
{
	int err;

	err = check_info(w, id, t);
	if (!err)
		err = check_name(w, id, t, "name", 0, t->name_off);
	if (err)
		return err;

	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		return check_int(w, id, t);
	case BTF_KIND_FLOAT:
		if (t->size != 2 && t->size != 4 && t->size != 8 && t->size != 12 && t->size != 16)
			return invalid(w, id, t, "FLOAT size not 2, 4, 8, 12 or 16");
		return 0;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return check_members(w, id, t);
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return check_enum(w, id, t);
	case BTF_KIND_FUNC_PROTO:
		return check_params(w, id, t);
	case BTF_KIND_DATASEC:
		return check_datasec(w, id, t);
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = (const struct btf_array *)(t + 1);

		note_ref(w, id, "element type", 0, a->type);
		note_ref(w, id, "index type", 0, a->index_type);
		return 0;
	}
	case BTF_KIND_VAR:
		if (*(const uint32_t *)(t + 1) > BTF_VAR_GLOBAL_EXTERN)
			return invalid(w, id, t, "VAR linkage above extern (2)");
		note_ref(w, id, "type", 0, t->type);
		return 0;
	case BTF_KIND_DECL_TAG:
		if (*(const int32_t *)(t + 1) < -1)
			return invalid(w, id, t, "DECL_TAG component_idx below -1");
		note_ref(w, id, "type", 0, t->type);
		return 0;
	case BTF_KIND_FWD:
		return 0;
	default: /* PTR, TYPEDEF, modifiers, FUNC, TYPE_TAG */
		note_ref(w, id, "type", 0, t->type);
		return 0;
	}
}

/* 'long' decides the pointer size, as in libbpf: BTF has no other record of it. */
static void note_ptr_size(struct btf *btf, const struct btf_type *t)
{
	const char *name;

	if (btf_kind(t) != BTF_KIND_INT || (t->size != 4 && t->size != 8))
		return;
	name = btf_name(btf, t->name_off);
	if (!strcmp(name, "long int") || !strcmp(name, "long unsigned int") ||
	    !strcmp(name, "long") || !strcmp(name, "unsigned long"))
		btf->ptr_size = t->size;
}

static int walk_types(struct btf_walk *w)
{
	struct btf *btf = w->btf;
	uint32_t off = 0, id = btf->start_id;
	const struct btf_type *t;
	uint64_t rec_len;
	bool known;
	int err;

	/* Records are at least 12 bytes: this bounds the count, so the index is allocated once. */
	btf->type_offs = malloc(((size_t)btf->types_len / sizeof(*t) + 1) * sizeof(uint32_t));
	if (!btf->type_offs)
		return btf_diag_set(w->diag, BTF_ERR_NOMEM, "no memory for the type index");

	while (off < btf->types_len) {
		if (btf->types_len - off < sizeof(*t))
			return btf_diag_set(
				w->diag, BTF_ERR_TYPE_TRAILING,
				"%u bytes after type [%u] at section offset %u, less than a record",
				btf->types_len - off, id - 1, off);
		t = (const struct btf_type *)(btf->types + off);
		if (btf_kind(t) == BTF_KIND_UNKN || btf_kind(t) > BTF_KIND_ENUM64)
			return btf_diag_set(w->diag, BTF_ERR_KIND,
					    "type [%u] at section offset %u: unknown kind %u", id,
					    off, btf_kind(t));
		rec_len = sizeof(*t) + btf_trailer_len(t, &known);
		if (rec_len > btf->types_len - off)
			return btf_diag_set(
				w->diag, BTF_ERR_TYPE_TRUNCATED,
				"type [%u] %s at section offset %u: %llu-byte record (vlen %u) past section end %u",
				id, btf_kind_str(btf_kind(t)), off, (unsigned long long)rec_len,
				btf_vlen(t), btf->types_len);
		if (id == BTF_MAX_TYPE + 1)
			return btf_diag_set(w->diag, BTF_ERR_TYPE_INVALID, "more than %u types",
					    BTF_MAX_TYPE);
		err = check_record(w, id, t);
		if (err)
			return err;
		if (!btf->base)
			note_ptr_size(btf, t);
		btf->type_offs[id - btf->start_id] = off;
		off += rec_len;
		id++;
	}
	btf->nr_types = id - btf->start_id;
	if (w->ref.id >= id)
		return btf_diag_set(w->diag, BTF_ERR_TYPE_ID,
				    "type [%u] %s: %s %u refers to type %u, last type is %u",
				    w->ref.holder,
				    btf_kind_str(btf_kind(btf_type_by_id(btf, w->ref.holder))),
				    w->ref.what, w->ref.idx, w->ref.id, id - 1);
	return 0;
}

/* Steps from @id through aliases, pointers and arrays until something else; LOOP past the limit. */
static int check_chain(struct btf_walk *w, uint32_t id)
{
	uint32_t next = id, depth;
	const struct btf_type *t;

	for (depth = 0; depth <= BTF_MAX_CHAIN; depth++) {
		/* Base types were checked when the base was opened. */
		if (next < w->btf->start_id)
			return 0;
		t = btf_type_by_id(w->btf, next);
		if (btf_kind(t) == BTF_KIND_ARRAY)
			next = ((const struct btf_array *)(t + 1))->type;
		else if (btf_is_alias(btf_kind(t)) || btf_kind(t) == BTF_KIND_PTR)
			next = t->type;
		else
			return 0;
	}
	t = btf_type_by_id(w->btf, id);
	return btf_diag_set(
		w->diag, BTF_ERR_LOOP,
		"type [%u] %s '%s': chain of typedefs/modifiers/pointers/arrays longer than %u (loop?)",
		id, btf_kind_str(btf_kind(t)), name_or_anon(w->btf, t), BTF_MAX_CHAIN);
}

static int check_func(struct btf_walk *w, uint32_t id, const struct btf_type *t)
{
	const struct btf_type *proto = btf_type_by_id(w->btf, t->type);

	if (!proto || btf_kind(proto) != BTF_KIND_FUNC_PROTO)
		return invalid(w, id, t, "FUNC type is not a FUNC_PROTO");
	return 0;
}

static int check_decl_tag(struct btf_walk *w, uint32_t id, const struct btf_type *t)
{
	int32_t idx = *(const int32_t *)(t + 1);
	const struct btf_type *target = btf_type_by_id(w->btf, t->type);
	uint32_t nr;

	if (idx == -1)
		return 0;
	/* A component is a member of a struct/union or a parameter of a function. */
	if (target && btf_kind(target) == BTF_KIND_FUNC)
		target = btf_type_by_id(w->btf, target->type);
	if (btf_is_composite(target) || (target && btf_kind(target) == BTF_KIND_FUNC_PROTO))
		nr = btf_vlen(target);
	else
		return invalid(w, id, t, "DECL_TAG component on a type without components");
	if ((uint32_t)idx >= nr)
		return invalid(w, id, t, "DECL_TAG component_idx past the target's components");
	return 0;
}

/* A member's bits must end inside the struct: its bitfield size, or its type's size. */
static int check_member_ends(struct btf_walk *w, uint32_t id, const struct btf_type *t)
{
	const struct btf_member *m = btf_members(t);
	uint64_t size_bits = (uint64_t)t->size * 8, end, msize;
	uint32_t i, vlen = btf_vlen(t);
	const struct btf_type *mt;

	for (i = 0; i < vlen; i++, m++) {
		end = btf_member_bit_offset(t, m);
		mt = btf_type_by_id(w->btf, m->type);
		if (btf_kflag(t) && btf_member_bitfield_size(t, m)) {
			end += btf_member_bitfield_size(t, m);
		} else if (!btf_kflag(t) && mt && btf_kind(mt) == BTF_KIND_INT) {
			/* Old bitfield encoding: offset and width live in the INT. */
			uint32_t data = *(const uint32_t *)(mt + 1);

			end += BTF_INT_OFFSET(data) + BTF_INT_BITS(data);
		} else if (btf_resolve_size(w->btf, m->type, &msize) == 0) {
			end += msize * 8;
		} else {
			continue; /* functions, void, forward declarations: no size to check */
		}
		if (end > size_bits)
			return btf_diag_set(
				w->diag, BTF_ERR_MEMBER_OFFSET,
				"type [%u] %s '%s': member %u '%s' ends at bit %llu, past size %u bytes",
				id, btf_kind_str(btf_kind(t)), name_or_anon(w->btf, t), i,
				btf_name(w->btf, m->name_off), (unsigned long long)end, t->size);
	}
	return 0;
}

static int nest_loop(struct btf_walk *w, uint32_t id)
{
	const struct btf_type *t = btf_type_by_id(w->btf, id);

	return btf_diag_set(w->diag, BTF_ERR_LOOP,
			    "type [%u] %s '%s': anonymous members nest deeper than %u (loop?)", id,
			    btf_kind_str(btf_kind(t)), name_or_anon(w->btf, t), BTF_MAX_CHAIN);
}

/*
 * Depth of anonymous struct/union nesting below @id, memoized in @depth
 * (0 unknown, 0xff being visited). Bounded recursion: BTF_MAX_CHAIN levels.
 */
static int anon_depth(struct btf_walk *w, uint8_t *depth, uint32_t id, uint32_t level)
{
	const struct btf_type *t = btf_type_by_id(w->btf, id);
	const struct btf_member *m = btf_members(t);
	uint32_t i, vlen = btf_vlen(t), child;
	uint8_t *d = &depth[id - w->btf->start_id];
	int sub, max = 0;

	if (*d == 0xff || level > BTF_MAX_CHAIN)
		return nest_loop(w, id);
	if (*d)
		return *d;
	*d = 0xff;
	for (i = 0; i < vlen; i++, m++) {
		if (btf_name(w->btf, m->name_off)[0])
			continue;
		child = btf_skip_aliases(w->btf, m->type);
		/* Anonymous members in the base were checked with the base. */
		if (child < w->btf->start_id || !btf_is_composite(btf_type_by_id(w->btf, child)))
			continue;
		sub = anon_depth(w, depth, child, level + 1);
		if (sub < 0)
			return sub;
		if (sub > max)
			max = sub;
	}
	if (max + 1 > BTF_MAX_CHAIN)
		return nest_loop(w, id);
	*d = max + 1;
	return *d;
}

static int check_deep(struct btf_walk *w)
{
	struct btf *btf = w->btf;
	uint8_t *depth;
	uint32_t id, end = btf->start_id + btf->nr_types;
	const struct btf_type *t;
	int err = 0;

	depth = calloc(btf->nr_types ? btf->nr_types : 1, 1);
	if (!depth)
		return btf_diag_set(w->diag, BTF_ERR_NOMEM, "no memory for nesting depths");

	for (id = btf->start_id; id < end && !err; id++) {
		t = btf_type_by_id(btf, id);
		switch (btf_kind(t)) {
		case BTF_KIND_FUNC:
			err = check_func(w, id, t);
			break;
		case BTF_KIND_DECL_TAG:
			err = check_decl_tag(w, id, t);
			break;
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			err = check_member_ends(w, id, t);
			if (!err)
				err = anon_depth(w, depth, id, 0);
			err = err < 0 ? err : 0;
			break;
		case BTF_KIND_PTR:
		case BTF_KIND_ARRAY:
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			err = check_chain(w, id);
			break;
		}
	}
	free(depth);
	return err;
}

int btf_validate(struct btf *btf, const uint8_t *data, size_t size, struct btf_diag *diag)
{
	struct btf_walk w = { .btf = btf, .diag = diag };
	struct btf_header hdr;
	const struct btf *base = btf->base;
	uint64_t str_total;
	int err;

	err = check_header(data, size, &hdr, diag);
	if (!err)
		err = check_sections(&hdr, size, diag);
	if (err)
		return err;

	btf->types = data + hdr.hdr_len + hdr.type_off;
	btf->types_len = hdr.type_len;
	btf->strs = (const char *)data + hdr.hdr_len + hdr.str_off;
	btf->strs_len = hdr.str_len;
	btf->start_id = base ? base->start_id + base->nr_types : 1;
	btf->start_str_off = base ? base->start_str_off + base->strs_len : 0;
	btf->ptr_size = base ? base->ptr_size : sizeof(void *);
	str_total = (uint64_t)btf->start_str_off + btf->strs_len;
	if (str_total > UINT32_MAX)
		return btf_diag_set(diag, BTF_ERR_BASE,
				    "base and split string sections together exceed 4 GiB");
	w.str_total = str_total;

	err = check_strings(btf, diag);
	if (!err)
		err = walk_types(&w);
	if (!err)
		err = check_deep(&w);
	return err;
}
