// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Streaming JSON writer: the structure (commas, colons, nesting) here; the
 * escaping of strings is json_escape_bytes(), the one the event stream uses,
 * so that every JSON execsensor writes encodes bytes the same way.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "json.h"
#include "json_writer.h"

void json_writer_init(struct json_writer *w, FILE *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
}

/* Before any value: the comma after a previous item, and the key check. */
static void value_prefix(struct json_writer *w)
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

static void begin(struct json_writer *w, bool object)
{
	value_prefix(w);
	if (w->depth == JSON_DEPTH_MAX) {
		w->misuse = true;
		return;
	}
	fputc(object ? '{' : '[', w->out);
	w->depth++;
	w->in_object[w->depth] = object;
	w->has_items[w->depth] = false;
}

static void end(struct json_writer *w, bool object)
{
	if (w->depth == 0 || w->in_object[w->depth] != object || w->after_key) {
		w->misuse = true;
		return;
	}
	fputc(object ? '}' : ']', w->out);
	w->depth--;
}

void json_object_begin(struct json_writer *w)
{
	begin(w, true);
}

void json_object_end(struct json_writer *w)
{
	end(w, true);
}

void json_array_begin(struct json_writer *w)
{
	begin(w, false);
}

void json_array_end(struct json_writer *w)
{
	end(w, false);
}

void json_key(struct json_writer *w, const char *key)
{
	if (w->depth == 0 || !w->in_object[w->depth] || w->after_key) {
		w->misuse = true;
		return;
	}
	if (w->has_items[w->depth])
		fputc(',', w->out);
	w->has_items[w->depth] = true;
	json_escape_bytes(w->out, key, strlen(key));
	fputc(':', w->out);
	w->after_key = true;
}

void json_string_len(struct json_writer *w, const char *s, size_t len)
{
	value_prefix(w);
	json_escape_bytes(w->out, s, len);
}

void json_string(struct json_writer *w, const char *s)
{
	json_string_len(w, s, strlen(s));
}

void json_uint(struct json_writer *w, uint64_t v)
{
	value_prefix(w);
	fprintf(w->out, "%" PRIu64, v);
}

void json_int(struct json_writer *w, int64_t v)
{
	value_prefix(w);
	fprintf(w->out, "%" PRId64, v);
}

void json_bool(struct json_writer *w, bool v)
{
	value_prefix(w);
	fputs(v ? "true" : "false", w->out);
}

void json_null(struct json_writer *w)
{
	value_prefix(w);
	fputs("null", w->out);
}

int json_writer_finish(struct json_writer *w)
{
	if (w->depth != 0 || w->after_key || !w->has_items[0])
		w->misuse = true;
	fputc('\n', w->out);
	if (fflush(w->out) || ferror(w->out))
		return -EIO;
	return w->misuse ? -EINVAL : 0;
}
