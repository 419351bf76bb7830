/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * How full the ring buffer gets. Its producer and consumer positions are
 * mapped read-only (the kernel's first two pages of the map, as libbpf maps
 * them: the consumer's, then the producer's); the bytes between them wait
 * unread, record headers and records being written included. Between two
 * reads the producer only advances, so what waits just before a read is the
 * most the buffer held since the one before.
 */
#ifndef EXECSENSOR_RING_USE_H
#define EXECSENSOR_RING_USE_H

#include <stddef.h>
#include <stdint.h>

struct es_ring_use {
	const unsigned long *consumer; /* NULL: not mapped */
	const unsigned long *producer;
	uint64_t peak; /* the most bytes seen waiting, since the map */
};

/* Map @map_fd's positions (a BPF_MAP_TYPE_RINGBUF). 0 or -errno. */
int es_ring_use_map(struct es_ring_use *r, int map_fd);

/* The bytes waiting now, kept in r->peak if the most yet (nothing when not mapped). */
void es_ring_use_note(struct es_ring_use *r);

/* Unmap; the peak stays. */
void es_ring_use_unmap(struct es_ring_use *r);

#endif /* EXECSENSOR_RING_USE_H */
