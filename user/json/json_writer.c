// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Streaming JSON writer: the structure (commas, colons, nesting) here; the
 * escaping of strings is es_json_escape_bytes(), the one the event stream uses,
 * so that every JSON execsensor writes encodes bytes the same way.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "json.h"
#include "json_writer.h"

void es_json_writer_init(struct es_json_writer *w, FILE *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
}

/* Before any value: the comma after a previous item, and the key check. */
static void value_prefix(struct es_json_writer *w)
{
	if (w->in_object[w->depth] && w->depth > 0) {
		if (!w->after_key)
			w->misuse = true;
		w->after_key = false;
		return;
	}
	if (w->has_items[w->depth]) {
		if (w->depth == 0)
			w->misuse = true; /* a document holds one value */
		fputc(',', w->out);
	}
	w->has_items[w->depth] = true;
}

static void begin(struct es_json_writer *w, bool object)
{
	value_prefix(w);
	if (w->depth == ES_JSON_DEPTH_MAX) {
		w->misuse = true;
		return;
	}
	fputc(object ? '{' : '[', w->out);
	w->depth++;
	w->in_object[w->depth] = object;
	w->has_items[w->depth] = false;
}

static void end(struct es_json_writer *w, bool object)
{
	if (w->depth == 0 || w->in_object[w->depth] != object || w->after_key) {
		w->misuse = true;
		return;
	}
	fputc(object ? '}' : ']', w->out);
	w->depth--;
}

void es_json_object_begin(struct es_json_writer *w)
{
	begin(w, true);
}

void es_json_object_end(struct es_json_writer *w)
{
	end(w, true);
}

void es_json_array_begin(struct es_json_writer *w)
{
	begin(w, false);
}

void es_json_array_end(struct es_json_writer *w)
{
	end(w, false);
}

void es_json_key(struct es_json_writer *w, const char *key)
{
	if (w->depth == 0 || !w->in_object[w->depth] || w->after_key) {
		w->misuse = true;
		return;
	}
	if (w->has_items[w->depth])
		fputc(',', w->out);
	w->has_items[w->depth] = true;
	es_json_escape_bytes(w->out, key, strlen(key));
	fputc(':', w->out);
	w->after_key = true;
}

void es_json_string_len(struct es_json_writer *w, const char *s, size_t len)
{
	value_prefix(w);
	es_json_escape_bytes(w->out, s, len);
}

void es_json_string(struct es_json_writer *w, const char *s)
{
	es_json_string_len(w, s, strlen(s));
}

void es_json_uint(struct es_json_writer *w, uint64_t v)
{
	value_prefix(w);
	fprintf(w->out, "%" PRIu64, v);
}

void es_json_int(struct es_json_writer *w, int64_t v)
{
	value_prefix(w);
	fprintf(w->out, "%" PRId64, v);
}

void es_json_bool(struct es_json_writer *w, bool v)
{
	value_prefix(w);
	fputs(v ? "true" : "false", w->out);
}

void es_json_null(struct es_json_writer *w)
{
	value_prefix(w);
	fputs("null", w->out);
}

void es_json_member_string(struct es_json_writer *w, const char *key, const char *s)
{
	es_json_key(w, key);
	if (s)
		es_json_string(w, s);
	else
		es_json_null(w);
}

void es_json_member_strn(struct es_json_writer *w, const char *key, const char *s, size_t cap)
{
	es_json_key(w, key);
	es_json_string_len(w, s, strnlen(s, cap));
}

void es_json_member_uint(struct es_json_writer *w, const char *key, uint64_t v)
{
	es_json_key(w, key);
	es_json_uint(w, v);
}

void es_json_member_bool(struct es_json_writer *w, const char *key, bool v)
{
	es_json_key(w, key);
	es_json_bool(w, v);
}

int es_json_writer_finish(struct es_json_writer *w)
{
	if (w->depth != 0 || w->after_key || !w->has_items[0])
		w->misuse = true;
	fputc('\n', w->out);
	if (w->misuse)
		return -EINVAL;
	return ferror(w->out) ? -EIO : 0;
}
