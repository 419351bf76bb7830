/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The offset table: the kernel fields the sensor reads, the map and key each
 * is written to, and the type each must have. One table serves the loader,
 * execsensor-offsets and the docs. Nothing here ever guesses an offset: a
 * field that is missing, a bitfield, or of the wrong type is unresolved,
 * its value is 0 and its reason says why.
 */
#ifndef EXECSENSOR_OFFSETS_H
#define EXECSENSOR_OFFSETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "btf.h"
#include "execsensor.h"

enum es_offset_expect {
	ES_EXPECT_PTR_TO_STRUCT, /* a pointer to struct expect_name */
	ES_EXPECT_INT, /* an integer of expect_size bytes */
	ES_EXPECT_PTR_TO_INT, /* a pointer to integers of expect_size bytes (a string: 1) */
	ES_EXPECT_STRUCT, /* a struct expect_name, inside the outer one */
	ES_EXPECT_NAMED, /* declared as type expect_name, of expect_size bytes (kernel_cap_t) */
	ES_EXPECT_CHARS, /* an array of at least expect_size 1-byte integers (a name) */
	ES_EXPECT_ARRAY_OF_STRUCT, /* an array of struct expect_name */
	/* An array of struct expect_name: the value is its stride (element size), not an offset. */
	ES_EXPECT_STRIDE,
};

/*
 * The offset groups: each is one BPF array map of __u32 byte offsets, keyed
 * by its enum in kern/execsensor.h, that the BPF side follows for one
 * capability. A group is used whole or not at all: one unresolved field
 * turns it off, with that field's reason, and what it serves is absent from
 * the records (never guessed).
 */
enum es_offset_group_id {
	ES_OFFSET_GROUP_TASK = 0, /* TASK_OFFSETS: the parent, read in the kernel */
	ES_OFFSET_GROUP_EXEC, /* EXEC_OFFSETS: the new image's argv */
	ES_OFFSET_GROUP_EXE, /* EXE_OFFSETS: the new image's file: path, inode, device */
	ES_OFFSET_GROUP_EXIT, /* EXIT_OFFSETS: a process's last thread, and its exit status */
	ES_OFFSET_GROUP_CRED, /* CRED_OFFSETS: the new image's credentials and capabilities */
	ES_OFFSET_GROUP_AUDIT, /* AUDIT_OFFSETS: the audit login uid and session */
	ES_OFFSET_GROUP_TTY, /* TTY_OFFSETS: the controlling terminal */
	ES_OFFSET_GROUP_NS, /* NS_OFFSETS: the namespaces but the pid one */
	ES_OFFSET_GROUP_PIDNS, /* PIDNS_OFFSETS: the pid namespace and the pid in it */
	ES_OFFSET_GROUP_FORK, /* FORK_OFFSETS: a new process's start time, without a clock read */
	ES_OFFSET_GROUP__MAX,
};

/* The most keys a group's map has. */
#define ES_OFFSET_GROUP_KEYS_MAX 16

struct es_offset_group {
	const char *map; /* the BPF map it fills: "TASK_OFFSETS" */
	const char *serves; /* what records lose without it: "the kernel ppid" */
	uint32_t nkeys; /* the map's entries; every key has exactly one table field */
};

extern const struct es_offset_group es_offset_groups[ES_OFFSET_GROUP__MAX];

struct es_offset_field {
	const char *path; /* dotted path: "task_struct.real_parent" */
	enum es_offset_group_id group; /* the map the offset is written to */
	uint32_t key; /* key in that map (enum es_task_offset, enum es_exec_offset) */
	enum es_offset_expect expect;
	const char *expect_name; /* ES_EXPECT_PTR_TO_STRUCT: the pointee struct's name */
	uint32_t expect_size; /* ES_EXPECT_INT: size in bytes */
	/* At offset 0 of its struct is fine: the group's other keys say whether it is on. */
	bool zero_ok;
};

extern const struct es_offset_field es_offset_fields[];
extern const size_t es_offset_fields_cnt;

