/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The record formats, each writing one record to a stream: JSON lines
 * (format_json.c, through the checked writer), Elastic Common Schema
 * documents (format_ecs.c, the same writer, the JSON format's members under
 * execsensor.*) and text columns (format_text.c). Used by output.c only,
 * which writes into memory and keeps a record only if its function returned 0.
 */
#ifndef EXECSENSOR_FORMAT_H
#define EXECSENSOR_FORMAT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "exec_report.h"
#include "host_ident.h"
#include "json_writer.h"
#include "loader_info.h"
#include "output.h"
#include "stats.h"

/* Each returns 0, or -EINVAL when the document came out malformed (a bug). */
int es_format_json_exec(FILE *f, const struct es_exec_report *r, int64_t wall_ns);
int es_format_json_lineage(FILE *f, const struct es_lineage_report *r, int64_t wall_ns);
int es_format_json_startup(FILE *f, const struct es_startup_host *host,
			   const struct es_loader_info *info, int64_t wall_ns);
int es_format_json_stats(FILE *f, const struct es_agent_stats *s, bool final, int64_t wall_ns);

/* The same records as ECS documents for @host (docs/events.md, "ECS"); 0 or -EINVAL. */
int es_format_ecs_exec(FILE *f, const struct es_host_ident *host, const struct es_exec_report *r,
		       int64_t wall_ns);
int es_format_ecs_lineage(FILE *f, const struct es_host_ident *host,
			  const struct es_lineage_report *r, int64_t wall_ns);
int es_format_ecs_startup(FILE *f, const struct es_host_ident *host,
			  const struct es_startup_host *sh, const struct es_loader_info *info,
			  int64_t wall_ns);
int es_format_ecs_stats(FILE *f, const struct es_host_ident *host, const struct es_agent_stats *s,
			bool final, int64_t wall_ns);

/*
 * The JSON format's parts, written into an open object of @w: the ECS
 * format's execsensor.* members are these, so both say the same thing the
 * same way.
 */
void es_format_json_time(struct es_json_writer *w, int64_t wall_ns); /* a value, not a member */
void es_format_json_filename(struct es_json_writer *w, const struct es_exec_view *view);
void es_format_json_fileless(struct es_json_writer *w, const struct es_fileless_result *f);
void es_format_json_exe(struct es_json_writer *w, const struct es_exe *exe);
void es_format_json_ancestors(struct es_json_writer *w, const struct es_exec_report *r);
/* creds, privileges_changed, auid, session, tty, cgroup, container, namespaces, vpid */
void es_format_json_context(struct es_json_writer *w, const struct es_exec_report *r);
void es_format_json_signal(struct es_json_writer *w, const struct es_lineage_report *r);
void es_format_json_startup_members(struct es_json_writer *w, const struct es_startup_host *host,
				    const struct es_loader_info *info);
void es_format_json_stats_members(struct es_json_writer *w, const struct es_agent_stats *s,
				  bool final);
/* Close the record's object and end its line: 0, or -EINVAL when it came out malformed. */
int es_format_json_finish(struct es_json_writer *w);

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
