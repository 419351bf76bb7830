// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The JSON records (docs/events.md), one document a line, through the
 * checked writer: a misplaced key or an unbalanced object makes the record
 * malformed, and output.c drops it rather than write it.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "format.h"
#include "json_writer.h"
#include "walltime.h"

/* A wall time as RFC 3339, or the number when out of range. */
void es_format_json_time(struct es_json_writer *w, int64_t wall_ns)
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
	es_format_json_time(w, wall_ns);
}

/* The record is complete: its line, and whether the writer found it well formed. */
int es_format_json_finish(struct es_json_writer *w)
{
	es_json_object_end(w);
	return es_json_writer_finish(w) == -EINVAL ? -EINVAL : 0;
}

/* A fact the gate established, or null when it could not. */
static void member_fact(struct es_json_writer *w, const char *key, enum es_fileless_fact f)
{
	es_json_key(w, key);
	if (f == ES_FACT_UNKNOWN)
		es_json_null(w);
	else
		es_json_bool(w, f == ES_FACT_YES);
}

/* The facts that decided the verdict (docs/events.md, fileless.gate). */
static void gate_json(struct es_json_writer *w, const struct es_fileless_result *f)
{
	es_json_key(w, "gate");
	es_json_object_begin(w);
	es_json_member_string(w, "failed", es_fileless_failed_name(f->failed));
	member_fact(w, "executor", f->executor);
	member_fact(w, "on_disk", f->on_disk);
	es_json_key(w, "forked_by");
	if (f->forked_by_known)
		es_json_uint(w, f->forked_by);
	else
		es_json_null(w);
	es_json_member_string(w, "manager", es_fileless_manager_name(f->manager));
	member_fact(w, "first_exec", f->first_exec);
	es_json_object_end(w);
}

void es_format_json_fileless(struct es_json_writer *w, const struct es_fileless_result *f)
{
	es_json_key(w, "fileless");
	if (f->verdict == ES_FILELESS_NONE) {
		es_json_null(w);
		return;
	}
	es_json_object_begin(w);
	es_json_member_string(w, "verdict", es_fileless_verdict_name(f->verdict));
	es_json_member_string(w, "reason", f->reason);
	es_json_member_string(w, "parent", f->parent);
	gate_json(w, f);
	es_json_object_end(w);
}

/* The exe as the kernel resolved it at the exec, or null (a failure, or no EXE_OFFSETS). */
void es_format_json_exe(struct es_json_writer *w, const struct es_exe *exe)
{
	es_json_key(w, "exe");
	if (!exe->known) {
		es_json_null(w);
		return;
	}
	es_json_object_begin(w);
	es_json_member_string(w, "path", exe->path);
	es_json_member_uint(w, "ino", exe->ino);
	es_json_member_uint(w, "dev", exe->dev);
	es_json_member_uint(w, "nlink", exe->nlink);
	es_json_member_bool(w, "memfd", exe->memfd);
	es_json_member_bool(w, "truncated", exe->truncated);
	es_json_object_end(w);
}

/* The parent and its ancestors from the process table, nearest first. */
void es_format_json_ancestors(struct es_json_writer *w, const struct es_exec_report *r)
{
	size_t i;

	es_json_key(w, "ancestors");
	es_json_array_begin(w);
	for (i = 0; i < r->ancestors_cnt; i++) {
		const struct es_ancestor *a = &r->ancestors[i];

		es_json_object_begin(w);
		es_json_member_uint(w, "pid", a->pid);
		es_json_member_string(w, "exe", a->exe);
		es_json_key(w, "start_time");
		es_format_json_time(w, a->start_wall_ns);
		es_json_object_end(w);
	}
	es_json_array_end(w);
}

