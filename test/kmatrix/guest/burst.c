// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * kmatrix-burst: start N short-lived children from one known parent, for the
 * kernel-matrix guests.
 *
 *   kmatrix-burst N PROGRAM [ARG...]
 *
 * Every child execs PROGRAM at once and exits; all are forked before any is
 * reaped, so they are gone before a /proc reader could look them up. Prints
 * "parent PID" and one "child PID" line per child, the pids the agent's
 * events must carry. Exit status: 0 when every fork, exec and child succeeded,
 * 1 otherwise, 2 for bad usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define BURST_MAX 10000

static int parse_count(const char *arg, int *count)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || end == arg || *end || n < 1 || n > BURST_MAX)
		return -EINVAL;
	*count = (int)n;
	return 0;
}

/* Fork COUNT children that exec ARGV; store their pids, return how many started. */
static int spawn(int count, char **argv, pid_t *pids)
{
	int i;

	for (i = 0; i < count; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			fprintf(stderr, "kmatrix-burst: fork: %s\n", strerror(errno));
			break;
		}
		if (pid == 0) {
			execv(argv[0], argv);
			_exit(127);
		}
		pids[i] = pid;
	}
	return i;
}

int main(int argc, char **argv)
{
	int count, started, i, failed = 0;
	pid_t *pids;

	if (argc < 3 || parse_count(argv[1], &count)) {
		fprintf(stderr, "usage: kmatrix-burst N PROGRAM [ARG...] (1 <= N <= %d)\n",
			BURST_MAX);
		return 2;
	}
	pids = calloc((size_t)count, sizeof(*pids));
	if (!pids) {
		fprintf(stderr, "kmatrix-burst: out of memory\n");
		return 1;
	}
	started = spawn(count, argv + 2, pids);
	if (started < count)
		failed = 1;
	for (i = 0; i < started; i++) {
		int status;

		if (waitpid(pids[i], &status, 0) < 0) {
			fprintf(stderr, "kmatrix-burst: waitpid %d: %s\n", (int)pids[i],
				strerror(errno));
			failed = 1;
			continue;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "kmatrix-burst: child %d: status 0x%x\n", (int)pids[i],
				status);
			failed = 1;
		}
	}
	printf("parent %d\n", (int)getpid());
	for (i = 0; i < started; i++)
		printf("child %d\n", (int)pids[i]);
	free(pids);
	if (fflush(stdout))
		failed = 1;
	return failed;
}
