// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "procfs.h"

#define STAT_FIELD_PPID	 4
#define STAT_FIELD_START 22
/* Field 2 is "(comm)"; fields after it are counted from the last ')'. */
#define STAT_FIRST_AFTER_COMM 3

static const char *memrmem(const char *hay, size_t hay_len, const char *needle, size_t len)
{
	size_t i;

	if (len > hay_len)
		return NULL;
	for (i = hay_len - len + 1; i-- > 0;)
		if (!memcmp(hay + i, needle, len))
			return hay + i;
	return NULL;
}

/* Parse decimal digits in [*p, end) into *val; at least one digit, no overflow. */
static int parse_u64(const char **p, const char *end, uint64_t *val)
{
	const char *s = *p;
	uint64_t v = 0;

	if (s >= end || *s < '0' || *s > '9')
		return -EINVAL;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*p = s;
	*val = v;
	return 0;
}

int es_procfs_parse_status_ppid(const char *buf, size_t len, uint32_t *ppid)
{
	static const char key[] = "\nPPid:";
	const char *p, *end = buf + len;
	uint64_t v;

	p = memrmem(buf, len, key, sizeof(key) - 1);
	if (!p)
		return -EINVAL;
	p += sizeof(key) - 1;
	while (p < end && (*p == '\t' || *p == ' '))
		p++;
	if (parse_u64(&p, end, &v) || v > INT_MAX)
		return -EINVAL;
	if (p >= end || *p != '\n')
		return -EINVAL;
	*ppid = (uint32_t)v;
	return 0;
}

int es_procfs_parse_stat(const char *buf, size_t len, struct es_procfs_stat *out)
{
	const char *p, *end = buf + len;
	uint64_t v;
	int field;

	p = memrmem(buf, len, ")", 1);
	if (!p)
		return -EINVAL;
	p++;
	for (field = STAT_FIRST_AFTER_COMM; field <= STAT_FIELD_START; field++) {
		if (p >= end || *p != ' ')
			return -EINVAL;
		p++;
		if (field == STAT_FIELD_PPID || field == STAT_FIELD_START) {
			if (parse_u64(&p, end, &v))
				return -EINVAL;
			if (field == STAT_FIELD_PPID) {
				if (v > INT_MAX)
					return -EINVAL;
				out->ppid = (uint32_t)v;
			} else {
				out->start_ticks = v;
			}
			continue;
		}
		/* Skip a field we do not need (state is a letter, others may be negative). */
		if (p >= end || *p == ' ')
			return -EINVAL;
		while (p < end && *p != ' ' && *p != '\n')
			p++;
	}
	return 0;
}

/* The length of a /proc tick (USER_HZ) in ns. */
static uint64_t tick_ns(void)
{
	static long hz;

	if (!hz) {
		hz = sysconf(_SC_CLK_TCK);
		if (hz <= 0)
			hz = 100;
	}
	return 1000000000ULL / (uint64_t)hz;
}

uint64_t es_procfs_ticks_to_ns(uint64_t ticks)
{
	return ticks * tick_ns();
}

uint64_t es_procfs_ns_to_ticks(uint64_t ns)
{
	return ns / tick_ns();
}

int es_procfs_open_pid(const char *root, uint32_t pid)
{
	char path[PATH_MAX];
	int fd, n;

	n = snprintf(path, sizeof(path), "%s/%u", root, pid);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int es_procfs_read(int dirfd, const char *name, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd, err = 0;

	if (size == 0)
		return -EINVAL;
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (err)
		return err;
	buf[len] = '\0';
	return (int)len;
}

int es_procfs_start_ns(int dirfd, uint64_t *start_ns)
{
	struct es_procfs_stat st;
	char buf[1024];
	int len;

	len = es_procfs_read(dirfd, "stat", buf, sizeof(buf));
	if (len < 0)
		return len;
	if (es_procfs_parse_stat(buf, (size_t)len, &st))
		return -EINVAL;
	*start_ns = es_procfs_ticks_to_ns(st.start_ticks);
	return 0;
}

int es_procfs_ppid(const char *root, uint32_t pid, uint64_t event_boot_ns, uint32_t *ppid)
{
	uint64_t start_ns;
	char buf[4096];
	int dirfd, len, err;

	dirfd = es_procfs_open_pid(root, pid);
	if (dirfd < 0)
		return dirfd;
	err = es_procfs_start_ns(dirfd, &start_ns);
	if (err)
		goto out;
	if (start_ns > event_boot_ns) {
		err = -ESTALE;
		goto out;
	}
	len = es_procfs_read(dirfd, "status", buf, sizeof(buf));
	if (len < 0) {
		err = len;
		goto out;
	}
	err = es_procfs_parse_status_ppid(buf, (size_t)len, ppid);
	/*
	 * The kernel prints PPid 0 for a task that is no longer alive (it has
	 * exited and is being reaped) and, among user processes, for init only:
	 * any other 0 means the process is gone, not that it has no parent.
	 */
	if (!err && !*ppid && pid != 1)
		err = -ESRCH;
out:
	close(dirfd);
	return err;
}
