// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The context groups' oracle (selftest_context.h): the loader's own ids,
 * capability bounds, audit login, terminal and namespace inodes.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "selftest_context.h"

static const char *const ns_names[ES_NS__MAX] = {
	[ES_NS_MNT] = "mnt", [ES_NS_NET] = "net",	[ES_NS_USER] = "user", [ES_NS_UTS] = "uts",
	[ES_NS_IPC] = "ipc", [ES_NS_CGROUP] = "cgroup", [ES_NS_PID] = "pid",
};

/* The first line of @dir/@name as an unsigned number: 0, or -1. */
static int read_u32_file(const char *dir, const char *name, uint32_t *out)
{
	char path[PATH_MAX], line[32], *end;
	unsigned long v;
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "re");
	if (!f)
		return -1;
	ok = fgets(line, sizeof(line), f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	v = strtoul(line, &end, 10);
	if (end == line || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* CapBnd | CapInh | CapAmb from @dir/status: an exec without file caps stays inside them. */
static int read_caps_allowed(const char *dir, uint64_t *out)
{
	char path[PATH_MAX], line[256];
	unsigned long long v;
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/status", dir);
	f = fopen(path, "re");
	if (!f)
		return -1;
	*out = 0;
	while (fgets(line, sizeof(line), f)) {
		if ((sscanf(line, "CapBnd: %llx", &v) == 1 ||
		     sscanf(line, "CapInh: %llx", &v) == 1 ||
		     sscanf(line, "CapAmb: %llx", &v) == 1)) {
			*out |= v;
			found++;
		}
	}
	fclose(f);
	return found ? 0 : -1;
}

/* The controlling terminal (stat's tty_nr) named as the kernel does, through fd 0-2. */
static bool read_tty(const char *dir, char *tty, size_t size)
{
	char path[PATH_MAX], buf[1024], link[PATH_MAX], *p;
	unsigned long long tty_nr;
	struct stat st;
	ssize_t n;
	int fd, i;

	tty[0] = '\0';
	snprintf(path, sizeof(path), "%s/stat", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* comm may hold anything */
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %llu", &tty_nr) != 1)
		return false;
	if (!tty_nr)
		return true;
	for (i = 0; i <= 2; i++) {
		snprintf(path, sizeof(path), "%s/fd/%d", dir, i);
		if (stat(path, &st) || !S_ISCHR(st.st_mode) || st.st_rdev != tty_nr)
			continue;
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 5 || strncmp(link, "/dev/", 5))
			continue;
		link[n] = '\0';
		/* "/dev/pts/3" is "pts3" to the kernel, "/dev/ttyS0" "ttyS0". */
		p = strchr(link + 5, '/');
		if (p)
			memmove(p, p + 1, strlen(p));
		if (strlen(link + 5) >= size)
			return false;
		memcpy(tty, link + 5, strlen(link + 5) + 1);
		return true;
	}
	return false;
}

void es_selftest_context_want_read(struct es_selftest_context_want *w, const char *proc_self)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;
	char path[PATH_MAX];
	struct stat st;
	int i;

	memset(w, 0, sizeof(*w));
	if (!getresuid(&ruid, &euid, &suid) && !getresgid(&rgid, &egid, &sgid) &&
	    !read_caps_allowed(proc_self, &w->caps_allowed)) {
		w->ids_known = true;
		/* An exec sets saved ids to the effective ones (execve(2)). */
		w->euid = w->suid = euid;
		w->egid = w->sgid = egid;
	}
	w->audit_known = !read_u32_file(proc_self, "loginuid", &w->auid) &&
			 !read_u32_file(proc_self, "sessionid", &w->session);
	w->tty_known = read_tty(proc_self, w->tty, sizeof(w->tty));
	for (i = 0; i < ES_NS__MAX; i++) {
		snprintf(path, sizeof(path), "%s/ns/%s", proc_self, ns_names[i]);
		w->ns_known[i] = !stat(path, &st) && st.st_ino <= UINT32_MAX;
		w->ns[i] = (uint32_t)st.st_ino;
	}
}

static int check_creds(const struct es_selftest_context_want *w, const struct es_exec_context *c)
{
	if (!w->ids_known)
		return -1;
	return (c->present & ES_CTX_F_CREDS) && c->euid == w->euid && c->suid == w->suid &&
	       c->fsuid == w->euid && c->egid == w->egid && c->sgid == w->sgid &&
	       c->fsgid == w->egid && !(c->cap_permitted & ~w->caps_allowed) &&
	       !(c->cap_effective & ~c->cap_permitted);
}

static int check_ns(const struct es_selftest_context_want *w, const struct es_exec_context *c)
{
	const uint32_t got[] = { c->ns_mnt, c->ns_net, c->ns_user,
				 c->ns_uts, c->ns_ipc, c->ns_cgroup };
	size_t i;

	for (i = 0; i < sizeof(got) / sizeof(got[0]); i++) {
		if (!w->ns_known[i])
			return -1;
		if (got[i] != w->ns[i])
			return 0;
	}
	return !!(c->present & ES_CTX_F_NS);
}

int es_selftest_context_check(const struct es_selftest_context_want *w,
			      const struct es_exec_context *ctx, uint32_t pid,
			      enum es_offset_group_id id, const char **what)
{
	switch (id) {
	case ES_OFFSET_GROUP_CRED:
		*what = "creds";
		return check_creds(w, ctx);
	case ES_OFFSET_GROUP_AUDIT:
		*what = "auid and session";
		if (!w->audit_known)
			return -1;
		return (ctx->present & ES_CTX_F_AUDIT) && ctx->auid == w->auid &&
		       ctx->session == w->session;
	case ES_OFFSET_GROUP_TTY:
		*what = "tty";
		if (!w->tty_known)
			return -1;
		return (ctx->present & ES_CTX_F_TTY) &&
		       !strncmp(ctx->tty, w->tty, sizeof(ctx->tty));
	case ES_OFFSET_GROUP_NS:
		*what = "namespaces";
		return check_ns(w, ctx);
	case ES_OFFSET_GROUP_PIDNS:
		*what = "pid namespace and vpid";
		if (!w->ns_known[ES_NS_PID])
			return -1;
		/* The loader runs in the kernel's own numbering (checked before): vpid is pid. */
		return (ctx->present & ES_CTX_F_PIDNS) && ctx->ns_pid == w->ns[ES_NS_PID] &&
		       ctx->vpid == pid;
	default:
		*what = "?";
		return -1;
	}
}
