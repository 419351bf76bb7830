/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The ABI between execsensor's BPF programs and userspace: map keys, stats
 * slots and the ring-buffer records. Included by both sides, so it uses only
 * fixed-width types and no libc or kernel headers beyond <linux/types.h>.
 *
 * The records. Every successful exec gives exactly one ES_RECORD_EXEC, made
 * at sched:sched_process_exec once the new image is in place; a failed exec
 * gives one ES_RECORD_EXEC_FAILURE at the syscall's exit. Nothing is to be
 * joined: each record says all there is about its exec. Each is exactly as
 * long as its content: a fixed part, then the strings its lengths count,
 * back to back (es_exec_record_data()).
 *
 * The syscall entry only notes a small pending state per thread (struct
 * es_pending: the parent, the caller's comm and ids, the syscall's
 * arguments) and reads no user memory; the exec record takes it over. An
 * exec whose pending state is missing (it began before attach, the entry
 * program did not run) still gets its record, flagged ES_EXEC_F_NO_PENDING,
 * with the parent read at that point by the same hops.
 *
 * PATH searches are folded: the ENOENT, ENOTDIR and EACCES failures of one
 * thread that go on with the same argv are counted in the pending state and
 * come as path_misses in the record of the exec that ends the search. A
 * search that fails entirely is reported once, by its last attempt's failure
 * record (kept in the HELD map meanwhile), when the thread execs with
 * another argv, fails otherwise, or exits.
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
 * Keys of the EXEC_OFFSETS array map: from current to the new image's argv.
 * 0 means absent: argv is then read from the caller's memory at entry
 * (ES_EXEC_F_ARGV_ENTRY), which can miss.
 */
enum es_exec_offset {
	ES_EXEC_OFF_TASK_MM = 0, /* task_struct.mm (struct mm_struct *) */
	ES_EXEC_OFF_ARG_START = 1, /* mm_struct.arg_start (unsigned long) */
	ES_EXEC_OFF_ARG_END = 2, /* mm_struct.arg_end (unsigned long) */
	ES_EXEC_OFF__MAX,
};

/*
 * Keys of the EXE_OFFSETS array map: from current to the new image's file,
 * its path (dentries up to the root, crossing mounts) and its inode. 0 means
 * absent: the record has no exe (ES_EXEC_F_EXE_ABSENT).
 */
enum es_exe_offset {
	ES_EXE_OFF_TASK_MM = 0, /* task_struct.mm (struct mm_struct *) */
	ES_EXE_OFF_EXE_FILE, /* mm_struct.exe_file (struct file *) */
	ES_EXE_OFF_FILE_DENTRY, /* file.f_path.dentry (struct dentry *) */
	ES_EXE_OFF_FILE_MNT, /* file.f_path.mnt (struct vfsmount *) */
	ES_EXE_OFF_D_PARENT, /* dentry.d_parent (struct dentry *) */
	ES_EXE_OFF_D_NAME, /* dentry.d_name.name (const unsigned char *) */
	ES_EXE_OFF_D_NAME_LEN, /* dentry.d_name.len (u32) */
	ES_EXE_OFF_D_INODE, /* dentry.d_inode (struct inode *) */
	ES_EXE_OFF_I_INO, /* inode.i_ino (unsigned long) */
	ES_EXE_OFF_I_NLINK, /* inode.i_nlink (unsigned int) */
	ES_EXE_OFF_I_SB, /* inode.i_sb (struct super_block *) */
	ES_EXE_OFF_S_DEV, /* super_block.s_dev (dev_t) */
	ES_EXE_OFF_MOUNT_MNT, /* mount.mnt (struct vfsmount, inside struct mount) */
	ES_EXE_OFF_MOUNT_ROOT, /* mount.mnt.mnt_root (struct dentry *): from struct mount */
	ES_EXE_OFF_MNT_PARENT, /* mount.mnt_parent (struct mount *) */
	ES_EXE_OFF_MNT_MOUNTPOINT, /* mount.mnt_mountpoint (struct dentry *) */
	ES_EXE_OFF__MAX,
};

