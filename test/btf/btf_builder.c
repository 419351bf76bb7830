// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Synthetic BTF for tests: see btf_builder.h. Allocation failures abort: tests only. */
#include <byteswap.h>
#include <elf.h>
#include <linux/btf.h>
#include <stdlib.h>
#include <string.h>

#include "btf_builder.h"

static void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size);
	if (!p)
		abort();
	return p;
}

void bb_init(struct bb *b, const struct bb *base)
{
	memset(b, 0, sizeof(*b));
	if (base) {
		b->start_id = base->start_id + base->nr_types;
		b->start_str_off = base->start_str_off + base->strs_len;
	} else {
		b->start_id = 1;
		/* Base BTF: offset 0 is the empty name. */
		b->cap_strs = 64;
		b->strs = xrealloc(NULL, b->cap_strs);
		b->strs[0] = '\0';
		b->strs_len = 1;
	}
}

void bb_free(struct bb *b)
{
	free(b->types);
	free(b->strs);
	memset(b, 0, sizeof(*b));
}

uint32_t bb_str(struct bb *b, const char *s)
{
	size_t len, off;

	/* "" is offset 0, the base's empty name even in split BTF. */
	if (!s || !*s)
		return 0;
	len = strlen(s) + 1;
	for (off = 0; off + len <= b->strs_len; off++)
		if (!memcmp(b->strs + off, s, len) && (off == 0 || !b->strs[off - 1]))
			return b->start_str_off + off;
	if (b->strs_len + len > b->cap_strs) {
		b->cap_strs = (b->strs_len + len) * 2;
		b->strs = xrealloc(b->strs, b->cap_strs);
	}
	off = b->strs_len;
	memcpy(b->strs + off, s, len);
	b->strs_len += len;
	return b->start_str_off + off;
}

void bb_word(struct bb *b, uint32_t w)
{
	if (b->nr_words == b->cap_words) {
		b->cap_words = b->cap_words ? b->cap_words * 2 : 64;
		b->types = xrealloc(b->types, b->cap_words * sizeof(*b->types));
	}
	b->types[b->nr_words++] = w;
}

uint32_t bb_type(struct bb *b, const char *name, uint32_t kind, uint32_t vlen, bool kflag,
		 uint32_t size_or_type)
{
	uint32_t name_off = bb_str(b, name);

	b->last = b->nr_words;
	bb_word(b, name_off);
	bb_word(b, (kflag ? 1u << 31 : 0) | (kind & 0x1f) << 24 | (vlen & 0xffff));
	bb_word(b, size_or_type);
	return b->start_id + b->nr_types++;
}

uint32_t bb_next_id(const struct bb *b)
{
	return b->start_id + b->nr_types;
}

/* One more member/param/value in the last record. */
static void bump_vlen(struct bb *b)
{
	b->types[b->last + 1]++;
}

uint32_t bb_int(struct bb *b, const char *name, uint32_t size, uint32_t encoding, uint32_t bits)
{
	uint32_t id = bb_type(b, name, BTF_KIND_INT, 0, false, size);

	bb_word(b, encoding << 24 | bits);
	return id;
}

uint32_t bb_ref(struct bb *b, uint32_t kind, const char *name, uint32_t type)
{
	return bb_type(b, name, kind, 0, false, type);
}

uint32_t bb_array(struct bb *b, uint32_t elem, uint32_t index, uint32_t nelems)
{
	uint32_t id = bb_type(b, NULL, BTF_KIND_ARRAY, 0, false, 0);

	bb_word(b, elem);
	bb_word(b, index);
	bb_word(b, nelems);
	return id;
}

uint32_t bb_struct(struct bb *b, const char *name, uint32_t size, bool kflag)
{
	return bb_type(b, name, BTF_KIND_STRUCT, 0, kflag, size);
}

uint32_t bb_union(struct bb *b, const char *name, uint32_t size, bool kflag)
{
	return bb_type(b, name, BTF_KIND_UNION, 0, kflag, size);
}

void bb_member(struct bb *b, const char *name, uint32_t type, uint32_t bit_off, uint32_t bitfield)
{
	bb_word(b, bb_str(b, name));
	bb_word(b, type);
	bb_word(b, bitfield << 24 | bit_off);
	bump_vlen(b);
}

uint32_t bb_enum(struct bb *b, const char *name, uint32_t size)
{
	return bb_type(b, name, BTF_KIND_ENUM, 0, false, size);
}

void bb_enum_val(struct bb *b, const char *name, int32_t val)
{
	bb_word(b, bb_str(b, name));
	bb_word(b, (uint32_t)val);
	bump_vlen(b);
}

uint32_t bb_func_proto(struct bb *b, uint32_t ret)
{
	return bb_type(b, NULL, BTF_KIND_FUNC_PROTO, 0, false, ret);
}

void bb_param(struct bb *b, const char *name, uint32_t type)
{
	bb_word(b, bb_str(b, name));
	bb_word(b, type);
	bump_vlen(b);
}

uint32_t bb_func(struct bb *b, const char *name, uint32_t proto)
{
	return bb_type(b, name, BTF_KIND_FUNC, BTF_FUNC_GLOBAL, false, proto);
}

