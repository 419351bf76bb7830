/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The exec's entry: the parent (TASK_OFFSETS) and the caller, noted as the
 * thread's pending state for the record its exec makes; no user memory read
 * unless the kernel cannot give argv later (ENTRY_ARGS).
 */
#ifndef EXECSENSOR_BPF_ENTRY_H
#define EXECSENSOR_BPF_ENTRY_H

#include <linux/fcntl.h>

#include "bpf_argv.h"
#include "bpf_context.h"
#include "bpf_held.h"
#include "bpf_hooks.h"
#include "bpf_output.h"

/* The syscalls an exec may take, as the entry saw them. */
struct exec_call {
	__u16 syscall;
	const char *filename;
	const char *const *argv;
	__s32 dirfd;
	__u32 at_flags;
};

/*
 * The tgid of current's real_parent, read through the offsets userspace
 * resolved from BTF. 0, and counted, when an offset is absent or a read fails.
 */
static __always_inline __u32 read_ppid(__u32 *flags)
{
	__u32 o[ES_TASK_OFF__MAX];
	void *task, *parent = NULL;
	__s32 ppid = 0;

	if (!kernel_reads || task_offsets(o)) {
		stat_inc(ES_STAT_OFFSETS_ABSENT);
		return 0;
	}
	task = (void *)bpf_get_current_task();
	if (bpf_probe_read_kernel(&parent, sizeof(parent), task + o[ES_TASK_OFF_REAL_PARENT]) ||
	    !parent)
		goto fail;
	/* 0 is a true answer: the idle task (swapper) is PID 1's and kthreadd's parent. */
	if (bpf_probe_read_kernel(&ppid, sizeof(ppid), parent + o[ES_TASK_OFF_TGID]) || ppid < 0)
		goto fail;
	*flags |= ES_EXEC_F_PPID_KERNEL;
	return ppid;
fail:
	stat_inc(ES_STAT_KERNEL_READ_FAIL);
	return 0;
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

/*
 * The caller's filename and argv from its memory, kept for the exec record:
 * when EXEC_OFFSETS are absent (argv), and under lockdown (the filename too,
 * since the tracepoint record's copy needs a kernel read).
 */
static __always_inline void capture_entry_args(__u32 tid, const struct exec_call *call)
{
	__u32 o[ES_EXEC_OFF__MAX], flen;
	struct es_entry_args *e;
	struct scratch *s;

	if (kernel_reads && !exec_offsets(o))
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

#endif /* EXECSENSOR_BPF_ENTRY_H */
