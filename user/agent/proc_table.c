// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock_ns.h"
#include "proc_table.h"
#include "procfs.h"

int es_proc_table_init(struct es_proc_table **t, size_t max)
{
	*t = calloc(1, sizeof(**t));
	if (!*t)
		return -ENOMEM;
	(*t)->max = max ? max : ES_PROC_TABLE_MAX;
	return 0;
}

void es_proc_table_free(struct es_proc_table *t)
{
	struct es_proc *e, *next;
	size_t i;

	if (!t)
		return;
	for (i = 0; i < ES_PROC_TABLE_BUCKETS; i++) {
		for (e = t->buckets[i]; e; e = next) {
			next = e->next;
			free(e->exe);
			free(e);
		}
	}
	free(t);
}

static struct es_proc **bucket(struct es_proc_table *t, uint32_t pid)
{
	return &t->buckets[pid & (ES_PROC_TABLE_BUCKETS - 1)];
}

static struct es_proc *find_exact(struct es_proc_table *t, uint32_t pid, uint64_t start_ns)
{
	struct es_proc *e;

	for (e = *bucket(t, pid); e; e = e->next) {
		if (e->pid == pid && e->start_ns == start_ns)
			return e;
	}
	return NULL;
}

struct es_proc *es_proc_table_find(struct es_proc_table *t, uint32_t pid, uint64_t at_ns)
{
	struct es_proc *e, *best = NULL;

	for (e = *bucket(t, pid); e; e = e->next) {
		if (e->pid != pid || e->start_ns > at_ns || (e->exited && e->exit_ns < at_ns))
			continue;
		if (!best || e->start_ns > best->start_ns)
			best = e;
	}
	return best;
}

struct es_proc *es_proc_table_live(struct es_proc_table *t, uint32_t pid)
{
	struct es_proc *e, *best = NULL;

	for (e = *bucket(t, pid); e; e = e->next) {
		if (e->pid == pid && !e->exited && (!best || e->start_ns > best->start_ns))
			best = e;
	}
	return best;
}

struct es_proc *es_proc_table_parent(struct es_proc_table *t, const struct es_proc *e)
{
	if (!e->ppid)
		return NULL;
	if (e->pstart_ns)
		return find_exact(t, e->ppid, e->pstart_ns);
	return es_proc_table_find(t, e->ppid, e->start_ns);
}

static void exited_unlink(struct es_proc_table *t, struct es_proc *e)
{
	if (e->older)
		e->older->newer = e->newer;
	else if (t->oldest_exited == e)
		t->oldest_exited = e->newer;
	if (e->newer)
		e->newer->older = e->older;
	else if (t->newest_exited == e)
		t->newest_exited = e->older;
	e->older = e->newer = NULL;
}

/* Out of the table; its parent, if it has no other reason to stay, goes too. */
static void release(struct es_proc_table *t, struct es_proc *e)
{
	struct es_proc **p, *parent;

	while (e) {
		parent = e->pstart_ns ? find_exact(t, e->ppid, e->pstart_ns) : NULL;
		for (p = bucket(t, e->pid); *p; p = &(*p)->next) {
			if (*p == e) {
				*p = e->next;
				break;
			}
		}
		exited_unlink(t, e);
		free(e->exe);
		free(e);
		t->stats.entries--;
		e = NULL;
		if (parent && parent->children && !--parent->children && parent->exited) {
			t->stats.removed++;
			e = parent;
		}
	}
}

/* A new entry, making room at the cap by evicting the oldest exited one. */
static struct es_proc *insert(struct es_proc_table *t, uint32_t pid, uint64_t start_ns)
{
	struct es_proc *e, **b;

	if (t->stats.entries >= t->max) {
		if (!t->oldest_exited) {
			t->stats.full++;
			return NULL;
		}
		t->stats.evicted++;
		release(t, t->oldest_exited);
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		t->stats.full++;
		return NULL;
	}
	e->pid = pid;
	e->start_ns = start_ns;
	e->seen_ns = start_ns;
	b = bucket(t, pid);
	e->next = *b;
	*b = e;
	t->stats.entries++;
	return e;
}

/* @e no longer names its parent, which goes if that kept it. */
static void unlink_parent(struct es_proc_table *t, struct es_proc *e)
{
	struct es_proc *parent = e->pstart_ns ? find_exact(t, e->ppid, e->pstart_ns) : NULL;

	e->ppid = 0;
	e->pstart_ns = 0;
	if (parent && parent->children && !--parent->children && parent->exited) {
		t->stats.removed++;
		release(t, parent);
	}
}

/* @e's parent is @ppid as it was at @at, @e's start. */
static void link_parent(struct es_proc_table *t, struct es_proc *e, uint32_t ppid, uint64_t at)
{
	struct es_proc *parent = ppid ? es_proc_table_find(t, ppid, at) : NULL;

	e->ppid = ppid;
	if (!parent || parent == e)
		return;
	e->pstart_ns = parent->start_ns;
	parent->children++;
}

static void seen_at(struct es_proc *e, uint64_t time_ns)
{
	if (time_ns > e->seen_ns)
		e->seen_ns = time_ns;
}

static void set_exe(struct es_proc *e, const char *exe)
{
	char *copy = exe ? strdup(exe) : NULL;

	free(e->exe);
	e->exe = copy;
}

