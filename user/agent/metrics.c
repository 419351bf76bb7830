// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The metrics file (metrics.h). One table lists each family with where its
 * samples come from; the info metrics and the per-program families, whose
 * labels come from the loader, are written beside it. docs/metrics.md says
 * which stats member each equals, and test/agent checks it against the JSON.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metrics.h"

#define NSEC_PER_SEC UINT64_C(1000000000)

/* Where a sample's value is: a uint64_t at an offset into one of these. */
enum source {
	SRC_STATS, /* struct es_agent_stats */
	SRC_DERIVED, /* struct derived: computed from the stats */
	SRC_PROCS, /* struct es_proc_table_stats; absent without a process table */
	SRC_CGROUPS, /* struct es_cgroup_paths_stats; absent without the cache */
};

/* What the stats record says that no one stats member holds. */
struct derived {
	struct es_unreported unreported;
	uint64_t fork_recursion, exit_recursion; /* skipped runs that lost those records */
};

struct sample {
	const char *label; /* the family's label's value, "" without a label; NULL: no sample */
	enum source src;
	size_t at;
};

#define SAMPLES_MAX 7

struct family {
	const char *name;
	const char *type;
	const char *help;
	const char *label; /* the label's name, or NULL */
	/* Their sources are present or absent together: the first one's says. */
	struct sample samples[SAMPLES_MAX];
};

#define STATS(member)	   .src = SRC_STATS, .at = offsetof(struct es_agent_stats, member)
#define KERNEL(stat)	   STATS(kernel[stat])
#define DERIVED(member)	   .src = SRC_DERIVED, .at = offsetof(struct derived, member)
#define UNREPORTED(member) DERIVED(unreported.member)
#define PROCS(member)	   .src = SRC_PROCS, .at = offsetof(struct es_proc_table_stats, member)
#define CGROUPS(member)	   .src = SRC_CGROUPS, .at = offsetof(struct es_cgroup_paths_stats, member)

/* A family of one sample without labels; its source after the help text. */
#define ONE(metric, kind, text, ...)                              \
	{                                                         \
		.name = (metric), .type = (kind), .help = (text), \
		.samples = { { .label = "", __VA_ARGS__ } },      \
	}
#define COUNTER(metric, text, ...) ONE(metric, "counter", text, __VA_ARGS__)

