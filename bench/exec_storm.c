// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * exec_storm: fork and exec short-lived children as fast as possible from
 * several workers, and log each child's pid with its true parent (the worker
 * that forked it), so a sensor's output can be checked against the truth.
 *
 *   exec_storm [-w WORKERS] (-n CHILDREN | -d SECONDS) [-r RATE] [-l LOG] [-m MARKER]
 *              [-p PROGRAM] [-L]
 *
 * Every child runs PROGRAM (default /bin/true) with argv { PROGRAM, MARKER },
 * so its events can be told apart from the rest of the host's; these strings
 * are on the stack, present in the child. With -L the child instead runs
 * execl("/bin/true", "true", "exec-storm", NULL) on string literals, the
 * commonest way programs spawn: their .rodata page is not present in a child
 * that has not touched it since fork. The log has
 * one line per child, "CHILD_PID PARENT_PID EXIT_STATUS", written after the
 * storm so logging does not slow it. The summary goes to stdout as one line:
 *   children=N failed=F seconds=S rate=R cpu=C
 * C being the CPU seconds (user + system) of the workers and the children:
 * the kernel's exec path, BPF programs attached to it included.
 * With -r, the children are spawned at a steady RATE per second over all
 * workers (each worker on its own schedule of absolute times) instead of as
 * fast as possible, as a host's steady load is; a child due while the last
 * one still runs starts at once, and the summary's rate says what was held.
 * Exit status: 0 when every child exited 0, 1 when some failed, 2 on a usage
 * or system error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct storm_opts {
	unsigned int workers;
	unsigned long children; /* total over all workers; 0 when timed */
	double seconds; /* 0 when counted */
	const char *log_path;
	const char *marker;
	const char *program;
	long worker_quota; /* -W: this process is a worker (exec'd by the coordinator); -1 if not */
	int literal; /* -L: children exec string literals */
	double rate; /* -r: children per second over all workers; 0: as fast as possible */
};

/* A worker's pipes, at fixed descriptors across the coordinator's exec of it. */
#define WORKER_START_FD	 3
#define WORKER_RESULT_FD 4

/* What one worker reports to the coordinator through its pipe. */
struct worker_result {
	uint64_t spawned;
	uint64_t failed;
};

/* One spawned child, kept in memory until the storm is over. */
struct child_rec {
	int32_t pid;
	int32_t status;
};

extern char **environ;

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double timeval_seconds(const struct timeval *tv)
{
	return tv->tv_sec + tv->tv_usec / 1e6;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= n;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		p += n;
		len -= n;
	}
	return 0;
}

