// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * execsensor's BPF programs: one record per exec, exactly as long as its
 * content (see kern/execsensor.h). No CO-RE: only uapi layouts (pt_regs,
 * tracepoint records) and byte offsets userspace resolved from BTF and
 * wrote to the offset maps, each 0 when absent.
 *
 *   exec entry	(kprobe on the syscall function, or syscalls:sys_enter_*):
 *		the parent through TASK_OFFSETS and a small pending state per
 *		thread; no user memory (unless the kernel cannot give argv later)
 *   sched_process_exec: the exec record: the pending state, the kernel's
 *		filename, argv from the new mm (EXEC_OFFSETS), the exe's path and
 *		inode (EXE_OFFSETS), one timestamp
 *   exec exit	(kretprobe, or syscalls:sys_exit_*): a failed exec's record,
 *		or a PATH-search miss held for the search's end
 *   sched_process_exit: a held miss of an exiting thread is its search's end;
 *		a process's last thread's exit record (lineage), stamped with jiffies
 *   sched_process_fork: a new process's fork record, stamped with its start
 *		time (FORK_OFFSETS) or, without TASK_OFFSETS, the clock
 *   clock_pair	(run by the loader): jiffies and CLOCK_MONOTONIC at one instant
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/errno.h>
#include <linux/fcntl.h>
#include <asm/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "execsensor.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/*
 * Set by the loader before load: 0 when kernel reads are refused
 * (lockdown=confidentiality). The verifier then drops every
 * bpf_probe_read_kernel() as dead code instead of rejecting the program.
 */
const volatile __u8 kernel_reads = 1;

/*
 * Pending ring-buffer bytes from which a record wakes the reader. Below it
 * records wait for the reader's next poll timeout: a wakeup is an irq_work
 * (a self-IPI, a VM exit under virtualization) and costs more than the rest
 * of the handler. 0 wakes the reader for every record.
 */
const volatile __u64 wakeup_bytes = 0;

/*
 * 0 without lineage (--no-lineage): no exit records; the loader loads no
 * fork program then.
 */
const volatile __u8 lineage = 1;

/* One offset group's map: __u32 byte offsets by key, written by the loader before attach. */
#define OFFSET_MAP(name, keys)                    \
	struct {                                  \
		__uint(type, BPF_MAP_TYPE_ARRAY); \
		__uint(max_entries, keys);        \
		__type(key, __u32);               \
		__type(value, __u32);             \
	} name SEC(".maps")

OFFSET_MAP(TASK_OFFSETS, ES_TASK_OFF__MAX);
OFFSET_MAP(EXEC_OFFSETS, ES_EXEC_OFF__MAX);
OFFSET_MAP(EXE_OFFSETS, ES_EXE_OFF__MAX);
OFFSET_MAP(EXIT_OFFSETS, ES_EXIT_OFF__MAX);
OFFSET_MAP(CRED_OFFSETS, ES_CRED_OFF__MAX);
OFFSET_MAP(AUDIT_OFFSETS, ES_AUDIT_OFF__MAX);
OFFSET_MAP(TTY_OFFSETS, ES_TTY_OFF__MAX);
OFFSET_MAP(NS_OFFSETS, ES_NS_OFF__MAX);
OFFSET_MAP(PIDNS_OFFSETS, ES_PIDNS_OFF__MAX);
OFFSET_MAP(FORK_OFFSETS, ES_FORK_OFF__MAX);

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, ES_RINGBUF_DEFAULT_SIZE);
} EVENTS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, ES_STAT__MAX);
	__type(key, __u32);
	__type(value, __u64);
} STATS SEC(".maps");

/*
 * The entry's state by thread id, in slot tid % ES_PENDING_SLOTS: an array,
 * whose lookups take no lock and no hashing (a hash map's update and delete
 * cost microseconds here, more than the rest of the handler).
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, ES_PENDING_SLOTS);
	__type(key, __u32);
	__type(value, struct es_pending);
} PENDING SEC(".maps");

/* How many records HELD holds: at 0 a thread's exit has none to look for. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __s64);
} HELD_COUNT SEC(".maps");

/*
 * A record is built here, then copied to the ring buffer at its exact size.
 * Writes land at masked offsets: the mask bounds every offset for the
 * verifier, and the room after ES_SCRATCH_MASK takes the longest write.
 */
#define ES_SCRATCH_MASK 8191
struct scratch {
	struct es_exec_record rec;
	char data[ES_SCRATCH_MASK + 1 + ES_ARGS_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} SCRATCH SEC(".maps");

/* A PATH-search miss's failure record, by thread id, until the search ends. */
struct held {
	struct es_exec_record rec;
	char data[ES_FILENAME_MAX + ES_ARGS_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct held);
} HELD SEC(".maps");

/* Filename and argv read at entry, when the exec cannot read them (no offsets, lockdown). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct es_entry_args);
} ENTRY_ARGS SEC(".maps");

/* The syscall registers as the uapi lays them out (ABI): only the argument registers. */
#if defined(__TARGET_ARCH_x86)
typedef struct pt_regs es_user_regs;
#define ES_SYSCALL_ARG0(r) ((r)->rdi)
#define ES_SYSCALL_ARG1(r) ((r)->rsi)
#define ES_SYSCALL_ARG2(r) ((r)->rdx)
#define ES_SYSCALL_ARG3(r) ((r)->r10)
#define ES_SYSCALL_ARG4(r) ((r)->r8)
#elif defined(__TARGET_ARCH_arm64)
typedef struct user_pt_regs es_user_regs;
#define ES_SYSCALL_ARG0(r) ((r)->regs[0])
#define ES_SYSCALL_ARG1(r) ((r)->regs[1])
#define ES_SYSCALL_ARG2(r) ((r)->regs[2])
#define ES_SYSCALL_ARG3(r) ((r)->regs[3])
#define ES_SYSCALL_ARG4(r) ((r)->regs[4])
#else
#error "execsensor builds for __TARGET_ARCH_x86 or __TARGET_ARCH_arm64"
#endif

/*
 * syscalls:sys_enter_* and sys_exit_* records (see the events' format files:
 * an 8-byte common header, __syscall_nr, then one 8-byte slot per argument).
 */
struct syscall_enter_record {
	__u64 common;
	__s32 syscall_nr;
	__u32 pad;
	__u64 args[6];
};

struct syscall_exit_record {
	__u64 common;
	__s32 syscall_nr;
	__u32 pad;
	__s64 ret;
};

/*
 * sched:sched_process_exec's record: the 8-byte common header, then
 * filename as a __data_loc (offset from the record's start in the low 16
 * bits, length with the NUL in the high 16), pid and old_pid.
 */
struct sched_process_exec_record {
	__u64 common;
	__u32 filename_loc;
	__s32 pid;
	__s32 old_pid;
};

/*
 * sched:sched_process_fork's record, in its two layouts: the header, then
 * parent_comm, parent_pid, child_comm, child_pid, the comms as char[16]
 * (child_pid at 44) or, in newer kernels, as __data_loc (child_pid at 20).
 * The loader reads which from the format file and loads the program for it.
 */
struct sched_process_fork_record {
	__u64 common;
	char parent_comm[16];
	__s32 parent_pid;
	char child_comm[16];
	__s32 child_pid;
};

struct sched_process_fork_record_loc {
	__u64 common;
	__u32 parent_comm_loc;
	__s32 parent_pid;
	__u32 child_comm_loc;
	__s32 child_pid;
};

/* sched:sched_process_exit's: the header, comm[16], pid (the exiting thread). */
struct sched_process_exit_record {
	__u64 common;
	char comm[16];
	__s32 pid;
};

/* The syscalls an exec may take, as the entry saw them. */
struct exec_call {
	__u16 syscall;
	const char *filename;
	const char *const *argv;
	__s32 dirfd;
	__u32 at_flags;
};

static __always_inline void stat_add(__u32 slot, __u64 n)
{
	__u64 *count = bpf_map_lookup_elem(&STATS, &slot);

	/* Atomic: a preemptible program may be interrupted by another on this CPU. */
	if (count)
		__sync_fetch_and_add(count, n);
}

static __always_inline void stat_inc(__u32 slot)
{
	stat_add(slot, 1);
}

static __always_inline __u32 offset_of(void *map, __u32 key)
{
	__u32 *off = bpf_map_lookup_elem(map, &key);

	return off ? *off : 0;
}

/*
 * A group's @n offsets into @v: 0, or -1 when the group is off (a key is 0;
 * @may_be_0, a field at offset 0 of its struct, excepted; @n: none).
 */
static __always_inline int offsets_get(void *map, __u32 *v, __u32 n, __u32 may_be_0)
{
	__u32 i;

	for (i = 0; i < n; i++) {
		v[i] = offset_of(map, i);
		if (!v[i] && i != may_be_0)
			return -1;
	}
	return 0;
}

static __always_inline void *read_ptr(const void *base, __u32 off)
{
	void *p = NULL;

	bpf_probe_read_kernel(&p, sizeof(p), base + off);
	return p;
}

/*
 * The first WINDOW bytes of a kernel struct, read at once: the fields inside
 * it come from the copy (one read instead of one per field), the others are
 * read one by one. A struct shorter than the window is read past its end,
 * harmlessly (a nofault read of slab memory); a window that faults is not
 * used.
 */
#define WINDOW 128

struct window {
	const void *base;
	int ok;
	__u8 b[WINDOW + sizeof(__u64)]; /* the tail: only for the verifier's bound (window_at) */
};

/* Per-CPU windows, one per use (the entry's cred, the exec record's cred and nsproxy). */
enum window_slot {
	WINDOW_ENTRY_CRED = 0,
	WINDOW_EXEC_CRED,
	WINDOW_EXEC_NSPROXY,
	WINDOW__MAX,
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, WINDOW__MAX);
	__type(key, __u32);
	__type(value, struct window);
} WINDOWS SEC(".maps");

