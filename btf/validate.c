// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Validation of an untrusted BTF blob, in native byte order.
 *
 * One walk over the type section checks every record on its own: kind,
 * record size, reserved bits, vlen and kflag use, every name offset, INT,
 * FLOAT and ENUM encodings, member offsets against the struct's size. It
 * fills the two per-id arrays (section offset, kind) that are the whole
 * index. Referenced ids can point forward, so the walk keeps only the largest
 * one and compares it with the final count.
 *
 * A second loop then checks what needs other types, reading only the
 * records concerned: FUNC -> FUNC_PROTO, DECL_TAG component indexes, the depth
 * of typedef/modifier/pointer/array chains and of anonymous-member nesting
 * (loops, bounded by ES_BTF_MAX_CHAIN). Depths are memoized in one scratch byte
 * per type, so hostile graphs stay linear.
 *
 * Whether a member's type fits in the rest of its struct needs the member
 * type's size, a random access per member (67k on vmlinux, more than
 * the whole walk costs): es_btf_member_lookup() checks it for the members it
 * returns instead.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "btf_internal.h"

/* Scratch byte per own type during validation. */
#define AUX_DEPTH    0x3f /* memoized chain/nesting depth + 1; 0 = not known yet */
#define AUX_VISITING 0x40 /* on the path being resolved: reaching it again is a loop */
#define AUX_ANON     0x80 /* struct/union with anonymous members */

/*
 * What the walk could not check alone, for the second loop: a chain step or
 * FUNC prototype that points forward (@next), a DECL_TAG, a struct with
 * anonymous members. @next saves reading the record again.
 */
struct deferred {
	uint32_t id;
	uint32_t next;
};

struct btf_walk {
	struct es_btf *btf;
	struct es_btf_diag *diag;
	uint8_t *aux;
	uint32_t str_total; /* base's strings + ours: valid name offsets are below it */
	uint32_t max_ref; /* largest referenced type id */
	struct deferred *deferred; /* in id order */
	uint32_t nr_deferred;
};

static int check_header(const uint8_t *data, size_t size, struct btf_header *hdr,
			struct es_btf_diag *diag)
{
	size_t i;

	if (size < sizeof(*hdr))
		return es_btf_diag_set(diag, ES_BTF_ERR_HDR_TRUNCATED,
				       "BTF header needs %zu bytes, data has %zu", sizeof(*hdr),
				       size);
	memcpy(hdr, data, sizeof(*hdr));
	if (hdr->magic != BTF_MAGIC)
		return es_btf_diag_set(diag, ES_BTF_ERR_NOT_BTF, "bad BTF magic 0x%04x",
				       hdr->magic);
	if (hdr->version != BTF_VERSION)
		return es_btf_diag_set(diag, ES_BTF_ERR_HDR_VERSION,
				       "BTF version %u, only %u is known", hdr->version,
				       BTF_VERSION);
	if (hdr->flags)
		return es_btf_diag_set(diag, ES_BTF_ERR_HDR_FLAGS,
				       "BTF header flags 0x%x, expected 0", hdr->flags);
	if (hdr->hdr_len < sizeof(*hdr) || hdr->hdr_len > size)
		return es_btf_diag_set(diag, ES_BTF_ERR_HDR_LEN,
				       "BTF hdr_len %u outside [%zu, %zu (data size)]",
				       hdr->hdr_len, sizeof(*hdr), size);
	/* Newer writers may append fields; reading the blob without them is only safe if unset. */
	for (i = sizeof(*hdr); i < hdr->hdr_len; i++)
		if (data[i])
			return es_btf_diag_set(
				diag, ES_BTF_ERR_HDR_LEN,
				"BTF header byte %zu (of hdr_len %u) is set: unknown field", i,
				hdr->hdr_len);
	return 0;
}

