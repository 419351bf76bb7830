// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * es_exec_image_merge(): the image record fills what the exec record
 * missed, and nothing else; hostile image records (lying sizes, no NULs,
 * too many entries) stay inside the arrays (the ASan+UBSan build checks).
 * The expected values are written out by hand from the rules in loader.h.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "exec_image.h"

static struct es_exec_event ev;
static struct es_exec_image img;

/* An exec record of pid 100 from thread @tid, and its image record, all zero otherwise. */
static void setup_pair(uint32_t tid)
{
	memset(&ev, 0, sizeof(ev));
	memset(&img, 0, sizeof(img));
	ev.hdr.type = ES_RECORD_EXEC;
	ev.hdr.pid = 100;
	ev.hdr.tid = tid;
	img.hdr.type = ES_RECORD_EXEC_IMAGE;
	img.hdr.pid = img.hdr.tid = 100;
	img.old_pid = tid;
	strcpy(img.filename, "/bin/true");
	memcpy(img.args, "true\0es-arg", sizeof("true\0es-arg"));
	img.args_size = sizeof("true\0es-arg");
}

START_TEST(matches_by_tgid_and_exec_thread)
{
	setup_pair(100);
	ck_assert(es_exec_image_matches(&ev, &img));
	setup_pair(105); /* a non-leader thread exec'd: the image is the process's */
	ck_assert(es_exec_image_matches(&ev, &img));
	img.old_pid = 106;
	ck_assert(!es_exec_image_matches(&ev, &img));
	setup_pair(100);
	img.hdr.pid = 101;
	ck_assert(!es_exec_image_matches(&ev, &img));
}
END_TEST

START_TEST(faulted_entry_takes_filename_and_argv)
{
	setup_pair(100);
	ev.flags = ES_EXEC_F_PPID_KERNEL | ES_EXEC_F_FILENAME_FAULT | ES_EXEC_F_ARGV_FAULT;
	ck_assert_uint_eq(es_exec_image_merge(&ev, &img),
			  ES_IMAGE_MERGED_FILENAME | ES_IMAGE_MERGED_ARGV);
	ck_assert_str_eq(ev.filename, "/bin/true");
	ck_assert_uint_eq(ev.argc, 2);
	ck_assert_uint_eq(ev.args_size, 12);
	ck_assert_str_eq(ev.args, "true");
	ck_assert_str_eq(ev.args + 5, "es-arg");
	ck_assert_uint_eq(ev.flags, ES_EXEC_F_PPID_KERNEL);
}
END_TEST

START_TEST(fexecve_empty_filename_takes_dev_fd)
{
	setup_pair(100);
	strcpy(img.filename, "/dev/fd/3");
	ev.argc = 1;
	ev.args_size = 5;
	memcpy(ev.args, "true", 5);
	ck_assert_uint_eq(es_exec_image_merge(&ev, &img), ES_IMAGE_MERGED_FILENAME);
	ck_assert_str_eq(ev.filename, "/dev/fd/3");
	/* The entry's argv was read: kept as it is. */
	ck_assert_uint_eq(ev.argc, 1);
	ck_assert_uint_eq(ev.args_size, 5);
}
END_TEST

START_TEST(values_read_at_entry_are_kept)
{
	setup_pair(100);
	strcpy(ev.filename, "true"); /* relative, as passed: the image says the same */
	strcpy(img.filename, "something else");
	ev.argc = 1;
	ev.args_size = 3;
	memcpy(ev.args, "ab", 3);
	ev.flags = ES_EXEC_F_ARGV_TRUNCATED;
	ck_assert_uint_eq(es_exec_image_merge(&ev, &img), 0);
	ck_assert_str_eq(ev.filename, "true");
	ck_assert_uint_eq(ev.argc, 1);
	ck_assert_str_eq(ev.args, "ab");
	ck_assert_uint_eq(ev.flags, ES_EXEC_F_ARGV_TRUNCATED);
}
END_TEST

START_TEST(image_without_values_changes_nothing)
{
	setup_pair(100);
	ev.flags = ES_EXEC_F_FILENAME_FAULT | ES_EXEC_F_ARGV_FAULT;
	img.flags = ES_IMAGE_F_FILENAME_FAULT | ES_IMAGE_F_ARGV_ABSENT;
	ck_assert_uint_eq(es_exec_image_merge(&ev, &img), 0);
	img.flags = ES_IMAGE_F_ARGV_FAULT;
	img.filename[0] = '\0';
	ck_assert_uint_eq(es_exec_image_merge(&ev, &img), 0);
	img.flags = 0;
	img.args_size = 0;
	ck_assert_uint_eq(es_exec_image_merge(&ev, &img), 0);
	ck_assert_uint_eq(ev.flags, ES_EXEC_F_FILENAME_FAULT | ES_EXEC_F_ARGV_FAULT);
	ck_assert_str_eq(ev.filename, "");
	ck_assert_uint_eq(ev.argc, 0);
}
END_TEST

