// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * execsensor: the agent's main(). Options, privileges and signals here; the
 * BPF programs through the loader (loader.h); every record through the
 * pipeline (pipeline.h), which writes one report per exec; a startup record
 * first and stats records after.
 *
 * Exit status (docs/execsensor.8): 0 stopped by SIGINT, SIGTERM or
 * --duration with everything written; 1 the output failed or the ring
 * buffer could not be read; 2 usage; 3 missing privileges; 4 the BPF
 * programs could not be loaded or attached.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "fileless.h"
#include "loader.h"
#include "metrics.h"
#include "output.h"
#include "pipeline.h"
#include "privileges.h"
#include "procfs.h"
#include "walltime.h"

#define PROG "execsensor"

enum exit_status {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,
	EXIT_USAGE = 2,
	EXIT_PRIVILEGES = 3,
	EXIT_LOAD = 4,
};

#define POLL_TIMEOUT_MS	       100
#define STATS_INTERVAL_DEFAULT 60
#define NSEC_PER_SEC	       1000000000ULL
/* The largest record, behind the ring buffer's 8-byte header. */
#define RINGBUF_MIN_BYTES (ES_RECORD_MAX + 8)
#define DRAIN_TIMEOUT_NS  (NSEC_PER_SEC / 2)
#define DRAIN_RETRY_US	  1000

struct options {
	int format; /* -1 until given: then enum es_format */
	const char *output;
	const char *metrics_file; /* --metrics-file; NULL: none */
	enum es_attach_mode attach;
	const char *btf;
	bool no_kernel_ppid;
	bool no_lineage;
	bool no_context;
	uint32_t ringbuf_size;
	uint64_t duration_s; /* 0: until a signal */
	uint64_t stats_interval_s; /* 0: only at exit */
	uint64_t ancestors; /* --ancestors */
	bool events_fork, events_exit; /* --events */
};

struct agent {
	struct es_output out;
	struct es_fileless_allowlist allow;
	struct es_pipeline pipe;
	bool output_failed;
	struct es_metrics_file metrics; /* metrics.path NULL: no --metrics-file */
	bool metrics_failure_said;
	struct utsname uts;
	struct es_startup_host host;
	const struct es_loader_info *info;
};

static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t reopen_requested; /* SIGHUP: reopen --output (log rotation) */