static int check_sections(const struct btf_header *hdr, size_t size, struct es_btf_diag *diag)
{
	/* 64-bit sums: hdr_len + off + len wraps in 32 bits. */
	uint64_t type_start = (uint64_t)hdr->hdr_len + hdr->type_off;
	uint64_t type_end = type_start + hdr->type_len;
	uint64_t str_start = (uint64_t)hdr->hdr_len + hdr->str_off;
	uint64_t str_end = str_start + hdr->str_len;

	if (type_end > size)
		return es_btf_diag_set(diag, ES_BTF_ERR_SECTION_BOUNDS,
				       "type section [%llu, %llu) past data size %zu",
				       (unsigned long long)type_start, (unsigned long long)type_end,
				       size);
	if (str_end > size)
		return es_btf_diag_set(diag, ES_BTF_ERR_SECTION_BOUNDS,
				       "string section [%llu, %llu) past data size %zu",
				       (unsigned long long)str_start, (unsigned long long)str_end,
				       size);
	if (type_start & 3)
		return es_btf_diag_set(diag, ES_BTF_ERR_SECTION_ALIGN,
				       "type section at byte %llu, not 4-byte aligned",
				       (unsigned long long)type_start);
	if (hdr->type_len && hdr->str_len && type_start < str_end && str_start < type_end)
		return es_btf_diag_set(
			diag, ES_BTF_ERR_SECTION_OVERLAP,
			"type section [%llu, %llu) overlaps string section [%llu, %llu)",
			(unsigned long long)type_start, (unsigned long long)type_end,
			(unsigned long long)str_start, (unsigned long long)str_end);
	return 0;
}

static int check_strings(const struct es_btf *btf, struct es_btf_diag *diag)
{
	/* Split BTF may add no strings; base BTF needs at least the empty name at 0. */
	if (!btf->strs_len && btf->base)
		return 0;
	if (!btf->strs_len)
		return es_btf_diag_set(diag, ES_BTF_ERR_STR_NOT_NUL,
				       "string section empty, base BTF needs \"\" at offset 0");
	if (!btf->base && btf->strs[0])
		return es_btf_diag_set(diag, ES_BTF_ERR_STR_NOT_NUL,
				       "string section byte 0 is 0x%02x, base BTF needs NUL there",
				       (uint8_t)btf->strs[0]);
	if (btf->strs[btf->strs_len - 1])
		return es_btf_diag_set(diag, ES_BTF_ERR_STR_NOT_NUL,
				       "string section's last byte (%u) is not NUL",
				       btf->strs_len - 1);
	return 0;
}

static const char *name_or_anon(const struct es_btf *btf, const struct btf_type *t)
{
	const char *name = es_btf_name(btf, t->name_off);

	return name[0] ? name : "(anon)";
}

/* Kind of @id among the types walked so far (and the base's). */
static uint32_t kind_of(const struct es_btf *btf, uint32_t id)
{
	while (btf && id < btf->start_id)
		btf = btf->base;
	return btf && id ? btf->kinds[id - btf->start_id] : BTF_KIND_UNKN;
}

static int name_error(struct btf_walk *w, uint32_t id, const struct btf_type *t, const char *what,
		      uint32_t idx, uint32_t name_off)
{
	return es_btf_diag_set(w->diag, ES_BTF_ERR_NAME_OFF,
			       "type [%u] %s: %s %u name offset %u past strings end %u", id,
			       es_btf_kind_name(es_btf_kind(t)), what, idx, name_off, w->str_total);
}

static void defer(struct btf_walk *w, uint32_t id, uint32_t next)
{
	w->deferred[w->nr_deferred++] = (struct deferred){ .id = id, .next = next };
}

static inline void note_ref(struct btf_walk *w, uint32_t ref)
{
	w->max_ref = ref > w->max_ref ? ref : w->max_ref;
}

static int invalid(struct btf_walk *w, uint32_t id, const struct btf_type *t, const char *why)
{
	return es_btf_diag_set(w->diag, ES_BTF_ERR_TYPE_INVALID, "type [%u] %s '%s': %s", id,
			       es_btf_kind_name(es_btf_kind(t)), name_or_anon(w->btf, t), why);
}

#define KIND_BITS 0x1f000000u
#define VLEN_BITS 0x0000ffffu
#define KFLAG_BIT 0x80000000u

