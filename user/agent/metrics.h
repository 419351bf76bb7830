/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The stats as Prometheus metrics, in the text format that node_exporter's
 * textfile collector reads (docs/metrics.md): each stats record's counters
 * as execsensor_*_total, loss by reason as labels, the ring buffer's size
 * and peak use, the attach mode and the offset groups as info metrics, and
 * each program's kernel run time while the kernel's BPF stats are on. Every
 * value comes from the same members the JSON stats record is written from.
 *
 * The file is replaced whole: written as DIR/.NAME.tmp (which the collector,
 * reading only *.prom, never reads), then renamed over DIR/NAME, so a scrape
 * sees the old file or the new one, never a part.
 */
#ifndef EXECSENSOR_METRICS_H
#define EXECSENSOR_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "loader_info.h"
#include "output.h"
#include "stats.h"

struct es_metrics_file {
	char *path; /* DIR/NAME */
	char *tmp; /* DIR/.NAME.tmp */
	uint64_t write_failures; /* writes that failed: the file kept its last content */
};

/*
 * For --metrics-file @path: its directory must exist. 0, -ENOENT or
 * -ENOTDIR (the directory), -EISDIR (@path names no file: "" or ends in
 * '/'), -ENOMEM.
 */
int es_metrics_file_init(struct es_metrics_file *m, const char *path);

/*
 * Replace the file with @s's metrics (@final: the stats record at exit).
 * 0, or -errno of the failure, counted in m->write_failures (the temporary
 * file is removed; the file keeps its last content).
 */
int es_metrics_file_write(struct es_metrics_file *m, const struct es_agent_stats *s, bool final,
			  const struct es_startup_host *host, const struct es_loader_info *info);

void es_metrics_file_free(struct es_metrics_file *m);

#endif /* EXECSENSOR_METRICS_H */
