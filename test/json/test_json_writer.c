// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The JSON writer: exact bytes for nesting, strings through the shared
 * escaping, and misuse and write errors reported.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "json_writer.h"

static char *buf;
static size_t buf_len;
static FILE *mem;
static struct es_json_writer w;

static void setup(void)
{
	mem = open_memstream(&buf, &buf_len);
	ck_assert_ptr_nonnull(mem);
	es_json_writer_init(&w, mem);
}

static void teardown(void)
{
	fclose(mem);
	free(buf);
}

START_TEST(nesting_places_commas_and_colons)
{
	es_json_object_begin(&w);
	es_json_key(&w, "btf");
	es_json_string(&w, "/sys/kernel/btf/vmlinux");
	es_json_key(&w, "fields");
	es_json_array_begin(&w);
	es_json_object_begin(&w);
	es_json_key(&w, "offset");
	es_json_uint(&w, 1280);
	es_json_key(&w, "delta");
	es_json_int(&w, -3);
	es_json_key(&w, "resolved");
	es_json_bool(&w, true);
	es_json_key(&w, "reason");
	es_json_null(&w);
	es_json_object_end(&w);
	es_json_object_begin(&w);
	es_json_object_end(&w);
	es_json_array_begin(&w);
	es_json_array_end(&w);
	es_json_uint(&w, UINT64_MAX);
	es_json_array_end(&w);
	es_json_object_end(&w);
	ck_assert_int_eq(es_json_writer_finish(&w), 0);
	ck_assert_int_eq(fflush(mem), 0); /* the writer does not flush: its caller does */
	ck_assert_str_eq(buf, "{\"btf\":\"/sys/kernel/btf/vmlinux\",\"fields\":[{\"offset\":1280,"
			      "\"delta\":-3,\"resolved\":true,\"reason\":null},{},[],"
			      "18446744073709551615]}\n");
}
END_TEST

/* Strings and keys go through es_json_escape_bytes(): the event stream's encoding. */
START_TEST(strings_and_keys_use_the_event_stream_escaping)
{
	static const char in[] = "a\"b\\c\n\x01\xc3\xa9\xff\0z";

	es_json_object_begin(&w);
	es_json_key(&w, "k\"\xfe");
	es_json_string_len(&w, in, sizeof(in) - 1);
	es_json_object_end(&w);
	ck_assert_int_eq(es_json_writer_finish(&w), 0);
	ck_assert_int_eq(fflush(mem), 0); /* the writer does not flush: its caller does */
	ck_assert_str_eq(buf,
			 "{\"k\\\"\\udcfe\":\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\\udcff\\u0000z\"}\n");
}
END_TEST

/* A member in one call: its key, then its value; a NULL string is null, a comm stops at its size. */
START_TEST(members_in_one_call)
{
	static const char comm[4] = { 'a', 'b', 'c', 'd' }; /* no NUL: 4 bytes, not more */

	es_json_object_begin(&w);
	es_json_member_string(&w, "s", "x\n");
	es_json_member_string(&w, "none", NULL);
	es_json_member_strn(&w, "comm", comm, sizeof(comm));
	es_json_member_strn(&w, "short", "ab\0cd", 5);
	es_json_member_uint(&w, "u", UINT64_MAX);
	es_json_member_bool(&w, "b", false);
	es_json_object_end(&w);
	ck_assert_int_eq(es_json_writer_finish(&w), 0);
	ck_assert_int_eq(fflush(mem), 0);
	ck_assert_str_eq(buf, "{\"s\":\"x\\n\",\"none\":null,\"comm\":\"abcd\",\"short\":\"ab\","
			      "\"u\":18446744073709551615,\"b\":false}\n");
}
END_TEST

START_TEST(misuse_is_reported)
{
	/* A value inside an object without its key. */
	es_json_object_begin(&w);
	es_json_uint(&w, 1);
	es_json_object_end(&w);
	ck_assert_int_eq(es_json_writer_finish(&w), -EINVAL);

	teardown();
	setup();
	es_json_array_begin(&w);
	ck_assert_int_eq(es_json_writer_finish(&w), -EINVAL); /* unclosed */

	teardown();
	setup();
	es_json_array_begin(&w);
	es_json_object_end(&w); /* mismatched */
	es_json_array_end(&w);
	ck_assert_int_eq(es_json_writer_finish(&w), -EINVAL);

	teardown();
	setup();
	es_json_null(&w);
	es_json_null(&w); /* two documents */
	ck_assert_int_eq(es_json_writer_finish(&w), -EINVAL);

	teardown();
	setup();
	es_json_key(&w, "k"); /* a key outside an object */
	ck_assert_int_eq(es_json_writer_finish(&w), -EINVAL);

	teardown();
	setup();
	ck_assert_int_eq(es_json_writer_finish(&w), -EINVAL); /* nothing written */
}
END_TEST

START_TEST(nesting_beyond_the_limit_is_misuse)
{
	int i;

	for (i = 0; i < ES_JSON_DEPTH_MAX + 1; i++)
		es_json_array_begin(&w);
	for (i = 0; i < ES_JSON_DEPTH_MAX; i++)
		es_json_array_end(&w);
	ck_assert_int_eq(es_json_writer_finish(&w), -EINVAL);
}
END_TEST

START_TEST(write_error_is_reported)
{
	FILE *full = fopen("/dev/full", "w");
	struct es_json_writer fw;

	ck_assert_ptr_nonnull(full);
	setvbuf(full, NULL, _IONBF, 0); /* every byte is a write, which fails */
	es_json_writer_init(&fw, full);
	es_json_string(&fw, "lost");
	ck_assert_int_eq(es_json_writer_finish(&fw), -EIO);
	fclose(full);
}
END_TEST

int main(void)
{
	const struct es_check_case cases[] = {
		{ "writer",
		  ES_CHECK_TESTS(nesting_places_commas_and_colons,
				 strings_and_keys_use_the_event_stream_escaping,
				 members_in_one_call, misuse_is_reported,
				 nesting_beyond_the_limit_is_misuse, write_error_is_reported),
		  .setup = setup, .teardown = teardown },
		{ NULL },
	};

	return es_check_run("json_writer", NULL, cases);
}
