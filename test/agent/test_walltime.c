// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* RFC 3339 formatting and the CLOCK_BOOTTIME -> wall time conversion. */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "check_main.h"
#include "walltime.h"

static void expect_rfc3339(int64_t ns, const char *want)
{
	char buf[ES_RFC3339_NS_LEN];

	ck_assert_int_eq(es_rfc3339_ns(ns, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, want);
}

START_TEST(formats)
{
	expect_rfc3339(0, "1970-01-01T00:00:00.000000000Z");
	/* Oracle: python3 datetime.fromtimestamp(1700000000, timezone.utc). */
	expect_rfc3339(1700000000123456789LL, "2023-11-14T22:13:20.123456789Z");
	expect_rfc3339(1700000000000000001LL, "2023-11-14T22:13:20.000000001Z");
	expect_rfc3339(-1, "1969-12-31T23:59:59.999999999Z");
	expect_rfc3339(INT64_MAX, "2262-04-11T23:47:16.854775807Z");
}
END_TEST

START_TEST(too_small_buffer)
{
	char buf[ES_RFC3339_NS_LEN - 1];

	ck_assert_int_eq(es_rfc3339_ns(0, buf, sizeof(buf)), -EINVAL);
}
END_TEST

START_TEST(boot_to_wall)
{
	struct es_clock clk;
	struct timespec real;
	int64_t wall, now, diff;

	ck_assert_int_eq(es_clock_sync(&clk), 0);
	wall = es_clock_to_wall_ns(&clk, es_boottime_ns());
	ck_assert_int_eq(clock_gettime(CLOCK_REALTIME, &real), 0);
	now = (int64_t)real.tv_sec * 1000000000LL + real.tv_nsec;
	diff = now - wall;
	/* Not a timing test: only that the clocks were combined the right way round. */
	ck_assert_msg(diff >= 0 && diff < 5000000000LL, "wall %lld vs realtime %lld",
		      (long long)wall, (long long)now);
	/* A stamp one second later is one second later on the wall. */
	ck_assert_int_eq(es_clock_to_wall_ns(&clk, 2000000000ULL) -
				 es_clock_to_wall_ns(&clk, 1000000000ULL),
			 1000000000LL);
}
END_TEST

ES_CHECK_MAIN("walltime", formats, too_small_buffer, boot_to_wall)
