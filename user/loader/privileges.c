// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "privileges.h"

/* Older uapi headers lack the 5.8 capabilities; their numbers are ABI. */
#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static int effective_caps(uint64_t *caps)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	*caps = (uint64_t)data[1].effective << 32 | data[0].effective;
	return 0;
}

static int has(uint64_t caps, int cap)
{
	return !!(caps & (1ULL << cap));
}

int es_privileges_check(char *missing, size_t size)
{
	uint64_t caps = 0;
	int err;

	missing[0] = '\0';
	err = effective_caps(&caps);
	if (err)
		return err;
	if (has(caps, CAP_SYS_ADMIN) || (has(caps, CAP_BPF) && has(caps, CAP_PERFMON)))
		return 0;
	snprintf(missing, size, "%s%s%s", has(caps, CAP_BPF) ? "" : "CAP_BPF",
		 !has(caps, CAP_BPF) && !has(caps, CAP_PERFMON) ? " " : "",
		 has(caps, CAP_PERFMON) ? "" : "CAP_PERFMON");
	return -EPERM;
}

int es_privileges_can_read_all_exe(void)
{
	uint64_t caps = 0;

	return !effective_caps(&caps) && has(caps, CAP_SYS_PTRACE);
}
