// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>

#include "clock_ns.h"
#include "walltime.h"

#define NSEC_PER_SEC 1000000000LL

uint64_t es_boottime_ns(void)
{
	return (uint64_t)es_clock_ns(CLOCK_BOOTTIME);
}

/*
 * Read BOOTTIME, REALTIME, BOOTTIME and take REALTIME against the midpoint;
 * of a few tries keep the one with the narrowest window (least preempted).
 */
int es_clock_sync(struct es_clock *clk)
{
	struct timespec b1, r, b2;
	int64_t best_window = INT64_MAX, window;
	int i;

	for (i = 0; i < 3; i++) {
		if (clock_gettime(CLOCK_BOOTTIME, &b1) || clock_gettime(CLOCK_REALTIME, &r) ||
		    clock_gettime(CLOCK_BOOTTIME, &b2))
			return -errno;
		window = es_timespec_ns(&b2) - es_timespec_ns(&b1);
		if (window < best_window) {
			best_window = window;
			clk->real_minus_boot_ns =
				es_timespec_ns(&r) - (es_timespec_ns(&b1) + window / 2);
		}
	}
	return 0;
}

int64_t es_clock_to_wall_ns(const struct es_clock *clk, uint64_t boot_ns)
{
	return (int64_t)boot_ns + clk->real_minus_boot_ns;
}

int es_rfc3339_ns(int64_t wall_ns, char *out, size_t size)
{
	time_t sec = (time_t)(wall_ns / NSEC_PER_SEC);
	long nsec = (long)(wall_ns % NSEC_PER_SEC);
	struct tm tm;
	int n;

	if (nsec < 0) { /* before 1970: floor, so the fraction stays positive */
		nsec += NSEC_PER_SEC;
		sec -= 1;
	}
	if (!gmtime_r(&sec, &tm) || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999)
		return -EINVAL;
	n = snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
		     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, nsec);
	if (n < 0 || (size_t)n >= size)
		return -EINVAL;
	return 0;
}
