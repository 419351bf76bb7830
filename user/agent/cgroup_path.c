// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Cgroup v2 ids to paths (cgroup_path.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup_path.h"

/* kernfs's file handle type (FILEID_KERNFS in <linux/exportfs.h>): the 64-bit id. */
#define FILEID_KERNFS 0xfe

/* Directories walked at most per lookup: a bound on a hostile or huge tree. */
#define WALK_BUDGET 100000

/* The mount point of the first cgroup2 mount in @mountinfo, into @out; 0 or -ENOENT. */
static int find_cgroup2(const char *mountinfo, char *out, size_t size)
{
	char line[4096], point[PATH_MAX], fstype[64];
	const char *sep;
	FILE *f = fopen(mountinfo, "re");
	int err = -ENOENT;

	if (!f)
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		/* "36 25 0:30 / /sys/fs/cgroup rw,... - cgroup2 cgroup2 rw" */
		sep = strstr(line, " - ");
		if (!sep || sscanf(sep + 3, "%63s", fstype) != 1 || strcmp(fstype, "cgroup2") ||
		    sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1)
			continue;
		if ((size_t)snprintf(out, size, "%s", point) < size)
			err = 0;
		break;
	}
	fclose(f);
	return err;
}

int es_cgroup_paths_init(struct es_cgroup_paths *c, const char *root)
{
	char mountinfo[PATH_MAX], point[PATH_MAX];

	memset(c, 0, sizeof(*c));
	c->mount_fd = -1;
	c->slots = calloc(ES_CGROUP_PATHS_SLOTS, sizeof(*c->slots));
	if (!c->slots)
		return -ENOMEM;
	snprintf(mountinfo, sizeof(mountinfo), "%s/proc/self/mountinfo", root);
	if (find_cgroup2(mountinfo, point, sizeof(point)) ||
	    (size_t)snprintf(c->mount, sizeof(c->mount), "%s%s", root, point) >= sizeof(c->mount)) {
		c->mount[0] = '\0';
		return 0;
	}
	c->mount_fd = open(c->mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* A real kernfs mount takes handles; a fixture (a plain directory) does not. */
	c->handles = c->mount_fd >= 0 && !root[0];
	return 0;
}

void es_cgroup_paths_free(struct es_cgroup_paths *c)
{
	size_t i;

	if (c->mount_fd >= 0)
		close(c->mount_fd);
	for (i = 0; c->slots && i < ES_CGROUP_PATHS_SLOTS; i++)
		free(c->slots[i].path);
	free(c->slots);
	c->slots = NULL;
}

/* The path under the mount of the directory open as @fd; 0 or -errno. */
static int fd_path(const struct es_cgroup_paths *c, int fd, char *out, size_t size)
{
	char link[64], full[PATH_MAX];
	size_t mlen = strlen(c->mount);
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, full, sizeof(full) - 1);
	if (n < 0)
		return -errno;
	full[n] = '\0';
	if (strncmp(full, c->mount, mlen) || (full[mlen] && full[mlen] != '/'))
		return -EXDEV; /* not under the mount we know */
	return (size_t)snprintf(out, size, "%s", full[mlen] ? full + mlen : "/") < size
		       ? 0
		       : -ENAMETOOLONG;
}

/* By file handle: the kernel finds the cgroup for us. 0, or -errno. */
static int by_handle(struct es_cgroup_paths *c, uint64_t id, char *out, size_t size)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h = { .fh = { .handle_bytes = sizeof(uint64_t), .handle_type = FILEID_KERNFS } };
	int fd, err;

	memcpy(h.fh.f_handle, &id, sizeof(id));
	fd = open_by_handle_at(c->mount_fd, &h.fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		if (err == -EPERM || err == -EOPNOTSUPP || err == -EINVAL)
			c->handles = false; /* no CAP_DAC_READ_SEARCH, or no kernfs handles */
		return err;
	}
	err = fd_path(c, fd, out, size);
	close(fd);
	return err;
}

/* Depth-first below @dir (a path of @len bytes in @buf) for the directory with inode @id. */
static int walk(char *buf, size_t len, size_t size, uint64_t id, unsigned int *budget)
{
	struct dirent *d;
	struct stat st;
	size_t n;
	DIR *dir;
	int found = -ENOENT;

	if (!(*budget)-- || !(dir = opendir(buf)))
		return -ENOENT;
	while (found && (d = readdir(dir))) {
		if (d->d_type != DT_DIR || !strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		n = strlen(d->d_name);
		if (len + 1 + n >= size)
			continue;
		buf[len] = '/';
		memcpy(buf + len + 1, d->d_name, n + 1);
		if (!stat(buf, &st) && S_ISDIR(st.st_mode) && st.st_ino == id)
			found = 0;
		else
			found = walk(buf, len + 1 + n, size, id, budget);
		if (found)
			buf[len] = '\0';
	}
	closedir(dir);
	return found;
}

/* By walking the tree: for a loader without CAP_DAC_READ_SEARCH. 0, or -ENOENT. */
static int by_walk(struct es_cgroup_paths *c, uint64_t id, char *out, size_t size)
{
	unsigned int budget = WALK_BUDGET;
	size_t mlen = strlen(c->mount);
	char buf[PATH_MAX];
	struct stat st;

	if (!stat(c->mount, &st) && st.st_ino == id)
		return snprintf(out, size, "/") < 0 ? -EINVAL : 0;
	memcpy(buf, c->mount, mlen + 1);
	if (walk(buf, mlen, sizeof(buf), id, &budget))
		return -ENOENT;
	return (size_t)snprintf(out, size, "%s", buf + mlen) < size ? 0 : -ENAMETOOLONG;
}

const char *es_cgroup_path(struct es_cgroup_paths *c, uint64_t id)
{
	struct es_cgroup_path_entry *e;
	char path[PATH_MAX];

	if (!id || !c->slots)
		return NULL;
	e = &c->slots[id & (ES_CGROUP_PATHS_SLOTS - 1)];
	if (e->id == id) {
		c->stats.hits++;
		return e->path;
	}
	c->stats.lookups++;
	e->id = id;
	free(e->path);
	e->path = NULL;
	if (!c->mount[0]) {
		c->stats.unknown++;
		return NULL;
	}
	if (c->handles && !by_handle(c, id, path, sizeof(path))) {
		c->stats.by_handle++;
		e->path = strdup(path);
	} else if (!by_walk(c, id, path, sizeof(path))) {
		c->stats.by_walk++;
		e->path = strdup(path);
	}
	if (!e->path)
		c->stats.unknown++; /* not found, or no memory for it */
	return e->path;
}
