/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Event times: the kernel stamps records with CLOCK_BOOTTIME (it keeps
 * counting through suspend and never jumps); the output shows wall time.
 * The offset between the two clocks is sampled, and resampled every poll
 * batch so that NTP steps and slews show up in later events.
 */
#ifndef EXECSENSOR_WALLTIME_H
#define EXECSENSOR_WALLTIME_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* "2026-11-28T08:59:13.123456789Z" plus its NUL. */
#define ES_RFC3339_NS_LEN 31

struct es_clock {
	int64_t real_minus_boot_ns; /* CLOCK_REALTIME - CLOCK_BOOTTIME */
};

/* Sample the offset now; 0 or -errno. */
int es_clock_sync(struct es_clock *clk);

/* CLOCK_BOOTTIME now, in ns. */
uint64_t es_boottime_ns(void);

/* Wall time, as ns since the epoch, of a CLOCK_BOOTTIME stamp. */
int64_t es_clock_to_wall_ns(const struct es_clock *clk, uint64_t boot_ns);

/* Format ns since the epoch as RFC 3339 UTC with 9 fraction digits; 0 or -EINVAL. */
int es_rfc3339_ns(int64_t wall_ns, char *out, size_t size);

#endif /* EXECSENSOR_WALLTIME_H */