/* A capability set as "0x" and 16 hex digits (bit N: capability N, capabilities(7)). */
static void key_caps(struct es_json_writer *w, const char *key, uint64_t caps)
{
	char hex[19];

	snprintf(hex, sizeof(hex), "0x%016" PRIx64, caps);
	es_json_member_string(w, key, hex);
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
		es_json_member_uint(w, "uid", rec->uid);
		es_json_member_uint(w, "euid", c->euid);
		es_json_member_uint(w, "suid", c->suid);
		es_json_member_uint(w, "fsuid", c->fsuid);
		es_json_member_uint(w, "gid", rec->gid);
		es_json_member_uint(w, "egid", c->egid);
		es_json_member_uint(w, "sgid", c->sgid);
		es_json_member_uint(w, "fsgid", c->fsgid);
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
void es_format_json_context(struct es_json_writer *w, const struct es_exec_report *r)
{
	const struct es_exec_context *c = &r->view.rec->ctx;

	creds_json(w, r->view.rec);
	key_ctx_uint(w, "auid", c, ES_CTX_F_AUDIT, c->auid);
	key_ctx_uint(w, "session", c, ES_CTX_F_AUDIT, c->session);
	es_json_member_string(w, "tty", r->tty[0] ? r->tty : NULL);
	es_json_key(w, "cgroup");
	if (c->present & ES_CTX_F_CGROUP) {
		es_json_object_begin(w);
		es_json_member_uint(w, "id", c->cgroup_id);
		es_json_member_string(w, "path", r->cgroup_path);
		es_json_object_end(w);
	} else {
		es_json_null(w);
	}
	es_json_key(w, "container");
	if (r->container.runtime) {
		es_json_object_begin(w);
		es_json_member_string(w, "runtime", r->container.runtime);
		es_json_member_string(w, "id", r->container.id);
		es_json_member_string(w, "pod_uid",
				      r->container.pod_uid[0] ? r->container.pod_uid : NULL);
		es_json_object_end(w);
	} else {
		es_json_null(w);
	}
	namespaces_json(w, c);
}

void es_format_json_filename(struct es_json_writer *w, const struct es_exec_view *view)
{
	es_json_key(w, "filename");
	if (view->rec->hdr.flags & ES_EXEC_F_FILENAME_FAULT)
		es_json_null(w); /* unreadable, unlike fexecve's real "" */
	else
		es_json_string_len(w, view->filename, view->filename_len);
}

int es_format_json_exec(FILE *f, const struct es_exec_report *r, int64_t wall_ns)
{
	const struct es_exec_record *rec = r->view.rec;
	struct es_json_writer w;
	struct es_argv_iter it;
	const char *arg;
	size_t len;

	es_json_writer_init(&w, f);
	head(&w, "exec", wall_ns);
	es_json_member_uint(&w, "pid", rec->hdr.pid);
	es_json_member_uint(&w, "tid", rec->hdr.tid);
	es_json_member_uint(&w, "ppid", r->ppid);
	es_json_member_string(&w, "ppid_source", es_ppid_source_name(r->ppid_source));
	es_json_member_uint(&w, "uid", rec->uid);
	es_json_member_uint(&w, "gid", rec->gid);
	es_json_member_strn(&w, "comm", rec->comm, sizeof(rec->comm));
	es_format_json_filename(&w, &r->view);
	es_json_key(&w, "argv");
	es_json_array_begin(&w);
	es_argv_iter_init(&it, &r->view);
	while (es_argv_next(&it, &arg, &len))
		es_json_string_len(&w, arg, len);
	es_json_array_end(&w);
	es_json_member_bool(&w, "argv_truncated", es_argv_truncated(&r->view));
	es_json_member_uint(&w, "execveat_flags", rec->execveat_flags);
	es_json_key(&w, "ret");
	es_json_int(&w, rec->ret);
	es_json_member_string(&w, "parent_exe", r->parent_exe);
	es_format_json_fileless(&w, &r->fileless);
	es_format_json_exe(&w, &r->exe);
	es_json_member_uint(&w, "path_misses", rec->path_misses);
	es_format_json_ancestors(&w, r);
	es_format_json_context(&w, r);
	return es_format_json_finish(&w);
}

void es_format_json_signal(struct es_json_writer *w, const struct es_lineage_report *r)
{
	int sig;

	es_json_key(w, "signal");
	es_lineage_signal(r, &sig) ? es_json_int(w, sig) : es_json_null(w);
}

int es_format_json_lineage(FILE *f, const struct es_lineage_report *r, int64_t wall_ns)
{
	struct es_json_writer w;
	int code;

	es_json_writer_init(&w, f);
	head(&w, r->type == ES_RECORD_FORK ? "fork" : "exit", wall_ns);
	es_json_member_uint(&w, "pid", r->pid);
	es_json_key(&w, "ppid");
	r->ppid ? es_json_uint(&w, r->ppid) : es_json_null(&w);
	es_json_member_string(&w, "exe", r->exe);
	if (r->type == ES_RECORD_FORK) {
		es_json_member_bool(&w, "maybe_thread", r->maybe_thread);
		return es_format_json_finish(&w);
	}
	es_json_key(&w, "exit_code");
	es_lineage_exit_code(r, &code) ? es_json_int(&w, code) : es_json_null(&w);
	es_format_json_signal(&w, r);
	return es_format_json_finish(&w);
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
		es_json_member_string(w, "field", field->path);
		es_json_member_bool(w, "resolved", off->resolved);
		es_json_member_uint(w, "value", off->value);
		es_json_member_string(w, "reason", off->reason[0] ? off->reason : NULL);
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
		es_json_member_string(w, "map", g->group->map);
		es_json_member_string(w, "serves", g->group->serves);
		es_json_member_bool(w, "enabled", g->enabled);
		es_json_member_string(w, "reason", g->enabled ? NULL : g->reason);
		es_json_key(w, "selftest");
		es_json_object_begin(w);
		es_json_member_string(w, "verdict", es_group_verdict_name(c->verdict));
		es_json_member_string(w, "detail", c->detail[0] ? c->detail : NULL);
		es_json_member_uint(w, "scrubbed", c->scrubbed);
		es_json_object_end(w);
		es_json_object_end(w);
	}
	es_json_array_end(w);
}

