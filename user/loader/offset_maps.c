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

struct offset_map {
	size_t skel_off; /* of the map's struct bpf_map * in struct execsensor_bpf */
	bool (*scrub)(void *copy, size_t size);
};

/* An exec record read with refuted TASK_OFFSETS: its parent dropped. */
static bool scrub_kernel_ppid(void *copy, size_t size)
{
	struct es_exec_event *e = copy;

	if (size < sizeof(*e) || e->hdr.type != ES_RECORD_EXEC ||
	    !(e->flags & ES_EXEC_F_PPID_KERNEL))
		return false;
	e->flags &= ~ES_EXEC_F_PPID_KERNEL;
	e->ppid = 0;
	return true;
}

/* An image record read with refuted EXEC_OFFSETS: its argv dropped. */
static bool scrub_image_argv(void *copy, size_t size)
{
	struct es_exec_image *img = copy;

	if (size < sizeof(*img) || img->hdr.type != ES_RECORD_EXEC_IMAGE ||
	    (img->flags & ES_IMAGE_F_ARGV_ABSENT))
		return false;
	img->flags &= ~(ES_IMAGE_F_ARGV_TRUNCATED | ES_IMAGE_F_ARGV_FAULT);
	img->flags |= ES_IMAGE_F_ARGV_ABSENT;
	img->args_size = 0;
	memset(img->args, 0, sizeof(img->args));
	return true;
}

static const struct offset_map offset_maps[ES_OFFSET_GROUP__MAX] = {
	[ES_OFFSET_GROUP_TASK] = { offsetof(struct execsensor_bpf, maps.TASK_OFFSETS),
				   scrub_kernel_ppid },
	[ES_OFFSET_GROUP_EXEC] = { offsetof(struct execsensor_bpf, maps.EXEC_OFFSETS),
				   scrub_image_argv },
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

bool es_offset_map_scrub(enum es_offset_group_id id, void *copy, size_t size)
{
	return offset_maps[id].scrub(copy, size);
}
