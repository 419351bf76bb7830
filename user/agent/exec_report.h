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

#include "execsensor.h"
#include "fileless.h"
#include "record.h"

enum es_ppid_source {
	ES_PPID_SOURCE_KERNEL = 0, /* read in the kernel at exec time */
	ES_PPID_SOURCE_PROCFS, /* /proc/<pid>/status PPid:, read by the agent */
	ES_PPID_SOURCE_UNKNOWN, /* neither: ppid is 0 */
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

struct es_exec_report {
	struct es_exec_view view;
	uint32_t ppid;
	enum es_ppid_source ppid_source;
	const char *parent_exe; /* NULL when unknown; valid while the report is */
	struct es_exe exe;
	struct es_fileless_result fileless;
};

/* "kernel", "procfs", "unknown". */
const char *es_ppid_source_name(enum es_ppid_source src);

/* @exe from the record's exe fields and path components. */
void es_exe_from_view(const struct es_exec_view *view, struct es_exe *exe);

#endif /* EXECSENSOR_EXEC_REPORT_H */
