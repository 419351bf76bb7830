/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Exit records' times. The kernel stamps them with jiffies (bpf_jiffies64():
 * a load, where a clock read may trap on a virtual machine, and
 * bpf_ktime_get_coarse_ns() is refused to tracing programs). Jiffies count timer ticks of CLOCK_MONOTONIC: jiffy J began at
 * phase + J * tick, the tick being TICK_NSEC (CLOCK_MONOTONIC_COARSE's
 * resolution) and the phase fixed since boot. A pair of jiffies and
 * CLOCK_MONOTONIC read at one instant (the clock_pair program) bounds the
 * phase from above, the jiffy having begun by then: the least bound of all
 * pairs is the phase, nearer with every pair.
 */
#ifndef EXECSENSOR_JIFFIES_H
#define EXECSENSOR_JIFFIES_H

#include <stdint.h>

#include "execsensor.h"

struct es_jiffies {
	uint64_t tick_ns; /* TICK_NSEC */
	uint64_t pairs; /* learnt so far; the phase is known with one */
	int64_t phase_ns; /* CLOCK_MONOTONIC at which jiffy 0 began (mod 2^64) */
	int64_t boot_minus_mono_ns; /* CLOCK_BOOTTIME - CLOCK_MONOTONIC at the last pair */
};

/* No pair yet; the tick from clock_getres(). 0 or -errno. */
int es_jiffies_init(struct es_jiffies *j);

/* One more pair, just read; the time suspended is sampled beside it. */
void es_jiffies_learn(struct es_jiffies *j, const struct es_clock_pair *pair);

/* The CLOCK_BOOTTIME at which jiffy @jiffies began; -ENODATA before any pair. */
int es_jiffies_to_boot_ns(const struct es_jiffies *j, uint64_t jiffies, uint64_t *boot_ns);

#endif /* EXECSENSOR_JIFFIES_H */
