// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pipeline.h"
#include "procfs.h"

/* The root the cgroup mount is found under: "" for "/proc", a fixture's for its "<dir>/proc". */
static void cgroup_root(const char *proc_root, char *out, size_t size)
{
	size_t len = strlen(proc_root);

	if (len >= 5 && !strcmp(proc_root + len - 5, "/proc"))
		len -= 5;
	snprintf(out, size, "%.*s", (int)len, proc_root);
}

int es_pipeline_init(struct es_pipeline *p, struct es_output *out,
		     const struct es_fileless_allowlist *allow, const char *proc_root)
{
	char root[PATH_MAX];

	memset(p, 0, sizeof(*p));
	p->out = out;
	p->allow = allow;
	p->proc_root = proc_root;
	p->trust_kernel_ppid = true;
	p->ancestors_max = ES_ANCESTORS_DEFAULT;
	p->lineage = true;
	p->stats.progs_cnt = -1;
	es_clock_sync(&p->clock);
	if (es_proc_table_init(&p->procs, 0))
		return -ENOMEM;
	p->stats.procs = &p->procs->stats;
	p->stats.cgroups = &p->cgroups.stats;
	cgroup_root(proc_root, root, sizeof(root));
	if (es_cgroup_paths_init(&p->cgroups, root))
		return -ENOMEM;
	return es_parent_cache_init(&p->parents, proc_root);
}

void es_pipeline_free(struct es_pipeline *p)
{
	es_parent_cache_free(&p->parents);
	es_cgroup_paths_free(&p->cgroups);
	es_proc_table_free(p->procs);
	p->procs = NULL;
}

void es_pipeline_seed(struct es_pipeline *p)
{
	if (p->lineage)
		es_proc_table_seed(p->procs, p->proc_root);
}

int64_t es_pipeline_wall_ns(const struct es_pipeline *p, uint64_t boot_ns)
{
	return es_clock_to_wall_ns(&p->clock, boot_ns);
}

void es_pipeline_tick(struct es_pipeline *p)
{
	es_clock_sync(&p->clock);
}

/* A process table entry's start, or unknown without one. */
static struct es_proc_start proc_start(const struct es_pipeline *p, bool known, uint64_t boot_ns)
{
	struct es_proc_start s = { 0 };

	if (known) {
		s.known = true;
		s.boot_ns = boot_ns;
		s.wall_ns = es_clock_to_wall_ns(&p->clock, boot_ns);
	}
	return s;
}

/*
 * The ppid and its source: the kernel's, else the fork record's (@self: the
 * process's table entry), else /proc/<pid>/status, else unknown.
 */
