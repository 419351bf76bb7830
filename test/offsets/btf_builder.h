/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A tiny writer of raw BTF (host byte order) for the offset-table tests:
 * just the kinds a task_struct layout needs. Written from the format in the
 * kernel's Documentation/bpf/btf.rst, independently of the parser under test.
 */
#ifndef EXECSENSOR_TEST_BTF_BUILDER_H
#define EXECSENSOR_TEST_BTF_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#define BB_TYPES_MAX 8192
#define BB_STRS_MAX  4096

struct btf_builder {
	uint32_t types[BB_TYPES_MAX / 4];
	size_t types_len; /* in 32-bit words */
	char strs[BB_STRS_MAX];
	size_t strs_len;
	uint32_t next_id; /* id of the next type added */
	uint32_t str_base; /* split BTF: the base's string section length */
	size_t last_struct; /* word index of the struct members are added to */
	int overflow; /* a buffer was too small: bb_finish() fails */
};

/* Base BTF: ids start at 1, strings at 0 (with the empty name first). */
void bb_init(struct btf_builder *b);
/* Split BTF over a base with @base_type_cnt types (void included) and @base_str_len string bytes. */
void bb_init_split(struct btf_builder *b, uint32_t base_type_cnt, uint32_t base_str_len);

uint32_t bb_int(struct btf_builder *b, const char *name, uint32_t size, uint32_t encoding,
		uint32_t bits);
uint32_t bb_ptr(struct btf_builder *b, uint32_t type);
uint32_t bb_typedef(struct btf_builder *b, const char *name, uint32_t type);
uint32_t bb_const(struct btf_builder *b, uint32_t type);
uint32_t bb_fwd(struct btf_builder *b, const char *name);
/* An enum with one value, 0. */
uint32_t bb_enum(struct btf_builder *b, const char *name, uint32_t size);

/* A struct (or union) whose members follow with bb_member(). name NULL: anonymous. */
uint32_t bb_struct(struct btf_builder *b, const char *name, uint32_t size);
uint32_t bb_union(struct btf_builder *b, const char *name, uint32_t size);
/*
 * A member of the last struct at @bit_offset. @bitfield_size non-zero sets
 * the struct's kflag and encodes size << 24 | offset, as the kernel does.
 */
void bb_member(struct btf_builder *b, const char *name, uint32_t type, uint32_t bit_offset,
	       uint32_t bitfield_size);

/* Number of types so far, counting void (and the base's, for split BTF). */
uint32_t bb_type_cnt(const struct btf_builder *b);
/* Length of the string section so far. */
uint32_t bb_str_len(const struct btf_builder *b);

/* Writes header + types + strings into buf; returns the size, or 0 if it does not fit. */
size_t bb_finish(const struct btf_builder *b, void *buf, size_t cap);
/* The same in the other byte order (a big-endian target's BTF on a little-endian host). */
size_t bb_finish_swapped(const struct btf_builder *b, void *buf, size_t cap);

#endif /* EXECSENSOR_TEST_BTF_BUILDER_H */
