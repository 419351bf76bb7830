// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The JSON records (docs/events.md), one document a line, through the
 * checked writer: a misplaced key or an unbalanced object makes the record
 * malformed, and output.c drops it rather than write it.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/wait.h>

#include "format.h"
#include "json_writer.h"
#include "walltime.h"

/* A wall time as RFC 3339, or the number when out of range. */
static void time_json(struct es_json_writer *w, int64_t wall_ns)
{
	char buf[ES_RFC3339_NS_LEN];

	if (es_rfc3339_ns(wall_ns, buf, sizeof(buf)))
		es_json_int(w, wall_ns);
	else
		es_json_string(w, buf);
}

/* Each record starts {"event":EVENT,"time":TIME. */
static void head(struct es_json_writer *w, const char *event, int64_t wall_ns)
{
	es_json_object_begin(w);
	es_json_key(w, "event");
	es_json_string(w, event);
	es_json_key(w, "time");
	time_json(w, wall_ns);
}

/* The record is complete: its line, and whether the writer found it well formed. */
static int finish(struct es_json_writer *w)
{
	es_json_object_end(w);
	return es_json_writer_finish(w) == -EINVAL ? -EINVAL : 0;
}

static void key_str(struct es_json_writer *w, const char *key, const char *s)
{
	es_json_key(w, key);
	if (s)
		es_json_string(w, s);
	else
		es_json_null(w);
}

static void key_uint(struct es_json_writer *w, const char *key, uint64_t v)
{
	es_json_key(w, key);
	es_json_uint(w, v);
}

static void key_bool(struct es_json_writer *w, const char *key, bool v)
{
	es_json_key(w, key);
	es_json_bool(w, v);
}

/* A fixed-size kernel string (comm, filename): up to its NUL or its size. */
static void key_bytes(struct es_json_writer *w, const char *key, const char *s, size_t cap)
{
	es_json_key(w, key);
	es_json_string_len(w, s, strnlen(s, cap));
}

static void fileless_json(struct es_json_writer *w, const struct es_fileless_result *f)
{
	es_json_key(w, "fileless");
	if (f->verdict == ES_FILELESS_NONE) {
		es_json_null(w);
		return;
	}
	es_json_object_begin(w);
	key_str(w, "verdict", f->verdict == ES_FILELESS_SUPPRESSED ? "suppressed" : "alert");
	key_str(w, "reason", f->reason);
	key_str(w, "parent", f->parent);
	es_json_object_end(w);
}

/* The exe as the kernel resolved it at the exec, or null (a failure, or no EXE_OFFSETS). */
static void exe_json(struct es_json_writer *w, const struct es_exe *exe)
{
	es_json_key(w, "exe");
	if (!exe->known) {
		es_json_null(w);
		return;
	}
	es_json_object_begin(w);
	key_str(w, "path", exe->path);
	key_uint(w, "ino", exe->ino);
	key_uint(w, "dev", exe->dev);
	key_uint(w, "nlink", exe->nlink);
	key_bool(w, "memfd", exe->memfd);
	key_bool(w, "truncated", exe->truncated);
	es_json_object_end(w);
}

/* The parent and its ancestors from the process table, nearest first. */
static void ancestors_json(struct es_json_writer *w, const struct es_exec_report *r)
{
	size_t i;

	es_json_key(w, "ancestors");
	es_json_array_begin(w);
	for (i = 0; i < r->ancestors_cnt; i++) {
		const struct es_ancestor *a = &r->ancestors[i];

		es_json_object_begin(w);
		key_uint(w, "pid", a->pid);
		key_str(w, "exe", a->exe);
		es_json_key(w, "start_time");
		time_json(w, a->start_wall_ns);
		es_json_object_end(w);
	}
	es_json_array_end(w);
}

/* A capability set as "0x" and 16 hex digits (bit N: capability N, capabilities(7)). */
static void key_caps(struct es_json_writer *w, const char *key, uint64_t caps)
{
	char hex[19];

	snprintf(hex, sizeof(hex), "0x%016" PRIx64, caps);
	key_str(w, key, hex);
}

