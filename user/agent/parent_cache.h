/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The parent's executable (readlink /proc/<ppid>/exe), cached per parent.
 *
 * Pid reuse: an entry remembers the parent's start time S and the last time
 * V it was seen alive with that start time. A process alive at V that started
 * at S held its pid during all of [S, V], so for an exec at time E with
 * S <= E <= V the cached exe belongs to the real parent even when that
 * parent has exited since. Anything else is looked up again, or is unknown.
 * An exec by the parent itself (it changes its exe) drops its entry.
 */
#ifndef EXECSENSOR_PARENT_CACHE_H
#define EXECSENSOR_PARENT_CACHE_H

#include <stdint.h>

#define ES_PARENT_CACHE_SLOTS 4096 /* a power of two */

struct es_parent_cache_entry {
	uint32_t pid; /* 0: empty */
	uint64_t start_ns; /* S */
	uint64_t alive_ns; /* V */
	char *exe; /* allocated (PATH_MAX per slot was 16 MiB); NULL: unknown */
};

struct es_parent_cache_stats {
	uint64_t hits;
	uint64_t lookups; /* readlinks done */
	uint64_t unknown; /* no exe could be given */
};

struct es_parent_cache {
	const char *proc_root;
	struct es_parent_cache_stats stats;
	struct es_parent_cache_entry *slots; /* direct-mapped by pid */
};

/* 0 or -ENOMEM. @proc_root is "/proc" except in tests. */
int es_parent_cache_init(struct es_parent_cache *cache, const char *proc_root);
void es_parent_cache_free(struct es_parent_cache *cache);

/*
 * The exe of @ppid for an exec at @event_boot_ns, or NULL when it cannot be
 * known (gone, unreadable, pid reused). The string stays valid until the
 * next call.
 */
const char *es_parent_cache_exe(struct es_parent_cache *cache, uint32_t ppid,
				uint64_t event_boot_ns);

/*
 * @pid has just exec'd successfully: keep its new exe (@exe, the kernel's,
 * or read now when NULL), so that its children's execs find it even after
 * @pid exits (the records of one ring-buffer batch were all written before
 * the batch is read, so "now" covers them). Returns the exe, valid until the
 * next call, or NULL (@pid is gone already: its start time is unknown).
 */
const char *es_parent_cache_learn(struct es_parent_cache *cache, uint32_t pid, const char *exe);

/* @pid execs: its exe is about to change. */
void es_parent_cache_forget(struct es_parent_cache *cache, uint32_t pid);

#endif /* EXECSENSOR_PARENT_CACHE_H */
