// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Containers from cgroup paths (container.h). */
#include <string.h>

#include "container.h"

enum id_kind {
	ID_HEX64, /* exactly 64 lowercase hex digits: docker, containerd, cri-o, podman */
	ID_NAME, /* a machine or container name: 1 to 127 bytes */
};

/*
 * One naming pattern: a path component @prefix ID @suffix, or (@after set)
 * a component that is the ID itself after a component @after (or, with
 * @after_prefix, one starting with it); @first: the path's first component
 * must be this.
 */
struct pattern {
	const char *runtime;
	const char *prefix, *suffix;
	const char *after;
	bool after_prefix;
	const char *first;
	enum id_kind id;
};

static const struct pattern patterns[] = {
	/* systemd cgroup driver: scopes named by the runtime. */
	{ "docker", "docker-", ".scope", NULL, false, NULL, ID_HEX64 },
	{ "containerd", "cri-containerd-", ".scope", NULL, false, NULL, ID_HEX64 },
	{ "cri-o", "crio-", ".scope", NULL, false, NULL, ID_HEX64 },
	{ "podman", "libpod-", ".scope", NULL, false, NULL, ID_HEX64 },
	/* cgroupfs driver: the bare id under the runtime's or the pod's directory. */
	{ "docker", "", "", "docker", false, NULL, ID_HEX64 },
	{ "cri", "", "", "pod", true, "kubepods", ID_HEX64 },
	{ "podman", "", "", "libpod_parent", false, NULL, ID_HEX64 },
	/* Machines: named, not numbered. */
	{ "systemd-nspawn", "systemd-nspawn@", ".service", NULL, false, NULL, ID_NAME },
	{ "systemd-nspawn", "machine-", ".scope", NULL, false, "machine.slice", ID_NAME },
	{ "lxc", "lxc.payload.", "", NULL, false, NULL, ID_NAME },
	{ "lxc", "", "", "lxc", false, "lxc", ID_NAME },
};

struct component {
	const char *s;
	size_t len;
};

static bool id_ok(const char *s, size_t len, enum id_kind kind)
{
	size_t i;

	if (kind == ID_NAME)
		return len > 0 && len < sizeof(((struct es_container *)0)->id);
	if (len != 64)
		return false;
	for (i = 0; i < len; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return true;
}

static bool is(const struct component *c, const char *s)
{
	return c->len == strlen(s) && !memcmp(c->s, s, c->len);
}

static bool starts(const struct component *c, const char *s)
{
	return c->len > strlen(s) && !memcmp(c->s, s, strlen(s));
}

/* Whether component @i of @comps matches @p; its ID in @id, @id_len. */
static bool match(const struct pattern *p, const struct component *comps, size_t i, const char **id,
		  size_t *id_len)
{
	const struct component *c = &comps[i];
	size_t pre = strlen(p->prefix), suf = strlen(p->suffix);

	if (p->first && !is(&comps[0], p->first))
		return false;
	if (p->after) {
		if (!i || !(p->after_prefix ? starts(&comps[i - 1], p->after)
					    : is(&comps[i - 1], p->after)))
			return false;
	}
	if (c->len < pre + suf || memcmp(c->s, p->prefix, pre) ||
	    memcmp(c->s + c->len - suf, p->suffix, suf))
		return false;
	*id = c->s + pre;
	*id_len = c->len - pre - suf;
	return id_ok(*id, *id_len, p->id);
}

/*
 * The pod's uid: "pod<uid>" (cgroupfs driver) or "kubepods-...-pod<uid>.slice"
 * (systemd driver, dashes written as underscores).
 */
static void pod_uid(const struct component *comps, size_t n, char *out, size_t size)
{
	const struct component *c;
	const char *s;
	size_t i, k, len;

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		c = &comps[i];
		s = memmem(c->s, c->len, "-pod", 4);
		if (s)
			s++;
		else if (c->len > 3 && !memcmp(c->s, "pod", 3))
			s = c->s;
		else
			continue;
		len = c->len - (size_t)(s + 3 - c->s);
		if (len > 6 && !memcmp(s + 3 + len - 6, ".slice", 6))
			len -= 6;
		if (len != 36)
			continue; /* a uid is 36 bytes: 8-4-4-4-12 */
		for (k = 0; k < len && k + 1 < size; k++)
			out[k] = s[3 + k] == '_' ? '-' : s[3 + k];
		out[k] = '\0';
	}
}

#define COMPONENTS_MAX 64

bool es_container_parse(const char *path, struct es_container *out)
{
	struct component comps[COMPONENTS_MAX];
	const char *p = path, *end, *id;
	size_t n = 0, i, k, id_len;

	while (*p && n < COMPONENTS_MAX) {
		while (*p == '/')
			p++;
		end = strchrnul(p, '/');
		if (end > p)
			comps[n++] = (struct component){ p, (size_t)(end - p) };
		p = end;
	}
	if (*p || !n)
		return false; /* deeper than any runtime's naming, or empty */
	for (i = n; i-- > 0;) {
		for (k = 0; k < sizeof(patterns) / sizeof(patterns[0]); k++) {
			if (!match(&patterns[k], comps, i, &id, &id_len))
				continue;
			memset(out, 0, sizeof(*out));
			out->runtime = patterns[k].runtime;
			memcpy(out->id, id, id_len);
			pod_uid(comps, i, out->pod_uid, sizeof(out->pod_uid));
			return true;
		}
	}
	return false;
}
