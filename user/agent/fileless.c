// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileless.h"

static const char *const default_parents[] = {
	"/usr/lib/systemd/systemd",
	"/lib/systemd/systemd",
};

static int allowlist_push(struct es_fileless_allowlist *list, const char *path)
{
	char **paths;
	size_t i;

	for (i = 0; i < list->cnt; i++)
		if (!strcmp(list->paths[i], path))
			return 0;
	paths = realloc(list->paths, (list->cnt + 1) * sizeof(*paths));
	if (!paths)
		return -ENOMEM;
	list->paths = paths;
	paths[list->cnt] = strdup(path);
	if (!paths[list->cnt])
		return -ENOMEM;
	list->cnt++;
	return 0;
}

int es_fileless_allowlist_add(struct es_fileless_allowlist *list, const char *path)
{
	char *canon;
	int err;

	err = allowlist_push(list, path);
	if (err)
		return err;
	canon = realpath(path, NULL);
	if (!canon)
		return 0; /* not there (yet): the literal path still counts */
	err = allowlist_push(list, canon);
	free(canon);
	return err;
}

int es_fileless_allowlist_init(struct es_fileless_allowlist *list)
{
	size_t i;
	int err;

	memset(list, 0, sizeof(*list));
	for (i = 0; i < sizeof(default_parents) / sizeof(default_parents[0]); i++) {
		err = es_fileless_allowlist_add(list, default_parents[i]);
		if (err)
			return err;
	}
	return 0;
}

void es_fileless_allowlist_free(struct es_fileless_allowlist *list)
{
	size_t i;

	for (i = 0; i < list->cnt; i++)
		free(list->paths[i]);
	free(list->paths);
	memset(list, 0, sizeof(*list));
}

/* @s[0..len) starts with @prefix: the rest's offset, else 0. */
static size_t skip_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(s, prefix, n) ? n : 0;
}

/* Digits from @pos: the offset after them, or 0 when there are none. */
static size_t skip_digits(const char *s, size_t len, size_t pos)
{
	size_t start = pos;

	while (pos < len && s[pos] >= '0' && s[pos] <= '9')
		pos++;
	return pos > start ? pos : 0;
}

int es_fileless_is_fd_path(const char *s, size_t len)
{
	size_t pos;

	if ((pos = skip_prefix(s, len, "/dev/fd/")))
		goto fd_number;
	if (!(pos = skip_prefix(s, len, "/proc/")))
		return 0;
	if (len - pos >= 5 && !memcmp(s + pos, "self/", 5))
		pos += 5;
	else if (len - pos >= 12 && !memcmp(s + pos, "thread-self/", 12))
		pos += 12;
	else if ((pos = skip_digits(s, len, pos)) && pos < len && s[pos] == '/')
		pos++;
	else
		return 0;
	if (len - pos < 3 || memcmp(s + pos, "fd/", 3))
		return 0;
	pos += 3;
fd_number:
	pos = skip_digits(s, len, pos);
	return pos != 0 && pos == len;
}

int es_fileless_is_systemd_comm(const char *comm, size_t cap)
{
	size_t len = strnlen(comm, cap);

	return skip_prefix(comm, len, "systemd") || skip_prefix(comm, len, "(sd-");
}

static void append(char *buf, size_t size, const char *text)
{
	size_t len = strnlen(buf, size);

	if (len + 1 < size)
		snprintf(buf + len, size - len, "%s%s", len ? ", " : "", text);
}

static const char *allowed(const struct es_fileless_allowlist *list, const char *exe)
{
	size_t i;

	for (i = 0; i < list->cnt; i++)
		if (!strcmp(list->paths[i], exe))
			return list->paths[i];
	return NULL;
}

void es_fileless_evaluate(const struct es_fileless_allowlist *list,
			  const struct es_fileless_input *in, struct es_fileless_result *out)
{
	char why[ES_FILELESS_REASON_MAX / 2] = "";
	const char *gate;

	if (in->execveat_flags & AT_EMPTY_PATH)
		append(why, sizeof(why), "execveat with AT_EMPTY_PATH (fexecve)");
	if (es_fileless_is_fd_path(in->filename, in->filename_len))
		append(why, sizeof(why), "filename is a file-descriptor path");
	if (in->image_memfd)
		append(why, sizeof(why), "image is a memfd");
	else if (in->image_deleted)
		append(why, sizeof(why), "image is a deleted file");

	memset(out, 0, sizeof(*out));
	if (!why[0])
		return;
	out->parent = in->parent_exe;
	out->verdict = ES_FILELESS_ALERT;
	if (!es_fileless_is_systemd_comm(in->comm, in->comm_cap))
		gate = "comm is not systemd's, not suppressed";
	else if (!in->parent_exe)
		gate = "parent exe unknown, cannot suppress";
	else if (!allowed(list, in->parent_exe))
		gate = "parent exe not on the allowlist, not suppressed";
	else {
		gate = "systemd comm and allowlisted parent exe, suppressed";
		out->verdict = ES_FILELESS_SUPPRESSED;
	}
	snprintf(out->reason, sizeof(out->reason), "%s; gate: %s", why, gate);
}
