// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * run_repeat: run several commands many times, interleaved (A B C A B C ...)
 * so that a noisy host slows all of them alike, and print each run's wall
 * time and peak RSS as the kernel accounts them (wait4's ru_maxrss).
 *
 *   run_repeat [-n REPEATS] [-W WARMUP] -- CMD [ARGS...] [::: CMD [ARGS...]]...
 *
 * Output, one line per measured run: "INDEX WALL_NS MAXRSS_KB EXIT_STATUS",
 * INDEX being the command's position (0-based). The commands' stdout and
 * stderr go to /dev/null. Exit status: 0 when every run exited 0, 1 when
 * some run failed, 2 on a usage or system error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 16

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * @name as execvp() would find it, into @path: execvp() is not
 * async-signal-safe, so the search is done here, before any fork.
 */
static int resolve_command(const char *name, char *path, size_t size)
{
	const char *dirs = getenv("PATH"), *end;
	size_t len;

	if (strchr(name, '/')) {
		snprintf(path, size, "%s", name);
		return access(path, X_OK) ? -errno : 0;
	}
	for (dirs = dirs ? dirs : "/usr/local/bin:/usr/bin:/bin"; *dirs; dirs = end + !!*end) {
		end = strchrnul(dirs, ':');
		len = (size_t)(end - dirs);
		snprintf(path, size, "%.*s/%s", (int)(len ? len : 1), len ? dirs : ".", name);
		if (!access(path, X_OK))
			return 0;
	}
	return -ENOENT;
}

/*
 * Run @argv (its program at @path) once; fill wall time, peak RSS and exit
 * status. The child only dup2()s and execs (async-signal-safe calls).
 */
static int run_once(const char *path, char **argv, int devnull, long long *wall_ns, long *maxrss_kb,
		    int *exit_status)
{
	struct rusage ru;
	long long t0;
	int status;
	pid_t pid;

	t0 = now_ns();
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (dup2(devnull, 1) < 0 || dup2(devnull, 2) < 0)
			_exit(126);
		execv(path, argv);
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	*wall_ns = now_ns() - t0;
	*maxrss_kb = ru.ru_maxrss;
	*exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return 0;
}

int main(int argc, char **argv)
{
	static char paths[MAX_CMDS][4096];
	char **cmds[MAX_CMDS];
	int ncmds = 0, repeats = 10, warmup = 1, failed = 0, devnull, c;
	char *end;

	while ((c = getopt(argc, argv, "+n:W:")) != -1) {
		switch (c) {
		case 'n':
			repeats = strtol(optarg, &end, 10);
			if (*end || repeats < 1)
				goto usage;
			break;
		case 'W':
			warmup = strtol(optarg, &end, 10);
			if (*end || warmup < 0)
				goto usage;
			break;
		default:
			goto usage;
		}
	}
	if (optind >= argc)
		goto usage;
	/* Split the rest at ":::" into commands, in place. */
	cmds[ncmds++] = &argv[optind];
	for (int i = optind; i < argc; i++) {
		if (strcmp(argv[i], ":::"))
			continue;
		argv[i] = NULL;
		if (ncmds == MAX_CMDS || i + 1 >= argc)
			goto usage;
		cmds[ncmds++] = &argv[i + 1];
	}
	for (int i = 0; i < ncmds; i++) {
		int err;

		if (!cmds[i][0])
			goto usage;
		err = resolve_command(cmds[i][0], paths[i], sizeof(paths[i]));
		if (err) {
			fprintf(stderr, "run_repeat: %s: %s\n", cmds[i][0], strerror(-err));
			return 2;
		}
	}
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (devnull < 0) {
		perror("run_repeat: /dev/null");
		return 2;
	}

	for (int r = -warmup; r < repeats; r++) {
		for (int i = 0; i < ncmds; i++) {
			long long wall = 0;
			long rss = 0;
			int st = 0, err;

			err = run_once(paths[i], cmds[i], devnull, &wall, &rss, &st);
			if (err) {
				fprintf(stderr, "run_repeat: %s: %s\n", cmds[i][0], strerror(-err));
				return 2;
			}
			if (st) {
				fprintf(stderr, "run_repeat: %s exited %d\n", cmds[i][0], st);
				failed = 1;
			}
			if (r >= 0)
				printf("%d %lld %ld %d\n", i, wall, rss, st);
		}
	}
	return failed;

usage:
	fprintf(stderr, "usage: run_repeat [-n REPEATS] [-W WARMUP] -- CMD [ARGS...] "
			"[::: CMD [ARGS...]]...\n");
	return 2;
}
