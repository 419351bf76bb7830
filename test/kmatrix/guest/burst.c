// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * kmatrix-burst: start N short-lived children from one known parent, for the
 * kernel-matrix guests.
 *
 *   kmatrix-burst N PROGRAM [ARG...]
 *
 * Every child execs PROGRAM at once and is reaped as soon as it exits, before
 * the next is forked: by the time the agent handles a child's exec event, the
 * child is usually gone from /proc, which is what the kernel-read parent is
 * for. Prints "parent PID" and one "child PID" line per child, the pids the
 * agent's events must carry. Exit status: 0 when every fork, exec and child
 * succeeded, 1 otherwise, 2 for bad usage.
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

/* Run one child that execs ARGV and reap it: its pid, or 0 after saying what failed. */
static pid_t run_child(char **argv)
{
	pid_t pid = fork();
	int status;

	if (pid < 0) {
		fprintf(stderr, "kmatrix-burst: fork: %s\n", strerror(errno));
		return 0;
	}
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		fprintf(stderr, "kmatrix-burst: waitpid %d: %s\n", (int)pid, strerror(errno));
		return 0;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "kmatrix-burst: child %d: wait status 0x%x\n", (int)pid, status);
		return 0;
	}
	return pid;
}

int main(int argc, char **argv)
{
	int count, i, failed = 0;
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
	for (i = 0; i < count; i++) {
		pids[i] = run_child(argv + 2);
		if (!pids[i]) {
			failed = 1;
			break;
		}
	}
	printf("parent %d\n", (int)getpid());
	for (i = 0; i < count && pids[i] > 0; i++)
		printf("child %d\n", (int)pids[i]);
	free(pids);
	if (fflush(stdout))
		failed = 1;
	return failed;
}
