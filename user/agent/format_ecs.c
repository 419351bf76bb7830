// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The records as Elastic Common Schema documents (docs/events.md, "ECS"),
 * one a line, so that Filebeat or Elastic Agent index them without a
 * pipeline. What ECS has a field for goes there (its field reference:
 * test/agent/ecs_fields.csv); every other member is the JSON format's,
 * written by its own code, under execsensor.*, so that no member clashes
 * with ECS. ECS has no null: an unknown value is left out of the ECS
 * fields, and is null under execsensor.* as in the JSON format.
 *
 * Each record kind keeps its own members apart (execsensor.startup.*,
 * execsensor.stats.*), so that one index mapping holds every document.
 */
#include <ctype.h>
#include <inttypes.h>
#include <string.h>

#include "caps.h"
#include "format.h"
#include "json_writer.h"

#define ECS_VERSION "8.16.0"

/* event.*: ECS's categorization of one record. */
struct ecs_event {
	const char *kind; /* event, state, metric */
	const char *category; /* the one value of the event.category array, or NULL */
	const char *type; /* the one value of the event.type array, or NULL */
	const char *action;
	const char *outcome; /* success, failure, or NULL where there is none */
};

/* A one-value array member, as ECS's categorization arrays are. */
static void member_list1(struct es_json_writer *w, const char *key, const char *value)
{
	es_json_key(w, key);
	es_json_array_begin(w);
	es_json_string(w, value);
	es_json_array_end(w);
}

/* An id is a keyword in ECS: the number as a string. */
static void member_id(struct es_json_writer *w, const char *key, uint64_t id)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, id);
	es_json_member_string(w, key, buf);
}

/* {"KEY":{"id":"ID"}}: ECS's user and group objects. */
static void member_id_object(struct es_json_writer *w, const char *key, uint64_t id)
{
	es_json_key(w, key);
	es_json_object_begin(w);
	member_id(w, "id", id);
	es_json_object_end(w);
}

static void member_time(struct es_json_writer *w, const char *key, int64_t wall_ns)
{
	es_json_key(w, key);
	es_format_json_time(w, wall_ns);
}

/* host.*: the name and the boot id, those known. */
static void host_ecs(struct es_json_writer *w, const struct es_host_ident *host)
{
	if (!host->hostname[0] && !host->boot_id[0])
		return;
	es_json_key(w, "host");
	es_json_object_begin(w);
	if (host->hostname[0])
		es_json_member_string(w, "hostname", host->hostname);
	if (host->boot_id[0]) {
		es_json_key(w, "boot");
		es_json_object_begin(w);
		es_json_member_string(w, "id", host->boot_id);
		es_json_object_end(w);
	}
	es_json_object_end(w);
}

/* Every document starts with @timestamp, ecs, event and host. */
static void head(struct es_json_writer *w, const struct es_host_ident *host, int64_t wall_ns,
		 const struct ecs_event *e)
{
	es_json_object_begin(w);
	member_time(w, "@timestamp", wall_ns);
	es_json_key(w, "ecs");
	es_json_object_begin(w);
	es_json_member_string(w, "version", ECS_VERSION);
	es_json_object_end(w);
	es_json_key(w, "event");
	es_json_object_begin(w);
	es_json_member_string(w, "kind", e->kind);
	if (e->category)
		member_list1(w, "category", e->category);
	if (e->type)
		member_list1(w, "type", e->type);
	es_json_member_string(w, "action", e->action);
	if (e->outcome)
		es_json_member_string(w, "outcome", e->outcome);
	es_json_member_string(w, "provider", "execsensor");
	es_json_object_end(w);
	host_ecs(w, host);
}

/* name: the last component of @path (@len bytes), what follows its last '/'. */
static void member_name(struct es_json_writer *w, const char *path, size_t len)
{
	const char *slash = memrchr(path, '/', len);
	size_t skip = slash ? (size_t)(slash + 1 - path) : 0;

	es_json_key(w, "name");
	es_json_string_len(w, path + skip, len - skip);
}

