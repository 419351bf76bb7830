// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "event_join.h"
#include "exec_image.h"

void es_event_join_init(struct es_event_join *j, size_t max_pending, uint64_t timeout_ns)
{
	memset(j, 0, sizeof(*j));
	j->max = max_pending ? max_pending : 1;
	j->timeout_ns = timeout_ns;
}

static struct es_exec_report *take(struct es_event_join *j, size_t i)
{
	struct es_exec_report *r = j->pending[i];

	memmove(&j->pending[i], &j->pending[i + 1], (j->cnt - i - 1) * sizeof(*j->pending));
	j->cnt--;
	return r;
}

int es_event_join_add(struct es_event_join *j, struct es_exec_report *r,
		      struct es_exec_report **evicted)
{
	struct es_exec_report **pending;

	*evicted = NULL;
	if (!j->pending) {
		pending = calloc(j->max, sizeof(*pending));
		if (!pending)
			return -ENOMEM;
		j->pending = pending;
	}
	if (j->cnt == j->max)
		*evicted = take(j, 0);
	j->pending[j->cnt++] = r;
	return 0;
}

struct es_exec_report *es_event_join_result(struct es_event_join *j,
					    const struct es_exec_result *res)
{
	size_t i, match = j->cnt;
	struct es_exec_report *r;

	for (i = 0; i < j->cnt; i++) {
		if (j->pending[i]->ev.hdr.pid != res->hdr.pid)
			continue;
		if (j->pending[i]->ev.hdr.tid == res->hdr.tid) {
			match = i;
			break;
		}
		if (match == j->cnt)
			match = i;
	}
	if (match == j->cnt)
		return NULL;
	r = take(j, match);
	r->ret_known = 1;
	r->ret = res->ret;
	return r;
}

struct es_exec_report *es_event_join_image(struct es_event_join *j, const struct es_exec_image *img)
{
	size_t i;

	/* Newest first: a thread's later exec supersedes one whose result was lost. */
	for (i = j->cnt; i-- > 0;) {
		if (es_exec_image_matches(&j->pending[i]->ev, img))
			return j->pending[i];
	}
	return NULL;
}

struct es_exec_report *es_event_join_expire(struct es_event_join *j, uint64_t now_boot_ns)
{
	uint64_t born;

	if (!j->cnt)
		return NULL;
	born = j->pending[0]->ev.hdr.time_ns;
	if (now_boot_ns != UINT64_MAX &&
	    (now_boot_ns < j->timeout_ns || born >= now_boot_ns - j->timeout_ns))
		return NULL;
	return take(j, 0);
}

void es_event_join_free(struct es_event_join *j)
{
	while (j->cnt)
		es_exec_report_free(take(j, j->cnt - 1));
	free(j->pending);
	j->pending = NULL;
}
