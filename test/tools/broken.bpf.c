// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A BPF object the verifier must reject, for execsensor-verify's test: one
 * program dereferences a map lookup without the NULL check. Its neighbour is
 * correct, so the test also sees per-program verdicts.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH); /* an array lookup with a constant key is never NULL */
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} COUNTS SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_execve")
int missing_null_check(void *ctx)
{
	__u32 key = 0;
	__u64 *count = bpf_map_lookup_elem(&COUNTS, &key);

	(void)ctx;
	*count += 1; /* rejected: count may be NULL */
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int with_null_check(void *ctx)
{
	__u32 key = 0;
	__u64 *count = bpf_map_lookup_elem(&COUNTS, &key);

	(void)ctx;
	if (count)
		__sync_fetch_and_add(count, 1);
	return 0;
}
