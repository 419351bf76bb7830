// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The host's name and boot id (host_ident.h). */
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "host_ident.h"

/* A boot id is a UUID as the kernel prints it: lowercase hex and dashes, 36 bytes. */
static bool boot_id_valid(const char *s, size_t len)
{
	return len == ES_BOOT_ID_LEN && strspn(s, "0123456789abcdef-") == len;
}

static void read_boot_id(char *out, const char *proc_root)
{
	char path[PATH_MAX], buf[ES_BOOT_ID_LEN + 2];
	ssize_t n;
	int fd;

	out[0] = '\0';
	if (snprintf(path, sizeof(path), "%s/sys/kernel/random/boot_id", proc_root) >=
	    (int)sizeof(path))
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	if (buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (boot_id_valid(buf, (size_t)n))
		memcpy(out, buf, (size_t)n + 1);
}

void es_host_ident_read(struct es_host_ident *h, const char *proc_root)
{
	struct utsname uts;

	h->hostname[0] = '\0';
	if (!uname(&uts))
		snprintf(h->hostname, sizeof(h->hostname), "%s", uts.nodename);
	read_boot_id(h->boot_id, proc_root);
}
