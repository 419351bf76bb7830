/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The loader's state, shared by its files, each one job: loader.c the
 * lifecycle (load, attach, detach, destroy), deliver.c the records (the ring
 * callback, the self-test's queue, each record finished and handed on),
 * selftest_run.c the self-test run and what the loader does with its
 * verdict, clock_pair.c the exit records' clock, loader_stats.c the kernel's
 * counters, log.c the failure and log lines; groups.c the offset groups'
 * descriptors they walk.
 */
#ifndef EXECSENSOR_LOADER_INTERNAL_H
#define EXECSENSOR_LOADER_INTERNAL_H

#include <bpf/libbpf.h>

#include "clock_ns.h"
#include "jiffies.h"
#include "loader.h"
#include "ring_use.h"
#include "selftest.h"

/* A record copied and parsed while the self-test owns the ring buffer. */
struct es_backlog_record {
	struct es_backlog_record *next;
	struct es_record rec; /* its views point into data */
	unsigned char data[] __attribute__((aligned(8)));
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
};

/* CLOCK_MONOTONIC in ms: the loader's deadlines. */
static inline long long es_now_ms(void)
{
	return es_clock_ns(CLOCK_MONOTONIC) / 1000000;
}

/* log.c: the last failure, as es_loader_error() gives it; returns @err (negative) or -EINVAL. */
int es_loader_fail(struct es_loader *l, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* One line to opts.log (else stderr, prefixed). */
void es_loader_log(struct es_loader *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* snprintf() into a reason, whose cut is intended. */
void es_reasonf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* groups.c: the requests (--no-*), the tests' overrides, what a group needs of another. */
void es_loader_groups_switch(struct es_loader *l);

/* offset_maps.c: write @values (the group's nkeys entries) to group @id's map. 0 or -errno. */
int es_offset_map_write(struct execsensor_bpf *skel, enum es_offset_group_id id,
			const uint32_t *values);

/*
 * The map's size is the group's key count: the object and the table agree.
 * 0, or -EPROTO naming the map in @why.
 */
int es_offset_map_check(struct execsensor_bpf *skel, enum es_offset_group_id id, char *why,
			size_t why_size);

/* deliver.c: the ring buffer opened, its records to the callback. 0 or -errno (said). */
int es_deliver_open(struct es_loader *l);
/* The ring buffer closed, and what the self-test queued freed. */
void es_deliver_close(struct es_loader *l);
/* Read the ring buffer once (the self-test's loop): its records queued, as it runs. */
int es_deliver_read(struct es_loader *l, int timeout_ms);

/* selftest_run.c: the self-test run, and each refuted group rewritten as 0. 0 or -errno. */
int es_loader_selftest(struct es_loader *l);

/* clock_pair.c: with lineage, the exit records' clock before any record goes. 0 or -errno. */
int es_clock_pair_start(struct es_loader *l);
/* One more pair (a better phase); failure is no loss. */
void es_clock_pair_learn(struct es_loader *l);

#endif /* EXECSENSOR_LOADER_INTERNAL_H */
