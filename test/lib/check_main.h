/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The main() of every Check test program: one suite of one or more cases,
 * and the root rule, the same everywhere. A program whose tests need root
 * run without it prints one line, "SKIP <suite>: needs root: <why>", and
 * exits 77 (ctest's SKIP_RETURN_CODE); so does es_check_skip() for a kernel
 * that lacks what a test needs. A test case that cannot run one part says so
 * with es_check_skip() too: scripts/test counts both kinds of skip.
 *
 *	ES_CHECK_MAIN("argv", plain, empty_argv);	// one case, no root
 *
 *	const struct es_check_case cases[] = {
 *		{ "parent", ES_CHECK_TESTS(test_a, test_b), .timeout_s = 240 },
 *		{ NULL },
 *	};
 *	return es_check_run("kernel", "they load BPF programs", cases);
 */
#ifndef ES_TEST_CHECK_MAIN_H
#define ES_TEST_CHECK_MAIN_H

#include <check.h>

#define ES_CHECK_SKIP 77

struct es_check_case {
	const char *name; /* NULL ends the list */
	const TTest *const *tests; /* NULL-terminated: ES_CHECK_TESTS() */
	int timeout_s; /* 0: 60 */
	int loops; /* > 0: every test runs as a loop test with _i in [0, loops) */
	SFun setup, teardown; /* a checked fixture (run around each test), or NULL */
};

#define ES_CHECK_TESTS(...) ((const TTest *const[]){ __VA_ARGS__, NULL })

/*
 * Run @cases (CK_RUN_CASE picks one, as Check does) as suite @suite.
 * @needs_root: why the tests need root, or NULL. Exit status: 0 all passed,
 * 1 some failed, 77 skipped.
 */
int es_check_run(const char *suite, const char *needs_root, const struct es_check_case *cases);

/*
 * Say why @name is skipped, in the one form scripts/test counts ("SKIP <name>:
 * <why>"): a whole suite, which then returns ES_CHECK_SKIP as its exit status,
 * or one part of a test that goes on (never a silent return).
 */
int es_check_skip(const char *name, const char *why);

#define ES_CHECK_MAIN(suite, ...)                                                              \
	int main(void)                                                                         \
	{                                                                                      \
		const struct es_check_case cases[] = { { suite, ES_CHECK_TESTS(__VA_ARGS__) }, \
						       { NULL } };                             \
		return es_check_run(suite, NULL, cases);                                       \
	}

#endif /* ES_TEST_CHECK_MAIN_H */
