// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Cgroup ids to paths: on a fixture tree (a mountinfo naming a cgroup2 mount
 * and directories standing for cgroups; ids are their inode numbers, as
 * kernfs's are), the walk, the cache and the unknown; as root, on the real
 * cgroup2 mount with a cgroup made for the test, both the file handle and
 * the walk against stat(2)'s inode number.
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup_path.h"
#include "check_main.h"

static char root[] = "/tmp/es-cgroup-XXXXXX";

static void write_file(const char *rel, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void mkdir_rel(const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	ck_assert_int_eq(mkdir(path, 0755), 0);
}

static uint64_t ino_of(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_ino;
}

static uint64_t ino_rel(const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return ino_of(path);
}

/* A fixture: proc/self/mountinfo naming @mount's type, and a tree under cg/. */
static void fixture(const char *fstype)
{
	char line[512];

	ck_assert_ptr_nonnull(mkdtemp(root));
	mkdir_rel("proc");
	mkdir_rel("proc/self");
	snprintf(line, sizeof(line),
		 "22 1 0:21 / /proc rw,nosuid - proc proc rw\n"
		 "30 25 0:26 / /cg rw,nosuid,nodev,noexec - %s cgroup2 rw,nsdelegate\n",
		 fstype);
	write_file("proc/self/mountinfo", line);
	mkdir_rel("cg");
	mkdir_rel("cg/system.slice");
	mkdir_rel("cg/system.slice/docker-ab.scope");
	mkdir_rel("cg/user.slice");
}

START_TEST(walk_finds_each_directory)
{
	struct es_cgroup_paths c;

	fixture("cgroup2");
	ck_assert_int_eq(es_cgroup_paths_init(&c, root), 0);
	ck_assert_str_eq(es_cgroup_path(&c, ino_rel("cg/system.slice/docker-ab.scope")),
			 "/system.slice/docker-ab.scope");
	ck_assert_str_eq(es_cgroup_path(&c, ino_rel("cg/user.slice")), "/user.slice");
	ck_assert_str_eq(es_cgroup_path(&c, ino_rel("cg")), "/");
	/* Again: from the cache. */
	ck_assert_str_eq(es_cgroup_path(&c, ino_rel("cg/user.slice")), "/user.slice");
	ck_assert_uint_eq(c.stats.lookups, 3);
	ck_assert_uint_eq(c.stats.by_walk, 3);
	ck_assert_uint_eq(c.stats.hits, 1);
	/* An id of no directory there (a file's inode): unknown, and cached so. */
	ck_assert_ptr_null(es_cgroup_path(&c, ino_rel("proc/self/mountinfo")));
	ck_assert_ptr_null(es_cgroup_path(&c, ino_rel("proc/self/mountinfo")));
	ck_assert_uint_eq(c.stats.unknown, 1);
	ck_assert_ptr_null(es_cgroup_path(&c, 0));
	es_cgroup_paths_free(&c);
}
END_TEST

/* A cgroup v1 host: no cgroup2 mount, every path unknown; so without a mountinfo. */
START_TEST(no_cgroup2_mount)
{
	struct es_cgroup_paths c;

	fixture("cgroup");
	ck_assert_int_eq(es_cgroup_paths_init(&c, root), 0);
	ck_assert_str_eq(c.mount, "");
	ck_assert_ptr_null(es_cgroup_path(&c, ino_rel("cg/user.slice")));
	ck_assert_uint_eq(c.stats.unknown, 1);
	es_cgroup_paths_free(&c);
	ck_assert_int_eq(es_cgroup_paths_init(&c, "/nonexistent-es-root"), 0);
	ck_assert_ptr_null(es_cgroup_path(&c, 1));
	es_cgroup_paths_free(&c);
}
END_TEST

/* The cgroup2 mount point, from the real mountinfo: "" when there is none. */
static void real_mount(char *out, size_t size)
{
	struct es_cgroup_paths c;

	ck_assert_int_eq(es_cgroup_paths_init(&c, ""), 0);
	snprintf(out, size, "%s", c.mount);
	es_cgroup_paths_free(&c);
}

START_TEST(real_cgroup_by_handle_and_by_walk)
{
	char mount[PATH_MAX], top[PATH_MAX], leaf[PATH_MAX], want[PATH_MAX];
	struct es_cgroup_paths c;
	uint64_t id;

	if (geteuid()) {
		es_check_skip("real_cgroup_by_handle_and_by_walk",
			      "not root: cgroups cannot be made");
		return;
	}
	real_mount(mount, sizeof(mount));
	ck_assert_msg(mount[0], "no cgroup2 mount in /proc/self/mountinfo");
	snprintf(top, sizeof(top), "%.3000s/execsensor-test-%d", mount, (int)getpid());
	snprintf(leaf, sizeof(leaf), "%.3900s/docker-%064d.scope", top, 0);
	ck_assert_msg(!mkdir(top, 0755) && !mkdir(leaf, 0755), "mkdir under %s: %s", mount,
		      strerror(errno));
	id = ino_of(leaf);
	snprintf(want, sizeof(want), "%s", leaf + strlen(mount));

	ck_assert_int_eq(es_cgroup_paths_init(&c, ""), 0);
	ck_assert_str_eq(es_cgroup_path(&c, id), want);
	ck_assert_uint_eq(c.stats.by_handle, 1); /* root has CAP_DAC_READ_SEARCH */
	es_cgroup_paths_free(&c);

	ck_assert_int_eq(es_cgroup_paths_init(&c, ""), 0);
	c.handles = false; /* as without CAP_DAC_READ_SEARCH */
	ck_assert_str_eq(es_cgroup_path(&c, id), want);
	ck_assert_uint_eq(c.stats.by_walk, 1);
	es_cgroup_paths_free(&c);

	ck_assert_int_eq(rmdir(leaf), 0);
	ck_assert_int_eq(rmdir(top), 0);
	/* Removed since: unknown either way. */
	ck_assert_int_eq(es_cgroup_paths_init(&c, ""), 0);
	ck_assert_ptr_null(es_cgroup_path(&c, id));
	ck_assert_uint_eq(c.stats.unknown, 1);
	es_cgroup_paths_free(&c);
}
END_TEST

ES_CHECK_MAIN("cgroup_path", walk_finds_each_directory, no_cgroup2_mount,
	      real_cgroup_by_handle_and_by_walk)
