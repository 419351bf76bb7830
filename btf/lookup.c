// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Member lookup by dotted path: "task_struct.real_parent", "dentry.d_name.name".
 *
 * The first component names a struct or union. Every struct/union of that
 * name is tried, because kernel BTF keeps same-named structs that dedup could
 * not merge; they must all give the same answer, or the lookup is refused as
 * ambiguous rather than guessing. Each further component is a member, found
 * directly or inside anonymous struct/union members (randstruct kernels wrap
 * task_struct's fields in one), adding up bit offsets on the way down.
 */
#include <stdio.h>
#include <string.h>

#include "btf_internal.h"

/* Components of a path; "a.b.c.d..." deeper than this is not a kernel field. */
#define PATH_MAX_COMPONENTS 16
/*
 * Members visited per lookup, over all candidates and anonymous levels. Real
 * lookups visit a few hundred; the cap stops hostile BTF (thousands of
 * anonymous members of types with thousands more) from making it exponential.
 */
#define LOOKUP_BUDGET (1u << 20)

struct path_comp {
	const char *s;
	size_t len;
};

struct lookup {
	const struct es_btf *btf;
	const char *path;
	struct path_comp comp[PATH_MAX_COMPONENTS];
	int nr_comp;
	uint32_t budget;
};

static bool is_ident_char(char c, bool first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (!first && c >= '0' && c <= '9');
}

static int parse_path(struct lookup *lk, const char *path, struct es_btf_diag *diag)
{
	const char *p = path;
	size_t len;

	if (!path)
		return es_btf_diag_set(diag, ES_BTF_ERR_PATH, "no path");
	for (;;) {
		for (len = 0; is_ident_char(p[len], len == 0); len++)
			;
		if (!len || (p[len] && p[len] != '.'))
			return es_btf_diag_set(diag, ES_BTF_ERR_PATH,
					       "'%.64s': expected an identifier at character %zu",
					       path, (size_t)(p + len - path));
		if (lk->nr_comp == PATH_MAX_COMPONENTS)
			return es_btf_diag_set(diag, ES_BTF_ERR_PATH,
					       "'%.64s': more than %d components", path,
					       PATH_MAX_COMPONENTS);
		lk->comp[lk->nr_comp++] = (struct path_comp){ .s = p, .len = len };
		if (!p[len])
			break;
		p += len + 1;
	}
	if (lk->nr_comp < 2)
		return es_btf_diag_set(diag, ES_BTF_ERR_PATH, "'%.64s': expected struct.member",
				       path);
	return 0;
}

static bool name_is(const char *name, const struct path_comp *c)
{
	/* The first byte rejects almost every candidate without a call. */
	return name[0] == c->s[0] && !strncmp(name, c->s, c->len) && name[c->len] == '\0';
}

/*
 * Find member @c of struct/union @sid, looking into anonymous members.
 * Returns the struct/union that holds it in @owner, and its bit offset from
 * the start of @sid in @bit_off.
 */
/*
 * Whether member @m of @t ends inside @t. Validation checked only where
 * members start (see validate.c); a lookup checks the members it goes through.
 */
static bool member_fits(const struct es_btf *btf, const struct btf_type *t,
			const struct btf_member *m)
{
	uint64_t end = es_btf_member_bit_offset(t, m), size;
	const struct btf_type *mt = es_btf_type_by_id(btf, es_btf_skip_aliases(btf, m->type));
	uint32_t data;

	if (es_btf_member_bitfield_size(t, m)) {
		end += es_btf_member_bitfield_size(t, m);
	} else if (!es_btf_kflag(t) && mt && es_btf_kind(mt) == BTF_KIND_INT) {
		/* Without kflag a bitfield's offset and width live in the INT. */
		data = *(const uint32_t *)(mt + 1);
		end += BTF_INT_OFFSET(data) + BTF_INT_BITS(data);
	} else if (!es_btf_resolve_size(btf, m->type, &size)) {
		end += size * 8;
	}
	return end <= (uint64_t)t->size * 8;
}

/*
 * Find member @c of struct/union @sid, looking into anonymous members.
 * Returns the struct/union that holds it in @owner, and its bit offset from
 * the start of @sid in @bit_off.
 */
static int find_member(struct lookup *lk, uint32_t sid, const struct path_comp *c, int level,
		       const struct btf_type **owner, const struct btf_member **member,
		       uint64_t *bit_off)
{
	const struct btf_type *t = es_btf_type_by_id(lk->btf, sid);
	const struct btf_member *m = es_btf_members(t);
	uint32_t i, vlen = es_btf_vlen(t), child;
	uint64_t sub;
	int err;

	if (level > ES_BTF_MAX_CHAIN)
		return -ES_BTF_ERR_LOOP;
	for (i = 0; i < vlen; i++, m++) {
		if (!lk->budget--)
			return -ES_BTF_ERR_LOOP;
		/* Anonymous means name offset 0, as validation's nesting check has it. */
		if (m->name_off) {
			if (!name_is(es_btf_name(lk->btf, m->name_off), c))
				continue;
			*owner = t;
			*member = m;
			*bit_off = es_btf_member_bit_offset(t, m);
			if (!member_fits(lk->btf, t, m))
				return -ES_BTF_ERR_MEMBER_OFFSET;
			return 0;
		}
		child = es_btf_skip_aliases(lk->btf, m->type);
		if (!es_btf_is_composite(es_btf_type_by_id(lk->btf, child)))
			continue;
		err = find_member(lk, child, c, level + 1, owner, member, &sub);
		if (err == -ES_BTF_ERR_NO_MEMBER)
			continue;
		if (!err && !member_fits(lk->btf, t, m)) {
			*owner = t;
			*member = m;
			err = -ES_BTF_ERR_MEMBER_OFFSET;
		}
		if (err)
			return err;
		*bit_off = es_btf_member_bit_offset(t, m) + sub;
		return 0;
	}
	return -ES_BTF_ERR_NO_MEMBER;
}

static void fill_info(const struct es_btf *btf, const struct btf_type *owner,
		      const struct btf_member *m, uint64_t bits, struct es_btf_member_info *info)
{
	uint32_t id = es_btf_skip_aliases(btf, m->type);
	const struct btf_type *t = es_btf_type_by_id(btf, id), *target;
	uint32_t bit_size = es_btf_member_bitfield_size(owner, m), data;
	uint64_t size = 0;

	memset(info, 0, sizeof(*info));
	if (t && es_btf_kind(t) == BTF_KIND_INT) {
		data = *(const uint32_t *)(t + 1);
		info->int_encoding = BTF_INT_ENCODING(data);
		/* Without kflag a bitfield is an INT narrower than its size, offset inside it. */
		if (!es_btf_kflag(owner) &&
		    (BTF_INT_OFFSET(data) || BTF_INT_BITS(data) != t->size * 8)) {
			bits += BTF_INT_OFFSET(data);
			bit_size = BTF_INT_BITS(data);
		}
	}
	info->bit_offset = bits;
	info->offset = bits / 8;
	info->bit_size = bit_size;
	if (!es_btf_resolve_size(btf, m->type, &size) && size <= UINT32_MAX)
		info->size = size;
	info->type_id = id;
	info->kind = t ? es_btf_kind(t) : BTF_KIND_UNKN;
	es_btf_type_c_name(btf, m->type, info->type_name, sizeof(info->type_name));
	if (t && (es_btf_kind(t) == BTF_KIND_PTR || es_btf_kind(t) == BTF_KIND_ARRAY)) {
		/* A pointer's pointee, an array's element: validated ids (validate.c). */
		info->target_id = es_btf_skip_aliases(
			btf, es_btf_kind(t) == BTF_KIND_PTR
				     ? t->type
				     : ((const struct btf_array *)(t + 1))->type);
		target = es_btf_type_by_id(btf, info->target_id);
		info->target_kind = target ? es_btf_kind(target) : BTF_KIND_UNKN;
		snprintf(info->target_name, sizeof(info->target_name), "%s",
			 target ? es_btf_name(btf, target->name_off) : "void");
		if (target && !es_btf_resolve_size(btf, info->target_id, &size) &&
		    size <= UINT32_MAX)
			info->target_size = size;
	} else {
		snprintf(info->target_name, sizeof(info->target_name), "%s",
			 t ? es_btf_name(btf, t->name_off) : "void");
	}
}

/* Resolve the members of the path in struct/union @sid. */
static int resolve(struct lookup *lk, uint32_t sid, struct es_btf_member_info *info,
		   struct es_btf_diag *diag)
{
	const struct btf_member *m = NULL;
	const struct btf_type *owner = NULL, *t;
	uint64_t bits = 0, off = 0;
	uint32_t cur = sid, next;
	int k, err;

	for (k = 1; k < lk->nr_comp; k++) {
		err = find_member(lk, cur, &lk->comp[k], 0, &owner, &m, &off);
		t = es_btf_type_by_id(lk->btf, cur);
		if (err == -ES_BTF_ERR_NO_MEMBER)
			return es_btf_diag_set(
				diag, ES_BTF_ERR_NO_MEMBER, "%s '%s' [%u] has no member '%.*s'",
				es_btf_kind(t) == BTF_KIND_UNION ? "union" : "struct",
				es_btf_name(lk->btf, t->name_off), cur, (int)lk->comp[k].len,
				lk->comp[k].s);
		if (err == -ES_BTF_ERR_MEMBER_OFFSET)
			return es_btf_diag_set(
				diag, ES_BTF_ERR_MEMBER_OFFSET,
				"%s '%s': member '%s' (bit %u) ends past its size %u",
				es_btf_kind_name(es_btf_kind(owner)),
				es_btf_name(lk->btf, owner->name_off),
				es_btf_name(lk->btf, m->name_off),
				es_btf_member_bit_offset(owner, m), owner->size);
		if (err)
			return es_btf_diag_set(
				diag, -err,
				"%s [%u]: anonymous members nest too deep or too many while looking for '%.*s'",
				es_btf_name(lk->btf, t->name_off), cur, (int)lk->comp[k].len,
				lk->comp[k].s);
		bits += off;
		if (k + 1 == lk->nr_comp)
			break;
		next = es_btf_skip_aliases(lk->btf, m->type);
		if (!es_btf_is_composite(es_btf_type_by_id(lk->btf, next)))
			return es_btf_diag_set(
				diag, ES_BTF_ERR_NOT_COMPOSITE,
				"'%.*s' (type [%u]) in '%s' [%u] is not a struct or union, cannot look up '%.*s' in it",
				(int)lk->comp[k].len, lk->comp[k].s, next,
				es_btf_name(lk->btf, t->name_off), cur, (int)lk->comp[k + 1].len,
				lk->comp[k + 1].s);
		cur = next;
	}
	if (bits > UINT32_MAX)
		return es_btf_diag_set(diag, ES_BTF_ERR_MEMBER_OFFSET,
				       "'%s': bit offset %llu beyond 2^32", lk->path,
				       (unsigned long long)bits);
	fill_info(lk->btf, owner, m, bits, info);
	return 0;
}

/* One candidate's answer, for the message when candidates disagree. */
static void describe(char *buf, size_t len, int err, const struct es_btf_member_info *info)
{
	if (err)
		snprintf(buf, len, "%s", es_btf_strerror(err));
	else
		snprintf(buf, len, "'%s' at bit %u", info->type_name, info->bit_offset);
}

static bool same_member(const struct es_btf_member_info *a, const struct es_btf_member_info *b)
{
	return a->offset == b->offset && a->bit_offset == b->bit_offset &&
	       a->bit_size == b->bit_size && a->size == b->size && a->kind == b->kind &&
	       a->target_kind == b->target_kind && a->target_size == b->target_size &&
	       a->int_encoding == b->int_encoding && !strcmp(a->type_name, b->type_name) &&
	       !strcmp(a->target_name, b->target_name);
}

int es_btf_member_lookup(const struct es_btf *btf, const char *path,
			 struct es_btf_member_info *info, struct es_btf_diag *diag)
{
	struct lookup lk = { .btf = btf, .path = path, .budget = LOOKUP_BUDGET };
	struct es_btf_member_info found, cand;
	struct es_btf_diag first_diag, cand_diag;
	char first_desc[ES_BTF_TYPE_NAME_MAX + 32], cand_desc[ES_BTF_TYPE_NAME_MAX + 32];
	const struct es_btf *chain[ES_BTF_MAX_CHAIN], *b;
	uint32_t id, idx, off, first_id = 0;
	int i, nr_chain = 0, err, first_err = 0;

	if (diag) {
		diag->code = 0;
		diag->msg[0] = '\0';
	}
	err = parse_path(&lk, path, diag);
	if (err)
		return err;
	/* Candidates come from the base as well as from split BTF. */
	for (b = btf; b && nr_chain < ES_BTF_MAX_CHAIN; b = b->base)
		chain[nr_chain++] = b;

	/* Oldest base first, so the first candidate is the lowest id. */
	for (i = nr_chain; i-- > 0;) {
		b = chain[i];
		for (idx = 0; idx < b->nr_composites; idx++) {
			off = b->composite_names[idx] - b->start_str_off;
			/* Most names are in @b's own strings: no call for those. */
			if (!name_is(off < b->strs_len ? b->strs + off
						       : es_btf_name(btf, b->composite_names[idx]),
				     &lk.comp[0]))
				continue;
			id = b->composites[idx];
			memset(&cand, 0, sizeof(cand));
			err = resolve(&lk, id, &cand, first_id ? &cand_diag : &first_diag);
			if (!first_id) {
				first_id = id;
				first_err = err;
				found = cand;
				continue;
			}
			if (err == first_err && (err || same_member(&found, &cand)))
				continue;
			describe(first_desc, sizeof(first_desc), first_err, &found);
			describe(cand_desc, sizeof(cand_desc), err, &cand);
			return es_btf_diag_set(
				diag, ES_BTF_ERR_AMBIGUOUS,
				"'%s': structs '%.*s' [%u] and [%u] disagree: %s vs %s", path,
				(int)lk.comp[0].len, lk.comp[0].s, first_id, id, first_desc,
				cand_desc);
		}
	}
	if (!first_id)
		return es_btf_diag_set(diag, ES_BTF_ERR_NO_STRUCT,
				       "'%s': no struct or union '%.*s'", path, (int)lk.comp[0].len,
				       lk.comp[0].s);
	if (first_err) {
		if (diag)
			*diag = first_diag;
		return first_err;
	}
	*info = found;
	return 0;
}
