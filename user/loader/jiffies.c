// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <string.h>
#include <time.h>

#include "clock_ns.h"
#include "jiffies.h"

int es_jiffies_init(struct es_jiffies *j)
{
	struct timespec res;

	memset(j, 0, sizeof(*j));
	if (clock_getres(CLOCK_MONOTONIC_COARSE, &res))
		return -errno;
	j->tick_ns = (uint64_t)res.tv_sec * 1000000000u + (uint64_t)res.tv_nsec;
	return j->tick_ns ? 0 : -EINVAL;
}

void es_jiffies_learn(struct es_jiffies *j, const struct es_clock_pair *pair)
{
	/* Unsigned, wrapping: jiffies start near 2^32, their product is far below 2^63. */
	int64_t phase = (int64_t)(pair->mono_ns - pair->jiffies * j->tick_ns);
	int64_t mono = es_clock_ns(CLOCK_MONOTONIC);

	if (!j->pairs++ || phase < j->phase_ns)
		j->phase_ns = phase;
	j->boot_minus_mono_ns = es_clock_ns(CLOCK_BOOTTIME) - mono;
}

int es_jiffies_to_boot_ns(const struct es_jiffies *j, uint64_t jiffies, uint64_t *boot_ns)
{
	if (!j->pairs)
		return -ENODATA;
	*boot_ns = (uint64_t)j->phase_ns + jiffies * j->tick_ns + (uint64_t)j->boot_minus_mono_ns;
	return 0;
}
