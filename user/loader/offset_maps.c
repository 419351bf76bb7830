// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Each offset group's BPF map, and what a refuted group takes out of the
 * records made with it. The table row names its group (an enum); the group
 * names its skeleton map here (a member of struct execsensor_bpf), so the
 * link from a field to the map it fills is typed, never a string compare.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "execsensor.skel.h"
#include "loader_internal.h"
#include "record.h"

struct offset_map {
	size_t skel_off; /* of the map's struct bpf_map * in struct execsensor_bpf */
	/* What a refuted group takes out of an exec or failure record, a fork or an exit record. */
	size_t (*scrub)(struct es_exec_record *r, size_t size);
	size_t (*scrub_fork)(struct es_fork_record *r);
	size_t (*scrub_exit)(struct es_exit_record *r);
};

/* A record read with refuted TASK_OFFSETS: its parent dropped. */
static size_t scrub_kernel_ppid(struct es_exec_record *r, size_t size)
{
	if (!(r->hdr.flags & ES_EXEC_F_PPID_KERNEL))
		return 0;
	r->hdr.flags &= ~ES_EXEC_F_PPID_KERNEL;
	r->ppid = 0;
	return size;
}

/* Remove @len bytes at @off of the record's strings; the record's new size. */
static size_t cut_strings(struct es_exec_record *r, size_t size, size_t off, size_t len)
{
	char *strings = (char *)(r + 1);
	size_t total = size - sizeof(*r);

	memmove(strings + off, strings + off + len, total - off - len);
	return size - len;
}

/* A record whose argv came from the new mm, with refuted EXEC_OFFSETS: its argv dropped. */
static size_t scrub_image_argv(struct es_exec_record *r, size_t size)
{
	size_t len = r->args_len;

	if (r->hdr.type != ES_RECORD_EXEC || (r->hdr.flags & ES_EXEC_F_ARGV_ENTRY) ||
	    (r->hdr.flags & ES_EXEC_F_ARGV_ABSENT))
		return 0;
	r->hdr.flags &= ~(ES_EXEC_F_ARGV_TRUNCATED | ES_EXEC_F_ARGV_FAULT);
	r->hdr.flags |= ES_EXEC_F_ARGV_ABSENT;
	r->args_len = 0;
	return cut_strings(r, size, r->filename_len, len);
}

/* A record with refuted EXE_OFFSETS: its exe dropped. */
static size_t scrub_exe(struct es_exec_record *r, size_t size)
{
	size_t len = r->exe_path_len;

	if (r->hdr.type != ES_RECORD_EXEC || (r->hdr.flags & ES_EXEC_F_EXE_ABSENT))
		return 0;
	r->hdr.flags &= ~(ES_EXEC_F_EXE_FAULT | ES_EXEC_F_EXE_TRUNCATED | ES_EXEC_F_EXE_PSEUDO);
	r->hdr.flags |= ES_EXEC_F_EXE_ABSENT;
	r->exe_ino = 0;
	r->exe_dev = 0;
	r->exe_nlink = 0;
	r->exe_path_len = 0;
	return cut_strings(r, size, (size_t)r->filename_len + r->args_len, len);
}

/* A fork record not to be used: no child (the agent skips it). */
static size_t fork_child_unknown(struct es_fork_record *r)
{
	r->hdr.pid = 0;
	r->hdr.tid = 0;
	r->hdr.flags |= ES_FORK_F_KIND_UNKNOWN;
	return sizeof(*r);
}

/* A fork record whose child was told from a thread with refuted TASK_OFFSETS. */
static size_t scrub_fork_child(struct es_fork_record *r)
{
	if (r->hdr.flags & ES_FORK_F_KIND_UNKNOWN)
		return 0; /* made without the offsets */
	return fork_child_unknown(r);
}

/* A fork record stamped with refuted FORK_OFFSETS: its time is not the child's start. */
static size_t scrub_fork_time(struct es_fork_record *r)
{
	if (!(r->hdr.flags & ES_FORK_F_START_TIME))
		return 0;
	r->hdr.flags &= ~ES_FORK_F_START_TIME;
	return fork_child_unknown(r);
}

/* An exit record read with refuted EXIT_OFFSETS: its status dropped. */
static size_t scrub_exit_code(struct es_exit_record *r)
{
	if (!(r->hdr.flags & ES_EXIT_F_CODE))
		return 0;
	r->hdr.flags = (r->hdr.flags & ~ES_EXIT_F_CODE) | ES_EXIT_F_LEADER;
	r->exit_code = 0;
	return sizeof(*r);
}

/* A record read with a refuted context group: the parts it gave (@parts) dropped. */
static size_t scrub_context(struct es_exec_record *r, size_t size, uint32_t parts)
{
	struct es_exec_context *c = &r->ctx;

	if (r->hdr.type != ES_RECORD_EXEC || !(c->present & parts))
		return 0;
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
	return size;
}

