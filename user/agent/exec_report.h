/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * One exec as the agent reports it: the kernel's record (a checked view into
 * the ring buffer, valid while the record is being handled) and what
 * userspace added: the ppid's source, the parent's exe, the exe's path, the
 * fileless verdict.
 */
#ifndef EXECSENSOR_EXEC_REPORT_H
#define EXECSENSOR_EXEC_REPORT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "container.h"
#include "execsensor.h"
#include "fileless.h"
#include "proc_table.h"
#include "record.h"

#define ES_ANCESTORS_MAX     64 /* --ancestors at most */
#define ES_ANCESTORS_DEFAULT 8

enum es_ppid_source {
	ES_PPID_SOURCE_KERNEL = 0, /* read in the kernel at exec time */
	ES_PPID_SOURCE_PROCFS, /* /proc/<pid>/status PPid:, read by the agent */
	ES_PPID_SOURCE_UNKNOWN, /* neither: ppid is 0 */
	ES_PPID_SOURCE_FORK, /* the kernel's fork record of the process (no TASK_OFFSETS) */
	ES_PPID_SOURCE__MAX,
};

/* The new image's file, from the record's exe (absent: known is false). */
struct es_exe {
	bool known;
	char path[PATH_MAX]; /* absolute, as from the root of its mount namespace */
	uint64_t ino;
	uint64_t dev; /* as stat()'s st_dev */
	uint32_t nlink;
	bool memfd;
	bool truncated; /* the path is its last components only */
};

/* A process's start, from the process table (CLOCK_BOOTTIME: with the pid, its identity). */
struct es_proc_start {
	bool known;
	uint64_t boot_ns;
	int64_t wall_ns; /* the same instant in wall time, for the reporter */
};

struct es_exec_report {
	struct es_exec_view view;
	uint32_t ppid;
	enum es_ppid_source ppid_source;
	const char *parent_exe; /* NULL when unknown; valid while the report is */
	struct es_exe exe;
	struct es_fileless_result fileless;
	char tty[ES_TTY_NAME_MAX + 1]; /* "pts/3" (as ps shows it); "" without one or unknown */
	const char *cgroup_path; /* from cgroupfs by the record's cgroup id; NULL when unknown */
	struct es_container container; /* runtime NULL outside containers */
	struct es_proc_start start, parent_start; /* the process's and its parent's, when known */
	/* From the parent upwards (the process table), at most --ancestors. */
	struct es_ancestor ancestors[ES_ANCESTORS_MAX];
	size_t ancestors_cnt;
};

/* A fork or exit, as the agent reports it (--events fork,exit). */
struct es_lineage_report {
	uint32_t type; /* ES_RECORD_FORK or ES_RECORD_EXIT */
	uint32_t pid;
	uint32_t ppid; /* fork: the forking process; exit: the parent, 0 when unknown */
	uint64_t time_ns;
	const char *exe; /* fork: inherited from the parent; exit: the last; NULL unknown */
	bool maybe_thread; /* fork without TASK_OFFSETS */
	bool status_known; /* exit: exit_code is the wait status */
	int32_t exit_code;
	struct es_proc_start start, parent_start; /* the process's and its parent's, when known */
};

/* "kernel", "procfs", "unknown", "fork". */
const char *es_ppid_source_name(enum es_ppid_source src);

/*
 * The terminal's name as ps and /dev show it ("pts/3") from the kernel's
 * ("pts3"), into @out (@size bytes); "" when the record has none.
 */
void es_tty_name(const struct es_exec_context *ctx, char *out, size_t size);

/* Whether argv is not all of it: cut, unreadable in part, or absent. */
bool es_argv_truncated(const struct es_exec_view *view);

/* An exit's exit(2) status into *code: false when it has none (killed, or unknown). */
bool es_lineage_exit_code(const struct es_lineage_report *r, int *code);

/* The signal that killed the process into *sig: false when none did, or unknown. */
bool es_lineage_signal(const struct es_lineage_report *r, int *sig);

/* @exe from the record's exe fields and path components. */
void es_exe_from_view(const struct es_exec_view *view, struct es_exe *exe);

#endif /* EXECSENSOR_EXEC_REPORT_H */
