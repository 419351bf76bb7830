// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Reading records without trusting them: a view only of a record whose
 * lengths add up to its size, each record's kind as es_record_parse() tells
 * it, an edited exec record whose bytes stay as they came, argv entries
 * within the record (a cut last entry included), and exe paths put back
 * together from their components.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "check_main.h"
#include "record.h"

/* A record with @strings (@flen filename bytes, @alen args, @elen exe) after the fixed part. */
static size_t make(void *buf, const char *strings, uint16_t flen, uint16_t alen, uint16_t elen)
{
	struct es_exec_record *r = buf;

	memset(r, 0, sizeof(*r));
	r->hdr.type = ES_RECORD_EXEC;
	r->filename_len = flen;
	r->args_len = alen;
	r->exe_path_len = elen;
	memcpy(r + 1, strings, (size_t)flen + alen + elen);
	return sizeof(*r) + flen + alen + elen;
}

START_TEST(view_of_a_record_that_adds_up)
{
	static const char strings[] = "/bin/ls"
				      "ls\0-l\0"
				      "ls\0bin\0usr\0";
	uint64_t buf[64];
	size_t size = make(buf, strings, 7, 6, 12);
	struct es_exec_view v;
	struct es_argv_iter it;
	const char *arg;
	size_t len;

	ck_assert_int_eq(es_exec_view_parse(buf, size, &v), 0);
	ck_assert_uint_eq(v.filename_len, 7);
	ck_assert(!memcmp(v.filename, "/bin/ls", 7));
	ck_assert_uint_eq(es_argv_count(&v), 2);
	es_argv_iter_init(&it, &v);
	ck_assert(es_argv_next(&it, &arg, &len));
	ck_assert_uint_eq(len, 2);
	ck_assert(!memcmp(arg, "ls", 2));
	ck_assert(es_argv_next(&it, &arg, &len));
	ck_assert(!memcmp(arg, "-l", 2));
	ck_assert(!es_argv_next(&it, &arg, &len));
}
END_TEST

START_TEST(records_that_lie_are_refused)
{
	uint64_t buf[64];
	size_t size = make(buf, "abc", 1, 1, 1);
	struct es_exec_record *r = (void *)buf;
	struct es_exec_view v;

	ck_assert_int_eq(es_exec_view_parse(buf, size - 1, &v), -EINVAL); /* lengths claim more */
	ck_assert_int_eq(es_exec_view_parse(buf, size + 1, &v), -EINVAL); /* or less */
	ck_assert_int_eq(es_exec_view_parse(buf, sizeof(r->hdr), &v), -EINVAL); /* short */
	r->args_len = 0xffff;
	ck_assert_int_eq(es_exec_view_parse(buf, size, &v), -EINVAL);
	r->args_len = 1;
	r->hdr.type = 99;
	ck_assert_int_eq(es_exec_view_parse(buf, size, &v), -EINVAL); /* not an exec record */
	r->hdr.type = ES_RECORD_EXEC_FAILURE;
	ck_assert_int_eq(es_exec_view_parse(buf, size, &v), 0);
}
END_TEST