/* The info bits each kind may set; anything else is reserved or misused. */
static const uint32_t info_allowed[BTF_KIND_ENUM64 + 1] = {
	[BTF_KIND_INT] = KIND_BITS,
	[BTF_KIND_PTR] = KIND_BITS,
	[BTF_KIND_ARRAY] = KIND_BITS,
	[BTF_KIND_STRUCT] = KIND_BITS | VLEN_BITS | KFLAG_BIT,
	[BTF_KIND_UNION] = KIND_BITS | VLEN_BITS | KFLAG_BIT,
	[BTF_KIND_ENUM] = KIND_BITS | VLEN_BITS | KFLAG_BIT,
	[BTF_KIND_ENUM64] = KIND_BITS | VLEN_BITS | KFLAG_BIT,
	/* FWD: union or struct; tags: an attribute, not btf_*_tag (kernel 6.14+). */
	[BTF_KIND_FWD] = KIND_BITS | KFLAG_BIT,
	[BTF_KIND_DECL_TAG] = KIND_BITS | KFLAG_BIT,
	[BTF_KIND_TYPE_TAG] = KIND_BITS | KFLAG_BIT,
	[BTF_KIND_TYPEDEF] = KIND_BITS,
	[BTF_KIND_VOLATILE] = KIND_BITS,
	[BTF_KIND_CONST] = KIND_BITS,
	[BTF_KIND_RESTRICT] = KIND_BITS,
	[BTF_KIND_FUNC_PROTO] = KIND_BITS | VLEN_BITS,
	[BTF_KIND_DATASEC] = KIND_BITS | VLEN_BITS,
	/* FUNC's vlen is its linkage: static, global or extern (0..2, checked after). */
	[BTF_KIND_FUNC] = KIND_BITS | 0x3,
	[BTF_KIND_VAR] = KIND_BITS,
	[BTF_KIND_FLOAT] = KIND_BITS,
};

/* The slow path of the info check: say what is wrong. */
static int info_error(struct btf_walk *w, uint32_t id, const struct btf_type *t)
{
	uint32_t allowed = info_allowed[es_btf_kind(t)];

	if (t->info & ~(KIND_BITS | VLEN_BITS | KFLAG_BIT))
		return invalid(w, id, t, "reserved info bits set");
	if ((t->info & KFLAG_BIT) && !(allowed & KFLAG_BIT))
		return invalid(w, id, t, "kind_flag set on a kind without one");
	if (es_btf_kind(t) == BTF_KIND_FUNC)
		return invalid(w, id, t, "FUNC linkage (vlen) above extern (2)");
	return invalid(w, id, t, "vlen set on a kind without one");
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

static int member_error(struct btf_walk *w, uint32_t id, const struct btf_type *t, uint32_t i)
{
	const struct btf_member *m = es_btf_members(t) + i;
	uint32_t bit_off = es_btf_member_bit_offset(t, m);
	uint32_t bit_size = es_btf_member_bitfield_size(t, m);

	if (m->name_off >= w->str_total)
		return name_error(w, id, t, "member", i, m->name_off);
	if (es_btf_kind(t) == BTF_KIND_UNION && bit_off)
		return es_btf_diag_set(w->diag, ES_BTF_ERR_MEMBER_OFFSET,
				       "type [%u] UNION '%s': member %u '%s' at bit %u, not 0", id,
				       name_or_anon(w->btf, t), i, es_btf_name(w->btf, m->name_off),
				       bit_off);
	return es_btf_diag_set(
		w->diag, ES_BTF_ERR_MEMBER_OFFSET,
		"type [%u] %s '%s': member %u '%s' bits [%u, %llu) past size %u bytes", id,
		es_btf_kind_name(es_btf_kind(t)), name_or_anon(w->btf, t), i,
		es_btf_name(w->btf, m->name_off), bit_off, (unsigned long long)bit_off + bit_size,
		t->size);
}

/* Whether member @m breaks a rule that needs nothing but @t: its name and where it lies. */
static bool member_bad(const struct btf_walk *w, const struct btf_type *t,
		       const struct btf_member *m)
{
	uint32_t bit_off = es_btf_member_bit_offset(t, m);
	uint32_t bit_size = es_btf_member_bitfield_size(t, m);

	/* Bitwise, not short-circuit: no branch per condition in the hot loop. */
	return (m->name_off >= w->str_total) |
	       ((es_btf_kind(t) == BTF_KIND_UNION) & (bit_off != 0)) |
	       (bit_off + (uint64_t)bit_size > (uint64_t)t->size * 8);
}

/* The hot loop: 67k members on vmlinux. Errors are located after the loop. */
static int check_members(struct btf_walk *w, uint32_t id, const struct btf_type *t)
{
	const struct btf_member *m = es_btf_members(t);
	uint32_t i, vlen = es_btf_vlen(t), max_ref = w->max_ref;
	bool bad = false, anon = false;

	for (i = 0; i < vlen; i++, m++) {
		bad |= member_bad(w, t, m);
		max_ref = m->type > max_ref ? m->type : max_ref;
		/* Name offset 0 is "": lookups descend exactly into these. */
		anon |= !m->name_off;
	}
	w->max_ref = max_ref;
	if (bad) {
		for (i = 0, m = es_btf_members(t); !member_bad(w, t, m); i++, m++)
			;
		return member_error(w, id, t, i);
	}
	if (anon) {
		w->aux[id - w->btf->start_id] |= AUX_ANON;
		defer(w, id, 0);
	}
	return 0;
}

static int check_enum(struct btf_walk *w, uint32_t id, const struct btf_type *t)
{
	uint32_t i, vlen = es_btf_vlen(t), name_off;
	bool is64 = es_btf_kind(t) == BTF_KIND_ENUM64;

	if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8)
		return invalid(w, id, t, "enum size not 1, 2, 4 or 8");
	for (i = 0; i < vlen; i++) {
		name_off = is64 ? ((const struct btf_enum64 *)(t + 1))[i].name_off
				: ((const struct btf_enum *)(t + 1))[i].name_off;
		if (name_off >= w->str_total)
			return name_error(w, id, t, "value", i, name_off);
	}
	return 0;
}