static __always_inline struct window *window_get(__u32 slot)
{
	struct window *w = bpf_map_lookup_elem(&WINDOWS, &slot);

	if (w) {
		w->base = NULL;
		w->ok = 0;
	}
	return w;
}

static __always_inline void window_read(struct window *w, const void *base)
{
	w->base = base;
	w->ok = !bpf_probe_read_kernel(w->b, WINDOW, base);
}

/*
 * The copy's bytes at @off, checked in range by the caller. The mask is for
 * the verifier: older ones (6.1) lose the check's bound when the compiler
 * spills @off, so the index is bounded again, in the register it is used in
 * (the barrier keeps the compiler from dropping the mask as redundant).
 */
static __always_inline const __u8 *window_at(const struct window *w, __u32 off)
{
	asm volatile("" : "+r"(off));
	return &w->b[off & (WINDOW - 1)];
}

static __always_inline int window_u32(const struct window *w, __u32 off, __u32 *v)
{
	if (w->ok && off <= WINDOW - sizeof(*v)) {
		__builtin_memcpy(v, window_at(w, off), sizeof(*v));
		return 0;
	}
	return bpf_probe_read_kernel(v, sizeof(*v), w->base + off);
}

static __always_inline int window_u64(const struct window *w, __u32 off, __u64 *v)
{
	if (w->ok && off <= WINDOW - sizeof(*v)) {
		__builtin_memcpy(v, window_at(w, off), sizeof(*v));
		return 0;
	}
	return bpf_probe_read_kernel(v, sizeof(*v), w->base + off);
}

static __always_inline void *window_ptr(const struct window *w, __u32 off)
{
	__u64 v = 0;

	return window_u64(w, off, &v) ? NULL : (void *)v;
}

