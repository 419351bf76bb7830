// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check_main.h"

#define DEFAULT_TIMEOUT_S 60

int es_check_skip(const char *name, const char *why)
{
	printf("SKIP %s: %s\n", name, why);
	fflush(stdout);
	return ES_CHECK_SKIP;
}

static TCase *make_case(const struct es_check_case *c)
{
	TCase *tc = tcase_create(c->name);
	const TTest *const *t;

	if (c->setup || c->teardown)
		tcase_add_checked_fixture(tc, c->setup, c->teardown);
	for (t = c->tests; *t; t++) {
		if (c->loops > 0)
			tcase_add_loop_test(tc, *t, 0, c->loops);
		else
			tcase_add_test(tc, *t);
	}
	tcase_set_timeout(tc, c->timeout_s ? c->timeout_s : DEFAULT_TIMEOUT_S);
	return tc;
}

int es_check_run(const char *suite, const char *needs_root, const struct es_check_case *cases)
{
	Suite *s;
	SRunner *sr;
	int failed;

	if (needs_root && geteuid() != 0) {
		char why[512];

		snprintf(why, sizeof(why), "needs root: %s", needs_root);
		return es_check_skip(suite, why);
	}
	s = suite_create(suite);
	for (; cases->name; cases++)
		suite_add_tcase(s, make_case(cases));
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