/*
 * A process's identity: the boot id, the pid and the start (CLOCK_BOOTTIME
 * ns), unique across hosts and boots and the same in the process's own
 * events and as its children's parent.
 */
static void member_entity_id(struct es_json_writer *w, const struct es_host_ident *host,
			     uint32_t pid, const struct es_proc_start *start)
{
	char id[ES_BOOT_ID_LEN + 48];

	if (!start->known || !host->boot_id[0])
		return;
	snprintf(id, sizeof(id), "%s-%" PRIu32 "-%" PRIu64, host->boot_id, pid, start->boot_ns);
	es_json_member_string(w, "entity_id", id);
}

/* pid, entity_id and start of a process, those known. */
static void process_identity(struct es_json_writer *w, const struct es_host_ident *host,
			     uint32_t pid, const struct es_proc_start *start)
{
	es_json_member_uint(w, "pid", pid);
	member_entity_id(w, host, pid, start);
	if (start->known)
		member_time(w, "start", start->wall_ns);
}

/* executable and name from a known executable path, a C string. */
static void process_image(struct es_json_writer *w, const char *exe)
{
	if (!exe)
		return;
	es_json_member_string(w, "executable", exe);
	member_name(w, exe, strlen(exe));
}

/* process.parent: what is known of it; nothing when its pid is not. */
static void parent_ecs(struct es_json_writer *w, const struct es_host_ident *host, uint32_t ppid,
		       const struct es_proc_start *start, const char *exe)
{
	if (!ppid)
		return;
	es_json_key(w, "parent");
	es_json_object_begin(w);
	process_identity(w, host, ppid, start);
	process_image(w, exe);
	es_json_object_end(w);
}

/*
 * executable and name of an exec: the new image's file as the kernel
 * resolved it (executable only when its path is whole), else the path the
 * exec was given: for a failure, the image that would have run (executable
 * only when that path is absolute and whole).
 */
static void exec_image(struct es_json_writer *w, const struct es_exec_report *r)
{
	const struct es_exec_view *v = &r->view;

	if (r->exe.known) {
		if (!r->exe.truncated)
			es_json_member_string(w, "executable", r->exe.path);
		member_name(w, r->exe.path, strlen(r->exe.path));
		return;
	}
	if (v->rec->hdr.flags & ES_EXEC_F_FILENAME_FAULT || !v->filename_len)
		return;
	if (v->rec->hdr.type == ES_RECORD_EXEC_FAILURE && v->filename[0] == '/' &&
	    !(v->rec->hdr.flags & ES_EXEC_F_FILENAME_TRUNCATED)) {
		es_json_key(w, "executable");
		es_json_string_len(w, v->filename, v->filename_len);
	}
	member_name(w, v->filename, v->filename_len);
}

/* args, args_count and command_line (the arguments joined by spaces), unless argv is unknown. */
static void exec_args(struct es_json_writer *w, const struct es_exec_view *v)
{
	char line[ES_ARGS_MAX];
	struct es_argv_iter it;
	size_t len, n = 0;
	const char *arg;

	if (v->rec->hdr.flags & ES_EXEC_F_ARGV_ABSENT)
		return;
	es_json_key(w, "args");
	es_json_array_begin(w);
	es_argv_iter_init(&it, v);
	while (es_argv_next(&it, &arg, &len)) {
		es_json_string_len(w, arg, len);
		if (n && n < sizeof(line))
			line[n++] = ' ';
		len = len < sizeof(line) - n ? len : sizeof(line) - n;
		memcpy(line + n, arg, len);
		n += len;
	}
	es_json_array_end(w);
	es_json_member_uint(w, "args_count", es_argv_count(v));
	es_json_key(w, "command_line");
	es_json_string_len(w, line, n);
}

