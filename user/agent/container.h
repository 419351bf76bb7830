/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The container a cgroup v2 path names, from the runtimes' naming of their
 * cgroups (a table of patterns in container.c, one row per runtime and
 * driver). The innermost match wins (a container inside an lxc or nspawn
 * machine is the inner one). The monitors that runtimes put in cgroups of
 * their own (cri-o's and podman's conmon: crio-conmon-<id>.scope,
 * libpod-conmon-<id>.scope) are not containers: their processes run on the
 * host, outside the container they watch.
 */
#ifndef EXECSENSOR_CONTAINER_H
#define EXECSENSOR_CONTAINER_H

#include <stdbool.h>

struct es_container {
	const char *
		runtime; /* "docker", "containerd", "cri-o", "podman", "cri", "systemd-nspawn", "lxc" */
	char id[128]; /* the runtime's container id (64 hex digits), or the machine's name */
	char pod_uid[40]; /* the Kubernetes pod's uid ("" outside a pod), with its dashes */
};

/* Whether @path (NUL-terminated, any bytes) names a container; @out is filled when it does. */
bool es_container_parse(const char *path, struct es_container *out);

#endif /* EXECSENSOR_CONTAINER_H */
