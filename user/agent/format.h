/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The record formats, each writing one record to a stream: JSON lines
 * (format_json.c, through the checked writer) and text columns
 * (format_text.c). Used by output.c only, which writes into memory and keeps
 * a record only if its function returned 0.
 */
#ifndef EXECSENSOR_FORMAT_H
#define EXECSENSOR_FORMAT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "exec_report.h"
#include "loader.h"
#include "output.h"
#include "stats.h"

/* Each returns 0, or -EINVAL when the document came out malformed (a bug). */
int es_format_json_exec(FILE *f, const struct es_exec_report *r, int64_t wall_ns);
int es_format_json_lineage(FILE *f, const struct es_lineage_report *r, int64_t wall_ns);
int es_format_json_startup(FILE *f, const struct es_startup_host *host,
			   const struct es_loader_info *info, int64_t wall_ns);
int es_format_json_stats(FILE *f, const struct es_agent_stats *s, bool final, int64_t wall_ns);

/* @header_done: the column header was written; the first exec writes it. */
void es_format_text_exec(FILE *f, const struct es_exec_report *r, int64_t wall_ns,
			 bool *header_done);
void es_format_text_lineage(FILE *f, const struct es_lineage_report *r, int64_t wall_ns);
void es_format_text_startup(FILE *f, const struct es_startup_host *host,
			    const struct es_loader_info *info, int64_t wall_ns);
void es_format_text_stats(FILE *f, const struct es_agent_stats *s, bool final, int64_t wall_ns);

/* RFC 3339 with nanoseconds, or the number when out of range. */
void es_format_time(FILE *f, int64_t wall_ns);

#endif /* EXECSENSOR_FORMAT_H */
