// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "fileless.h"

static const char *const default_executors[] = {
	"/usr/lib/systemd/systemd-executor",
	"/lib/systemd/systemd-executor",
};

static const char *const default_managers[] = {
	"/usr/lib/systemd/systemd",
	"/lib/systemd/systemd",
};

static int allowlist_push(struct es_fileless_allowlist *list, enum es_fileless_list which,
			  const char *path)
{
	char **paths = list->paths[which];
	size_t i, cnt = list->cnt[which];

	for (i = 0; i < cnt; i++)
		if (!strcmp(paths[i], path))
			return 0;
	paths = realloc(paths, (cnt + 1) * sizeof(*paths));
	if (!paths)
		return -ENOMEM;
	list->paths[which] = paths;
	paths[cnt] = strdup(path);
	if (!paths[cnt])
		return -ENOMEM;
	list->cnt[which]++;
	return 0;
}

int es_fileless_allowlist_add(struct es_fileless_allowlist *list, enum es_fileless_list which,
			      const char *path)
{
	char *canon;
	int err;

	err = allowlist_push(list, which, path);
	if (err)
		return err;
	canon = realpath(path, NULL);
	if (!canon)
		return 0; /* not there (yet): the literal path still counts */
	err = allowlist_push(list, which, canon);
	free(canon);
	return err;
}

static int add_all(struct es_fileless_allowlist *list, enum es_fileless_list which,
		   const char *const *paths, size_t cnt)
{
	size_t i;
	int err;

	for (i = 0; i < cnt; i++) {
		err = es_fileless_allowlist_add(list, which, paths[i]);
		if (err)
			return err;
	}
	return 0;
}

int es_fileless_allowlist_init(struct es_fileless_allowlist *list)
{
	int err;

	memset(list, 0, sizeof(*list));
	err = add_all(list, ES_FILELESS_EXECUTORS, default_executors,
		      sizeof(default_executors) / sizeof(default_executors[0]));
	return err ? err
		   : add_all(list, ES_FILELESS_MANAGERS, default_managers,
			     sizeof(default_managers) / sizeof(default_managers[0]));
}

void es_fileless_allowlist_free(struct es_fileless_allowlist *list)
{
	size_t i;
	int w;

	for (w = 0; w < ES_FILELESS__LISTS; w++) {
		for (i = 0; i < list->cnt[w]; i++)
			free(list->paths[w][i]);
		free(list->paths[w]);
	}
	memset(list, 0, sizeof(*list));
}

/*
 * The file at @path is (@dev, @ino), and is not a mount of its own: a file
 * bind-mounted over the path (in the agent's mount namespace, which sees the
 * host's) is not the one the package put there.
 */
