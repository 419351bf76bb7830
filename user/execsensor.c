// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * execsensor: the agent. Loads the BPF programs (loader.h), joins each
 * exec record with its result, adds what userspace knows (the /proc
 * fallback for the ppid, the parent's exe, the fileless verdict) and writes
 * one record per exec, a startup record first and stats records after.
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

#include "event_join.h"
#include "exec_image.h"
#include "exec_report.h"
#include "fileless.h"
#include "loader.h"
#include "output.h"
#include "parent_cache.h"
#include "privileges.h"
#include "procfs.h"
#include "stats.h"
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
/* One exec record and its result, each behind the ring buffer's 8-byte header. */
#define RINGBUF_MIN_BYTES (sizeof(struct es_exec_event) + sizeof(struct es_exec_result) + 2 * 8)
#define DRAIN_TIMEOUT_NS  (NSEC_PER_SEC / 2)
#define DRAIN_RETRY_US	  1000

struct options {
	int format; /* -1 until given: then enum es_format */
	const char *output;
	enum es_attach_mode attach;
	const char *btf;
	bool no_kernel_ppid;
	uint32_t ringbuf_size;
	uint64_t duration_s; /* 0: until a signal */
	uint64_t stats_interval_s; /* 0: only at exit */
};

struct agent {
	struct es_output out;
	struct es_clock clock;
	struct parent_cache parents;
	struct fileless_allowlist allow;
	struct event_join join;
	struct es_agent_stats stats;
	bool trust_kernel_ppid; /* false after a failed self-test */
	bool output_failed;
};

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [--format json|text] [--output FILE]\n"
		"       [--attach auto|kprobe|tracepoint] [--btf PATH] [--no-kernel-ppid]\n"
		"       [--fileless-allow-parent PATH]... [--ringbuf-size BYTES]\n"
		"       [--duration SECONDS] [--stats-interval SECONDS] [--help] [--version]\n"
		"\n"
		"Reports every execve/execveat with its parent read in the kernel.\n"
		"  --format json|text   JSON lines (default), or text columns (default on a terminal)\n"
		"  --output FILE        append to FILE instead of writing to stdout\n"
		"  --attach MODE        auto (kprobes, else tracepoints), kprobe or tracepoint\n"
		"  --btf PATH           kernel BTF to resolve offsets from (default\n"
		"                       /sys/kernel/btf/vmlinux)\n"
		"  --no-kernel-ppid     write 0 offsets: parents come from /proc (to measure it)\n"
		"  --fileless-allow-parent PATH\n"
		"                       a parent exe whose systemd-named children may exec\n"
		"                       filelessly without an alert (repeatable; defaults\n"
		"                       /usr/lib/systemd/systemd and /lib/systemd/systemd)\n"
		"  --ringbuf-size BYTES ring buffer size: a power of 2, at least a page and 8K; K/M suffixes\n"
		"  --duration SECONDS   stop after SECONDS (default: at SIGINT or SIGTERM)\n"
		"  --stats-interval SECONDS\n"
		"                       a stats record every SECONDS (default %d; 0: at exit only)\n"
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
	OPT_RINGBUF_SIZE,
	OPT_DURATION,
	OPT_STATS_INTERVAL,
	OPT_VERSION,
};

static const struct option long_options[] = {
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "attach", required_argument, NULL, OPT_ATTACH },
	{ "btf", required_argument, NULL, OPT_BTF },
	{ "no-kernel-ppid", no_argument, NULL, OPT_NO_KERNEL_PPID },
	{ "fileless-allow-parent", required_argument, NULL, OPT_ALLOW_PARENT },
	{ "ringbuf-size", required_argument, NULL, OPT_RINGBUF_SIZE },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "stats-interval", required_argument, NULL, OPT_STATS_INTERVAL },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

/* EXIT_OK to go on, -1 after --help/--version, else the exit status. */
static int parse_options(int argc, char **argv, struct options *opts,
			 struct fileless_allowlist *allow)
{
	uint64_t secs;
	int c, err;

