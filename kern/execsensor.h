/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The ABI between execsensor's BPF programs and userspace: map keys, stats
 * slots and the ring-buffer records. Included by both sides, so it uses only
 * fixed-width types and no libc or kernel headers beyond <linux/types.h>.
 */
#ifndef EXECSENSOR_H
#define EXECSENSOR_H

#include <linux/types.h>

/* Keys of the TASK_OFFSETS array map: byte offsets inside struct task_struct. */
enum es_task_offset {
	ES_TASK_OFF_REAL_PARENT = 0, /* task_struct.real_parent (struct task_struct *) */
	ES_TASK_OFF_TGID = 1, /* task_struct.tgid (pid_t) */
	ES_TASK_OFF__MAX,
};

/* Slots of the per-CPU STATS array map; userspace sums them over CPUs. */
enum es_stat {
	ES_STAT_EVENTS = 0, /* records submitted to the ring buffer */
	ES_STAT_RINGBUF_FULL, /* records lost: bpf_ringbuf_reserve() failed */
	ES_STAT_PPID_KERNEL, /* exec records whose ppid was read in the kernel */
	ES_STAT_OFFSETS_ABSENT, /* exec records without a kernel ppid because an offset was 0 */
	ES_STAT_KERNEL_READ_FAIL, /* exec records whose bpf_probe_read_kernel() of the parent failed */
	ES_STAT__MAX,
};

enum es_record_type {
	ES_RECORD_EXEC = 1, /* struct es_exec_event, from the syscall entry */
	ES_RECORD_EXEC_RESULT = 2, /* struct es_exec_result, from the syscall exit */
};

enum es_syscall {
	ES_SYSCALL_EXECVE = 1,
	ES_SYSCALL_EXECVEAT = 2,
};

/* es_exec_event.flags */
#define ES_EXEC_F_PPID_KERNEL	     (1u << 0) /* ppid was read in the kernel */
#define ES_EXEC_F_ARGV_TRUNCATED     (1u << 1) /* more args, or longer ones, than args[] holds */
#define ES_EXEC_F_FILENAME_TRUNCATED (1u << 2) /* filename longer than filename[] */
#define ES_EXEC_F_FILENAME_FAULT     (1u << 3) /* the filename could not be read from user memory */
#define ES_EXEC_F_ARGV_FAULT	     (1u << 4) /* an argv pointer or string could not be read */

#define ES_COMM_LEN	16
#define ES_FILENAME_LEN 512
#define ES_ARGS_LEN	4096 /* argv strings, each NUL-terminated, back to back */
#define ES_ARGV_MAX	64 /* most argv entries read */

/* Ring buffer size the objects are built with; the loader may change it before load. */
#define ES_RINGBUF_DEFAULT_SIZE (8u << 20)

/* Common to every record; type says which struct follows. */
struct es_record_header {
	__u32 type; /* enum es_record_type */
	__u32 pid; /* tgid of the current task */
	__u32 tid; /* pid (thread id) of the current task */
	__u32 syscall; /* enum es_syscall */
	__u64 time_ns; /* CLOCK_BOOTTIME nanoseconds (bpf_ktime_get_boot_ns) */
};

/* Submitted at execve/execveat entry: who is exec'ing what. */
struct es_exec_event {
	struct es_record_header hdr;
	__u32 ppid; /* tgid of real_parent when ES_EXEC_F_PPID_KERNEL, else 0 */
	__u32 flags; /* ES_EXEC_F_* */
	__u32 uid;
	__u32 gid;
	__s32 dirfd; /* execveat's dirfd; AT_FDCWD (-100) for execve */
	__u32 execveat_flags; /* execveat's flags (AT_EMPTY_PATH is fexecve); 0 for execve */
	__u32 argc; /* argv entries captured in args[] */
	__u32 args_size; /* bytes of args[] in use */
	char comm[ES_COMM_LEN];
	char filename[ES_FILENAME_LEN]; /* NUL-terminated unless truncated to the full length */
	char args[ES_ARGS_LEN];
};

/*
 * Submitted at execve/execveat exit. A successful exec from a non-leader
 * thread returns in the thread-group leader (de_thread), so userspace joins a
 * result to its exec event by pid (tgid), not tid. hdr.syscall names the exit
 * handler that ran: 6.18 reports a successful execveat at sys_exit_execve.
 */
struct es_exec_result {
	struct es_record_header hdr;
	__s64 ret; /* 0 on success, -errno on failure */
};

#endif /* EXECSENSOR_H */
