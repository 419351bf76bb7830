// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The JSON records (docs/events.md), one document a line, through the
 * checked writer: a misplaced key or an unbalanced object makes the record
 * malformed, and output.c drops it rather than write it.
 */
#include <errno.h>
#include <string.h>

#include "argv.h"
#include "format.h"
#include "json_writer.h"
#include "walltime.h"

/* Each record starts {"event":EVENT,"time":TIME. */
static void head(struct es_json_writer *w, const char *event, int64_t wall_ns)
{
	char buf[ES_RFC3339_NS_LEN];

	es_json_object_begin(w);
	es_json_key(w, "event");
	es_json_string(w, event);
	es_json_key(w, "time");
	if (es_rfc3339_ns(wall_ns, buf, sizeof(buf)))
		es_json_int(w, wall_ns);
	else
		es_json_string(w, buf);
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

int es_format_json_exec(FILE *f, const struct es_exec_report *r, int64_t wall_ns)
{
	const struct es_exec_event *ev = &r->ev;
	struct es_json_writer w;
	struct es_argv argv;
	size_t i;

	es_argv_split(ev->args, sizeof(ev->args), ev->args_size, ev->argc,
		      !!(ev->flags & (ES_EXEC_F_ARGV_TRUNCATED | ES_EXEC_F_ARGV_FAULT)), &argv);
	es_json_writer_init(&w, f);
	head(&w, "exec", wall_ns);
	key_uint(&w, "pid", ev->hdr.pid);
	key_uint(&w, "tid", ev->hdr.tid);
	key_uint(&w, "ppid", r->ppid);
	key_str(&w, "ppid_source", es_ppid_source_name(r->ppid_source));
	key_uint(&w, "uid", ev->uid);
	key_uint(&w, "gid", ev->gid);
	key_bytes(&w, "comm", ev->comm, sizeof(ev->comm));
	if (ev->flags & ES_EXEC_F_FILENAME_FAULT)
		key_str(&w, "filename", NULL); /* unreadable, unlike fexecve's real "" */
	else
		key_bytes(&w, "filename", ev->filename, sizeof(ev->filename));
	es_json_key(&w, "argv");
	es_json_array_begin(&w);
	for (i = 0; i < argv.cnt; i++)
		es_json_string_len(&w, argv.arg[i].ptr, argv.arg[i].len);
	es_json_array_end(&w);
	key_bool(&w, "argv_truncated", argv.truncated);
	key_uint(&w, "execveat_flags", ev->execveat_flags);
	es_json_key(&w, "ret");
	if (r->ret_known)
		es_json_int(&w, r->ret);
	else
		es_json_null(&w);
	key_str(&w, "parent_exe", r->parent_exe);
	fileless_json(&w, &r->fileless);
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
	key_bool(&w, "attached", info->exec_image);
	key_str(&w, "reason", info->exec_image ? NULL : info->exec_image_reason);
	key_bool(&w, "argv", exec->enabled);
	key_str(&w, "argv_reason", exec->enabled ? NULL : exec->reason);
	es_json_object_end(&w);
	groups_json(&w, info);
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

/* Where every lost record and every unreported exec went (docs/events.md, "Accounting"). */
static void accounting_json(struct es_json_writer *w, const struct es_agent_stats *s)
{
	const uint64_t *k = s->kernel;
	struct es_unreported u;

	es_json_key(w, "lost_records");
	es_json_object_begin(w);
	key_uint(w, "exec", k[ES_STAT_LOST_EXEC]);
	key_uint(w, "image", k[ES_STAT_LOST_IMAGE]);
	key_uint(w, "result", k[ES_STAT_LOST_RESULT]);
	key_uint(w, "recursion", es_stats_recursion_misses(s, false));
	key_uint(w, "syscall_regs", k[ES_STAT_LOST_EXEC_REGS]);
	es_json_object_end(w);
	es_json_key(w, "records_dropped_reasons");
	es_json_object_begin(w);
	key_uint(w, "short", s->dropped_short);
	key_uint(w, "unknown_type", s->dropped_unknown_type);
	key_uint(w, "no_memory", s->dropped_no_memory);
	es_json_object_end(w);
	es_stats_unreported(s, &u);
	es_json_key(w, "unreported");
	es_json_object_begin(w);
	key_uint(w, "execs", u.total);
	key_uint(w, "ringbuf_full", u.ringbuf_full);
	key_uint(w, "recursion", u.recursion);
	key_uint(w, "syscall_regs", u.syscall_regs);
	key_uint(w, "agent_dropped", u.agent_dropped);
	es_json_object_end(w);
	programs_json(w, s);
	key_uint(w, "output_malformed", s->output_malformed);
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
	es_json_object_end(&w);
	key_uint(&w, "offsets_absent", k[ES_STAT_OFFSETS_ABSENT]);
	key_uint(&w, "kernel_read_failures", k[ES_STAT_KERNEL_READ_FAIL]);
	key_uint(&w, "fallback_misses", s->fallback_misses);
	es_json_key(&w, "fileless");
	es_json_object_begin(&w);
	key_uint(&w, "alerts", s->fileless_alerts);
	key_uint(&w, "suppressed", s->fileless_suppressed);
	es_json_object_end(&w);
	key_uint(&w, "parent_exe_unknown", s->parent_exe_unknown);
	key_uint(&w, "filename_faults", s->filename_faults);
	key_uint(&w, "argv_faults", s->argv_faults);
	key_uint(&w, "results_missing", s->results_missing);
	key_uint(&w, "results_orphaned", s->results_orphaned);
	key_uint(&w, "records_dropped", s->records_dropped);
	key_uint(&w, "records_received", s->records_received);
	key_uint(&w, "kernel_records", k[ES_STAT_EVENTS]);
	key_uint(&w, "kernel_ppid_reads", k[ES_STAT_PPID_KERNEL]);
	es_json_key(&w, "images");
	es_json_object_begin(&w);
	key_uint(&w, "received", s->images_received);
	key_uint(&w, "unmatched", s->images_unmatched);
	key_uint(&w, "filename_filled", s->images_filename_filled);
	key_uint(&w, "argv_filled", s->images_argv_filled);
	es_json_object_end(&w);
	accounting_json(&w, s);
	return finish(&w);
}
