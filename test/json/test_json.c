// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * JSON escaping: exact escapes for each class of byte, and an independent
 * oracle (python3's json module) that must parse every output and get the
 * original bytes back with surrogateescape.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "json.h"

/* Escape @len bytes into a malloc'd string. */
static char *escape(const void *bytes, size_t len)
{
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);

	ck_assert_ptr_nonnull(f);
	es_json_escape_bytes(f, bytes, len);
	ck_assert_int_eq(fclose(f), 0);
	return out;
}

static void expect(const char *bytes, size_t len, const char *want)
{
	char *got = escape(bytes, len);

	ck_assert_msg(!strcmp(got, want), "escaped %s, want %s", got, want);
	free(got);
}

START_TEST(ascii_and_specials)
{
	expect("", 0, "\"\"");
	expect("ls -l", 5, "\"ls -l\"");
	expect("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
	expect("\n\t\r\b\f", 5, "\"\\n\\t\\r\\b\\f\"");
	expect("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"");
	expect("a\0b", 3, "\"a\\u0000b\"");
}
END_TEST

START_TEST(utf8_passes_through)
{
	expect("\xc3\xa9t\xc3\xa9", 5, "\"\xc3\xa9t\xc3\xa9\""); /* été */
	expect("\xe2\x82\xac", 3, "\"\xe2\x82\xac\""); /* € */
	expect("\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\""); /* U+1F600 */
	expect("\xf4\x8f\xbf\xbf", 4, "\"\xf4\x8f\xbf\xbf\""); /* U+10FFFF */
	expect("\xc2\x85", 2, "\"\\u0085\""); /* C1 NEL */
	expect("\xe2\x80\xa8\xe2\x80\xa9", 6, "\"\\u2028\\u2029\"");
}
END_TEST

START_TEST(invalid_bytes_as_lone_surrogates)
{
	expect("\xff", 1, "\"\\udcff\"");
	expect("\x80", 1, "\"\\udc80\"");
	expect("\xc0\xaf", 2, "\"\\udcc0\\udcaf\""); /* overlong '/' */
	expect("\xed\xa0\x80", 3, "\"\\udced\\udca0\\udc80\""); /* encoded surrogate */
	expect("\xf4\x90\x80\x80", 4, "\"\\udcf4\\udc90\\udc80\\udc80\""); /* > U+10FFFF */
	expect("\xe2\x82", 2, "\"\\udce2\\udc82\""); /* cut sequence */
	expect("a\xe2\x82z", 4, "\"a\\udce2\\udc82z\"");
}
END_TEST

/*
 * The oracle: python3 parses each line and compares the surrogateescape
 * encoding of the string with the hex of the bytes the test escaped.
 */
static const char oracle[] = "import json, sys\n"
			     "n = 0\n"
			     "for line in sys.stdin.buffer:\n"
			     "    rec = json.loads(line)\n"
			     "    want = bytes.fromhex(rec['hex'])\n"
			     "    got = rec['s'].encode('utf-8', 'surrogateescape')\n"
			     "    if got != want:\n"
			     "        print('mismatch', want, got, file=sys.stderr)\n"
			     "        sys.exit(1)\n"
			     "    n += 1\n"
			     "print(n)\n";

static void emit_case(FILE *f, const unsigned char *bytes, size_t len)
{
	size_t i;

	fputs("{\"hex\":\"", f);
	for (i = 0; i < len; i++)
		fprintf(f, "%02x", bytes[i]);
	fputs("\",\"s\":", f);
	es_json_escape_bytes(f, bytes, len);
	fputs("}\n", f);
}

START_TEST(python_round_trip)
{
	char script[] = "/tmp/es-json-oracle-XXXXXX";
	char cmd[256], outbuf[32] = "";
	unsigned char bytes[300];
	unsigned int seed = 12345;
	FILE *f, *res;
	int fd, i, cases = 0, status;
	size_t len, k;

	fd = mkstemp(script);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, oracle, sizeof(oracle) - 1), (ssize_t)sizeof(oracle) - 1);
	close(fd);
	snprintf(cmd, sizeof(cmd), "python3 %s > %s.out", script, script);
	f = popen(cmd, "w");
	ck_assert_ptr_nonnull(f);
	/* Every single byte, every two-byte pair, then random strings biased to >= 0x80. */
	for (i = 0; i < 256; i++) {
		bytes[0] = (unsigned char)i;
		emit_case(f, bytes, 1);
		cases++;
	}
	for (i = 0; i < 65536; i++) {
		bytes[0] = (unsigned char)(i >> 8);
		bytes[1] = (unsigned char)i;
		emit_case(f, bytes, 2);
		cases++;
	}
	for (i = 0; i < 20000; i++) {
		len = (size_t)(rand_r(&seed) % sizeof(bytes));
		for (k = 0; k < len; k++)
			bytes[k] = (unsigned char)(rand_r(&seed) % 3 ? 0x80 | rand_r(&seed)
								     : rand_r(&seed));
		emit_case(f, bytes, len);
		cases++;
	}
	status = pclose(f);
	ck_assert_msg(status == 0, "python3 oracle failed (status %d)", status);
	snprintf(cmd, sizeof(cmd), "%s.out", script);
	res = fopen(cmd, "r");
	ck_assert_ptr_nonnull(res);
	ck_assert_ptr_nonnull(fgets(outbuf, sizeof(outbuf), res));
	fclose(res);
	ck_assert_int_eq(atoi(outbuf), cases);
	unlink(cmd);
	unlink(script);
}
END_TEST

START_TEST(utf8_sequence_len_bounds)
{
	ck_assert_uint_eq(es_utf8_sequence_len((const unsigned char *)"\xe2\x82\xac", 2), 0);
	ck_assert_uint_eq(es_utf8_sequence_len((const unsigned char *)"\xe2\x82\xac", 3), 3);
	ck_assert_uint_eq(es_utf8_sequence_len((const unsigned char *)"\xc1\xbf", 2), 0);
	ck_assert_uint_eq(es_utf8_sequence_len((const unsigned char *)"\xf5\x80\x80\x80", 4), 0);
}
END_TEST

ES_CHECK_MAIN("json", ascii_and_specials, utf8_passes_through, invalid_bytes_as_lone_surrogates,
	      utf8_sequence_len_bounds, python_round_trip)
