// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * wait_event: wait until a sensor delivers events. Execs a probe child
 * (PROBE MARKER) every millisecond and watches the sensor's output file
 * until MARKER appears in it, i.e. until an exec has gone through the kernel
 * program, the ring buffer, the agent and its output.
 *
 *   wait_event -f FILE -m MARKER [-s START_EPOCH] [-S STRING] [-t TIMEOUT_S] [-p PROBE]
 *
 * START_EPOCH is the wall-clock time the sensor was started (seconds since
 * the epoch, as bash's $EPOCHREALTIME prints it); the times printed are
 * measured from it. -S STRING also reports when STRING (e.g. the startup
 * record) first appeared. Prints one line:
 *   ready_ms=X string_ms=Y probes=N        (string_ms=-1 when not seen)
 * Exit status: 0 when MARKER appeared, 1 on timeout, 2 on error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Incremental search of a growing file for one string. */
struct file_watch {
	int fd;
	char buf[65536];
	size_t keep; /* bytes carried over so a match may straddle two reads */
};

static double now_epoch(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Read what was appended since the last call; 1 when @needle is in it. */
static int watch_poll(struct file_watch *w, const char *needle)
{
	size_t nlen = strlen(needle);

	for (;;) {
		ssize_t n = read(w->fd, w->buf + w->keep, sizeof(w->buf) - w->keep - 1);
		size_t have;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		have = w->keep + n;
		w->buf[have] = '\0';
		if (memmem(w->buf, have, needle, nlen))
			return 1;
		w->keep = have < nlen ? have : nlen - 1;
		memmove(w->buf, w->buf + have - w->keep, w->keep);
	}
}

static int spawn_probe(const char *probe, const char *marker)
{
	char *const argv[] = { (char *)probe, (char *)marker, NULL };
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execve(probe, argv, environ);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ECHILD;
}

static int open_watch(struct file_watch *w, const char *path)
{
	w->keep = 0;
	w->fd = open(path, O_RDONLY | O_CLOEXEC);
	return w->fd < 0 ? -errno : 0;
}

int main(int argc, char **argv)
{
	const char *file = NULL, *marker = NULL, *string = NULL, *probe = "/bin/true";
	double start = now_epoch(), timeout = 10, string_at = -1, deadline;
	struct file_watch marker_w = { .fd = -1 }, string_w = { .fd = -1 };
	long probes = 0;
	int c, err;

	while ((c = getopt(argc, argv, "f:m:s:S:t:p:")) != -1) {
		switch (c) {
		case 'f':
			file = optarg;
			break;
		case 'm':
			marker = optarg;
			break;
		case 's':
			start = strtod(optarg, NULL);
			break;
		case 'S':
			string = optarg;
			break;
		case 't':
			timeout = strtod(optarg, NULL);
			break;
		case 'p':
			probe = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (!file || !marker || !*marker || (string && !*string) || optind != argc || start <= 0)
		goto usage;
	/*
	 * The probe's argv must be readable at execve entry: after fork() a
	 * string literal's page (file-backed .rodata) is not mapped in the
	 * child until touched, and a sensor reading at syscall entry cannot
	 * fault it in. Heap copies are mapped.
	 */
	probe = strdup(probe);
	marker = strdup(marker);
	if (!probe || !marker) {
		perror("wait_event");
		return 2;
	}

	deadline = now_epoch() + timeout;
	for (;;) {
		double t = now_epoch();

		if (t > deadline) {
			fprintf(stderr, "wait_event: %s: no '%s' after %.1f s (%ld probes)\n", file,
				marker, timeout, probes);
			return 1;
		}
		/* The sensor may create its output file only once it runs. */
		if (marker_w.fd < 0 && open_watch(&marker_w, file) == 0 && string)
			open_watch(&string_w, file);
		if (string && string_at < 0 && string_w.fd >= 0 && watch_poll(&string_w, string))
			string_at = now_epoch();
		if (marker_w.fd >= 0 && watch_poll(&marker_w, marker))
			break;
		err = spawn_probe(probe, marker);
		if (err) {
			fprintf(stderr, "wait_event: probe %s: %s\n", probe, strerror(-err));
			return 2;
		}
		probes++;
		usleep(1000);
	}
	if (string && string_at < 0 && watch_poll(&string_w, string))
		string_at = now_epoch();
	printf("ready_ms=%.3f string_ms=%.3f probes=%ld\n", (now_epoch() - start) * 1e3,
	       string_at < 0 ? -1.0 : (string_at - start) * 1e3, probes);
	return 0;

usage:
	fprintf(stderr, "usage: wait_event -f FILE -m MARKER [-s START_EPOCH] [-S STRING] "
			"[-t TIMEOUT_S] [-p PROBE]\n");
	return 2;
}
