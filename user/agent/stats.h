/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The agent's health counters, cumulative since start: the kernel's (the
 * per-CPU STATS map, summed; each program's bpf_prog_info) and the agent's
 * own. docs/events.md ("Accounting") says how they add up.
 */
#ifndef EXECSENSOR_STATS_H
#define EXECSENSOR_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "cgroup_path.h"
#include "exec_report.h"
#include "execsensor.h"
#include "loader_info.h"
#include "proc_table.h"

struct es_agent_stats {
	uint64_t kernel[ES_STAT__MAX]; /* enum es_stat */
	int kernel_read_ok; /* the STATS map could be read */
	uint64_t events; /* exec events written: successful and failed execs */
	uint64_t failures; /* of them, failed execs (ret < 0) */
	uint64_t path_misses; /* PATH-search misses folded into events */
	uint64_t ppid_source[ES_PPID_SOURCE__MAX];
	uint64_t fallback_misses; /* /proc fallback tried, no PPid (gone, reused, unreadable) */
	uint64_t parent_exe_unknown; /* exec events with parent_exe null */
	uint64_t exe_unknown; /* successful execs whose exe is null */
	uint64_t fileless_alerts;
	uint64_t fileless_suppressed;
	uint64_t filename_faults; /* records whose filename could not be read */
	uint64_t argv_faults; /* records whose argv could not be read in full */
	uint64_t records_dropped; /* records unused: the sum of the two below */
	uint64_t dropped_malformed; /* too short, or lengths that disagree with its size */
	uint64_t dropped_unknown_type; /* a type this agent does not know */
	uint64_t records_received; /* every record the ring buffer handed over */
	uint64_t
		output_malformed; /* records whose document came out malformed: not written (a bug) */
	uint64_t output_reopens; /* SIGHUPs that reopened --output */
	uint64_t output_reopen_failures; /* SIGHUPs whose reopen failed (the old file kept) */
	uint64_t metrics_write_failures; /* --metrics-file writes that failed */
	uint64_t ringbuf_peak_used; /* the most bytes the ring buffer held when read */
	uint64_t fork_records, exit_records; /* fork and exit records applied to the table */
	uint64_t fork_events, exit_events; /* written (--events) */
	const struct es_proc_table_stats *procs; /* the process table's; NULL: none */
	const struct es_cgroup_paths_stats *cgroups; /* the cgroup path cache's; NULL: none */
	/* Per loaded program, from the kernel; progs_cnt < 0: they could not be read. */
	struct es_prog_stats progs[ES_PROGS_MAX];
	int progs_cnt;
	bool bpf_stats; /* kernel.bpf_stats_enabled: progs[].run_cnt and run_time_ns count */
};

/* Why execs went unreported, from the counters above. */
struct es_unreported {
	uint64_t ringbuf_full; /* exec and failure records lost to a full ring buffer */
	uint64_t recursion; /* runs of exec-record-making programs the kernel skipped */
	uint64_t agent_dropped; /* records the agent could not use */
	uint64_t total;
};

/*
 * Sum of recursion_misses over the programs whose skipped run loses any of
 * @loses (ES_PROG_LOSES_*), each program once (0 when they could not be read).
 */
uint64_t es_stats_recursion_misses(const struct es_agent_stats *s, unsigned int loses);

void es_stats_unreported(const struct es_agent_stats *s, struct es_unreported *out);

/*
 * Every record the kernel did not deliver: failed reservations, and runs
 * of record-making programs the kernel skipped (exec, fork and exit records).
 */
uint64_t es_stats_lost(const struct es_agent_stats *s);

#endif /* EXECSENSOR_STATS_H */
