/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The agent's health counters, cumulative since start: the kernel's (the
 * per-CPU STATS map, summed) and the agent's own.
 */
#ifndef EXECSENSOR_STATS_H
#define EXECSENSOR_STATS_H

#include <stdint.h>

#include "exec_report.h"
#include "execsensor.h"

struct es_agent_stats {
	uint64_t kernel[ES_STAT__MAX]; /* enum es_stat */
	int kernel_read_ok; /* the STATS map could be read */
	uint64_t events; /* exec events written */
	uint64_t ppid_source[PPID_SOURCE__MAX];
	uint64_t fallback_misses; /* /proc fallback tried, no PPid (gone, reused, unreadable) */
	uint64_t parent_exe_unknown; /* exec events with parent_exe null */
	uint64_t fileless_alerts;
	uint64_t fileless_suppressed;
	uint64_t filename_faults; /* exec records whose filename the kernel could not read */
	uint64_t argv_faults; /* exec records whose argv the kernel could not read in full */
	uint64_t results_missing; /* exec events written with ret null */
	uint64_t results_orphaned; /* exit records whose exec record never arrived */
	uint64_t records_dropped; /* records unused: too short, unknown type, or out of memory */
	uint64_t records_received; /* every record the ring buffer handed over */
	uint64_t images_received; /* image records (sched_process_exec) handed over */
	uint64_t images_unmatched; /* image records whose exec record never arrived */
	uint64_t images_filename_filled; /* exec events whose filename came from the image */
	uint64_t images_argv_filled; /* exec events whose argv came from the image */
};

#endif /* EXECSENSOR_STATS_H */
