/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The loader's state and the offset groups' maps, shared by loader.c and offset_maps.c only. */
#ifndef EXECSENSOR_LOADER_INTERNAL_H
#define EXECSENSOR_LOADER_INTERNAL_H

#include <bpf/libbpf.h>

#include "jiffies.h"
#include "loader.h"
#include "ring_use.h"
#include "selftest.h"

/* A record copied while the self-test owns the ring buffer. */
struct es_backlog_record {
	struct es_backlog_record *next;
	size_t size;
	unsigned char data[];
};

/* Attach order: thread exit, entries, the exec record, exits; detached in reverse. */
enum es_link {
	ES_LINK_SCHED_EXIT,
	ES_LINK_SCHED_FORK_RAW,
	ES_LINK_SCHED_FORK,
	ES_LINK_ENTER_EXECVE,
	ES_LINK_ENTER_EXECVEAT,
	ES_LINK_SCHED_EXEC,
	ES_LINK_EXIT_EXECVE,
	ES_LINK_EXIT_EXECVEAT,
	ES_LINKS_MAX,
};

struct es_loader {
	struct es_loader_opts opts;
	struct es_loader_info info;
	struct execsensor_bpf *skel;
	struct ring_buffer *rb;
	struct es_ring_use ring_use; /* how full the ring buffer was when read */
	struct bpf_link *links[ES_LINKS_MAX];
	char error[512];

	/* The self-test: its child, whose records are noted while all are queued. */
	bool selftest_running;
	struct es_selftest_child child;
	struct es_backlog_record *backlog, **backlog_tail;
	/* A refuted group: every record made with it loses its values from here on. */
	bool scrub[ES_OFFSET_GROUP__MAX];
	/* Exit records' jiffies as times, from the clock_pair program's pairs (lineage). */
	struct es_jiffies jiffies;
	/* The copy a scrub works on, aligned as the ring buffer aligns records. */
	unsigned char scratch[ES_RECORD_MAX] __attribute__((aligned(8)));
};

/* Write @values (the group's nkeys entries) to group @id's map. 0 or -errno. */
int es_offset_map_write(struct execsensor_bpf *skel, enum es_offset_group_id id,
			const uint32_t *values);

/*
 * The map's size is the group's key count: the object and the table agree.
 * 0, or -EPROTO naming the map in @why.
 */
int es_offset_map_check(struct execsensor_bpf *skel, enum es_offset_group_id id, char *why,
			size_t why_size);

/*
 * Drop group @id's values from @copy, a record made with its offsets (the
 * ring buffer is mapped read-only: callers pass a copy). Returns the
 * record's size after (smaller when strings went), or 0 when it carried none.
 */
size_t es_offset_map_scrub(enum es_offset_group_id id, void *copy, size_t size);

#endif /* EXECSENSOR_LOADER_INTERNAL_H */