static void resolve_ppid(struct es_pipeline *p, struct es_exec_report *r,
			 const struct es_proc *self)
{
	const struct es_exec_record *rec = r->view.rec;
	uint32_t ppid;

	if ((rec->hdr.flags & ES_EXEC_F_PPID_KERNEL) && p->trust_kernel_ppid) {
		r->ppid = rec->ppid;
		r->ppid_source = ES_PPID_SOURCE_KERNEL;
		return;
	}
	if (self && self->from_fork && self->ppid) {
		r->ppid = self->ppid;
		r->ppid_source = ES_PPID_SOURCE_FORK;
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

/*
 * The parent's entry (the one @self names when it is r->ppid, else the
 * process now at r->ppid) and the ancestors from it upwards.
 */
static struct es_proc *lineage(struct es_pipeline *p, struct es_exec_report *r,
			       const struct es_proc *self)
{
	uint64_t at = r->view.rec->hdr.time_ns;
	struct es_proc *parent = self ? es_proc_table_parent(p->procs, self) : NULL;
	size_t i;

	if (!r->ppid || !p->lineage)
		return NULL;
	if (!parent || parent->pid != r->ppid)
		parent = es_proc_table_find(p->procs, r->ppid, at);
	r->ancestors_cnt =
		es_proc_table_ancestors(p->procs, parent, r->ancestors, p->ancestors_max);
	for (i = 0; i < r->ancestors_cnt; i++)
		r->ancestors[i].start_wall_ns =
			es_clock_to_wall_ns(&p->clock, r->ancestors[i].start_ns);
	return parent;
}

static enum es_fileless_manager manager_of(struct es_pipeline *p, struct es_proc *e);

/* What @e runs as manager exe (@exe, @dev, @ino) with NUL-separated @argv (@len bytes). */
static enum es_fileless_manager judge(struct es_pipeline *p, struct es_proc *e, const char *exe,
				      uint64_t dev, uint64_t ino, const char *argv, size_t len)
{
	if (!exe || !es_fileless_allowed(p->allow, ES_FILELESS_MANAGERS, exe, dev, ino))
		return ES_FILELESS_NOT_MANAGER;
	return es_fileless_judge(e->pid, es_fileless_argv_user(argv, len),
				 e->pid == 1 ? ES_FILELESS_UNJUDGED
					     : manager_of(p, es_proc_table_parent(p->procs, e)));
}

/*
 * A process older than the agent, judged once from /proc: its exe file
 * (stat through the exe link), its cmdline and its parent as the seed read
 * them, provided /proc/<pid> is still that process (its start time).
 */
static enum es_fileless_manager judge_from_proc(struct es_pipeline *p, struct es_proc *e)
{
	enum es_fileless_manager m = ES_FILELESS_NOT_MANAGER;
	char argv[4096];
	uint64_t start;
	struct stat st;
	int dirfd, len;

	dirfd = es_procfs_open_pid(p->proc_root, e->pid);
	if (dirfd < 0)
		return m;
	if (!es_procfs_start_ns(dirfd, &start) && start == e->start_ns &&
	    !fstatat(dirfd, "exe", &st, 0) &&
	    (len = es_procfs_read(dirfd, "cmdline", argv, sizeof(argv))) >= 0)
		m = judge(p, e, e->exe, st.st_dev, st.st_ino, argv, (size_t)len);
	close(dirfd);
	return m;
}

/*
 * What @e is to the fileless gate: judged at its exec, from /proc when it
 * is older than the agent and has not exec'd since; a process that only
 * forked runs its forker's image without being its forker.
 */
static enum es_fileless_manager manager_of(struct es_pipeline *p, struct es_proc *e)
{
	if (!e)
		return ES_FILELESS_NOT_MANAGER;
	if (e->manager == ES_FILELESS_UNJUDGED)
		e->manager = !e->from_fork && !e->execed ? judge_from_proc(p, e)
							 : ES_FILELESS_NOT_MANAGER;
	return e->manager;
}

/* The gate's facts about the exec: the kernel's exe, and from the table who forked it. */
static void gate_input(struct es_pipeline *p, const struct es_exec_report *r, struct es_proc *self,
		       struct es_fileless_input *in)
{
	struct es_proc *forker;

	if (r->exe.known) {
		in->exe = r->exe.path;
		in->exe_dev = r->exe.dev;
		in->exe_ino = r->exe.ino;
		in->exe_nlink = r->exe.nlink;
		in->exe_memfd = r->exe.memfd;
		in->exe_truncated = r->exe.truncated;
	}
	in->ppid_known =
		r->ppid_source == ES_PPID_SOURCE_KERNEL || r->ppid_source == ES_PPID_SOURCE_FORK;
	in->ppid = r->ppid;
	if (!self || !self->from_fork)
		return;
	forker = es_proc_table_parent(p->procs, self);
	in->forked_by_known = true;
	in->forked_by = self->ppid;
	in->forker_exe = forker ? forker->exe : NULL;
	in->forker = manager_of(p, forker);
	in->execed_since_fork = self->execed;
}

/* One exec, whole: what userspace adds, the verdict, the output. */
static void on_exec(struct es_pipeline *p, struct es_exec_report *r)
{
	const struct es_exec_record *rec = r->view.rec;
	struct es_fileless_input in = {
		.execveat_flags = rec->execveat_flags,
		.filename = r->view.filename,
		.filename_len = r->view.filename_len,
	};

	struct es_proc *self =
		p->lineage ? es_proc_table_find(p->procs, rec->hdr.pid, rec->hdr.time_ns) : NULL;
	struct es_proc *parent;

	/* /proc is read now, the earliest moment: short-lived processes vanish fast. */
	resolve_ppid(p, r, self);
	parent = lineage(p, r, self);
	r->start = proc_start(p, self, self ? self->start_ns : 0);
	r->parent_start = proc_start(p, parent, parent ? parent->start_ns : 0);
	r->parent_exe = parent && parent->exe
				? parent->exe
				: es_parent_cache_exe(&p->parents, r->ppid, rec->hdr.time_ns);
	es_exe_from_view(&r->view, &r->exe);
	es_tty_name(&rec->ctx, r->tty, sizeof(r->tty));
	if (rec->ctx.present & ES_CTX_F_CGROUP)
		r->cgroup_path = es_cgroup_path(&p->cgroups, rec->ctx.cgroup_id);
	if (!r->cgroup_path || !es_container_parse(r->cgroup_path, &r->container))
		r->container.runtime = NULL;
	gate_input(p, r, self, &in);
	es_fileless_evaluate(p->allow, &in, &r->fileless);
	count(p, r);
	es_output_exec(p->out, r, es_clock_to_wall_ns(&p->clock, rec->hdr.time_ns));
	if (rec->hdr.type == ES_RECORD_EXEC) {
		/*
		 * The process has a new exe: what its own children will see as
		 * parent_exe, kept even if it exits before they are read.
		 */
		const char *exe = r->exe.known && !r->exe.truncated ? r->exe.path : NULL;

		self = p->lineage ? es_proc_table_exec(p->procs, rec->hdr.pid, r->ppid,
						       rec->hdr.time_ns, exe)
				  : NULL;
		if (self)
			self->manager = judge(p, self, exe, r->exe.dev, r->exe.ino, r->view.args,
					      r->view.args_len);
		es_parent_cache_forget(&p->parents, rec->hdr.pid);
		es_parent_cache_learn(&p->parents, rec->hdr.pid, exe);
	}
}

static void on_fork_record(struct es_pipeline *p, const struct es_fork_record *f)
{
	unsigned int flags =
		((f->hdr.flags & ES_FORK_F_KIND_UNKNOWN) ? ES_PROC_FORK_MAYBE_THREAD : 0) |
		((f->hdr.flags & ES_FORK_F_START_TIME) ? ES_PROC_FORK_START_EXACT : 0);
	struct es_lineage_report r = {
		.type = ES_RECORD_FORK,
		.pid = f->hdr.pid,
		.ppid = f->parent_pid,
		.time_ns = f->hdr.time_ns,
		.maybe_thread = flags & ES_PROC_FORK_MAYBE_THREAD,
	};
	struct es_proc *e;

	if (!f->hdr.pid)
		return; /* made with refuted offsets: the child is unknown */
	e = es_proc_table_fork(p->procs, f->hdr.pid, f->parent_pid, f->hdr.time_ns, flags);
	if (!p->report_fork)
		return;
	r.exe = e ? e->exe : NULL;
	r.start = proc_start(p, true, f->hdr.time_ns);
	r.parent_start = proc_start(p, e && e->pstart_ns, e ? e->pstart_ns : 0);
	p->stats.fork_events++;
	es_output_lineage(p->out, &r, es_clock_to_wall_ns(&p->clock, f->hdr.time_ns));
}

/*
 * An exit record's process and time. The process is the one alive under
 * its pid: by time it could be missed, as a time to the tick (when the
 * exit's jiffy began, more ticks early when the timer tick ran late) may
 * precede the process's own start. It exited no earlier than its last
 * fork or exec.
 */
static struct es_proc *exit_of(struct es_pipeline *p, const struct es_exit_record *x,
			       uint64_t *time_ns)
{
	struct es_proc *e = es_proc_table_live(p->procs, x->hdr.pid);

	*time_ns = x->hdr.time_ns;
	if (e && e->seen_ns > *time_ns)
		*time_ns = e->seen_ns;
	return e;
}

static void on_exit_record(struct es_pipeline *p, const struct es_exit_record *x)
{
	struct es_lineage_report r = {
		.type = ES_RECORD_EXIT,
		.pid = x->hdr.pid,
		.status_known = x->hdr.flags & ES_EXIT_F_CODE,
		.exit_code = x->exit_code,
	};
	struct es_proc *e;

	if (x->hdr.flags & ES_EXIT_F_THREAD) {
		es_proc_table_thread_exit(p->procs, x->hdr.tid);
		return;
	}
	e = exit_of(p, x, &r.time_ns);
	if (p->report_exit) {
		r.ppid = e ? e->ppid : 0;
		r.exe = e ? e->exe : NULL;
		r.start = proc_start(p, e, e ? e->start_ns : 0);
		r.parent_start = proc_start(p, e && e->pstart_ns, e ? e->pstart_ns : 0);
		p->stats.exit_events++;
		es_output_lineage(p->out, &r, es_clock_to_wall_ns(&p->clock, r.time_ns));
	}
	es_proc_table_exit(p->procs, e, r.time_ns);
}

void es_pipeline_record(struct es_pipeline *p, const struct es_record *rec)
{
	struct es_exec_report r;

	p->stats.records_received++;
	switch (rec->kind) {
	case ES_RECORD_KIND_EXEC:
		memset(&r, 0, sizeof(r));
		r.view = rec->exec;
		on_exec(p, &r);
		break;
	case ES_RECORD_KIND_FORK:
		p->stats.fork_records++;
		on_fork_record(p, &rec->fork);
		break;
	case ES_RECORD_KIND_EXIT:
		p->stats.exit_records++;
		on_exit_record(p, &rec->exit);
		break;
	case ES_RECORD_KIND_UNKNOWN:
		p->stats.records_dropped++;
		p->stats.dropped_unknown_type++;
		break;
	default:
		p->stats.records_dropped++;
		p->stats.dropped_malformed++;
		break;
	}
}
