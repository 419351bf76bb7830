// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Exit records' jiffies as times (user/loader/jiffies.h), from pairs made
 * here: the phase is the least bound the pairs give, and a jiffy's time is
 * the phase, the jiffies' ticks and the time suspended.
 */
#include <check.h>
#include <errno.h>
#include <time.h>

#include "check_main.h"
#include "jiffies.h"

#define TICK 4000000ULL /* HZ=250 */
#define J0   4294892296ULL /* where jiffies start: 2^32 - 300 * HZ */

static struct es_jiffies j;

static void setup(void)
{
	ck_assert_int_eq(es_jiffies_init(&j), 0);
	j.tick_ns = TICK;
}

/* A pair read @into_ns into jiffy @jiffy, whose jiffy 0 began at CLOCK_MONOTONIC @phase. */
static void pair(uint64_t jiffy, uint64_t phase, uint64_t into_ns)
{
	struct es_clock_pair p = { .jiffies = jiffy, .mono_ns = phase + jiffy * TICK + into_ns };

	es_jiffies_learn(&j, &p);
}

START_TEST(the_least_bound_is_the_phase)
{
	/* jiffy 0 began at -J0 ticks + 1.25 ms: the kernel counts jiffies from J0. */
	const uint64_t phase = 1250000 - J0 * TICK;
	uint64_t boot;

	ck_assert_int_eq(es_jiffies_to_boot_ns(&j, J0 + 100, &boot), -ENODATA);
	pair(J0 + 10, phase, 3000000);
	pair(J0 + 11, phase, 700);
	pair(J0 + 12, phase, 2500000);
	ck_assert_int_eq(es_jiffies_to_boot_ns(&j, J0 + 100, &boot), 0);
	/* Boot ran 100 ticks from the phase, plus 700 ns of the pairs' error, plus the suspends. */
	ck_assert_uint_eq(boot - (uint64_t)j.boot_minus_mono_ns, 1250000 + 100 * TICK + 700);
	ck_assert_int_ge(j.boot_minus_mono_ns, 0);
}
END_TEST

/* The pairs the running kernel would give: its jiffies count CLOCK_MONOTONIC's ticks. */
START_TEST(a_tick_from_the_coarse_clock)
{
	struct timespec res;

	ck_assert_int_eq(es_jiffies_init(&j), 0);
	ck_assert_int_eq(clock_getres(CLOCK_MONOTONIC_COARSE, &res), 0);
	ck_assert_uint_eq(j.tick_ns, (uint64_t)res.tv_sec * 1000000000ULL + (uint64_t)res.tv_nsec);
	/* A tick of 1/100 to 1/1000 s: CONFIG_HZ. */
	ck_assert_uint_ge(j.tick_ns, 1000000);
	ck_assert_uint_le(j.tick_ns, 10000000);
}
END_TEST

int main(void)
{
	const struct es_check_case cases[] = {
		{ "jiffies",
		  ES_CHECK_TESTS(the_least_bound_is_the_phase, a_tick_from_the_coarse_clock),
		  .setup = setup },
		{ NULL },
	};

	return es_check_run("loader_jiffies", NULL, cases);
}