static __always_inline __u64 submit_flags(void)
{
	if (bpf_ringbuf_query(&EVENTS, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

/*
 * A whole record into the ring buffer, or counted lost as @lost_slot. @max
 * is the size of @rec's memory, a constant at each call: the verifier's bound.
 */
static __always_inline int submit(void *rec, __u64 size, __u64 max, __u32 lost_slot)
{
	if (size > max)
		size = max; /* never: records claim no more than they hold */
	if (bpf_ringbuf_output(&EVENTS, rec, size, submit_flags())) {
		stat_inc(ES_STAT_RINGBUF_FULL);
		stat_inc(lost_slot);
		return -1;
	}
	stat_inc(ES_STAT_EVENTS);
	stat_add(ES_STAT_BYTES, size);
	return 0;
}

/*
 * An exec or failure record (at the start of @rec's @max bytes); a kernel
 * ppid is counted per record sent, not per read: a folded PATH miss's read
 * makes no record.
 */
static __always_inline void submit_exec(void *rec, __u64 max, __u32 lost_slot)
{
	struct es_exec_record *r = rec;

	if (!submit(rec, es_exec_record_size(r), max, lost_slot) &&
	    (r->hdr.flags & ES_EXEC_F_PPID_KERNEL))
		stat_inc(ES_STAT_PPID_KERNEL);
}

/*
 * The tgid of current's real_parent, read through the offsets userspace
 * resolved from BTF. 0, and counted, when an offset is absent or a read fails.
 */
static __always_inline __u32 read_ppid(__u32 *flags)
{
	__u32 parent_off, tgid_off;
	void *task, *parent = NULL;
	__s32 ppid = 0;

	if (!kernel_reads) {
		stat_inc(ES_STAT_OFFSETS_ABSENT);
		return 0;
	}
	parent_off = offset_of(&TASK_OFFSETS, ES_TASK_OFF_REAL_PARENT);
	tgid_off = offset_of(&TASK_OFFSETS, ES_TASK_OFF_TGID);
	if (!parent_off || !tgid_off) {
		stat_inc(ES_STAT_OFFSETS_ABSENT);
		return 0;
	}
	task = (void *)bpf_get_current_task();
	if (bpf_probe_read_kernel(&parent, sizeof(parent), task + parent_off) || !parent)
		goto fail;
	/* 0 is a true answer: the idle task (swapper) is PID 1's and kthreadd's parent. */
	if (bpf_probe_read_kernel(&ppid, sizeof(ppid), parent + tgid_off) || ppid < 0)
		goto fail;
	*flags |= ES_EXEC_F_PPID_KERNEL;
	return ppid;
fail:
	stat_inc(ES_STAT_KERNEL_READ_FAIL);
	return 0;
}

/* A string read that filled @size bytes was cut if the source goes on. */
static __always_inline int user_str_continues(const char *src, __u32 size)
{
	char c = 0;

	return !bpf_probe_read_user(&c, 1, src + size - 1) && c;
}

/* The caller's filename into @buf (no NUL kept); its length. */
static __always_inline __u16 read_user_filename(char *buf, const char *filename, __u32 *flags)
{
	long n = bpf_probe_read_user_str(buf, ES_FILENAME_MAX, filename);

	if (n <= 0) {
		*flags |= ES_EXEC_F_FILENAME_FAULT;
		return 0;
	}
	if (n == ES_FILENAME_MAX && user_str_continues(filename, ES_FILENAME_MAX))
		*flags |= ES_EXEC_F_FILENAME_TRUNCATED;
	return n - 1;
}

/*
 * One argument at @off of @args. The verifier needs a constant bound on
 * off + size, so the largest read that still fits is chosen from three
 * sizes. Returns the bytes used (with the NUL), 0 when no room is left, or a
 * negative error; *cut is set when the string was cut.
 */
#define ES_ARG_READ_MAX	 2048
#define ES_ARG_READ_MID	 512
#define ES_ARG_READ_TAIL 64

static __always_inline long read_arg(char *args, __u64 off, const char *arg, int *cut)
{
	__u32 size;
	long n;

	if (off <= ES_ARGS_MAX - ES_ARG_READ_MAX) {
		size = ES_ARG_READ_MAX;
		n = bpf_probe_read_user_str(args + off, ES_ARG_READ_MAX, arg);
	} else if (off <= ES_ARGS_MAX - ES_ARG_READ_MID) {
		size = ES_ARG_READ_MID;
		n = bpf_probe_read_user_str(args + off, ES_ARG_READ_MID, arg);
	} else if (off <= ES_ARGS_MAX - ES_ARG_READ_TAIL) {
		size = ES_ARG_READ_TAIL;
		n = bpf_probe_read_user_str(args + off, ES_ARG_READ_TAIL, arg);
	} else {
		return 0;
	}
	if (n <= 0 || n > size)
		return n < 0 ? n : -1;
	*cut = n == size && user_str_continues(arg, size);
	return n;
}

/* The caller's argv walk's state, shared by bpf_loop()'s steps. */
struct argv_walk {
	char *args;
	const char *const *argv;
	__u32 used; /* bytes of args so far */
	__u32 flags; /* ES_EXEC_F_ARGV_* found */
	__u32 done; /* argv's NULL reached, or the walk stopped early */
};

/* Argument @i into w->args. 0 goes on, 1 stops (bpf_loop()'s rule). */
static long argv_step(__u32 i, void *ctx)
{
	struct argv_walk *w = ctx;
	const char *arg = NULL;
	__u64 off = w->used;
	int cut = 0;
	long n;

	w->done = 1;
	if (bpf_probe_read_user(&arg, sizeof(arg), &w->argv[i])) {
		w->flags |= ES_EXEC_F_ARGV_FAULT;
		return 1;
	}
	if (!arg)
		return 1;
	n = read_arg(w->args, off, arg, &cut);
	if (n == 0) {
		w->flags |= ES_EXEC_F_ARGV_TRUNCATED;
		return 1;
	}
	if (n < 0) {
		w->flags |= ES_EXEC_F_ARGV_FAULT;
		return 1;
	}
	w->used = off + n;
	/* A cut argument is flagged; the ones after it still count. */
	if (cut)
		w->flags |= ES_EXEC_F_ARGV_TRUNCATED;
	w->done = 0;
	return 0;
}

/*
 * The caller's argv from its memory into @args (ES_ARGS_MAX bytes): at most
 * ES_ARGV_ENTRY_MAX strings, each with its NUL. Only where the kernel cannot
 * give it: BPF cannot fault pages in, so strings not resident are missed.
 * A bpf_loop() (5.17+): its step is verified once, not once per argument
 * (an unrolled walk took the verifier over 100 ms per program).
 */
static __always_inline __u16 read_user_argv(char *args, const char *const *argv, __u32 *flags)
{
	struct argv_walk w = { .args = args, .argv = argv };
	const char *arg = NULL;

	bpf_loop(ES_ARGV_ENTRY_MAX, argv_step, &w, 0);
	*flags |= w.flags;
	/* All entries used: truncated if argv goes on. */
	if (!w.done && !bpf_probe_read_user(&arg, sizeof(arg), &argv[ES_ARGV_ENTRY_MAX]) && arg)
		*flags |= ES_EXEC_F_ARGV_TRUNCATED;
	return w.used;
}

static __always_inline struct scratch *scratch_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&SCRATCH, &zero);
}

static __always_inline struct es_pending *pending_slot(__u32 tid)
{
	__u32 key = tid & (ES_PENDING_SLOTS - 1);

	return bpf_map_lookup_elem(&PENDING, &key);
}

/* Thread @tid's pending state, or NULL when its slot holds another's (or nobody's). */
static __always_inline struct es_pending *pending_get(__u32 tid)
{
	struct es_pending *p = pending_slot(tid);

	return p && tid && p->tid == tid ? p : NULL;
}

static __always_inline void held_count_add(__s64 n)
{
	__u32 zero = 0;
	__s64 *count = bpf_map_lookup_elem(&HELD_COUNT, &zero);

	if (count)
		__sync_fetch_and_add(count, n);
}

static __always_inline int held_any(void)
{
	__u32 zero = 0;
	__s64 *count = bpf_map_lookup_elem(&HELD_COUNT, &zero);

	return count && *count > 0;
}

/* Keep @s as thread @tid's held miss, replacing an earlier one. 0 or the map's error. */
static __always_inline long held_put(__u32 tid, void *s)
{
	long err = bpf_map_update_elem(&HELD, &tid, s, BPF_NOEXIST);

	if (!err) {
		held_count_add(1);
		return 0;
	}
	return bpf_map_update_elem(&HELD, &tid, s, BPF_EXIST);
}

static __always_inline void held_delete(__u32 tid)
{
	if (!bpf_map_delete_elem(&HELD, &tid))
		held_count_add(-1);
}

/* The thread's held PATH-search miss, if any, as the search's end: reported now. */
static __always_inline void flush_held(__u32 tid)
{
	struct held *h;

	if (!held_any())
		return;
	h = bpf_map_lookup_elem(&HELD, &tid);
	if (!h)
		return;
	submit_exec(h, sizeof(*h), ES_STAT_LOST_FAILURE);
	held_delete(tid);
}

/*
 * The caller's filename and argv from its memory, kept for the exec record:
 * when EXEC_OFFSETS are absent (argv), and under lockdown (the filename too,
 * since the tracepoint record's copy needs a kernel read).
 */
static __always_inline void capture_entry_args(__u32 tid, const struct exec_call *call)
{
	struct es_entry_args *e;
	struct scratch *s;
	__u32 flen;

	if (kernel_reads && offset_of(&EXEC_OFFSETS, ES_EXEC_OFF_TASK_MM))
		return;
	s = scratch_get();
	if (!s)
		return;
	e = (struct es_entry_args *)s;
	e->rec.hdr.flags = 0;
	e->rec.filename_len = 0;
	if (!kernel_reads) {
		e->rec.hdr.flags |= ES_EXEC_F_FILENAME_ENTRY;
		e->rec.filename_len =
			read_user_filename(e->data, call->filename, &e->rec.hdr.flags);
	}
	flen = e->rec.filename_len & (ES_FILENAME_MAX - 1);
	e->rec.args_len = read_user_argv(e->data + flen, call->argv, &e->rec.hdr.flags);
	if (bpf_map_update_elem(&ENTRY_ARGS, &tid, e, BPF_ANY))
		stat_inc(ES_STAT_ENTRY_ARGS_FULL);
}

/*
 * The current task's cred through CRED_OFFSETS (@o), its start in @w: 0, 1
 * when the group is off, -1 when unreadable.
 */
static __always_inline int read_cred(__u32 *o, struct window *w)
{
	void *cred;

	if (!kernel_reads || offsets_get(&CRED_OFFSETS, o, ES_CRED_OFF__MAX, ES_CRED_OFF__MAX))
		return 1;
	cred = read_ptr((void *)bpf_get_current_task(), o[ES_CRED_OFF_TASK_CRED]);
	if (!cred)
		return -1;
	window_read(w, cred);
	return 0;
}

/* The euid, egid and capabilities an exec may raise, from the cred in @w. */
static __always_inline int read_privileges(const __u32 *o, const struct window *w, __u32 *euid,
					   __u32 *egid, __u64 *cap_permitted, __u64 *cap_effective)
{
	return window_u32(w, o[ES_CRED_OFF_EUID], euid) ||
	       window_u32(w, o[ES_CRED_OFF_EGID], egid) ||
	       window_u64(w, o[ES_CRED_OFF_CAP_PERMITTED], cap_permitted) ||
	       window_u64(w, o[ES_CRED_OFF_CAP_EFFECTIVE], cap_effective);
}

/* The caller's credentials, which the exec record compares its new ones with. */
static __always_inline void caller_creds(struct es_pending *p)
{
	struct window *w = window_get(WINDOW_ENTRY_CRED);
	__u32 o[ES_CRED_OFF__MAX];

	p->priv_known =
		w && !read_cred(o, w) &&
		!read_privileges(o, w, &p->euid, &p->egid, &p->cap_permitted, &p->cap_effective);
}

/* At entry: the pending state, and a held miss whose search this exec does not go on. */
static __always_inline int exec_entry(const struct exec_call *call)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct es_pending *p = pending_slot(tid);
	__u16 path_misses = 0;
	__u64 uid_gid;

	if (!p)
		return 0;
	if (p->tid == tid && p->path_misses) {
		/* The same argv: the next attempt of one PATH search (execvp). */
		if (p->argv == (__u64)call->argv)
			path_misses = p->path_misses;
		else
			flush_held(tid);
	} else if (p->tid) {
		stat_inc(ES_STAT_PENDING_TAKEN);
	}
	/* Nobody's while it is written: a reader checks the tid before and after. */
	p->tid = 0;
	p->flags = 0;
	p->path_misses = path_misses;
	p->filename = (__u64)call->filename;
	p->argv = (__u64)call->argv;
	p->ppid = read_ppid(&p->flags);
	caller_creds(p);
	uid_gid = bpf_get_current_uid_gid();
	p->uid = (__u32)uid_gid;
	p->gid = uid_gid >> 32;
	p->dirfd = call->dirfd;
	p->execveat_flags = call->at_flags;
	p->syscall = call->syscall;
	bpf_get_current_comm(p->comm, sizeof(p->comm));
	asm volatile("" ::: "memory"); /* the fields before the tid */
	p->tid = tid;
	capture_entry_args(tid, call);
	return 0;
}

