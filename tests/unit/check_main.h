/* check_main.h - the common main() of every unit test executable. */
#ifndef BUNRI_CHECK_MAIN_H
#define BUNRI_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

/*
 * Each tests/unit/check_<module>.c defines one Suite and ends with
 * CHECK_MAIN(<module>_suite).  check forks every test, so a crash fails one
 * test, not the run.  Paths in tests are relative to the top directory,
 * where tests/run.sh starts them.
 */
#define CHECK_MAIN(suite_fn)						\
int									\
main(void)								\
{									\
	SRunner *sr = srunner_create(suite_fn());			\
	int nfail;							\
	srunner_run_all(sr, CK_NORMAL);					\
	nfail = srunner_ntests_failed(sr);				\
	srunner_free(sr);						\
	return nfail == 0 ? EXIT_SUCCESS : EXIT_FAILURE;		\
}

#endif
