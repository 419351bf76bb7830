/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Assembles synthetic BTF for the parser's tests and the fuzz corpus: types
 * and strings, either byte order, split over a base, optionally wrapped in
 * a minimal hand-assembled ELF file. Records are added as the kernel lays
 * them out, and raw words can be appended to build malformed ones.
 */
#ifndef EXECSENSOR_BTF_BUILDER_H
#define EXECSENSOR_BTF_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bb {
	uint32_t *types; /* type section as host-order words */
	size_t nr_words, cap_words;
	char *strs;
	size_t strs_len, cap_strs;
	uint32_t start_id; /* first id: 1, or the base's count */
	uint32_t start_str_off; /* 0, or the base's string length */
	uint32_t nr_types;
	size_t last; /* word index of the last record, for vlen updates */
};

/* A base BTF (strings start with ""); for split BTF pass the base's builder. */
void bb_init(struct bb *b, const struct bb *base);
void bb_free(struct bb *b);

/* Offset of @s in the strings, added if new; "" and NULL are offset 0 in base BTF. */
uint32_t bb_str(struct bb *b, const char *s);

/* A record head: name, info, size/type. Returns its id. */
uint32_t bb_type(struct bb *b, const char *name, uint32_t kind, uint32_t vlen, bool kflag,
		 uint32_t size_or_type);
/* One raw word after the last record (trailers, or garbage). */
void bb_word(struct bb *b, uint32_t w);

uint32_t bb_int(struct bb *b, const char *name, uint32_t size, uint32_t encoding, uint32_t bits);
uint32_t bb_ref(struct bb *b, uint32_t kind, const char *name,
		uint32_t type); /* PTR, TYPEDEF, ... */
uint32_t bb_array(struct bb *b, uint32_t elem, uint32_t index, uint32_t nelems);
uint32_t bb_struct(struct bb *b, const char *name, uint32_t size, bool kflag);
uint32_t bb_union(struct bb *b, const char *name, uint32_t size, bool kflag);
/* Member of the last struct/union; @bitfield only for kflag structs. */
void bb_member(struct bb *b, const char *name, uint32_t type, uint32_t bit_off, uint32_t bitfield);
uint32_t bb_enum(struct bb *b, const char *name, uint32_t size);
void bb_enum_val(struct bb *b, const char *name, int32_t val);
uint32_t bb_func_proto(struct bb *b, uint32_t ret);
void bb_param(struct bb *b, const char *name, uint32_t type);
uint32_t bb_func(struct bb *b, const char *name, uint32_t proto);

/* The next id bb_type() would return. */
uint32_t bb_next_id(const struct bb *b);

/* The BTF blob (header, types, strings), big-endian if asked. Caller frees. */
void *bb_blob(const struct bb *b, bool big_endian, size_t *size);

enum bb_elf_btf {
	BB_ELF_BTF, /* .BTF PROGBITS with the blob */
	BB_ELF_NO_BTF, /* no .BTF section at all */
	BB_ELF_EMPTY_BTF, /* .BTF of size 0 */
	BB_ELF_NOBITS_BTF, /* .BTF SHT_NOBITS claiming the blob's size */
};

/* A minimal ELF64 relocatable file around @blob, in the given byte order. Caller frees. */
void *bb_elf(const void *blob, size_t blob_size, bool big_endian, enum bb_elf_btf how,
	     size_t *size);

#endif /* EXECSENSOR_BTF_BUILDER_H */