/*
 * Keys of the EXIT_OFFSETS array map: whether an exiting thread is its
 * process's last (signal->live has dropped to 0 by sched_process_exit), and
 * the exit status. 0 means absent: exit records then come for thread-group
 * leaders, without a status (ES_EXIT_F_LEADER).
 */
enum es_exit_offset {
	ES_EXIT_OFF_EXIT_CODE = 0, /* task_struct.exit_code (int: wait status) */
	ES_EXIT_OFF_SIGNAL, /* task_struct.signal (struct signal_struct *) */
	ES_EXIT_OFF_LIVE, /* signal_struct.live.counter (int: threads not yet exiting) */
	ES_EXIT_OFF__MAX,
};

/*
 * Keys of the FORK_OFFSETS array map: the new process's start time, read
 * from the child's task_struct at sched_process_fork instead of a clock
 * (the kernel set it moments before, in copy_process()). 0 means absent:
 * fork records are then stamped with the clock (bpf_ktime_get_boot_ns).
 */
enum es_fork_offset {
	ES_FORK_OFF_START_BOOTTIME = 0, /* task_struct.start_boottime (u64: CLOCK_BOOTTIME ns) */
	ES_FORK_OFF__MAX,
};

/*
 * Keys of the CRED_OFFSETS array map: the new image's credentials (after the
 * exec's set-id and capability changes), and at entry the caller's, which
 * tell whether the exec raised them. 0 means absent: no creds
 * (ES_CTX_F_CREDS unset). The real uid and gid are es_exec_record's: an exec
 * does not change them.
 */
enum es_cred_offset {
	ES_CRED_OFF_TASK_CRED = 0, /* task_struct.cred (const struct cred *) */
	ES_CRED_OFF_EUID, /* cred.euid.val (uid_t in kuid_t) */
	ES_CRED_OFF_SUID, /* cred.suid.val */
	ES_CRED_OFF_FSUID, /* cred.fsuid.val */
	ES_CRED_OFF_EGID, /* cred.egid.val (gid_t in kgid_t) */
	ES_CRED_OFF_SGID, /* cred.sgid.val */
	ES_CRED_OFF_FSGID, /* cred.fsgid.val */
	ES_CRED_OFF_CAP_PERMITTED, /* cred.cap_permitted (kernel_cap_t: 64 bits) */
	ES_CRED_OFF_CAP_EFFECTIVE, /* cred.cap_effective (kernel_cap_t) */
	ES_CRED_OFF__MAX,
};

/* Keys of the AUDIT_OFFSETS array map (CONFIG_AUDIT): the login uid and session. */
enum es_audit_offset {
	ES_AUDIT_OFF_LOGINUID = 0, /* task_struct.loginuid.val (uid_t in kuid_t) */
	ES_AUDIT_OFF_SESSIONID, /* task_struct.sessionid (unsigned int) */
	ES_AUDIT_OFF__MAX,
};

/* Keys of the TTY_OFFSETS array map: the controlling terminal's name. */
enum es_tty_offset {
	ES_TTY_OFF_SIGNAL = 0, /* task_struct.signal (struct signal_struct *) */
	ES_TTY_OFF_TTY, /* signal_struct.tty (struct tty_struct *): NULL without one */
	ES_TTY_OFF_NAME, /* tty_struct.name (char[64]: "pts3", "ttyS0") */
	ES_TTY_OFF__MAX,
};

/*
 * Keys of the NS_OFFSETS array map: the namespaces' inode numbers (what
 * /proc/<pid>/ns/<kind> names), through current->nsproxy and, for the user
 * namespace, current->cred.
 */