START_TEST(each_record_parsed_to_its_kind)
{
	struct es_fork_record fork = { .hdr = { .type = ES_RECORD_FORK, .pid = 7 },
				       .parent_pid = 1 };
	struct es_exit_record exit = { .hdr = { .type = ES_RECORD_EXIT, .pid = 7 },
				       .exit_code = 256 };
	struct es_record_header unknown = { .type = 99 };
	uint64_t buf[64];
	size_t size = make(buf, "abc", 1, 1, 1);
	struct es_record rec;

	es_record_parse(buf, size, &rec);
	ck_assert_int_eq(rec.kind, ES_RECORD_KIND_EXEC);
	ck_assert_ptr_eq(rec.exec.rec, (void *)buf);
	es_record_parse(buf, size - 1, &rec); /* lengths that lie */
	ck_assert_int_eq(rec.kind, ES_RECORD_KIND_MALFORMED);
	es_record_parse(buf, 2, &rec); /* shorter than a header */
	ck_assert_int_eq(rec.kind, ES_RECORD_KIND_MALFORMED);
	es_record_parse(&fork, sizeof(fork), &rec);
	ck_assert_int_eq(rec.kind, ES_RECORD_KIND_FORK);
	ck_assert_uint_eq(rec.fork.parent_pid, 1);
	es_record_parse(&fork, sizeof(fork) - 1, &rec);
	ck_assert_int_eq(rec.kind, ES_RECORD_KIND_MALFORMED);
	es_record_parse(&exit, sizeof(exit), &rec);
	ck_assert_int_eq(rec.kind, ES_RECORD_KIND_EXIT);
	ck_assert_int_eq(rec.exit.exit_code, 256);
	es_record_parse(&unknown, sizeof(unknown), &rec);
	ck_assert_int_eq(rec.kind, ES_RECORD_KIND_UNKNOWN);
}
END_TEST

START_TEST(an_edited_record_keeps_its_bytes)
{
	uint64_t buf[64], before[64];
	size_t size = make(buf, "abc", 1, 1, 1);
	struct es_exec_record *r = (void *)buf, *copy;
	struct es_record rec;

	r->ppid = 42;
	memcpy(before, buf, sizeof(buf));
	es_record_parse(buf, size, &rec);
	copy = es_record_exec_edit(&rec);
	copy->ppid = 0;
	ck_assert_ptr_eq(es_record_exec_edit(&rec), copy); /* copied once */
	ck_assert_ptr_eq(rec.exec.rec, copy);
	ck_assert_uint_eq(rec.exec.rec->ppid, 0);
	ck_assert(!memcmp(buf, before, sizeof(buf)));
}
END_TEST

START_TEST(argv_entries_stay_inside_the_record)
{
	static const char strings[] = "a\0\0bcd"; /* "a", "", then "bcd" cut (no NUL) */
	uint64_t buf[64];
	size_t size = make(buf, strings, 0, 6, 0);
	struct es_exec_view v;
	struct es_argv_iter it;
	const char *arg;
	size_t len;

	ck_assert_int_eq(es_exec_view_parse(buf, size, &v), 0);
	ck_assert_uint_eq(es_argv_count(&v), 3);
	es_argv_iter_init(&it, &v);
	es_argv_next(&it, &arg, &len);
	es_argv_next(&it, &arg, &len);
	ck_assert_uint_eq(len, 0); /* an empty argument is kept */
	ck_assert(es_argv_next(&it, &arg, &len));
	ck_assert_uint_eq(len, 3);
	ck_assert(!memcmp(arg, "bcd", 3));
}
END_TEST

START_TEST(exe_paths_from_components)
{
	char out[64];

	ck_assert_int_eq(es_exe_path("true\0bin\0usr", 13, out, sizeof(out)), 13);
	ck_assert_str_eq(out, "/usr/bin/true");
	ck_assert_int_eq(es_exe_path("memfd:x", 8, out, sizeof(out)), 8);
	ck_assert_str_eq(out, "/memfd:x");
	ck_assert_int_eq(es_exe_path("", 0, out, sizeof(out)), 1);
	ck_assert_str_eq(out, "/");
	/* Too long: refused, with its start kept. */
	ck_assert_int_eq(es_exe_path("true\0bin\0usr", 13, out, 8), -ENAMETOOLONG);
	ck_assert_str_eq(out, "/usr");
	ck_assert_uint_eq(es_kernel_dev_to_user(8u << 20 | 3), makedev(8, 3));
}
END_TEST

ES_CHECK_MAIN("records", view_of_a_record_that_adds_up, records_that_lie_are_refused,
	      each_record_parsed_to_its_kind, an_edited_record_keeps_its_bytes,
	      argv_entries_stay_inside_the_record, exe_paths_from_components)