/* The fixed part common to exec and failure records. */
static __always_inline void fill_record(struct es_exec_record *r, __u32 type, __u32 pid, __u32 tid,
					const struct es_pending *p)
{
	__u64 uid_gid;

	r->hdr.type = type;
	r->hdr.pid = pid;
	r->hdr.tid = tid;
	r->hdr.flags = 0;
	r->exe_ino = 0;
	r->exe_dev = 0;
	r->exe_nlink = 0;
	r->ret = 0;
	r->filename_len = 0;
	r->args_len = 0;
	r->exe_path_len = 0;
	r->pad[0] = r->pad[1] = r->pad[2] = 0;
	__builtin_memset(&r->ctx, 0, sizeof(r->ctx));
	if (type == ES_RECORD_EXEC) {
		r->ctx.cgroup_id = bpf_get_current_cgroup_id();
		r->ctx.present = ES_CTX_F_CGROUP;
	}
	if (p) {
		if (type == ES_RECORD_EXEC && p->priv_known) {
			/* The caller's, kept here until exec_context() compares and overwrites them. */
			r->ctx.present |= ES_CTX_F_PRIV_KNOWN;
			r->ctx.euid = p->euid;
			r->ctx.egid = p->egid;
			r->ctx.cap_permitted = p->cap_permitted;
			r->ctx.cap_effective = p->cap_effective;
		}
		r->hdr.flags = p->flags;
		r->ppid = p->ppid;
		r->uid = p->uid;
		r->gid = p->gid;
		r->dirfd = p->dirfd;
		r->execveat_flags = p->execveat_flags;
		r->syscall = p->syscall;
		r->path_misses = p->path_misses;
		__builtin_memcpy(r->comm, p->comm, sizeof(r->comm));
		/* Still the thread's once copied: no other thread wrote the slot meanwhile. */
		if (*(volatile __u32 *)&p->tid == tid)
			return;
	}
	/* No entry state: what can still be known now, said so. */
	r->ctx.present &= ~ES_CTX_F_PRIV_KNOWN;
	r->hdr.flags = ES_EXEC_F_NO_PENDING;
	r->ppid = read_ppid(&r->hdr.flags);
	uid_gid = bpf_get_current_uid_gid();
	r->uid = (__u32)uid_gid;
	r->gid = uid_gid >> 32;
	r->dirfd = AT_FDCWD;
	r->execveat_flags = 0;
	r->syscall = ES_SYSCALL_UNKNOWN;
	r->path_misses = 0;
	bpf_get_current_comm(r->comm, sizeof(r->comm));
}

/* The kernel's filename from the tracepoint record (bprm->filename): at data[0]. */
static __always_inline void exec_filename(struct scratch *s,
					  const struct sched_process_exec_record *ctx)
{
	__u32 loc = ctx->filename_loc;
	long n;

	n = bpf_probe_read_kernel_str(s->data, ES_FILENAME_MAX, (const char *)ctx + (loc & 0xffff));
	if (n <= 0) {
		s->rec.hdr.flags |= ES_EXEC_F_FILENAME_FAULT;
		return;
	}
	if ((loc >> 16) > ES_FILENAME_MAX)
		s->rec.hdr.flags |= ES_EXEC_F_FILENAME_TRUNCATED;
	s->rec.filename_len = n - 1;
}

/*
 * The new image's argv: current->mm->arg_start..arg_end, copied in one read
 * after the filename. The kernel wrote those stack pages during this exec,
 * so they are present: the read does not fault.
 */
static __always_inline void exec_argv(struct scratch *s)
{
	__u32 mm_off = offset_of(&EXEC_OFFSETS, ES_EXEC_OFF_TASK_MM);
	__u32 start_off = offset_of(&EXEC_OFFSETS, ES_EXEC_OFF_ARG_START);
	__u32 end_off = offset_of(&EXEC_OFFSETS, ES_EXEC_OFF_ARG_END);
	unsigned long start = 0, end = 0;
	__u32 off = s->rec.filename_len & (ES_FILENAME_MAX - 1);
	void *task, *mm = NULL;
	__u64 size;

	if (!mm_off || !start_off || !end_off) {
		s->rec.hdr.flags |= ES_EXEC_F_ARGV_ABSENT;
		return;
	}
	task = (void *)bpf_get_current_task();
	if (bpf_probe_read_kernel(&mm, sizeof(mm), task + mm_off) || !mm ||
	    bpf_probe_read_kernel(&start, sizeof(start), mm + start_off) ||
	    bpf_probe_read_kernel(&end, sizeof(end), mm + end_off) || end < start) {
		s->rec.hdr.flags |= ES_EXEC_F_ARGV_FAULT;
		return;
	}
	size = end - start;
	if (size > ES_ARGS_MAX) {
		size = ES_ARGS_MAX;
		s->rec.hdr.flags |= ES_EXEC_F_ARGV_TRUNCATED;
	}
	if (bpf_probe_read_user(s->data + off, size, (const void *)start)) {
		s->rec.hdr.flags |= ES_EXEC_F_ARGV_FAULT;
		return;
	}
	s->rec.args_len = size;
}

/*
 * Where the kernel cannot give argv (no EXEC_OFFSETS): the caller's, read at
 * entry, after the kernel's filename.
 */