/* A capability set as ECS names it: "CAP_CHOWN", a number for a bit without a name. */
static void member_caps(struct es_json_writer *w, const char *key, uint64_t caps)
{
	char name[32];
	unsigned int i;
	size_t k;

	es_json_key(w, key);
	es_json_array_begin(w);
	for (i = 0; i < 64; i++) {
		if (!(caps & (1ull << i)))
			continue;
		if (es_cap_name(i)) {
			snprintf(name, sizeof(name), "%s", es_cap_name(i));
			for (k = 0; name[k]; k++)
				name[k] = (char)toupper((unsigned char)name[k]);
		} else {
			snprintf(name, sizeof(name), "%u", i);
		}
		es_json_string(w, name);
	}
	es_json_array_end(w);
}

/* thread: its id, and the capabilities when the credentials are known. */
static void exec_thread(struct es_json_writer *w, const struct es_exec_record *rec)
{
	const struct es_exec_context *c = &rec->ctx;

	es_json_key(w, "thread");
	es_json_object_begin(w);
	es_json_member_uint(w, "id", rec->hdr.tid);
	if (c->present & ES_CTX_F_CREDS) {
		es_json_key(w, "capabilities");
		es_json_object_begin(w);
		member_caps(w, "effective", c->cap_effective);
		member_caps(w, "permitted", c->cap_permitted);
		es_json_object_end(w);
	}
	es_json_object_end(w);
}

/*
 * The process's ids: user and group are the effective ones (after the
 * exec's set-id), real_* the caller's, saved_* the saved ones.
 */
static void exec_process_ids(struct es_json_writer *w, const struct es_exec_record *rec)
{
	const struct es_exec_context *c = &rec->ctx;
	bool creds = c->present & ES_CTX_F_CREDS;

	if (creds) {
		member_id_object(w, "user", c->euid);
		member_id_object(w, "group", c->egid);
	}
	member_id_object(w, "real_user", rec->uid);
	member_id_object(w, "real_group", rec->gid);
	if (creds) {
		member_id_object(w, "saved_user", c->suid);
		member_id_object(w, "saved_group", c->sgid);
	}
}

static void exec_process(struct es_json_writer *w, const struct es_host_ident *host,
			 const struct es_exec_report *r)
{
	const struct es_exec_record *rec = r->view.rec;

	es_json_key(w, "process");
	es_json_object_begin(w);
	process_identity(w, host, rec->hdr.pid, &r->start);
	exec_image(w, r);
	exec_args(w, &r->view);
	exec_thread(w, rec);
	if (rec->ctx.present & ES_CTX_F_PIDNS)
		es_json_member_uint(w, "vpid", rec->ctx.vpid);
	exec_process_ids(w, rec);
	parent_ecs(w, host, r->ppid, &r->parent_start, r->parent_exe);
	es_json_object_end(w);
}

/* user and group: who ran it (the real ids), and whom it runs as (the effective ones). */
static void exec_user(struct es_json_writer *w, const struct es_exec_record *rec)
{
	const struct es_exec_context *c = &rec->ctx;

	es_json_key(w, "user");
	es_json_object_begin(w);
	member_id(w, "id", rec->uid);
	if (c->present & ES_CTX_F_CREDS) {
		es_json_key(w, "effective");
		es_json_object_begin(w);
		member_id(w, "id", c->euid);
		member_id_object(w, "group", c->egid);
		es_json_object_end(w);
	}
	es_json_object_end(w);
	member_id_object(w, "group", rec->gid);
}

/* The JSON format's members that ECS has no field for, and the objects it has part of. */
static void exec_execsensor(struct es_json_writer *w, const struct es_exec_report *r)
{
	const struct es_exec_record *rec = r->view.rec;

	es_json_key(w, "execsensor");
	es_json_object_begin(w);
	es_json_member_string(w, "ppid_source", es_ppid_source_name(r->ppid_source));
	es_json_member_strn(w, "comm", rec->comm, sizeof(rec->comm));
	es_format_json_filename(w, &r->view);
	es_json_member_bool(w, "argv_truncated", es_argv_truncated(&r->view));
	es_json_member_uint(w, "execveat_flags", rec->execveat_flags);
	es_json_key(w, "ret");
	es_json_int(w, rec->ret);
	es_format_json_fileless(w, &r->fileless);
	es_format_json_exe(w, &r->exe);
	es_json_member_uint(w, "path_misses", rec->path_misses);
	es_format_json_ancestors(w, r);
	es_format_json_context(w, r);
	es_json_object_end(w);
}

