// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Each refuted group's part of a record dropped (scrub.h): an exec record's
 * fixed part is changed in the typed record's own copy, its strings by the
 * view's lengths; fork and exit records are copies already.
 */
#include <string.h>

#include "scrub.h"

/* A fork record not to be used: no child (the agent skips it). */
static bool fork_child_unknown(struct es_fork_record *r)
{
	r->hdr.pid = 0;
	r->hdr.tid = 0;
	r->hdr.flags |= ES_FORK_F_KIND_UNKNOWN;
	return true;
}

/*
 * A record read with refuted TASK_OFFSETS: an exec or failure record's
 * parent dropped, a fork record whose child was told from a thread unused.
 */
bool es_scrub_kernel_ppid(struct es_record *r)
{
	struct es_exec_record *rec;

	if (r->kind == ES_RECORD_KIND_FORK)
		return !(r->fork.hdr.flags & ES_FORK_F_KIND_UNKNOWN) && /* made without them */
		       fork_child_unknown(&r->fork);
	if (r->kind != ES_RECORD_KIND_EXEC || !(r->exec.rec->hdr.flags & ES_EXEC_F_PPID_KERNEL))
		return false;
	rec = es_record_exec_edit(r);
	rec->hdr.flags &= ~ES_EXEC_F_PPID_KERNEL;
	rec->ppid = 0;
	return true;
}

/* An exec record (not a failure's) with none of @flags. */
static bool exec_without(const struct es_record *r, uint32_t flags)
{
	return r->kind == ES_RECORD_KIND_EXEC && r->exec.rec->hdr.type == ES_RECORD_EXEC &&
	       !(r->exec.rec->hdr.flags & flags);
}

/* A record whose argv came from the new mm, with refuted EXEC_OFFSETS: its argv dropped. */
bool es_scrub_image_argv(struct es_record *r)
{
	struct es_exec_record *rec;

	if (!exec_without(r, ES_EXEC_F_ARGV_ENTRY | ES_EXEC_F_ARGV_ABSENT))
		return false;
	rec = es_record_exec_edit(r);
	rec->hdr.flags &= ~(ES_EXEC_F_ARGV_TRUNCATED | ES_EXEC_F_ARGV_FAULT);
	rec->hdr.flags |= ES_EXEC_F_ARGV_ABSENT;
	rec->args_len = 0;
	r->exec.args_len = 0;
	return true;
}

/* A record with refuted EXE_OFFSETS: its exe dropped. */
bool es_scrub_exe(struct es_record *r)
{
	struct es_exec_record *rec;

	if (!exec_without(r, ES_EXEC_F_EXE_ABSENT))
		return false;
	rec = es_record_exec_edit(r);
	rec->hdr.flags &= ~(ES_EXEC_F_EXE_FAULT | ES_EXEC_F_EXE_TRUNCATED | ES_EXEC_F_EXE_PSEUDO);
	rec->hdr.flags |= ES_EXEC_F_EXE_ABSENT;
	rec->exe_ino = 0;
	rec->exe_dev = 0;
	rec->exe_nlink = 0;
	rec->exe_path_len = 0;
	r->exec.exe_len = 0;
	return true;
}

/* An exit record read with refuted EXIT_OFFSETS: its status dropped. */
bool es_scrub_exit_code(struct es_record *r)
{
	struct es_exit_record *x = &r->exit;

	if (r->kind != ES_RECORD_KIND_EXIT || !(x->hdr.flags & ES_EXIT_F_CODE))
		return false;
	x->hdr.flags = (x->hdr.flags & ~ES_EXIT_F_CODE) | ES_EXIT_F_LEADER;
	x->exit_code = 0;
	return true;
}

/* A record read with a refuted context group: the parts it gave (@parts) dropped. */
static bool scrub_context(struct es_record *r, uint32_t parts)
{
	struct es_exec_context *c;

	if (!exec_without(r, 0) || !(r->exec.rec->ctx.present & parts))
		return false;
	c = &es_record_exec_edit(r)->ctx;
	c->present &= ~parts;
	if (parts & ES_CTX_F_CREDS) {
		c->present &= ~(ES_CTX_F_PRIV_KNOWN | ES_CTX_F_PRIV_RAISED);
		c->euid = c->suid = c->fsuid = c->egid = c->sgid = c->fsgid = 0;
		c->cap_permitted = c->cap_effective = 0;
	}
	if (parts & ES_CTX_F_AUDIT)
		c->auid = c->session = 0;
	if (parts & ES_CTX_F_TTY)
		memset(c->tty, 0, sizeof(c->tty));
	if (parts & ES_CTX_F_NS)
		c->ns_mnt = c->ns_net = c->ns_user = c->ns_uts = c->ns_ipc = c->ns_cgroup = 0;
	if (parts & ES_CTX_F_PIDNS)
		c->ns_pid = c->vpid = 0;
	return true;
}

bool es_scrub_creds(struct es_record *r)
{
	return scrub_context(r, ES_CTX_F_CREDS);
}

bool es_scrub_audit(struct es_record *r)
{
	return scrub_context(r, ES_CTX_F_AUDIT);
}

bool es_scrub_tty(struct es_record *r)
{
	return scrub_context(r, ES_CTX_F_TTY | ES_CTX_F_TTY_TRUNCATED);
}

bool es_scrub_ns(struct es_record *r)
{
	return scrub_context(r, ES_CTX_F_NS);
}

bool es_scrub_pidns(struct es_record *r)
{
	return scrub_context(r, ES_CTX_F_PIDNS);
}

/* A fork record stamped with refuted FORK_OFFSETS: its time is not the child's start. */
bool es_scrub_fork_time(struct es_record *r)
{
	if (r->kind != ES_RECORD_KIND_FORK || !(r->fork.hdr.flags & ES_FORK_F_START_TIME))
		return false;
	r->fork.hdr.flags &= ~ES_FORK_F_START_TIME;
	return fork_child_unknown(&r->fork);
}
