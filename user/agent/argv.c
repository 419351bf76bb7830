// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <string.h>

#include "argv.h"

void es_argv_split(const char *args, size_t cap, uint32_t args_size, uint32_t argc,
		   int kernel_truncated, struct es_argv *out)
{
	size_t end = args_size < cap ? args_size : cap;
	size_t want = argc < ES_ARGV_MAX ? argc : ES_ARGV_MAX;
	size_t pos = 0;
	const char *nul;

	out->cnt = 0;
	out->truncated = kernel_truncated || argc > ES_ARGV_MAX || args_size > cap;
	while (out->cnt < want && pos < end) {
		nul = memchr(args + pos, '\0', end - pos);
		out->arg[out->cnt].ptr = args + pos;
		if (nul) {
			out->arg[out->cnt].len = (size_t)(nul - (args + pos));
			pos = (size_t)(nul - args) + 1;
		} else {
			/* The last entry ran into the end of the buffer: cut. */
			out->arg[out->cnt].len = end - pos;
			pos = end;
			out->truncated = 1;
		}
		out->cnt++;
	}
	if (out->cnt < want)
		out->truncated = 1; /* fewer strings than argc claims */
}