static __always_inline void exec_entry_args(struct scratch *s, __u32 tid)
{
	struct es_entry_args *e = bpf_map_lookup_elem(&ENTRY_ARGS, &tid);
	__u32 flen = s->rec.filename_len & (ES_FILENAME_MAX - 1), alen;

	if (!e) {
		s->rec.hdr.flags |= ES_EXEC_F_ARGV_ABSENT;
		return;
	}
	alen = e->rec.args_len > ES_ARGS_MAX ? ES_ARGS_MAX : e->rec.args_len;
	s->rec.hdr.flags |= e->rec.hdr.flags | ES_EXEC_F_ARGV_ENTRY;
	if (!bpf_probe_read_kernel(s->data + flen, alen, e->data))
		s->rec.args_len = alen;
	bpf_map_delete_elem(&ENTRY_ARGS, &tid);
}

/*
 * Under lockdown no kernel read is allowed, not even of map memory: the
 * record is completed where the entry left its strings, and sent from there.
 */
static __always_inline void exec_locked_down(__u32 pid, __u32 tid, const struct es_pending *p)
{
	struct es_entry_args *e = bpf_map_lookup_elem(&ENTRY_ARGS, &tid);
	struct scratch *s;
	__u32 flags;
	__u16 flen, alen;

	if (!e) {
		/* Nothing read at entry: the record has neither filename nor argv. */
		s = scratch_get();
		if (!s)
			return;
		fill_record(&s->rec, ES_RECORD_EXEC, pid, tid, p);
		s->rec.hdr.flags |=
			ES_EXEC_F_FILENAME_FAULT | ES_EXEC_F_ARGV_ABSENT | ES_EXEC_F_EXE_ABSENT;
		s->rec.hdr.time_ns = bpf_ktime_get_boot_ns();
		submit_exec(s, sizeof(*s), ES_STAT_LOST_EXEC);
		return;
	}
	flags = e->rec.hdr.flags;
	flen = e->rec.filename_len;
	alen = e->rec.args_len;
	fill_record(&e->rec, ES_RECORD_EXEC, pid, tid, p);
	e->rec.hdr.flags |= flags | ES_EXEC_F_ARGV_ENTRY | ES_EXEC_F_EXE_ABSENT;
	e->rec.filename_len = flen;
	e->rec.args_len = alen;
	e->rec.hdr.time_ns = bpf_ktime_get_boot_ns();
	submit_exec(e, sizeof(*e), ES_STAT_LOST_EXEC);
	bpf_map_delete_elem(&ENTRY_ARGS, &tid);
}

/* The exe walk's offsets, looked up once. */
struct exe_offsets {
	__u32 v[ES_EXE_OFF__MAX];
};

static __always_inline int exe_offsets_get(struct exe_offsets *o)
{
	return offsets_get(&EXE_OFFSETS, o->v, ES_EXE_OFF__MAX, ES_EXE_OFF__MAX);
}

/* The exe path walk's state, shared by bpf_loop()'s steps. */
struct exe_walk {
	struct scratch *s;
	const struct exe_offsets *o;
	void *dentry; /* the component to name next */
	void *mnt; /* its struct mount */
	void *mnt_root; /* that mount's root dentry */
	__u32 base; /* where the path starts in s->data */
	__u32 pos; /* bytes of it so far */
	__u32 flags; /* ES_EXEC_F_EXE_* found */
	__u32 done; /* the walk reached the root, or stopped on a fault */
};

/* One path component's name at w->pos; its bytes with the NUL, or <= 0. */
static __always_inline long exe_component(struct exe_walk *w)
{
	const char *name = read_ptr(w->dentry, w->o->v[ES_EXE_OFF_D_NAME]);

	if (!name)
		return -1;
	return bpf_probe_read_kernel_str(w->s->data + ((w->base + w->pos) & ES_SCRATCH_MASK),
					 ES_EXE_NAME_MAX, name);
}

/*
 * One step up from w->dentry: its name, or, at a mount's root, over to the
 * mount point in the parent mount. 0 goes on, 1 stops (bpf_loop()'s rule).
 */
static __always_inline long exe_step_once(__u32 i, struct exe_walk *w)
{
	const struct exe_offsets *o = w->o;
	void *parent, *mnt_parent;
	long n;

	parent = read_ptr(w->dentry, o->v[ES_EXE_OFF_D_PARENT]);
	if (!parent) {
		w->flags |= ES_EXEC_F_EXE_FAULT;
		return 1;
	}
	if (w->dentry == parent && w->dentry != w->mnt_root && i == 0) {
		/* A file of no directory (memfd, anonymous): its name is all there is. */
		w->flags |= ES_EXEC_F_EXE_PSEUDO;
		n = exe_component(w);
		w->pos += n > 0 ? n : 0;
		return 1;
	}
	if (w->dentry == w->mnt_root || w->dentry == parent) {
		mnt_parent = read_ptr(w->mnt, o->v[ES_EXE_OFF_MNT_PARENT]);
		if (!mnt_parent || mnt_parent == w->mnt)
			return 1; /* the root of the mount namespace */
		w->dentry = read_ptr(w->mnt, o->v[ES_EXE_OFF_MNT_MOUNTPOINT]);
		w->mnt = mnt_parent;
		w->mnt_root = read_ptr(mnt_parent, o->v[ES_EXE_OFF_MOUNT_ROOT]);
		if (!w->dentry) {
			w->flags |= ES_EXEC_F_EXE_FAULT;
			return 1;
		}
		return 0;
	}
	if (w->pos > ES_EXE_PATH_MAX - ES_EXE_NAME_MAX) {
		w->flags |= ES_EXEC_F_EXE_TRUNCATED;
		return 1;
	}
	n = exe_component(w);
	if (n <= 0) {
		w->flags |= ES_EXEC_F_EXE_FAULT;
		return 1;
	}
	w->pos += n;
	w->dentry = parent;
	return 0;
}

static long exe_step(__u32 i, void *ctx)
{
	struct exe_walk *w = ctx;

	w->done = exe_step_once(i, w);
	return w->done;
}

/*
 * The new image's file (current->mm->exe_file): inode number, device and
 * link count, and its path as components from the file up to the root of
 * its mount namespace, crossing mounts (struct mount's parent and mount
 * point), bounded by ES_EXE_DEPTH_MAX steps and ES_EXE_PATH_MAX bytes. The
 * walk is a bpf_loop() (5.17+): its step is verified once.
 */
static __always_inline void exec_exe(struct scratch *s)
{
	struct es_exec_record *r = &s->rec;
	void *mm, *file, *vfsmnt, *inode, *sb;
	struct exe_offsets o;
	struct exe_walk w = {
		.s = s,
		.o = &o,
		.base = (r->filename_len + r->args_len) & ES_SCRATCH_MASK,
	};

	if (exe_offsets_get(&o)) {
		r->hdr.flags |= ES_EXEC_F_EXE_ABSENT;
		return;
	}
	mm = read_ptr((void *)bpf_get_current_task(), o.v[ES_EXE_OFF_TASK_MM]);
	file = mm ? read_ptr(mm, o.v[ES_EXE_OFF_EXE_FILE]) : NULL;
	w.dentry = file ? read_ptr(file, o.v[ES_EXE_OFF_FILE_DENTRY]) : NULL;
	vfsmnt = file ? read_ptr(file, o.v[ES_EXE_OFF_FILE_MNT]) : NULL;
	inode = w.dentry ? read_ptr(w.dentry, o.v[ES_EXE_OFF_D_INODE]) : NULL;
	if (!inode || !vfsmnt) {
		r->hdr.flags |= ES_EXEC_F_EXE_FAULT;
		return;
	}
	bpf_probe_read_kernel(&r->exe_ino, sizeof(r->exe_ino), inode + o.v[ES_EXE_OFF_I_INO]);
	bpf_probe_read_kernel(&r->exe_nlink, sizeof(r->exe_nlink), inode + o.v[ES_EXE_OFF_I_NLINK]);
	sb = read_ptr(inode, o.v[ES_EXE_OFF_I_SB]);
	if (sb)
		bpf_probe_read_kernel(&r->exe_dev, sizeof(r->exe_dev), sb + o.v[ES_EXE_OFF_S_DEV]);
	/* The struct mount around the vfsmount (the kernel's real_mount()). */
	w.mnt = vfsmnt - o.v[ES_EXE_OFF_MOUNT_MNT];
	w.mnt_root = read_ptr(w.mnt, o.v[ES_EXE_OFF_MOUNT_ROOT]);
	bpf_loop(ES_EXE_DEPTH_MAX, exe_step, &w, 0);
	if (!w.done)
		w.flags |=
			ES_EXEC_F_EXE_TRUNCATED; /* ES_EXE_DEPTH_MAX steps, still not at the root */
	r->hdr.flags |= w.flags;
	r->exe_path_len = w.pos > ES_EXE_PATH_MAX ? ES_EXE_PATH_MAX : w.pos;
}

