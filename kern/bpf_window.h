/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A kernel struct's first bytes read at once (one read instead of one per
 * field), its fields then taken from the copy.
 */
#ifndef EXECSENSOR_BPF_WINDOW_H
#define EXECSENSOR_BPF_WINDOW_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

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

#endif /* EXECSENSOR_BPF_WINDOW_H */
