// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Each offset group's BPF map, written and checked. The table row names its
 * group (an enum); the group's descriptor names its skeleton map (groups.c:
 * a member of struct execsensor_bpf), so the link from a field to the map it
 * fills is typed, never a string compare.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "execsensor.skel.h"
#include "groups.h"
#include "loader_internal.h"

static struct bpf_map *group_map(struct execsensor_bpf *skel, enum es_offset_group_id id)
{
	return *(struct bpf_map **)((char *)skel + es_loader_groups[id].skel_map);
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
