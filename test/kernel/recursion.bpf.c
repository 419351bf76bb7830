// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A test object whose program the kernel must skip, for the test that the
 * loader reads bpf_prog_info.recursion_misses: printk_on_getppid calls
 * bpf_trace_printk(), whose tracepoint runs recursive_printk, which calls it
 * again; the kernel then skips the nested run of recursive_printk (it is
 * already running on that CPU) and counts it in its recursion_misses.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL"; /* bpf_trace_printk() is GPL-only */

SEC("tracepoint/syscalls/sys_enter_getppid")
int printk_on_getppid(void *ctx)
{
	bpf_printk("execsensor test: getppid");
	return 0;
}

SEC("raw_tracepoint/bpf_trace_printk")
int recursive_printk(void *ctx)
{
	bpf_printk("execsensor test: nested");
	return 0;
}
