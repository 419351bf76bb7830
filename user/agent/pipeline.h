/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The agent's pipeline: ring-buffer records in, reports out. Each exec or
 * failure record (one per exec, whole: kern/execsensor.h) is checked, given
 * its ppid (the kernel's, else its fork record's, else /proc's), its
 * parent's exe and its ancestors (the process table, which the fork, exec
 * and exit records keep), judged by the fileless rule and written to the
 * output as it arrives; every record is counted in the stats.
 *
 * It knows nothing of BPF: records come from es_loader_poll() in the agent,
 * and from synthetic buffers in the tests.
 */
#ifndef EXECSENSOR_PIPELINE_H
#define EXECSENSOR_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fileless.h"
#include "output.h"
#include "parent_cache.h"
#include "cgroup_path.h"
#include "proc_table.h"
#include "record.h"
#include "stats.h"
#include "walltime.h"

struct es_pipeline {
	struct es_output *out;
	const struct es_fileless_allowlist *allow;
	const char *proc_root; /* "/proc" except in tests */
	/* false after a failed self-test: a kernel ppid may come from the refuted offsets */
	bool trust_kernel_ppid;
	struct es_clock clock;
	struct es_parent_cache parents; /* the parent's exe where the table has none */
	struct es_cgroup_paths cgroups; /* the exec's cgroup path, by its id */
	struct es_proc_table *procs;
	bool lineage; /* fork and exit records come: the table is kept (else left empty) */
	size_t ancestors_max; /* --ancestors: 0..ES_ANCESTORS_MAX */
	bool report_fork, report_exit; /* --events fork,exit */
	struct es_agent_stats stats;
};

/*
 * Ready to take records, writing to @out with the fileless rule's @allow
 * (both must outlive the pipeline). 0 or -ENOMEM.
 */
int es_pipeline_init(struct es_pipeline *p, struct es_output *out,
		     const struct es_fileless_allowlist *allow, const char *proc_root);

/* Every process already running into the process table (after attach: no gap). */
void es_pipeline_seed(struct es_pipeline *p);

/* One record, parsed and finished by the loader (es_record_fn's): by its kind. */
void es_pipeline_record(struct es_pipeline *p, const struct es_record *rec);

/* After each batch: resample the wall clock (NTP steps show in the events after). */
void es_pipeline_tick(struct es_pipeline *p);

/* The wall time of a CLOCK_BOOTTIME stamp, as the pipeline's clock gives it. */
int64_t es_pipeline_wall_ns(const struct es_pipeline *p, uint64_t boot_ns);

void es_pipeline_free(struct es_pipeline *p);

#endif /* EXECSENSOR_PIPELINE_H */