enum es_ns_offset {
	ES_NS_OFF_TASK_NSPROXY = 0, /* task_struct.nsproxy (struct nsproxy *) */
	ES_NS_OFF_UTS, /* nsproxy.uts_ns (struct uts_namespace *) */
	ES_NS_OFF_IPC, /* nsproxy.ipc_ns (struct ipc_namespace *) */
	ES_NS_OFF_MNT, /* nsproxy.mnt_ns (struct mnt_namespace *) */
	ES_NS_OFF_NET, /* nsproxy.net_ns (struct net *) */
	ES_NS_OFF_CGROUP, /* nsproxy.cgroup_ns (struct cgroup_namespace *) */
	ES_NS_OFF_UTS_INUM, /* uts_namespace.ns.inum (unsigned int) */
	ES_NS_OFF_IPC_INUM, /* ipc_namespace.ns.inum */
	ES_NS_OFF_MNT_INUM, /* mnt_namespace.ns.inum */
	ES_NS_OFF_NET_INUM, /* net.ns.inum */
	ES_NS_OFF_CGROUP_INUM, /* cgroup_namespace.ns.inum */
	ES_NS_OFF_TASK_CRED, /* task_struct.cred (const struct cred *) */
	ES_NS_OFF_USER, /* cred.user_ns (struct user_namespace *) */
	ES_NS_OFF_USER_INUM, /* user_namespace.ns.inum */
	ES_NS_OFF__MAX,
};

/*
 * Keys of the PIDNS_OFFSETS array map: the process's own pid namespace (its
 * struct pid's innermost level, as /proc/<pid>/ns/pid) and its pid there.
 * UPID_NR is at offset 0 of struct upid: the group is on when the others are.
 */
enum es_pidns_offset {
	ES_PIDNS_OFF_THREAD_PID = 0, /* task_struct.thread_pid (struct pid *) */
	ES_PIDNS_OFF_LEVEL, /* pid.level (unsigned int) */
	ES_PIDNS_OFF_NUMBERS, /* pid.numbers (struct upid[]) */
	ES_PIDNS_OFF_UPID_SIZE, /* sizeof(struct upid): the stride of pid.numbers */
	ES_PIDNS_OFF_UPID_NR, /* upid.nr (int): may be 0 */
	ES_PIDNS_OFF_UPID_NS, /* upid.ns (struct pid_namespace *) */
	ES_PIDNS_OFF_PIDNS_INUM, /* pid_namespace.ns.inum (unsigned int) */
	ES_PIDNS_OFF__MAX,
};

/* Slots of the per-CPU STATS array map; userspace sums them over CPUs. */
enum es_stat {
	ES_STAT_EVENTS = 0, /* records submitted to the ring buffer */
	ES_STAT_RINGBUF_FULL, /* records lost: the ring buffer had no room (by type below) */
	ES_STAT_PPID_KERNEL, /* exec and failure records sent with a ppid read in the kernel */
	ES_STAT_OFFSETS_ABSENT, /* records without a kernel ppid because an offset was 0 */
	ES_STAT_KERNEL_READ_FAIL, /* records whose bpf_probe_read_kernel() of the parent failed */
	ES_STAT_LOST_EXEC, /* exec records lost to a full ring buffer: not reported */
	ES_STAT_LOST_FAILURE, /* failure records lost to a full ring buffer: not reported */
	ES_STAT_EXEC_NO_PENDING, /* exec records without their entry's pending state */
	ES_STAT_ENTRY_REGS, /* kprobe mode: the syscall's registers were unreadable at entry */
	ES_STAT_FAILURES_HELD, /* PATH-search misses held instead of reported at once */
	ES_STAT_HELD_FULL, /* misses reported at once: the HELD map had no room */
	ES_STAT_ENTRY_ARGS_FULL, /* entry argv not kept: the ENTRY_ARGS map had no room */
	ES_STAT_BYTES, /* ring-buffer bytes submitted (records, without the ring's headers) */
	ES_STAT_PENDING_TAKEN, /* pending states overwritten by another thread's in the same slot */
	ES_STAT_LOST_FORK, /* fork records lost to a full ring buffer */
	ES_STAT_LOST_EXIT, /* exit records lost to a full ring buffer */
	ES_STAT_CONTEXT_FAULT, /* exec records with a part of their context unreadable (absent) */
	ES_STAT__MAX,
};

enum es_record_type {
	ES_RECORD_EXEC = 1, /* struct es_exec_record: a successful exec */
	ES_RECORD_EXEC_FAILURE = 2, /* struct es_exec_record: a failed exec */
	ES_RECORD_FORK = 3, /* struct es_fork_record: a new process */
	ES_RECORD_EXIT = 4, /* struct es_exit_record: a process ended */
};

enum es_syscall {
	ES_SYSCALL_UNKNOWN = 0, /* no pending state said which */
	ES_SYSCALL_EXECVE = 1,
	ES_SYSCALL_EXECVEAT = 2,
};