static void on_hup(int sig)
{
	(void)sig;
	reopen_requested = 1;
}

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [--format json|ecs|text] [--output FILE] [--metrics-file PATH]\n"
		"       [--attach auto|kprobe|tracepoint] [--btf PATH] [--no-kernel-ppid]\n"
		"       [--fileless-allow-executor PATH]... [--fileless-allow-parent PATH]...\n"
		"       [--ringbuf-size BYTES]\n"
		"       [--duration SECONDS] [--stats-interval SECONDS] [--ancestors N]\n"
		"       [--events exec[,fork][,exit]] [--no-lineage] [--no-context]\n"
		"       [--help] [--version]\n"
		"\n"
		"Reports every execve/execveat with its parent read in the kernel.\n"
		"  --format json|ecs|text\n"
		"                       JSON lines (default), Elastic Common Schema documents (one\n"
		"                       a line), or text columns (default on a terminal)\n"
		"  --output FILE        append to FILE instead of writing to stdout\n"
		"  --metrics-file PATH  replace PATH with the stats as Prometheus metrics at each\n"
		"                       stats record (node_exporter's textfile collector reads\n"
		"                       DIR/*.prom); its directory must exist\n"
		"  --attach MODE        auto (kprobes, else tracepoints), kprobe or tracepoint\n"
		"  --btf PATH           kernel BTF to resolve offsets from (default\n"
		"                       /sys/kernel/btf/vmlinux)\n"
		"  --no-kernel-ppid     write 0 offsets: parents come from /proc (to measure it)\n"
		"  --fileless-allow-executor PATH\n"
		"                       a service manager's executor: its exec through a file\n"
		"                       descriptor, the first of a process the manager forked,\n"
		"                       raises no alert (repeatable; defaults\n"
		"                       /usr/lib/systemd/systemd-executor, /lib/systemd/...)\n"
		"  --fileless-allow-parent PATH\n"
		"                       a service manager's exe: PID 1 running it, or a --user\n"
		"                       instance the system manager forked (repeatable; defaults\n"
		"                       /usr/lib/systemd/systemd and /lib/systemd/systemd)\n"
		"  --ringbuf-size BYTES ring buffer size: a power of 2, at least a page and 8K; K/M suffixes\n"
		"  --duration SECONDS   stop after SECONDS (default: at SIGINT or SIGTERM)\n"
		"  --stats-interval SECONDS\n"
		"                       a stats record every SECONDS (default %d; 0: at exit only)\n"
		"  --ancestors N        ancestors in each exec event, nearest first (default 8, at\n"
		"                       most 64; 0: none)\n"
		"  --events LIST        the events written: exec, and fork and exit if listed\n"
		"                       (default exec)\n"
		"  --no-lineage         no fork and exit records nor process table: less kernel\n"
		"                       and agent cost; parent_exe from /proc, no ancestors\n"
		"  --no-context         no credentials, login, tty or namespaces read in the kernel:\n"
		"                       less kernel cost; those members null (cgroup stays)\n"
		"Exit status: 0 stopped normally, 1 output or ring-buffer failure, 2 usage,\n"
		"3 missing privileges, 4 BPF load or attach failure. See execsensor(8).\n",
		STATS_INTERVAL_DEFAULT);
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* BYTES, or BYTES with a K or M suffix (binary). */
static int parse_size(const char *s, uint32_t *out)
{
	uint64_t mult = 1, v;
	char num[32];
	size_t len = strlen(s);

	if (len == 0 || len >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, len + 1);
	if (num[len - 1] == 'k' || num[len - 1] == 'K')
		mult = 1024;
	else if (num[len - 1] == 'm' || num[len - 1] == 'M')
		mult = 1024 * 1024;
	if (mult > 1)
		num[len - 1] = '\0';
	if (parse_u64(num, UINT32_MAX, &v) || v * mult > UINT32_MAX)
		return -EINVAL;
	v *= mult;
	if (v < (uint64_t)getpagesize() || (v & (v - 1)))
		return -ERANGE;
	if (v < RINGBUF_MIN_BYTES)
		return -ENOSPC;
	*out = (uint32_t)v;
	return 0;
}

enum {
	OPT_FORMAT = 'f',
	OPT_OUTPUT = 'o',
	OPT_HELP = 'h',
	OPT_ATTACH = 256,
	OPT_BTF,
	OPT_NO_KERNEL_PPID,
	OPT_ALLOW_PARENT,
	OPT_ALLOW_EXECUTOR,
	OPT_RINGBUF_SIZE,
	OPT_DURATION,
	OPT_STATS_INTERVAL,
	OPT_ANCESTORS,
	OPT_EVENTS,
	OPT_NO_LINEAGE,
	OPT_NO_CONTEXT,
	OPT_METRICS_FILE,
	OPT_VERSION,
};