/* The new image's credentials, or null (a failure, or CRED_OFFSETS off or unreadable). */
static void creds_json(struct es_json_writer *w, const struct es_exec_record *rec)
{
	const struct es_exec_context *c = &rec->ctx;

	es_json_key(w, "creds");
	if (!(c->present & ES_CTX_F_CREDS)) {
		es_json_null(w);
	} else {
		es_json_object_begin(w);
		key_uint(w, "uid", rec->uid);
		key_uint(w, "euid", c->euid);
		key_uint(w, "suid", c->suid);
		key_uint(w, "fsuid", c->fsuid);
		key_uint(w, "gid", rec->gid);
		key_uint(w, "egid", c->egid);
		key_uint(w, "sgid", c->sgid);
		key_uint(w, "fsgid", c->fsgid);
		key_caps(w, "cap_effective", c->cap_effective);
		key_caps(w, "cap_permitted", c->cap_permitted);
		es_json_object_end(w);
	}
	es_json_key(w, "privileges_changed");
	if ((c->present & (ES_CTX_F_CREDS | ES_CTX_F_PRIV_KNOWN)) ==
	    (ES_CTX_F_CREDS | ES_CTX_F_PRIV_KNOWN))
		es_json_bool(w, c->present & ES_CTX_F_PRIV_RAISED);
	else
		es_json_null(w);
}

/* @key: @v when the context has @part, else null. */
static void key_ctx_uint(struct es_json_writer *w, const char *key, const struct es_exec_context *c,
			 uint32_t part, uint64_t v)
{
	es_json_key(w, key);
	(c->present & part) ? es_json_uint(w, v) : es_json_null(w);
}

/* The namespaces' inode numbers (/proc/<pid>/ns/<kind>), and the pid in its own. */
static void namespaces_json(struct es_json_writer *w, const struct es_exec_context *c)
{
	es_json_key(w, "namespaces");
	if (!(c->present & (ES_CTX_F_NS | ES_CTX_F_PIDNS))) {
		es_json_null(w);
	} else {
		es_json_object_begin(w);
		key_ctx_uint(w, "pid", c, ES_CTX_F_PIDNS, c->ns_pid);
		key_ctx_uint(w, "mnt", c, ES_CTX_F_NS, c->ns_mnt);
		key_ctx_uint(w, "net", c, ES_CTX_F_NS, c->ns_net);
		key_ctx_uint(w, "user", c, ES_CTX_F_NS, c->ns_user);
		key_ctx_uint(w, "uts", c, ES_CTX_F_NS, c->ns_uts);
		key_ctx_uint(w, "ipc", c, ES_CTX_F_NS, c->ns_ipc);
		key_ctx_uint(w, "cgroup", c, ES_CTX_F_NS, c->ns_cgroup);
		es_json_object_end(w);
	}
	key_ctx_uint(w, "vpid", c, ES_CTX_F_PIDNS, c->vpid);
}

/* Who and where: credentials, login, terminal, cgroup and container, namespaces. */
static void context_json(struct es_json_writer *w, const struct es_exec_report *r)
{
	const struct es_exec_context *c = &r->view.rec->ctx;

	creds_json(w, r->view.rec);
	key_ctx_uint(w, "auid", c, ES_CTX_F_AUDIT, c->auid);
	key_ctx_uint(w, "session", c, ES_CTX_F_AUDIT, c->session);
	key_str(w, "tty", r->tty[0] ? r->tty : NULL);
	es_json_key(w, "cgroup");
	if (c->present & ES_CTX_F_CGROUP) {
		es_json_object_begin(w);
		key_uint(w, "id", c->cgroup_id);
		key_str(w, "path", r->cgroup_path);
		es_json_object_end(w);
	} else {
		es_json_null(w);
	}
	es_json_key(w, "container");
	if (r->container.runtime) {
		es_json_object_begin(w);
		key_str(w, "runtime", r->container.runtime);
		key_str(w, "id", r->container.id);
		key_str(w, "pod_uid", r->container.pod_uid[0] ? r->container.pod_uid : NULL);
		es_json_object_end(w);
	} else {
		es_json_null(w);
	}
	namespaces_json(w, c);
}

