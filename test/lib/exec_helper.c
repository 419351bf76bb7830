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
 *                                            literals (PATH, ARG unused); a
 *                                            second line says whether their pages
 *                                            were mapped at the exec (cold_exec.h)
 *
 *   exec_helper fileless HOW WHO COMM PATH ARG...
 *                                            one exec of PATH with [ARG...] that
 *                                            is fileless by HOW, made by WHO
 *                                            named COMM ("-": unchanged):
 *     HOW  memfd    fexecve() of a memfd copy of PATH
 *          fexecve  fexecve() of PATH opened (AT_EMPTY_PATH on a file on disk)
 *          fd       execve("/proc/self/fd/N") of PATH opened
 *          deleted  execve("/proc/self/fd/N") of a copy of PATH in $TMPDIR
 *                   (or /tmp), unlinked before
 *          dirfd    execveat(an fd of /proc/self/fd, "N", 0) of a memfd copy
 *     WHO  self     this process (nothing printed)
 *          child    a child; waits for it and exits with its status
 *          daemon   a grandchild, once its parent has exited and it has been
 *                   re-parented (to init or a subreaper): daemonized
 *          daemon-child  a child of such a daemon
 *   Every WHO but self prints the pid that execs, and does not wait for stdin.
 *
 * The fexecve, exec and literal modes print the child's pid, then stay alive until its stdin reaches EOF,
 * so that a test can hold the parent until the agent has reported the
 * child (the agent reads the parent's exe from /proc).
 *
 * COMM may hold any bytes but NUL (the kernel keeps 15). Run from a copy at
 * a temporary path, this process is the "fake systemd" parent of the gate
 * tests: the child's comm is "systemd" and its exec is fileless.
 *
 * The literal mode is the exec the kernel's entry handlers cannot read: a
 * child that never touched its parent's .rodata has none of it mapped after
 * fork, and BPF cannot fault it in (cold_exec.h).
 *
 *   exec_helper thread PATH ARG...          no fork: a second thread prints
 *                                            its tid and execv(PATH, [ARG...])s,
 *                                            so this process execs from a
 *                                            thread that is not its leader
 *
 *   exec_helper same-pid PATH ARG... -- PATH ARG...
 *					  two processes with one pid, in turn: the
 *					  first (A) the child of a forked copy of this
 *					  process, execv(PATH, [ARG...]) with fd 3 the
 *					  read end of a pipe (a background job of A can
 *					  outlive it, holding it); once A is reaped, the
 *					  second (B) its own child, the same pid forced
 *					  again (clone3's set_tid: root in the host PID
 *					  namespace), execv()ing the second command. It
 *					  then closes the pipe, reaps every descendant
 *					  (it is their subreaper) and prints
 *					  "PID COPY_PID A_START B_START", the starts
 *					  being /proc/PID/stat's starttime of each
 *					  (read between its exit and its reaping).
 *
 * The pid is a free one below the kernel's last (ns_last_pid): the kernel
 * hands pids out upwards, so no other process takes it before a wrap.
 *
 * Between fork() and exec the child calls only async-signal-safe functions
 * (prctl, open, fstat, memfd_create, sendfile, close, dup2, fcntl, the exec
 * family, _exit): a test that runs this helper may have threads of its own. The
 * thread mode forks nothing, so its pthread_create() is safe.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/sched.h>
#include <pthread.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
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

#include "cold_exec.h"

extern char **environ;

/* The bytes of @path into @fd (a memfd or a new file): @fd, or -1. */
static int copy_into(const char *path, int fd)
{
	struct stat st;
	off_t off = 0;
	int in;

	in = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || in < 0 || fstat(in, &st))
		return -1;
	while (off < st.st_size) {
		if (sendfile(fd, in, &off, (size_t)(st.st_size - off)) <= 0)
			return -1;
	}
	close(in);
	return fd;
}