static int params_error(struct btf_walk *w, uint32_t id, const struct btf_type *t)
{
	const struct btf_param *p = (const struct btf_param *)(t + 1);
	uint32_t i, vlen = es_btf_vlen(t);

	for (i = 0; i < vlen; i++, p++) {
		if (p->name_off >= w->str_total)
			return name_error(w, id, t, "param", i, p->name_off);
		if (!p->type && i + 1 < vlen)
			break;
	}
	return invalid(w, id, t, "void parameter before the last one");
}

/* Hot as well: 83k parameters on vmlinux. Errors are located after the loop. */
static int check_params(struct btf_walk *w, uint32_t id, const struct btf_type *t)
{
	const struct btf_param *p = (const struct btf_param *)(t + 1);
	uint32_t i, vlen = es_btf_vlen(t), max_ref = w->max_ref;
	bool bad = false;

	max_ref = t->type > max_ref ? t->type : max_ref;
	for (i = 0; i < vlen; i++, p++) {
		/* Type 0 marks varargs ("..."), which can only come last. */
		bad |= (p->name_off >= w->str_total) | (!p->type & (i + 1 < vlen));
		max_ref = p->type > max_ref ? p->type : max_ref;
	}
	w->max_ref = max_ref;
	return bad ? params_error(w, id, t) : 0;
}

static int check_datasec(struct btf_walk *w, const struct btf_type *t)
{
	const struct btf_var_secinfo *v = (const struct btf_var_secinfo *)(t + 1);
	uint32_t i, vlen = es_btf_vlen(t);

	for (i = 0; i < vlen; i++, v++)
		note_ref(w, v->type);
	return 0;
}

static int check_func(struct btf_walk *w, uint32_t id, const struct btf_type *t)
{
	if (kind_of(w->btf, t->type) != BTF_KIND_FUNC_PROTO)
		return invalid(w, id, t, "FUNC type is not a FUNC_PROTO");
	return 0;
}

static bool is_chain_kind(uint32_t kind)
{
	return es_btf_is_alias(kind) || kind == BTF_KIND_PTR || kind == BTF_KIND_ARRAY;
}

static int chain_loop(struct btf_walk *w, uint32_t id, const struct btf_type *t)
{
	return es_btf_diag_set(
		w->diag, ES_BTF_ERR_LOOP,
		"type [%u] %s '%s': chain of typedefs/modifiers/pointers/arrays longer than %u (loop?)",
		id, es_btf_kind_name(es_btf_kind(t)), name_or_anon(w->btf, t), ES_BTF_MAX_CHAIN);
}

