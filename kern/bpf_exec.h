/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The exec record's fixed part, from the pending state or, without it, from
 * what can still be read; under lockdown, the record completed where the entry
 * left its strings.
 */
#ifndef EXECSENSOR_BPF_EXEC_H
#define EXECSENSOR_BPF_EXEC_H

#include <linux/fcntl.h>

#include "bpf_entry.h"
#include "bpf_output.h"

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

#endif /* EXECSENSOR_BPF_EXEC_H */
