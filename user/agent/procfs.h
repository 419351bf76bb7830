/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Careful readers of /proc/<pid>/status and /proc/<pid>/stat. The process
 * chose its own name (prctl PR_SET_NAME, or the file it ran), so the name
 * may hold any byte but NUL: the parsers anchor on what follows the name,
 * never on what the name contains.
 *
 * Both files of one process are read through one /proc/<pid> directory fd:
 * if the process dies and its pid is reused meanwhile, reads through the old
 * fd fail (ESRCH) instead of describing the new process.
 */
#ifndef EXECSENSOR_PROCFS_H
#define EXECSENSOR_PROCFS_H

#include <stddef.h>
#include <stdint.h>

#define ES_PROCFS_ROOT "/proc"

struct es_procfs_stat {
	uint32_t ppid; /* field 4 */
	uint64_t start_ticks; /* field 22: clock ticks (USER_HZ) after boot */
};

/*
 * The PPid: value from the text of /proc/<pid>/status. The last "\nPPid:"
 * line counts: the only attacker-chosen text, the Name: line, comes before
 * it. 0 or -EINVAL.
 */
int es_procfs_parse_status_ppid(const char *buf, size_t len, uint32_t *ppid);

/* Fields of /proc/<pid>/stat, counted after the LAST ')' (the name may hold ')'). 0 or -EINVAL. */
int es_procfs_parse_stat(const char *buf, size_t len, struct es_procfs_stat *out);

/* A start time in ticks as CLOCK_BOOTTIME ns (the kernel rounds down to the tick). */
uint64_t es_procfs_ticks_to_ns(uint64_t ticks);

/* CLOCK_BOOTTIME ns in ticks, as the kernel counts a start time in /proc/<pid>/stat. */
uint64_t es_procfs_ns_to_ticks(uint64_t ns);

/* Open @root/<pid> as a directory; the fd or -errno (-ENOENT: no such process). */
int es_procfs_open_pid(const char *root, uint32_t pid);

/* Read the file @name below @dirfd into @buf (NUL-terminated); its length or -errno. */
int es_procfs_read(int dirfd, const char *name, char *buf, size_t size);

/* Start time (CLOCK_BOOTTIME ns) of the process of @dirfd; 0 or -errno. */
int es_procfs_start_ns(int dirfd, uint64_t *start_ns);

/*
 * The /proc fallback for an exec at @event_boot_ns: PPid of @pid from its
 * status file, provided the process now at @pid started no later than the
 * exec (otherwise the pid was reused: -ESTALE). 0 or -errno (-ENOENT/-ESRCH
 * when the process is gone, -ESRCH too while it is dying and shows PPid 0).
 */
int es_procfs_ppid(const char *root, uint32_t pid, uint64_t event_boot_ns, uint32_t *ppid);

#endif /* EXECSENSOR_PROCFS_H */
