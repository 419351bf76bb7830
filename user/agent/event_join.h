/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Joining each exec record (syscall entry) with its result record (syscall
 * exit). The ring buffer keeps the kernel's order, so a result follows its
 * exec. They are matched by pid (tgid): a successful exec from a non-leader
 * thread returns in the leader, with another tid. A same-tid match is
 * preferred, then the oldest exec of the pid.
 *
 * An exec whose result never arrives (its record was lost, or the task was
 * killed inside the syscall) is handed back by es_event_join_expire() after
 * the timeout, or when the table is full, to be reported with ret null.
 */
#ifndef EXECSENSOR_EVENT_JOIN_H
#define EXECSENSOR_EVENT_JOIN_H

#include <stddef.h>
#include <stdint.h>

#include "exec_report.h"
#include "execsensor.h"

#define ES_EVENT_JOIN_MAX_PENDING 1024
#define ES_EVENT_JOIN_TIMEOUT_NS  (5ULL * 1000000000ULL)

struct es_event_join {
	struct es_exec_report **pending; /* oldest first */
	size_t cnt;
	size_t max;
	uint64_t timeout_ns;
};

void es_event_join_init(struct es_event_join *j, size_t max_pending, uint64_t timeout_ns);

/*
 * Hold @r (malloc'd; the join owns it now) until its result. When the table
 * was full, the oldest pending report is returned for the caller to report
 * without a result; otherwise NULL. -ENOMEM leaves @r with the caller.
 */
int es_event_join_add(struct es_event_join *j, struct es_exec_report *r,
		      struct es_exec_report **evicted);

/* The pending exec @res completes (caller owns it, ret set), or NULL when there is none. */
struct es_exec_report *es_event_join_result(struct es_event_join *j,
					    const struct es_exec_result *res);

/*
 * The pending exec that image record @img belongs to (es_exec_image_matches),
 * left pending for its result; NULL when there is none (its exec record was
 * lost, or the exec began before the agent attached).
 */
struct es_exec_report *es_event_join_image(struct es_event_join *j,
					   const struct es_exec_image *img);

/*
 * One pending exec older than @now_boot_ns - timeout (any with UINT64_MAX,
 * to drain at exit), oldest first; NULL when there is none.
 */
struct es_exec_report *es_event_join_expire(struct es_event_join *j, uint64_t now_boot_ns);

void es_event_join_free(struct es_event_join *j);

#endif /* EXECSENSOR_EVENT_JOIN_H */
