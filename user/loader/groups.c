// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The offset groups' descriptors (groups.h), and the switches that turn a
 * group off: a request, a test's override, another group it needs.
 */
#include <string.h>

#include "execsensor.skel.h"
#include "groups.h"
#include "loader_internal.h"
#include "scrub.h"

#define SKEL_MAP(name) offsetof(struct execsensor_bpf, maps.name)

const struct es_loader_group es_loader_groups[ES_OFFSET_GROUP__MAX] = {
	[ES_OFFSET_GROUP_TASK] = { SKEL_MAP(TASK_OFFSETS), ES_SWITCH_KERNEL_PPID, NULL,
				   es_scrub_kernel_ppid, es_selftest_check_task },
	[ES_OFFSET_GROUP_EXEC] = { SKEL_MAP(EXEC_OFFSETS), ES_SWITCH_NONE, NULL,
				   es_scrub_image_argv, es_selftest_check_argv },
	[ES_OFFSET_GROUP_EXE] = { SKEL_MAP(EXE_OFFSETS), ES_SWITCH_NONE, NULL, es_scrub_exe,
				  es_selftest_check_exe },
	[ES_OFFSET_GROUP_EXIT] = { SKEL_MAP(EXIT_OFFSETS), ES_SWITCH_LINEAGE, NULL,
				   es_scrub_exit_code, es_selftest_check_exit },
	[ES_OFFSET_GROUP_CRED] = { SKEL_MAP(CRED_OFFSETS), ES_SWITCH_CONTEXT, NULL, es_scrub_creds,
				   es_selftest_check_context },
	[ES_OFFSET_GROUP_AUDIT] = { SKEL_MAP(AUDIT_OFFSETS), ES_SWITCH_CONTEXT, NULL,
				    es_scrub_audit, es_selftest_check_context },
	[ES_OFFSET_GROUP_TTY] = { SKEL_MAP(TTY_OFFSETS), ES_SWITCH_CONTEXT, NULL, es_scrub_tty,
				  es_selftest_check_context },
	[ES_OFFSET_GROUP_NS] = { SKEL_MAP(NS_OFFSETS), ES_SWITCH_CONTEXT, NULL, es_scrub_ns,
				 es_selftest_check_context },
	[ES_OFFSET_GROUP_PIDNS] = { SKEL_MAP(PIDNS_OFFSETS), ES_SWITCH_CONTEXT, NULL,
				    es_scrub_pidns, es_selftest_check_context },
	/* raw_sched_fork tells a process from a thread by TASK_OFFSETS' tgid. */
	[ES_OFFSET_GROUP_FORK] = { SKEL_MAP(FORK_OFFSETS), ES_SWITCH_LINEAGE,
				   "TASK_OFFSETS off: fork records are stamped with the clock",
				   es_scrub_fork_time, es_selftest_check_fork },
};

/* Whether @sw was asked for, and what a group it turns off says then. */
static const char *requested(const struct es_loader_opts *opts, enum es_group_switch sw)
{
	switch (sw) {
	case ES_SWITCH_KERNEL_PPID:
		return opts->no_kernel_ppid ? "disabled on request (--no-kernel-ppid)" : NULL;
	case ES_SWITCH_CONTEXT:
		return opts->no_context ? "exec context off on request (--no-context)" : NULL;
	case ES_SWITCH_LINEAGE:
		return opts->no_lineage ? "lineage off on request (--no-lineage)" : NULL;
	default:
		return NULL;
	}
}

/* Tests: a group's map gets the given values; zeros turn it off. */
static void override(struct es_offset_group_state *g, const uint32_t *values)
{
	uint32_t key;

	memcpy(g->values, values, g->group->nkeys * sizeof(*values));
	g->enabled = 1;
	g->reason[0] = '\0';
	for (key = 0; key < g->group->nkeys; key++) {
		if (!values[key])
			es_offset_group_disable(g, "%s overridden with 0", g->group->map);
	}
}

void es_loader_groups_switch(struct es_loader *l)
{
	struct es_offset_group_state *groups = l->info.groups;
	const char *why;
	size_t i;

	for (i = 0; i < ES_OFFSET_GROUP__MAX; i++) {
		why = requested(&l->opts, es_loader_groups[i].off_by);
		if (why)
			es_offset_group_disable(&groups[i], "%s", why);
		if (l->opts.override_offsets[i])
			override(&groups[i], l->opts.override_offsets[i]);
	}
	for (i = 0; i < ES_OFFSET_GROUP__MAX; i++) {
		why = es_loader_groups[i].needs_task;
		if (why && groups[i].enabled && !groups[ES_OFFSET_GROUP_TASK].enabled)
			es_offset_group_disable(&groups[i], "%s", why);
	}
}
