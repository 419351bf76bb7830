// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <string.h>
#include <linux/btf.h>

#include "btf_builder.h"

void bb_init(struct btf_builder *b)
{
	memset(b, 0, sizeof(*b));
	b->next_id = 1;
	b->strs_len = 1; /* offset 0: the empty name */
}

void bb_init_split(struct btf_builder *b, uint32_t base_type_cnt, uint32_t base_str_len)
{
	memset(b, 0, sizeof(*b));
	b->next_id = base_type_cnt;
	b->str_base = base_str_len;
}

static uint32_t add_str(struct btf_builder *b, const char *s)
{
	size_t len;
	uint32_t off;

	if (!s || !*s)
		return 0;
	len = strlen(s) + 1;
	if (b->strs_len + len > sizeof(b->strs)) {
		b->overflow = 1;
		return 0;
	}
	off = b->str_base + (uint32_t)b->strs_len;
	memcpy(b->strs + b->strs_len, s, len);
	b->strs_len += len;
	return off;
}

static void add_word(struct btf_builder *b, uint32_t w)
{
	if (b->types_len >= sizeof(b->types) / sizeof(b->types[0])) {
		b->overflow = 1;
		return;
	}
	b->types[b->types_len++] = w;
}

static uint32_t add_type(struct btf_builder *b, const char *name, uint32_t kind, uint32_t vlen,
			 uint32_t size_or_type)
{
	add_word(b, add_str(b, name));
	add_word(b, kind << 24 | vlen);
	add_word(b, size_or_type);
	return b->next_id++;
}

uint32_t bb_int(struct btf_builder *b, const char *name, uint32_t size, uint32_t encoding,
		uint32_t bits)
{
	uint32_t id = add_type(b, name, BTF_KIND_INT, 0, size);

	add_word(b, encoding << 24 | bits);
	return id;
}

uint32_t bb_ptr(struct btf_builder *b, uint32_t type)
{
	return add_type(b, NULL, BTF_KIND_PTR, 0, type);
}

uint32_t bb_typedef(struct btf_builder *b, const char *name, uint32_t type)
{
	return add_type(b, name, BTF_KIND_TYPEDEF, 0, type);
}

uint32_t bb_const(struct btf_builder *b, uint32_t type)
{
	return add_type(b, NULL, BTF_KIND_CONST, 0, type);
}

uint32_t bb_fwd(struct btf_builder *b, const char *name)
{
	return add_type(b, name, BTF_KIND_FWD, 0, 0);
}

uint32_t bb_enum(struct btf_builder *b, const char *name, uint32_t size)
{
	uint32_t id = add_type(b, name, BTF_KIND_ENUM, 1, size);

	add_word(b, add_str(b, "ES_TEST_ENUM_VALUE"));
	add_word(b, 0);
	return id;
}

uint32_t bb_struct(struct btf_builder *b, const char *name, uint32_t size)
{
	b->last_struct = b->types_len;
	return add_type(b, name, BTF_KIND_STRUCT, 0, size);
}

uint32_t bb_union(struct btf_builder *b, const char *name, uint32_t size)
{
	b->last_struct = b->types_len;
	return add_type(b, name, BTF_KIND_UNION, 0, size);
}

void bb_member(struct btf_builder *b, const char *name, uint32_t type, uint32_t bit_offset,
	       uint32_t bitfield_size)
{
	uint32_t *info = &b->types[b->last_struct + 1];

	add_word(b, add_str(b, name));
	add_word(b, type);
	if (bitfield_size) {
		*info |= 1u << 31;
		add_word(b, bitfield_size << 24 | bit_offset);
	} else {
		add_word(b, bit_offset);
	}
	*info += 1; /* vlen */
}

uint32_t bb_type_cnt(const struct btf_builder *b)
{
	return b->next_id;
}

uint32_t bb_str_len(const struct btf_builder *b)
{
	return (uint32_t)b->strs_len;
}

size_t bb_finish(const struct btf_builder *b, void *buf, size_t cap)
{
	struct btf_header hdr = {
		.magic = BTF_MAGIC,
		.version = BTF_VERSION,
		.flags = 0,
		.hdr_len = sizeof(hdr),
		.type_off = 0,
		.type_len = (uint32_t)(b->types_len * 4),
		.str_off = (uint32_t)(b->types_len * 4),
		.str_len = (uint32_t)b->strs_len,
	};
	size_t size = sizeof(hdr) + hdr.type_len + hdr.str_len;
	char *p = buf;

	if (b->overflow || size > cap)
		return 0;
	memcpy(p, &hdr, sizeof(hdr));
	memcpy(p + sizeof(hdr), b->types, hdr.type_len);
	memcpy(p + sizeof(hdr) + hdr.type_len, b->strs, hdr.str_len);
	return size;
}

size_t bb_finish_swapped(const struct btf_builder *b, void *buf, size_t cap)
{
	size_t size = bb_finish(b, buf, cap), i;
	struct btf_header *hdr = buf;
	uint32_t *word;

	if (!size)
		return 0;
	/* Every type record field this builder writes is a 32-bit word. */
	word = (uint32_t *)((char *)buf + sizeof(*hdr));
	for (i = 0; i < b->types_len; i++)
		word[i] = __builtin_bswap32(word[i]);
	hdr->magic = __builtin_bswap16(hdr->magic);
	hdr->hdr_len = __builtin_bswap32(hdr->hdr_len);
	hdr->type_off = __builtin_bswap32(hdr->type_off);
	hdr->type_len = __builtin_bswap32(hdr->type_len);
	hdr->str_off = __builtin_bswap32(hdr->str_off);
	hdr->str_len = __builtin_bswap32(hdr->str_len);
	return size;
}
