// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Accessors of a validated BTF: types by id, names, aliases and sizes, across the base. */
#include "btf_internal.h"

const uint8_t es_btf_trailer_fixed[32] = {
	[BTF_KIND_UNKN] = 0xff,
	[BTF_KIND_INT] = sizeof(uint32_t),
	[BTF_KIND_ARRAY] = sizeof(struct btf_array),
	[BTF_KIND_VAR] = sizeof(struct btf_var),
	[BTF_KIND_DECL_TAG] = sizeof(struct btf_decl_tag),
	[BTF_KIND_ENUM64 + 1 ... 31] = 0xff,
};

const uint8_t es_btf_trailer_per_vlen[32] = {
	[BTF_KIND_STRUCT] = sizeof(struct btf_member),
	[BTF_KIND_UNION] = sizeof(struct btf_member),
	[BTF_KIND_ENUM] = sizeof(struct btf_enum),
	[BTF_KIND_FUNC_PROTO] = sizeof(struct btf_param),
	[BTF_KIND_DATASEC] = sizeof(struct btf_var_secinfo),
	[BTF_KIND_ENUM64] = sizeof(struct btf_enum64),
};

const char *es_btf_name(const struct es_btf *btf, uint32_t off)
{
	/* Split BTF's string offsets continue after the base's strings. */
	while (btf && off < btf->start_str_off)
		btf = btf->base;
	if (!btf || off - btf->start_str_off >= btf->strs_len)
		return "";
	return btf->strs + (off - btf->start_str_off);
}

uint32_t es_btf_skip_aliases(const struct es_btf *btf, uint32_t id)
{
	const struct btf_type *t;
	int depth;

	for (depth = 0; depth <= ES_BTF_MAX_CHAIN; depth++) {
		t = es_btf_type_by_id(btf, id);
		if (!t || !es_btf_is_alias(es_btf_kind(t)))
			return id;
		id = t->type;
	}
	return id;
}

int es_btf_resolve_size(const struct es_btf *btf, uint32_t id, uint64_t *size)
{
	const struct btf_type *t;
	const struct btf_array *a;
	uint64_t nelems = 1;
	int depth;

	for (depth = 0; depth <= ES_BTF_MAX_CHAIN; depth++) {
		t = es_btf_type_by_id(btf, id);
		if (!t)
			return -ES_BTF_ERR_TYPE_ID;
		switch (es_btf_kind(t)) {
		case BTF_KIND_INT:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_FLOAT:
		case BTF_KIND_DATASEC:
			*size = nelems * t->size;
			return 0;
		case BTF_KIND_PTR:
			*size = nelems * btf->ptr_size;
			return 0;
		case BTF_KIND_ARRAY:
			a = (const struct btf_array *)(t + 1);
			/* Keeping the count below 2^32 keeps count * size inside 64 bits. */
			nelems *= a->nelems;
			if (nelems > UINT32_MAX)
				return -ES_BTF_ERR_TYPE_INVALID;
			id = a->type;
			break;
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
		case BTF_KIND_VAR:
			id = t->type;
			break;
		default: /* FWD, FUNC, FUNC_PROTO, DECL_TAG have no size */
			return -ES_BTF_ERR_TYPE_INVALID;
		}
	}
	return -ES_BTF_ERR_LOOP;
}
