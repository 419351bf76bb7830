// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The metrics file: every sample equals the stats record's member that
 * docs/metrics.md names (metrics_oracle.py reads the docs, the JSON with
 * python3's json module and the file with a parser of its own), promtool
 * accepts it, it is replaced whole, and a failed write is counted and
 * leaves the previous file.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "metrics.h"
#include "output.h"
#include "python_check.h"

static char dir[] = "/tmp/es-metrics-XXXXXX";
static char prom[64], records[64], tmp[64];

/* Hostile bytes in every string a label is made of. */
static const struct es_startup_host host = { .version = "9.9",
					     .kernel_release = "6.18-\"x\\y\n\x7f\xc3" };
static struct es_loader_info info;
static struct es_proc_table_stats procs;
static struct es_cgroup_paths_stats cgroups;

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(prom, sizeof(prom), "%s/execsensor.prom", dir);
	snprintf(records, sizeof(records), "%s/out.json", dir);
	snprintf(tmp, sizeof(tmp), "%s/.execsensor.prom.tmp", dir);
	es_offset_groups_unresolved("no BTF", info.groups);
	info.groups[ES_OFFSET_GROUP_TASK].enabled = 1;
	info.checks[ES_OFFSET_GROUP_TASK].verdict = ES_GROUP_VERIFIED;
	info.checks[ES_OFFSET_GROUP_EXEC].verdict = ES_GROUP_REFUTED;
	info.attach_mode = ES_ATTACH_KPROBE;
	info.lockdown = ES_LOCKDOWN_INTEGRITY;
	info.selftest = ES_SELFTEST_PASSED;
	info.lineage = true;
	info.ringbuf_size = 1 << 20;
}

static void teardown(void)
{
	unlink(prom);
	unlink(records);
	unlink(tmp);
	rmdir(dir);
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}

/* Every counter a different number, so that no two can be taken for each other. */
static void fill_stats(struct es_agent_stats *s)
{
	uint64_t v = 101;
	int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < ES_STAT__MAX; i++)
		s->kernel[i] = v++;
	for (i = 0; i < ES_PPID_SOURCE__MAX; i++)
		s->ppid_source[i] = v++;
	s->kernel_read_ok = 1;
	s->events = v++;
	s->failures = v++;
	s->path_misses = v++;
	s->fallback_misses = v++;
	s->parent_exe_unknown = v++;
	s->exe_unknown = v++;
	s->fileless_alerts = v++;
	s->fileless_suppressed = v++;
	s->filename_faults = v++;
	s->argv_faults = v++;
	s->dropped_malformed = v++;
	s->dropped_unknown_type = v++;
	s->records_dropped = s->dropped_malformed + s->dropped_unknown_type;
	s->records_received = v++;
	s->output_malformed = v++;
	s->output_reopens = v++;
	s->output_reopen_failures = v++;
	s->metrics_write_failures = v++;
	s->ringbuf_peak_used = v++;
	s->fork_records = v++;
	s->exit_records = v++;
	s->fork_events = v++;
	s->exit_events = v++;
	procs = (struct es_proc_table_stats){ v, v + 1, v + 2, v + 3, v + 4, v + 5, v + 6 };
	v += 7;
	cgroups = (struct es_cgroup_paths_stats){ v, v + 1, v + 2, v + 3, v + 4 };
	v += 5;
	s->procs = &procs;
	s->cgroups = &cgroups;
	s->progs_cnt = 2;
	s->bpf_stats = true;
	s->progs[0] = (struct es_prog_stats){ .name = "tp_sched_exec",
					      .id = 7,
					      .loses = ES_PROG_LOSES_EXEC,
					      .run_cnt = v,
					      .run_time_ns = 1234567891234ULL,
					      .recursion_misses = v + 1 };
	s->progs[1] = (struct es_prog_stats){ .name = "we\"ird\\prog\x01\xff",
					      .id = 8,
					      .run_cnt = v + 2,
					      .run_time_ns = 5,
					      .recursion_misses = v + 3 };
}