int es_format_json_exec(FILE *f, const struct es_exec_report *r, int64_t wall_ns)
{
	const struct es_exec_record *rec = r->view.rec;
	uint32_t flags = rec->hdr.flags;
	struct es_json_writer w;
	struct es_argv_iter it;
	const char *arg;
	size_t len;

	es_json_writer_init(&w, f);
	head(&w, "exec", wall_ns);
	key_uint(&w, "pid", rec->hdr.pid);
	key_uint(&w, "tid", rec->hdr.tid);
	key_uint(&w, "ppid", r->ppid);
	key_str(&w, "ppid_source", es_ppid_source_name(r->ppid_source));
	key_uint(&w, "uid", rec->uid);
	key_uint(&w, "gid", rec->gid);
	key_bytes(&w, "comm", rec->comm, sizeof(rec->comm));
	es_json_key(&w, "filename");
	if (flags & ES_EXEC_F_FILENAME_FAULT)
		es_json_null(&w); /* unreadable, unlike fexecve's real "" */
	else
		es_json_string_len(&w, r->view.filename, r->view.filename_len);
	es_json_key(&w, "argv");
	es_json_array_begin(&w);
	es_argv_iter_init(&it, &r->view);
	while (es_argv_next(&it, &arg, &len))
		es_json_string_len(&w, arg, len);
	es_json_array_end(&w);
	key_bool(&w, "argv_truncated",
		 flags & (ES_EXEC_F_ARGV_TRUNCATED | ES_EXEC_F_ARGV_FAULT | ES_EXEC_F_ARGV_ABSENT));
	key_uint(&w, "execveat_flags", rec->execveat_flags);
	es_json_key(&w, "ret");
	es_json_int(&w, rec->ret);
	key_str(&w, "parent_exe", r->parent_exe);
	fileless_json(&w, &r->fileless);
	exe_json(&w, &r->exe);
	key_uint(&w, "path_misses", rec->path_misses);
	ancestors_json(&w, r);
	context_json(&w, r);
	return finish(&w);
}

int es_format_json_lineage(FILE *f, const struct es_lineage_report *r, int64_t wall_ns)
{
	struct es_json_writer w;

	es_json_writer_init(&w, f);
	head(&w, r->type == ES_RECORD_FORK ? "fork" : "exit", wall_ns);
	key_uint(&w, "pid", r->pid);
	es_json_key(&w, "ppid");
	r->ppid ? es_json_uint(&w, r->ppid) : es_json_null(&w);
	key_str(&w, "exe", r->exe);
	if (r->type == ES_RECORD_FORK) {
		key_bool(&w, "maybe_thread", r->maybe_thread);
		return finish(&w);
	}
	es_json_key(&w, "exit_code");
	r->status_known &&WIFEXITED(r->exit_code) ? es_json_int(&w, WEXITSTATUS(r->exit_code))
						  : es_json_null(&w);
	es_json_key(&w, "signal");
	r->status_known &&WIFSIGNALED(r->exit_code) ? es_json_int(&w, WTERMSIG(r->exit_code))
						    : es_json_null(&w);
	return finish(&w);
}

/* Every field of every group, in table order: the startup record's "offsets". */
static void offsets_json(struct es_json_writer *w, const struct es_loader_info *info)
{
	size_t i;

	es_json_key(w, "offsets");
	es_json_array_begin(w);
	for (i = 0; i < es_offset_fields_cnt; i++) {
		const struct es_offset_field *field = &es_offset_fields[i];
		const struct es_offset *off = &info->groups[field->group].fields[field->key];

		es_json_object_begin(w);
		key_str(w, "field", field->path);
		key_bool(w, "resolved", off->resolved);
		key_uint(w, "value", off->value);
		key_str(w, "reason", off->reason[0] ? off->reason : NULL);
		es_json_object_end(w);
	}
	es_json_array_end(w);
}

