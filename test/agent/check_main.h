/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The main() of every agent unit test: one suite, one case, run it. */
#ifndef EXECSENSOR_TEST_CHECK_MAIN_H
#define EXECSENSOR_TEST_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

#define CHECK_MAIN(suite_name, ...)                                    \
	int main(void)                                                 \
	{                                                              \
		const TTest *tests[] = { __VA_ARGS__ };                \
		Suite *s = suite_create(suite_name);                   \
		TCase *tc = tcase_create(suite_name);                  \
		SRunner *sr;                                           \
		size_t i;                                              \
		int failed;                                            \
                                                                       \
		for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) \
			tcase_add_test(tc, tests[i]);                  \
		tcase_set_timeout(tc, 60);                             \
		suite_add_tcase(s, tc);                                \
		sr = srunner_create(s);                                \
		srunner_run_all(sr, CK_NORMAL);                        \
		failed = srunner_ntests_failed(sr);                    \
		srunner_free(sr);                                      \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS;           \
	}

#endif /* EXECSENSOR_TEST_CHECK_MAIN_H */
