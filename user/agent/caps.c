// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Capability names (caps.h), as <linux/capability.h> numbers them. */
#include "caps.h"

static const char *const cap_names[] = {
	"cap_chown",
	"cap_dac_override",
	"cap_dac_read_search",
	"cap_fowner",
	"cap_fsetid",
	"cap_kill",
	"cap_setgid",
	"cap_setuid",
	"cap_setpcap",
	"cap_linux_immutable",
	"cap_net_bind_service",
	"cap_net_broadcast",
	"cap_net_admin",
	"cap_net_raw",
	"cap_ipc_lock",
	"cap_ipc_owner",
	"cap_sys_module",
	"cap_sys_rawio",
	"cap_sys_chroot",
	"cap_sys_ptrace",
	"cap_sys_pacct",
	"cap_sys_admin",
	"cap_sys_boot",
	"cap_sys_nice",
	"cap_sys_resource",
	"cap_sys_time",
	"cap_sys_tty_config",
	"cap_mknod",
	"cap_lease",
	"cap_audit_write",
	"cap_audit_control",
	"cap_setfcap",
	"cap_mac_override",
	"cap_mac_admin",
	"cap_syslog",
	"cap_wake_alarm",
	"cap_block_suspend",
	"cap_audit_read",
	"cap_perfmon",
	"cap_bpf",
	"cap_checkpoint_restore",
};

#define CAPS_NAMED (sizeof(cap_names) / sizeof(cap_names[0]))

const char *es_cap_name(unsigned int cap)
{
	return cap < CAPS_NAMED ? cap_names[cap] : NULL;
}

void es_caps_write(FILE *f, uint64_t caps)
{
	const uint64_t all = (1ull << CAPS_NAMED) - 1;
	const char *sep = "";
	unsigned int i;

	if (!caps) {
		fputs("none", f);
		return;
	}
	if (caps == all) {
		fputs("all", f);
		return;
	}
	for (i = 0; i < 64; i++) {
		if (!(caps & (1ull << i)))
			continue;
		if (es_cap_name(i))
			fprintf(f, "%s%s", sep, es_cap_name(i));
		else
			fprintf(f, "%scap_%u", sep, i);
		sep = ",";
	}
}
