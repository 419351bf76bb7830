/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The process table: every process the agent knows, with its parent and
 * its exe, so that an exec's parent and ancestors are known even after they
 * exited. Seeded from /proc at start, then kept by the kernel's fork, exec
 * and exit records.
 *
 * A process is (pid, start): pids are reused, start times (CLOCK_BOOTTIME
 * ns: the fork record's, or /proc's start time, to the tick) are not, so an
 * entry names its parent by both and a reused pid never inherits an old
 * entry. A fork record stamped with the child's own start time (the
 * kernel's start_boottime) is exactly what /proc's start time counts in
 * ticks: a process the seed read from /proc before its fork record came is
 * recognised as the same. An entry goes once its process has exited and no
 * entry names it as parent; at ES_PROC_TABLE_MAX entries the oldest exited
 * one is evicted.
 */
#ifndef EXECSENSOR_PROC_TABLE_H
#define EXECSENSOR_PROC_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ES_PROC_TABLE_MAX     65536 /* entries kept at most */
#define ES_PROC_TABLE_BUCKETS 16384 /* a power of two */

struct es_proc {
	uint32_t pid;
	uint32_t ppid; /* 0: unknown */
	uint64_t start_ns;
	uint64_t pstart_ns; /* the parent's start: with ppid, its identity */
	uint64_t exit_ns; /* when exited */
	uint64_t seen_ns; /* its latest fork or exec: it lived then */
	char *exe; /* NULL: unknown */
	uint32_t children; /* entries naming this one as parent */
	bool exited;
	bool seeded; /* from /proc at start: start_ns to the tick */
	bool from_fork; /* born after the start: ppid from its fork record */
	bool execed; /* an exec record came for it */
	uint8_t manager; /* the fileless gate's judgement (enum es_fileless_manager); 0: none yet */
	bool maybe_thread; /* from a fork record that could not tell a thread (no TASK_OFFSETS) */
	struct es_proc *next; /* in its bucket */
	struct es_proc *older, *newer; /* in the exited list, oldest first */
};

struct es_proc_table_stats {
	uint64_t entries; /* now */
	uint64_t seeded; /* from /proc at start */
	uint64_t forks, exits; /* records applied */
	uint64_t removed; /* gone after their exit */
	uint64_t evicted; /* dropped at the cap, their exit written or not */
	uint64_t full; /* inserts refused: every entry a live process */
};

struct es_proc_table {
	struct es_proc *buckets[ES_PROC_TABLE_BUCKETS];
	struct es_proc *oldest_exited, *newest_exited;
	size_t max;
	struct es_proc_table_stats stats;
};

/* One ancestor of an exec, as es_proc_table_ancestors() gives it. */
struct es_ancestor {
	uint32_t pid;
	uint64_t start_ns;
	const char *exe; /* NULL: unknown; valid until the table changes */
	int64_t start_wall_ns; /* not set here: for the reporter's clock */
};

/* Empty, holding at most @max entries (0: ES_PROC_TABLE_MAX). 0 or -ENOMEM. */
int es_proc_table_init(struct es_proc_table **t, size_t max);
void es_proc_table_free(struct es_proc_table *t);

/*
 * Every process of @proc_root ("/proc") not already known: pid, ppid, start
 * time and exe. Entries the records made first are kept. The count added.
 */
size_t es_proc_table_seed(struct es_proc_table *t, const char *proc_root);

/* The process @pid as it was at @at_ns: started then or before, not exited before. */
struct es_proc *es_proc_table_find(struct es_proc_table *t, uint32_t pid, uint64_t at_ns);

/*
 * The process @pid that has not exited, the newest if there are several:
 * the one an exit record of @pid ends, as records come in order (an exit
 * after its process's fork, before the pid's reuse).
 */
struct es_proc *es_proc_table_live(struct es_proc_table *t, uint32_t pid);

/* @e's parent entry, or NULL. */
struct es_proc *es_proc_table_parent(struct es_proc_table *t, const struct es_proc *e);

/* es_proc_table_fork()'s @flags. */
#define ES_PROC_FORK_MAYBE_THREAD 0x1 /* the kernel could not tell a thread */
#define ES_PROC_FORK_START_EXACT  0x2 /* @time_ns is the child's start_boottime */

/*
 * A fork record: @pid was born of @ppid at @time_ns, with its parent's exe
 * until it execs. Returns its entry, or NULL when the table is full.
 */
struct es_proc *es_proc_table_fork(struct es_proc_table *t, uint32_t pid, uint32_t ppid,
				   uint64_t time_ns, unsigned int flags);

/*
 * An exec of @pid at @time_ns whose new exe is @exe (NULL: unknown). A
 * process not in the table (older than the agent and missed by the seed)
 * is added with @ppid. Returns its entry, or NULL when the table is full.
 */
struct es_proc *es_proc_table_exec(struct es_proc_table *t, uint32_t pid, uint32_t ppid,
				   uint64_t time_ns, const char *exe);

/*
 * An exit record: the process of entry @e (es_proc_table_live(); NULL when
 * the table has none, only counted) ended at @time_ns.
 */
void es_proc_table_exit(struct es_proc_table *t, struct es_proc *e, uint64_t time_ns);

/* A thread @tid exited: an entry its fork made, thinking it a process, goes. */
void es_proc_table_thread_exit(struct es_proc_table *t, uint32_t tid);

/*
 * @e and its ancestors upwards, to pid 1 or the first unknown one, at most
 * @max into @out. Their number.
 */
size_t es_proc_table_ancestors(struct es_proc_table *t, const struct es_proc *e,
			       struct es_ancestor *out, size_t max);

#endif /* EXECSENSOR_PROC_TABLE_H */