static size_t scrub_creds(struct es_exec_record *r, size_t size)
{
	return scrub_context(r, size, ES_CTX_F_CREDS);
}

static size_t scrub_audit(struct es_exec_record *r, size_t size)
{
	return scrub_context(r, size, ES_CTX_F_AUDIT);
}

static size_t scrub_tty(struct es_exec_record *r, size_t size)
{
	return scrub_context(r, size, ES_CTX_F_TTY | ES_CTX_F_TTY_TRUNCATED);
}

static size_t scrub_ns(struct es_exec_record *r, size_t size)
{
	return scrub_context(r, size, ES_CTX_F_NS);
}

static size_t scrub_pidns(struct es_exec_record *r, size_t size)
{
	return scrub_context(r, size, ES_CTX_F_PIDNS);
}

static const struct offset_map offset_maps[ES_OFFSET_GROUP__MAX] = {
	[ES_OFFSET_GROUP_TASK] = { offsetof(struct execsensor_bpf, maps.TASK_OFFSETS),
				   scrub_kernel_ppid, scrub_fork_child, NULL },
	[ES_OFFSET_GROUP_EXEC] = { offsetof(struct execsensor_bpf, maps.EXEC_OFFSETS),
				   scrub_image_argv },
	[ES_OFFSET_GROUP_EXE] = { offsetof(struct execsensor_bpf, maps.EXE_OFFSETS), scrub_exe },
	[ES_OFFSET_GROUP_EXIT] = { offsetof(struct execsensor_bpf, maps.EXIT_OFFSETS), NULL, NULL,
				   scrub_exit_code },
	[ES_OFFSET_GROUP_CRED] = { offsetof(struct execsensor_bpf, maps.CRED_OFFSETS),
				   scrub_creds },
	[ES_OFFSET_GROUP_AUDIT] = { offsetof(struct execsensor_bpf, maps.AUDIT_OFFSETS),
				    scrub_audit },
	[ES_OFFSET_GROUP_TTY] = { offsetof(struct execsensor_bpf, maps.TTY_OFFSETS), scrub_tty },
	[ES_OFFSET_GROUP_NS] = { offsetof(struct execsensor_bpf, maps.NS_OFFSETS), scrub_ns },
	[ES_OFFSET_GROUP_PIDNS] = { offsetof(struct execsensor_bpf, maps.PIDNS_OFFSETS),
				    scrub_pidns },
	[ES_OFFSET_GROUP_FORK] = { offsetof(struct execsensor_bpf, maps.FORK_OFFSETS), NULL,
				   scrub_fork_time, NULL },
};

static struct bpf_map *group_map(struct execsensor_bpf *skel, enum es_offset_group_id id)
{
	return *(struct bpf_map **)((char *)skel + offset_maps[id].skel_off);
}

int es_offset_map_write(struct execsensor_bpf *skel, enum es_offset_group_id id,
			const uint32_t *values)
{
	struct bpf_map *map = group_map(skel, id);
	uint32_t key;
	int err;

	for (key = 0; key < es_offset_groups[id].nkeys; key++) {
		err = bpf_map__update_elem(map, &key, sizeof(key), &values[key],
					   sizeof(values[key]), BPF_ANY);
		if (err)
			return err;
	}
	return 0;
}

int es_offset_map_check(struct execsensor_bpf *skel, enum es_offset_group_id id, char *why,
			size_t why_size)
{
	struct bpf_map *map = group_map(skel, id);
	const struct es_offset_group *g = &es_offset_groups[id];

	if (!strcmp(bpf_map__name(map), g->map) && bpf_map__max_entries(map) == g->nkeys &&
	    bpf_map__value_size(map) == sizeof(uint32_t))
		return 0;
	snprintf(why, why_size, "map %s has %u entries of %u bytes; the offset table's %s has %u",
		 bpf_map__name(map), bpf_map__max_entries(map), bpf_map__value_size(map), g->map,
		 g->nkeys);
	return -EPROTO;
}

size_t es_offset_map_scrub(enum es_offset_group_id id, void *copy, size_t size)
{
	const struct offset_map *m = &offset_maps[id];
	struct es_exec_view view;
	struct es_fork_record fork;
	struct es_exit_record exit;
	size_t scrubbed = 0;

	/* Only records whose lengths hold: they are the ones the programs made. */
	if (!es_exec_view_parse(copy, size, &view))
		return m->scrub ? m->scrub(copy, size) : 0;
	if (m->scrub_fork && !es_fork_record_read(copy, size, &fork)) {
		scrubbed = m->scrub_fork(&fork);
		memcpy(copy, &fork, sizeof(fork));
	} else if (m->scrub_exit && !es_exit_record_read(copy, size, &exit)) {
		scrubbed = m->scrub_exit(&exit);
		memcpy(copy, &exit, sizeof(exit));
	}
	return scrubbed;
}
