// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <string.h>

#include "pipeline.h"
#include "procfs.h"

int es_pipeline_init(struct es_pipeline *p, struct es_output *out,
		     const struct es_fileless_allowlist *allow, const char *proc_root)
{
	memset(p, 0, sizeof(*p));
	p->out = out;
	p->allow = allow;
	p->proc_root = proc_root;
	p->trust_kernel_ppid = true;
	p->stats.progs_cnt = -1;
	es_clock_sync(&p->clock);
	return es_parent_cache_init(&p->parents, proc_root);
}

void es_pipeline_free(struct es_pipeline *p)
{
	es_parent_cache_free(&p->parents);
}

int64_t es_pipeline_wall_ns(const struct es_pipeline *p, uint64_t boot_ns)
{
	return es_clock_to_wall_ns(&p->clock, boot_ns);
}

void es_pipeline_tick(struct es_pipeline *p)
{
	es_clock_sync(&p->clock);
}

/* The ppid and its source: the kernel's, else /proc/<pid>/status, else unknown. */
static void resolve_ppid(struct es_pipeline *p, struct es_exec_report *r)
{
	const struct es_exec_record *rec = r->view.rec;
	uint32_t ppid;

	if ((rec->hdr.flags & ES_EXEC_F_PPID_KERNEL) && p->trust_kernel_ppid && rec->ppid) {
		r->ppid = rec->ppid;
		r->ppid_source = ES_PPID_SOURCE_KERNEL;
		return;
	}
	if (!es_procfs_ppid(p->proc_root, rec->hdr.pid, rec->hdr.time_ns, &ppid)) {
		r->ppid = ppid;
		r->ppid_source = ES_PPID_SOURCE_PROCFS;
		return;
	}
	p->stats.fallback_misses++;
	r->ppid = 0;
	r->ppid_source = ES_PPID_SOURCE_UNKNOWN;
}

static void count(struct es_pipeline *p, const struct es_exec_report *r)
{
	const struct es_exec_record *rec = r->view.rec;

	p->stats.events++;
	p->stats.ppid_source[r->ppid_source]++;
	p->stats.path_misses += rec->path_misses;
	if (rec->hdr.type == ES_RECORD_EXEC_FAILURE)
		p->stats.failures++;
	else if (!r->exe.known)
		p->stats.exe_unknown++;
	if (!r->parent_exe)
		p->stats.parent_exe_unknown++;
	if (rec->hdr.flags & ES_EXEC_F_FILENAME_FAULT)
		p->stats.filename_faults++;
	if (rec->hdr.flags & ES_EXEC_F_ARGV_FAULT)
		p->stats.argv_faults++;
	if (r->fileless.verdict == ES_FILELESS_ALERT)
		p->stats.fileless_alerts++;
	else if (r->fileless.verdict == ES_FILELESS_SUPPRESSED)
		p->stats.fileless_suppressed++;
}

/* One exec, whole: what userspace adds, the verdict, the output. */
static void on_exec(struct es_pipeline *p, struct es_exec_report *r)
{
	const struct es_exec_record *rec = r->view.rec;
	struct es_fileless_input in = {
		.execveat_flags = rec->execveat_flags,
		.filename = r->view.filename,
		.filename_len = r->view.filename_len,
		.comm = rec->comm,
		.comm_cap = sizeof(rec->comm),
	};

	/* /proc is read now, the earliest moment: short-lived processes vanish fast. */
	resolve_ppid(p, r);
	r->parent_exe = es_parent_cache_exe(&p->parents, r->ppid, rec->hdr.time_ns);
	es_exe_from_view(&r->view, &r->exe);
	in.parent_exe = r->parent_exe;
	in.image_memfd = r->exe.known && r->exe.memfd;
	in.image_deleted = r->exe.known && r->exe.nlink == 0;
	es_fileless_evaluate(p->allow, &in, &r->fileless);
	count(p, r);
	es_output_exec(p->out, r, es_clock_to_wall_ns(&p->clock, rec->hdr.time_ns));
	if (rec->hdr.type == ES_RECORD_EXEC) {
		/*
		 * The process has a new exe: what its own children will see as
		 * parent_exe, kept even if it exits before they are read.
		 */
		es_parent_cache_forget(&p->parents, rec->hdr.pid);
		es_parent_cache_learn(&p->parents, rec->hdr.pid,
				      r->exe.known && !r->exe.truncated ? r->exe.path : NULL);
	}
}

void es_pipeline_record(struct es_pipeline *p, const void *data, size_t size)
{
	struct es_record_header hdr;
	struct es_exec_report r;

	p->stats.records_received++;
	if (size >= sizeof(hdr)) {
		memcpy(&hdr, data, sizeof(hdr));
		if (hdr.type != ES_RECORD_EXEC && hdr.type != ES_RECORD_EXEC_FAILURE) {
			p->stats.records_dropped++;
			p->stats.dropped_unknown_type++;
			return;
		}
	}
	memset(&r, 0, sizeof(r));
	if (es_exec_view_parse(data, size, &r.view)) {
		p->stats.records_dropped++;
		p->stats.dropped_malformed++;
		return;
	}
	on_exec(p, &r);
}
