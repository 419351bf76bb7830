/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The agent's health counters, cumulative since start: the kernel's (the
 * per-CPU STATS map, summed) and the agent's own.
 */
#ifndef EXECSENSOR_STATS_H
#define EXECSENSOR_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "exec_report.h"
#include "execsensor.h"
#include "loader.h"

struct es_agent_stats {
	uint64_t kernel[ES_STAT__MAX]; /* enum es_stat */
	int kernel_read_ok; /* the STATS map could be read */
	uint64_t events; /* exec events written */
	uint64_t ppid_source[ES_PPID_SOURCE__MAX];
	uint64_t fallback_misses; /* /proc fallback tried, no PPid (gone, reused, unreadable) */
	uint64_t parent_exe_unknown; /* exec events with parent_exe null */
	uint64_t fileless_alerts;
	uint64_t fileless_suppressed;
	uint64_t filename_faults; /* exec records whose filename the kernel could not read */
	uint64_t argv_faults; /* exec records whose argv the kernel could not read in full */
	uint64_t results_missing; /* exec events written with ret null */
	uint64_t results_orphaned; /* exit records whose exec record never arrived */
	uint64_t records_dropped; /* records unused: the sum of the three below */
	uint64_t dropped_short; /* shorter than their type's struct (never made by our programs) */
	uint64_t dropped_unknown_type; /* a type this agent does not know */
	uint64_t dropped_no_memory; /* exec records the agent had no memory for: not reported */
	uint64_t records_received; /* every record the ring buffer handed over */
	uint64_t images_received; /* image records (sched_process_exec) handed over */
	uint64_t images_unmatched; /* image records whose exec record never arrived */
	uint64_t images_filename_filled; /* exec events whose filename came from the image */
	uint64_t images_argv_filled; /* exec events whose argv came from the image */
	/* Per loaded program, from the kernel; progs_cnt < 0: they could not be read. */
	struct es_prog_stats progs[ES_PROGS_MAX];
	int progs_cnt;
	bool bpf_stats; /* kernel.bpf_stats_enabled: progs[].run_cnt and run_time_ns count */
	uint64_t
		output_malformed; /* records whose document came out malformed: not written (a bug) */
};

/* Why execs went unreported, from the counters above (docs/events.md, "Accounting"). */
struct es_unreported {
	uint64_t ringbuf_full; /* exec records lost to a full ring buffer */
	uint64_t recursion; /* entry-program runs the kernel skipped (recursion_misses) */
	uint64_t syscall_regs; /* kprobe mode: the syscall's registers were unreadable */
	uint64_t agent_dropped; /* exec records the agent could not keep (out of memory) */
	uint64_t total;
};

/* Sum of every program's recursion_misses (0 when they could not be read). */
uint64_t es_stats_recursion_misses(const struct es_agent_stats *s, bool loses_execs_only);

void es_stats_unreported(const struct es_agent_stats *s, struct es_unreported *out);

/*
 * Every record the kernel did not deliver: failed reservations, runs the
 * kernel skipped, exec records not made (unreadable registers).
 */
uint64_t es_stats_lost(const struct es_agent_stats *s);

#endif /* EXECSENSOR_STATS_H */
