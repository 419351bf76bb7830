/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A clock's reading in nanoseconds: CLOCK_BOOTTIME, which the records are
 * stamped with, for the loader's time checks and the agent's clock, and the
 * loader's deadlines. The one conversion of a timespec to ns.
 */
#ifndef EXECSENSOR_CLOCK_NS_H
#define EXECSENSOR_CLOCK_NS_H

#include <stdint.h>
#include <time.h>

/* @ts in ns. */
int64_t es_timespec_ns(const struct timespec *ts);

/* clock_gettime(@clock) in ns (the clocks read here cannot fail). */
int64_t es_clock_ns(clockid_t clock);

#endif /* EXECSENSOR_CLOCK_NS_H */