/*
 * Chain depth of typedef/modifier/pointer/array @id whose next step is @next,
 * when that is already known: @next is in the base, or walked and resolved.
 * A loop needs a forward step, and those wait for the second loop.
 */
static int chain_step(struct btf_walk *w, uint32_t id, const struct btf_type *t, uint32_t next)
{
	uint32_t start = w->btf->start_id, depth = 0;

	if (next >= id) {
		defer(w, id, next);
		return 0;
	}
	if (next >= start && is_chain_kind(w->btf->kinds[next - start])) {
		depth = w->aux[next - start] & AUX_DEPTH;
		if (!depth) {
			defer(w, id, next);
			return 0;
		}
	}
	if (depth + 1 > ES_BTF_MAX_CHAIN)
		return chain_loop(w, id, t);
	w->aux[id - start] |= depth + 1;
	return 0;
}

/* Checks of one record that need nothing but the record, the strings and earlier types. */
static int check_record(struct btf_walk *w, uint32_t id, const struct btf_type *t)
{
	if (t->info & ~info_allowed[es_btf_kind(t)])
		return info_error(w, id, t);
	if (t->name_off >= w->str_total)
		return name_error(w, id, t, "name", 0, t->name_off);

	switch (es_btf_kind(t)) {
	case BTF_KIND_INT:
		return check_int(w, id, t);
	case BTF_KIND_FLOAT:
		if (t->size != 2 && t->size != 4 && t->size != 8 && t->size != 12 && t->size != 16)
			return invalid(w, id, t, "FLOAT size not 2, 4, 8, 12 or 16");
		return 0;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		w->btf->composite_names[w->btf->nr_composites] = t->name_off;
		w->btf->composites[w->btf->nr_composites++] = id;
		return check_members(w, id, t);
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return check_enum(w, id, t);
	case BTF_KIND_FUNC_PROTO:
		return check_params(w, id, t);
	case BTF_KIND_DATASEC:
		return check_datasec(w, t);
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = (const struct btf_array *)(t + 1);

		note_ref(w, a->type);
		note_ref(w, a->index_type);
		return chain_step(w, id, t, a->type);
	}
	case BTF_KIND_VAR:
		if (*(const uint32_t *)(t + 1) > BTF_VAR_GLOBAL_EXTERN)
			return invalid(w, id, t, "VAR linkage above extern (2)");
		note_ref(w, t->type);
		return 0;
	case BTF_KIND_DECL_TAG:
		if (*(const int32_t *)(t + 1) < -1)
			return invalid(w, id, t, "DECL_TAG component_idx below -1");
		note_ref(w, t->type);
		defer(w, id, t->type);
		return 0;
	case BTF_KIND_FWD:
		return 0;
	case BTF_KIND_FUNC:
		if (es_btf_vlen(t) > BTF_FUNC_EXTERN)
			return invalid(w, id, t, "FUNC linkage (vlen) above extern (2)");
		note_ref(w, t->type);
		/* Usually the prototype came first; otherwise look again after the walk. */
		if (t->type < id)
			return check_func(w, id, t);
		defer(w, id, t->type);
		return 0;
	default: /* PTR, TYPEDEF, modifiers, TYPE_TAG */
		note_ref(w, t->type);
		return chain_step(w, id, t, t->type);
	}
}

/* 'long' decides the pointer size, as in libbpf: BTF has no other record of it. */
static void note_ptr_size(struct es_btf *btf, const struct btf_type *t)
{
	const char *name;

	if (t->size != 4 && t->size != 8)
		return;
	name = es_btf_name(btf, t->name_off);
	if (!strcmp(name, "long int") || !strcmp(name, "long unsigned int") ||
	    !strcmp(name, "long") || !strcmp(name, "unsigned long"))
		btf->ptr_size = t->size;
}

