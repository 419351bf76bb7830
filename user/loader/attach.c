// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "attach.h"

#define DEBUGFS_TRACING "/sys/kernel/debug/tracing"

#if defined(__x86_64__)
#define SYSCALL_PREFIX "__x64_sys_"
#elif defined(__aarch64__)
#define SYSCALL_PREFIX "__arm64_sys_"
#else
#error "execsensor supports x86_64 and aarch64"
#endif

int es_kprobe_available(char *why, size_t why_size)
{
	if (!access("/sys/bus/event_source/devices/kprobe/type", F_OK) ||
	    !access(ES_TRACEFS "/kprobe_events", F_OK) ||
	    !access(DEBUGFS_TRACING "/kprobe_events", F_OK))
		return 0;
	snprintf(why, why_size,
		 "the kernel has no kprobes (no kprobe PMU in "
		 "/sys/bus/event_source/devices, no kprobe_events in tracefs)");
	return -EOPNOTSUPP;
}

int es_syscall_functions(const char *const *syscalls, char (*funcs)[ES_SYSCALL_FUNC_MAX], int cnt,
			 char *why, size_t why_size)
{
	char line[512], sym[256], type;
	unsigned long long addr;
	int i, found = 0, err = 0;
	FILE *f;

	for (i = 0; i < cnt; i++)
		funcs[i][0] = '\0';
	f = fopen("/proc/kallsyms", "re");
	if (!f) {
		err = -errno;
		snprintf(why, why_size, "cannot read /proc/kallsyms: %s", strerror(-err));
		return err;
	}
	while (found < cnt && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, sym) != 3)
			continue;
		if (strncmp(sym, SYSCALL_PREFIX, strlen(SYSCALL_PREFIX)))
			continue;
		for (i = 0; i < cnt; i++) {
			if (!funcs[i][0] && strlen(sym) < ES_SYSCALL_FUNC_MAX &&
			    !strcmp(sym + strlen(SYSCALL_PREFIX), syscalls[i])) {
				memcpy(funcs[i], sym, strlen(sym) + 1);
				found++;
			}
		}
	}
	fclose(f);
	for (i = 0; i < cnt; i++) {
		if (!funcs[i][0]) {
			snprintf(why, why_size, "no %s%s in /proc/kallsyms", SYSCALL_PREFIX,
				 syscalls[i]);
			return -ENOENT;
		}
	}
	return 0;
}

/* A record field kern/execsensor.bpf.c reads, where it reads it. */
struct tp_field {
	const char *event; /* subsystem/event */
	const char *field; /* as in the format file, up to the ';' */
	int offset;
};

/* struct syscall_enter_record and struct syscall_exit_record. */
static const struct tp_field syscall_fields[] = {
	{ "syscalls/sys_enter_execve", "const char * filename", 16 },
	{ "syscalls/sys_enter_execve", "const char *const * argv", 24 },
	{ "syscalls/sys_enter_execveat", "int fd", 16 },
	{ "syscalls/sys_enter_execveat", "const char * filename", 24 },
	{ "syscalls/sys_enter_execveat", "const char *const * argv", 32 },
	{ "syscalls/sys_enter_execveat", "int flags", 48 },
	{ "syscalls/sys_exit_execve", "long ret", 16 },
	{ "syscalls/sys_exit_execveat", "long ret", 16 },
};

/* struct sched_process_exec_record and struct sched_process_exit_record. */
static const struct tp_field sched_fields[] = {
	{ "sched/sched_process_exec", "__data_loc char[] filename", 8 },
	{ "sched/sched_process_exec", "pid_t pid", 12 },
	{ "sched/sched_process_exec", "pid_t old_pid", 16 },
	{ "sched/sched_process_exit", "pid_t pid", 24 },
};

/* The offset of @field in @event's format file, or a negative errno. */
static int format_offset(const char *tracing, const char *event, const char *field)
{
	char path[256], line[512], want[128];
	int offset = -ENOENT;
	const char *p;
	FILE *f;

	snprintf(path, sizeof(path), "%s/events/%s/format", tracing, event);
	snprintf(want, sizeof(want), "field:%s;", field);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		p = strstr(line, want);
		if (!p)
			continue;
		p = strstr(p, "offset:");
		if (p)
			offset = atoi(p + strlen("offset:"));
		break;
	}
	fclose(f);
	return offset;
}

static const char *tracing_dir(void)
{
	if (!access(ES_TRACEFS "/events", F_OK))
		return ES_TRACEFS;
	if (!access(DEBUGFS_TRACING "/events", F_OK))
		return DEBUGFS_TRACING;
	return NULL;
}

/* tracefs's directory, mounted at ES_TRACEFS when no copy is (*mounted says so). */
static int tracing_mount(const char **tracing, bool *mounted, char *why, size_t why_size)
{
	int err;

	*tracing = tracing_dir();
	if (*tracing)
		return 0;
	if (mount("nodev", ES_TRACEFS, "tracefs", 0, NULL)) {
		err = -errno;
		snprintf(why, why_size, "tracefs is not mounted and mounting it at %s failed: %s",
			 ES_TRACEFS, strerror(-err));
		return err;
	}
	*mounted = true;
	*tracing = ES_TRACEFS;
	return 0;
}

/* Each of @fields where the programs read it, else why not. */
static int check_fields(const char *tracing, const struct tp_field *fields, size_t cnt,
			const char *missing_hint, char *why, size_t why_size)
{
	size_t i;
	int off;

	for (i = 0; i < cnt; i++) {
		off = format_offset(tracing, fields[i].event, fields[i].field);
		if (off == fields[i].offset)
			continue;
		if (off == -ENOENT && access(tracing, F_OK) == 0)
			snprintf(why, why_size, "%s has no field '%s' (or no such event%s)",
				 fields[i].event, fields[i].field, missing_hint);
		else if (off < 0)
			snprintf(why, why_size, "cannot read %s/events/%s/format: %s", tracing,
				 fields[i].event, strerror(-off));
		else
			snprintf(why, why_size,
				 "%s field '%s' at offset %d, the programs read offset %d",
				 fields[i].event, fields[i].field, off, fields[i].offset);
		return off < 0 ? off : -EPROTO;
	}
	return 0;
}

int es_tracepoints_ready(bool *mounted, char *why, size_t why_size)
{
	const char *tracing;
	int err;

	*mounted = false;
	err = tracing_mount(&tracing, mounted, why, why_size);
	if (err)
		return err;
	return check_fields(tracing, syscall_fields,
			    sizeof(syscall_fields) / sizeof(syscall_fields[0]),
			    ": kernel without CONFIG_FTRACE_SYSCALLS?", why, why_size);
}

int es_sched_ready(bool *mounted, char *why, size_t why_size)
{
	const char *tracing;
	int err;

	*mounted = false;
	err = tracing_mount(&tracing, mounted, why, why_size);
	if (err)
		return err;
	return check_fields(tracing, sched_fields, sizeof(sched_fields) / sizeof(sched_fields[0]),
			    "", why, why_size);
}

int es_fork_child_pid_offset(void)
{
	const char *tracing = tracing_dir();
	int off;

	if (!tracing)
		return -ENOENT;
	off = format_offset(tracing, "sched/sched_process_fork", "pid_t child_pid");
	if (off < 0)
		return off;
	return off == 20 || off == 44 ? off : -EPROTO;
}
