/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The loader's knobs (.rodata, set before load) and the maps the programs share:
 * the offset groups' maps, the ring buffer, the stats, the entries' pending
 * states, where records are built, held and kept from the entry.
 */
#ifndef EXECSENSOR_BPF_MAPS_H
#define EXECSENSOR_BPF_MAPS_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "execsensor.h"

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

#endif /* EXECSENSOR_BPF_MAPS_H */