/*
 * The new credentials; raised when euid or egid changed or a capability was
 * gained. @w: the cred's window, for the user namespace after.
 */
static __always_inline int ctx_creds(struct es_exec_context *c, struct window *w)
{
	__u32 o[ES_CRED_OFF__MAX], euid, egid;
	__u64 cap_permitted, cap_effective;
	int err;

	err = read_cred(o, w);
	if (!err && (read_privileges(o, w, &euid, &egid, &cap_permitted, &cap_effective) ||
		     window_u32(w, o[ES_CRED_OFF_SUID], &c->suid) ||
		     window_u32(w, o[ES_CRED_OFF_FSUID], &c->fsuid) ||
		     window_u32(w, o[ES_CRED_OFF_SGID], &c->sgid) ||
		     window_u32(w, o[ES_CRED_OFF_FSGID], &c->fsgid)))
		err = -1;
	if (err) {
		w->base = NULL; /* no cred to share */
		c->present &= ~ES_CTX_F_PRIV_KNOWN;
		return err < 0 ? -1 : 0;
	}
	if ((c->present & ES_CTX_F_PRIV_KNOWN) &&
	    (euid != c->euid || egid != c->egid || (cap_permitted & ~c->cap_permitted) ||
	     (cap_effective & ~c->cap_effective)))
		c->present |= ES_CTX_F_PRIV_RAISED;
	c->euid = euid;
	c->egid = egid;
	c->cap_permitted = cap_permitted;
	c->cap_effective = cap_effective;
	c->present |= ES_CTX_F_CREDS;
	return 0;
}

static __always_inline int ctx_audit(struct es_exec_context *c, void *task)
{
	__u32 o[ES_AUDIT_OFF__MAX];

	if (offsets_get(&AUDIT_OFFSETS, o, ES_AUDIT_OFF__MAX, ES_AUDIT_OFF__MAX))
		return 0;
	if (bpf_probe_read_kernel(&c->auid, sizeof(c->auid), task + o[ES_AUDIT_OFF_LOGINUID]) ||
	    bpf_probe_read_kernel(&c->session, sizeof(c->session),
				  task + o[ES_AUDIT_OFF_SESSIONID]))
		return -1;
	c->present |= ES_CTX_F_AUDIT;
	return 0;
}

/* The controlling terminal's name, "" without one. */
static __always_inline int ctx_tty(struct es_exec_context *c, void *task)
{
	__u32 o[ES_TTY_OFF__MAX];
	void *signal, *tty = NULL;
	char last = 0;
	long n;

	if (offsets_get(&TTY_OFFSETS, o, ES_TTY_OFF__MAX, ES_TTY_OFF__MAX))
		return 0;
	signal = read_ptr(task, o[ES_TTY_OFF_SIGNAL]);
	if (!signal || bpf_probe_read_kernel(&tty, sizeof(tty), signal + o[ES_TTY_OFF_TTY]))
		return -1;
	if (tty) {
		n = bpf_probe_read_kernel_str(c->tty, sizeof(c->tty), tty + o[ES_TTY_OFF_NAME]);
		if (n <= 0)
			return -1;
		if (n == sizeof(c->tty) &&
		    !bpf_probe_read_kernel(&last, 1,
					   tty + o[ES_TTY_OFF_NAME] + sizeof(c->tty) - 1) &&
		    last)
			c->present |= ES_CTX_F_TTY_TRUNCATED;
	}
	c->present |= ES_CTX_F_TTY;
	return 0;
}

/* The inode number of namespace @ns, at @inum_off. */
static __always_inline int ns_inum(void *ns, __u32 inum_off, __u32 *inum)
{
	return !ns || bpf_probe_read_kernel(inum, sizeof(*inum), ns + inum_off) ? -1 : 0;
}

static __always_inline int ctx_ns(struct es_exec_context *c, void *task, struct window *cred_w)
{
	struct window *w = window_get(WINDOW_EXEC_NSPROXY);
	__u32 o[ES_NS_OFF__MAX];
	void *nsproxy, *cred;

	if (offsets_get(&NS_OFFSETS, o, ES_NS_OFF__MAX, ES_NS_OFF__MAX))
		return 0;
	if (!w)
		return -1;
	nsproxy = read_ptr(task, o[ES_NS_OFF_TASK_NSPROXY]);
	/* The cred the creds came from, if they did (the same task_struct.cred). */
	cred = cred_w->base ? (void *)cred_w->base : read_ptr(task, o[ES_NS_OFF_TASK_CRED]);
	if (!cred_w->base)
		window_read(cred_w, cred);
	if (!nsproxy || !cred)
		return -1;
	window_read(w, nsproxy);
	if (ns_inum(window_ptr(w, o[ES_NS_OFF_MNT]), o[ES_NS_OFF_MNT_INUM], &c->ns_mnt) ||
	    ns_inum(window_ptr(w, o[ES_NS_OFF_NET]), o[ES_NS_OFF_NET_INUM], &c->ns_net) ||
	    ns_inum(window_ptr(w, o[ES_NS_OFF_UTS]), o[ES_NS_OFF_UTS_INUM], &c->ns_uts) ||
	    ns_inum(window_ptr(w, o[ES_NS_OFF_IPC]), o[ES_NS_OFF_IPC_INUM], &c->ns_ipc) ||
	    ns_inum(window_ptr(w, o[ES_NS_OFF_CGROUP]), o[ES_NS_OFF_CGROUP_INUM], &c->ns_cgroup) ||
	    ns_inum(window_ptr(cred_w, o[ES_NS_OFF_USER]), o[ES_NS_OFF_USER_INUM], &c->ns_user))
		return -1;
	c->present |= ES_CTX_F_NS;
	return 0;
}

/* Pid namespaces nest at most 32 deep (the kernel's MAX_PID_NS_LEVEL). */
#define PID_NS_LEVEL_MAX 32