static void paths_json(struct es_json_writer *w, const char *key,
		       const struct es_fileless_allowlist *list, enum es_fileless_list which)
{
	size_t i;

	es_json_key(w, key);
	es_json_array_begin(w);
	for (i = 0; i < list->cnt[which]; i++)
		es_json_string(w, list->paths[which][i]);
	es_json_array_end(w);
}

/* What the fileless gate trusts, and whether it can suppress anything here. */
static void fileless_gate_json(struct es_json_writer *w, const struct es_fileless_allowlist *list)
{
	es_json_key(w, "fileless_gate");
	es_json_object_begin(w);
	es_json_member_bool(w, "suppresses", !list->limit[0]);
	es_json_member_string(w, "reason", list->limit[0] ? list->limit : NULL);
	paths_json(w, "executors", list, ES_FILELESS_EXECUTORS);
	paths_json(w, "managers", list, ES_FILELESS_MANAGERS);
	es_json_object_end(w);
}

void es_format_json_startup_members(struct es_json_writer *w, const struct es_startup_host *host,
				    const struct es_loader_info *info)
{
	const struct es_offset_group_state *task = &info->groups[ES_OFFSET_GROUP_TASK];
	const struct es_offset_group_state *exec = &info->groups[ES_OFFSET_GROUP_EXEC];

	es_json_member_string(w, "version", host->version);
	es_json_member_string(w, "kernel_release", host->kernel_release);
	es_json_key(w, "btf");
	es_json_object_begin(w);
	es_json_member_string(w, "source", info->btf_source);
	es_json_member_string(w, "error", info->btf_error[0] ? info->btf_error : NULL);
	es_json_object_end(w);
	offsets_json(w, info);
	es_json_member_bool(w, "kernel_ppid", task->enabled);
	es_json_member_string(w, "kernel_ppid_reason", task->enabled ? NULL : task->reason);
	es_json_key(w, "attach");
	es_json_object_begin(w);
	es_json_member_string(w, "mode", es_attach_mode_name(info->attach_mode));
	es_json_member_string(w, "reason", info->attach_reason);
	es_json_object_end(w);
	es_json_member_string(w, "lockdown", es_lockdown_name(info->lockdown));
	es_json_key(w, "selftest");
	es_json_object_begin(w);
	es_json_member_string(w, "result", es_selftest_name(info->selftest));
	es_json_member_string(w, "detail", info->selftest_detail[0] ? info->selftest_detail : NULL);
	es_json_object_end(w);
	es_json_member_uint(w, "ringbuf_size", info->ringbuf_size);
	es_json_key(w, "exec_image");
	es_json_object_begin(w);
	es_json_member_bool(w, "attached", true); /* sched_process_exec makes every exec record */
	es_json_member_string(w, "reason", NULL);
	es_json_member_bool(w, "argv", exec->enabled);
	es_json_member_string(w, "argv_reason", exec->enabled ? NULL : exec->reason);
	es_json_object_end(w);
	groups_json(w, info);
	es_json_member_bool(w, "lineage", info->lineage);
	if (host->fileless)
		fileless_gate_json(w, host->fileless);
}