/* Each group: its map, whether it is on and why not, and the self-test's verdict. */
static void groups_json(struct es_json_writer *w, const struct es_loader_info *info)
{
	size_t i;

	es_json_key(w, "offset_groups");
	es_json_array_begin(w);
	for (i = 0; i < ES_OFFSET_GROUP__MAX; i++) {
		const struct es_offset_group_state *g = &info->groups[i];
		const struct es_group_check *c = &info->checks[i];

		es_json_object_begin(w);
		key_str(w, "map", g->group->map);
		key_str(w, "serves", g->group->serves);
		key_bool(w, "enabled", g->enabled);
		key_str(w, "reason", g->enabled ? NULL : g->reason);
		es_json_key(w, "selftest");
		es_json_object_begin(w);
		key_str(w, "verdict", es_group_verdict_name(c->verdict));
		key_str(w, "detail", c->detail[0] ? c->detail : NULL);
		key_uint(w, "scrubbed", c->scrubbed);
		es_json_object_end(w);
		es_json_object_end(w);
	}
	es_json_array_end(w);
}

int es_format_json_startup(FILE *f, const struct es_startup_host *host,
			   const struct es_loader_info *info, int64_t wall_ns)
{
	const struct es_offset_group_state *task = &info->groups[ES_OFFSET_GROUP_TASK];
	const struct es_offset_group_state *exec = &info->groups[ES_OFFSET_GROUP_EXEC];
	struct es_json_writer w;

	es_json_writer_init(&w, f);
	head(&w, "startup", wall_ns);
	key_str(&w, "version", host->version);
	key_str(&w, "kernel_release", host->kernel_release);
	es_json_key(&w, "btf");
	es_json_object_begin(&w);
	key_str(&w, "source", info->btf_source);
	key_str(&w, "error", info->btf_error[0] ? info->btf_error : NULL);
	es_json_object_end(&w);
	offsets_json(&w, info);
	key_bool(&w, "kernel_ppid", task->enabled);
	key_str(&w, "kernel_ppid_reason", task->enabled ? NULL : task->reason);
	es_json_key(&w, "attach");
	es_json_object_begin(&w);
	key_str(&w, "mode", es_attach_mode_name(info->attach_mode));
	key_str(&w, "reason", info->attach_reason);
	es_json_object_end(&w);
	key_str(&w, "lockdown", es_lockdown_name(info->lockdown));
	es_json_key(&w, "selftest");
	es_json_object_begin(&w);
	key_str(&w, "result", es_selftest_name(info->selftest));
	key_str(&w, "detail", info->selftest_detail[0] ? info->selftest_detail : NULL);
	es_json_object_end(&w);
	key_uint(&w, "ringbuf_size", info->ringbuf_size);
	es_json_key(&w, "exec_image");
	es_json_object_begin(&w);
	key_bool(&w, "attached", true); /* sched_process_exec makes every exec record */
	key_str(&w, "reason", NULL);
	key_bool(&w, "argv", exec->enabled);
	key_str(&w, "argv_reason", exec->enabled ? NULL : exec->reason);
	es_json_object_end(&w);
	groups_json(&w, info);
	key_bool(&w, "lineage", info->lineage);
	return finish(&w);
}

/* Each program's counters; run_cnt and run_time_ns are null unless BPF stats are on. */
static void programs_json(struct es_json_writer *w, const struct es_agent_stats *s)
{
	int i;

	es_json_key(w, "programs");
	if (s->progs_cnt < 0) {
		es_json_null(w);
		return;
	}
	es_json_array_begin(w);
	for (i = 0; i < s->progs_cnt; i++) {
		const struct es_prog_stats *p = &s->progs[i];

		es_json_object_begin(w);
		key_bytes(w, "name", p->name, sizeof(p->name));
		key_uint(w, "id", p->id);
		es_json_key(w, "run_cnt");
		s->bpf_stats ? es_json_uint(w, p->run_cnt) : es_json_null(w);
		es_json_key(w, "run_time_ns");
		s->bpf_stats ? es_json_uint(w, p->run_time_ns) : es_json_null(w);
		key_uint(w, "recursion_misses", p->recursion_misses);
		es_json_object_end(w);
	}
	es_json_array_end(w);
}

