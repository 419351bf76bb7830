/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A failed exec's record at the syscall's exit, or a PATH-search miss held
 * for the search's end.
 */
#ifndef EXECSENSOR_BPF_FAILURE_H
#define EXECSENSOR_BPF_FAILURE_H

#include <linux/errno.h>

#include "bpf_argv.h"
#include "bpf_exec.h"
#include "bpf_held.h"

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

#endif /* EXECSENSOR_BPF_FAILURE_H */
