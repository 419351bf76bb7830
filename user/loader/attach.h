/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What each attach mode needs from the running kernel, checked before any
 * program is loaded so that only the usable mode's programs are: kprobes and
 * the syscall functions' names for kprobe mode, tracefs and the syscall
 * tracepoints' record layout for tracepoint mode, and the sched events' for
 * the exec record in either mode. Each check returns 0, or
 * a negative errno with @why set to one line naming what is missing.
 */
#ifndef EXECSENSOR_ATTACH_H
#define EXECSENSOR_ATTACH_H

#include <stdbool.h>
#include <stddef.h>

#define ES_TRACEFS	    "/sys/kernel/tracing"
#define ES_SYSCALL_FUNC_MAX 64

/* The kernel can attach kprobes (kprobe PMU, or tracefs kprobe_events). */
int es_kprobe_available(char *why, size_t why_size);

/*
 * The arch's syscall function for each of @syscalls[] ("execve" ->
 * "__x64_sys_execve" on x86_64, "__arm64_sys_execve" on arm64), looked up in
 * /proc/kallsyms. The BPF programs assume the syscall wrapper these names
 * belong to, so no other spelling is accepted.
 */
int es_syscall_functions(const char *const *syscalls, char (*funcs)[ES_SYSCALL_FUNC_MAX], int cnt,
			 char *why, size_t why_size);

/*
 * tracefs with the syscalls:sys_enter/exit_execve(at) events, mounted at
 * ES_TRACEFS when neither it nor debugfs's tracing is (*mounted says so);
 * and their records laid out as the BPF programs read them.
 */
int es_tracepoints_ready(bool *mounted, char *why, size_t why_size);

/*
 * tracefs (mounted as above) with the sched events laid out as the programs
 * read them: sched_process_exec's filename __data_loc at 8, pid at 12,
 * old_pid at 16; sched_process_exit's pid at 24.
 */
int es_sched_ready(bool *mounted, char *why, size_t why_size);

/*
 * sched_process_fork's child_pid offset (tracefs already mounted): 44 where
 * the comms are char[16], 20 where they are __data_loc; -EPROTO for any
 * other layout, -ENOENT without the event.
 */
int es_fork_child_pid_offset(void);

#endif /* EXECSENSOR_ATTACH_H */