/* Members of the three-record design, kept since the schema only grows: always 0 now. */
static void retired_json(struct es_json_writer *w)
{
	key_uint(w, "results_missing", 0);
	key_uint(w, "results_orphaned", 0);
	es_json_key(w, "images");
	es_json_object_begin(w);
	key_uint(w, "received", 0);
	key_uint(w, "unmatched", 0);
	key_uint(w, "filename_filled", 0);
	key_uint(w, "argv_filled", 0);
	es_json_object_end(w);
}

/* Where every lost record and every unreported exec went (docs/events.md, "Accounting"). */
static void accounting_json(struct es_json_writer *w, const struct es_agent_stats *s)
{
	const uint64_t *k = s->kernel;
	struct es_unreported u;

	es_json_key(w, "lost_records");
	es_json_object_begin(w);
	key_uint(w, "exec", k[ES_STAT_LOST_EXEC]);
	key_uint(w, "failure", k[ES_STAT_LOST_FAILURE]);
	key_uint(w, "recursion", es_stats_recursion_misses(s, ES_PROG_LOSES_EXEC));
	key_uint(w, "fork", k[ES_STAT_LOST_FORK]);
	key_uint(w, "exit", k[ES_STAT_LOST_EXIT]);
	/* Retired (docs/events.md): one record per exec has no image or result to lose. */
	key_uint(w, "image", 0);
	key_uint(w, "result", 0);
	key_uint(w, "syscall_regs", 0);
	key_uint(w, "fork_recursion", es_stats_recursion_misses(s, ES_PROG_LOSES_FORK));
	/* Of recursion: the thread-exit program also makes the exit records. */
	key_uint(w, "exit_recursion", es_stats_recursion_misses(s, ES_PROG_LOSES_EXIT));
	es_json_object_end(w);
	es_json_key(w, "records_dropped_reasons");
	es_json_object_begin(w);
	key_uint(w, "malformed", s->dropped_malformed);
	key_uint(w, "unknown_type", s->dropped_unknown_type);
	key_uint(w, "short", s->dropped_malformed); /* retired: malformed's old name */
	key_uint(w, "no_memory", 0); /* retired: nothing is held for a join */
	es_json_object_end(w);
	es_stats_unreported(s, &u);
	es_json_key(w, "unreported");
	es_json_object_begin(w);
	key_uint(w, "execs", u.total);
	key_uint(w, "ringbuf_full", u.ringbuf_full);
	key_uint(w, "recursion", u.recursion);
	key_uint(w, "agent_dropped", u.agent_dropped);
	key_uint(w, "syscall_regs", 0); /* retired: such an exec is reported, flagged */
	es_json_object_end(w);
	programs_json(w, s);
	key_uint(w, "output_malformed", s->output_malformed);
	key_uint(w, "output_reopens", s->output_reopens);
	key_uint(w, "output_reopen_failures", s->output_reopen_failures);
}

/* What the entry state and the PATH-search folding did (kernel counts). */
static void entry_json(struct es_json_writer *w, const struct es_agent_stats *s)
{
	const uint64_t *k = s->kernel;

	key_uint(w, "failures", s->failures);
	key_uint(w, "path_misses", s->path_misses);
	key_uint(w, "exe_unknown", s->exe_unknown);
	key_uint(w, "ring_bytes", k[ES_STAT_BYTES]);
	es_json_key(w, "entry");
	es_json_object_begin(w);
	key_uint(w, "no_pending", k[ES_STAT_EXEC_NO_PENDING]);
	key_uint(w, "regs_unreadable", k[ES_STAT_ENTRY_REGS]);
	key_uint(w, "args_full", k[ES_STAT_ENTRY_ARGS_FULL]);
	key_uint(w, "misses_held", k[ES_STAT_FAILURES_HELD]);
	key_uint(w, "held_full", k[ES_STAT_HELD_FULL]);
	key_uint(w, "pending_taken", k[ES_STAT_PENDING_TAKEN]);
	es_json_object_end(w);
}

