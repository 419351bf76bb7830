/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A streaming JSON writer for stdio: it places the commas and colons and
 * checks the nesting; strings go through es_json_escape_bytes() (json.h), so
 * any bytes (argv, paths, BTF names are untrusted) come out as valid JSON
 * and can be recovered exactly (see json.h for the encoding).
 *
 * Usage: es_json_writer_init(), then begin/end/key/value calls in document
 * order, then es_json_writer_finish(), which reports misuse or a write error.
 * Inside an object every value is preceded by es_json_key().
 */
#ifndef EXECSENSOR_JSON_WRITER_H
#define EXECSENSOR_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Deepest nesting of objects and arrays; deeper begins mark the writer failed. */
#define ES_JSON_DEPTH_MAX 16

struct es_json_writer {
	FILE *out;
	unsigned int depth;
	bool in_object[ES_JSON_DEPTH_MAX + 1]; /* per level: object (true) or array */
	bool has_items[ES_JSON_DEPTH_MAX + 1]; /* per level: a comma goes before the next item */
	bool after_key; /* a key was written, its value comes next */
	bool misuse; /* unbalanced or misplaced calls */
};

void es_json_writer_init(struct es_json_writer *w, FILE *out);

void es_json_object_begin(struct es_json_writer *w);
void es_json_object_end(struct es_json_writer *w);
void es_json_array_begin(struct es_json_writer *w);
void es_json_array_end(struct es_json_writer *w);

/* An object member's name; the next call writes its value. */
void es_json_key(struct es_json_writer *w, const char *key);

/* A string value, escaped by es_json_escape_bytes(). */
void es_json_string(struct es_json_writer *w, const char *s);
void es_json_string_len(struct es_json_writer *w, const char *s, size_t len);

void es_json_uint(struct es_json_writer *w, uint64_t v);
void es_json_int(struct es_json_writer *w, int64_t v);
void es_json_bool(struct es_json_writer *w, bool v);
void es_json_null(struct es_json_writer *w);

/* An object member, key and value in one call; a NULL string is written as null. */
void es_json_member_string(struct es_json_writer *w, const char *key, const char *s);
/* A fixed-size C string (a kernel's comm): up to its NUL or @cap bytes. */
void es_json_member_strn(struct es_json_writer *w, const char *key, const char *s, size_t cap);
void es_json_member_uint(struct es_json_writer *w, const char *key, uint64_t v);
void es_json_member_bool(struct es_json_writer *w, const char *key, bool v);

/*
 * Ends the document with a newline. Returns 0, -EINVAL when the calls were
 * unbalanced or misplaced, or -EIO when the stream has an error. It does not
 * flush: the caller decides when the document goes out.
 */
int es_json_writer_finish(struct es_json_writer *w);

#endif /* EXECSENSOR_JSON_WRITER_H */