/* Sleep until CLOCK_MONOTONIC reads @t (seconds), if it is still ahead. */
static void wait_until(double t)
{
	struct timespec ts = { .tv_sec = (time_t)t, .tv_nsec = (long)((t - (time_t)t) * 1e9) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Append the worker's children to the log in one block per 64 KiB. */
static int log_children(const char *path, const struct child_rec *recs, size_t cnt)
{
	char buf[65536];
	size_t used = 0;
	pid_t self = getpid();
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	for (size_t i = 0; i < cnt && !err; i++) {
		if (sizeof(buf) - used < 64) {
			err = write_all(fd, buf, used);
			used = 0;
		}
		used += snprintf(buf + used, sizeof(buf) - used, "%d %d %d\n", recs[i].pid, self,
				 recs[i].status);
	}
	if (!err)
		err = write_all(fd, buf, used);
	if (close(fd) && !err)
		err = -errno;
	return err;
}

static int spawn_one(const struct storm_opts *o, struct child_rec *rec)
{
	char *const argv[] = { (char *)o->program, (char *)o->marker, NULL };
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (o->literal)
			execl("/bin/true", "true", "exec-storm", (char *)NULL);
		else
			execve(o->program, argv, environ);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	rec->pid = pid;
	rec->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return 0;
}

/*
 * One worker: wait for the start signal (the start pipe closing), spawn its
 * share of children, report the counts, then log them.
 */
static int worker_main(const struct storm_opts *o, unsigned long quota, int start_fd, int result_fd)
{
	struct worker_result res = { 0 };
	struct child_rec *recs = NULL;
	size_t cap = 0;
	double deadline = 0, next = 0;
	char c;
	int err = 0;

	if (read(start_fd, &c, 1) < 0)
		return 2;
	next = now_seconds();
	if (o->seconds > 0)
		deadline = next + o->seconds;
	for (;;) {
		if (o->rate > 0) {
			wait_until(next);
			next += o->workers / o->rate;
		}
		if (quota ? res.spawned >= quota : now_seconds() >= deadline)
			break;
		if (res.spawned == cap) {
			size_t ncap = cap ? cap * 2 : 65536;
			struct child_rec *n = realloc(recs, ncap * sizeof(*recs));

			if (!n) {
				err = -ENOMEM;
				break;
			}
			recs = n;
			cap = ncap;
		}
		err = spawn_one(o, &recs[res.spawned]);
		if (err)
			break;
		if (recs[res.spawned].status != 0)
			res.failed++;
		res.spawned++;
	}
	if (err)
		fprintf(stderr, "exec_storm: worker %d: %s\n", getpid(), strerror(-err));
	if (write_all(result_fd, &res, sizeof(res)))
		err = -EPIPE;
	if (o->log_path && log_children(o->log_path, recs, res.spawned)) {
		fprintf(stderr, "exec_storm: cannot write log %s: %s\n", o->log_path,
			strerror(errno));
		err = -EIO;
	}
	free(recs);
	return err ? 2 : 0;
}

#define WORKER_ARGV_MAX 64

static int readlink_self(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/*
 * The worker's command line, built before fork: this program again with
 * "-W QUOTA" ahead of the coordinator's own options. A worker is a process
 * of its own image: it mallocs and logs, which a forked child may not do.
 */
static void worker_argv(int argc, char **argv, char *self, unsigned long quota, char *quota_arg,
			size_t quota_size, char **out)
{
	int i, n = 0;

	snprintf(quota_arg, quota_size, "%lu", quota);
	out[n++] = self;
	out[n++] = (char *)"-W";
	out[n++] = quota_arg;
	for (i = 1; i < argc; i++)
		out[n++] = argv[i];
	out[n] = NULL;
}

/*
 * A close-on-exec pipe whose ends are above the workers' fixed descriptors,
 * so that moving one end there never overwrites the other pipe's.
 */
static int storm_pipe(int fds[2])
{
	int raw[2], i;

	if (pipe2(raw, O_CLOEXEC))
		return -1;
	for (i = 0; i < 2; i++) {
		fds[i] = fcntl(raw[i], F_DUPFD_CLOEXEC, WORKER_RESULT_FD + 1);
		close(raw[i]);
		if (fds[i] < 0)
			return -1;
	}
	return 0;
}

/* In the forked child: @fd at @target, kept open across exec. */
static int worker_fd(int fd, int target)
{
	if (fd == target)
		return fcntl(fd, F_SETFD, 0);
	return dup2(fd, target) < 0 ? -1 : 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: exec_storm [-w WORKERS] (-n CHILDREN | -d SECONDS) [-r RATE] [-l LOG] "
		   "[-m MARKER] [-p PROGRAM] [-L]\n");
}

static int parse_opts(int argc, char **argv, struct storm_opts *o)
{
	char *end;
	int c;

	*o = (struct storm_opts){
		.workers = 2, .marker = "exec-storm", .program = "/bin/true", .worker_quota = -1
	};
	while ((c = getopt(argc, argv, "w:n:d:r:l:m:p:W:Lh")) != -1) {
		errno = 0;
		switch (c) {
		case 'w':
			o->workers = strtoul(optarg, &end, 10);
			if (errno || *end || o->workers == 0 || o->workers > 256)
				return -EINVAL;
			break;
		case 'n':
			o->children = strtoul(optarg, &end, 10);
			if (errno || *end || o->children == 0)
				return -EINVAL;
			break;
		case 'd':
			o->seconds = strtod(optarg, &end);
			if (errno || *end || !(o->seconds > 0))
				return -EINVAL;
			break;
		case 'r':
			o->rate = strtod(optarg, &end);
			if (errno || *end || !(o->rate > 0))
				return -EINVAL;
			break;
		case 'l':
			o->log_path = optarg;
			break;
		case 'm':
			o->marker = optarg;
			break;
		case 'p':
			o->program = optarg;
			break;
		case 'W':
			o->worker_quota = strtol(optarg, &end, 10);
			if (errno || *end || o->worker_quota < 0)
				return -EINVAL;
			break;
		case 'L':
			o->literal = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -EINVAL;
		}
	}
	if (optind != argc || (o->children == 0) == (o->seconds == 0))
		return -EINVAL;
	if (o->children && o->children < o->workers)
		o->workers = o->children;
	return 0;
}

int main(int argc, char **argv)
{
	struct worker_result total = { 0 };
	char self[4096], program[4096], marker[4096], quota_arg[32], *wargv[WORKER_ARGV_MAX];
	struct storm_opts o;
	int start[2], result[2];
	struct rusage ru;
	double t0, t1;
	int status, ret = 0;

	if (parse_opts(argc, argv, &o) || argc + 3 > WORKER_ARGV_MAX) {
		usage(stderr);
		return 2;
	}

	if (access(o.program, X_OK)) {
		fprintf(stderr, "exec_storm: %s: %s\n", o.program, strerror(errno));
		return 2;
	}
	/*
	 * The default program path is a string literal in .rodata. fork() does
	 * not copy the page tables of file-backed mappings, so in the child that
	 * page is not present until touched (the -L storm's case). A copy on
	 * the stack is present in the child, as most real programs' strings
	 * are: the stack-string storm.
	 */
	if (strlen(o.program) >= sizeof(program) || strlen(o.marker) >= sizeof(marker)) {
		fprintf(stderr, "exec_storm: %s\n", strerror(ENAMETOOLONG));
		return 2;
	}
	o.program = strcpy(program, o.program);
	o.marker = strcpy(marker, o.marker);
	if (o.worker_quota >= 0)
		return worker_main(&o, (unsigned long)o.worker_quota, WORKER_START_FD,
				   WORKER_RESULT_FD);
	if (o.log_path) {
		int fd = open(o.log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd < 0) {
			fprintf(stderr, "exec_storm: %s: %s\n", o.log_path, strerror(errno));
			return 2;
		}
		close(fd);
	}
	if (storm_pipe(start) || storm_pipe(result)) {
		perror("exec_storm: pipe");
		return 2;
	}
	if (readlink_self(self, sizeof(self))) {
		perror("exec_storm: /proc/self/exe");
		return 2;
	}
	for (unsigned int i = 0; i < o.workers; i++) {
		unsigned long quota = 0;
		pid_t pid;

		if (o.children)
			quota = o.children / o.workers + (i < o.children % o.workers);
		worker_argv(argc, argv, self, quota, quota_arg, sizeof(quota_arg), wargv);
		pid = fork();
		if (pid == 0) {
			/* Only async-signal-safe calls until the worker's own exec. */
			if (worker_fd(start[0], WORKER_START_FD) ||
			    worker_fd(result[1], WORKER_RESULT_FD))
				_exit(2);
			execv(self, wargv);
			_exit(2);
		}
		if (pid < 0) {
			perror("exec_storm: fork");
			return 2;
		}
	}
	close(start[0]);
	close(result[1]);

	t0 = now_seconds();
	close(start[1]); /* every worker's read returns: go */
	for (unsigned int i = 0; i < o.workers; i++) {
		struct worker_result r;

		if (read_all(result[0], &r, sizeof(r))) {
			fprintf(stderr, "exec_storm: a worker died before reporting\n");
			ret = 2;
			break;
		}
		total.spawned += r.spawned;
		total.failed += r.failed;
	}
	t1 = now_seconds();
	while (wait(&status) > 0) {
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			ret = 2;
	}
	/* The workers waited for every child, so their usage includes the children's. */
	getrusage(RUSAGE_CHILDREN, &ru);
	printf("children=%llu failed=%llu seconds=%.6f rate=%.1f cpu=%.6f\n",
	       (unsigned long long)total.spawned, (unsigned long long)total.failed, t1 - t0,
	       total.spawned / (t1 - t0),
	       timeval_seconds(&ru.ru_utime) + timeval_seconds(&ru.ru_stime));
	if (ret)
		return ret;
	return total.failed ? 1 : 0;
}
