/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The fileless-exec rule and its gate (docs/events.md, "fileless").
 *
 * An exec is fileless when it runs through execveat with AT_EMPTY_PATH
 * (fexecve), or its filename is a file-descriptor path (/proc/self/fd/N,
 * /proc/thread-self/fd/N, /proc/<pid>/fd/N, /dev/fd/N), or the new image is
 * a memfd or a deleted file. Such an exec raises an alert unless the gate
 * suppresses it, on kernel facts only: systemd 255+ starts every service
 * with execve("/proc/self/fd/N") of systemd-executor, in a process its
 * manager has just forked. So the new image must be an allowlisted executor
 * (its path on the list and the very file at that path: same device and
 * inode), on disk (a link left, not a memfd), and this exec the first since
 * the process was forked by a service manager: systemd as PID 1, or a
 * `systemd --user` that the system manager forked. A name (comm) is never a
 * fact: any process sets its own.
 */
#ifndef EXECSENSOR_FILELESS_H
#define EXECSENSOR_FILELESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ES_FILELESS_REASON_MAX 512
#define ES_FILELESS_LIMIT_MAX  512

enum es_fileless_list {
	ES_FILELESS_EXECUTORS, /* the new image of a suppressed exec */
	ES_FILELESS_MANAGERS, /* the exe of a service manager */
	ES_FILELESS__LISTS,
};

struct es_fileless_allowlist {
	char **paths[ES_FILELESS__LISTS];
	size_t cnt[ES_FILELESS__LISTS];
	/* Why the gate cannot suppress anything here, or "" (es_fileless_gate_limit()). */
	char limit[ES_FILELESS_LIMIT_MAX];
};

/*
 * A process as the gate knows it (enum values kept in the process table's
 * `manager` byte): judged once, from its exec record or, for a process older
 * than the agent, from /proc.
 */
enum es_fileless_manager {
	ES_FILELESS_UNJUDGED = 0,
	ES_FILELESS_NOT_MANAGER,
	ES_FILELESS_SYSTEM_MANAGER, /* PID 1 running an allowlisted manager exe */
	ES_FILELESS_USER_MANAGER, /* one run with --user, forked by the system manager */
};

enum es_fileless_verdict {
	ES_FILELESS_NONE = 0, /* not a fileless exec */
	ES_FILELESS_ALERT,
	ES_FILELESS_SUPPRESSED,
};

/* The gate's conditions, in the order it checks them: the first unmet one decides. */
enum es_fileless_failed {
	ES_FILELESS_MET = 0, /* every condition held: suppressed */
	ES_FILELESS_EXE_UNKNOWN,
	ES_FILELESS_NOT_ON_DISK,
	ES_FILELESS_NOT_EXECUTOR,
	ES_FILELESS_FORK_UNKNOWN,
	ES_FILELESS_NOT_FORKED_BY_MANAGER,
	ES_FILELESS_NOT_FIRST_EXEC,
	ES_FILELESS_REPARENTED,
};

/* A fact the gate could not establish is unknown, never guessed. */
enum es_fileless_fact {
	ES_FACT_UNKNOWN = 0,
	ES_FACT_NO,
	ES_FACT_YES,
};

struct es_fileless_result {
	enum es_fileless_verdict verdict;
	char reason
		[ES_FILELESS_REASON_MAX]; /* why fileless, then "; gate: " and the gate's finding */
	const char *parent; /* the exe of the process that forked it, or NULL */
	/* The facts that decided it (docs/events.md, fileless.gate). */
	enum es_fileless_failed failed;
	enum es_fileless_fact executor, on_disk, first_exec;
	bool forked_by_known;
	uint32_t forked_by;
	enum es_fileless_manager manager; /* the forker's */
};

/*
 * The defaults: executors /usr/lib/systemd/systemd-executor and
 * /lib/systemd/systemd-executor (Debian's and upstream's), managers
 * /usr/lib/systemd/systemd and /lib/systemd/systemd. 0 or -ENOMEM.
 */
int es_fileless_allowlist_init(struct es_fileless_allowlist *list);

/*
 * Add @path to @which, and also its canonical form when that differs (the
 * kernel's exe path has no symlinks: /lib on a merged-/usr system is
 * /usr/lib). 0 or -ENOMEM.
 */
int es_fileless_allowlist_add(struct es_fileless_allowlist *list, enum es_fileless_list which,
			      const char *path);
void es_fileless_allowlist_free(struct es_fileless_allowlist *list);

/*
 * Whether @path (an exe as the kernel resolved it) is on @which and the
 * file (@dev, @ino) is the one at that path now, not mounted over it:
 * looked up each time, as a package upgrade puts a new file there.
 */
bool es_fileless_allowed(const struct es_fileless_allowlist *list, enum es_fileless_list which,
			 const char *path, uint64_t dev, uint64_t ino);

/*
 * What the gate can decide with the exe (@exe_reason NULL: resolved in the
 * kernel, else why not) and the process table (@lineage): into list->limit,
 * "" when it can suppress.
 */
void es_fileless_gate_limit(struct es_fileless_allowlist *list, const char *exe_reason,
			    bool lineage);

/* Whether @filename (@len bytes) is a file-descriptor path. */
int es_fileless_is_fd_path(const char *filename, size_t len);

/* Whether NUL-separated @argv (@len bytes) holds the argument "--user". */
bool es_fileless_argv_user(const char *argv, size_t len);

/*
 * What process @pid is, running an allowlisted manager exe (es_fileless_allowed()
 * said so), with --user or not, forked by a process that is @forker.
 */
enum es_fileless_manager es_fileless_judge(uint32_t pid, bool user,
					   enum es_fileless_manager forker);

struct es_fileless_input {
	uint32_t execveat_flags;
	const char *filename; /* the filename argument */
	size_t filename_len;
	/* The new image's file as the kernel resolved it at the exec; exe NULL: unknown. */
	const char *exe;
	uint64_t exe_dev, exe_ino;
	uint32_t exe_nlink;
	bool exe_memfd;
	bool exe_truncated; /* the path is its last components only: on no list */
	/* The process table: which process forked this one, and what it is. */
	bool forked_by_known; /* from a fork record */
	uint32_t forked_by;
	const char *forker_exe; /* or NULL */
	enum es_fileless_manager forker;
	bool execed_since_fork; /* an exec before this one */
	bool ppid_known; /* the kernel's (or the fork record's) ppid */
	uint32_t ppid;
};

void es_fileless_evaluate(const struct es_fileless_allowlist *list,
			  const struct es_fileless_input *in, struct es_fileless_result *out);

/* "alert", "suppressed" (ES_FILELESS_NONE: NULL). */
const char *es_fileless_verdict_name(enum es_fileless_verdict v);

/* "exe unknown", "not an allowlisted executor", ...; NULL when every condition held. */
const char *es_fileless_failed_name(enum es_fileless_failed f);

/* "system", "user"; NULL otherwise. */
const char *es_fileless_manager_name(enum es_fileless_manager m);

#endif /* EXECSENSOR_FILELESS_H */
