// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The stable names of what the loader reports (loader_info.h). */
#include <errno.h>
#include <string.h>

#include "loader_info.h"

static const char *const attach_mode_names[] = {
	[ES_ATTACH_AUTO] = "auto",
	[ES_ATTACH_KPROBE] = "kprobe",
	[ES_ATTACH_TRACEPOINT] = "tracepoint",
};

const char *es_attach_mode_name(enum es_attach_mode mode)
{
	return mode <= ES_ATTACH_TRACEPOINT ? attach_mode_names[mode] : "unknown";
}

int es_attach_mode_parse(const char *name, enum es_attach_mode *mode)
{
	int i;

	for (i = ES_ATTACH_AUTO; i <= ES_ATTACH_TRACEPOINT; i++) {
		if (!strcmp(name, attach_mode_names[i])) {
			*mode = (enum es_attach_mode)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *es_lockdown_name(enum es_lockdown state)
{
	static const char *const names[] = {
		[ES_LOCKDOWN_UNKNOWN] = "unknown",
		[ES_LOCKDOWN_NONE] = "none",
		[ES_LOCKDOWN_INTEGRITY] = "integrity",
		[ES_LOCKDOWN_CONFIDENTIALITY] = "confidentiality",
	};

	return state <= ES_LOCKDOWN_CONFIDENTIALITY ? names[state] : "unknown";
}

const char *es_selftest_name(enum es_selftest result)
{
	static const char *const names[] = {
		[ES_SELFTEST_NOT_RUN] = "not run",
		[ES_SELFTEST_PASSED] = "passed",
		[ES_SELFTEST_NO_KERNEL_PPID] = "events only (no kernel ppid expected)",
		[ES_SELFTEST_MISMATCH] = "failed: kernel ppid disabled",
		[ES_SELFTEST_DISABLED] = "disabled",
	};

	return result <= ES_SELFTEST_DISABLED ? names[result] : "unknown";
}

const char *es_group_verdict_name(enum es_group_verdict verdict)
{
	static const char *const names[] = {
		[ES_GROUP_NOT_CHECKED] = "not checked",
		[ES_GROUP_VERIFIED] = "verified",
		[ES_GROUP_REFUTED] = "refuted",
		[ES_GROUP_UNVERIFIED] = "unverified",
		[ES_GROUP_OFF] = "off",
	};

	return verdict <= ES_GROUP_OFF ? names[verdict] : "unknown";
}
