/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * One exec as the agent reports it: the kernel's exec record, what userspace
 * added (the ppid's source, the parent's exe, the new image), the result
 * from the syscall exit, and the fileless verdict.
 */
#ifndef EXECSENSOR_EXEC_REPORT_H
#define EXECSENSOR_EXEC_REPORT_H

#include <stdint.h>

#include "execsensor.h"
#include "fileless.h"

enum es_ppid_source {
	ES_PPID_SOURCE_KERNEL = 0, /* read in the kernel at exec time */
	ES_PPID_SOURCE_PROCFS, /* /proc/<pid>/status PPid:, read by the agent */
	ES_PPID_SOURCE_UNKNOWN, /* neither: ppid is 0 */
	ES_PPID_SOURCE__MAX,
};

struct es_exec_report {
	struct es_exec_event ev;
	uint32_t ppid;
	enum es_ppid_source ppid_source;
	char *parent_exe; /* malloc'd; NULL when unknown */
	int ret_known; /* 0: the exit record never arrived (lost, or the task died) */
	int64_t ret;
	char *image; /* readlink /proc/<pid>/exe after a successful exec; malloc'd or NULL */
	struct es_fileless_result fileless;
};

/* "kernel", "procfs", "unknown". */
const char *es_ppid_source_name(enum es_ppid_source src);

/* Free a malloc'd report and the strings it owns. */
void es_exec_report_free(struct es_exec_report *r);

#endif /* EXECSENSOR_EXEC_REPORT_H */
