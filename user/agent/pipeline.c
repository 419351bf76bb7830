// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdlib.h>
#include <string.h>

#include "exec_image.h"
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
	es_event_join_init(&p->join, ES_EVENT_JOIN_MAX_PENDING, ES_EVENT_JOIN_TIMEOUT_NS);
	return es_parent_cache_init(&p->parents, proc_root);
}

void es_pipeline_free(struct es_pipeline *p)
{
	es_event_join_free(&p->join);
	es_parent_cache_free(&p->parents);
}

int64_t es_pipeline_wall_ns(const struct es_pipeline *p, uint64_t boot_ns)
{
	return es_clock_to_wall_ns(&p->clock, boot_ns);
}

/* The ppid and its source: the kernel's, else /proc/<pid>/status, else unknown. */
static void resolve_ppid(struct es_pipeline *p, struct es_exec_report *r)
{
	const struct es_exec_event *ev = &r->ev;
	uint32_t ppid;

	if ((ev->flags & ES_EXEC_F_PPID_KERNEL) && p->trust_kernel_ppid && ev->ppid) {
		r->ppid = ev->ppid;
		r->ppid_source = ES_PPID_SOURCE_KERNEL;
		return;
	}
	if (!es_procfs_ppid(p->proc_root, ev->hdr.pid, ev->hdr.time_ns, &ppid)) {
		r->ppid = ppid;
		r->ppid_source = ES_PPID_SOURCE_PROCFS;
		return;
	}
	p->stats.fallback_misses++;
	r->ppid = 0;
	r->ppid_source = ES_PPID_SOURCE_UNKNOWN;
}

/* Verdict, counters, output; frees @r. */
static void emit(struct es_pipeline *p, struct es_exec_report *r)
{
	const struct es_exec_event *ev = &r->ev;
	struct es_fileless_input in = {
		.execveat_flags = ev->execveat_flags,
		.filename = ev->filename,
		.filename_len = strnlen(ev->filename, sizeof(ev->filename)),
		.image = r->image,
		.comm = ev->comm,
		.comm_cap = sizeof(ev->comm),
		.parent_exe = r->parent_exe,
	};

	es_fileless_evaluate(p->allow, &in, &r->fileless);
	if (r->fileless.verdict == ES_FILELESS_ALERT)
		p->stats.fileless_alerts++;
	else if (r->fileless.verdict == ES_FILELESS_SUPPRESSED)
		p->stats.fileless_suppressed++;
	p->stats.events++;
	p->stats.ppid_source[r->ppid_source]++;
	if (!r->parent_exe)
		p->stats.parent_exe_unknown++;
	if (!r->ret_known)
		p->stats.results_missing++;
	es_output_exec(p->out, r, es_clock_to_wall_ns(&p->clock, ev->hdr.time_ns));
	es_exec_report_free(r);
}

static void on_exec(struct es_pipeline *p, const struct es_exec_event *ev)
{
	struct es_exec_report *r, *evicted;
	const char *parent_exe;

	r = calloc(1, sizeof(*r));
	if (!r) {
		p->stats.records_dropped++;
		p->stats.dropped_no_memory++;
		return;
	}
	r->ev = *ev;
	if (ev->flags & ES_EXEC_F_FILENAME_FAULT)
		p->stats.filename_faults++;
	if (ev->flags & ES_EXEC_F_ARGV_FAULT)
		p->stats.argv_faults++;
	/* /proc is read now, the earliest moment: short-lived processes vanish fast. */
	resolve_ppid(p, r);
	parent_exe = es_parent_cache_exe(&p->parents, r->ppid, ev->hdr.time_ns);
	r->parent_exe = parent_exe ? strdup(parent_exe) : NULL;
	/* This process changes its exe: its future children must not see the old one. */
	es_parent_cache_forget(&p->parents, ev->hdr.pid);
	if (es_event_join_add(&p->join, r, &evicted)) {
		emit(p, r); /* cannot wait for the result: report it without */
		return;
	}
	if (evicted)
		emit(p, evicted);
}

static void on_result(struct es_pipeline *p, const struct es_exec_result *res)
{
	struct es_exec_report *r = es_event_join_result(&p->join, res);
	const char *image;

	if (!r) {
		p->stats.results_orphaned++;
		return;
	}
	if (r->ret == 0) {
		/* The new image, and what its own children will see as parent_exe. */
		image = es_parent_cache_learn(&p->parents, r->ev.hdr.pid);
		r->image = image ? strdup(image) : NULL;
	}
	emit(p, r);
}

/* The image record fills what the exec record's reads of user memory missed. */
static void on_image(struct es_pipeline *p, const struct es_exec_image *img)
{
	struct es_exec_report *r = es_event_join_image(&p->join, img);
	unsigned int merged;

	p->stats.images_received++;
	if (!r) {
		p->stats.images_unmatched++;
		return;
	}
	merged = es_exec_image_merge(&r->ev, img);
	if (merged & ES_IMAGE_MERGED_FILENAME)
		p->stats.images_filename_filled++;
	if (merged & ES_IMAGE_MERGED_ARGV)
		p->stats.images_argv_filled++;
}

/* A record the pipeline cannot use: too short for its type, or of a type it does not know. */
static void drop(struct es_pipeline *p, uint32_t type)
{
	p->stats.records_dropped++;
	if (type == ES_RECORD_EXEC || type == ES_RECORD_EXEC_RESULT || type == ES_RECORD_EXEC_IMAGE)
		p->stats.dropped_short++;
	else
		p->stats.dropped_unknown_type++;
}

void es_pipeline_record(struct es_pipeline *p, const void *data, size_t size)
{
	struct es_record_header hdr;

	p->stats.records_received++;
	if (size < sizeof(hdr)) {
		drop(p, ES_RECORD_EXEC);
		return;
	}
	memcpy(&hdr, data, sizeof(hdr));
	if (hdr.type == ES_RECORD_EXEC && size >= sizeof(struct es_exec_event))
		on_exec(p, data);
	else if (hdr.type == ES_RECORD_EXEC_RESULT && size >= sizeof(struct es_exec_result))
		on_result(p, data);
	else if (hdr.type == ES_RECORD_EXEC_IMAGE && size >= sizeof(struct es_exec_image))
		on_image(p, data);
	else
		drop(p, hdr.type);
}

void es_pipeline_tick(struct es_pipeline *p, uint64_t now_boot_ns)
{
	struct es_exec_report *r;

	es_clock_sync(&p->clock);
	while ((r = es_event_join_expire(&p->join, now_boot_ns)) != NULL)
		emit(p, r);
}
