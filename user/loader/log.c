// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The loader's lines: the last failure (es_loader_error()) and what a user should see. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "loader_internal.h"

void es_reasonf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

void es_loader_log(struct es_loader *l, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (l->opts.log)
		l->opts.log(l->opts.ctx, line);
	else
		fprintf(stderr, "execsensor: %s\n", line);
}

int es_loader_fail(struct es_loader *l, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->error, sizeof(l->error), fmt, ap);
	va_end(ap);
	return err < 0 ? err : -EINVAL;
}

const char *es_loader_error(const struct es_loader *l)
{
	return l->error;
}
