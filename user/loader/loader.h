/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The loader: puts execsensor's BPF programs into the running kernel and
 * hands their records to a callback (library execsensor_loader).
 *
 *	struct es_loader_opts opts = { .on_record = cb, .ctx = me };
 *	struct es_loader *l = es_loader_new(&opts);	// NULL: errno (ENOMEM, EINVAL)
 *	err = es_loader_load(l);		// lockdown, BTF -> offsets, load, TASK_OFFSETS
 *	err = es_loader_attach(l);		// attach (auto falls back), self-test
 *	info = es_loader_info(l);		// what was chosen and why: the startup record
 *	while (running)
 *		es_loader_poll(l, 100);		// -> cb(ctx, record, size) per record
 *	es_loader_detach(l);			// no new records from here on
 *	es_loader_poll(l, 0);			// drain what is left
 *	es_loader_read_stats(l, stats);		// final, exact counters
 *	es_loader_destroy(l);			// nothing of ours stays in the kernel
 *
 * Every function returning int returns 0 or a negative errno; on failure
 * es_loader_error() says why in one line. Messages a user should see
 * (fallbacks, degradations) go to opts.log, one line each, and are also
 * kept in es_loader_info().
 *
 * Order of es_loader_load(): lockdown state; BTF (opts.btf_path, else
 * /sys/kernel/btf/vmlinux); every offset group (user/offsets/offsets.h: one
 * BPF map of kernel offsets each) resolved through the one table, a group
 * off with its reason when a field is not resolved (or on purpose: no BTF,
 * --no-kernel-ppid, lockdown); the sched tracepoints' records checked (the
 * exec record's programs run in either mode); attach mode chosen (auto:
 * kprobes if the kernel has them and the syscall functions resolve, else
 * tracepoints, with the reason); only that mode's programs and the sched
 * programs loaded; every group's map written. es_loader_attach() attaches
 * (auto: a kprobe attach failure reloads in tracepoint mode, saying why),
 * then runs the self-test (selftest.h): a child
 * execs /bin/true, and each group its records refute is rewritten as 0
 * (a wrong parent is worse than none), with info->checks[group] saying
 * why; a loader in a nested PID namespace (record pids are the host's)
 * fails with -EXDEV.
 * Records that arrive during the self-test are kept and handed to the
 * callback by the first es_loader_poll(), none are lost.
 *
 * Record pids, tids and ppids are the initial PID namespace's. A loader is
 * used from one thread; the callback runs inside es_loader_poll() and must
 * copy what it keeps (the record points into the ring buffer).
 *
 * The records (one per exec, whole) are described beside them, in
 * kern/execsensor.h; user/records/record.h reads them without trusting them.
 */
#ifndef EXECSENSOR_LOADER_H
#define EXECSENSOR_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "execsensor.h"
#include "offsets.h"

enum es_attach_mode {
	ES_ATTACH_AUTO = 0, /* kprobes, else tracepoints */
	ES_ATTACH_KPROBE, /* kprobes on the syscall functions, or fail */
	ES_ATTACH_TRACEPOINT, /* syscalls:sys_enter/exit_execve(at), or fail */
};

enum es_lockdown {
	ES_LOCKDOWN_UNKNOWN = 0, /* no lockdown file (no lockdown LSM): treated as none */
	ES_LOCKDOWN_NONE,
	ES_LOCKDOWN_INTEGRITY, /* BPF kernel reads still allowed */
	ES_LOCKDOWN_CONFIDENTIALITY, /* bpf_probe_read_kernel refused: no kernel ppid, no kprobes */
};

enum es_selftest {
	ES_SELFTEST_NOT_RUN = 0,
	ES_SELFTEST_PASSED, /* the child's kernel ppid was the loader's pid */
	ES_SELFTEST_NO_KERNEL_PPID, /* events flow; no kernel ppid was expected (offsets 0) */
	ES_SELFTEST_MISMATCH, /* wrong or missing kernel ppid: offsets rewritten as 0 */
	ES_SELFTEST_DISABLED, /* opts.skip_selftest */
};

#define ES_REASON_MAX 256

/* What the self-test found for one offset group. */
enum es_group_verdict {
	ES_GROUP_NOT_CHECKED = 0, /* no self-test (not run, or disabled) */
	ES_GROUP_VERIFIED, /* the child's record carried what the offsets must give */
	ES_GROUP_REFUTED, /* it did not: the group's map is rewritten as 0 */
	ES_GROUP_UNVERIFIED, /* the record that would say was lost: kept as BTF gave it */
	ES_GROUP_OFF, /* the group was off already */
};

struct es_group_check {
	enum es_group_verdict verdict;
	char detail[ES_REASON_MAX]; /* "child 1234: ppid 1200 from the kernel, expected 1200" */
	/*
	 * After a refutation: records made with the refuted offsets, before
	 * the rewrite, whose values the loader dropped before handing them
	 * over (records lose their kernel ppid, their argv, their exe).
	 */
	uint64_t scrubbed;
};

/* Called once per ring-buffer record; @data starts with struct es_record_header. */
typedef void (*es_record_fn)(void *ctx, const void *data, size_t size);
/* One human-readable line, without newline. */
typedef void (*es_log_fn)(void *ctx, const char *line);

struct es_loader_opts {
	es_record_fn on_record; /* required */
	void *ctx; /* passed to on_record and log */
	es_log_fn log; /* NULL: lines go to stderr prefixed "execsensor: " */
	enum es_attach_mode attach;
	const char *btf_path; /* NULL: /sys/kernel/btf/vmlinux */
	bool no_kernel_ppid; /* write 0 offsets on purpose (--no-kernel-ppid) */
	bool no_lineage; /* no fork and exit records (--no-lineage): no fork program loaded */
	bool no_context; /* the five exec-context groups off (--no-context): fewer reads per exec */
	uint32_t
		ringbuf_size; /* bytes, a power of 2 and page multiple; 0: ES_RINGBUF_DEFAULT_SIZE */
	/*
	 * Pending ring-buffer bytes from which the kernel wakes the reader; 0: a
	 * quarter of the ring buffer, 1: every record. A wakeup costs more than
	 * the rest of the handler, so below the threshold records wait for the
	 * reader's poll timeout: es_loader_poll() collects them then.
	 */
	uint32_t wakeup_bytes;
	bool skip_selftest; /* tests only */
	/* Tests only: read this file instead of /sys/kernel/security/lockdown. */
	const char *lockdown_path;
	/*
	 * Tests only: write these values to a group's map instead of the
	 * resolved ones (the group's nkeys entries); NULL keeps the resolved.
	 */
	const uint32_t *override_offsets[ES_OFFSET_GROUP__MAX];
};

/* Everything the startup record reports. Filled in by es_loader_load() and _attach(). */
struct es_loader_info {
	char btf_source[256]; /* path the offsets came from; "" when none */
	char btf_error[ES_REASON_MAX]; /* why no BTF was used; "" when one was */
	/*
	 * Every offset group: its fields as resolved, the values its map
	 * holds, whether it is on and why not. groups[ES_OFFSET_GROUP_TASK] on
	 * means the kernel reads parents; groups[ES_OFFSET_GROUP_EXEC] on, that
	 * exec records carry the new image's argv; groups[ES_OFFSET_GROUP_EXE] on,
	 * its exe.
	 */
	struct es_offset_group_state groups[ES_OFFSET_GROUP__MAX];
	/* What the self-test found for each group. */
	struct es_group_check checks[ES_OFFSET_GROUP__MAX];

	enum es_attach_mode attach_requested;
	enum es_attach_mode attach_mode; /* KPROBE or TRACEPOINT once attached */
	char attach_reason[ES_REASON_MAX]; /* why this mode (the auto fallback line) */
	char kprobe_execve[64]; /* resolved function names (kprobe mode) */
	char kprobe_execveat[64];
	bool tracefs_mounted; /* the loader mounted /sys/kernel/tracing */
	/*
	 * Why, without TASK_OFFSETS, no fork records can come (the
	 * sched_process_fork record's layout is unknown); "" when they can.
	 */
	char fork_reason[ES_REASON_MAX];
	bool lineage; /* fork and exit records come (not --no-lineage) */

	enum es_lockdown lockdown;
	char lockdown_raw[128]; /* the lockdown file's content, "" when absent */

	enum es_selftest selftest; /* the kernel ppid's verdict */
	char selftest_detail[ES_REASON_MAX]; /* checks[ES_OFFSET_GROUP_TASK].detail */
	uint32_t ringbuf_size;
};

/* What a skipped run of a program loses (es_prog_stats.loses). */
#define ES_PROG_LOSES_EXEC 0x1 /* an exec or failure record: an exec never reported */
#define ES_PROG_LOSES_FORK 0x2 /* a fork record */
#define ES_PROG_LOSES_EXIT 0x4 /* an exit record */

/* One loaded program's counters, from the kernel (bpf_prog_info). */
struct es_prog_stats {
	char name[64]; /* the program's name in the object (the kernel keeps 15 bytes) */
	uint32_t id; /* the kernel's program id (bpftool prog show id N) */
	unsigned int loses; /* ES_PROG_LOSES_*: what a run the kernel skips costs; 0: nothing */
	/* Runs and their total time: counted only while kernel.bpf_stats_enabled=1. */
	uint64_t run_cnt;
	uint64_t run_time_ns;
	/*
	 * Runs the kernel skipped because a BPF program was already running on
	 * that CPU (Linux 5.12+; 0 where the kernel does not count them).
	 */
	uint64_t recursion_misses;
};

#define ES_PROGS_MAX 16

struct es_loader;

/* Copies @opts (not the strings: they must outlive the loader). */
struct es_loader *es_loader_new(const struct es_loader_opts *opts);
int es_loader_load(struct es_loader *l);
int es_loader_attach(struct es_loader *l);
/* Detach every program (maps stay, so the ring buffer can be drained and stats read). */
void es_loader_detach(struct es_loader *l);
/*
 * Wait up to @timeout_ms for a wakeup, then hand every pending record to the
 * callback; returns how many or -errno. Records are delivered within one
 * timeout of their exec, in batches: call it in a loop with a timeout.
 */
int es_loader_poll(struct es_loader *l, int timeout_ms);
/*
 * The ring buffer's epoll fd, for callers with their own event loop: it
 * signals only past opts.wakeup_bytes, so call es_loader_poll(l, 0) on a
 * timer too.
 */
int es_loader_epoll_fd(const struct es_loader *l);
/* Sum of the per-CPU STATS over CPUs, ES_STAT__MAX entries. */
int es_loader_read_stats(const struct es_loader *l, uint64_t stats[ES_STAT__MAX]);
/*
 * Every loaded program's counters, in the skeleton's order, into out[0..max);
 * returns how many, or -errno. Programs stay loaded after es_loader_detach(),
 * so the final counters can be read then.
 */
int es_loader_prog_stats(const struct es_loader *l, struct es_prog_stats *out, size_t max);
/*
 * One program's counters by its fd (any BPF program: the tests read
 * programs of their own with it); out->name is @name. 0 or -errno.
 */
int es_prog_stats_read(int prog_fd, const char *name, struct es_prog_stats *out);
/*
 * The most bytes the ring buffer held unread when es_loader_poll() came to
 * read it, since the load (record headers included; at most its size).
 */
uint64_t es_loader_ringbuf_peak(const struct es_loader *l);
/* Whether kernel.bpf_stats_enabled is on: es_prog_stats.run_cnt and run_time_ns count. */
bool es_bpf_stats_enabled(void);
const struct es_loader_info *es_loader_info(const struct es_loader *l);
/* The last failure, one line; "" if none. */
const char *es_loader_error(const struct es_loader *l);
/* Detach, unload, free. NULL is fine. */
void es_loader_destroy(struct es_loader *l);

/* Stable names for reports: "auto", "kprobe", "tracepoint"; "none", ...; "passed", ... */
const char *es_attach_mode_name(enum es_attach_mode mode);
int es_attach_mode_parse(const char *name, enum es_attach_mode *mode);
const char *es_lockdown_name(enum es_lockdown state);
const char *es_selftest_name(enum es_selftest result);
/* "not checked", "verified", "refuted", "unverified", "off". */
const char *es_group_verdict_name(enum es_group_verdict verdict);

#endif /* EXECSENSOR_LOADER_H */
