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

/*
 * Keys of the EXEC_OFFSETS array map: byte offsets the exec image record
 * follows from current to the new image's argv. 0 means absent: the image
 * record then carries the filename only (ES_IMAGE_F_ARGV_ABSENT).
 */
enum es_exec_offset {
	ES_EXEC_OFF_TASK_MM = 0, /* task_struct.mm (struct mm_struct *) */
	ES_EXEC_OFF_ARG_START = 1, /* mm_struct.arg_start (unsigned long) */
	ES_EXEC_OFF_ARG_END = 2, /* mm_struct.arg_end (unsigned long) */
	ES_EXEC_OFF__MAX,
};

/* Slots of the per-CPU STATS array map; userspace sums them over CPUs. */
enum es_stat {
	ES_STAT_EVENTS = 0, /* records submitted to the ring buffer */
	ES_STAT_RINGBUF_FULL, /* records lost: bpf_ringbuf_reserve() failed */
	ES_STAT_PPID_KERNEL, /* exec records whose ppid was read in the kernel */
	ES_STAT_OFFSETS_ABSENT, /* exec records without a kernel ppid because an offset was 0 */
	ES_STAT_KERNEL_READ_FAIL, /* exec records whose bpf_probe_read_kernel() of the parent failed */
	ES_STAT_EXEC_IMAGE, /* image records submitted (also counted in ES_STAT_EVENTS) */
	/* ES_STAT_RINGBUF_FULL by record type: which record each failed reservation was. */
	ES_STAT_LOST_EXEC, /* exec records: that exec is not reported at all */
	ES_STAT_LOST_IMAGE, /* image records: the exec keeps what the entry read */
	ES_STAT_LOST_RESULT, /* result records: the exec is reported with ret null */
	/*
	 * kprobe mode: the syscall's registers could not be read, so no exec
	 * record was made (not in ES_STAT_RINGBUF_FULL): that exec is not
	 * reported.
	 */
	ES_STAT_LOST_EXEC_REGS,
	ES_STAT__MAX,
};

/*
 * The records and how to merge them. One exec gives, in this order in the ring
 * buffer (a task reserves them one after the other):
 *   ES_RECORD_EXEC		struct es_exec_event, at syscall entry: who exec's
 *				what, as read from the caller's memory;
 *   ES_RECORD_EXEC_IMAGE	struct es_exec_image, only if the exec succeeds and
 *				the image program is attached (the loader's
 *				info->exec_image): what the kernel exec'd;
 *   ES_RECORD_EXEC_RESULT	struct es_exec_result, at syscall exit.
 * Join all three by hdr.pid (the tgid: a non-leader thread's exec record has
 * hdr.pid = its tgid and hdr.tid = the thread; its image record has
 * old_pid = that thread). When several execs of one process are pending
 * (threads racing), take the one whose exec record's hdr.tid equals the
 * image's old_pid.
 *
 * The exec record's filename and args can miss what the kernel did read:
 * BPF cannot fault in user pages, and a child exec'ing string literals at
 * once after fork has none of its parent's .rodata mapped. Such an exec
 * record carries ES_EXEC_F_FILENAME_FAULT / ES_EXEC_F_ARGV_FAULT and an
 * empty string. The image record never misses: its filename is the kernel's
 * copy (the path as given; "/dev/fd/N" for fexecve, where the exec record
 * has ""; "/dev/fd/N/path" for a dirfd-relative execveat) and its argv is
 * read from the new image's memory, written by the kernel during the exec.
 * A consumer merges (es_exec_image_matches() and es_exec_image_merge() in
 * user/agent/exec_image.h implement this):
 *   - filename: the image's when the exec record has ES_EXEC_F_FILENAME_FAULT
 *     or an empty filename (fexecve); otherwise the exec record's (they name
 *     the same file; the image's is then the same string).
 *     ES_IMAGE_F_FILENAME_TRUNCATED replaces ES_EXEC_F_FILENAME_TRUNCATED
 *     with it. ES_IMAGE_F_FILENAME_FAULT (never seen in practice): keep the
 *     exec record's.
 *   - argv: the image's when the exec record has ES_EXEC_F_ARGV_FAULT or no
 *     entries, and the image record has argv (none of ES_IMAGE_F_ARGV_ABSENT,
 *     ES_IMAGE_F_ARGV_FAULT). args[0..args_size) are the strings back to
 *     back, each with its NUL: count the NULs for argc. With
 *     ES_IMAGE_F_ARGV_TRUNCATED (argv longer than ES_ARGS_LEN) the last entry
 *     may lack its NUL: keep it as a cut entry and report the argv truncated.
 *     The image's argv is what the new program received, so a consumer may
 *     prefer it for every successful exec; the exec record's holds at most
 *     ES_ARGV_MAX entries of at most 2047 bytes each.
 *   - ES_IMAGE_F_ARGV_ABSENT: argv not read because EXEC_OFFSETS are 0; the
 *     loader's EXEC_OFFSETS group says why (no BTF, an unresolved field, a
 *     failed image self-test, lockdown). Keep the exec record's argv.
 *   - the fault flags describe the exec record's reads only; once the image
 *     filled a value, report where it came from rather than a fault.
 * An exec record without an image record before its result: the exec
 * failed (ret < 0) or the image program is not attached (the loader's
 * info->exec_image is false and says why). An image record without an exec
 * record: the exec record was lost (ES_STAT_RINGBUF_FULL) or the exec began
 * before attach; it alone still says what ran. Image records are counted in
 * ES_STAT_EVENTS and ES_STAT_EXEC_IMAGE.
 */