/* The innermost level of current's struct pid: its own pid namespace and its pid there. */
static __always_inline int ctx_pidns(struct es_exec_context *c, void *task)
{
	__u32 o[ES_PIDNS_OFF__MAX], level = 0;
	void *pid, *upid;

	if (offsets_get(&PIDNS_OFFSETS, o, ES_PIDNS_OFF__MAX, ES_PIDNS_OFF_UPID_NR))
		return 0;
	pid = read_ptr(task, o[ES_PIDNS_OFF_THREAD_PID]);
	if (!pid || bpf_probe_read_kernel(&level, sizeof(level), pid + o[ES_PIDNS_OFF_LEVEL]) ||
	    level > PID_NS_LEVEL_MAX)
		return -1;
	upid = pid + o[ES_PIDNS_OFF_NUMBERS] + (__u64)level * o[ES_PIDNS_OFF_UPID_SIZE];
	if (bpf_probe_read_kernel(&c->vpid, sizeof(c->vpid), upid + o[ES_PIDNS_OFF_UPID_NR]) ||
	    ns_inum(read_ptr(upid, o[ES_PIDNS_OFF_UPID_NS]), o[ES_PIDNS_OFF_PIDNS_INUM],
		    &c->ns_pid))
		return -1;
	c->present |= ES_CTX_F_PIDNS;
	return 0;
}

/*
 * Who and where, in the new image: its credentials (set-id and capabilities
 * applied), audit login, terminal, namespaces. A part whose group is off is
 * absent; one whose reads fail is absent too, and counted.
 */
static __always_inline void exec_context(struct es_exec_record *r)
{
	void *task = (void *)bpf_get_current_task();
	struct window *cred = window_get(WINDOW_EXEC_CRED);
	struct es_exec_context *c = &r->ctx;

	if (!cred) {
		c->present &= ~ES_CTX_F_PRIV_KNOWN;
		return;
	}
	if (ctx_creds(c, cred) | ctx_audit(c, task) | ctx_tty(c, task) | ctx_ns(c, task, cred) |
	    ctx_pidns(c, task))
		stat_inc(ES_STAT_CONTEXT_FAULT);
}

/*
 * Once per successful exec, in the new image: the one exec record. The
 * pending state is the calling thread's (old_pid: de_thread made it the
 * leader since).
 */
SEC("tracepoint/sched/sched_process_exec")
int tp_sched_exec(struct sched_process_exec_record *ctx)
{
	__u32 tid = (__u32)ctx->old_pid;
	struct es_pending *p;
	struct scratch *s;

	p = pending_get(tid);
	if (!p)
		stat_inc(ES_STAT_EXEC_NO_PENDING);
	if (!kernel_reads) {
		exec_locked_down((__u32)ctx->pid, tid, p);
	} else {
		s = scratch_get();
		if (!s)
			return 0;
		fill_record(&s->rec, ES_RECORD_EXEC, (__u32)ctx->pid, tid, p);
		if (s->rec.hdr.flags & ES_EXEC_F_NO_PENDING)
			p = NULL; /* the slot was another thread's by the time it was read */
		exec_filename(s, ctx);
		if (offset_of(&EXEC_OFFSETS, ES_EXEC_OFF_TASK_MM))
			exec_argv(s);
		else
			exec_entry_args(s, tid);
		exec_exe(s);
		exec_context(&s->rec);
		s->rec.hdr.time_ns = bpf_ktime_get_boot_ns();
		submit_exec(s, sizeof(*s), ES_STAT_LOST_EXEC);
	}
	if (p) {
		if (p->path_misses)
			held_delete(tid); /* the search ended well: folded */
		p->tid = 0;
	}
	return 0;
}

/* A PATH search goes on after these: the attempt's file was not found, or not allowed. */
static __always_inline int path_miss(long ret)
{
	return ret == -ENOENT || ret == -ENOTDIR || ret == -EACCES;
}

/*
 * At exit: nothing for a successful exec (its record is made). A failed one
 * gets its record, with the filename and argv read from the caller's memory
 * now; a PATH-search miss is held instead, counted in the pending state.
 */
static __always_inline int exec_exit(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid, flen;
	struct es_pending *p;
	struct scratch *s;

	if (ret >= 0)
		return 0;
	p = pending_get(tid);
	s = scratch_get();
	if (!s)
		return 0;
	fill_record(&s->rec, ES_RECORD_EXEC_FAILURE, pid_tgid >> 32, tid, p);
	if (s->rec.hdr.flags & ES_EXEC_F_NO_PENDING)
		p = NULL; /* the slot was another thread's by the time it was read */
	s->rec.ret = ret;
	if (p) {
		s->rec.filename_len =
			read_user_filename(s->data, (const char *)p->filename, &s->rec.hdr.flags);
		flen = s->rec.filename_len & (ES_FILENAME_MAX - 1);
		s->rec.args_len = read_user_argv(s->data + flen, (const char *const *)p->argv,
						 &s->rec.hdr.flags);
	} else {
		s->rec.hdr.flags |= ES_EXEC_F_FILENAME_FAULT | ES_EXEC_F_ARGV_ABSENT;
	}
	s->rec.hdr.time_ns = bpf_ktime_get_boot_ns();
	bpf_map_delete_elem(&ENTRY_ARGS, &tid);
	if (p && path_miss(ret) && p->path_misses < 0xffff && !held_put(tid, s)) {
		/* Held for the search's end; the pending state counts it for the next attempt. */
		p->path_misses++;
		stat_inc(ES_STAT_FAILURES_HELD);
		return 0;
	}
	if (p && path_miss(ret))
		stat_inc(ES_STAT_HELD_FULL);
	if (p && p->path_misses)
		held_delete(tid); /* this failure ends the search: it is the report */
	submit_exec(s, sizeof(*s), ES_STAT_LOST_FAILURE);
	if (p)
		p->tid = 0;
	return 0;
}

/* Fork records and whether the kernel can tell threads apart: TASK_OFFSETS' tgid. */
static __always_inline __u32 tgid_offset(void)
{
	return kernel_reads ? offset_of(&TASK_OFFSETS, ES_TASK_OFF_TGID) : 0;
}

/*
 * A fork record, stamped @time_ns: the clock's, or the child's own start
 * time (ES_FORK_F_START_TIME in @flags).
 */
static __always_inline void fork_record(__u32 child, __u32 flags, __u64 time_ns)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct es_fork_record r = {
		.hdr = { .type = ES_RECORD_FORK,
			 .pid = child,
			 .tid = child,
			 .flags = flags,
			 .time_ns = time_ns },
		.parent_pid = pid_tgid >> 32,
		.parent_tid = (__u32)pid_tgid,
	};

	submit(&r, sizeof(r), sizeof(r), ES_STAT_LOST_FORK);
}

/*
 * The child's start_boottime (FORK_OFFSETS), which copy_process() has just
 * set: the fork's time without a clock read (which may trap on a virtual
 * machine), and /proc/<pid>/stat's starttime exactly.
 * Without the offset, or when the read fails, the clock.
 */
static __always_inline __u64 fork_time(const void *child, __u32 *flags)
{
	__u32 off = offset_of(&FORK_OFFSETS, ES_FORK_OFF_START_BOOTTIME);
	__u64 start = 0;

	if (off && !bpf_probe_read_kernel(&start, sizeof(start), child + off) && start) {
		*flags |= ES_FORK_F_START_TIME;
		return start;
	}
	return bpf_ktime_get_boot_ns();
}

/*
 * A new task, with its task_struct (raw tracepoint: parent, child): a
 * process when its tgid is not the forker's, a thread (not sent) otherwise.
 */
SEC("raw_tracepoint/sched_process_fork")
int raw_sched_fork(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 tgid_off = tgid_offset(), flags = 0;
	void *child = (void *)ctx->args[1];
	__s32 child_tgid = 0;
	__u64 time_ns;

	if (!tgid_off)
		return 0; /* tp_sched_fork sends every task */
	if (bpf_probe_read_kernel(&child_tgid, sizeof(child_tgid), child + tgid_off) ||
	    child_tgid <= 0) {
		stat_inc(ES_STAT_KERNEL_READ_FAIL);
		return 0;
	}
	if ((__u32)child_tgid == bpf_get_current_pid_tgid() >> 32)
		return 0; /* a thread of the forker's process */
	time_ns = fork_time(child, &flags);
	fork_record(child_tgid, flags, time_ns);
	return 0;
}