/* The fork and exit events written, and the process table's counts. */
static void lineage_json(struct es_json_writer *w, const struct es_agent_stats *s)
{
	const struct es_proc_table_stats *t = s->procs;

	key_uint(w, "fork_records", s->fork_records);
	key_uint(w, "exit_records", s->exit_records);
	key_uint(w, "fork_events", s->fork_events);
	key_uint(w, "exit_events", s->exit_events);
	es_json_key(w, "process_table");
	if (!t) {
		es_json_null(w);
		return;
	}
	es_json_object_begin(w);
	key_uint(w, "entries", t->entries);
	key_uint(w, "seeded", t->seeded);
	key_uint(w, "forks", t->forks);
	key_uint(w, "exits", t->exits);
	key_uint(w, "removed", t->removed);
	key_uint(w, "evicted", t->evicted);
	key_uint(w, "full", t->full);
	es_json_object_end(w);
}

/* The cgroup path cache: how each exec's cgroup path was found, or not. */
static void cgroup_paths_json(struct es_json_writer *w, const struct es_agent_stats *s)
{
	const struct es_cgroup_paths_stats *c = s->cgroups;

	es_json_key(w, "cgroup_paths");
	if (!c) {
		es_json_null(w);
		return;
	}
	es_json_object_begin(w);
	key_uint(w, "hits", c->hits);
	key_uint(w, "lookups", c->lookups);
	key_uint(w, "by_handle", c->by_handle);
	key_uint(w, "by_walk", c->by_walk);
	key_uint(w, "unknown", c->unknown);
	es_json_object_end(w);
}

int es_format_json_stats(FILE *f, const struct es_agent_stats *s, bool final, int64_t wall_ns)
{
	const uint64_t *k = s->kernel;
	struct es_json_writer w;

	es_json_writer_init(&w, f);
	head(&w, "stats", wall_ns);
	key_bool(&w, "final", final);
	key_uint(&w, "events", s->events);
	es_json_key(&w, "lost");
	s->kernel_read_ok ? es_json_uint(&w, es_stats_lost(s)) : es_json_null(&w);
	es_json_key(&w, "ppid_source");
	es_json_object_begin(&w);
	key_uint(&w, "kernel", s->ppid_source[ES_PPID_SOURCE_KERNEL]);
	key_uint(&w, "procfs", s->ppid_source[ES_PPID_SOURCE_PROCFS]);
	key_uint(&w, "unknown", s->ppid_source[ES_PPID_SOURCE_UNKNOWN]);
	key_uint(&w, "fork", s->ppid_source[ES_PPID_SOURCE_FORK]);
	es_json_object_end(&w);
	key_uint(&w, "offsets_absent", k[ES_STAT_OFFSETS_ABSENT]);
	key_uint(&w, "kernel_read_failures", k[ES_STAT_KERNEL_READ_FAIL]);
	key_uint(&w, "context_read_failures", k[ES_STAT_CONTEXT_FAULT]);
	key_uint(&w, "fallback_misses", s->fallback_misses);
	es_json_key(&w, "fileless");
	es_json_object_begin(&w);
	key_uint(&w, "alerts", s->fileless_alerts);
	key_uint(&w, "suppressed", s->fileless_suppressed);
	es_json_object_end(&w);
	key_uint(&w, "parent_exe_unknown", s->parent_exe_unknown);
	key_uint(&w, "filename_faults", s->filename_faults);
	key_uint(&w, "argv_faults", s->argv_faults);
	key_uint(&w, "records_dropped", s->records_dropped);
	key_uint(&w, "records_received", s->records_received);
	key_uint(&w, "kernel_records", k[ES_STAT_EVENTS]);
	key_uint(&w, "kernel_ppid_reads", k[ES_STAT_PPID_KERNEL]);
	retired_json(&w);
	accounting_json(&w, s);
	entry_json(&w, s);
	lineage_json(&w, s);
	cgroup_paths_json(&w, s);
	return finish(&w);
}
