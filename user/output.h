/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The agent's output: JSON lines (docs/events.md) or execsnoop-like text
 * columns, on stdout or appended to a file. Records are buffered and
 * written out by output_flush(), once per ring-buffer batch and at exit.
 */
#ifndef EXECSENSOR_OUTPUT_H
#define EXECSENSOR_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "exec_report.h"
#include "stats.h"
#include "walltime.h"

enum es_format {
	ES_FORMAT_JSON,
	ES_FORMAT_TEXT,
};

struct es_output {
	FILE *f;
	int owns_file;
	enum es_format fmt;
	int header_done; /* text: the column header was written */
};

/* One offset as the startup record shows it. */
struct es_startup_offset {
	const char *path; /* "task_struct.real_parent" */
	int resolved;
	uint32_t value;
	const char *reason; /* why unresolved (or not used); NULL when resolved and used */
};

struct es_startup {
	const char *version;
	const char *kernel_release;
	const char *btf_source; /* the BTF read, or NULL when none */
	const char *btf_error; /* why no BTF could be used; NULL when fine */
	const struct es_startup_offset *offsets;
	size_t offsets_cnt;
	int kernel_ppid; /* the kernel reads parents (offsets written non-zero) */
	const char *kernel_ppid_reason; /* why not; NULL when it does */
	const char *attach_mode; /* "kprobe" or "tracepoint" */
	const char *attach_reason;
	const char *lockdown; /* "none", "integrity", "confidentiality", or "unavailable" */
	const char *selftest; /* "pass", "fail", "skipped" */
	const char *selftest_detail;
	uint32_t ringbuf_size;
	int exec_image; /* image records (sched_process_exec) are attached */
	const char *exec_image_reason; /* why not; NULL when they are */
	int image_argv; /* image records carry the new image's argv */
	const char *image_argv_reason; /* why not; NULL when they do */
};

/* @path NULL: stdout. A file is opened for appending (created 0640). 0 or -errno. */
int output_open(struct es_output *o, const char *path, enum es_format fmt);

void output_startup(struct es_output *o, const struct es_startup *s, int64_t wall_ns);
void output_exec(struct es_output *o, const struct es_exec_report *r, int64_t wall_ns);
void output_stats(struct es_output *o, const struct es_agent_stats *s, int final, int64_t wall_ns);

/* Write out what is buffered: 0, or -EIO when the output failed. */
int output_flush(struct es_output *o);

/* Flush and close; 0 or -EIO. */
int output_close(struct es_output *o);

#endif /* EXECSENSOR_OUTPUT_H */