static const struct family families[] = {
	COUNTER("execsensor_exec_events_total",
		"Exec events written (successful and failed execs).", STATS(events)),
	COUNTER("execsensor_exec_failures_total", "Exec events of failed execs (ret < 0).",
		STATS(failures)),
	{ "execsensor_exec_ppid_source_total",
	  "counter",
	  "Exec events by where their parent came from.",
	  "source",
	  { { "kernel", STATS(ppid_source[ES_PPID_SOURCE_KERNEL]) },
	    { "procfs", STATS(ppid_source[ES_PPID_SOURCE_PROCFS]) },
	    { "unknown", STATS(ppid_source[ES_PPID_SOURCE_UNKNOWN]) },
	    { "fork", STATS(ppid_source[ES_PPID_SOURCE_FORK]) } } },
	{ "execsensor_records_lost_total",
	  "counter",
	  "Records the kernel did not deliver, by cause.",
	  "reason",
	  { { "exec", KERNEL(ES_STAT_LOST_EXEC) },
	    { "failure", KERNEL(ES_STAT_LOST_FAILURE) },
	    { "recursion", UNREPORTED(recursion) },
	    { "fork", KERNEL(ES_STAT_LOST_FORK) },
	    { "exit", KERNEL(ES_STAT_LOST_EXIT) },
	    { "fork_recursion", DERIVED(fork_recursion) },
	    { "exit_recursion", DERIVED(exit_recursion) } } },
	{ "execsensor_execs_unreported_total",
	  "counter",
	  "Execs that happened but have no exec event, by cause.",
	  "reason",
	  { { "ringbuf_full", UNREPORTED(ringbuf_full) },
	    { "recursion", UNREPORTED(recursion) },
	    { "agent_dropped", UNREPORTED(agent_dropped) } } },
	{ "execsensor_records_dropped_total",
	  "counter",
	  "Records the agent could not use, by cause.",
	  "reason",
	  { { "malformed", STATS(dropped_malformed) },
	    { "unknown_type", STATS(dropped_unknown_type) } } },
	COUNTER("execsensor_records_received_total", "Records the ring buffer handed to the agent.",
		STATS(records_received)),
	COUNTER("execsensor_kernel_records_total", "Records the kernel submitted.",
		KERNEL(ES_STAT_EVENTS)),
	COUNTER("execsensor_kernel_ppid_reads_total",
		"Exec and failure records sent with a parent the kernel read.",
		KERNEL(ES_STAT_PPID_KERNEL)),
	COUNTER("execsensor_kernel_offsets_absent_total",
		"Records for which the kernel had no TASK_OFFSETS.",
		KERNEL(ES_STAT_OFFSETS_ABSENT)),
	COUNTER("execsensor_kernel_read_failures_total",
		"Records whose in-kernel parent read failed.", KERNEL(ES_STAT_KERNEL_READ_FAIL)),
	COUNTER("execsensor_context_read_failures_total",
		"Exec records with a part of their context unreadable in the kernel.",
		KERNEL(ES_STAT_CONTEXT_FAULT)),
	COUNTER("execsensor_procfs_fallback_misses_total",
		"Exec events for which /proc gave no parent either.", STATS(fallback_misses)),
	COUNTER("execsensor_parent_exe_unknown_total", "Exec events whose parent_exe is null.",
		STATS(parent_exe_unknown)),
	COUNTER("execsensor_exe_unknown_total", "Successful execs whose exe is null.",
		STATS(exe_unknown)),
	COUNTER("execsensor_filename_faults_total",
		"Exec events whose filename the kernel could not read.", STATS(filename_faults)),
	COUNTER("execsensor_argv_faults_total",
		"Exec events part of whose argv the kernel could not read.", STATS(argv_faults)),
	COUNTER("execsensor_path_misses_total", "PATH-search misses folded into exec events.",
		STATS(path_misses)),
	COUNTER("execsensor_fileless_alerts_total", "Fileless execs reported with an alert.",
		STATS(fileless_alerts)),
	COUNTER("execsensor_fileless_suppressed_total",
		"Fileless execs whose alert the allowlist suppressed.", STATS(fileless_suppressed)),
	COUNTER("execsensor_ringbuf_submitted_bytes_total",
		"Bytes of records submitted to the ring buffer, without its record headers.",
		KERNEL(ES_STAT_BYTES)),
	ONE("execsensor_ringbuf_peak_used_bytes", "gauge",
	    "The most bytes the ring buffer held unread when the agent came to read it.",
	    STATS(ringbuf_peak_used)),
	COUNTER("execsensor_entry_no_pending_total",
		"Exec records made without the syscall entry's state.",
		KERNEL(ES_STAT_EXEC_NO_PENDING)),
	COUNTER("execsensor_entry_regs_unreadable_total",
		"Syscall entries whose registers were unreadable (kprobe mode).",
		KERNEL(ES_STAT_ENTRY_REGS)),
	COUNTER("execsensor_entry_args_full_total",
		"Syscall entries whose argv was not kept: the map was full.",
		KERNEL(ES_STAT_ENTRY_ARGS_FULL)),
	COUNTER("execsensor_path_misses_held_total", "PATH-search misses held for folding.",
		KERNEL(ES_STAT_FAILURES_HELD)),
	COUNTER("execsensor_path_misses_hold_full_total",
		"PATH-search misses reported at once: the hold map was full.",
		KERNEL(ES_STAT_HELD_FULL)),
	COUNTER("execsensor_entry_pending_taken_total",
		"Syscall entry states overwritten by another thread's exec.",
		KERNEL(ES_STAT_PENDING_TAKEN)),
	{ "execsensor_lineage_records_total",
	  "counter",
	  "Fork and exit records applied to the process table.",
	  "kind",
	  { { "fork", STATS(fork_records) }, { "exit", STATS(exit_records) } } },
	{ "execsensor_lineage_events_total",
	  "counter",
	  "Fork and exit events written.",
	  "kind",
	  { { "fork", STATS(fork_events) }, { "exit", STATS(exit_events) } } },
	ONE("execsensor_process_table_entries", "gauge", "Processes in the process table.",
	    PROCS(entries)),
	COUNTER("execsensor_process_table_seeded_total", "Processes seeded from /proc at start.",
		PROCS(seeded)),
	COUNTER("execsensor_process_table_forks_total", "Fork records applied to the table.",
		PROCS(forks)),
	COUNTER("execsensor_process_table_exits_total", "Exit records applied to the table.",
		PROCS(exits)),
	COUNTER("execsensor_process_table_removed_total",
		"Entries removed after their process exited.", PROCS(removed)),
	COUNTER("execsensor_process_table_evicted_total",
		"Exited entries evicted at the table's cap.", PROCS(evicted)),
	COUNTER("execsensor_process_table_refused_total",
		"Entries refused at the cap: every entry was a live process.", PROCS(full)),
	COUNTER("execsensor_cgroup_path_cache_hits_total", "Cgroup ids found in the path cache.",
		CGROUPS(hits)),
	COUNTER("execsensor_cgroup_path_lookups_total", "Cgroup ids looked up on cgroupfs.",
		CGROUPS(lookups)),
	{ "execsensor_cgroup_path_found_total",
	  "counter",
	  "Cgroup paths found on cgroupfs, by method.",
	  "method",
	  { { "by_handle", CGROUPS(by_handle) }, { "by_walk", CGROUPS(by_walk) } } },
	COUNTER("execsensor_cgroup_path_unknown_total", "Cgroup ids whose path was not found.",
		CGROUPS(unknown)),
	COUNTER("execsensor_output_malformed_total",
		"Records not written because their document came out malformed.",
		STATS(output_malformed)),
	COUNTER("execsensor_output_reopens_total", "SIGHUPs that reopened the output file.",
		STATS(output_reopens)),
	COUNTER("execsensor_output_reopen_failures_total",
		"SIGHUPs whose reopen failed (the open file was kept).",
		STATS(output_reopen_failures)),
	COUNTER("execsensor_metrics_write_failures_total",
		"Writes of this metrics file that failed.", STATS(metrics_write_failures)),
};