START_TEST(truncation_flags_follow_the_image)
{
	setup_pair(100);
	ev.flags = ES_EXEC_F_FILENAME_FAULT | ES_EXEC_F_ARGV_FAULT;
	memset(img.filename, 'f', sizeof(img.filename)); /* cut: no NUL */
	img.flags = ES_IMAGE_F_FILENAME_TRUNCATED | ES_IMAGE_F_ARGV_TRUNCATED;
	memset(img.args, 'a', sizeof(img.args));
	img.args[10] = '\0';
	img.args_size = sizeof(img.args); /* one whole entry, then one cut at the end */
	ck_assert_uint_eq(es_exec_image_merge(&ev, &img),
			  ES_IMAGE_MERGED_FILENAME | ES_IMAGE_MERGED_ARGV);
	ck_assert_int_eq(memcmp(ev.filename, img.filename, sizeof(ev.filename)), 0);
	ck_assert_uint_eq(ev.argc, 2);
	ck_assert_uint_eq(ev.args_size, ES_ARGS_LEN);
	ck_assert_uint_eq(ev.flags, ES_EXEC_F_FILENAME_TRUNCATED | ES_EXEC_F_ARGV_TRUNCATED);
}
END_TEST

START_TEST(more_than_argv_max_entries_keeps_the_first)
{
	size_t i;

	setup_pair(100);
	strcpy(ev.filename, "/bin/true");
	ev.flags = ES_EXEC_F_ARGV_FAULT;
	memset(img.args, 0, sizeof(img.args));
	for (i = 0; i < 100; i++)
		img.args[2 * i] = (char)('A' + i % 26); /* 100 one-letter entries */
	img.args_size = 200;
	ck_assert_uint_eq(es_exec_image_merge(&ev, &img), ES_IMAGE_MERGED_ARGV);
	ck_assert_uint_eq(ev.argc, ES_ARGV_MAX);
	ck_assert_uint_eq(ev.args_size, 2 * ES_ARGV_MAX);
	ck_assert_str_eq(ev.args + 2 * (ES_ARGV_MAX - 1), "L"); /* entry 63: 'A' + 63 % 26 */
	ck_assert_uint_eq(ev.flags, ES_EXEC_F_ARGV_TRUNCATED);
}
END_TEST

START_TEST(lying_args_size_is_clamped)
{
	setup_pair(100);
	strcpy(ev.filename, "/bin/true");
	ev.flags = ES_EXEC_F_ARGV_FAULT;
	memset(img.args, 'x', sizeof(img.args)); /* no NUL at all */
	img.args_size = 0xffffffff;
	ck_assert_uint_eq(es_exec_image_merge(&ev, &img), ES_IMAGE_MERGED_ARGV);
	ck_assert_uint_eq(ev.argc, 1);
	ck_assert_uint_eq(ev.args_size, ES_ARGS_LEN);
	ck_assert_uint_eq(ev.flags, ES_EXEC_F_ARGV_TRUNCATED);
}
END_TEST

/* Random image records: the merged exec record always describes bytes inside args[]. */
START_TEST(random_images_stay_in_bounds)
{
	unsigned int seed = 12345;
	int round;

	for (round = 0; round < 20000; round++) {
		uint32_t i, nuls = 0;

		setup_pair(100);
		ev.flags = ES_EXEC_F_ARGV_FAULT;
		for (i = 0; i < sizeof(img.args); i++)
			img.args[i] = rand_r(&seed) % 8 ? (char)rand_r(&seed) : '\0';
		img.args_size = rand_r(&seed) % 3 ? (uint32_t)rand_r(&seed) % (ES_ARGS_LEN + 1)
						  : (uint32_t)rand_r(&seed);
		img.flags = (uint32_t)rand_r(&seed) & ES_IMAGE_F_ARGV_TRUNCATED;
		if (!(es_exec_image_merge(&ev, &img) & ES_IMAGE_MERGED_ARGV))
			continue;
		ck_assert_uint_le(ev.args_size, ES_ARGS_LEN);
		ck_assert_uint_ge(ev.argc, 1);
		ck_assert_uint_le(ev.argc, ES_ARGV_MAX);
		for (i = 0; i < ev.args_size; i++)
			nuls += !ev.args[i];
		/* Every entry ends with its NUL but a cut last one, which is flagged. */
		ck_assert(nuls == ev.argc ||
			  (nuls + 1 == ev.argc && (ev.flags & ES_EXEC_F_ARGV_TRUNCATED)));
	}
}
END_TEST

int main(void)
{
	const struct es_check_case cases[] = {
		{ "merge",
		  ES_CHECK_TESTS(
			  matches_by_tgid_and_exec_thread, faulted_entry_takes_filename_and_argv,
			  fexecve_empty_filename_takes_dev_fd, values_read_at_entry_are_kept,
			  image_without_values_changes_nothing, truncation_flags_follow_the_image,
			  more_than_argv_max_entries_keeps_the_first, lying_args_size_is_clamped,
			  random_images_stay_in_bounds),
		  .timeout_s = 60 },
		{ NULL },
	};

	return es_check_run("image_merge", NULL, cases);
}
