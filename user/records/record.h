/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Reading a ring-buffer record (kern/execsensor.h) without trusting it, once:
 * es_record_parse() makes it a typed record (struct es_record: its kind and
 * a view of it whose every length was checked against the record's size);
 * argv entries one at a time, and the exe's path put back together from its
 * components. Library execsensor_records: the loader parses each record
 * here, and everything after it (the self-test, the agent) takes the typed
 * record.
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

/* What a record is, by its type and whether its size and lengths hold. */
enum es_record_kind {
	ES_RECORD_KIND_MALFORMED = 0, /* shorter than a header, or a known type that lies */
	ES_RECORD_KIND_UNKNOWN, /* a type this build does not know */
	ES_RECORD_KIND_EXEC, /* exec: an exec or failure record (exec.rec->hdr.type says which) */
	ES_RECORD_KIND_FORK, /* fork */
	ES_RECORD_KIND_EXIT, /* exit */
};

/*
 * A record parsed once: its kind and the typed view of that kind. An exec
 * view points into the bytes it was parsed from (they must outlive it);
 * fork and exit records are copies. Once es_record_exec_edit() was called,
 * exec.rec points into the es_record itself: not to be copied then.
 */
struct es_record {
	enum es_record_kind kind;
	union {
		struct es_exec_view exec;
		struct es_fork_record fork;
		struct es_exit_record exit;
	};
	struct es_exec_record exec_copy; /* exec.rec's own copy, once edited */
};

/* @data, @size as the ring buffer gives them, into @out (never trusted, never failing). */
void es_record_parse(const void *data, size_t size, struct es_record *out);

/*
 * An exec record's fixed part, to change (the loader's scrub): copied into
 * @r the first time, and exec.rec points at the copy; the bytes parsed stay
 * as they came.
 */
struct es_exec_record *es_record_exec_edit(struct es_record *r);

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
