// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "lockdown.h"

static const char *const lockdown_words[] = {
	[ES_LOCKDOWN_NONE] = "none",
	[ES_LOCKDOWN_INTEGRITY] = "integrity",
	[ES_LOCKDOWN_CONFIDENTIALITY] = "confidentiality",
};

int es_lockdown_read(const char *path, enum es_lockdown *state, char *raw, size_t raw_size)
{
	char buf[128], *open_br, *close_br;
	size_t i;
	ssize_t n;
	int fd;

	*state = ES_LOCKDOWN_UNKNOWN;
	if (raw_size)
		raw[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (raw_size) {
		strncpy(raw, buf, raw_size - 1);
		raw[raw_size - 1] = '\0';
	}
	open_br = strchr(buf, '[');
	close_br = open_br ? strchr(open_br, ']') : NULL;
	if (!close_br)
		return -EINVAL;
	*close_br = '\0';
	for (i = ES_LOCKDOWN_NONE; i < sizeof(lockdown_words) / sizeof(lockdown_words[0]); i++) {
		if (!strcmp(open_br + 1, lockdown_words[i])) {
			*state = (enum es_lockdown)i;
			return 0;
		}
	}
	return -EINVAL;
}
