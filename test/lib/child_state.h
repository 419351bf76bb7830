/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What a test's child is doing, from /proc: for the message of a test that
 * waited for a child's records in vain, so that a child that never reached
 * exec is told apart from a record the sensor missed.
 */
#ifndef ES_TEST_CHILD_STATE_H
#define ES_TEST_CHILD_STATE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * One line into @buf: "pid 123 (comm): state S (sleeping), wchan
 * futex_do_wait, syscall 202, exe /usr/bin/x", or "pid 123: gone (reaped)",
 * or "pid 123: zombie, exit status ..." (its status not reaped).
 */
void es_child_describe(pid_t pid, char *buf, size_t size);

#endif /* ES_TEST_CHILD_STATE_H */
