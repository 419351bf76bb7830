/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * execsensor's BTF reader: opens kernel BTF (raw, or a .BTF ELF section),
 * validates it completely, and resolves struct member offsets by dotted path.
 *
 * The input is untrusted: every open validates the whole blob before any
 * lookup may use it, and every failure has its own error code and a message
 * naming what was wrong and where.
 *
 * All functions returning int return 0 on success and a negative
 * enum es_btf_error code on failure.
 */
#ifndef EXECSENSOR_BTF_H
#define EXECSENSOR_BTF_H

#include <stddef.h>
#include <stdint.h>

struct es_btf;

/* Every distinct way an open or a lookup can fail. Values are negated on return. */
enum es_btf_error {
	ES_BTF_ERR_NOMEM = 1, /* allocation failed */
	ES_BTF_ERR_IO, /* open/stat/mmap/read of the file failed (errno kept) */
	ES_BTF_ERR_NOT_BTF, /* neither BTF magic nor an ELF file */
	ES_BTF_ERR_HDR_TRUNCATED, /* fewer bytes than the header claims or needs */
	ES_BTF_ERR_HDR_VERSION, /* version != 1 */
	ES_BTF_ERR_HDR_FLAGS, /* flags != 0 */
	ES_BTF_ERR_HDR_LEN, /* hdr_len < 24 or > size, or unknown trailing header bytes set */
	ES_BTF_ERR_SECTION_BOUNDS, /* type or string section outside the data */
	ES_BTF_ERR_SECTION_ALIGN, /* type section not 4-byte aligned */
	ES_BTF_ERR_SECTION_OVERLAP, /* type and string sections overlap */
	ES_BTF_ERR_STR_NOT_NUL, /* string section not NUL-terminated, or base BTF's first byte not NUL */
	ES_BTF_ERR_NAME_OFF, /* a name offset outside the string section */
	ES_BTF_ERR_KIND, /* unknown kind */
	ES_BTF_ERR_TYPE_TRUNCATED, /* a record (with its vlen trailer) runs past the type section */
	ES_BTF_ERR_TYPE_TRAILING, /* the type walk does not end exactly at the section end */
	ES_BTF_ERR_TYPE_ID, /* a referenced type id does not exist */
	ES_BTF_ERR_TYPE_INVALID, /* a record's fields are inconsistent (e.g. INT encoding, vlen on a kind without one) */
	ES_BTF_ERR_MEMBER_OFFSET, /* a member lies outside its struct, or a union member not at 0 */
	ES_BTF_ERR_LOOP, /* typedef/modifier/pointer chain or anonymous nesting deeper than the limit */
	ES_BTF_ERR_ELF, /* libelf could not read the ELF file */
	ES_BTF_ERR_ELF_NO_BTF, /* ELF without a .BTF section */
	ES_BTF_ERR_ELF_EMPTY, /* .BTF section empty or SHT_NOBITS */
	ES_BTF_ERR_ENDIAN_MISMATCH, /* .BTF byte order differs from the ELF's */
	ES_BTF_ERR_BASE, /* split BTF without a base, or base inconsistent with it */
	ES_BTF_ERR_PATH, /* malformed dotted path */
	ES_BTF_ERR_NO_STRUCT, /* no struct or union with that name */
	ES_BTF_ERR_AMBIGUOUS, /* several structs share the name and disagree on the member */
	ES_BTF_ERR_NO_MEMBER, /* the struct has no member of that name */
	ES_BTF_ERR_NOT_COMPOSITE, /* a path component descends into something that is not a struct/union */
	ES_BTF_ERR__MAX,
};

/* Longest C spelling of a type that es_btf_member_lookup() reports ("struct task_struct *"). */
#define ES_BTF_TYPE_NAME_MAX 128
/* Longest error message, including its NUL. */
#define ES_BTF_MSG_MAX 256

/* Where a failure is explained. Any function taking one may be passed NULL. */
struct es_btf_diag {
	int code; /* negative enum es_btf_error, 0 when fine */
	char msg[ES_BTF_MSG_MAX]; /* "type [1234] STRUCT 'foo': member 3 'bar' offset 96 past size 8" */
};

/*
 * Open BTF from bytes owned by the caller; they must stay valid and unchanged
 * until es_btf_free(). Raw BTF of either byte order is accepted, and so is an
 * ELF image with a .BTF section (told apart by content, as for files). @base
 * is the vmlinux BTF when @data is split BTF (a module's), else NULL. The
 * caller's bytes are never written: foreign-endian BTF is swapped in a copy.
 */
int es_btf_open_mem(const void *data, size_t size, const struct es_btf *base, struct es_btf **out,
		    struct es_btf_diag *diag);

/*
 * Open BTF from a file: raw BTF (such as /sys/kernel/btf/vmlinux, mapped, not
 * copied) or an ELF file with a .BTF section (vmlinux, a .ko, a BPF object).
 * The format is detected from the content, not the name.
 */
int es_btf_open_file(const char *path, const struct es_btf *base, struct es_btf **out,
		     struct es_btf_diag *diag);

void es_btf_free(struct es_btf *btf);

/* Stable text for an error code (negative or positive): "string section not NUL-terminated". */
const char *es_btf_strerror(int code);

/* Number of type ids, including the base's and the void type 0. */
uint32_t es_btf_type_cnt(const struct es_btf *btf);

/* Whether the file was the other byte order from the host. */
int es_btf_is_swapped(const struct es_btf *btf);

/* What a dotted-path lookup found. */
struct es_btf_member_info {
	uint32_t offset; /* byte offset from the start of the outermost struct */
	uint32_t bit_offset; /* offset in bits from the start of the outermost struct */
	uint32_t bit_size; /* bitfield width in bits; 0 when not a bitfield */
	uint32_t size; /* size in bytes of the member's resolved type */
	uint32_t type_id; /* the member's type, through typedefs and modifiers */
	uint32_t kind; /* BTF_KIND_* of type_id */
	/*
	 * For kind PTR: the pointee through typedefs and modifiers; for ARRAY:
	 * the element type (its stride is target_size); else 0.
	 */
	uint32_t target_id;
	uint32_t target_kind;
	uint32_t
		target_size; /* the pointee's or element's size in bytes; 0 when neither, or unsized */
	/* The member's declared type in C: "pid_t", "struct task_struct *". */
	char type_name[ES_BTF_TYPE_NAME_MAX];
	/* Resolved pointee's (PTR) or element's (ARRAY) name ("task_struct"), else the type's. */
	char target_name[ES_BTF_TYPE_NAME_MAX];
	/* For INT: BTF_INT_SIGNED etc. from the encoding; else 0. */
	uint32_t int_encoding;
};

/*
 * Resolve "struct.member[.member...]" (e.g. "task_struct.real_parent",
 * "dentry.d_name.name"): finds the struct or union by name, descends through
 * anonymous struct/union members adding their offsets, and through named
 * struct/union members for further components. Several structs of the same
 * name that agree on the result are fine; disagreeing ones are
 * ES_BTF_ERR_AMBIGUOUS.
 */
int es_btf_member_lookup(const struct es_btf *btf, const char *path,
			 struct es_btf_member_info *info, struct es_btf_diag *diag);

#endif /* EXECSENSOR_BTF_H */