int es_format_json_startup(FILE *f, const struct es_startup_host *host,
			   const struct es_loader_info *info, int64_t wall_ns)
{
	struct es_json_writer w;

	es_json_writer_init(&w, f);
	head(&w, "startup", wall_ns);
	es_format_json_startup_members(&w, host, info);
	return es_format_json_finish(&w);
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
		es_json_member_strn(w, "name", p->name, sizeof(p->name));
		es_json_member_uint(w, "id", p->id);
		es_json_key(w, "run_cnt");
		s->bpf_stats ? es_json_uint(w, p->run_cnt) : es_json_null(w);
		es_json_key(w, "run_time_ns");
		s->bpf_stats ? es_json_uint(w, p->run_time_ns) : es_json_null(w);
		es_json_member_uint(w, "recursion_misses", p->recursion_misses);
		es_json_object_end(w);
	}
	es_json_array_end(w);
}

/* Members of the three-record design, kept since the schema only grows: always 0 now. */
static void retired_json(struct es_json_writer *w)
{
	es_json_member_uint(w, "results_missing", 0);
	es_json_member_uint(w, "results_orphaned", 0);
	es_json_key(w, "images");
	es_json_object_begin(w);
	es_json_member_uint(w, "received", 0);
	es_json_member_uint(w, "unmatched", 0);
	es_json_member_uint(w, "filename_filled", 0);
	es_json_member_uint(w, "argv_filled", 0);
	es_json_object_end(w);
}

/* Where every lost record and every unreported exec went (docs/events.md, "Accounting"). */
static void accounting_json(struct es_json_writer *w, const struct es_agent_stats *s)
{
	const uint64_t *k = s->kernel;
	struct es_unreported u;

	es_json_key(w, "lost_records");
	es_json_object_begin(w);
	es_json_member_uint(w, "exec", k[ES_STAT_LOST_EXEC]);
	es_json_member_uint(w, "failure", k[ES_STAT_LOST_FAILURE]);
	es_json_member_uint(w, "recursion", es_stats_recursion_misses(s, ES_PROG_LOSES_EXEC));
	es_json_member_uint(w, "fork", k[ES_STAT_LOST_FORK]);
	es_json_member_uint(w, "exit", k[ES_STAT_LOST_EXIT]);
	/* Retired (docs/events.md): one record per exec has no image or result to lose. */
	es_json_member_uint(w, "image", 0);
	es_json_member_uint(w, "result", 0);
	es_json_member_uint(w, "syscall_regs", 0);
	es_json_member_uint(w, "fork_recursion", es_stats_recursion_misses(s, ES_PROG_LOSES_FORK));
	/* Of recursion: the thread-exit program also makes the exit records. */
	es_json_member_uint(w, "exit_recursion", es_stats_recursion_misses(s, ES_PROG_LOSES_EXIT));
	es_json_object_end(w);
	es_json_key(w, "records_dropped_reasons");
	es_json_object_begin(w);
	es_json_member_uint(w, "malformed", s->dropped_malformed);
	es_json_member_uint(w, "unknown_type", s->dropped_unknown_type);
	es_json_member_uint(w, "short", s->dropped_malformed); /* retired: malformed's old name */
	es_json_member_uint(w, "no_memory", 0); /* retired: nothing is held for a join */
	es_json_object_end(w);
	es_stats_unreported(s, &u);
	es_json_key(w, "unreported");
	es_json_object_begin(w);
	es_json_member_uint(w, "execs", u.total);
	es_json_member_uint(w, "ringbuf_full", u.ringbuf_full);
	es_json_member_uint(w, "recursion", u.recursion);
	es_json_member_uint(w, "agent_dropped", u.agent_dropped);
	es_json_member_uint(w, "syscall_regs", 0); /* retired: such an exec is reported, flagged */
	es_json_object_end(w);
	programs_json(w, s);
	es_json_member_uint(w, "output_malformed", s->output_malformed);
	es_json_member_uint(w, "output_reopens", s->output_reopens);
	es_json_member_uint(w, "output_reopen_failures", s->output_reopen_failures);
}

/* What the entry state and the PATH-search folding did (kernel counts). */
static void entry_json(struct es_json_writer *w, const struct es_agent_stats *s)
{
	const uint64_t *k = s->kernel;

	es_json_member_uint(w, "failures", s->failures);
	es_json_member_uint(w, "path_misses", s->path_misses);
	es_json_member_uint(w, "exe_unknown", s->exe_unknown);
	es_json_member_uint(w, "ring_bytes", k[ES_STAT_BYTES]);
	es_json_key(w, "entry");
	es_json_object_begin(w);
	es_json_member_uint(w, "no_pending", k[ES_STAT_EXEC_NO_PENDING]);
	es_json_member_uint(w, "regs_unreadable", k[ES_STAT_ENTRY_REGS]);
	es_json_member_uint(w, "args_full", k[ES_STAT_ENTRY_ARGS_FULL]);
	es_json_member_uint(w, "misses_held", k[ES_STAT_FAILURES_HELD]);
	es_json_member_uint(w, "held_full", k[ES_STAT_HELD_FULL]);
	es_json_member_uint(w, "pending_taken", k[ES_STAT_PENDING_TAKEN]);
	es_json_object_end(w);
}

