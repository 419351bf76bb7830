/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The offset groups as the loader uses them: one descriptor row each, beside
 * the group's row in the offset table (user/offsets: its fields, map name
 * and key count). The row says which skeleton map the group fills, the
 * option that turns it off, what it needs of another group, what a refuted
 * group drops from a record, and how the self-test judges it. The map
 * writer, the lifecycle's switches, the delivery's scrub and the self-test
 * walk these rows; none names a group.
 */
#ifndef EXECSENSOR_GROUPS_H
#define EXECSENSOR_GROUPS_H

#include <stdbool.h>
#include <stddef.h>

#include "offsets.h"
#include "record.h"

/* The option that turns a group off on request. */
enum es_group_switch {
	ES_SWITCH_NONE = 0,
	ES_SWITCH_KERNEL_PPID, /* --no-kernel-ppid (es_loader_opts.no_kernel_ppid) */
	ES_SWITCH_CONTEXT, /* --no-context */
	ES_SWITCH_LINEAGE, /* --no-lineage */
};

struct es_selftest_child;
struct es_selftest_expect;
struct es_selftest_verdict;

/* The self-test's judgement of group @id from the child's records (selftest_judge.c). */
typedef void (*es_selftest_check_fn)(const struct es_selftest_child *c,
				     const struct es_selftest_expect *e,
				     struct es_selftest_verdict *v, enum es_offset_group_id id);

struct es_loader_group {
	size_t skel_map; /* offsetof its struct bpf_map * in struct execsensor_bpf */
	enum es_group_switch off_by;
	/* Off when TASK_OFFSETS are, saying this; NULL: it needs no other group. */
	const char *needs_task;
	/*
	 * What a refuted group takes out of a record made with it (scrub.c):
	 * true when the record carried any of it.
	 */
	bool (*scrub)(struct es_record *r);
	es_selftest_check_fn check;
};

extern const struct es_loader_group es_loader_groups[ES_OFFSET_GROUP__MAX];

#endif /* EXECSENSOR_GROUPS_H */