/* Each program's families, labelled by its name; @ns: nanoseconds written as seconds. */
struct program_family {
	const char *name;
	const char *help;
	size_t at; /* a uint64_t of struct es_prog_stats */
	bool ns;
	bool bpf_stats; /* counted only while kernel.bpf_stats_enabled is 1 */
};

static const struct program_family program_families[] = {
	{ "execsensor_program_runs_total", "Runs of each BPF program (kernel BPF stats).",
	  offsetof(struct es_prog_stats, run_cnt), false, true },
	{ "execsensor_program_run_seconds_total",
	  "Kernel time spent in each BPF program (kernel BPF stats).",
	  offsetof(struct es_prog_stats, run_time_ns), true, true },
	{ "execsensor_program_recursion_misses_total",
	  "Runs of each BPF program the kernel skipped: a BPF program was already running.",
	  offsetof(struct es_prog_stats, recursion_misses), false, false },
};

static void header(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/*
 * A label value: printable ASCII as it is but '\' and '"' escaped, any other
 * byte as the four characters \xHH (the text format allows no other escape).
 */
static void label_value(FILE *f, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c == '\\' || c == '"')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\\\x%02x", c);
		else
			fputc(c, f);
	}
}

static void label(FILE *f, bool first, const char *name, const char *value)
{
	fprintf(f, "%s%s=\"", first ? "{" : ",", name);
	label_value(f, value, strlen(value));
	fputc('"', f);
}

static const void *source_base(enum source src, const struct es_agent_stats *s,
			       const struct derived *u)
{
	switch (src) {
	case SRC_STATS:
		return s;
	case SRC_DERIVED:
		return u;
	case SRC_PROCS:
		return s->procs;
	case SRC_CGROUPS:
		return s->cgroups;
	}
	return NULL;
}

static uint64_t u64_at(const void *base, size_t at)
{
	uint64_t v;

	memcpy(&v, (const char *)base + at, sizeof(v));
	return v;
}

/* A family of the table; none of it when its source is absent. */
static void family(FILE *f, const struct family *fam, const struct es_agent_stats *s,
		   const struct derived *u)
{
	const struct sample *smp;

	if (!source_base(fam->samples[0].src, s, u))
		return;
	header(f, fam->name, fam->type, fam->help);
	for (smp = fam->samples; smp < fam->samples + SAMPLES_MAX && smp->label; smp++) {
		fputs(fam->name, f);
		if (fam->label) {
			label(f, true, fam->label, smp->label);
			fputc('}', f);
		}
		fprintf(f, " %" PRIu64 "\n", u64_at(source_base(smp->src, s, u), smp->at));
	}
}

static void programs(FILE *f, const struct program_family *fam, const struct es_agent_stats *s)
{
	const struct es_prog_stats *p;
	uint64_t v;

	if (s->progs_cnt <= 0 || (fam->bpf_stats && !s->bpf_stats))
		return;
	header(f, fam->name, "counter", fam->help);
	for (p = s->progs; p < s->progs + s->progs_cnt; p++) {
		fprintf(f, "%s{program=\"", fam->name);
		label_value(f, p->name, strnlen(p->name, sizeof(p->name)));
		v = u64_at(p, fam->at);
		if (fam->ns)
			fprintf(f, "\"} %" PRIu64 ".%09" PRIu64 "\n", v / NSEC_PER_SEC,
				v % NSEC_PER_SEC);
		else
			fprintf(f, "\"} %" PRIu64 "\n", v);
	}
}

