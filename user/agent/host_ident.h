/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Which host the records come from, for the ECS format's host.* members:
 * its name and the kernel's boot id (a random UUID per boot), read once
 * when the output opens. The boot id also makes process identities
 * (process.entity_id) unique across hosts and reboots.
 */
#ifndef EXECSENSOR_HOST_IDENT_H
#define EXECSENSOR_HOST_IDENT_H

#include <sys/utsname.h>

#define ES_BOOT_ID_LEN 36 /* "88a1f0ed-5ae5-41ee-af6b-41921c311872" */

struct es_host_ident {
	char hostname[sizeof(((struct utsname *)0)->nodename)]; /* "" when unknown */
	char boot_id[ES_BOOT_ID_LEN + 1]; /* "" when unknown */
};

/*
 * uname()'s node name and @proc_root's sys/kernel/random/boot_id
 * ("/proc" but in tests). What cannot be read is left "".
 */
void es_host_ident_read(struct es_host_ident *h, const char *proc_root);

#endif /* EXECSENSOR_HOST_IDENT_H */