void *bb_blob(const struct bb *b, bool big_endian, size_t *size)
{
	struct btf_header hdr = {
		.magic = BTF_MAGIC,
		.version = BTF_VERSION,
		.hdr_len = sizeof(hdr),
		.type_off = 0,
		.type_len = b->nr_words * 4,
		.str_off = b->nr_words * 4,
		.str_len = b->strs_len,
	};
	uint8_t *blob;
	uint32_t *w;
	size_t i;

	*size = sizeof(hdr) + hdr.type_len + hdr.str_len;
	blob = xrealloc(NULL, *size ? *size : 1);
	if (hdr.type_len)
		memcpy(blob + sizeof(hdr), b->types, hdr.type_len);
	if (hdr.str_len) /* split BTF may have no strings (and no buffer) */
		memcpy(blob + sizeof(hdr) + hdr.type_len, b->strs, hdr.str_len);
	if (big_endian == (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)) {
		hdr.magic = bswap_16(hdr.magic);
		hdr.hdr_len = bswap_32(hdr.hdr_len);
		hdr.type_off = bswap_32(hdr.type_off);
		hdr.type_len = bswap_32(hdr.type_len);
		hdr.str_off = bswap_32(hdr.str_off);
		hdr.str_len = bswap_32(hdr.str_len);
		/* Every field of every record is a 32-bit word. */
		w = (uint32_t *)(blob + sizeof(hdr));
		for (i = 0; i < b->nr_words; i++)
			w[i] = bswap_32(w[i]);
	}
	memcpy(blob, &hdr, sizeof(hdr));
	return blob;
}

/* ELF writer state: the image and its byte order. */
struct elf_out {
	uint8_t *p;
	bool swap;
};

static void put16(struct elf_out *o, size_t off, uint16_t v)
{
	v = o->swap ? bswap_16(v) : v;
	memcpy(o->p + off, &v, 2);
}

static void put32(struct elf_out *o, size_t off, uint32_t v)
{
	v = o->swap ? bswap_32(v) : v;
	memcpy(o->p + off, &v, 4);
}

static void put64(struct elf_out *o, size_t off, uint64_t v)
{
	v = o->swap ? bswap_64(v) : v;
	memcpy(o->p + off, &v, 8);
}

static void put_shdr(struct elf_out *o, size_t off, uint32_t name, uint32_t type, uint64_t data_off,
		     uint64_t size, uint64_t align)
{
	put32(o, off + offsetof(Elf64_Shdr, sh_name), name);
	put32(o, off + offsetof(Elf64_Shdr, sh_type), type);
	put64(o, off + offsetof(Elf64_Shdr, sh_offset), data_off);
	put64(o, off + offsetof(Elf64_Shdr, sh_size), size);
	put64(o, off + offsetof(Elf64_Shdr, sh_addralign), align);
}

/*
 * Layout: ELF header, section data (.BTF or .data, then .shstrtab), section
 * headers [null, .BTF/.data, .shstrtab].
 */
void *bb_elf(const void *blob, size_t blob_size, bool big_endian, enum bb_elf_btf how, size_t *size)
{
	static const char shstrtab[] = "\0.BTF\0.shstrtab\0.data";
	const uint32_t name_btf = 1, name_shstrtab = 6, name_data = 16;
	size_t data_off = sizeof(Elf64_Ehdr), data_size, strtab_off, shdr_off;
	struct elf_out o;
	uint32_t type = SHT_PROGBITS, name = name_btf;

	data_size = how == BB_ELF_EMPTY_BTF || how == BB_ELF_NOBITS_BTF ? 0 : blob_size;
	strtab_off = data_off + data_size;
	shdr_off = (strtab_off + sizeof(shstrtab) + 7) & ~(size_t)7;
	*size = shdr_off + 3 * sizeof(Elf64_Shdr);
	o.p = calloc(1, *size);
	if (!o.p)
		abort();
	o.swap = big_endian == (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__);

	memcpy(o.p, ELFMAG, SELFMAG);
	o.p[EI_CLASS] = ELFCLASS64;
	o.p[EI_DATA] = big_endian ? ELFDATA2MSB : ELFDATA2LSB;
	o.p[EI_VERSION] = EV_CURRENT;
	put16(&o, offsetof(Elf64_Ehdr, e_type), ET_REL);
	put16(&o, offsetof(Elf64_Ehdr, e_machine), big_endian ? EM_S390 : EM_X86_64);
	put32(&o, offsetof(Elf64_Ehdr, e_version), EV_CURRENT);
	put64(&o, offsetof(Elf64_Ehdr, e_shoff), shdr_off);
	put16(&o, offsetof(Elf64_Ehdr, e_ehsize), sizeof(Elf64_Ehdr));
	put16(&o, offsetof(Elf64_Ehdr, e_shentsize), sizeof(Elf64_Shdr));
	put16(&o, offsetof(Elf64_Ehdr, e_shnum), 3);
	put16(&o, offsetof(Elf64_Ehdr, e_shstrndx), 2);

	if (data_size)
		memcpy(o.p + data_off, blob, data_size);
	memcpy(o.p + strtab_off, shstrtab, sizeof(shstrtab));

	if (how == BB_ELF_NO_BTF)
		name = name_data;
	if (how == BB_ELF_NOBITS_BTF) {
		type = SHT_NOBITS;
		data_size = blob_size; /* claims bytes the file does not hold */
	}
	put_shdr(&o, shdr_off + sizeof(Elf64_Shdr), name, type, data_off, data_size, 4);
	put_shdr(&o, shdr_off + 2 * sizeof(Elf64_Shdr), name_shstrtab, SHT_STRTAB, strtab_off,
		 sizeof(shstrtab), 1);
	return o.p;
}
