// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The live kernel tests' loader in a process of its own, for the cases that
 * need another namespace: the test forks and execs this program, so nothing
 * but an exec runs between its fork() and the new image.
 *
 *   loader_helper without-tracefs   in a new mount namespace without tracefs:
 *                                   the loader mounts it and events flow
 *   loader_helper nested-pidns      in a new PID namespace: the loader refuses
 *                                   to start (-EXDEV), naming the reason
 *
 * Exit status: 0 the expectation holds, 1 it does not (stderr says why),
 * 2-4 the scenario could not be set up.
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loader.h"

static void count_record(void *ctx, const struct es_record *rec)
{
	(void)rec;
	++*(unsigned long *)ctx;
}

static struct es_loader *load_and_attach(struct es_loader_opts *opts, unsigned long *records,
					 int *err)
{
	struct es_loader *l;

	opts->on_record = count_record;
	opts->ctx = records;
	l = es_loader_new(opts);
	if (!l) {
		*err = -errno;
		return NULL;
	}
	*err = es_loader_load(l);
	if (!*err)
		*err = es_loader_attach(l);
	return l;
}

static int without_tracefs(void)
{
	struct es_loader_opts opts = { .attach = ES_ATTACH_TRACEPOINT };
	unsigned long records = 0;
	struct es_loader *l;
	int err, ok;

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 3;
	umount2("/sys/kernel/tracing", MNT_DETACH);
	umount2("/sys/kernel/debug/tracing", MNT_DETACH);
	if (!access("/sys/kernel/tracing/events", F_OK) ||
	    !access("/sys/kernel/debug/tracing/events", F_OK))
		return 4; /* still visible: the test would prove nothing */
	l = load_and_attach(&opts, &records, &err);
	if (!l)
		return 2;
	ok = !err && es_loader_info(l)->tracefs_mounted &&
	     es_loader_info(l)->selftest == ES_SELFTEST_PASSED &&
	     !access("/sys/kernel/tracing/events/syscalls", F_OK);
	if (!ok)
		fprintf(stderr, "without tracefs: err %d: %s\n", err, es_loader_error(l));
	es_loader_destroy(l);
	return ok ? 0 : 1;
}

/*
 * Pid 1 of a new PID namespace, exec'd by nested_pidns(), with a /proc of
 * its own namespace as a container has (and as LeakSanitizer needs).
 */
static int nested_pidns_inner(void)
{
	struct es_loader_opts opts = { 0 };
	unsigned long records = 0;
	struct es_loader *l;
	int err, refused;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		return 3;
	l = load_and_attach(&opts, &records, &err);
	if (!l)
		return 2;
	refused = err == -EXDEV && strstr(es_loader_error(l), "nested PID namespace") != NULL;
	if (!refused)
		fprintf(stderr, "nested PID namespace: err %d: %s\n", err, es_loader_error(l));
	es_loader_destroy(l);
	return refused ? 0 : 1;
}

static int nested_pidns(void)
{
	char self[PATH_MAX], inner_arg[] = "nested-pidns-inner";
	char *argv[] = { self, inner_arg, NULL };
	ssize_t n;
	int status;
	pid_t inner;

	/* Resolved before fork: the child only execs. */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return 3;
	self[n] = '\0';
	/*
	 * clone() with fork semantics, so that only the child is in the new
	 * namespaces: after unshare(CLONE_NEWPID) this process could not fork
	 * again once the namespace's init is gone (LeakSanitizer does, at exit).
	 */
	inner = (pid_t)syscall(SYS_clone, CLONE_NEWPID | CLONE_NEWNS | SIGCHLD, NULL, NULL, NULL,
			       NULL);
	if (inner < 0)
		return 3;
	if (inner == 0) {
		execv(self, argv);
		_exit(4);
	}
	if (waitpid(inner, &status, 0) != inner || !WIFEXITED(status))
		return 4;
	return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "without-tracefs"))
		return without_tracefs();
	if (argc == 2 && !strcmp(argv[1], "nested-pidns"))
		return nested_pidns();
	if (argc == 2 && !strcmp(argv[1], "nested-pidns-inner"))
		return nested_pidns_inner();
	fprintf(stderr, "usage: loader_helper without-tracefs|nested-pidns\n");
	return 2;
}
