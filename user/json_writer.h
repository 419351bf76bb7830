/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A streaming JSON writer for stdio: it places the commas and colons and
 * checks the nesting; strings go through json_escape_bytes() (json.h), so
 * any bytes (argv, paths, BTF names are untrusted) come out as valid JSON
 * and can be recovered exactly (see json.h for the encoding).
 *
 * Usage: json_writer_init(), then begin/end/key/value calls in document
 * order, then json_writer_finish(), which reports misuse or a write error.
 * Inside an object every value is preceded by json_key().
 */
#ifndef EXECSENSOR_JSON_WRITER_H
#define EXECSENSOR_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Deepest nesting of objects and arrays; deeper begins mark the writer failed. */
#define JSON_DEPTH_MAX 16

struct json_writer {
	FILE *out;
	unsigned int depth;
	bool in_object[JSON_DEPTH_MAX + 1]; /* per level: object (true) or array */
	bool has_items[JSON_DEPTH_MAX + 1]; /* per level: a comma goes before the next item */
	bool after_key; /* a key was written, its value comes next */
	bool misuse; /* unbalanced or misplaced calls */
};

void json_writer_init(struct json_writer *w, FILE *out);

void json_object_begin(struct json_writer *w);
void json_object_end(struct json_writer *w);
void json_array_begin(struct json_writer *w);
void json_array_end(struct json_writer *w);

/* An object member's name; the next call writes its value. */
void json_key(struct json_writer *w, const char *key);

/* A string value, escaped by json_escape_bytes(). */
void json_string(struct json_writer *w, const char *s);
void json_string_len(struct json_writer *w, const char *s, size_t len);

void json_uint(struct json_writer *w, uint64_t v);
void json_int(struct json_writer *w, int64_t v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);

/*
 * Ends the document with a newline and flushes. Returns 0, -EINVAL when the
 * calls were unbalanced or misplaced, or -EIO when writing failed.
 */
int json_writer_finish(struct json_writer *w);

#endif /* EXECSENSOR_JSON_WRITER_H */
