/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The agent's output: JSON lines (docs/events.md), the same records as
 * Elastic Common Schema documents, or execsnoop-like text columns, on
 * stdout or appended to a file.
 *
 * Every record is written whole or not at all: it is formatted into memory
 * first (JSON through the checked writer, so a malformed document never
 * reaches the output), then appended to a batch of complete lines, which
 * es_output_flush() writes with write(2), once per ring-buffer batch and at
 * exit. A line is never split across two writes' worth of a file, so a
 * reader (a log shipper, logrotate's copytruncate) never sees half of one.
 */
#ifndef EXECSENSOR_OUTPUT_H
#define EXECSENSOR_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "exec_report.h"
#include "host_ident.h"
#include "loader_info.h"
#include "stats.h"

enum es_format {
	ES_FORMAT_JSON,
	ES_FORMAT_TEXT,
	ES_FORMAT_ECS, /* Elastic Common Schema documents, one a line */
};

/* A growable byte buffer. */
struct es_output_buf {
	char *data;
	size_t len, cap;
};

struct es_output {
	int fd;
	bool owns_fd;
	char *path; /* --output, reopened on SIGHUP; NULL: stdout */
	uint64_t reopens; /* SIGHUPs that reopened the file */
	uint64_t reopen_failures; /* SIGHUPs whose reopen failed: writes went on to the old file */
	enum es_format fmt;
	struct es_host_ident host; /* ECS: host.*, read at open */
	bool header_done; /* text: the column header was written */
	FILE *record; /* writes into @line (fopencookie): the record being formatted */
	struct es_output_buf line; /* the record being formatted */
	struct es_output_buf batch; /* complete lines not written yet */
	uint64_t malformed; /* records dropped because their document was malformed (a bug) */
	int error; /* the first write error, -errno; 0 while fine */
};

/* What the startup record says beyond the loader's info. */
struct es_startup_host {
	const char *version;
	const char *kernel_release;
	const struct es_fileless_allowlist *fileless; /* the gate's lists and limit; NULL: none */
};

/*
 * @path NULL: stdout. A file is opened for appending (created 0640). ECS
 * reads the host's name and boot id now. 0 or -errno.
 */
int es_output_open(struct es_output *o, const char *path, enum es_format fmt);

/*
 * Each formats one record and appends it to the batch: 0, -EINVAL when its
 * document was malformed (dropped, counted in o->malformed), -ENOMEM.
 */
int es_output_startup(struct es_output *o, const struct es_startup_host *host,
		      const struct es_loader_info *info, int64_t wall_ns);
int es_output_exec(struct es_output *o, const struct es_exec_report *r, int64_t wall_ns);
int es_output_lineage(struct es_output *o, const struct es_lineage_report *r, int64_t wall_ns);
int es_output_stats(struct es_output *o, const struct es_agent_stats *s, bool final,
		    int64_t wall_ns);

/*
 * All of @buf to @fd, through short writes and EINTR: 0, or -errno (-EIO
 * when write() wrote nothing).
 */
int es_write_all(int fd, const void *buf, size_t len);

/* Write out the batch: 0, or the write error (-errno, also kept in o->error). */
int es_output_flush(struct es_output *o);

/*
 * For log rotation (SIGHUP): write out the batch to the file as it is, then
 * open the path anew (created 0640 if rotation moved it away) and write there
 * from now on. Whole lines only ever go to either file. When the new open
 * fails, the old file is kept (nothing is lost; the failure is counted).
 * 0, or -errno of the failure; stdout is not reopened.
 */
int es_output_reopen(struct es_output *o);

/* Flush and close; 0 or -errno. */
int es_output_close(struct es_output *o);

#endif /* EXECSENSOR_OUTPUT_H */
