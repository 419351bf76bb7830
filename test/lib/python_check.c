// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>

#include "python_check.h"

int es_python_check(const char *program, const char *path)
{
	char cmd[16384], out[64] = "";
	FILE *p;
	int n;

	if (strchr(program, '\'') || strchr(path, '\''))
		return -1;
	/* check() (estest.py) is an assertion that python3 -O keeps. */
	n = snprintf(
		cmd, sizeof(cmd),
		"python3 -c 'import sys; sys.path.insert(0, \"%s\"); from estest import check\n%s' '%s'",
		ES_TEST_LIB_DIR, program, path);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		return -1;
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (!fgets(out, sizeof(out), p))
		out[0] = '\0';
	if (pclose(p) != 0)
		return -1;
	return strcmp(out, "ok\n") ? -1 : 0;
}
