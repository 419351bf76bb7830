/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The path of a cgroup v2 id (bpf_get_current_cgroup_id(): the cgroup
 * directory's inode number on cgroupfs), under the cgroup v2 root:
 * "/system.slice/docker-<id>.scope". Found by file handle on the cgroup2
 * mount (kernfs encodes the id in its handles: open_by_handle_at() needs
 * CAP_DAC_READ_SEARCH), else by walking the tree for the directory with that
 * inode number, and cached: an id names one cgroup for the cgroup's whole
 * life (kernfs ids are not reused on 64-bit), so an entry never goes stale.
 * An id not found is cached as unknown too: a cgroup that existed at the exec
 * and is gone by the lookup (a short-lived scope) cannot come back.
 */
#ifndef EXECSENSOR_CGROUP_PATH_H
#define EXECSENSOR_CGROUP_PATH_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#define ES_CGROUP_PATHS_SLOTS 1024 /* a power of two */

struct es_cgroup_path_entry {
	uint64_t id; /* 0: empty */
	char *path; /* allocated (paths are short; PATH_MAX per slot was 4 MiB); NULL: unknown */
};

struct es_cgroup_paths_stats {
	uint64_t hits;
	uint64_t lookups; /* ids looked up on cgroupfs */
	uint64_t by_handle; /* found by file handle */
	uint64_t by_walk; /* found by walking the tree */
	uint64_t unknown; /* not found: removed since, or no cgroup v2 mount */
};

struct es_cgroup_paths {
	char mount[PATH_MAX]; /* the cgroup2 mount point; "" when there is none */
	int mount_fd; /* open on it, for open_by_handle_at(); -1 */
	bool handles; /* open_by_handle_at() worked or may still */
	struct es_cgroup_paths_stats stats;
	struct es_cgroup_path_entry *slots; /* direct-mapped by id */
};

/*
 * Find the cgroup2 mount in @root/proc/self/mountinfo (@root "" on a real
 * host, a fixture directory in tests, whose mount points are then taken
 * under @root too). 0, or -ENOMEM; no cgroup2 mount is not an error
 * (every path is then unknown).
 */
int es_cgroup_paths_init(struct es_cgroup_paths *c, const char *root);
void es_cgroup_paths_free(struct es_cgroup_paths *c);

/* The path of cgroup @id, valid until the next call, or NULL (unknown). */
const char *es_cgroup_path(struct es_cgroup_paths *c, uint64_t id);

#endif /* EXECSENSOR_CGROUP_PATH_H */
