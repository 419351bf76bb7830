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
 *		es_loader_poll(l, 100);		// -> cb(ctx, record) per record
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
 * kern/execsensor.h. The loader parses each once (user/records/record.h),
 * finishes it (an exit record's jiffies as a time, a refuted group's values
 * dropped) and hands the typed record on; nothing after it reads bytes.
 * What the loader reports (es_loader_info(), the names) is in loader_info.h,
 * which needs no libbpf.
 */
#ifndef EXECSENSOR_LOADER_H
#define EXECSENSOR_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "loader_info.h"
#include "record.h"

/* Called once per ring-buffer record, parsed and finished: dispatch on rec->kind. */
typedef void (*es_record_fn)(void *ctx, const struct es_record *rec);
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

#endif /* EXECSENSOR_LOADER_H */