static bool file_at(const char *path, uint64_t dev, uint64_t ino)
{
	struct statx stx;

	if (statx(AT_FDCWD, path, 0, STATX_INO, &stx) || !(stx.stx_mask & STATX_INO))
		return false;
	if ((stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
	    (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
		return false;
	return makedev(stx.stx_dev_major, stx.stx_dev_minor) == dev && stx.stx_ino == ino;
}

bool es_fileless_allowed(const struct es_fileless_allowlist *list, enum es_fileless_list which,
			 const char *path, uint64_t dev, uint64_t ino)
{
	size_t i;

	for (i = 0; i < list->cnt[which]; i++) {
		if (!strcmp(list->paths[which][i], path))
			return file_at(path, dev, ino);
	}
	return false;
}

void es_fileless_gate_limit(struct es_fileless_allowlist *list, const char *exe_reason,
			    bool lineage)
{
	if (exe_reason)
		snprintf(list->limit, sizeof(list->limit),
			 "the exe is unknown (%s): every fileless exec alerts", exe_reason);
	else if (!lineage)
		snprintf(list->limit, sizeof(list->limit),
			 "no process table (--no-lineage): which process forked an exec's "
			 "process is unknown, every fileless exec alerts");
	else
		list->limit[0] = '\0';
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

bool es_fileless_argv_user(const char *argv, size_t len)
{
	size_t pos = 0, n;

	while (pos < len) {
		n = strnlen(argv + pos, len - pos);
		if (n == 6 && !memcmp(argv + pos, "--user", 6))
			return true;
		pos += n + 1;
	}
	return false;
}

enum es_fileless_manager es_fileless_judge(uint32_t pid, bool user, enum es_fileless_manager forker)
{
	if (pid == 1)
		return ES_FILELESS_SYSTEM_MANAGER;
	if (user && forker == ES_FILELESS_SYSTEM_MANAGER)
		return ES_FILELESS_USER_MANAGER;
	return ES_FILELESS_NOT_MANAGER;
}

const char *es_fileless_verdict_name(enum es_fileless_verdict v)
{
	switch (v) {
	case ES_FILELESS_ALERT:
		return "alert";
	case ES_FILELESS_SUPPRESSED:
		return "suppressed";
	default:
		return NULL;
	}
}

const char *es_fileless_failed_name(enum es_fileless_failed f)
{
	static const char *const names[] = {
		[ES_FILELESS_EXE_UNKNOWN] = "exe unknown",
		[ES_FILELESS_NOT_ON_DISK] = "not on disk",
		[ES_FILELESS_NOT_EXECUTOR] = "not an allowlisted executor",
		[ES_FILELESS_FORK_UNKNOWN] = "fork unknown",
		[ES_FILELESS_NOT_FORKED_BY_MANAGER] = "not forked by a service manager",
		[ES_FILELESS_NOT_FIRST_EXEC] = "not the first exec since the fork",
		[ES_FILELESS_REPARENTED] = "re-parented",
	};

	return f > ES_FILELESS_MET && f <= ES_FILELESS_REPARENTED ? names[f] : NULL;
}

const char *es_fileless_manager_name(enum es_fileless_manager m)
{
	return m == ES_FILELESS_SYSTEM_MANAGER ? "system"
	       : m == ES_FILELESS_USER_MANAGER ? "user"
					       : NULL;
}

static void append(char *buf, size_t size, const char *text)
{
	size_t len = strnlen(buf, size);

	if (len + 1 < size)
		snprintf(buf + len, size - len, "%s%s", len ? ", " : "", text);
}

static enum es_fileless_fact fact(bool known, bool value)
{
	return !known ? ES_FACT_UNKNOWN : value ? ES_FACT_YES : ES_FACT_NO;
}

/* Every fact, and the first condition they leave unmet. */
static void establish(const struct es_fileless_allowlist *list, const struct es_fileless_input *in,
		      struct es_fileless_result *out)
{
	bool manager;

	out->executor =
		fact(in->exe, in->exe && !in->exe_truncated &&
				      es_fileless_allowed(list, ES_FILELESS_EXECUTORS, in->exe,
							  in->exe_dev, in->exe_ino));
	out->on_disk = fact(in->exe, in->exe_nlink >= 1 && !in->exe_memfd);
	out->forked_by_known = in->forked_by_known;
	out->forked_by = in->forked_by;
	out->manager = in->forked_by_known ? in->forker : ES_FILELESS_UNJUDGED;
	out->first_exec = fact(in->forked_by_known, !in->execed_since_fork);
	out->parent = in->forker_exe;
	manager = out->manager == ES_FILELESS_SYSTEM_MANAGER ||
		  out->manager == ES_FILELESS_USER_MANAGER;

	if (out->executor == ES_FACT_UNKNOWN)
		out->failed = ES_FILELESS_EXE_UNKNOWN;
	else if (out->on_disk != ES_FACT_YES)
		out->failed = ES_FILELESS_NOT_ON_DISK;
	else if (out->executor != ES_FACT_YES)
		out->failed = ES_FILELESS_NOT_EXECUTOR;
	else if (!in->forked_by_known)
		out->failed = ES_FILELESS_FORK_UNKNOWN;
	else if (!manager)
		out->failed = ES_FILELESS_NOT_FORKED_BY_MANAGER;
	else if (out->first_exec != ES_FACT_YES)
		out->failed = ES_FILELESS_NOT_FIRST_EXEC;
	else if (in->ppid_known && in->ppid != in->forked_by)
		out->failed = ES_FILELESS_REPARENTED;
	else
		out->failed = ES_FILELESS_MET;
}

/* The gate's finding in words, after "; gate: ". */
static void finding(const struct es_fileless_input *in, const struct es_fileless_result *out,
		    char *buf, size_t size)
{
	const char *manager = out->manager == ES_FILELESS_USER_MANAGER ? "a user" : "the system";

	switch (out->failed) {
	case ES_FILELESS_MET:
		snprintf(buf, size,
			 "exe %s is an allowlisted executor on disk, the first exec of a process "
			 "%s manager (pid %u) forked, suppressed",
			 in->exe, manager, in->forked_by);
		break;
	case ES_FILELESS_EXE_UNKNOWN:
		snprintf(buf, size, "exe unknown, cannot suppress");
		break;
	case ES_FILELESS_NOT_ON_DISK:
		snprintf(buf, size, "exe %s is not a file on disk, not suppressed", in->exe);
		break;
	case ES_FILELESS_NOT_EXECUTOR:
		snprintf(buf, size, "exe %s is not an allowlisted executor, not suppressed",
			 in->exe);
		break;
	case ES_FILELESS_FORK_UNKNOWN:
		snprintf(buf, size, "no fork record of the process, cannot suppress");
		break;
	case ES_FILELESS_NOT_FORKED_BY_MANAGER:
		snprintf(buf, size, "forked by pid %u (%s), not a service manager, not suppressed",
			 in->forked_by, in->forker_exe ? in->forker_exe : "exe unknown");
		break;
	case ES_FILELESS_NOT_FIRST_EXEC:
		snprintf(buf, size,
			 "not the first exec since %s manager (pid %u) forked the process, not "
			 "suppressed",
			 manager, in->forked_by);
		break;
	case ES_FILELESS_REPARENTED:
		snprintf(buf, size, "parent now pid %u, not pid %u that forked it, not suppressed",
			 in->ppid, in->forked_by);
		break;
	}
}

void es_fileless_evaluate(const struct es_fileless_allowlist *list,
			  const struct es_fileless_input *in, struct es_fileless_result *out)
{
	/* Both fit the reason: "WHY; gate: GATE". */
	char why[ES_FILELESS_REASON_MAX / 4] = "", gate[ES_FILELESS_REASON_MAX -
							ES_FILELESS_REASON_MAX / 4 - 8];

	if (in->execveat_flags & AT_EMPTY_PATH)
		append(why, sizeof(why), "execveat with AT_EMPTY_PATH (fexecve)");
	if (es_fileless_is_fd_path(in->filename, in->filename_len))
		append(why, sizeof(why), "filename is a file-descriptor path");
	if (in->exe && in->exe_memfd)
		append(why, sizeof(why), "image is a memfd");
	else if (in->exe && in->exe_nlink == 0)
		append(why, sizeof(why), "image is a deleted file");

	memset(out, 0, sizeof(*out));
	if (!why[0])
		return;
	establish(list, in, out);
	out->verdict = out->failed == ES_FILELESS_MET ? ES_FILELESS_SUPPRESSED : ES_FILELESS_ALERT;
	finding(in, out, gate, sizeof(gate));
	snprintf(out->reason, sizeof(out->reason), "%s; gate: %s", why, gate);
}
