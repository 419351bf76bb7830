// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The kernel's counters: the STATS map summed over CPUs, and each loaded program's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "execsensor.skel.h"
#include "loader_internal.h"

int es_loader_read_stats(const struct es_loader *l, uint64_t stats[ES_STAT__MAX])
{
	int ncpus = libbpf_num_possible_cpus(), cpu, err = 0;
	uint64_t *percpu;
	uint32_t key;

	if (!l->skel)
		return -EINVAL;
	if (ncpus < 0)
		return ncpus;
	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	for (key = 0; key < ES_STAT__MAX; key++) {
		err = bpf_map__lookup_elem(l->skel->maps.STATS, &key, sizeof(key), percpu,
					   ncpus * sizeof(*percpu), 0);
		if (err)
			break;
		stats[key] = 0;
		for (cpu = 0; cpu < ncpus; cpu++)
			stats[key] += percpu[cpu];
	}
	free(percpu);
	return err;
}

/*
 * What a skipped run of @prog loses: the exec record's, the exits'
 * (failure records) and the thread exit's (a held PATH-search failure) an
 * exec never reported; the thread exit's an exit record too, with lineage;
 * the fork program in use (raw_sched_fork with TASK_OFFSETS, else the
 * tracepoint) a fork record. A skipped entry only costs the record its
 * pending state.
 */
static unsigned int prog_loses(const struct es_loader *l, const struct bpf_program *prog)
{
	const struct execsensor_bpf *skel = l->skel;
	bool task = l->info.groups[ES_OFFSET_GROUP_TASK].enabled;

	if (prog == skel->progs.tp_sched_exit)
		return ES_PROG_LOSES_EXEC | (l->info.lineage ? ES_PROG_LOSES_EXIT : 0);
	if (prog == skel->progs.tp_sched_exec || prog == skel->progs.kretprobe_execve ||
	    prog == skel->progs.kretprobe_execveat || prog == skel->progs.tp_exit_execve ||
	    prog == skel->progs.tp_exit_execveat)
		return ES_PROG_LOSES_EXEC;
	if (prog == skel->progs.raw_sched_fork)
		return task ? ES_PROG_LOSES_FORK : 0;
	if (prog == skel->progs.tp_sched_fork || prog == skel->progs.tp_sched_fork_loc)
		return task ? 0 : ES_PROG_LOSES_FORK;
	return 0;
}

int es_prog_stats_read(int prog_fd, const char *name, struct es_prog_stats *out)
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info);
	int err;

	err = bpf_obj_get_info_by_fd(prog_fd, &info, &len);
	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", name);
	out->id = info.id;
	out->run_cnt = info.run_cnt;
	out->run_time_ns = info.run_time_ns;
	out->recursion_misses = info.recursion_misses;
	return 0;
}

int es_loader_prog_stats(const struct es_loader *l, struct es_prog_stats *out, size_t max)
{
	struct bpf_program *prog;
	size_t n = 0;
	int err;

	if (!l->skel)
		return -EINVAL;
	bpf_object__for_each_program(prog, l->skel->obj)
	{
		int fd = bpf_program__fd(prog);

		if (fd < 0)
			continue; /* not loaded: the other attach mode's */
		if (n == max)
			return -ENOSPC;
		err = es_prog_stats_read(fd, bpf_program__name(prog), &out[n]);
		if (err)
			return err;
		out[n].loses = prog_loses(l, prog);
		n++;
	}
	return (int)n;
}

bool es_bpf_stats_enabled(void)
{
	FILE *f = fopen("/proc/sys/kernel/bpf_stats_enabled", "re");
	int c = f ? fgetc(f) : EOF;

	if (f)
		fclose(f);
	return c == '1';
}
