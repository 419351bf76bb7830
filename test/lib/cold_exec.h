/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The exec an entry-side reader misses: a child that execs string literals
 * at once after fork, as most programs do (execl("/bin/true", "true", ...)).
 *
 * The literals are .rodata: file-backed pages that fork() does not map in
 * the child (no page table entries are copied for a private file mapping
 * never written), and BPF cannot fault them in. Padding keeps them a
 * fault-around window away from any other constant the child might read.
 * Whether they really were unmapped when the exec began is not assumed: the
 * child reads its own /proc/self/pagemap just before execl() and tells the
 * parent, so a test can check that the scenario it names happened.
 */
#ifndef ES_TEST_COLD_EXEC_H
#define ES_TEST_COLD_EXEC_H

#define ES_COLD_PATH "/bin/true"
#define ES_COLD_ARG0 "true"
#define ES_COLD_ARG1 "execsensor-literal"

enum es_cold_verdict {
	ES_COLD_UNKNOWN = -1, /* no verdict came (pagemap unreadable, the child died) */
	ES_COLD_MAPPED = 0, /* a literal's page was mapped: an entry reader could read it */
	ES_COLD_UNMAPPED = 1, /* none was: the scenario happened */
};

struct es_cold_exec {
	int pipe[2]; /* the child's verdict, one byte */
	long page_size;
};

/* Before fork(): 0 or -errno. */
int es_cold_exec_prepare(struct es_cold_exec *c);

/*
 * In the child, right after fork(): check the literals' pages, send the
 * verdict, execl() them. Only async-signal-safe calls. Never returns.
 */
void es_cold_exec_child(struct es_cold_exec *c) __attribute__((noreturn));

/* In the parent, after fork(): the child's verdict. Closes the pipe. */
enum es_cold_verdict es_cold_exec_verdict(struct es_cold_exec *c);

/* The verdict as a word: "unmapped", "mapped" or "unknown". */
const char *es_cold_verdict_name(enum es_cold_verdict v);

#endif /* ES_TEST_COLD_EXEC_H */