/* es_exec_record.hdr.flags */
#define ES_EXEC_F_PPID_KERNEL	     (1u << 0) /* ppid was read in the kernel */
#define ES_EXEC_F_NO_PENDING	     (1u << 1) /* no entry state: ppid, comm, ids read at exec */
#define ES_EXEC_F_FILENAME_TRUNCATED (1u << 2) /* the filename is longer than ES_FILENAME_MAX */
#define ES_EXEC_F_FILENAME_FAULT     (1u << 3) /* the filename could not be read: empty */
#define ES_EXEC_F_ARGV_TRUNCATED     (1u << 4) /* argv is longer than kept: its first bytes */
#define ES_EXEC_F_ARGV_FAULT	     (1u << 5) /* argv (or part of it) could not be read */
#define ES_EXEC_F_ARGV_ENTRY	     (1u << 6) /* argv read from the caller at entry (no EXEC_OFFSETS) */
#define ES_EXEC_F_ARGV_ABSENT	     (1u << 7) /* no argv: neither the new mm nor the entry gave it */
#define ES_EXEC_F_EXE_ABSENT	     (1u << 8) /* no exe: EXE_OFFSETS are 0 (the loader says why) */
#define ES_EXEC_F_EXE_FAULT	     (1u << 9) /* the exe's file, dentries or inode were unreadable */
#define ES_EXEC_F_EXE_TRUNCATED	     (1u << 10) /* the path walk stopped early: a leaf part only */
#define ES_EXEC_F_EXE_PSEUDO	     (1u << 11) /* a file of no mount (memfd): its name only */
#define ES_EXEC_F_FILENAME_ENTRY     (1u << 12) /* the filename was read from the caller at entry */

/* es_exec_context.present: the parts read (a part absent is null, its reason in the startup record) */
#define ES_CTX_F_CREDS	       (1u << 0) /* euid..fsgid, cap_permitted, cap_effective */
#define ES_CTX_F_AUDIT	       (1u << 1) /* auid, session */
#define ES_CTX_F_TTY	       (1u << 2) /* tty: its name, or "" without a terminal */
#define ES_CTX_F_TTY_TRUNCATED (1u << 3) /* the name is longer than ES_TTY_NAME_MAX - 1 */
#define ES_CTX_F_NS	       (1u << 4) /* ns_mnt..ns_user */
#define ES_CTX_F_PIDNS	       (1u << 5) /* ns_pid, vpid */
#define ES_CTX_F_CGROUP	       (1u << 6) /* cgroup_id (bpf_get_current_cgroup_id()) */
#define ES_CTX_F_PRIV_KNOWN    (1u << 7) /* the caller's creds were read at entry */
#define ES_CTX_F_PRIV_RAISED   (1u << 8) /* the exec changed euid or egid, or gained capabilities */

#define ES_TTY_NAME_MAX 16

#define ES_COMM_LEN	  16
#define ES_FILENAME_MAX	  512 /* filename bytes kept */
#define ES_ARGS_MAX	  4096 /* argv bytes kept: strings, each with its NUL */
#define ES_ARGV_ENTRY_MAX 64 /* argv entries read at entry (from the caller's memory) */
#define ES_EXE_PATH_MAX	  1024 /* exe path bytes kept */
#define ES_EXE_DEPTH_MAX  32 /* path components walked, mounts crossed included */
#define ES_EXE_NAME_MAX	  256 /* bytes of one component (NAME_MAX + NUL) */

/* Ring buffer size the objects are built with; the loader may change it before load. */
#define ES_RINGBUF_DEFAULT_SIZE (1u << 20)

/* Common to every record; type says which struct follows. */
struct es_record_header {
	__u32 type; /* enum es_record_type */
	__u32 pid; /* tgid (after the exec for ES_RECORD_EXEC) */
	__u32 tid; /* the thread that called exec (old_pid: != pid when not the leader) */
	__u32 flags; /* ES_EXEC_F_*, ES_FORK_F_* or ES_EXIT_F_*, by type */
	/*
	 * CLOCK_BOOTTIME nanoseconds (bpf_ktime_get_boot_ns); a fork record's
	 * with ES_FORK_F_START_TIME is the child's start_boottime; an exit
	 * record's is jiffies (ES_EXIT_F_TIME_JIFFIES) until the loader turns
	 * it into CLOCK_BOOTTIME to the tick (ES_EXIT_F_TIME_TICK).
	 */
	__u64 time_ns;
};

