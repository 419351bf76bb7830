/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A clock's reading in nanoseconds, for the loader's deadlines and time checks. */
#ifndef EXECSENSOR_CLOCK_NS_H
#define EXECSENSOR_CLOCK_NS_H

#include <stdint.h>
#include <time.h>

/* clock_gettime(@clock) in ns (the clocks the loader reads cannot fail). */
int64_t es_clock_ns(clockid_t clock);

#endif /* EXECSENSOR_CLOCK_NS_H */
