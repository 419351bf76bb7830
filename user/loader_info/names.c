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

static const char *const lockdown_names[] = {
	[ES_LOCKDOWN_UNKNOWN] = "unknown",
	[ES_LOCKDOWN_NONE] = "none",
	[ES_LOCKDOWN_INTEGRITY] = "integrity",
	[ES_LOCKDOWN_CONFIDENTIALITY] = "confidentiality",
};

static const char *const selftest_names[] = {
	[ES_SELFTEST_NOT_RUN] = "not run",
	[ES_SELFTEST_PASSED] = "passed",
	[ES_SELFTEST_NO_KERNEL_PPID] = "events only (no kernel ppid expected)",
	[ES_SELFTEST_MISMATCH] = "failed: kernel ppid disabled",
	[ES_SELFTEST_DISABLED] = "disabled",
};

static const char *const group_verdict_names[] = {
	[ES_GROUP_NOT_CHECKED] = "not checked",
	[ES_GROUP_VERIFIED] = "verified",
	[ES_GROUP_REFUTED] = "refuted",
	[ES_GROUP_UNVERIFIED] = "unverified",
	[ES_GROUP_OFF] = "off",
};

/* @names[@i], or "unknown" past its end. */
#define NAME_OF(names, i) \
	((unsigned int)(i) < sizeof(names) / sizeof(names[0]) ? names[i] : "unknown")

const char *es_attach_mode_name(enum es_attach_mode mode)
{
	return NAME_OF(attach_mode_names, mode);
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
	return NAME_OF(lockdown_names, state);
}

const char *es_selftest_name(enum es_selftest result)
{
	return NAME_OF(selftest_names, result);
}

const char *es_group_verdict_name(enum es_group_verdict verdict)
{
	return NAME_OF(group_verdict_names, verdict);
}
