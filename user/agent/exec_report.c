// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdlib.h>

#include "exec_report.h"

const char *es_ppid_source_name(enum es_ppid_source src)
{
	switch (src) {
	case ES_PPID_SOURCE_KERNEL:
		return "kernel";
	case ES_PPID_SOURCE_PROCFS:
		return "procfs";
	default:
		return "unknown";
	}
}

void es_exec_report_free(struct es_exec_report *r)
{
	if (!r)
		return;
	free(r->parent_exe);
	free(r->image);
	free(r);
}
