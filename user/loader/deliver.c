// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The records' way out: the ring buffer's callback parses each record once
 * (user/records), the self-test's records are queued meanwhile, and each is
 * finished (an exit record's jiffies as CLOCK_BOOTTIME, the values of a
 * group the self-test refuted dropped) before the caller's callback gets it,
 * typed and const. No byte of a record is rewritten.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include <bpf/libbpf.h>

#include "execsensor.skel.h"
#include "groups.h"
#include "loader_internal.h"

/* An exit record stamped with jiffies: as CLOCK_BOOTTIME to the tick (when known). */
static void exit_time(const struct es_loader *l, struct es_exit_record *r)
{
	uint64_t boot_ns;

	if (!(r->hdr.flags & ES_EXIT_F_TIME_JIFFIES) ||
	    es_jiffies_to_boot_ns(&l->jiffies, r->hdr.time_ns, &boot_ns))
		return;
	r->hdr.time_ns = boot_ns;
	r->hdr.flags = (r->hdr.flags & ~ES_EXIT_F_TIME_JIFFIES) | ES_EXIT_F_TIME_TICK;
}

/*
 * Finish one record and hand it to the caller: an exit record's time, and
 * without the values of a group the self-test refuted (records made before
 * its map was rewritten).
 */
static void deliver(struct es_loader *l, struct es_record *rec)
{
	size_t i;

	if (rec->kind == ES_RECORD_KIND_EXIT)
		exit_time(l, &rec->exit);
	for (i = 0; i < ES_OFFSET_GROUP__MAX; i++) {
		if (l->scrub[i] && es_loader_groups[i].scrub(rec))
			l->info.checks[i].scrubbed++;
	}
	l->opts.on_record(l->opts.ctx, rec);
}

/* While the self-test runs: the record copied and parsed, noted for the child, and queued. */
static void queue_record(struct es_loader *l, const void *data, size_t size)
{
	struct es_backlog_record *node = malloc(sizeof(*node) + size);
	struct es_record rec;

	if (!node) {
		/* Cannot queue: hand it over now rather than drop it. */
		es_record_parse(data, size, &rec);
		es_selftest_observe(&l->child, &rec);
		deliver(l, &rec);
		return;
	}
	memcpy(node->data, data, size);
	es_record_parse(node->data, size, &node->rec);
	es_selftest_observe(&l->child, &node->rec);
	node->next = NULL;
	*l->backlog_tail = node;
	l->backlog_tail = &node->next;
}

static int on_sample(void *ctx, void *data, size_t size)
{
	struct es_loader *l = ctx;
	struct es_record rec;

	if (size < sizeof(struct es_record_header))
		return 0; /* never produced by our programs */
	if (l->selftest_running) {
		queue_record(l, data, size);
		return 0;
	}
	es_record_parse(data, size, &rec);
	deliver(l, &rec);
	return 0;
}

int es_deliver_open(struct es_loader *l)
{
	int fd = bpf_map__fd(l->skel->maps.EVENTS), err;

	l->rb = ring_buffer__new(fd, on_sample, l, NULL);
	if (!l->rb)
		return es_loader_fail(l, -errno, "ring buffer: %s", strerror(errno));
	err = es_ring_use_map(&l->ring_use, fd);
	if (err)
		return es_loader_fail(l, err, "mapping the ring buffer's positions: %s",
				      strerror(-err));
	return 0;
}

void es_deliver_close(struct es_loader *l)
{
	struct es_backlog_record *node;

	es_ring_use_unmap(&l->ring_use);
	ring_buffer__free(l->rb);
	l->rb = NULL;
	while ((node = l->backlog) != NULL) {
		l->backlog = node->next;
		free(node);
	}
	l->backlog_tail = &l->backlog;
}

int es_deliver_read(struct es_loader *l, int timeout_ms)
{
	int err = ring_buffer__poll(l->rb, timeout_ms);

	if (err < 0 && err != -EINTR)
		return err;
	err = ring_buffer__consume(l->rb);
	return err < 0 ? err : 0;
}

int es_loader_poll(struct es_loader *l, int timeout_ms)
{
	struct es_backlog_record *node;
	struct epoll_event ev;
	int handled = 0, n;

	if (!l->rb)
		return -EINVAL;
	/* A better phase for the exit records' jiffies (known since attach: failure is no loss). */
	if (l->info.lineage)
		es_clock_pair_learn(l);
	while ((node = l->backlog) != NULL) {
		l->backlog = node->next;
		deliver(l, &node->rec);
		free(node);
		handled++;
	}
	l->backlog_tail = &l->backlog;
	/* ring_buffer__poll()'s wait, without its read: the fill is noted between the two. */
	if (epoll_wait(ring_buffer__epoll_fd(l->rb), &ev, 1, handled ? 0 : timeout_ms) < 0 &&
	    errno != EINTR)
		return -errno;
	es_ring_use_note(&l->ring_use);
	/* Records below the wakeup threshold did not signal: they are read too. */
	n = ring_buffer__consume(l->rb);
	return n < 0 ? n : handled + n;
}

int es_loader_epoll_fd(const struct es_loader *l)
{
	return l->rb ? ring_buffer__epoll_fd(l->rb) : -EINVAL;
}

uint64_t es_loader_ringbuf_peak(const struct es_loader *l)
{
	return l->ring_use.peak;
}
