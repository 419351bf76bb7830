// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * execsensor's BPF programs: one exec record at execve/execveat entry, one
 * result record at exit, with the parent read in the kernel through the byte
 * offsets userspace resolved from BTF (TASK_OFFSETS). No CO-RE: only uapi
 * layouts (pt_regs, tracepoint records) and offsets handed in at run time.
 *
 * Two attach flavours share the same logic: kprobes on the syscall functions
 * (__x64_sys_execve, __arm64_sys_execve, ...; the loader resolves the names)
 * and the syscalls:sys_enter/sys_exit tracepoints. The loader loads only the
 * flavour it attaches. With either, an image record at sched_process_exec
 * gives the kernel's filename and the new argv of every successful exec
 * (EXEC_OFFSETS), which the entry's user-memory reads can miss.
 */
#include <linux/types.h>
#include <linux/bpf.h>
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
const volatile __u8 kernel_parent = 1;

/*
 * Pending ring-buffer bytes from which a record wakes the reader. Below it
 * records wait for the reader's next poll timeout: a wakeup is an irq_work
 * (a self-IPI, a VM exit under virtualization) and costs more than the rest
 * of the handler. 0 wakes the reader for every record.
 */
const volatile __u64 wakeup_bytes = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, ES_TASK_OFF__MAX);
	__type(key, __u32);
	__type(value, __u32);
} TASK_OFFSETS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, ES_EXEC_OFF__MAX);
	__type(key, __u32);
	__type(value, __u32);
} EXEC_OFFSETS SEC(".maps");

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
 * The syscall registers as the uapi lays them out (ABI). The wrapper's
 * pt_regs is copied in one read; only the argument registers are used.
 */
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
 * sched:sched_process_exec's record (see its format file): the 8-byte
 * common header, then filename as a __data_loc (offset from the record's
 * start in the low 16 bits, length with the NUL in the high 16), pid and
 * old_pid.
 */
struct sched_process_exec_record {
	__u64 common;
	__u32 filename_loc;
	__s32 pid;
	__s32 old_pid;
};

static __always_inline void stat_inc(__u32 slot)
{
	__u64 *count = bpf_map_lookup_elem(&STATS, &slot);

	/* Atomic: a preemptible program may be interrupted by another on this CPU. */
	if (count)
		__sync_fetch_and_add(count, 1);
}

/* A failed reservation: counted in total and by the record type it was for. */
static __always_inline void ringbuf_full(__u32 lost_slot)
{
	stat_inc(ES_STAT_RINGBUF_FULL);
	stat_inc(lost_slot);
}

static __always_inline __u32 task_offset(__u32 key)
{
	__u32 *off = bpf_map_lookup_elem(&TASK_OFFSETS, &key);

	return off ? *off : 0;
}

static __always_inline __u32 exec_offset(__u32 key)
{
	__u32 *off = bpf_map_lookup_elem(&EXEC_OFFSETS, &key);

	return off ? *off : 0;
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

	if (!kernel_parent) {
		stat_inc(ES_STAT_OFFSETS_ABSENT);
		return 0;
	}
	parent_off = task_offset(ES_TASK_OFF_REAL_PARENT);
	tgid_off = task_offset(ES_TASK_OFF_TGID);
	if (!parent_off || !tgid_off) {
		stat_inc(ES_STAT_OFFSETS_ABSENT);
		return 0;
	}

	task = (void *)bpf_get_current_task();
	if (bpf_probe_read_kernel(&parent, sizeof(parent), task + parent_off) || !parent)
		goto fail;
	if (bpf_probe_read_kernel(&ppid, sizeof(ppid), parent + tgid_off) || ppid <= 0)
		goto fail;

	*flags |= ES_EXEC_F_PPID_KERNEL;
	stat_inc(ES_STAT_PPID_KERNEL);
	return ppid;
fail:
	stat_inc(ES_STAT_KERNEL_READ_FAIL);
	return 0;
}