/* The startup and stats records as JSON, beside the metrics file. */
static void write_records(const struct es_agent_stats *s, bool final)
{
	struct es_output o;

	ck_assert_int_eq(es_output_open(&o, records, ES_FORMAT_JSON), 0);
	ck_assert_int_eq(es_output_startup(&o, &host, &info, 0), 0);
	ck_assert_int_eq(es_output_stats(&o, s, final, 0), 0);
	ck_assert_int_eq(es_output_close(&o), 0);
}

static const char oracle_check[] =
	"import sys\n"
	"sys.path.insert(0, \"" ES_TEST_AGENT_DIR "\")\n"
	"import metrics_oracle\n"
	"sys.argv[1:] = [\"" ES_DOCS_DIR "/metrics.md\", sys.argv[1] + \"/out.json\",\n"
	"                sys.argv[1] + \"/execsensor.prom\"]\n"
	"if metrics_oracle.main() == 0:\n"
	"    print(\"ok\")\n";

/* The docs' oracle, then promtool's lint: both must accept the file. */
static void check_file(void)
{
	char cmd[256];

	ck_assert_int_eq(es_python_check(oracle_check, dir), 0);
	snprintf(cmd, sizeof(cmd), "promtool check metrics < %s", prom);
	ck_assert_int_eq(system(cmd), 0);
}

static void metrics_of(struct es_metrics_file *m, const struct es_agent_stats *s, bool final)
{
	ck_assert_int_eq(es_metrics_file_write(m, s, final, &host, &info), 0);
	write_records(s, final);
}

START_TEST(samples_equal_the_stats_record)
{
	struct es_metrics_file m;
	struct es_agent_stats s;

	ck_assert_int_eq(es_metrics_file_init(&m, prom), 0);
	fill_stats(&s);
	metrics_of(&m, &s, false);
	check_file();
	metrics_of(&m, &s, true);
	check_file();
	ck_assert_uint_eq(m.write_failures, 0);
	es_metrics_file_free(&m);
}
END_TEST

/* No process table, no cgroup cache, no programs, no BPF stats: those families are left out. */
START_TEST(null_members_leave_their_families_out)
{
	struct es_metrics_file m;
	struct es_agent_stats s;

	ck_assert_int_eq(es_metrics_file_init(&m, prom), 0);
	fill_stats(&s);
	s.procs = NULL;
	s.cgroups = NULL;
	s.bpf_stats = false;
	metrics_of(&m, &s, true);
	check_file();
	s.progs_cnt = -1;
	metrics_of(&m, &s, true);
	check_file();
	es_metrics_file_free(&m);
}
END_TEST

static size_t read_fd(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);

	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	return (size_t)n;
}

/*
 * A reader that opened the file before a write still reads all of the old
 * one: the write made a new inode and renamed it over, it did not rewrite.
 */
START_TEST(replaced_whole_and_readable_by_others)
{
	static char before[16384], held[16384];
	struct es_metrics_file m;
	struct es_agent_stats s;
	struct stat st_old, st_new;
	mode_t old_umask;
	struct dirent *e;
	DIR *d;
	int fd;

	ck_assert_int_eq(es_metrics_file_init(&m, prom), 0);
	fill_stats(&s);
	old_umask = umask(077);
	ck_assert_int_eq(es_metrics_file_write(&m, &s, false, &host, &info), 0);
	fd = open(prom, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st_old), 0);
	read_fd(fd, before, sizeof(before));
	s.events++;
	ck_assert_int_eq(es_metrics_file_write(&m, &s, true, &host, &info), 0);
	umask(old_umask);
	read_fd(fd, held, sizeof(held));
	ck_assert_str_eq(held, before);
	close(fd);
	ck_assert_int_eq(stat(prom, &st_new), 0);
	ck_assert_uint_ne(st_new.st_ino, st_old.st_ino);
	ck_assert_uint_eq(st_new.st_mode & 07777, 0644);
	ck_assert_uint_eq(st_old.st_mode & 07777, 0644);
	ck_assert_ptr_nonnull(strstr(before, "\nexecsensor_stats_final 0\n"));
	/* Only the file: no temporary one left behind. */
	d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		ck_assert_msg(!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
				      !strcmp(e->d_name, "execsensor.prom"),
			      "%s left in the directory", e->d_name);
	closedir(d);
	es_metrics_file_free(&m);
}
END_TEST