/* The @i-th type id that @t refers to, in @ref; false past the last. */
static bool record_ref(const struct btf_type *t, uint32_t i, uint32_t *ref, const char **what)
{
	uint32_t vlen = es_btf_vlen(t);

	*what = "type";
	switch (es_btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FWD:
	case BTF_KIND_FLOAT:
		return false;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		*what = "member";
		*ref = es_btf_members(t)[i].type;
		return i < vlen;
	case BTF_KIND_ARRAY:
		*what = i ? "index type" : "element type";
		*ref = i ? ((const struct btf_array *)(t + 1))->index_type
			 : ((const struct btf_array *)(t + 1))->type;
		return i < 2;
	case BTF_KIND_FUNC_PROTO:
		*what = i ? "param" : "return type";
		*ref = i ? ((const struct btf_param *)(t + 1))[i - 1].type : t->type;
		return i <= vlen;
	case BTF_KIND_DATASEC:
		*what = "var";
		*ref = ((const struct btf_var_secinfo *)(t + 1))[i].type;
		return i < vlen;
	default:
		*ref = t->type;
		return i == 0;
	}
}

/* The walk only kept the largest id referred to; find who refers past the end, for the message. */
static int ref_error(struct btf_walk *w, uint32_t last)
{
	const struct btf_type *t;
	uint32_t id, i, ref;
	const char *what;

	for (id = w->btf->start_id; id <= last; id++) {
		t = es_btf_type_by_id(w->btf, id);
		for (i = 0; record_ref(t, i, &ref, &what); i++)
			if (ref > last)
				return es_btf_diag_set(
					w->diag, ES_BTF_ERR_TYPE_ID,
					"type [%u] %s '%s': %s (#%u) refers to type %u, last type is %u",
					id, es_btf_kind_name(es_btf_kind(t)),
					name_or_anon(w->btf, t), what, i, ref, last);
	}
	return es_btf_diag_set(w->diag, ES_BTF_ERR_TYPE_ID, "type %u referred to, last type is %u",
			       w->max_ref, last);
}

/*
 * Fault in the whole pages of [@p, @p + @len) with one call: the walk writes
 * the index arrays front to back, and one madvise() costs less than a fault
 * per page (0.3 against 0.7 us per page here; docs/btf-parser.md). Kernels
 * before 5.14 refuse MADV_POPULATE_WRITE: the pages then fault in one by one.
 */
static void populate(void *p, size_t len)
{
	uintptr_t page = sysconf(_SC_PAGESIZE), start, end;

	start = ((uintptr_t)p + page - 1) & ~(page - 1);
	end = ((uintptr_t)p + len) & ~(page - 1);
	if (end > start)
		madvise((void *)start, end - start, MADV_POPULATE_WRITE);
}

static int walk_types(struct btf_walk *w)
{
	struct es_btf *btf = w->btf;
	const uint8_t *types = btf->types;
	uint32_t off = 0, len = btf->types_len, start = btf->start_id, id = start, kind;
	const struct btf_type *t;
	uint32_t *offs;
	uint8_t *kinds;
	uint64_t rec_len;
	size_t max_types;
	bool known;
	int err;

	/*
	 * Records are at least 12 bytes: that bounds the count, so each array is
	 * allocated once. Pages past the real count are never touched and cost no memory.
	 */
	max_types = (size_t)len / sizeof(*t) + 1;
	offs = btf->type_offs = malloc(max_types * sizeof(*btf->type_offs));
	kinds = btf->kinds = malloc(max_types);
	btf->composites = malloc(max_types * sizeof(*btf->composites));
	btf->composite_names = malloc(max_types * sizeof(*btf->composite_names));
	w->aux = calloc(max_types, 1);
	w->deferred = malloc(max_types * sizeof(*w->deferred));
	if (!btf->type_offs || !btf->kinds || !btf->composites || !btf->composite_names ||
	    !w->aux || !w->deferred)
		return es_btf_diag_set(w->diag, ES_BTF_ERR_NOMEM, "no memory for the type index");
	/*
	 * Kernel BTF records average 25 bytes: len / 32 types under-estimates
	 * the count, so the pages populated are (nearly always) pages the walk
	 * writes anyway. The rest fault in as they are reached.
	 */
	populate(offs, len / 32 * sizeof(*offs));
	populate(kinds, len / 32);

	/* Locals, not btf->...: the byte stores to kinds[] could alias them and force reloads. */
	while (off < len) {
		if (len - off < sizeof(*t))
			return es_btf_diag_set(
				w->diag, ES_BTF_ERR_TYPE_TRAILING,
				"%u bytes after type [%u] at section offset %u, less than a record",
				len - off, id - 1, off);
		t = (const struct btf_type *)(types + off);
		kind = es_btf_kind(t);
		rec_len = sizeof(*t) + es_btf_trailer_len(t, &known);
		if (!known)
			return es_btf_diag_set(w->diag, ES_BTF_ERR_KIND,
					       "type [%u] at section offset %u: unknown kind %u",
					       id, off, kind);
		if (rec_len > len - off)
			return es_btf_diag_set(
				w->diag, ES_BTF_ERR_TYPE_TRUNCATED,
				"type [%u] %s at section offset %u: %llu-byte record (vlen %u) past section end %u",
				id, es_btf_kind_name(kind), off, (unsigned long long)rec_len,
				es_btf_vlen(t), len);
		if (id > BTF_MAX_TYPE)
			return es_btf_diag_set(w->diag, ES_BTF_ERR_TYPE_INVALID,
					       "more than %u types", BTF_MAX_TYPE);
		offs[id - start] = off;
		kinds[id - start] = kind;
		err = check_record(w, id, t);
		if (err)
			return err;
		if (kind == BTF_KIND_INT && !btf->base)
			note_ptr_size(btf, t);
		off += rec_len;
		id++;
	}
	btf->nr_types = id - start;
	if (w->max_ref >= id)
		return ref_error(w, id - 1);
	return 0;
}

