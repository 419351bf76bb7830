// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Containers from cgroup paths: one row per layout, as the runtimes name
 * their cgroups on real hosts (systemd and cgroupfs drivers: docker 20+,
 * containerd's CRI plugin and cri-o under the kubelet, podman 4 rootful and
 * rootless, systemd-nspawn, lxc 4+), the look-alikes that are not
 * containers, and hostile input.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "container.h"

#define H64  "3b1d1f7a9c2e4d5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b"
#define UID  "5b2c3c9a-0f8e-4d8a-9b1e-2a6f1d0c9e11"
#define UID_ "5b2c3c9a_0f8e_4d8a_9b1e_2a6f1d0c9e11"

struct row {
	const char *path;
	const char *runtime; /* NULL: not a container */
	const char *id;
	const char *pod_uid;
};

static const struct row rows[] = {
	{ "/system.slice/docker-" H64 ".scope", "docker", H64, "" },
	{ "/docker/" H64, "docker", H64, "" },
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_
	  ".slice/cri-containerd-" H64 ".scope",
	  "containerd", H64, UID },
	{ "/kubepods.slice/kubepods-pod" UID_ ".slice/crio-" H64 ".scope", "cri-o", H64, UID },
	{ "/kubepods/besteffort/pod" UID "/" H64, "cri", H64, UID },
	{ "/kubepods/pod" UID "/" H64, "cri", H64, UID },
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_
	  ".slice/docker-" H64 ".scope",
	  "docker", H64, UID },
	{ "/machine.slice/libpod-" H64 ".scope", "podman", H64, "" },
	{ "/machine.slice/libpod-" H64 ".scope/container", "podman", H64, "" },
	{ "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" H64 ".scope", "podman",
	  H64, "" },
	{ "/libpod_parent/" H64, "podman", H64, "" },
	{ "/machine.slice/systemd-nspawn@debian12.service/payload", "systemd-nspawn", "debian12",
	  "" },
	{ "/machine.slice/machine-debian12.scope", "systemd-nspawn", "debian12", "" },
	{ "/lxc.payload.web1/system.slice/cron.service", "lxc", "web1", "" },
	{ "/lxc/web1", "lxc", "web1", "" },
	/* Inside an lxc machine, a docker container: the inner one. */
	{ "/lxc.payload.web1/system.slice/docker-" H64 ".scope", "docker", H64, "" },
	/* Monitors and look-alikes. */
	{ "/machine.slice/libpod-conmon-" H64 ".scope", NULL, NULL, NULL },
	{ "/kubepods.slice/kubepods-pod" UID_ ".slice/crio-conmon-" H64 ".scope", NULL, NULL,
	  NULL },
	{ "/system.slice/docker.service", NULL, NULL, NULL },
	{ "/system.slice/containerd.service", NULL, NULL, NULL },
	{ "/system.slice/docker-" H64 ".scopex", NULL, NULL, NULL },
	{ "/system.slice/docker-3b1d1f7a9c2e4d5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3.scope",
	  NULL, NULL, NULL }, /* 63 digits */
	{ "/system.slice/docker-3B1D1F7A9C2E4D5F6A7B8C9D0E1F2A3B4C5D6E7F8091A2B3C4D5E6F708192A3B.scope",
	  NULL, NULL, NULL }, /* upper case */
	{ "/docker", NULL, NULL, NULL },
	{ "/" H64, NULL, NULL, NULL },
	{ "/user.slice/user-1000.slice/session-2.scope", NULL, NULL, NULL },
	{ "/lxc.payload.", NULL, NULL, NULL },
	{ "/", NULL, NULL, NULL },
	{ "", NULL, NULL, NULL },
};

START_TEST(paths_of_each_runtime)
{
	const struct row *r = &rows[_i];
	struct es_container c;
	bool found;

	memset(&c, 0x5a, sizeof(c));
	found = es_container_parse(r->path, &c);
	ck_assert_msg(found == (r->runtime != NULL), "%s: found %d", r->path, found);
	if (!found)
		return;
	ck_assert_str_eq(c.runtime, r->runtime);
	ck_assert_str_eq(c.id, r->id);
	ck_assert_str_eq(c.pod_uid, r->pod_uid);
}
END_TEST

/* Long, slash-only, unterminated-looking and random inputs: no crash, no read past the end. */
START_TEST(hostile_paths)
{
	struct es_container c;
	char *big = malloc(1 << 16);
	size_t i;

	ck_assert_ptr_nonnull(big);
	memset(big, '/', (1 << 16) - 1);
	big[(1 << 16) - 1] = '\0';
	ck_assert(!es_container_parse(big, &c));
	for (i = 0; i + 1 < (1 << 16); i++)
		big[i] = (i % 7) ? 'a' + (char)(i % 26) : '/';
	ck_assert(!es_container_parse(big, &c));
	memset(big, 'a', (1 << 16) - 1); /* one component of 64K bytes */
	ck_assert(!es_container_parse(big, &c));
	srand(1);
	for (i = 0; i < 20000; i++) {
		size_t k, len = (size_t)rand() % 200;

		for (k = 0; k < len; k++)
			big[k] = "/-.@_ab0f9pod"[rand() % 13];
		big[len] = '\0';
		es_container_parse(big, &c);
	}
	free(big);
}
END_TEST

int main(void)
{
	const struct es_check_case cases[] = {
		{ "paths", ES_CHECK_TESTS(paths_of_each_runtime),
		  .loops = sizeof(rows) / sizeof(rows[0]) },
		{ "hostile", ES_CHECK_TESTS(hostile_paths) },
		{ NULL },
	};

	return es_check_run("container", NULL, cases);
}