int es_format_ecs_exec(FILE *f, const struct es_host_ident *host, const struct es_exec_report *r,
		       int64_t wall_ns)
{
	bool failed = r->view.rec->hdr.type == ES_RECORD_EXEC_FAILURE;
	const struct ecs_event e = { .kind = "event",
				     .category = "process",
				     .type = "start",
				     .action = "exec",
				     .outcome = failed ? "failure" : "success" };
	struct es_json_writer w;

	es_json_writer_init(&w, f);
	head(&w, host, wall_ns, &e);
	exec_process(&w, host, r);
	exec_user(&w, r->view.rec);
	if (r->container.runtime) {
		es_json_key(&w, "container");
		es_json_object_begin(&w);
		es_json_member_string(&w, "id", r->container.id);
		es_json_member_string(&w, "runtime", r->container.runtime);
		es_json_object_end(&w);
	}
	exec_execsensor(&w, r);
	return es_format_json_finish(&w);
}

int es_format_ecs_lineage(FILE *f, const struct es_host_ident *host,
			  const struct es_lineage_report *r, int64_t wall_ns)
{
	bool fork = r->type == ES_RECORD_FORK;
	const struct ecs_event e = { .kind = "event",
				     .category = "process",
				     .type = fork ? "start" : "end",
				     .action = fork ? "fork" : "exit",
				     .outcome = fork ? "success" : NULL };
	struct es_json_writer w;
	int code;

	es_json_writer_init(&w, f);
	head(&w, host, wall_ns, &e);
	es_json_key(&w, "process");
	es_json_object_begin(&w);
	process_identity(&w, host, r->pid, &r->start);
	process_image(&w, r->exe);
	if (!fork) {
		member_time(&w, "end", wall_ns);
		if (es_lineage_exit_code(r, &code))
			es_json_member_uint(&w, "exit_code", (uint64_t)code);
	}
	/* A fork's child runs its parent's image until it execs. */
	parent_ecs(&w, host, r->ppid, &r->parent_start, fork ? r->exe : NULL);
	es_json_object_end(&w);
	es_json_key(&w, "execsensor");
	es_json_object_begin(&w);
	if (fork)
		es_json_member_bool(&w, "maybe_thread", r->maybe_thread);
	else
		es_format_json_signal(&w, r);
	es_json_object_end(&w);
	return es_format_json_finish(&w);
}

/* execsensor.KIND: a startup or stats record's own members, apart from the other kinds'. */
static void kind_begin(struct es_json_writer *w, const char *kind)
{
	es_json_key(w, "execsensor");
	es_json_object_begin(w);
	es_json_key(w, kind);
	es_json_object_begin(w);
}

static int kind_end(struct es_json_writer *w)
{
	es_json_object_end(w);
	es_json_object_end(w);
	return es_format_json_finish(w);
}

int es_format_ecs_startup(FILE *f, const struct es_host_ident *host,
			  const struct es_startup_host *sh, const struct es_loader_info *info,
			  int64_t wall_ns)
{
	const struct ecs_event e = { .kind = "state", .action = "startup" };
	struct es_json_writer w;

	es_json_writer_init(&w, f);
	head(&w, host, wall_ns, &e);
	kind_begin(&w, "startup");
	es_format_json_startup_members(&w, sh, info);
	return kind_end(&w);
}

int es_format_ecs_stats(FILE *f, const struct es_host_ident *host, const struct es_agent_stats *s,
			bool final, int64_t wall_ns)
{
	const struct ecs_event e = { .kind = "metric", .action = "stats" };
	struct es_json_writer w;

	es_json_writer_init(&w, f);
	head(&w, host, wall_ns, &e);
	kind_begin(&w, "stats");
	es_format_json_stats_members(&w, s, final);
	return kind_end(&w);
}