enum es_record_type {
	ES_RECORD_EXEC = 1, /* struct es_exec_event, from the syscall entry */
	ES_RECORD_EXEC_RESULT = 2, /* struct es_exec_result, from the syscall exit */
	ES_RECORD_EXEC_IMAGE = 3, /* struct es_exec_image, from sched:sched_process_exec */
};

enum es_syscall {
	ES_SYSCALL_UNKNOWN = 0, /* the image record: sched_process_exec does not say which */
	ES_SYSCALL_EXECVE = 1,
	ES_SYSCALL_EXECVEAT = 2,
};

/* es_exec_event.flags */
#define ES_EXEC_F_PPID_KERNEL	     (1u << 0) /* ppid was read in the kernel */
#define ES_EXEC_F_ARGV_TRUNCATED     (1u << 1) /* more args, or longer ones, than args[] holds */
#define ES_EXEC_F_FILENAME_TRUNCATED (1u << 2) /* filename longer than filename[] */
#define ES_EXEC_F_FILENAME_FAULT     (1u << 3) /* the filename could not be read from user memory */
#define ES_EXEC_F_ARGV_FAULT	     (1u << 4) /* an argv pointer or string could not be read */

/* es_exec_image.flags */
#define ES_IMAGE_F_FILENAME_TRUNCATED (1u << 0) /* filename longer than filename[] */
#define ES_IMAGE_F_FILENAME_FAULT     (1u << 1) /* the filename could not be read: "" */
#define ES_IMAGE_F_ARGV_TRUNCATED     (1u << 2) /* argv is longer than args[]: its first bytes */
#define ES_IMAGE_F_ARGV_ABSENT	      (1u << 3) /* not read: EXEC_OFFSETS absent (loader says why) */
#define ES_IMAGE_F_ARGV_FAULT	      (1u << 4) /* the mm or the argv bytes could not be read */

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

/*
 * Submitted at sched:sched_process_exec, once the new image is in place and
 * only for an exec that succeeds: what the kernel itself executes. Its
 * filename is the kernel's copy (bprm->filename: the path as passed,
 * "/dev/fd/N" for fexecve, "/dev/fd/N/name" for a dirfd-relative execveat)
 * and its argv is read from the new mm (arg_start..arg_end), pages the
 * kernel has just written, so neither can miss the way the entry record's
 * user-memory reads can. It comes between the exec record and the result
 * record of the same exec; see "The records and how to merge them" above.
 */
struct es_exec_image {
	struct es_record_header hdr; /* pid == tid: the tgid after exec; syscall 0 */
	__u32 old_pid; /* tid that called exec: != pid when a non-leader thread exec'd */
	__u32 flags; /* ES_IMAGE_F_* */
	__u32 args_size; /* bytes of args[] in use */
	__u32 pad; /* 0 */
	char filename[ES_FILENAME_LEN]; /* NUL-terminated unless truncated to the full length */
	/*
	 * The argv strings as the new image sees them, each NUL-terminated,
	 * back to back, exactly as in its memory: the entries are counted by
	 * their NULs. When ES_IMAGE_F_ARGV_TRUNCATED the last entry may lack
	 * its NUL.
	 */
	char args[ES_ARGS_LEN];
};

#endif /* EXECSENSOR_H */
