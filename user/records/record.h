/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Reading a ring-buffer record (kern/execsensor.h) without trusting it: a
 * view whose every length was checked against the record's size, argv
 * entries one at a time, and the exe's path put back together from its
 * components. Library execsensor_records, for the loader's self-test and
 * the agent alike.
 */
#ifndef EXECSENSOR_RECORD_H
#define EXECSENSOR_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "execsensor.h"

/* An exec or failure record, checked: every pointer is inside the record. */
struct es_exec_view {
	const struct es_exec_record *rec; /* the fixed part */
	const char *filename; /* filename_len bytes, no NUL */
	size_t filename_len;
	const char *args; /* args_len bytes: strings, each with its NUL (the last may lack it) */
	size_t args_len;
	const char *exe; /* exe_path_len bytes: components leaf first, each with its NUL */
	size_t exe_len;
};

/*
 * @data, @size as the ring buffer gives them: 0 with @view filled when it is
 * an exec or failure record whose lengths add up to exactly @size, -EINVAL
 * otherwise (too short, another type, lengths that lie).
 */
int es_exec_view_parse(const void *data, size_t size, struct es_exec_view *view);

/*
 * A fork or exit record: 0 with a copy in @out when @data is exactly one of
 * that type, -EINVAL otherwise.
 */
int es_fork_record_read(const void *data, size_t size, struct es_fork_record *out);
int es_exit_record_read(const void *data, size_t size, struct es_exit_record *out);

/* The argv entries of @view, one at a time. */
struct es_argv_iter {
	const char *pos, *end;
};

void es_argv_iter_init(struct es_argv_iter *it, const struct es_exec_view *view);

/*
 * The next entry: true with *arg, *len set (not NUL-terminated: a cut last
 * entry has none); false at the end.
 */
bool es_argv_next(struct es_argv_iter *it, const char **arg, size_t *len);

/* How many entries es_argv_next() gives. */
size_t es_argv_count(const struct es_exec_view *view);

/*
 * The exe's absolute path from its components (leaf first):
 * "true\0bin\0usr\0" is "/usr/bin/true"; no component is "/". Into @out
 * (@size bytes, NUL-terminated); the path's length, or -ENAMETOOLONG when it
 * did not fit (@out then holds its cut start).
 */
int es_exe_path(const char *components, size_t len, char *out, size_t size);

/* The kernel's dev_t encoding (major << 20 | minor) as stat()'s st_dev. */
uint64_t es_kernel_dev_to_user(uint32_t kdev);

#endif /* EXECSENSOR_RECORD_H */