static void mark_exited(struct es_proc_table *t, struct es_proc *e, uint64_t time_ns)
{
	if (e->exited)
		return;
	e->exited = true;
	e->exit_ns = time_ns;
	if (!e->children) {
		t->stats.removed++;
		release(t, e);
		return;
	}
	e->older = t->newest_exited;
	if (t->newest_exited)
		t->newest_exited->newer = e;
	else
		t->oldest_exited = e;
	t->newest_exited = e;
}

/*
 * @e, seeded from /proc, is the process a fork record stamped with its exact
 * start (@start_ns) tells of: /proc counts that start in whole ticks.
 */
static bool seeded_as(const struct es_proc *e, uint64_t start_ns)
{
	return e->seeded && !e->exited &&
	       es_procfs_ticks_to_ns(es_procfs_ns_to_ticks(start_ns)) == e->start_ns;
}

struct es_proc *es_proc_table_fork(struct es_proc_table *t, uint32_t pid, uint32_t ppid,
				   uint64_t time_ns, unsigned int flags)
{
	struct es_proc *old = es_proc_table_find(t, pid, time_ns), *e, *parent;

	t->stats.forks++;
	if (old && (flags & ES_PROC_FORK_START_EXACT) && seeded_as(old, time_ns)) {
		/* Seen by the seed before its record came: the forker is its true parent. */
		e = old;
		if (e->ppid != ppid) {
			unlink_parent(t, e);
			link_parent(t, e, ppid, time_ns);
		}
		seen_at(e, time_ns);
	} else {
		/* A live entry under a pid the kernel gives again: its exit was lost. */
		if (old)
			mark_exited(t, old, time_ns);
		e = insert(t, pid, time_ns);
		if (!e)
			return NULL;
		link_parent(t, e, ppid, time_ns);
		parent = es_proc_table_parent(t, e);
		if (parent)
			set_exe(e, parent->exe);
	}
	e->from_fork = true;
	e->maybe_thread = flags & ES_PROC_FORK_MAYBE_THREAD;
	return e;
}

struct es_proc *es_proc_table_exec(struct es_proc_table *t, uint32_t pid, uint32_t ppid,
				   uint64_t time_ns, const char *exe)
{
	struct es_proc *e = es_proc_table_find(t, pid, time_ns);

	if (!e) {
		e = insert(t, pid, time_ns);
		if (!e)
			return NULL;
		link_parent(t, e, ppid, time_ns);
	}
	e->maybe_thread = false;
	e->execed = true;
	e->manager = 0; /* the new image's, judged anew */
	seen_at(e, time_ns);
	set_exe(e, exe);
	return e;
}

void es_proc_table_exit(struct es_proc_table *t, struct es_proc *e, uint64_t time_ns)
{
	t->stats.exits++;
	if (e)
		mark_exited(t, e, time_ns);
}

void es_proc_table_thread_exit(struct es_proc_table *t, uint32_t tid)
{
	struct es_proc *e;

	for (e = *bucket(t, tid); e; e = e->next) {
		if (e->pid == tid && e->maybe_thread && !e->exited && !e->children) {
			release(t, e);
			return;
		}
	}
}

size_t es_proc_table_ancestors(struct es_proc_table *t, const struct es_proc *e,
			       struct es_ancestor *out, size_t max)
{
	size_t n = 0;

	for (; e && n < max; e = e->pid == 1 ? NULL : es_proc_table_parent(t, e)) {
		out[n].pid = e->pid;
		out[n].start_ns = e->start_ns;
		out[n].exe = e->exe;
		n++;
	}
	return n;
}

/* One /proc/<pid> into the table, unless the records know it already; 1 if added. */
static int seed_one(struct es_proc_table *t, const char *root, uint32_t pid, uint64_t now)
{
	char buf[1024], exe[PATH_MAX];
	struct es_procfs_stat st;
	struct es_proc *e;
	int dirfd, n;
	ssize_t len;

	if (es_proc_table_find(t, pid, now))
		return 0;
	dirfd = es_procfs_open_pid(root, pid);
	if (dirfd < 0)
		return 0;
	n = es_procfs_read(dirfd, "stat", buf, sizeof(buf));
	len = readlinkat(dirfd, "exe", exe, sizeof(exe) - 1);
	close(dirfd);
	if (n < 0 || es_procfs_parse_stat(buf, (size_t)n, &st))
		return 0;
	e = insert(t, pid, es_procfs_ticks_to_ns(st.start_ticks));
	if (!e)
		return 0;
	e->seeded = true;
	e->ppid = st.ppid; /* linked once every process is in */
	if (len > 0) {
		exe[len] = '\0';
		set_exe(e, exe);
	}
	return 1;
}

static bool is_pid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return false;
	}
	return true;
}

size_t es_proc_table_seed(struct es_proc_table *t, const char *proc_root)
{
	uint64_t now = (uint64_t)es_clock_ns(CLOCK_BOOTTIME);
	struct es_proc *e;
	struct dirent *de;
	size_t added = 0, i;
	DIR *dir;

	dir = opendir(proc_root);
	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		if (is_pid_name(de->d_name))
			added += seed_one(t, proc_root, (uint32_t)strtoul(de->d_name, NULL, 10),
					  now);
	}
	closedir(dir);
	/* Parents now: a child's directory may come before its parent's. */
	for (i = 0; i < ES_PROC_TABLE_BUCKETS; i++) {
		for (e = t->buckets[i]; e; e = e->next) {
			if (!e->from_fork && e->ppid && !e->pstart_ns)
				link_parent(t, e, e->ppid, e->start_ns);
		}
	}
	t->stats.seeded += added;
	return added;
}
