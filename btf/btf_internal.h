/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Internals shared by the parser's files: the parsed object and small
 * accessors that are only safe after validation.
 */
#ifndef EXECSENSOR_BTF_INTERNAL_H
#define EXECSENSOR_BTF_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/btf.h>

#include "btf.h"

/* Longest typedef/modifier/pointer/array chain and anonymous-member nesting accepted. */
#define ES_BTF_MAX_CHAIN 32

struct es_btf {
	const struct es_btf *base;
	const uint8_t *types; /* type section, native byte order, 4-byte aligned */
	const char *strs; /* string section */
	uint32_t types_len;
	uint32_t strs_len;
	uint32_t start_id; /* first id of our own types: base's count, or 1 */
	uint32_t start_str_off; /* base's total string length, or 0 */
	uint32_t nr_types; /* own types (without void) */
	uint32_t *type_offs; /* offset in types of id start_id + i ... */
	uint8_t *kinds; /* ... and its kind: the whole index */
	uint32_t *composites; /* ids of own structs and unions, for lookups by name, */
	uint32_t *composite_names; /* and their name offsets: a scan reads no records */
	uint32_t nr_composites;
	uint32_t ptr_size; /* from the 'long' INT; host pointer size when absent */
	bool swapped;
	void *map; /* file mapping, munmap()ed by es_btf_free() */
	size_t map_len;
	void *owned; /* byte-swapped or realigned copy, or the read() fallback */
};

/* Fill @diag (if any) and return -@code; @code is a positive enum es_btf_error. */
int es_btf_diag_set(struct es_btf_diag *diag, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

const char *es_btf_kind_name(uint32_t kind);

/* Validated type by id; NULL for void (0) and ids past the end. Hot: inline. */
static inline const struct btf_type *es_btf_type_by_id(const struct es_btf *btf, uint32_t id)
{
	while (btf && id < btf->start_id)
		btf = btf->base;
	if (!btf || !id || id - btf->start_id >= btf->nr_types)
		return NULL;
	return (const struct btf_type *)(btf->types + btf->type_offs[id - btf->start_id]);
}

/* Validated name; "" for offset 0 and for offsets that do not exist. */
const char *es_btf_name(const struct es_btf *btf, uint32_t off);

static inline uint32_t es_btf_kind(const struct btf_type *t)
{
	return BTF_INFO_KIND(t->info);
}

static inline uint32_t es_btf_vlen(const struct btf_type *t)
{
	return BTF_INFO_VLEN(t->info);
}

static inline bool es_btf_kflag(const struct btf_type *t)
{
	return BTF_INFO_KFLAG(t->info);
}

static inline const struct btf_member *es_btf_members(const struct btf_type *t)
{
	return (const struct btf_member *)(t + 1);
}

static inline bool es_btf_is_composite(const struct btf_type *t)
{
	return t && (es_btf_kind(t) == BTF_KIND_STRUCT || es_btf_kind(t) == BTF_KIND_UNION);
}

/* Kinds that just refer to another type without changing its layout. */
static inline bool es_btf_is_alias(uint32_t kind)
{
	switch (kind) {
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return true;
	default:
		return false;
	}
}

/* Member bit offset and bitfield size, whichever encoding kflag selects. */
static inline uint32_t es_btf_member_bit_offset(const struct btf_type *t,
						const struct btf_member *m)
{
	return es_btf_kflag(t) ? BTF_MEMBER_BIT_OFFSET(m->offset) : m->offset;
}

static inline uint32_t es_btf_member_bitfield_size(const struct btf_type *t,
						   const struct btf_member *m)
{
	return es_btf_kflag(t) ? BTF_MEMBER_BITFIELD_SIZE(m->offset) : 0;
}

/*
 * Follow typedefs and modifiers from @id; returns the id reached (0 = void).
 * Validation bounded every chain, the depth limit only guards the invariant.
 */
uint32_t es_btf_skip_aliases(const struct es_btf *btf, uint32_t id);

/* Size in bytes of type @id as laid out in memory; negative error when it has none. */
int es_btf_resolve_size(const struct es_btf *btf, uint32_t id, uint64_t *size);

/*
 * Record layout by kind, as tables rather than a switch: the walk computes a
 * record's length for every type, and kinds come in no predictable order.
 * trailer_fixed is 0xff for kinds that do not exist.
 */
extern const uint8_t es_btf_trailer_fixed[32];
extern const uint8_t es_btf_trailer_per_vlen[32];

/* Bytes that follow struct btf_type for @t's kind; 0 with *known false for unknown kinds. */
static inline uint64_t es_btf_trailer_len(const struct btf_type *t, bool *known)
{
	uint32_t kind = es_btf_kind(t);

	*known = es_btf_trailer_fixed[kind] != 0xff;
	return *known ? es_btf_trailer_fixed[kind] +
				(uint64_t)es_btf_vlen(t) * es_btf_trailer_per_vlen[kind]
		      : 0;
}

/* Header, sections and types of a blob whose header is at @data, in native order. */
int es_btf_validate(struct es_btf *btf, const uint8_t *data, size_t size, struct es_btf_diag *diag);

/* Byte-swap a BTF blob in place; stops quietly where validation will fail. */
void es_btf_swap_blob(uint8_t *data, size_t size);

/* C spelling of type @id into @buf ("struct task_struct *", "pid_t", "char[16]"). */
void es_btf_type_c_name(const struct es_btf *btf, uint32_t id, char *buf, size_t len);

#endif /* EXECSENSOR_BTF_INTERNAL_H */