/* The fork and exit events written, and the process table's counts. */
static void lineage_json(struct es_json_writer *w, const struct es_agent_stats *s)
{
	const struct es_proc_table_stats *t = s->procs;

	es_json_member_uint(w, "fork_records", s->fork_records);
	es_json_member_uint(w, "exit_records", s->exit_records);
	es_json_member_uint(w, "fork_events", s->fork_events);
	es_json_member_uint(w, "exit_events", s->exit_events);
	es_json_key(w, "process_table");
	if (!t) {
		es_json_null(w);
		return;
	}
	es_json_object_begin(w);
	es_json_member_uint(w, "entries", t->entries);
	es_json_member_uint(w, "seeded", t->seeded);
	es_json_member_uint(w, "forks", t->forks);
	es_json_member_uint(w, "exits", t->exits);
	es_json_member_uint(w, "removed", t->removed);
	es_json_member_uint(w, "evicted", t->evicted);
	es_json_member_uint(w, "full", t->full);
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
	es_json_member_uint(w, "hits", c->hits);
	es_json_member_uint(w, "lookups", c->lookups);
	es_json_member_uint(w, "by_handle", c->by_handle);
	es_json_member_uint(w, "by_walk", c->by_walk);
	es_json_member_uint(w, "unknown", c->unknown);
	es_json_object_end(w);
}

void es_format_json_stats_members(struct es_json_writer *w, const struct es_agent_stats *s,
				  bool final)
{
	const uint64_t *k = s->kernel;

	es_json_member_bool(w, "final", final);
	es_json_member_uint(w, "events", s->events);
	es_json_key(w, "lost");
	s->kernel_read_ok ? es_json_uint(w, es_stats_lost(s)) : es_json_null(w);
	es_json_key(w, "ppid_source");
	es_json_object_begin(w);
	es_json_member_uint(w, "kernel", s->ppid_source[ES_PPID_SOURCE_KERNEL]);
	es_json_member_uint(w, "procfs", s->ppid_source[ES_PPID_SOURCE_PROCFS]);
	es_json_member_uint(w, "unknown", s->ppid_source[ES_PPID_SOURCE_UNKNOWN]);
	es_json_member_uint(w, "fork", s->ppid_source[ES_PPID_SOURCE_FORK]);
	es_json_object_end(w);
	es_json_member_uint(w, "offsets_absent", k[ES_STAT_OFFSETS_ABSENT]);
	es_json_member_uint(w, "kernel_read_failures", k[ES_STAT_KERNEL_READ_FAIL]);
	es_json_member_uint(w, "context_read_failures", k[ES_STAT_CONTEXT_FAULT]);
	es_json_member_uint(w, "fallback_misses", s->fallback_misses);
	es_json_key(w, "fileless");
	es_json_object_begin(w);
	es_json_member_uint(w, "alerts", s->fileless_alerts);
	es_json_member_uint(w, "suppressed", s->fileless_suppressed);
	es_json_object_end(w);
	es_json_member_uint(w, "parent_exe_unknown", s->parent_exe_unknown);
	es_json_member_uint(w, "filename_faults", s->filename_faults);
	es_json_member_uint(w, "argv_faults", s->argv_faults);
	es_json_member_uint(w, "records_dropped", s->records_dropped);
	es_json_member_uint(w, "records_received", s->records_received);
	es_json_member_uint(w, "kernel_records", k[ES_STAT_EVENTS]);
	es_json_member_uint(w, "kernel_ppid_reads", k[ES_STAT_PPID_KERNEL]);
	retired_json(w);
	accounting_json(w, s);
	entry_json(w, s);
	lineage_json(w, s);
	cgroup_paths_json(w, s);
	es_json_member_uint(w, "ringbuf_peak_used", s->ringbuf_peak_used);
	es_json_member_uint(w, "metrics_write_failures", s->metrics_write_failures);
}

int es_format_json_stats(FILE *f, const struct es_agent_stats *s, bool final, int64_t wall_ns)
{
	struct es_json_writer w;

	es_json_writer_init(&w, f);
	head(&w, "stats", wall_ns);
	es_format_json_stats_members(&w, s, final);
	return es_format_json_finish(&w);
}
