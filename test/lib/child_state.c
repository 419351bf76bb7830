// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "child_state.h"

/* /proc/<pid>/<name> into @buf, NUL-terminated, trailing newline dropped; "" if unreadable. */
static void read_proc(pid_t pid, const char *name, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

static const char *state_word(char state)
{
	switch (state) {
	case 'R':
		return "running";
	case 'S':
		return "sleeping";
	case 'D':
		return "uninterruptible";
	case 'T':
		return "stopped";
	case 't':
		return "traced";
	case 'Z':
		return "zombie";
	case 'X':
		return "dead";
	default:
		return "?";
	}
}

void es_child_describe(pid_t pid, char *buf, size_t size)
{
	char stat[512], wchan[128], syscall[128], exe[PATH_MAX] = "";
	const char *open_br, *close_br;
	char state = '?';
	ssize_t n;
	char path[64];

	read_proc(pid, "stat", stat, sizeof(stat));
	if (!stat[0]) {
		snprintf(buf, size, "pid %d: gone (reaped, or never existed)", (int)pid);
		return;
	}
	open_br = strchr(stat, '(');
	close_br = strrchr(stat, ')');
	if (close_br && close_br[1] == ' ')
		state = close_br[2];
	read_proc(pid, "wchan", wchan, sizeof(wchan));
	read_proc(pid, "syscall", syscall, sizeof(syscall));
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	/* syscall: the number and its arguments; the number is enough here. */
	syscall[strcspn(syscall, " ")] = '\0';
	snprintf(buf, size, "pid %d %.*s: state %c (%s), wchan %s, syscall %s, exe %s", (int)pid,
		 open_br && close_br > open_br ? (int)(close_br - open_br + 1) : 0,
		 open_br ? open_br : "", state, state_word(state), wchan[0] ? wchan : "-",
		 syscall[0] ? syscall : "-", exe[0] ? exe : "-");
}