/* At least es_offset_fields_cnt, a constant to size arrays by (one field a key of every map). */
#define ES_OFFSET_FIELDS_MAX (ES_OFFSET_GROUP__MAX * ES_OFFSET_GROUP_KEYS_MAX)

/* The name of the map @field is written to: "TASK_OFFSETS". */
const char *es_offset_field_map(const struct es_offset_field *field);

/*
 * Why es_offset_resolve() refused a field the lookup did find. A failed
 * lookup returns its negative enum es_btf_error instead; these follow those
 * values so that one int says which.
 */
enum es_offset_error {
	ES_OFFSET_ERR_BITFIELD = ES_BTF_ERR__MAX + 1, /* the member is a bitfield */
	ES_OFFSET_ERR_UNALIGNED, /* the member does not start on a byte */
	ES_OFFSET_ERR_TYPE, /* the member's type is not the expected one */
	ES_OFFSET_ERR_ZERO, /* offset 0, which the map cannot express */
};

/* One resolved (or unresolved) field. */
struct es_offset {
	const struct es_offset_field *field; /* NULL for an ad-hoc path */
	const char *path;
	int resolved; /* 1 when value may be used */
	int found; /* 1 when the lookup found the member (info valid) */
	uint32_t value; /* byte offset to write to the map; 0 when unresolved */
	struct es_btf_member_info info; /* what the lookup found; zeroed when it failed */
	char reason[ES_BTF_MSG_MAX]; /* why unresolved; empty when resolved */
};

/*
 * Resolve one table field: the lookup, then the type check. Returns 0 when
 * resolved; otherwise a negative code, with out->value 0 and out->reason set.
 */
int es_offset_resolve(const struct es_btf *btf, const struct es_offset_field *field,
		      struct es_offset *out);

/*
 * Resolve an ad-hoc dotted path: the lookup only, no type expectation, so a
 * bitfield or a member at offset 0 resolves (nothing is written to a map).
 * out->path points at @path, which must outlive @out.
 */
int es_offset_resolve_path(const struct es_btf *btf, const char *path, struct es_offset *out);

/*
 * Resolve the whole table into out[0..es_offset_fields_cnt-1], in table
 * order. Returns the number of unresolved fields (0 when all may be used).
 */
size_t es_offsets_resolve_table(const struct es_btf *btf, struct es_offset *out);

/* An offset group resolved for one kernel: what its map is to hold, and why. */
struct es_offset_group_state {
	const struct es_offset_group *group;
	/* By key: the field's lookup, type check, value and reason. */
	struct es_offset fields[ES_OFFSET_GROUP_KEYS_MAX];
	/* What the map is to hold: the resolved values, or 0 everywhere when off. */
	uint32_t values[ES_OFFSET_GROUP_KEYS_MAX];
	int enabled; /* every field resolved, and nothing turned the group off */
	char reason[ES_BTF_MSG_MAX + 64]; /* why not enabled; "" when it is */
};

/*
 * Resolve every group from @btf into out[ES_OFFSET_GROUP__MAX]: each field
 * through es_offset_resolve(); a group with an unresolved field is off, its
 * reason naming the first such field.
 */
void es_offset_groups_resolve(const struct es_btf *btf, struct es_offset_group_state *out);

/*
 * Every group off without a lookup (no BTF could be read): each field's and
 * each group's reason is "@why".
 */
void es_offset_groups_unresolved(const char *why, struct es_offset_group_state *out);

/*
 * Turn @g off: its values become 0 and its reason says why; the fields keep
 * what their lookup found, for the report.
 */
void es_offset_group_disable(struct es_offset_group_state *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The table field with this dotted path, or NULL when it is not in the table. */
const struct es_offset_field *es_offset_field_find(const char *path);

/* What @field must be, in words: "a pointer to struct task_struct", "a 4-byte integer". */
void es_offset_expect_describe(const struct es_offset_field *field, char *buf, size_t size);

#endif /* EXECSENSOR_OFFSETS_H */
