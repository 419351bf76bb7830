// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The live tests' process maker: forks one child that names itself (comm)
 * and execs, then waits for it and exits with its status.
 *
 *   exec_helper exec COMM PATH ARG...       child: execv(PATH, [ARG...])
 *   exec_helper fexecve COMM PROGRAM ARG... child: copies PROGRAM into a memfd
 *                                            and fexecve()s it with [ARG...]
 *   exec_helper literal COMM PATH ARG...    child: execl("/bin/true", "true",
 *                                            "execsensor-literal") from string
 *                                            literals (PATH, ARG unused)
 *
 * It prints the child's pid, then stays alive until its stdin reaches EOF,
 * so that a test can hold the parent until the agent has reported the
 * child (the agent reads the parent's exe from /proc).
 *
 * COMM may hold any bytes but NUL (the kernel keeps 15). Run from a copy at
 * a temporary path, this process is the "fake systemd" parent of the gate
 * tests: the child's comm is "systemd" and its exec is fileless.
 *
 * The literal mode is the exec the kernel's entry handlers cannot read: a
 * child that never touched its parent's .rodata has none of it mapped after
 * fork, and BPF cannot fault it in.
 *
 *   exec_helper thread PATH ARG...          no fork: a second thread prints
 *                                            its tid and execv(PATH, [ARG...])s,
 *                                            so this process execs from a
 *                                            thread that is not its leader
 *
 * Between fork() and exec the child calls only async-signal-safe functions
 * (prctl, open, fstat, memfd_create, sendfile, close, the exec family,
 * _exit): a test that runs this helper may have threads of its own. The
 * thread mode forks nothing, so its pthread_create() is safe.
 */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int memfd_copy(const char *path)
{
	struct stat st;
	off_t off = 0;
	int in, fd;

	in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0 || fstat(in, &st))
		return -1;
	/* Not MFD_CLOEXEC: fexecve of a close-on-exec fd fails for scripts, keep it simple. */
	fd = memfd_create("es-payload", 0);
	if (fd < 0)
		return -1;
	while (off < st.st_size) {
		if (sendfile(fd, in, &off, (size_t)(st.st_size - off)) <= 0)
			return -1;
	}
	close(in);
	return fd;
}

/* The thread mode's second thread: tell its tid, then exec (which ends every thread). */
static void *exec_from_thread(void *arg)
{
	char **argv = arg;

	printf("%ld\n", (long)syscall(SYS_gettid));
	fflush(stdout);
	execv(argv[0], &argv[1]);
	_exit(122);
}

static int thread_exec(char **argv)
{
	pthread_t thread;

	if (pthread_create(&thread, NULL, exec_from_thread, argv)) {
		fprintf(stderr, "exec_helper: pthread_create failed\n");
		return 1;
	}
	pthread_join(thread, NULL); /* the exec ends this thread too */
	return 1;
}

int main(int argc, char **argv)
{
	int fileless, literal, status, fd;
	pid_t child;

	if (argc >= 4 && !strcmp(argv[1], "thread"))
		return thread_exec(&argv[2]);
	if (argc < 5 ||
	    (strcmp(argv[1], "exec") && strcmp(argv[1], "fexecve") && strcmp(argv[1], "literal"))) {
		fprintf(stderr, "usage: exec_helper exec|fexecve|literal COMM PATH ARG...\n"
				"       exec_helper thread PATH ARG...\n");
		return 2;
	}
	fileless = !strcmp(argv[1], "fexecve");
	literal = !strcmp(argv[1], "literal");
	child = fork();
	if (child < 0) {
		perror("fork");
		return 1;
	}
	if (child == 0) {
		if (prctl(PR_SET_NAME, argv[2], 0, 0, 0))
			_exit(120);
		if (literal) {
			execl("/bin/true", "true", "execsensor-literal", (char *)NULL);
		} else if (fileless) {
			fd = memfd_copy(argv[3]);
			if (fd < 0)
				_exit(121);
			fexecve(fd, &argv[4], environ);
		} else {
			execv(argv[3], &argv[4]);
		}
		_exit(122);
	}
	while (waitpid(child, &status, 0) < 0) {
		if (errno != EINTR) {
			perror("waitpid");
			return 1;
		}
	}
	printf("%d\n", (int)child);
	fflush(stdout);
	while (getchar() != EOF)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