static int memfd_copy(const char *path)
{
	/* Not MFD_CLOEXEC: fexecve of a close-on-exec fd fails for scripts, keep it simple. */
	return copy_into(path, memfd_create("es-payload", 0));
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

/* A child with pid @pid (clone3's set_tid); as fork() otherwise. */
static pid_t fork_as(pid_t pid)
{
	struct clone_args args = {
		.exit_signal = SIGCHLD,
		.set_tid = (uint64_t)(uintptr_t)&pid,
		.set_tid_size = 1,
	};

	return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

/* The kernel's last pid, from which a free one below is sought. */
static pid_t last_pid(void)
{
	FILE *f = fopen("/proc/sys/kernel/ns_last_pid", "re");
	int pid = 0;

	if (!f || fscanf(f, "%d", &pid) != 1)
		pid = 0;
	if (f)
		fclose(f);
	return pid;
}

/* A child running @argv (fd 3 @hold_fd when >= 0) under pid @pid; its pid or -errno. */
static pid_t spawn_as(pid_t pid, char **argv, int hold_fd)
{
	pid_t child = fork_as(pid);

	if (child == 0) {
		/* dup2() of fd 3 onto itself would leave it close-on-exec. */
		if (hold_fd >= 0 && (hold_fd == 3 ? fcntl(3, F_SETFD, 0) : dup2(hold_fd, 3)) < 0)
			_exit(121);
		execv(argv[0], argv);
		_exit(122);
	}
	return child < 0 ? -errno : child;
}

/* Wait for @child to exit, read its start time while it is a zombie, reap it. */
static int reap_with_start(pid_t child, unsigned long long *start)
{
	char path[64], buf[1024], *p;
	siginfo_t info;
	int i, n = -1, fd;

	if (waitid(P_PID, (id_t)child, &info, WEXITED | WNOWAIT))
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)child);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = (int)read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	if (n <= 0 || waitpid(child, NULL, 0) != child)
		return -1;
	buf[n] = '\0';
	/* Field 22, counted after the name's last ')'. */
	p = strrchr(buf, ')');
	for (i = 0; i < 20 && p; i++)
		p = strchr(p + 1, ' ');
	return p && sscanf(p, "%llu", start) == 1 ? 0 : -1;
}

/*
 * The copy of this process that runs A: under the first free pid below
 * the last one; sends back that pid and A's start. Never returns.
 */
static void run_first(char **argv, int hold_fd, int result_fd)
{
	unsigned long long out[2] = { 0, 0 };
	pid_t pid, child = -EEXIST;

	for (pid = last_pid() - 1; pid > 300 && child == -EEXIST; pid--)
		child = spawn_as(pid, argv, hold_fd);
	if (child < 0 || reap_with_start(child, &out[1]))
		_exit(1);
	out[0] = (unsigned long long)child;
	_exit(write(result_fd, out, sizeof(out)) == sizeof(out) ? 0 : 1);
}

static int same_pid(char **first, char **second)
{
	unsigned long long got[2], second_start;
	int hold[2], result[2], status;
	pid_t copy, child;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) || pipe2(hold, O_CLOEXEC) ||
	    pipe2(result, O_CLOEXEC)) {
		perror("exec_helper: same-pid");
		return 1;
	}
	copy = fork();
	if (copy == 0)
		run_first(first, hold[0], result[1]);
	if (copy < 0 || waitpid(copy, &status, 0) != copy || status ||
	    read(result[0], got, sizeof(got)) != sizeof(got)) {
		fprintf(stderr, "exec_helper: same-pid: no first process\n");
		return 1;
	}
	child = spawn_as((pid_t)got[0], second, -1);
	if (child < 0 || reap_with_start(child, &second_start)) {
		fprintf(stderr, "exec_helper: same-pid: pid %llu again: %s\n", got[0],
			strerror(child < 0 ? -child : errno));
		return 1;
	}
	close(hold[1]); /* the first one's background job ends */
	while (wait(NULL) > 0 || errno == EINTR)
		;
	printf("%llu %d %llu %llu\n", got[0], (int)copy, got[1], second_start);
	return 0;
}

/* A fileless exec: the image's fd (opened before any fork) and how it is exec'd. */
struct fileless {
	const char *how;
	int fd;
	char fd_path[32]; /* /proc/self/fd/N */
	char fd_name[16]; /* N */
};

/* An unlinked copy of @path, open for reading (a file open for writing cannot be exec'd). */
static int deleted_copy(const char *path)
{
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char tmp[4096];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s/es-deleted-XXXXXX", dir);
	fd = mkstemp(tmp);
	if (fd < 0 || fchmod(fd, 0755) || copy_into(path, fd) < 0)
		return -1;
	close(fd);
	fd = open(tmp, O_RDONLY);
	return fd < 0 || unlink(tmp) ? -1 : fd;
}

static int fileless_open(struct fileless *f, const char *how, const char *path)
{
	f->how = how;
	if (!strcmp(how, "memfd") || !strcmp(how, "dirfd"))
		f->fd = memfd_copy(path);
	else if (!strcmp(how, "fexecve") || !strcmp(how, "fd"))
		f->fd = open(path, O_RDONLY);
	else if (!strcmp(how, "deleted"))
		f->fd = deleted_copy(path);
	else
		return -1;
	snprintf(f->fd_path, sizeof(f->fd_path), "/proc/self/fd/%d", f->fd);
	snprintf(f->fd_name, sizeof(f->fd_name), "%d", f->fd);
	return f->fd;
}