/* What the startup record says of the agent, as labels of a constant 1. */
static void info_metrics(FILE *f, const struct es_startup_host *host,
			 const struct es_loader_info *info)
{
	size_t i;

	header(f, "execsensor_info", "gauge",
	       "The agent: version, kernel, attach mode, lockdown, self-test, lineage.");
	fputs("execsensor_info", f);
	label(f, true, "version", host->version);
	label(f, false, "kernel_release", host->kernel_release);
	label(f, false, "attach_mode", es_attach_mode_name(info->attach_mode));
	label(f, false, "lockdown", es_lockdown_name(info->lockdown));
	label(f, false, "selftest", es_selftest_name(info->selftest));
	label(f, false, "kernel_ppid",
	      info->groups[ES_OFFSET_GROUP_TASK].enabled ? "true" : "false");
	label(f, false, "lineage", info->lineage ? "true" : "false");
	fputs("} 1\n", f);
	header(f, "execsensor_offset_group_info", "gauge",
	       "Each map of kernel offsets: whether it is on, and the self-test's verdict.");
	for (i = 0; i < ES_OFFSET_GROUP__MAX; i++) {
		fputs("execsensor_offset_group_info", f);
		label(f, true, "map", info->groups[i].group->map);
		label(f, false, "enabled", info->groups[i].enabled ? "true" : "false");
		label(f, false, "selftest", es_group_verdict_name(info->checks[i].verdict));
		fputs("} 1\n", f);
	}
	header(f, "execsensor_ringbuf_size_bytes", "gauge", "The ring buffer's size.");
	fprintf(f, "execsensor_ringbuf_size_bytes %" PRIu32 "\n", info->ringbuf_size);
}

static void format_metrics(FILE *f, const struct es_agent_stats *s, bool final,
			   const struct es_startup_host *host, const struct es_loader_info *info)
{
	struct derived u = {
		.fork_recursion = es_stats_recursion_misses(s, ES_PROG_LOSES_FORK),
		.exit_recursion = es_stats_recursion_misses(s, ES_PROG_LOSES_EXIT),
	};
	size_t i;

	es_stats_unreported(s, &u.unreported);
	info_metrics(f, host, info);
	header(f, "execsensor_stats_final", "gauge",
	       "1 when written at exit (the agent stopped), 0 while it runs.");
	fprintf(f, "execsensor_stats_final %d\n", final);
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		family(f, &families[i], s, &u);
	for (i = 0; i < sizeof(program_families) / sizeof(program_families[0]); i++)
		programs(f, &program_families[i], s);
}

int es_metrics_file_init(struct es_metrics_file *m, const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	int dir_len = (int)(name - path); /* "DIR/", or "" for the working directory */
	struct stat st;
	char *dot;
	int err;

	memset(m, 0, sizeof(*m));
	if (!*name || (!stat(path, &st) && S_ISDIR(st.st_mode)))
		return -EISDIR;
	/* "DIR/." resolves only when DIR is a directory: ENOENT, else ENOTDIR. */
	if (asprintf(&dot, "%.*s.", dir_len, path) < 0)
		return -ENOMEM;
	err = stat(dot, &st) ? -errno : 0;
	free(dot);
	if (err)
		return err;
	m->path = strdup(path);
	if (!m->path || asprintf(&m->tmp, "%.*s.%s.tmp", dir_len, path, name) < 0) {
		free(m->path);
		m->path = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* @buf as the temporary file, readable by the collector's user whatever the umask. */
static int write_tmp(const char *tmp, const char *buf, size_t len)
{
	int fd, err;

	/* A leftover of a crash, or anything planted under the name, goes first. */
	if (unlink(tmp) && errno != ENOENT)
		return -errno;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	err = fchmod(fd, 0644) ? -errno : es_write_all(fd, buf, len);
	if (close(fd) && !err)
		err = -errno;
	return err;
}

int es_metrics_file_write(struct es_metrics_file *m, const struct es_agent_stats *s, bool final,
			  const struct es_startup_host *host, const struct es_loader_info *info)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int err;

	f = open_memstream(&buf, &len);
	if (!f) {
		err = -errno;
		goto out;
	}
	format_metrics(f, s, final, host, info);
	if (fclose(f)) {
		err = -ENOMEM;
		goto out;
	}
	err = write_tmp(m->tmp, buf, len);
	if (!err && rename(m->tmp, m->path))
		err = -errno;
	if (err)
		unlink(m->tmp);
out:
	free(buf);
	if (err)
		m->write_failures++;
	return err;
}

void es_metrics_file_free(struct es_metrics_file *m)
{
	free(m->path);
	free(m->tmp);
	m->path = m->tmp = NULL;
}