/* A symlink planted under the temporary name is removed, never written through. */
START_TEST(planted_symlink_not_followed)
{
	char victim[80], buf[64];
	struct es_metrics_file m;
	struct es_agent_stats s;
	struct stat st;
	int fd;

	snprintf(victim, sizeof(victim), "%s/victim", dir);
	fd = open(victim, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "keep", 4), 4);
	close(fd);
	ck_assert_int_eq(symlink(victim, tmp), 0);
	ck_assert_int_eq(es_metrics_file_init(&m, prom), 0);
	fill_stats(&s);
	ck_assert_int_eq(es_metrics_file_write(&m, &s, false, &host, &info), 0);
	fd = open(victim, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	read_fd(fd, buf, sizeof(buf));
	close(fd);
	ck_assert_str_eq(buf, "keep");
	ck_assert_int_eq(lstat(prom, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(lstat(tmp, &st), -1);
	unlink(victim);
	es_metrics_file_free(&m);
}
END_TEST

/* A failed write is counted, leaves no temporary file, and the next one may succeed. */
START_TEST(failed_writes_counted)
{
	struct es_metrics_file m;
	struct es_agent_stats s;
	struct stat st;

	ck_assert_int_eq(es_metrics_file_init(&m, prom), 0);
	fill_stats(&s);
	/* The directory gone. */
	ck_assert_int_eq(rmdir(dir), 0);
	ck_assert_int_eq(es_metrics_file_write(&m, &s, false, &host, &info), -ENOENT);
	ck_assert_uint_eq(m.write_failures, 1);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	ck_assert_int_eq(es_metrics_file_write(&m, &s, false, &host, &info), 0);
	ck_assert_uint_eq(m.write_failures, 1);
	/* The path taken by a directory: the rename fails, the temporary file goes. */
	ck_assert_int_eq(unlink(prom), 0);
	ck_assert_int_eq(mkdir(prom, 0700), 0);
	ck_assert_int_eq(es_metrics_file_write(&m, &s, true, &host, &info), -EISDIR);
	ck_assert_uint_eq(m.write_failures, 2);
	ck_assert_int_eq(lstat(tmp, &st), -1);
	ck_assert_int_eq(rmdir(prom), 0);
	es_metrics_file_free(&m);
}
END_TEST

START_TEST(init_needs_a_file_in_a_directory)
{
	struct es_metrics_file m;
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/missing/x.prom", dir);
	ck_assert_int_eq(es_metrics_file_init(&m, path), -ENOENT);
	fd = open(prom, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(path, sizeof(path), "%s/x.prom", prom);
	ck_assert_int_eq(es_metrics_file_init(&m, path), -ENOTDIR);
	ck_assert_int_eq(es_metrics_file_init(&m, ""), -EISDIR);
	snprintf(path, sizeof(path), "%s/", dir);
	ck_assert_int_eq(es_metrics_file_init(&m, path), -EISDIR);
	ck_assert_int_eq(es_metrics_file_init(&m, dir), -EISDIR);
	/* A name alone is in the working directory; the temporary file beside it. */
	ck_assert_int_eq(es_metrics_file_init(&m, "x.prom"), 0);
	ck_assert_str_eq(m.tmp, ".x.prom.tmp");
	es_metrics_file_free(&m);
	ck_assert_int_eq(es_metrics_file_init(&m, "/x.prom"), 0);
	ck_assert_str_eq(m.tmp, "/.x.prom.tmp");
	es_metrics_file_free(&m);
	ck_assert_int_eq(es_metrics_file_init(&m, prom), 0);
	ck_assert_str_eq(m.tmp, tmp);
	es_metrics_file_free(&m);
}
END_TEST

int main(void)
{
	const struct es_check_case cases[] = {
		{ "metrics",
		  ES_CHECK_TESTS(
			  samples_equal_the_stats_record, null_members_leave_their_families_out,
			  replaced_whole_and_readable_by_others, planted_symlink_not_followed,
			  failed_writes_counted, init_needs_a_file_in_a_directory),
		  .setup = setup, .teardown = teardown },
		{ NULL },
	};

	return es_check_run("metrics", NULL, cases);
}
