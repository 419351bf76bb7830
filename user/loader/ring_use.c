// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ring_use.h"

static const unsigned long *map_page(int map_fd, long page, size_t index)
{
	void *p = mmap(NULL, page, PROT_READ, MAP_SHARED, map_fd, page * index);

	return p == MAP_FAILED ? NULL : p;
}

int es_ring_use_map(struct es_ring_use *r, int map_fd)
{
	long page = sysconf(_SC_PAGESIZE);

	r->consumer = map_page(map_fd, page, 0);
	r->producer = r->consumer ? map_page(map_fd, page, 1) : NULL;
	if (!r->producer) {
		int err = -errno;

		es_ring_use_unmap(r);
		return err;
	}
	return 0;
}

void es_ring_use_note(struct es_ring_use *r)
{
	unsigned long consumer, producer;

	if (!r->producer)
		return;
	/* The consumer first: read after it, the producer is never behind it. */
	consumer = __atomic_load_n(r->consumer, __ATOMIC_ACQUIRE);
	producer = __atomic_load_n(r->producer, __ATOMIC_ACQUIRE);
	if (producer - consumer > r->peak)
		r->peak = producer - consumer;
}

void es_ring_use_unmap(struct es_ring_use *r)
{
	long page = sysconf(_SC_PAGESIZE);

	if (r->consumer)
		munmap((void *)r->consumer, page);
	if (r->producer)
		munmap((void *)r->producer, page);
	r->consumer = r->producer = NULL;
}