/* Name this process @comm and exec @argv the fileless way; never returns. */
static void fileless_exec(const struct fileless *f, const char *comm, char **argv)
{
	int dirfd;

	if (strcmp(comm, "-") && prctl(PR_SET_NAME, comm, 0, 0, 0))
		_exit(120);
	if (!strcmp(f->how, "memfd") || !strcmp(f->how, "fexecve")) {
		fexecve(f->fd, argv, environ);
	} else if (!strcmp(f->how, "dirfd")) {
		/* Opened here: /proc/self is the process that opens it. */
		dirfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY);
		syscall(SYS_execveat, dirfd, f->fd_name, argv, environ, 0);
	} else {
		execve(f->fd_path, argv, environ);
	}
	_exit(122);
}

/* Wait for @child (not EINTR); its wait status, or -1. */
static int wait_for(pid_t child)
{
	int status;

	while (waitpid(child, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return status;
}

/*
 * The daemon modes: a child forks the process that execs (@nested: a
 * child of that one does) and exits at once, so that it is re-parented
 * before it execs. Its pid comes back through a pipe. Prints it; 0 or 1.
 */
static int fileless_daemon(const struct fileless *f, const char *comm, char **argv, bool nested)
{
	int report[2], status;
	pid_t first, daemon, pid = 0;

	if (pipe2(report, O_CLOEXEC))
		return 1;
	first = fork();
	if (first == 0) {
		first = getpid();
		daemon = fork();
		if (daemon)
			_exit(daemon < 0);
		while (getppid() == first)
			usleep(1000);
		if (nested && (daemon = fork()) != 0) {
			/* The daemon: tells its child's pid, waits for it. */
			pid = daemon;
			_exit(daemon < 0 || write(report[1], &pid, sizeof(pid)) != sizeof(pid) ||
			      wait_for(daemon) != 0);
		}
		pid = getpid();
		if (!nested && write(report[1], &pid, sizeof(pid)) != sizeof(pid))
			_exit(123);
		fileless_exec(f, comm, argv);
	}
	close(report[1]);
	status = first < 0 ? -1 : wait_for(first);
	if (status != 0 || read(report[0], &pid, sizeof(pid)) != sizeof(pid))
		return 1;
	printf("%d\n", (int)pid);
	return 0;
}

static int fileless_mode(char **argv)
{
	const char *how = argv[0], *who = argv[1], *comm = argv[2];
	struct fileless f;
	int status;
	pid_t child;

	if (fileless_open(&f, how, argv[3]) < 0) {
		fprintf(stderr, "exec_helper: fileless %s %s: %s\n", how, argv[3], strerror(errno));
		return 1;
	}
	if (!strcmp(who, "self"))
		fileless_exec(&f, comm, &argv[4]);
	if (!strcmp(who, "daemon") || !strcmp(who, "daemon-child"))
		return fileless_daemon(&f, comm, &argv[4], !strcmp(who, "daemon-child"));
	if (strcmp(who, "child"))
		return 2;
	child = fork();
	if (child == 0)
		fileless_exec(&f, comm, &argv[4]);
	printf("%d\n", (int)child);
	fflush(stdout);
	status = child < 0 ? -1 : wait_for(child);
	return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(int argc, char **argv)
{
	int fileless, literal, status, fd;
	struct es_cold_exec cold;
	pid_t child;

	if (argc >= 4 && !strcmp(argv[1], "thread"))
		return thread_exec(&argv[2]);
	if (argc >= 7 && !strcmp(argv[1], "fileless"))
		return fileless_mode(&argv[2]);
	if (argc >= 5 && !strcmp(argv[1], "same-pid")) {
		char **sep = &argv[2];

		while (*sep && strcmp(*sep, "--"))
			sep++;
		if (*sep && sep > &argv[2] && sep[1]) {
			*sep = NULL;
			return same_pid(&argv[2], sep + 1);
		}
	}
	if (argc < 5 ||
	    (strcmp(argv[1], "exec") && strcmp(argv[1], "fexecve") && strcmp(argv[1], "literal"))) {
		fprintf(stderr, "usage: exec_helper exec|fexecve|literal COMM PATH ARG...\n"
				"       exec_helper thread PATH ARG...\n"
				"       exec_helper fileless HOW WHO COMM PATH ARG...\n"
				"       exec_helper same-pid PATH ARG... -- PATH ARG...\n");
		return 2;
	}
	fileless = !strcmp(argv[1], "fexecve");
	literal = !strcmp(argv[1], "literal");
	if (literal && es_cold_exec_prepare(&cold)) {
		perror("exec_helper: literal");
		return 1;
	}
	child = fork();
	if (child < 0) {
		perror("fork");
		return 1;
	}
	if (child == 0) {
		if (prctl(PR_SET_NAME, argv[2], 0, 0, 0))
			_exit(120);
		if (literal) {
			es_cold_exec_child(&cold);
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
	if (literal)
		printf("%s\n", es_cold_verdict_name(es_cold_exec_verdict(&cold)));
	fflush(stdout);
	while (getchar() != EOF)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