static const struct option long_options[] = {
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "attach", required_argument, NULL, OPT_ATTACH },
	{ "btf", required_argument, NULL, OPT_BTF },
	{ "no-kernel-ppid", no_argument, NULL, OPT_NO_KERNEL_PPID },
	{ "fileless-allow-parent", required_argument, NULL, OPT_ALLOW_PARENT },
	{ "fileless-allow-executor", required_argument, NULL, OPT_ALLOW_EXECUTOR },
	{ "ringbuf-size", required_argument, NULL, OPT_RINGBUF_SIZE },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "stats-interval", required_argument, NULL, OPT_STATS_INTERVAL },
	{ "ancestors", required_argument, NULL, OPT_ANCESTORS },
	{ "events", required_argument, NULL, OPT_EVENTS },
	{ "no-lineage", no_argument, NULL, OPT_NO_LINEAGE },
	{ "no-context", no_argument, NULL, OPT_NO_CONTEXT },
	{ "metrics-file", required_argument, NULL, OPT_METRICS_FILE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

/* "exec,fork,exit": exec, then any of the others, comma-separated. 0 or -EINVAL. */
static int parse_events(const char *list, struct options *opts)
{
	char buf[64], *save = NULL, *kind;
	bool exec = false;

	if (strlen(list) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, list);
	for (kind = strtok_r(buf, ",", &save); kind; kind = strtok_r(NULL, ",", &save)) {
		if (!strcmp(kind, "exec"))
			exec = true;
		else if (!strcmp(kind, "fork"))
			opts->events_fork = true;
		else if (!strcmp(kind, "exit"))
			opts->events_exit = true;
		else
			return -EINVAL;
	}
	return exec ? 0 : -EINVAL;
}

/* --fileless-allow-parent (@manager) or -executor PATH: EXIT_OK or the exit status. */
static int allow_path(struct es_fileless_allowlist *allow, bool manager, const char *path)
{
	if (path[0] != '/') {
		fprintf(stderr, PROG ": --fileless-allow-%s %s: an absolute path\n",
			manager ? "parent" : "executor", path);
		return EXIT_USAGE;
	}
	if (es_fileless_allowlist_add(allow, manager ? ES_FILELESS_MANAGERS : ES_FILELESS_EXECUTORS,
				      path)) {
		fprintf(stderr, PROG ": out of memory\n");
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

/* EXIT_OK to go on, -1 after --help/--version, else the exit status. */
static int parse_options(int argc, char **argv, struct options *opts,
			 struct es_fileless_allowlist *allow)
{
	uint64_t secs;
	int c, err;

	while ((c = getopt_long(argc, argv, "f:o:h", long_options, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			if (!strcmp(optarg, "json")) {
				opts->format = ES_FORMAT_JSON;
			} else if (!strcmp(optarg, "ecs")) {
				opts->format = ES_FORMAT_ECS;
			} else if (!strcmp(optarg, "text")) {
				opts->format = ES_FORMAT_TEXT;
			} else {
				fprintf(stderr, PROG ": --format %s: json, ecs or text\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_OUTPUT:
			opts->output = optarg;
			break;
		case OPT_METRICS_FILE:
			opts->metrics_file = optarg;
			break;
		case OPT_ATTACH:
			if (es_attach_mode_parse(optarg, &opts->attach)) {
				fprintf(stderr, PROG ": --attach %s: auto, kprobe or tracepoint\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_BTF:
			if (access(optarg, R_OK)) {
				fprintf(stderr, PROG ": --btf %s: %s\n", optarg, strerror(errno));
				return EXIT_USAGE;
			}
			opts->btf = optarg;
			break;
		case OPT_NO_KERNEL_PPID:
			opts->no_kernel_ppid = true;
			break;
		case OPT_NO_LINEAGE:
			opts->no_lineage = true;
			break;
		case OPT_NO_CONTEXT:
			opts->no_context = true;
			break;
		case OPT_ALLOW_PARENT:
		case OPT_ALLOW_EXECUTOR:
			err = allow_path(allow, c == OPT_ALLOW_PARENT, optarg);
			if (err)
				return err;
			break;
		case OPT_RINGBUF_SIZE:
			err = parse_size(optarg, &opts->ringbuf_size);
			if (err) {
				fprintf(stderr, PROG ": --ringbuf-size %s: %s\n", optarg,
					err == -ERANGE ? "must be a power of 2 and at least a page"
					: err == -ENOSPC
						? "too small for the largest exec record"
						: "not a size (BYTES, or with a K or M suffix)");
				return EXIT_USAGE;
			}
			break;
		case OPT_DURATION:
		case OPT_STATS_INTERVAL:
			/* Bounded so that SECONDS * 1e9 fits the 64-bit clock arithmetic. */
			if (parse_u64(optarg, UINT32_MAX, &secs) || (c == OPT_DURATION && !secs)) {
				fprintf(stderr, PROG ": --%s %s: %s\n",
					c == OPT_DURATION ? "duration" : "stats-interval", optarg,
					c == OPT_DURATION ? "a whole number of seconds, at least 1"
							  : "a whole number of seconds");
				return EXIT_USAGE;
			}
			if (c == OPT_DURATION)
				opts->duration_s = secs;
			else
				opts->stats_interval_s = secs;
			break;
		case OPT_ANCESTORS:
			if (parse_u64(optarg, ES_ANCESTORS_MAX, &opts->ancestors)) {
				fprintf(stderr, PROG ": --ancestors %s: a number from 0 to %d\n",
					optarg, ES_ANCESTORS_MAX);
				return EXIT_USAGE;
			}
			break;
		case OPT_EVENTS:
			if (parse_events(optarg, opts)) {
				fprintf(stderr,
					PROG ": --events %s: exec, with fork and exit if wanted "
					     "(\"exec,fork,exit\")\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_HELP:
			usage(stdout);
			return -1;
		case OPT_VERSION:
			printf(PROG " %s\n", EXECSENSOR_VERSION);
			return -1;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (opts->no_lineage && (opts->events_fork || opts->events_exit)) {
		fprintf(stderr, PROG ": --events fork or exit needs lineage (not --no-lineage)\n");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static void on_record(void *ctx, const struct es_record *rec)
{
	struct agent *a = ctx;

	es_pipeline_record(&a->pipe, rec);
}

static void on_log(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, PROG ": %s\n", line);
}

static void flush_output(struct agent *a)
{
	int err;

	if (a->output_failed)
		return;
	err = es_output_flush(&a->out);
	if (err) {
		a->output_failed = true;
		fprintf(stderr, PROG ": writing the output failed: %s\n", strerror(-err));
	}
}

/* SIGHUP: the batch to the old file, then the path anew; a failure keeps the old one. */
static void reopen_output(struct agent *a)
{
	int err;

	if (a->output_failed)
		return;
	err = es_output_reopen(&a->out);
	if (err && a->out.error) {
		a->output_failed = true;
		fprintf(stderr, PROG ": writing the output failed: %s\n", strerror(-err));
	} else if (err) {
		fprintf(stderr, PROG ": SIGHUP: reopening %s: %s; still writing to the file open\n",
			a->out.path, strerror(-err));
	}
}

/* The counters of a stats record, read now. */
static void collect_stats(struct agent *a, struct es_loader *l)
{
	struct es_agent_stats *s = &a->pipe.stats;

	s->kernel_read_ok = !es_loader_read_stats(l, s->kernel);
	s->progs_cnt = es_loader_prog_stats(l, s->progs, ES_PROGS_MAX);
	s->bpf_stats = es_bpf_stats_enabled();
	s->ringbuf_peak_used = es_loader_ringbuf_peak(l);
	s->output_malformed = a->out.malformed;
	s->output_reopens = a->out.reopens;
	s->output_reopen_failures = a->out.reopen_failures;
}

/*
 * The metrics file, before the stats record it equals: that record then
 * counts this write's failure. A failure is said once and counted; the
 * agent goes on, and the next write may succeed.
 */
static void write_metrics(struct agent *a, bool final)
{
	int err;

	if (!a->metrics.path)
		return;
	err = es_metrics_file_write(&a->metrics, &a->pipe.stats, final, &a->host, a->info);
	a->pipe.stats.metrics_write_failures = a->metrics.write_failures;
	if (err && !a->metrics_failure_said) {
		a->metrics_failure_said = true;
		fprintf(stderr,
			PROG ": --metrics-file %s: %s; going on, the stats records count each "
			     "failed write (metrics_write_failures)\n",
			a->metrics.path, strerror(-err));
	}
}

static void write_stats(struct agent *a, struct es_loader *l, bool final)
{
	struct es_agent_stats *s = &a->pipe.stats;

	collect_stats(a, l);
	write_metrics(a, final);
	es_output_stats(&a->out, s, final, es_pipeline_wall_ns(&a->pipe, es_boottime_ns()));
	flush_output(a);
}

/* The startup record; the metrics file at once (its info), not at the first interval. */
static void write_startup(struct agent *a, struct es_loader *l)
{
	const struct es_offset_group_state *exe;

	a->host.version = EXECSENSOR_VERSION;
	a->host.kernel_release = uname(&a->uts) ? "unknown" : a->uts.release;
	a->info = es_loader_info(l);
	exe = &a->info->groups[ES_OFFSET_GROUP_EXE];
	es_fileless_gate_limit(&a->allow, exe->enabled ? NULL : exe->reason, a->info->lineage);
	a->host.fileless = &a->allow;
	es_output_startup(&a->out, &a->host, a->info,
			  es_pipeline_wall_ns(&a->pipe, es_boottime_ns()));
	flush_output(a);
	collect_stats(a, l);
	write_metrics(a, false);
}

static int install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	/* No SA_RESTART: the ring-buffer wait returns at once. */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		return -errno;
	sa.sa_handler = on_hup;
	if (sigaction(SIGHUP, &sa, NULL))
		return -errno;
	/* A closed pipe is an output error (EPIPE), reported and counted, not a silent death. */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* Poll until a signal or the duration; stats on schedule. EXIT_OK or EXIT_RUNTIME. */
static int run(struct agent *a, struct es_loader *l, const struct options *opts)
{
	uint64_t start = es_boottime_ns(), now, next_stats;
	uint64_t interval = opts->stats_interval_s * NSEC_PER_SEC;
	int n;

	next_stats = interval ? start + interval : UINT64_MAX;
	while (!stop_signal && !a->output_failed) {
		n = es_loader_poll(l, POLL_TIMEOUT_MS);
		if (n < 0) {
			fprintf(stderr, PROG ": reading the ring buffer: %s\n", strerror(-n));
			return EXIT_RUNTIME;
		}
		now = es_boottime_ns();
		es_pipeline_tick(&a->pipe);
		flush_output(a);
		if (reopen_requested) {
			reopen_requested = 0;
			reopen_output(a);
		}
		if (now >= next_stats) {
			write_stats(a, l, false);
			next_stats = now + interval;
		}
		if (opts->duration_s && now - start >= opts->duration_s * NSEC_PER_SEC)
			break;
	}
	return a->output_failed ? EXIT_RUNTIME : EXIT_OK;
}

/*
 * After detach, a program that was already running may still submit its
 * record: drain until every record the kernel counted as submitted has
 * arrived (bounded), so that the final stats are exact.
 */
static int drain(struct agent *a, struct es_loader *l)
{
	uint64_t deadline = es_boottime_ns() + DRAIN_TIMEOUT_NS;
	uint64_t kernel[ES_STAT__MAX];
	int n;

	for (;;) {
		do {
			n = es_loader_poll(l, 0);
		} while (n > 0);
		if (n < 0)
			return n;
		if (es_loader_read_stats(l, kernel) ||
		    kernel[ES_STAT_EVENTS] <= a->pipe.stats.records_received ||
		    es_boottime_ns() > deadline)
			return 0;
		usleep(DRAIN_RETRY_US);
	}
}

/* Detach, drain the ring buffer, report what is pending, final stats. */
static int shut_down(struct agent *a, struct es_loader *l)
{
	int err, status = EXIT_OK;

	es_loader_detach(l);
	err = drain(a, l);
	if (err) {
		fprintf(stderr, PROG ": draining the ring buffer: %s\n", strerror(-err));
		status = EXIT_RUNTIME;
	}
	write_stats(a, l, true);
	return a->output_failed ? EXIT_RUNTIME : status;
}

int main(int argc, char **argv)
{
	struct options opts = { .format = -1,
				.stats_interval_s = STATS_INTERVAL_DEFAULT,
				.ancestors = ES_ANCESTORS_DEFAULT };
	struct agent a = { 0 };
	struct es_loader_opts lopts = { 0 };
	const struct es_loader_info *info;
	struct es_loader *l = NULL;
	char missing[64];
	int status, err;

	if (es_fileless_allowlist_init(&a.allow)) {
		fprintf(stderr, PROG ": out of memory\n");
		return EXIT_RUNTIME;
	}
	status = parse_options(argc, argv, &opts, &a.allow);
	if (status) {
		status = status < 0 ? EXIT_OK : status;
		goto out;
	}
	if (opts.metrics_file) {
		err = es_metrics_file_init(&a.metrics, opts.metrics_file);
		if (err) {
			fprintf(stderr, PROG ": --metrics-file %s: %s%s\n", opts.metrics_file,
				err == -EISDIR	 ? "the path of a file is needed, not a directory"
				: err == -ENOMEM ? ""
						 : "its directory must exist: ",
				err == -EISDIR ? "" : strerror(-err));
			status = err == -ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
			goto out;
		}
	}
	err = es_privileges_check(missing, sizeof(missing));
	if (err) {
		fprintf(stderr,
			PROG ": not enough privileges: loading the BPF programs needs CAP_BPF and "
			     "CAP_PERFMON (or CAP_SYS_ADMIN)%s%s%s; run as root or grant them\n",
			err == -EPERM ? ", missing " : "", err == -EPERM ? missing : "",
			err == -EPERM ? "" : " (capget failed)");
		status = EXIT_PRIVILEGES;
		goto out;
	}
	if (!es_privileges_can_read_all_exe())
		fprintf(stderr, PROG ": no CAP_SYS_PTRACE: parent_exe is null for processes "
				     "of other users\n");
	if (opts.format < 0)
		opts.format =
			!opts.output && isatty(STDOUT_FILENO) ? ES_FORMAT_TEXT : ES_FORMAT_JSON;
	err = es_output_open(&a.out, opts.output, opts.format);
	if (err) {
		fprintf(stderr, PROG ": --output %s: %s\n", opts.output, strerror(-err));
		status = EXIT_RUNTIME;
		goto out;
	}
	if (es_pipeline_init(&a.pipe, &a.out, &a.allow, ES_PROCFS_ROOT)) {
		fprintf(stderr, PROG ": out of memory\n");
		status = EXIT_RUNTIME;
		goto out_output;
	}
	if (install_signals()) {
		fprintf(stderr, PROG ": signal handlers: %s\n", strerror(errno));
		status = EXIT_RUNTIME;
		goto out_output;
	}

	lopts.on_record = on_record;
	lopts.ctx = &a;
	lopts.log = on_log;
	lopts.attach = opts.attach;
	lopts.btf_path = opts.btf;
	lopts.no_kernel_ppid = opts.no_kernel_ppid;
	lopts.no_lineage = opts.no_lineage;
	lopts.no_context = opts.no_context;
	lopts.ringbuf_size = opts.ringbuf_size;
	l = es_loader_new(&lopts);
	if (!l) {
		fprintf(stderr, PROG ": %s\n", strerror(errno));
		status = EXIT_RUNTIME;
		goto out_output;
	}
	err = es_loader_load(l);
	if (!err)
		err = es_loader_attach(l);
	if (err) {
		fprintf(stderr, PROG ": %s\n", es_loader_error(l));
		status = err == -EPERM ? EXIT_PRIVILEGES : EXIT_LOAD;
		goto out_loader;
	}
	info = es_loader_info(l);
	/* Records before the failed self-test rewrote the offsets carry wrong parents. */
	a.pipe.trust_kernel_ppid = info->selftest != ES_SELFTEST_MISMATCH;
	a.pipe.ancestors_max = opts.ancestors;
	a.pipe.report_fork = opts.events_fork;
	a.pipe.report_exit = opts.events_exit;
	a.pipe.lineage = info->lineage;
	/* After the attach: a process born since has its fork record. */
	es_pipeline_seed(&a.pipe);
	write_startup(&a, l);

	status = run(&a, l, &opts);
	err = shut_down(&a, l);
	if (!status)
		status = err;
out_loader:
	es_loader_destroy(l);
out_output:
	es_pipeline_free(&a.pipe);
	if (es_output_close(&a.out) && !status) {
		fprintf(stderr, PROG ": writing the output failed\n");
		status = EXIT_RUNTIME;
	}
out:
	es_metrics_file_free(&a.metrics);
	es_fileless_allowlist_free(&a.allow);
	return status;
}
