/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The start-up self-test, as a verdict: a child of the loader execs a
 * short-lived program, its exec record is observed, and each offset group is
 * judged against what the loader knows independently (its own pid, the
 * child's argv, stat() of the program, the time around its fork()). BTF and the type
 * checks say the offsets are right;
 * only this says the kernel reads land where BTF said.
 *
 * Nothing here touches the BPF objects: the loader spawns the child through
 * es_selftest_spawn(), polls the ring buffer, passes every record to
 * es_selftest_observe(), and acts on es_selftest_judge()'s verdict (rewrite
 * a refuted group as 0, scrub what was made with it). selftest.c is the
 * child and what its records say; selftest_judge.c the verdict, by each
 * group's check (groups.h).
 */
#ifndef EXECSENSOR_SELFTEST_H
#define EXECSENSOR_SELFTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "loader_info.h"
#include "record.h"
#include "selftest_context.h"

/* One run of the self-test child: what it was given, what its record said. */
struct es_selftest_child {
	pid_t pid;
	char path[64]; /* its filename and argv[0] */
	char marker[48]; /* its argv[1]: found even where pids differ */
	/* The program as stat() and realpath() give it: what its exe must be. */
	char want_exe[4096];
	uint64_t want_ino, want_dev;
	uint32_t want_nlink;
	struct es_selftest_context_want want_ctx; /* the loader's: what the child inherits */
	bool seen; /* its exec record arrived */
	uint32_t kernel_pid; /* its pid as the kernel reported it */
	uint32_t ppid;
	uint32_t flags; /* the record's ES_EXEC_F_* */
	bool filename_ok; /* the record names its path */
	bool argv_ok; /* the record's argv, read from the new mm, is exactly path and marker */
	bool exe_ok; /* its exe's path, inode, device and link count are the program's */
	char exe[4096]; /* the exe path the record gave */
	struct es_exec_context ctx; /* the record's context */
	uint64_t fork_start_ns, fork_end_ns; /* CLOCK_BOOTTIME around the loader's fork() */
	bool fork_seen; /* its fork record arrived */
	uint32_t fork_flags; /* its ES_FORK_F_* */
	uint64_t fork_time_ns; /* its time: with ES_FORK_F_START_TIME, within fork() */
	bool exit_seen; /* its exit record arrived */
	uint32_t exit_flags; /* its ES_EXIT_F_* */
	int32_t exit_code; /* its status: the program exits 0 */
};

/* What the loader knew before the child ran. */
struct es_selftest_expect {
	uint32_t loader_pid; /* the child's parent */
	bool enabled[ES_OFFSET_GROUP__MAX]; /* groups with offsets in their maps */
	bool records_lost; /* the ring buffer was full while the child ran */
};

struct es_selftest_verdict {
	/*
	 * 0, or why the attach must fail: -ETIMEDOUT (no exec record, and
	 * nothing was lost), -EXDEV (the kernel numbers the child differently:
	 * a nested PID namespace), -EPROTO (the record does not name the
	 * child's path: sched_process_exec's record is not what the program
	 * reads).
	 */
	int error;
	char error_msg[ES_REASON_MAX];
	enum es_selftest result; /* the kernel ppid's: what the startup record reports */
	char detail[ES_REASON_MAX];
	struct es_group_check groups[ES_OFFSET_GROUP__MAX];
};

/* The program the child execs (/bin/true or /usr/bin/true), or NULL. */
const char *es_selftest_program(void);

/*
 * Set up @c for a child that execs @prog with a marker unique to this run;
 * what its exe must be, from realpath() and stat(). 0 or -errno.
 */
int es_selftest_prepare(struct es_selftest_child *c, const char *prog);

/*
 * Fork the child. It execs at once: only async-signal-safe calls run
 * between fork and exec, so the loader may be inside a multithreaded
 * program. 0 (c->pid set) or -errno.
 */
int es_selftest_spawn(struct es_selftest_child *c);

/* Note what a record says about the child (records of others are ignored). */
void es_selftest_observe(struct es_selftest_child *c, const struct es_record *rec);

/* The child's exec and exit records are in. */
bool es_selftest_done(const struct es_selftest_child *c);

void es_selftest_judge(const struct es_selftest_child *c, const struct es_selftest_expect *e,
		       struct es_selftest_verdict *v);

/* The groups' checks, as their descriptors name them (es_selftest_check_fn, groups.h). */
void es_selftest_check_task(const struct es_selftest_child *c, const struct es_selftest_expect *e,
			    struct es_selftest_verdict *v, enum es_offset_group_id id);
void es_selftest_check_argv(const struct es_selftest_child *c, const struct es_selftest_expect *e,
			    struct es_selftest_verdict *v, enum es_offset_group_id id);
void es_selftest_check_exe(const struct es_selftest_child *c, const struct es_selftest_expect *e,
			   struct es_selftest_verdict *v, enum es_offset_group_id id);
void es_selftest_check_exit(const struct es_selftest_child *c, const struct es_selftest_expect *e,
			    struct es_selftest_verdict *v, enum es_offset_group_id id);
/* CRED, AUDIT, TTY, NS, PIDNS: each through es_selftest_context_check(). */
void es_selftest_check_context(const struct es_selftest_child *c,
			       const struct es_selftest_expect *e, struct es_selftest_verdict *v,
			       enum es_offset_group_id id);
void es_selftest_check_fork(const struct es_selftest_child *c, const struct es_selftest_expect *e,
			    struct es_selftest_verdict *v, enum es_offset_group_id id);

#endif /* EXECSENSOR_SELFTEST_H */
