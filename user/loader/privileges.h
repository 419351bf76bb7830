/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the agent needs from the kernel before it tries anything: CAP_BPF
 * (maps, programs, BTF) and CAP_PERFMON (tracing programs, kernel reads,
 * perf events for tracepoints and kprobes), or CAP_SYS_ADMIN, which covers
 * both (and is all there is before Linux 5.8). CAP_SYS_PTRACE is wanted,
 * not needed: without it /proc/<pid>/exe of other users' processes cannot
 * be read and parent_exe is null for them.
 */
#ifndef EXECSENSOR_PRIVILEGES_H
#define EXECSENSOR_PRIVILEGES_H

#include <stddef.h>

/*
 * 0 when the effective set allows loading; -EPERM with @missing naming what
 * is missing ("CAP_BPF CAP_PERFMON"); another -errno when capget failed.
 */
int es_privileges_check(char *missing, size_t size);

/* Whether CAP_SYS_PTRACE is effective. */
int es_privileges_can_read_all_exe(void);

#endif /* EXECSENSOR_PRIVILEGES_H */
