/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A check written in python3, whose json module is the tests' independent JSON parser. */
#ifndef ES_TEST_PYTHON_CHECK_H
#define ES_TEST_PYTHON_CHECK_H

/*
 * Run `python3 -c PROGRAM PATH` (@program must not contain a single quote),
 * with estest.py's check() imported: 0 when it exited 0 having printed "ok"
 * first, else non-zero (the program's failed checks go to stderr).
 */
int es_python_check(const char *program, const char *path);

#endif /* ES_TEST_PYTHON_CHECK_H */