/*
 * Who and where, read in the new image at sched_process_exec (exec records
 * only; a failure record's is all 0, present 0).
 */
struct es_exec_context {
	__u32 present; /* ES_CTX_F_* */
	__u32 euid, suid, fsuid;
	__u32 egid, sgid, fsgid;
	__u32 auid; /* the audit login uid; 4294967295: not set */
	__u32 session; /* the audit session id; 4294967295: not set */
	__u32 ns_mnt, ns_net, ns_user, ns_uts, ns_ipc, ns_cgroup;
	__u32 ns_pid; /* the process's own pid namespace */
	__u32 vpid; /* its pid there */
	__u32 pad; /* 0 */
	__u64 cap_permitted;
	__u64 cap_effective;
	__u64 cgroup_id; /* the cgroup v2 id: its directory's inode number on cgroupfs */
	char tty[ES_TTY_NAME_MAX]; /* the controlling terminal's kernel name ("pts3"), NUL-ended */
};

_Static_assert(sizeof(struct es_exec_context) == 112, "no padding");

/*
 * One exec, whole. The fixed part, then its strings: the filename
 * (filename_len bytes, no NUL), argv (args_len bytes: each string with its
 * NUL, in order; with ES_EXEC_F_ARGV_TRUNCATED the last may lack its NUL)
 * and the exe's path components from the file up to the root (exe_path_len
 * bytes: each with its NUL; "true\0bin\0usr\0" is /usr/bin/true).
 */
struct es_exec_record {
	struct es_record_header hdr;
	__u64 exe_ino; /* the new image's inode number; 0 without an exe */
	__u32 exe_dev; /* its filesystem's device, the kernel's encoding: major << 20 | minor */
	__u32 exe_nlink; /* its link count: 0 when the file was deleted */
	__u32 ppid; /* tgid of real_parent when ES_EXEC_F_PPID_KERNEL, else 0 */
	__u32 uid; /* the caller's real uid and gid (before the exec's set-id) */
	__u32 gid;
	__s32 dirfd; /* execveat's dirfd; AT_FDCWD (-100) for execve */
	__u32 execveat_flags; /* execveat's flags (AT_EMPTY_PATH is fexecve); 0 for execve */
	__s32 ret; /* 0, or the failure's -errno */
	__u16 syscall; /* enum es_syscall */
	__u16 path_misses; /* failed PATH-search attempts before this one (folded) */
	__u16 filename_len;
	__u16 args_len;
	__u16 exe_path_len;
	__u16 pad[3]; /* 0 */
	char comm[ES_COMM_LEN]; /* the caller's comm before the exec (NUL-terminated unless full) */
	struct es_exec_context ctx;
	/* Then the strings (es_exec_record_data()): filename, args, exe path components. */
};

/* The size a record's lengths claim (to check against its size). */
static inline __u64 es_exec_record_size(const struct es_exec_record *r)
{
	return sizeof(*r) + (__u64)r->filename_len + r->args_len + r->exe_path_len;
}

/* Its strings, right after the fixed part. */
static inline const char *es_exec_record_data(const struct es_exec_record *r)
{
	return (const char *)(r + 1);
}

/* es_fork_record.hdr.flags */
#define ES_FORK_F_KIND_UNKNOWN (1u << 0) /* no TASK_OFFSETS: the new task may be a thread */
/*
 * hdr.time_ns is the child's task_struct.start_boottime (FORK_OFFSETS), no
 * clock read: exactly what /proc/<pid>/stat's starttime counts in ticks.
 */
#define ES_FORK_F_START_TIME (1u << 1)

/*
 * A new process (sched_process_fork, a child in a thread group of its own).
 * hdr.pid and hdr.tid are the child's pid. Without TASK_OFFSETS the kernel
 * cannot tell a thread from a process: every new task is sent, flagged
 * ES_FORK_F_KIND_UNKNOWN, and the exits of non-leader threads follow
 * (ES_EXIT_F_THREAD), so a consumer can drop the threads.
 */
