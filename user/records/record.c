// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "record.h"

int es_exec_view_parse(const void *data, size_t size, struct es_exec_view *view)
{
	const struct es_exec_record *r = data;
	const char *strings;

	if (size < sizeof(*r))
		return -EINVAL;
	if (r->hdr.type != ES_RECORD_EXEC && r->hdr.type != ES_RECORD_EXEC_FAILURE)
		return -EINVAL;
	if (es_exec_record_size(r) != size)
		return -EINVAL;
	strings = es_exec_record_data(r);
	view->rec = r;
	view->filename = strings;
	view->filename_len = r->filename_len;
	view->args = strings + r->filename_len;
	view->args_len = r->args_len;
	view->exe = view->args + r->args_len;
	view->exe_len = r->exe_path_len;
	return 0;
}

/* A fixed-size record of @kind: exactly @want bytes, copied (the ring's are unaligned for it). */
static enum es_record_kind fixed_record_read(const void *data, size_t size,
					     enum es_record_kind kind, void *out, size_t want)
{
	if (size != want)
		return ES_RECORD_KIND_MALFORMED;
	memcpy(out, data, want);
	return kind;
}

void es_record_parse(const void *data, size_t size, struct es_record *out)
{
	struct es_record_header hdr;

	out->kind = ES_RECORD_KIND_MALFORMED;
	if (size < sizeof(hdr))
		return;
	memcpy(&hdr, data, sizeof(hdr));
	switch (hdr.type) {
	case ES_RECORD_EXEC:
	case ES_RECORD_EXEC_FAILURE:
		if (!es_exec_view_parse(data, size, &out->exec))
			out->kind = ES_RECORD_KIND_EXEC;
		break;
	case ES_RECORD_FORK:
		out->kind = fixed_record_read(data, size, ES_RECORD_KIND_FORK, &out->fork,
					      sizeof(out->fork));
		break;
	case ES_RECORD_EXIT:
		out->kind = fixed_record_read(data, size, ES_RECORD_KIND_EXIT, &out->exit,
					      sizeof(out->exit));
		break;
	default:
		out->kind = ES_RECORD_KIND_UNKNOWN;
		break;
	}
}

struct es_exec_record *es_record_exec_edit(struct es_record *r)
{
	if (r->exec.rec != &r->exec_copy) {
		r->exec_copy = *r->exec.rec;
		r->exec.rec = &r->exec_copy;
	}
	return &r->exec_copy;
}

void es_argv_iter_init(struct es_argv_iter *it, const struct es_exec_view *view)
{
	it->pos = view->args;
	it->end = view->args + view->args_len;
}

bool es_argv_next(struct es_argv_iter *it, const char **arg, size_t *len)
{
	const char *nul;

	if (it->pos >= it->end)
		return false;
	nul = memchr(it->pos, '\0', (size_t)(it->end - it->pos));
	*arg = it->pos;
	*len = nul ? (size_t)(nul - it->pos) : (size_t)(it->end - it->pos);
	it->pos = nul ? nul + 1 : it->end;
	return true;
}

size_t es_argv_count(const struct es_exec_view *view)
{
	struct es_argv_iter it;
	const char *arg;
	size_t len, n = 0;

	es_argv_iter_init(&it, view);
	while (es_argv_next(&it, &arg, &len))
		n++;
	return n;
}

int es_exe_path(const char *components, size_t len, char *out, size_t size)
{
	const char *end = components + len, *start, *p;
	size_t used = 0, n;

	if (!size)
		return -ENAMETOOLONG;
	out[0] = '\0';
	/* Components are leaf first: write them from the last (the root's child) back. */
	while (end > components) {
		p = end;
		if (p[-1] == '\0')
			p--; /* this component's NUL */
		start = p;
		while (start > components && start[-1] != '\0')
			start--;
		n = (size_t)(p - start);
		if (used + 1 + n >= size) {
			out[used] = '\0';
			return -ENAMETOOLONG;
		}
		out[used++] = '/';
		memcpy(out + used, start, n);
		used += n;
		end = start;
	}
	if (!used) {
		if (size < 2)
			return -ENAMETOOLONG;
		out[used++] = '/'; /* the root itself */
	}
	out[used] = '\0';
	return (int)used;
}

uint64_t es_kernel_dev_to_user(uint32_t kdev)
{
	return makedev(kdev >> 20, kdev & 0xfffff);
}