/*
 * Number of typedef/modifier/pointer/array steps from @id to anything else,
 * memoized in aux. Iterative: the path so far is kept in @path.
 */
static int check_chain(struct btf_walk *w, uint32_t id)
{
	uint32_t path[ES_BTF_MAX_CHAIN + 1], n = 0, next = id, depth = 0, start = w->btf->start_id;
	const struct btf_type *t;
	uint8_t *aux;

	for (;;) {
		/* Base types were checked when the base was opened; others end the chain. */
		if (next < start || !is_chain_kind(kind_of(w->btf, next)))
			break;
		aux = &w->aux[next - start];
		if (*aux & AUX_VISITING)
			return chain_loop(w, id, es_btf_type_by_id(w->btf, id));
		if (*aux & AUX_DEPTH) {
			depth = *aux & AUX_DEPTH;
			break;
		}
		if (n == ES_BTF_MAX_CHAIN + 1)
			return chain_loop(w, id, es_btf_type_by_id(w->btf, id));
		*aux |= AUX_VISITING;
		path[n++] = next;
		t = es_btf_type_by_id(w->btf, next);
		next = es_btf_kind(t) == BTF_KIND_ARRAY ? ((const struct btf_array *)(t + 1))->type
							: t->type;
	}
	while (n--) {
		aux = &w->aux[path[n] - start];
		*aux &= ~AUX_VISITING;
		if (++depth > ES_BTF_MAX_CHAIN)
			return chain_loop(w, id, es_btf_type_by_id(w->btf, id));
		*aux |= depth;
	}
	return 0;
}

static int check_decl_tag(struct btf_walk *w, uint32_t id, const struct btf_type *t)
{
	int32_t idx = *(const int32_t *)(t + 1);
	const struct btf_type *target = es_btf_type_by_id(w->btf, t->type);
	uint32_t nr;

	if (idx == -1)
		return 0;
	/* A component is a member of a struct/union or a parameter of a function. */
	if (target && es_btf_kind(target) == BTF_KIND_FUNC)
		target = es_btf_type_by_id(w->btf, target->type);
	if (es_btf_is_composite(target) || (target && es_btf_kind(target) == BTF_KIND_FUNC_PROTO))
		nr = es_btf_vlen(target);
	else
		return invalid(w, id, t, "DECL_TAG component on a type without components");
	if ((uint32_t)idx >= nr)
		return invalid(w, id, t, "DECL_TAG component_idx past the target's components");
	return 0;
}

