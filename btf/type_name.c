// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The C spelling of a type, as a reader of kernel headers expects it:
 * "pid_t", "struct task_struct *", "const char *", "char[16]",
 * "void (*)(struct callback_head *)".
 *
 * C declarators read inside out, so the spelling is built the same way: the
 * declarator so far (what goes after the base type) is wrapped by each
 * pointer, array or function level until a named base type is reached. Type
 * tags (__rcu, __user) are not C and are left out.
 *
 * Function prototypes nest (parameters that are function pointers), so the
 * work is bounded by a step budget as well as by depth: hostile BTF could
 * otherwise make the spelling exponential.
 */
#include <stdio.h>
#include <string.h>

#include "btf_internal.h"

static uint32_t skip_type_tags(const struct es_btf *btf, uint32_t id)
{
	const struct btf_type *t;
	int depth;

	for (depth = 0; depth <= ES_BTF_MAX_CHAIN; depth++) {
		t = es_btf_type_by_id(btf, id);
		if (!t || es_btf_kind(t) != BTF_KIND_TYPE_TAG)
			break;
		id = t->type;
	}
	return id;
}

/* Types spelled per call: far more than any real declaration needs. */
#define SPELL_BUDGET 256

struct speller {
	const struct es_btf *btf;
	int budget;
};

static void spell(struct speller *sp, uint32_t id, const char *decl, char *out, size_t len,
		  int depth);

/* Append @s to the NUL-terminated @out of capacity @len, truncating. */
static void append(char *out, size_t len, const char *s)
{
	size_t used = strnlen(out, len), n = strlen(s);

	if (used + 1 >= len)
		return;
	if (n > len - 1 - used)
		n = len - 1 - used;
	memcpy(out + used, s, n);
	out[used + n] = '\0';
}

/* @out = @a @b @c; none of them may overlap @out. */
static void join(char *out, size_t len, const char *a, const char *b, const char *c)
{
	out[0] = '\0';
	append(out, len, a);
	append(out, len, b);
	append(out, len, c);
}

static void spell_base(const char *base, const char *decl, char *out, size_t len)
{
	/* "char[16]" but "struct task_struct *" and "int (*)(int)". */
	const char *sep = decl[0] && decl[0] != '[' ? " " : "";

	join(out, len, base, sep, decl);
}

static void spell_tagged(const char *keyword, const struct es_btf *btf, const struct btf_type *t,
			 const char *decl, char *out, size_t len)
{
	const char *name = es_btf_name(btf, t->name_off);
	char base[ES_BTF_TYPE_NAME_MAX];

	join(base, sizeof(base), keyword, " ", name[0] ? name : "{...}");
	spell_base(base, decl, out, len);
}

static void spell_params(struct speller *sp, const struct btf_type *t, char *out, size_t len,
			 int depth)
{
	const struct btf_param *p = (const struct btf_param *)(t + 1);
	char param[ES_BTF_TYPE_NAME_MAX];
	uint32_t i, vlen = es_btf_vlen(t);

	join(out, len, "(", vlen ? "" : "void", "");
	for (i = 0; i < vlen; i++, p++) {
		if (p->type)
			spell(sp, p->type, "", param, sizeof(param), depth + 1);
		else
			join(param, sizeof(param), "...", "", "");
		append(out, len, i ? ", " : "");
		append(out, len, param);
	}
	append(out, len, ")");
}

static void spell(struct speller *sp, uint32_t id, const char *decl, char *out, size_t len,
		  int depth)
{
	const struct es_btf *btf = sp->btf;
	const struct btf_type *t = es_btf_type_by_id(btf, id);
	char inner[ES_BTF_TYPE_NAME_MAX], suffix[ES_BTF_TYPE_NAME_MAX];
	const struct btf_type *next;
	const char *qual;

	if (depth > ES_BTF_MAX_CHAIN || --sp->budget < 0) {
		spell_base("?", decl, out, len);
		return;
	}
	if (!t) {
		spell_base("void", decl, out, len);
		return;
	}
	switch (es_btf_kind(t)) {
	case BTF_KIND_STRUCT:
		spell_tagged("struct", btf, t, decl, out, len);
		return;
	case BTF_KIND_UNION:
		spell_tagged("union", btf, t, decl, out, len);
		return;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		spell_tagged("enum", btf, t, decl, out, len);
		return;
	case BTF_KIND_FWD:
		spell_tagged(es_btf_kflag(t) ? "union" : "struct", btf, t, decl, out, len);
		return;
	case BTF_KIND_TYPE_TAG:
		spell(sp, t->type, decl, out, len, depth + 1);
		return;
	case BTF_KIND_PTR:
		next = es_btf_type_by_id(btf, skip_type_tags(btf, t->type));
		/* A pointer to an array or function needs parentheses: "int (*)[4]". */
		if (next && (es_btf_kind(next) == BTF_KIND_ARRAY ||
			     es_btf_kind(next) == BTF_KIND_FUNC_PROTO))
			join(inner, sizeof(inner), "(*", decl, ")");
		else
			join(inner, sizeof(inner), "*", decl, "");
		spell(sp, t->type, inner, out, len, depth + 1);
		return;
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
		qual = es_btf_kind(t) == BTF_KIND_CONST	     ? "const"
		       : es_btf_kind(t) == BTF_KIND_VOLATILE ? "volatile"
							     : "restrict";
		next = es_btf_type_by_id(btf, skip_type_tags(btf, t->type));
		if (next && es_btf_kind(next) == BTF_KIND_PTR) {
			/* Qualifies the pointer itself: "char *const". */
			join(inner, sizeof(inner), qual, decl[0] ? " " : "", decl);
			spell(sp, t->type, inner, out, len, depth + 1);
		} else {
			spell(sp, t->type, decl, inner, sizeof(inner), depth + 1);
			join(out, len, qual, " ", inner);
		}
		return;
	case BTF_KIND_ARRAY:
		snprintf(suffix, sizeof(suffix), "[%u]",
			 ((const struct btf_array *)(t + 1))->nelems);
		join(inner, sizeof(inner), decl, suffix, "");
		spell(sp, ((const struct btf_array *)(t + 1))->type, inner, out, len, depth + 1);
		return;
	case BTF_KIND_FUNC_PROTO:
		spell_params(sp, t, suffix, sizeof(suffix), depth);
		join(inner, sizeof(inner), decl, suffix, "");
		spell(sp, t->type, inner, out, len, depth + 1);
		return;
	default: /* INT, FLOAT, TYPEDEF, and named things that are not types of members */
		spell_base(es_btf_name(btf, t->name_off), decl, out, len);
		return;
	}
}

void es_btf_type_c_name(const struct es_btf *btf, uint32_t id, char *buf, size_t len)
{
	struct speller sp = { .btf = btf, .budget = SPELL_BUDGET };

	spell(&sp, id, "", buf, len, 0);
}