static __always_inline int fork_any_task(__s32 child)
{
	if (!tgid_offset())
		fork_record((__u32)child, ES_FORK_F_KIND_UNKNOWN, bpf_ktime_get_boot_ns());
	return 0; /* else raw_sched_fork tells processes from threads */
}

/*
 * Without TASK_OFFSETS: every new task, which may be a thread. One program
 * per layout of the record (the loader loads the running kernel's): the
 * kernel refuses to attach one that reads past the record's end.
 */
SEC("tracepoint/sched/sched_process_fork")
int tp_sched_fork(struct sched_process_fork_record *ctx)
{
	return fork_any_task(ctx->child_pid);
}

SEC("tracepoint/sched/sched_process_fork")
int tp_sched_fork_loc(struct sched_process_fork_record_loc *ctx)
{
	return fork_any_task(ctx->child_pid);
}

/*
 * The current task exits (sched_process_exit, after exit_code is set and
 * signal->live decremented): a process's end when it is the last thread,
 * with its status. Without EXIT_OFFSETS, the leader's exit stands for it.
 */
static __always_inline void exit_record(__u32 tid)
{
	__u32 code_off = 0, signal_off = 0, live_off = 0;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct es_exit_record r = {
		.hdr = { .type = ES_RECORD_EXIT, .pid = pid_tgid >> 32, .tid = tid },
	};
	void *task, *signal = NULL;
	__s32 live = 1;

	if (!lineage)
		return;
	if (kernel_reads) {
		code_off = offset_of(&EXIT_OFFSETS, ES_EXIT_OFF_EXIT_CODE);
		signal_off = offset_of(&EXIT_OFFSETS, ES_EXIT_OFF_SIGNAL);
		live_off = offset_of(&EXIT_OFFSETS, ES_EXIT_OFF_LIVE);
	}
	if (code_off && signal_off && live_off) {
		task = (void *)bpf_get_current_task();
		if (bpf_probe_read_kernel(&signal, sizeof(signal), task + signal_off) || !signal ||
		    bpf_probe_read_kernel(&live, sizeof(live), signal + live_off) ||
		    bpf_probe_read_kernel(&r.exit_code, sizeof(r.exit_code), task + code_off)) {
			stat_inc(ES_STAT_KERNEL_READ_FAIL);
			live = 0; /* unknown: as the leader's exit below */
			r.exit_code = 0;
			if (r.hdr.tid != r.hdr.pid)
				return;
			r.hdr.flags = ES_EXIT_F_LEADER;
		} else if (live) {
			return; /* other threads of the process go on */
		} else {
			r.hdr.flags = ES_EXIT_F_CODE;
		}
	} else if (r.hdr.tid == r.hdr.pid) {
		r.hdr.flags = ES_EXIT_F_LEADER;
	} else if (!tgid_offset()) {
		r.hdr.flags =
			ES_EXIT_F_THREAD; /* its fork record may have been taken for a process */
	} else {
		return;
	}
	/* No clock read (it may trap on a virtual machine): the loader makes it a time. */
	r.hdr.flags |= ES_EXIT_F_TIME_JIFFIES;
	r.hdr.time_ns = bpf_jiffies64();
	submit(&r, sizeof(r), sizeof(r), ES_STAT_LOST_EXIT);
}

/*
 * Jiffies, then CLOCK_MONOTONIC, at one instant: run by the loader
 * (BPF_PROG_TEST_RUN), never attached. The exit records' jiffies become
 * times through these pairs. (bpf_ktime_get_coarse_ns() would need none,
 * but tracing programs may not call it.)
 */
SEC("syscall")
int clock_pair(struct es_clock_pair *ctx)
{
	ctx->jiffies = bpf_jiffies64();
	ctx->mono_ns = bpf_ktime_get_ns();
	return 0;
}

/* A thread that exits ends its PATH search: a held miss is reported, its state dropped. */
SEC("tracepoint/sched/sched_process_exit")
int tp_sched_exit(struct sched_process_exit_record *ctx)
{
	__u32 tid = (__u32)ctx->pid;
	struct es_pending *p = pending_get(tid);

	flush_held(tid);
	if (p)
		p->tid = 0;
	exit_record(tid);
	return 0;
}

/*
 * The syscall's registers at a kprobe on its function. Every kernel with a
 * BPF ring buffer (5.8+) has the syscall wrapper on x86_64 (4.17+) and arm64
 * (4.19+): the function's only argument points to the user pt_regs.
 */
static __always_inline int syscall_regs(struct pt_regs *ctx, es_user_regs *regs)
{
	if (!kernel_reads)
		return -1; /* lockdown refuses kernel reads: kprobe mode cannot work */
	return bpf_probe_read_kernel(regs, sizeof(*regs), (void *)PT_REGS_PARM1(ctx));
}

SEC("kprobe")
int kprobe_execve(struct pt_regs *ctx)
{
	es_user_regs regs;
	struct exec_call call = { .syscall = ES_SYSCALL_EXECVE, .dirfd = AT_FDCWD };

	if (syscall_regs(ctx, &regs)) {
		stat_inc(ES_STAT_ENTRY_REGS);
		return 0;
	}
	call.filename = (const char *)ES_SYSCALL_ARG0(&regs);
	call.argv = (const char *const *)ES_SYSCALL_ARG1(&regs);
	return exec_entry(&call);
}

SEC("kretprobe")
int kretprobe_execve(struct pt_regs *ctx)
{
	return exec_exit((long)PT_REGS_RC(ctx));
}

SEC("kprobe")
int kprobe_execveat(struct pt_regs *ctx)
{
	es_user_regs regs;
	struct exec_call call = { .syscall = ES_SYSCALL_EXECVEAT };

	if (syscall_regs(ctx, &regs)) {
		stat_inc(ES_STAT_ENTRY_REGS);
		return 0;
	}
	call.dirfd = (__s32)ES_SYSCALL_ARG0(&regs);
	call.filename = (const char *)ES_SYSCALL_ARG1(&regs);
	call.argv = (const char *const *)ES_SYSCALL_ARG2(&regs);
	call.at_flags = (__u32)ES_SYSCALL_ARG4(&regs);
	return exec_entry(&call);
}

SEC("kretprobe")
int kretprobe_execveat(struct pt_regs *ctx)
{
	return exec_exit((long)PT_REGS_RC(ctx));
}

SEC("tracepoint/syscalls/sys_enter_execve")
int tp_enter_execve(struct syscall_enter_record *ctx)
{
	struct exec_call call = {
		.syscall = ES_SYSCALL_EXECVE,
		.filename = (const char *)ctx->args[0],
		.argv = (const char *const *)ctx->args[1],
		.dirfd = AT_FDCWD,
	};

	return exec_entry(&call);
}

SEC("tracepoint/syscalls/sys_exit_execve")
int tp_exit_execve(struct syscall_exit_record *ctx)
{
	return exec_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int tp_enter_execveat(struct syscall_enter_record *ctx)
{
	struct exec_call call = {
		.syscall = ES_SYSCALL_EXECVEAT,
		.filename = (const char *)ctx->args[1],
		.argv = (const char *const *)ctx->args[2],
		.dirfd = (__s32)ctx->args[0],
		.at_flags = (__u32)ctx->args[4],
	};

	return exec_entry(&call);
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int tp_exit_execveat(struct syscall_exit_record *ctx)
{
	return exec_exit(ctx->ret);
}
