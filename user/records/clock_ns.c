// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "clock_ns.h"

int64_t es_timespec_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

int64_t es_clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return es_timespec_ns(&ts);
}