	while ((c = getopt_long(argc, argv, "f:o:h", long_options, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			if (!strcmp(optarg, "json")) {
				opts->format = ES_FORMAT_JSON;
			} else if (!strcmp(optarg, "text")) {
				opts->format = ES_FORMAT_TEXT;
			} else {
				fprintf(stderr, PROG ": --format %s: json or text\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_OUTPUT:
			opts->output = optarg;
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
		case OPT_ALLOW_PARENT:
			if (optarg[0] != '/') {
				fprintf(stderr,
					PROG ": --fileless-allow-parent %s: an absolute path\n",
					optarg);
				return EXIT_USAGE;
			}
			if (fileless_allowlist_add(allow, optarg)) {
				fprintf(stderr, PROG ": out of memory\n");
				return EXIT_RUNTIME;
			}
			break;
		case OPT_RINGBUF_SIZE:
			err = parse_size(optarg, &opts->ringbuf_size);
			if (err) {
				fprintf(stderr, PROG ": --ringbuf-size %s: %s\n", optarg,
					err == -ERANGE ? "must be a power of 2 and at least a page"
					: err == -ENOSPC
						? "too small for one exec record and its result"
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
	return EXIT_OK;
}

/* The ppid and its source: the kernel's, else /proc/<pid>/status, else unknown. */
static void resolve_ppid(struct agent *a, struct es_exec_report *r)
{
	const struct es_exec_event *ev = &r->ev;
	uint32_t ppid;

	if ((ev->flags & ES_EXEC_F_PPID_KERNEL) && a->trust_kernel_ppid && ev->ppid) {
		r->ppid = ev->ppid;
		r->ppid_source = PPID_SOURCE_KERNEL;
		return;
	}
	if (!procfs_ppid(PROCFS_ROOT, ev->hdr.pid, ev->hdr.time_ns, &ppid)) {
		r->ppid = ppid;
		r->ppid_source = PPID_SOURCE_PROCFS;
		return;
	}
	a->stats.fallback_misses++;
	r->ppid = 0;
	r->ppid_source = PPID_SOURCE_UNKNOWN;
}

/* Verdict, counters, output; frees @r. */
static void emit(struct agent *a, struct es_exec_report *r)
{
	const struct es_exec_event *ev = &r->ev;
	struct fileless_input in = {
		.execveat_flags = ev->execveat_flags,
		.filename = ev->filename,
		.filename_len = strnlen(ev->filename, sizeof(ev->filename)),
		.image = r->image,
		.comm = ev->comm,
		.comm_cap = sizeof(ev->comm),
		.parent_exe = r->parent_exe,
	};

	fileless_evaluate(&a->allow, &in, &r->fileless);
	if (r->fileless.verdict == FILELESS_ALERT)
		a->stats.fileless_alerts++;
	else if (r->fileless.verdict == FILELESS_SUPPRESSED)
		a->stats.fileless_suppressed++;
	a->stats.events++;
	a->stats.ppid_source[r->ppid_source]++;
	if (!r->parent_exe)
		a->stats.parent_exe_unknown++;
	if (!r->ret_known)
		a->stats.results_missing++;
	output_exec(&a->out, r, es_clock_to_wall_ns(&a->clock, ev->hdr.time_ns));
	es_exec_report_free(r);
}

static void on_exec(struct agent *a, const struct es_exec_event *ev)
{
	struct es_exec_report *r, *evicted;
	const char *parent_exe;

	r = calloc(1, sizeof(*r));
	if (!r) {
		a->stats.records_dropped++;
		a->stats.dropped_no_memory++;
		return;
	}
	r->ev = *ev;
	if (ev->flags & ES_EXEC_F_FILENAME_FAULT)
		a->stats.filename_faults++;
	if (ev->flags & ES_EXEC_F_ARGV_FAULT)
		a->stats.argv_faults++;
	/* /proc is read now, the earliest moment: short-lived processes vanish fast. */
	resolve_ppid(a, r);
	parent_exe = parent_cache_exe(&a->parents, r->ppid, ev->hdr.time_ns);
	r->parent_exe = parent_exe ? strdup(parent_exe) : NULL;
	/* This process changes its exe: its future children must not see the old one. */
	parent_cache_forget(&a->parents, ev->hdr.pid);
	if (event_join_add(&a->join, r, &evicted)) {
		emit(a, r); /* cannot wait for the result: report it without */
		return;
	}
	if (evicted)
		emit(a, evicted);
}

static void on_result(struct agent *a, const struct es_exec_result *res)
{
	struct es_exec_report *r = event_join_result(&a->join, res);
	const char *image;

	if (!r) {
		a->stats.results_orphaned++;
		return;
	}
	if (r->ret == 0) {
		/* The new image, and what its own children will see as parent_exe. */
		image = parent_cache_learn(&a->parents, r->ev.hdr.pid);
		r->image = image ? strdup(image) : NULL;
	}
	emit(a, r);
}

/*
 * The image record fills what the exec record's reads of user memory missed
 * (see loader.h, "Records and how to merge them"): its exec stays pending
 * for the result that follows.
 */
static void on_image(struct agent *a, const struct es_exec_image *img)
{
	struct es_exec_report *r = event_join_image(&a->join, img);
	unsigned int merged;

	a->stats.images_received++;
	if (!r) {
		a->stats.images_unmatched++;
		return;
	}
	merged = es_exec_image_merge(&r->ev, img);
	if (merged & ES_IMAGE_MERGED_FILENAME)
		a->stats.images_filename_filled++;
	if (merged & ES_IMAGE_MERGED_ARGV)
		a->stats.images_argv_filled++;
}

static void on_record(void *ctx, const void *data, size_t size)
{
	const struct es_record_header *hdr = data;
	struct agent *a = ctx;

	a->stats.records_received++;
	if (size >= sizeof(struct es_exec_event) && hdr->type == ES_RECORD_EXEC) {
		on_exec(a, data);
	} else if (size >= sizeof(struct es_exec_result) && hdr->type == ES_RECORD_EXEC_RESULT) {
		on_result(a, data);
	} else if (size >= sizeof(struct es_exec_image) && hdr->type == ES_RECORD_EXEC_IMAGE) {
		on_image(a, data);
	} else {
		a->stats.records_dropped++;
		if (hdr->type == ES_RECORD_EXEC || hdr->type == ES_RECORD_EXEC_RESULT ||
		    hdr->type == ES_RECORD_EXEC_IMAGE)
			a->stats.dropped_short++;
		else
			a->stats.dropped_unknown_type++;
	}
}

static void on_log(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, PROG ": %s\n", line);
}

static void expire_pending(struct agent *a, uint64_t now_boot_ns)
{
	struct es_exec_report *r;

	while ((r = event_join_expire(&a->join, now_boot_ns)) != NULL)
		emit(a, r);
}

static void flush_output(struct agent *a)
{
	if (!a->output_failed && output_flush(&a->out)) {
		a->output_failed = true;
		fprintf(stderr, PROG ": writing the output failed: %s\n", strerror(errno));
	}
}

static void write_stats(struct agent *a, struct es_loader *l, bool final)
{
	a->stats.kernel_read_ok = !es_loader_read_stats(l, a->stats.kernel);
	a->stats.progs_cnt = es_loader_prog_stats(l, a->stats.progs, ES_PROGS_MAX);
	a->stats.bpf_stats = es_bpf_stats_enabled();
	output_stats(&a->out, &a->stats, final, es_clock_to_wall_ns(&a->clock, es_boottime_ns()));
	flush_output(a);
}

static void startup_offset(struct es_startup_offset *out, const struct es_offset *off)
{
	out->path = off->path ? off->path : "?";
	out->resolved = off->resolved;
	out->value = off->value;
	out->reason = off->reason[0] ? off->reason : NULL;
}

static void write_startup(struct agent *a, const struct es_loader_info *info)
{
	struct es_startup_offset offsets[ES_TASK_OFF__MAX + ES_EXEC_OFF__MAX];
	struct utsname uts;
	struct es_startup s = {
		.version = EXECSENSOR_VERSION,
		.kernel_release = uname(&uts) ? "unknown" : uts.release,
		.btf_source = info->btf_source[0] ? info->btf_source : NULL,
		.btf_error = info->btf_error[0] ? info->btf_error : NULL,
		.offsets = offsets,
		.offsets_cnt = ES_TASK_OFF__MAX + ES_EXEC_OFF__MAX,
		.kernel_ppid = info->kernel_ppid,
		.kernel_ppid_reason = info->kernel_ppid ? NULL : info->kernel_ppid_reason,
		.attach_mode = es_attach_mode_name(info->attach_mode),
		.attach_reason = info->attach_reason,
		.lockdown = es_lockdown_name(info->lockdown),
		.selftest = es_selftest_name(info->selftest),
		.selftest_detail = info->selftest_detail[0] ? info->selftest_detail : NULL,
		.ringbuf_size = info->ringbuf_size,
		.exec_image = info->exec_image,
		.exec_image_reason = info->exec_image ? NULL : info->exec_image_reason,
		.image_argv = info->image_argv,
		.image_argv_reason = info->image_argv ? NULL : info->image_argv_reason,
	};
	size_t i;

	for (i = 0; i < ES_TASK_OFF__MAX; i++)
		startup_offset(&offsets[i], &info->offsets[i]);
	for (i = 0; i < ES_EXEC_OFF__MAX; i++)
		startup_offset(&offsets[ES_TASK_OFF__MAX + i], &info->exec_offsets[i]);
	output_startup(&a->out, &s, es_clock_to_wall_ns(&a->clock, es_boottime_ns()));
	flush_output(a);
}

static int install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	/* No SA_RESTART: the ring-buffer wait returns at once. */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
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
		es_clock_sync(&a->clock);
		expire_pending(a, now);
		flush_output(a);
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
		    kernel[ES_STAT_EVENTS] <= a->stats.records_received ||
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
	expire_pending(a, UINT64_MAX);
	write_stats(a, l, true);
	return a->output_failed ? EXIT_RUNTIME : status;
}

int main(int argc, char **argv)
{
	struct options opts = { .format = -1, .stats_interval_s = STATS_INTERVAL_DEFAULT };
	struct agent a = { .trust_kernel_ppid = true };
	struct es_loader_opts lopts = { 0 };
	const struct es_loader_info *info;
	struct es_loader *l = NULL;
	char missing[64];
	int status, err;

	if (fileless_allowlist_init(&a.allow) || parent_cache_init(&a.parents, PROCFS_ROOT)) {
		fprintf(stderr, PROG ": out of memory\n");
		return EXIT_RUNTIME;
	}
	status = parse_options(argc, argv, &opts, &a.allow);
	if (status) {
		status = status < 0 ? EXIT_OK : status;
		goto out;
	}
	err = privileges_check(missing, sizeof(missing));
	if (err) {
		fprintf(stderr,
			PROG ": not enough privileges: loading the BPF programs needs CAP_BPF and "
			     "CAP_PERFMON (or CAP_SYS_ADMIN)%s%s%s; run as root or grant them\n",
			err == -EPERM ? ", missing " : "", err == -EPERM ? missing : "",
			err == -EPERM ? "" : " (capget failed)");
		status = EXIT_PRIVILEGES;
		goto out;
	}
	if (!privileges_can_read_all_exe())
		fprintf(stderr, PROG ": no CAP_SYS_PTRACE: parent_exe is null for processes "
				     "of other users\n");
	if (opts.format < 0)
		opts.format =
			!opts.output && isatty(STDOUT_FILENO) ? ES_FORMAT_TEXT : ES_FORMAT_JSON;
	err = output_open(&a.out, opts.output, opts.format);
	if (err) {
		fprintf(stderr, PROG ": --output %s: %s\n", opts.output, strerror(-err));
		status = EXIT_RUNTIME;
		goto out;
	}
	event_join_init(&a.join, EVENT_JOIN_MAX_PENDING, EVENT_JOIN_TIMEOUT_NS);
	es_clock_sync(&a.clock);
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
	lopts.exec_image = true;
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
	a.trust_kernel_ppid = info->selftest != ES_SELFTEST_MISMATCH;
	write_startup(&a, info);

	status = run(&a, l, &opts);
	err = shut_down(&a, l);
	if (!status)
		status = err;
out_loader:
	es_loader_destroy(l);
out_output:
	event_join_free(&a.join);
	if (output_close(&a.out) && !status) {
		fprintf(stderr, PROG ": writing the output failed\n");
		status = EXIT_RUNTIME;
	}
out:
	parent_cache_free(&a.parents);
	fileless_allowlist_free(&a.allow);
	return status;
}
