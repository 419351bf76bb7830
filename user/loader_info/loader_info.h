/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the loader reports, without the loader: the attach modes, lockdown
 * states and self-test verdicts with their stable names, the startup info
 * (struct es_loader_info) and a program's counters (library
 * execsensor_loader_info). The agent formats these; it needs neither libbpf
 * nor the loader for that.
 */
#ifndef EXECSENSOR_LOADER_INFO_H
#define EXECSENSOR_LOADER_INFO_H

#include <stdbool.h>
#include <stdint.h>

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

/* Stable names for reports: "auto", "kprobe", "tracepoint"; "none", ...; "passed", ... */
const char *es_attach_mode_name(enum es_attach_mode mode);
int es_attach_mode_parse(const char *name, enum es_attach_mode *mode);
const char *es_lockdown_name(enum es_lockdown state);
const char *es_selftest_name(enum es_selftest result);
/* "not checked", "verified", "refuted", "unverified", "off". */
const char *es_group_verdict_name(enum es_group_verdict verdict);

#endif /* EXECSENSOR_LOADER_INFO_H */
