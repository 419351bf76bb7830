// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The fileless rule and the systemd parent-lineage gate. */
#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "fileless.h"

static int fd_path(const char *s)
{
	return es_fileless_is_fd_path(s, strlen(s));
}

START_TEST(fd_paths)
{
	ck_assert(fd_path("/proc/self/fd/3"));
	ck_assert(fd_path("/proc/thread-self/fd/10"));
	ck_assert(fd_path("/proc/1234/fd/0"));
	ck_assert(fd_path("/dev/fd/7"));
	ck_assert(!fd_path("/proc/self/fd/"));
	ck_assert(!fd_path("/proc/self/fd/3/x"));
	ck_assert(!fd_path("/proc/self/fd/3a"));
	ck_assert(!fd_path("/proc/self/exe"));
	ck_assert(!fd_path("/proc/12a/fd/3"));
	ck_assert(!fd_path("/proc//fd/3"));
	ck_assert(!fd_path("/dev/fd"));
	ck_assert(!fd_path("/usr/bin/ls"));
	ck_assert(!fd_path(""));
	/* A NUL inside the length is not the end of the path. */
	ck_assert(!es_fileless_is_fd_path("/dev/fd/7\0x", 11));
}
END_TEST

START_TEST(systemd_comm)
{
	ck_assert(es_fileless_is_systemd_comm("systemd", 16));
	ck_assert(es_fileless_is_systemd_comm("systemd-journal", 16));
	ck_assert(es_fileless_is_systemd_comm("(sd-pam)", 16));
	ck_assert(!es_fileless_is_systemd_comm("bash", 16));
	ck_assert(!es_fileless_is_systemd_comm("xsystemd", 16));
	ck_assert(!es_fileless_is_systemd_comm("(sd", 16));
	/* A full 16-byte comm without NUL is read within its bounds. */
	ck_assert(es_fileless_is_systemd_comm("systemdAAAAAAAAAZZZZ", 16));
}
END_TEST

/* The image as the kernel resolved it. */
enum image { PLAIN, MEMFD, DELETED };

static struct es_fileless_input input(uint32_t flags, const char *filename, enum image image,
				      const char *comm, const char *parent)
{
	struct es_fileless_input in = {
		.execveat_flags = flags,
		.filename = filename,
		.filename_len = strlen(filename),
		.image_memfd = image == MEMFD,
		.image_deleted = image == MEMFD || image == DELETED,
		.comm = comm,
		.comm_cap = 16,
		.parent_exe = parent,
	};
	return in;
}

START_TEST(verdicts)
{
	struct es_fileless_allowlist list;
	struct es_fileless_result r;
	struct es_fileless_input in;

	ck_assert_int_eq(es_fileless_allowlist_init(&list), 0);

	in = input(0, "/usr/bin/ls", PLAIN, "bash", "/usr/bin/bash");
	es_fileless_evaluate(&list, &in, &r);
	ck_assert_int_eq(r.verdict, ES_FILELESS_NONE);

	in = input(AT_EMPTY_PATH, "", MEMFD, "bash", "/usr/bin/bash");
	es_fileless_evaluate(&list, &in, &r);
	ck_assert_int_eq(r.verdict, ES_FILELESS_ALERT);
	ck_assert_ptr_nonnull(strstr(r.reason, "AT_EMPTY_PATH"));
	ck_assert_ptr_nonnull(strstr(r.reason, "memfd"));
	ck_assert_ptr_nonnull(strstr(r.reason, "comm is not systemd's"));

	in = input(AT_EMPTY_PATH, "", PLAIN, "systemd", "/usr/lib/systemd/systemd");
	es_fileless_evaluate(&list, &in, &r);
	ck_assert_int_eq(r.verdict, ES_FILELESS_SUPPRESSED);
	ck_assert_str_eq(r.parent, "/usr/lib/systemd/systemd");

	in = input(0, "/proc/self/fd/5", PLAIN, "(sd-exec)", "/lib/systemd/systemd");
	es_fileless_evaluate(&list, &in, &r);
	ck_assert_int_eq(r.verdict, ES_FILELESS_SUPPRESSED);

	/* systemd's comm, but the parent is not on the list. */
	in = input(AT_EMPTY_PATH, "", PLAIN, "systemd", "/tmp/systemd");
	es_fileless_evaluate(&list, &in, &r);
	ck_assert_int_eq(r.verdict, ES_FILELESS_ALERT);
	ck_assert_ptr_nonnull(strstr(r.reason, "not on the allowlist"));
	ck_assert_str_eq(r.parent, "/tmp/systemd");

	/* No parent known: the gate cannot suppress, and says so. */
	in = input(0, "/dev/fd/3", PLAIN, "systemd", NULL);
	es_fileless_evaluate(&list, &in, &r);
	ck_assert_int_eq(r.verdict, ES_FILELESS_ALERT);
	ck_assert_ptr_nonnull(strstr(r.reason, "parent exe unknown"));
	ck_assert_ptr_null(r.parent);

	/* A deleted image. */
	in = input(0, "/tmp/x", DELETED, "sh", "/usr/bin/sh");
	es_fileless_evaluate(&list, &in, &r);
	ck_assert_int_eq(r.verdict, ES_FILELESS_ALERT);
	ck_assert_ptr_nonnull(strstr(r.reason, "deleted file"));

	/* A deleted parent is not the allowlisted one. */
	in = input(AT_EMPTY_PATH, "", PLAIN, "systemd", "/usr/lib/systemd/systemd (deleted)");
	es_fileless_evaluate(&list, &in, &r);
	ck_assert_int_eq(r.verdict, ES_FILELESS_ALERT);
	es_fileless_allowlist_free(&list);
}
END_TEST

START_TEST(allowlist_canonical)
{
	char dir[] = "/tmp/es-allow-XXXXXX", target[PATH_MAX], link[PATH_MAX];
	struct es_fileless_allowlist list;
	struct es_fileless_result r;
	struct es_fileless_input in;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(target, sizeof(target), "%s/real-systemd", dir);
	snprintf(link, sizeof(link), "%s/link-systemd", dir);
	f = fopen(target, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	ck_assert_int_eq(symlink(target, link), 0);

	ck_assert_int_eq(es_fileless_allowlist_init(&list), 0);
	ck_assert_int_eq(es_fileless_allowlist_add(&list, link), 0);
	/* /proc/<pid>/exe shows the resolved path: it must match. */
	in = input(AT_EMPTY_PATH, "", PLAIN, "systemd", target);
	es_fileless_evaluate(&list, &in, &r);
	ck_assert_int_eq(r.verdict, ES_FILELESS_SUPPRESSED);
	/* Adding the same path twice keeps one entry. */
	ck_assert_int_eq(es_fileless_allowlist_add(&list, target), 0);
	ck_assert_int_eq(es_fileless_allowlist_add(&list, target), 0);
	es_fileless_allowlist_free(&list);
	unlink(link);
	unlink(target);
	rmdir(dir);
}
END_TEST

ES_CHECK_MAIN("fileless", fd_paths, systemd_comm, verdicts, allowlist_canonical)
