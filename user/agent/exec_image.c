// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <string.h>

#include "exec_image.h"

bool es_exec_image_matches(const struct es_exec_event *ev, const struct es_exec_image *img)
{
	return ev->hdr.pid == img->hdr.pid && ev->hdr.tid == img->old_pid;
}

static bool merge_filename(struct es_exec_event *ev, const struct es_exec_image *img)
{
	if (!(ev->flags & ES_EXEC_F_FILENAME_FAULT) && ev->filename[0])
		return false;
	if ((img->flags & ES_IMAGE_F_FILENAME_FAULT) || !img->filename[0])
		return false;
	/* Same size, same convention: NUL-terminated unless cut to the full length. */
	memcpy(ev->filename, img->filename, sizeof(ev->filename));
	ev->flags &= ~(ES_EXEC_F_FILENAME_FAULT | ES_EXEC_F_FILENAME_TRUNCATED);
	if (img->flags & ES_IMAGE_F_FILENAME_TRUNCATED)
		ev->flags |= ES_EXEC_F_FILENAME_TRUNCATED;
	return true;
}

static bool merge_argv(struct es_exec_event *ev, const struct es_exec_image *img)
{
	size_t size = img->args_size, pos = 0;
	bool truncated = img->flags & ES_IMAGE_F_ARGV_TRUNCATED;
	uint32_t argc = 0;
	const char *nul;

	if (!(ev->flags & ES_EXEC_F_ARGV_FAULT) && ev->argc)
		return false;
	if ((img->flags & (ES_IMAGE_F_ARGV_ABSENT | ES_IMAGE_F_ARGV_FAULT)) || !size)
		return false;
	if (size > sizeof(img->args)) {
		size = sizeof(img->args); /* a record that lies about its size */
		truncated = true;
	}
	/* Count the entries; a last one without its NUL was cut and still counts. */
	while (pos < size && argc < ES_ARGV_MAX) {
		nul = memchr(img->args + pos, '\0', size - pos);
		pos = nul ? (size_t)(nul - img->args) + 1 : size;
		truncated |= !nul;
		argc++;
	}
	if (pos < size) {
		size = pos; /* more than ES_ARGV_MAX entries: the first ones */
		truncated = true;
	}
	memcpy(ev->args, img->args, size);
	ev->args_size = (uint32_t)size;
	ev->argc = argc;
	ev->flags &= ~(ES_EXEC_F_ARGV_FAULT | ES_EXEC_F_ARGV_TRUNCATED);
	if (truncated)
		ev->flags |= ES_EXEC_F_ARGV_TRUNCATED;
	return true;
}

unsigned int es_exec_image_merge(struct es_exec_event *ev, const struct es_exec_image *img)
{
	unsigned int merged = 0;

	if (merge_filename(ev, img))
		merged |= ES_IMAGE_MERGED_FILENAME;
	if (merge_argv(ev, img))
		merged |= ES_IMAGE_MERGED_ARGV;
	return merged;
}