struct es_fork_record {
	struct es_record_header hdr;
	__u32 parent_pid; /* the forking process (tgid of the caller) */
	__u32 parent_tid; /* the forking thread */
};

/* es_exit_record.hdr.flags */
#define ES_EXIT_F_CODE	 (1u << 0) /* exit_code is the process's wait status */
#define ES_EXIT_F_LEADER (1u << 1) /* no EXIT_OFFSETS: the leader thread exited, others may live */
#define ES_EXIT_F_THREAD (1u << 2) /* no TASK_OFFSETS: a non-leader thread (hdr.tid) exited */
/*
 * hdr.time_ns is jiffies (bpf_jiffies64(): a load, no clock read), as the
 * kernel stamps every exit record; the loader turns it into CLOCK_BOOTTIME
 * before handing the record over (ES_EXIT_F_TIME_TICK instead).
 */
#define ES_EXIT_F_TIME_JIFFIES (1u << 3)
/* hdr.time_ns is CLOCK_BOOTTIME to the tick: when the jiffy of the exit began. */
#define ES_EXIT_F_TIME_TICK (1u << 4)

/* A process ended: its last thread exited (sched_process_exit). */
struct es_exit_record {
	struct es_record_header hdr;
	__s32 exit_code; /* with ES_EXIT_F_CODE: (status << 8) | signal, as wait(2) encodes it */
	__u32 pad; /* 0 */
};

/*
 * Jiffies and CLOCK_MONOTONIC at one instant: the clock_pair program's
 * context, which it fills when the loader runs it (BPF_PROG_TEST_RUN), so
 * that exit records' jiffies can be read as times.
 */
struct es_clock_pair {
	__u64 jiffies; /* read first */
	__u64 mono_ns; /* then CLOCK_MONOTONIC: the jiffy had begun by then */
};

_Static_assert(sizeof(struct es_fork_record) == 32, "no padding");
_Static_assert(sizeof(struct es_exit_record) == 32, "no padding");

/*
 * The entry's pending state, per thread, until its exec ends: in the PENDING
 * array's slot tid % ES_PENDING_SLOTS, which is the thread's only while its
 * tid field says so (two threads exec'ing at once in one slot: the later
 * wins, the other's record comes without, flagged ES_EXEC_F_NO_PENDING).
 */
#define ES_PENDING_SLOTS 16384

struct es_pending {
	__u64 filename; /* user pointers of the syscall's arguments, for a failure's record */
	__u64 argv;
	__u32 ppid;
	__u32 flags; /* ES_EXEC_F_PPID_KERNEL */
	__u32 uid;
	__u32 gid;
	__s32 dirfd;
	__u32 execveat_flags;
	__u16 syscall;
	__u16 path_misses; /* this thread's PATH search so far (its last miss is in HELD) */
	__u32 tid; /* whose state this is; 0: nobody's */
	char comm[ES_COMM_LEN];
	/* The caller's, with CRED_OFFSETS (priv_known): what the exec may raise. */
	__u32 priv_known;
	__u32 euid;
	__u32 egid;
	__u32 pad;
	__u64 cap_permitted;
	__u64 cap_effective;
};

/*
 * The caller's filename and argv read at entry, when the kernel cannot give
 * them (ENTRY_ARGS): a record in the making. rec.hdr.flags, filename_len and
 * args_len say what the entry read; the filename (under lockdown only) is at
 * data[0], argv right after it. Under lockdown the exec record is completed
 * in place: its strings are already where they go.
 */
struct es_entry_args {
	struct es_exec_record rec;
	char data[ES_FILENAME_MAX + ES_ARGS_MAX];
};

_Static_assert(sizeof(struct es_exec_record) == 208, "the fixed part has no trailing padding");

/* The largest record: every string at its most. */
#define ES_RECORD_MAX \
	(sizeof(struct es_exec_record) + ES_FILENAME_MAX + ES_ARGS_MAX + ES_EXE_PATH_MAX)

#endif /* EXECSENSOR_H */
