/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The record's filename and argv: from the caller's memory (at entry, or for a
 * failure), the sched_process_exec record's filename, the new mm's argv
 * (EXEC_OFFSETS), or what the entry kept (ENTRY_ARGS).
 */
#ifndef EXECSENSOR_BPF_ARGV_H
#define EXECSENSOR_BPF_ARGV_H

#include "bpf_maps.h"
#include "bpf_hooks.h"
#include "bpf_offsets.h"

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
 * so they are present: the read does not fault. @o: EXEC_OFFSETS, on.
 */
static __always_inline void exec_argv(struct scratch *s, const __u32 *o)
{
	unsigned long start = 0, end = 0;
	__u32 off = s->rec.filename_len & (ES_FILENAME_MAX - 1);
	void *task, *mm = NULL;
	__u64 size;

	task = (void *)bpf_get_current_task();
	if (bpf_probe_read_kernel(&mm, sizeof(mm), task + o[ES_EXEC_OFF_TASK_MM]) || !mm ||
	    bpf_probe_read_kernel(&start, sizeof(start), mm + o[ES_EXEC_OFF_ARG_START]) ||
	    bpf_probe_read_kernel(&end, sizeof(end), mm + o[ES_EXEC_OFF_ARG_END]) || end < start) {
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

#endif /* EXECSENSOR_BPF_ARGV_H */
