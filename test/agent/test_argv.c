// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Splitting args[] into argv entries, including records that lie. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "argv.h"
#include "check_main.h"

static void expect_arg(const struct es_argv *a, size_t i, const char *want, size_t len)
{
	ck_assert_uint_gt(a->cnt, i);
	ck_assert_uint_eq(a->arg[i].len, len);
	ck_assert(!memcmp(a->arg[i].ptr, want, len));
}

START_TEST(plain)
{
	static const char args[ES_ARGS_LEN] = "ls\0-l\0\0/tmp";
	struct es_argv a;

	es_argv_split(args, sizeof(args), 13, 4, 0, &a);
	ck_assert_uint_eq(a.cnt, 4);
	ck_assert_int_eq(a.truncated, 0);
	expect_arg(&a, 0, "ls", 2);
	expect_arg(&a, 1, "-l", 2);
	expect_arg(&a, 2, "", 0); /* an empty argument is kept */
	expect_arg(&a, 3, "/tmp", 4);
}
END_TEST

START_TEST(empty_argv)
{
	static const char args[ES_ARGS_LEN];
	struct es_argv a;

	es_argv_split(args, sizeof(args), 0, 0, 0, &a);
	ck_assert_uint_eq(a.cnt, 0);
	ck_assert_int_eq(a.truncated, 0);
}
END_TEST

START_TEST(kernel_flag)
{
	static const char args[ES_ARGS_LEN] = "a\0b";
	struct es_argv a;

	es_argv_split(args, sizeof(args), 4, 2, 1, &a);
	ck_assert_uint_eq(a.cnt, 2);
	ck_assert_int_eq(a.truncated, 1);
}
END_TEST

START_TEST(last_entry_without_nul)
{
	char args[8] = { 'a', 0, 'b', 'c', 'd', 'e', 'f', 'g' };
	struct es_argv a;

	es_argv_split(args, sizeof(args), 8, 2, 0, &a);
	ck_assert_uint_eq(a.cnt, 2);
	expect_arg(&a, 1, "bcdefg", 6);
	ck_assert_int_eq(a.truncated, 1);
}
END_TEST

START_TEST(sizes_that_lie)
{
	char args[8] = { 'a', 0, 'b', 0, 'c', 'c', 'c', 'c' };
	struct es_argv a;

	/* args_size beyond the array: bounded by the array, marked truncated. */
	es_argv_split(args, sizeof(args), 100000, 2, 0, &a);
	ck_assert_uint_eq(a.cnt, 2);
	ck_assert_int_eq(a.truncated, 1);
	/* argc larger than the strings present: no invented entries. */
	es_argv_split(args, sizeof(args), 4, 5, 0, &a);
	ck_assert_uint_eq(a.cnt, 2);
	ck_assert_int_eq(a.truncated, 1);
	/* argc beyond ES_ARGV_MAX: at most ES_ARGV_MAX entries. */
	es_argv_split(args, sizeof(args), 4, ES_ARGV_MAX + 10, 0, &a);
	ck_assert_uint_eq(a.cnt, 2);
	ck_assert_int_eq(a.truncated, 1);
	/* argc smaller than the strings present: argc counts. */
	es_argv_split(args, sizeof(args), 4, 1, 0, &a);
	ck_assert_uint_eq(a.cnt, 1);
	expect_arg(&a, 0, "a", 1);
}
END_TEST

START_TEST(full_buffer_of_args)
{
	static char args[ES_ARGS_LEN];
	struct es_argv a;
	size_t i;

	for (i = 0; i < ES_ARGV_MAX; i++)
		args[i * 2] = (char)('A' + i % 26); /* "A\0B\0..." */
	es_argv_split(args, sizeof(args), ES_ARGV_MAX * 2, ES_ARGV_MAX, 0, &a);
	ck_assert_uint_eq(a.cnt, ES_ARGV_MAX);
	ck_assert_int_eq(a.truncated, 0);
	expect_arg(&a, ES_ARGV_MAX - 1, "L", 1);
}
END_TEST

/*
 * Random records: whatever args[], args_size and argc say, every entry lies
 * inside the array (the buffer is allocated to its exact size, so the
 * sanitizer build also catches a read past it).
 */
START_TEST(random_records_stay_in_bounds)
{
	unsigned int seed = 42;
	struct es_argv a;
	size_t cap, i, k;
	uint32_t size, argc;
	char *args;

	for (i = 0; i < 20000; i++) {
		cap = 1 + (size_t)(rand_r(&seed) % 300);
		args = malloc(cap);
		ck_assert_ptr_nonnull(args);
		for (k = 0; k < cap; k++)
			args[k] = rand_r(&seed) % 4 ? (char)('a' + rand_r(&seed) % 26) : '\0';
		size = (uint32_t)(rand_r(&seed) % 400);
		argc = (uint32_t)(rand_r(&seed) % 100);
		es_argv_split(args, cap, size, argc, 0, &a);
		ck_assert_uint_le(a.cnt, ES_ARGV_MAX);
		ck_assert_uint_le(a.cnt, argc);
		for (k = 0; k < a.cnt; k++) {
			ck_assert(a.arg[k].ptr >= args);
			ck_assert(a.arg[k].ptr + a.arg[k].len <= args + cap);
			ck_assert_ptr_null(memchr(a.arg[k].ptr, '\0', a.arg[k].len));
		}
		if (size > cap || argc > a.cnt)
			ck_assert_int_eq(a.truncated, 1);
		free(args);
	}
}
END_TEST

ES_CHECK_MAIN("argv", plain, empty_argv, kernel_flag, last_entry_without_nul, sizes_that_lie,
	      full_buffer_of_args, random_records_stay_in_bounds)
