/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The self-test's oracle for the exec context groups (CRED, AUDIT, TTY, NS,
 * PIDNS): what the child's record must say, known by the loader from its
 * own /proc/self before the child runs. The child inherits all of it: its
 * ids (/bin/true is not set-id), login, terminal and namespaces.
 */
#ifndef EXECSENSOR_SELFTEST_CONTEXT_H
#define EXECSENSOR_SELFTEST_CONTEXT_H

#include <stdbool.h>
#include <stdint.h>

#include "execsensor.h"
#include "offsets.h"

enum es_ns_kind {
	ES_NS_MNT = 0,
	ES_NS_NET,
	ES_NS_USER,
	ES_NS_UTS,
	ES_NS_IPC,
	ES_NS_CGROUP,
	ES_NS_PID,
	ES_NS__MAX,
};

struct es_selftest_context_want {
	bool ids_known; /* getresuid/getresgid: the child's euid, suid, egid, sgid */
	uint32_t euid, suid, egid, sgid;
	uint64_t caps_allowed; /* CapBnd | CapInh | CapAmb: what the child's may hold at most */
	bool audit_known; /* /proc/self/loginuid and sessionid (kernels with audit) */
	uint32_t auid, session;
	bool tty_known; /* no terminal, or one named through fd 0, 1 or 2 */
	char tty[ES_TTY_NAME_MAX]; /* the kernel's name ("pts3"); "" without a terminal */
	bool ns_known[ES_NS__MAX];
	uint32_t ns[ES_NS__MAX]; /* stat("/proc/self/ns/<kind>").st_ino */
};

/* Read them from @proc_self ("/proc/self"). */
void es_selftest_context_want_read(struct es_selftest_context_want *w, const char *proc_self);

/*
 * Whether the child's @ctx (pid @pid) shows group @id right (1), wrong (0),
 * or cannot be judged here (-1: the loader could not know); @what names it.
 */
int es_selftest_context_check(const struct es_selftest_context_want *w,
			      const struct es_exec_context *ctx, uint32_t pid,
			      enum es_offset_group_id id, const char **what);

#endif /* EXECSENSOR_SELFTEST_CONTEXT_H */