static int nest_loop(struct btf_walk *w, uint32_t id)
{
	const struct btf_type *t = es_btf_type_by_id(w->btf, id);

	return es_btf_diag_set(w->diag, ES_BTF_ERR_LOOP,
			       "type [%u] %s '%s': anonymous members nest deeper than %u (loop?)",
			       id, es_btf_kind_name(es_btf_kind(t)), name_or_anon(w->btf, t),
			       ES_BTF_MAX_CHAIN);
}

/*
 * Levels of anonymous struct/union members within @id (itself included),
 * memoized in aux. Recursion depth is bounded by ES_BTF_MAX_CHAIN.
 */
static int anon_depth(struct btf_walk *w, uint32_t id, uint32_t level)
{
	uint8_t *aux = &w->aux[id - w->btf->start_id];
	const struct btf_type *t;
	const struct btf_member *m;
	uint32_t i, vlen, child;
	int sub, max = 0;

	if ((*aux & AUX_VISITING) || level > ES_BTF_MAX_CHAIN)
		return nest_loop(w, id);
	if (*aux & AUX_DEPTH)
		return *aux & AUX_DEPTH;
	if (!(*aux & AUX_ANON)) {
		*aux |= 1;
		return 1;
	}
	*aux |= AUX_VISITING;
	t = es_btf_type_by_id(w->btf, id);
	m = es_btf_members(t);
	vlen = es_btf_vlen(t);
	for (i = 0; i < vlen; i++, m++) {
		if (m->name_off)
			continue;
		child = es_btf_skip_aliases(w->btf, m->type);
		/* Anonymous members in the base were checked with the base. */
		if (child < w->btf->start_id ||
		    !es_btf_is_composite(es_btf_type_by_id(w->btf, child)))
			continue;
		sub = anon_depth(w, child, level + 1);
		if (sub < 0)
			return sub;
		if (sub > max)
			max = sub;
	}
	*aux &= ~AUX_VISITING;
	if (max + 1 > ES_BTF_MAX_CHAIN)
		return nest_loop(w, id);
	*aux |= max + 1;
	return max + 1;
}

/* What needs types other than the record itself; runs once every record is known good. */
static int check_deep(struct btf_walk *w)
{
	struct es_btf *btf = w->btf;
	const struct deferred *d;
	uint32_t i, kind, start = btf->start_id;
	int err = 0;

	for (i = 0; i < w->nr_deferred && !err; i++) {
		d = &w->deferred[i];
		kind = btf->kinds[d->id - start];
		if (kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION)
			err = anon_depth(w, d->id, 0);
		else if (kind == BTF_KIND_FUNC)
			err = kind_of(btf, d->next) == BTF_KIND_FUNC_PROTO
				      ? 0
				      : check_func(w, d->id, es_btf_type_by_id(btf, d->id));
		else if (kind == BTF_KIND_DECL_TAG)
			err = check_decl_tag(w, d->id, es_btf_type_by_id(btf, d->id));
		else if (w->aux[d->id - start] & AUX_DEPTH)
			err = 0; /* resolved by an earlier chain through it */
		else if (!is_chain_kind(kind_of(btf, d->next)))
			w->aux[d->id - start] |= 1; /* a pointer to a later struct: one step */
		else
			err = check_chain(w, d->id);
		err = err < 0 ? err : 0;
	}
	return err;
}

int es_btf_validate(struct es_btf *btf, const uint8_t *data, size_t size, struct es_btf_diag *diag)
{
	struct btf_walk w = { .btf = btf, .diag = diag };
	struct btf_header hdr;
	const struct es_btf *base = btf->base, *b;
	uint64_t str_total;
	int depth = 0, err;

	/* Lookups walk the base chain; keep it as short as the other chains. */
	for (b = base; b; b = b->base)
		if (++depth >= ES_BTF_MAX_CHAIN)
			return es_btf_diag_set(diag, ES_BTF_ERR_BASE,
					       "more than %d levels of base BTF",
					       ES_BTF_MAX_CHAIN - 1);

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
		return es_btf_diag_set(diag, ES_BTF_ERR_BASE,
				       "base and split string sections together exceed 4 GiB");
	w.str_total = str_total;

	err = check_strings(btf, diag);
	if (!err)
		err = walk_types(&w);
	if (!err)
		err = check_deep(&w);
	free(w.aux);
	free(w.deferred);
	return err;
}
