// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parent_cache.h"
#include "procfs.h"
#include "walltime.h"

int es_parent_cache_init(struct es_parent_cache *cache, const char *proc_root)
{
	memset(cache, 0, sizeof(*cache));
	cache->proc_root = proc_root;
	cache->slots = calloc(ES_PARENT_CACHE_SLOTS, sizeof(*cache->slots));
	return cache->slots ? 0 : -ENOMEM;
}

void es_parent_cache_free(struct es_parent_cache *cache)
{
	size_t i;

	for (i = 0; cache->slots && i < ES_PARENT_CACHE_SLOTS; i++)
		free(cache->slots[i].exe);
	free(cache->slots);
	cache->slots = NULL;
}

static struct es_parent_cache_entry *slot_of(struct es_parent_cache *cache, uint32_t pid)
{
	return &cache->slots[pid & (ES_PARENT_CACHE_SLOTS - 1)];
}

/* The cached answer when the entry provably describes the parent at @event_ns. */
static const char *cached_for(struct es_parent_cache_entry *e, uint32_t ppid, uint64_t event_ns)
{
	if (e->pid != ppid || e->start_ns > event_ns || event_ns > e->alive_ns)
		return NULL;
	return e->exe;
}

/*
 * Fill @e for the process of @dirfd (@pid, started at @start_ns, alive at
 * @now): its exe as @exe says (the kernel's, at its exec), else as /proc.
 */
static const char *remember(struct es_parent_cache *cache, struct es_parent_cache_entry *e,
			    int dirfd, uint32_t pid, uint64_t start_ns, uint64_t now,
			    const char *exe)
{
	char link[PATH_MAX];
	ssize_t n;

	cache->stats.lookups++;
	e->pid = pid;
	e->start_ns = start_ns;
	e->alive_ns = now;
	if (!exe) {
		n = readlinkat(dirfd, "exe", link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = '\0';
			exe = link;
		}
	}
	free(e->exe);
	e->exe = exe ? strdup(exe) : NULL; /* no memory: unknown, as an unreadable link */
	return e->exe;
}

const char *es_parent_cache_exe(struct es_parent_cache *cache, uint32_t ppid,
				uint64_t event_boot_ns)
{
	struct es_parent_cache_entry *e = slot_of(cache, ppid);
	uint64_t start_ns, now;
	const char *exe;
	int dirfd;

	if (ppid == 0)
		goto unknown;
	dirfd = es_procfs_open_pid(cache->proc_root, ppid);
	if (dirfd < 0)
		goto gone;
	/* Read the time before the start time: V must not claim more than was seen. */
	now = es_boottime_ns();
	if (es_procfs_start_ns(dirfd, &start_ns)) {
		close(dirfd);
		goto gone;
	}
	if (start_ns > event_boot_ns) {
		/* The pid was reused after the exec: the parent we want is gone. */
		close(dirfd);
		goto gone;
	}
	if (e->pid == ppid && e->start_ns == start_ns) {
		close(dirfd);
		e->alive_ns = now > e->alive_ns ? now : e->alive_ns;
		cache->stats.hits++;
		if (!e->exe)
			goto unknown;
		return e->exe;
	}
	exe = remember(cache, e, dirfd, ppid, start_ns, now, NULL);
	close(dirfd);
	if (!exe)
		goto unknown;
	return exe;
gone:
	if (cached_for(e, ppid, event_boot_ns)) {
		cache->stats.hits++;
		return e->exe;
	}
unknown:
	cache->stats.unknown++;
	return NULL;
}

const char *es_parent_cache_learn(struct es_parent_cache *cache, uint32_t pid, const char *exe)
{
	struct es_parent_cache_entry *e = slot_of(cache, pid);
	const char *known = NULL;
	uint64_t start_ns, now;
	int dirfd;

	dirfd = es_procfs_open_pid(cache->proc_root, pid);
	if (dirfd < 0)
		return NULL;
	now = es_boottime_ns();
	if (!es_procfs_start_ns(dirfd, &start_ns))
		known = remember(cache, e, dirfd, pid, start_ns, now, exe);
	close(dirfd);
	return known;
}

void es_parent_cache_forget(struct es_parent_cache *cache, uint32_t pid)
{
	struct es_parent_cache_entry *e = slot_of(cache, pid);

	if (e->pid == pid)
		e->pid = 0;
}