static __always_inline __u64 submit_flags(void)
{
	if (bpf_ringbuf_query(&EVENTS, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

static __always_inline void fill_header(struct es_record_header *hdr, __u32 type, __u32 syscall)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	hdr->type = type;
	hdr->pid = pid_tgid >> 32;
	hdr->tid = (__u32)pid_tgid;
	hdr->syscall = syscall;
	hdr->time_ns = bpf_ktime_get_boot_ns();
}

/* A string read that filled @size bytes was cut if the source goes on. */
static __always_inline int user_str_continues(const char *src, __u32 size)
{
	char c = 0;

	return !bpf_probe_read_user(&c, 1, src + size - 1) && c;
}

static __always_inline void read_filename(struct es_exec_event *e, const char *filename)
{
	long n = bpf_probe_read_user_str(e->filename, sizeof(e->filename), filename);

	if (n < 0) {
		e->filename[0] = '\0';
		e->flags |= ES_EXEC_F_FILENAME_FAULT;
	} else if (n == sizeof(e->filename) && user_str_continues(filename, sizeof(e->filename))) {
		e->flags |= ES_EXEC_F_FILENAME_TRUNCATED;
	}
}

/*
 * One argument into args[off...]. The verifier needs a constant bound on
 * off + size, so the largest read that still fits is chosen from three
 * sizes: an argument gets up to ES_ARG_READ_MAX bytes while there is room,
 * less near the end of args[]. Returns the bytes used (with the NUL), 0 when
 * no room is left, or a negative error; *cut is set when the string was cut.
 */
#define ES_ARG_READ_MAX	 2048
#define ES_ARG_READ_MID	 512
#define ES_ARG_READ_TAIL 64

static __always_inline long read_arg(char *args, __u64 off, const char *arg, int *cut)
{
	__u32 size;
	long n;

	if (off <= ES_ARGS_LEN - ES_ARG_READ_MAX) {
		size = ES_ARG_READ_MAX;
		n = bpf_probe_read_user_str(args + off, ES_ARG_READ_MAX, arg);
	} else if (off <= ES_ARGS_LEN - ES_ARG_READ_MID) {
		size = ES_ARG_READ_MID;
		n = bpf_probe_read_user_str(args + off, ES_ARG_READ_MID, arg);
	} else if (off <= ES_ARGS_LEN - ES_ARG_READ_TAIL) {
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

static __always_inline void read_argv(struct es_exec_event *e, const char *const *argv)
{
	const char *arg = NULL;
	int i, cut = 0;
	__u64 off;
	long n;

	e->argc = 0;
	e->args_size = 0;
#pragma clang loop unroll(disable)
	for (i = 0; i < ES_ARGV_MAX; i++) {
		/*
		 * Reloaded from the record, so the verifier sees the same
		 * unknown offset every iteration rather than a new range per
		 * path (which it cannot prune); read_arg() bounds it.
		 */
		off = *(volatile __u32 *)&e->args_size;
		if (bpf_probe_read_user(&arg, sizeof(arg), &argv[i])) {
			e->flags |= ES_EXEC_F_ARGV_FAULT;
			return;
		}
		if (!arg)
			return;
		n = read_arg(e->args, off, arg, &cut);
		if (n == 0) {
			e->flags |= ES_EXEC_F_ARGV_TRUNCATED;
			return;
		}
		if (n < 0) {
			e->flags |= ES_EXEC_F_ARGV_FAULT;
			return;
		}
		e->args_size = off + n;
		e->argc = i + 1;
		/* A cut argument is flagged; the ones after it still count. */
		if (cut)
			e->flags |= ES_EXEC_F_ARGV_TRUNCATED;
	}
	/* All ES_ARGV_MAX slots used: truncated if argv goes on. */
	if (!bpf_probe_read_user(&arg, sizeof(arg), &argv[ES_ARGV_MAX]) && arg)
		e->flags |= ES_EXEC_F_ARGV_TRUNCATED;
}

/* The entry record, reserved and filled in place in the ring buffer. */
static __always_inline int submit_exec(__u32 syscall, const char *filename, const char *const *argv,
				       __s32 dirfd, __u32 at_flags)
{
	struct es_exec_event *e;
	__u64 uid_gid;

	e = bpf_ringbuf_reserve(&EVENTS, sizeof(*e), 0);
	if (!e) {
		ringbuf_full(ES_STAT_LOST_EXEC);
		return 0;
	}
	fill_header(&e->hdr, ES_RECORD_EXEC, syscall);
	e->flags = 0;
	e->ppid = read_ppid(&e->flags);
	uid_gid = bpf_get_current_uid_gid();
	e->uid = (__u32)uid_gid;
	e->gid = uid_gid >> 32;
	e->dirfd = dirfd;
	e->execveat_flags = at_flags;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	read_filename(e, filename);
	read_argv(e, argv);
	bpf_ringbuf_submit(e, submit_flags());
	stat_inc(ES_STAT_EVENTS);
	return 0;
}

static __always_inline int submit_result(__u32 syscall, __s64 ret)
{
	struct es_exec_result *r;

	r = bpf_ringbuf_reserve(&EVENTS, sizeof(*r), 0);
	if (!r) {
		ringbuf_full(ES_STAT_LOST_RESULT);
		return 0;
	}
	fill_header(&r->hdr, ES_RECORD_EXEC_RESULT, syscall);
	r->ret = ret;
	bpf_ringbuf_submit(r, submit_flags());
	stat_inc(ES_STAT_EVENTS);
	return 0;
}

/*
 * The syscall's registers at a kprobe on its function. Every kernel with a
 * BPF ring buffer (5.8+) has the syscall wrapper on x86_64 (4.17+) and arm64
 * (4.19+): the function's only argument points to the user pt_regs.
 */
static __always_inline int syscall_regs(struct pt_regs *ctx, es_user_regs *regs)
{
	if (!kernel_parent)
		return -1; /* lockdown refuses kernel reads: kprobe mode cannot work */
	return bpf_probe_read_kernel(regs, sizeof(*regs), (void *)PT_REGS_PARM1(ctx));
}

SEC("kprobe")
int kprobe_execve(struct pt_regs *ctx)
{
	es_user_regs regs;

	if (syscall_regs(ctx, &regs)) {
		stat_inc(ES_STAT_LOST_EXEC_REGS);
		return 0;
	}
	return submit_exec(ES_SYSCALL_EXECVE, (const char *)ES_SYSCALL_ARG0(&regs),
			   (const char *const *)ES_SYSCALL_ARG1(&regs), AT_FDCWD, 0);
}

SEC("kretprobe")
int kretprobe_execve(struct pt_regs *ctx)
{
	return submit_result(ES_SYSCALL_EXECVE, (long)PT_REGS_RC(ctx));
}

SEC("kprobe")
int kprobe_execveat(struct pt_regs *ctx)
{
	es_user_regs regs;

	if (syscall_regs(ctx, &regs)) {
		stat_inc(ES_STAT_LOST_EXEC_REGS);
		return 0;
	}
	return submit_exec(ES_SYSCALL_EXECVEAT, (const char *)ES_SYSCALL_ARG1(&regs),
			   (const char *const *)ES_SYSCALL_ARG2(&regs),
			   (__s32)ES_SYSCALL_ARG0(&regs), (__u32)ES_SYSCALL_ARG4(&regs));
}

SEC("kretprobe")
int kretprobe_execveat(struct pt_regs *ctx)
{
	return submit_result(ES_SYSCALL_EXECVEAT, (long)PT_REGS_RC(ctx));
}

SEC("tracepoint/syscalls/sys_enter_execve")
int tp_enter_execve(struct syscall_enter_record *rec)
{
	return submit_exec(ES_SYSCALL_EXECVE, (const char *)rec->args[0],
			   (const char *const *)rec->args[1], AT_FDCWD, 0);
}

SEC("tracepoint/syscalls/sys_exit_execve")
int tp_exit_execve(struct syscall_exit_record *rec)
{
	return submit_result(ES_SYSCALL_EXECVE, rec->ret);
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int tp_enter_execveat(struct syscall_enter_record *rec)
{
	return submit_exec(ES_SYSCALL_EXECVEAT, (const char *)rec->args[1],
			   (const char *const *)rec->args[2], (__s32)rec->args[0],
			   (__u32)rec->args[4]);
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int tp_exit_execveat(struct syscall_exit_record *rec)
{
	return submit_result(ES_SYSCALL_EXECVEAT, rec->ret);
}

/* The kernel's filename, from the tracepoint record itself. */
static __always_inline void read_image_filename(struct es_exec_image *img,
						const struct sched_process_exec_record *rec)
{
	__u32 loc = rec->filename_loc;
	long n;

	n = bpf_probe_read_kernel_str(img->filename, sizeof(img->filename),
				      (const char *)rec + (loc & 0xffff));
	if (n < 0) {
		img->filename[0] = '\0';
		img->flags |= ES_IMAGE_F_FILENAME_FAULT;
	} else if ((loc >> 16) > sizeof(img->filename)) {
		img->flags |= ES_IMAGE_F_FILENAME_TRUNCATED;
	}
}

/*
 * The new image's argv: current->mm->arg_start..arg_end, copied in one read.
 * The kernel wrote those stack pages during this exec, so they are present.
 */
static __always_inline void read_image_argv(struct es_exec_image *img)
{
	__u32 mm_off = exec_offset(ES_EXEC_OFF_TASK_MM);
	__u32 start_off = exec_offset(ES_EXEC_OFF_ARG_START);
	__u32 end_off = exec_offset(ES_EXEC_OFF_ARG_END);
	unsigned long start = 0, end = 0;
	void *task, *mm = NULL;
	__u64 size;

	img->args_size = 0;
	if (!mm_off || !start_off || !end_off) {
		img->flags |= ES_IMAGE_F_ARGV_ABSENT;
		return;
	}
	task = (void *)bpf_get_current_task();
	if (bpf_probe_read_kernel(&mm, sizeof(mm), task + mm_off) || !mm ||
	    bpf_probe_read_kernel(&start, sizeof(start), mm + start_off) ||
	    bpf_probe_read_kernel(&end, sizeof(end), mm + end_off) || end < start) {
		img->flags |= ES_IMAGE_F_ARGV_FAULT;
		return;
	}
	size = end - start;
	if (size > ES_ARGS_LEN) {
		size = ES_ARGS_LEN;
		img->flags |= ES_IMAGE_F_ARGV_TRUNCATED;
	}
	if (bpf_probe_read_user(img->args, size, (const void *)start)) {
		img->flags |= ES_IMAGE_F_ARGV_FAULT;
		return;
	}
	img->args_size = size;
}

/*
 * Once per successful exec, in the new image: the kernel's filename and the
 * new argv. Every read here is a kernel read, which lockdown=confidentiality
 * refuses: the loader does not load this program then.
 */
SEC("tracepoint/sched/sched_process_exec")
int tp_exec_image(struct sched_process_exec_record *rec)
{
	struct es_exec_image *img;

	img = bpf_ringbuf_reserve(&EVENTS, sizeof(*img), 0);
	if (!img) {
		ringbuf_full(ES_STAT_LOST_IMAGE);
		return 0;
	}
	fill_header(&img->hdr, ES_RECORD_EXEC_IMAGE, ES_SYSCALL_UNKNOWN);
	img->old_pid = rec->old_pid;
	img->flags = 0;
	img->pad = 0;
	read_image_filename(img, rec);
	read_image_argv(img);
	bpf_ringbuf_submit(img, submit_flags());
	stat_inc(ES_STAT_EVENTS);
	stat_inc(ES_STAT_EXEC_IMAGE);
	return 0;
}
