// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The output sink (output.h): records formatted into memory, appended to a
 * batch of whole lines, the batch written with write(2).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format.h"
#include "output.h"
#include "procfs.h"

/* A batch this big is written out before the next record. */
#define BATCH_FLUSH_BYTES (256 * 1024)

static int buf_append(struct es_output_buf *b, const void *data, size_t len)
{
	size_t cap;
	char *p;

	if (len > SIZE_MAX / 2 - b->len)
		return -ENOMEM;
	if (b->len + len > b->cap) {
		cap = b->cap ? b->cap : 4096;
		while (cap < b->len + len)
			cap *= 2;
		p = realloc(b->data, cap);
		if (!p)
			return -ENOMEM;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	return 0;
}

/* The record stream's sink: bytes go to o->line (a failed growth sets the stream's error). */
static ssize_t record_write(void *cookie, const char *data, size_t len)
{
	struct es_output *o = cookie;

	if (buf_append(&o->line, data, len)) {
		errno = ENOMEM;
		return -1;
	}
	return (ssize_t)len;
}

/* Appending (so copytruncate is safe: a write lands at the end, never in a hole), created 0640. */
static int open_output(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

	return fd < 0 ? -errno : fd;
}

int es_output_open(struct es_output *o, const char *path, enum es_format fmt)
{
	static const cookie_io_functions_t record_io = { .write = record_write };

	memset(o, 0, sizeof(*o));
	o->fmt = fmt;
	o->fd = STDOUT_FILENO;
	if (fmt == ES_FORMAT_ECS)
		es_host_ident_read(&o->host, ES_PROCFS_ROOT);
	if (path) {
		o->path = strdup(path);
		if (!o->path)
			return -ENOMEM;
		o->fd = open_output(path);
		if (o->fd < 0) {
			free(o->path);
			o->path = NULL;
			return o->fd;
		}
		o->owns_fd = true;
	}
	o->record = fopencookie(o, "w", record_io);
	if (!o->record) {
		if (o->owns_fd)
			close(o->fd);
		free(o->path);
		o->path = NULL;
		return -ENOMEM;
	}
	return 0;
}

int es_output_reopen(struct es_output *o)
{
	int fd, err;

	if (!o->path)
		return 0;
	err = es_output_flush(o); /* the batch belongs to the old file */
	if (err)
		return err;
	fd = open_output(o->path);
	if (fd < 0) {
		o->reopen_failures++;
		return fd;
	}
	close(o->fd);
	o->fd = fd;
	o->reopens++;
	return 0;
}

/* Start formatting a record: an empty line buffer and a clean stream. */
static void record_begin(struct es_output *o)
{
	o->line.len = 0;
	clearerr(o->record);
}

/* The record is formatted (@err from its format): keep it whole, or drop it. */
static int record_end(struct es_output *o, int err)
{
	if (fflush(o->record) || ferror(o->record))
		err = -ENOMEM;
	if (err) {
		if (err == -EINVAL)
			o->malformed++;
		return err;
	}
	err = buf_append(&o->batch, o->line.data, o->line.len);
	if (err)
		return err;
	return o->batch.len >= BATCH_FLUSH_BYTES ? es_output_flush(o) : 0;
}

int es_output_startup(struct es_output *o, const struct es_startup_host *host,
		      const struct es_loader_info *info, int64_t wall_ns)
{
	int err = 0;

	record_begin(o);
	if (o->fmt == ES_FORMAT_JSON)
		err = es_format_json_startup(o->record, host, info, wall_ns);
	else if (o->fmt == ES_FORMAT_ECS)
		err = es_format_ecs_startup(o->record, &o->host, host, info, wall_ns);
	else
		es_format_text_startup(o->record, host, info, wall_ns);
	return record_end(o, err);
}

int es_output_exec(struct es_output *o, const struct es_exec_report *r, int64_t wall_ns)
{
	int err = 0;

	record_begin(o);
	if (o->fmt == ES_FORMAT_JSON)
		err = es_format_json_exec(o->record, r, wall_ns);
	else if (o->fmt == ES_FORMAT_ECS)
		err = es_format_ecs_exec(o->record, &o->host, r, wall_ns);
	else
		es_format_text_exec(o->record, r, wall_ns, &o->header_done);
	return record_end(o, err);
}

int es_output_lineage(struct es_output *o, const struct es_lineage_report *r, int64_t wall_ns)
{
	int err = 0;

	record_begin(o);
	if (o->fmt == ES_FORMAT_JSON)
		err = es_format_json_lineage(o->record, r, wall_ns);
	else if (o->fmt == ES_FORMAT_ECS)
		err = es_format_ecs_lineage(o->record, &o->host, r, wall_ns);
	else
		es_format_text_lineage(o->record, r, wall_ns);
	return record_end(o, err);
}

int es_output_stats(struct es_output *o, const struct es_agent_stats *s, bool final,
		    int64_t wall_ns)
{
	int err = 0;

	record_begin(o);
	if (o->fmt == ES_FORMAT_JSON)
		err = es_format_json_stats(o->record, s, final, wall_ns);
	else if (o->fmt == ES_FORMAT_ECS)
		err = es_format_ecs_stats(o->record, &o->host, s, final, wall_ns);
	else
		es_format_text_stats(o->record, s, final, wall_ns);
	return record_end(o, err);
}

int es_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int es_output_flush(struct es_output *o)
{
	if (o->error)
		return o->error;
	o->error = es_write_all(o->fd, o->batch.data, o->batch.len);
	if (o->error)
		return o->error;
	o->batch.len = 0;
	return 0;
}

int es_output_close(struct es_output *o)
{
	int err = es_output_flush(o);

	if (o->record)
		fclose(o->record);
	if (o->owns_fd && close(o->fd) && !err)
		err = -errno;
	free(o->line.data);
	free(o->batch.data);
	free(o->path);
	memset(o, 0, sizeof(*o));
	o->fd = -1;
	return err;
}
