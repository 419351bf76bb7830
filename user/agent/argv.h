/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Splitting the kernel's args[] (argv strings back to back, each
 * NUL-terminated) into argv entries. The record is trusted for nothing: the
 * split never reads past the array, and counts that disagree with the bytes
 * mark the argv truncated instead of inventing entries.
 */
#ifndef EXECSENSOR_ARGV_H
#define EXECSENSOR_ARGV_H

#include <stddef.h>
#include <stdint.h>

#include "execsensor.h"

struct es_arg {
	const char *ptr; /* into the record's args[]; not NUL-terminated when cut */
	size_t len;
};

struct es_argv {
	size_t cnt;
	int truncated; /* the kernel said so, or the last entry was cut, or counts disagree */
	struct es_arg arg[ES_ARGV_MAX];
};

/*
 * Split @args (@cap bytes of storage, @args_size in use, @argc entries
 * captured); @kernel_truncated: the record says argv goes on beyond what it
 * holds (ES_EXEC_F_ARGV_TRUNCATED, or ES_EXEC_F_ARGV_FAULT: an entry could
 * not be read).
 */
void es_argv_split(const char *args, size_t cap, uint32_t args_size, uint32_t argc,
		   int kernel_truncated, struct es_argv *out);

#endif /* EXECSENSOR_ARGV_H */
