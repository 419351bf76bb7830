// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <string.h>

#include "record_builder.h"

/* @path's components, leaf first, each with its NUL, at @out; their bytes. */
static size_t exe_components(const char *path, char *out)
{
	const char *end = path + strlen(path), *start;
	size_t used = 0;

	while (end > path) {
		start = end;
		while (start > path && start[-1] != '/')
			start--;
		if (end > start) {
			memcpy(out + used, start, (size_t)(end - start));
			used += (size_t)(end - start);
			out[used++] = '\0';
		}
		end = start > path ? start - 1 : path;
	}
	return used;
}

size_t es_test_record_make(void *buf, const struct es_test_record *spec)
{
	struct es_exec_record *r = buf;
	char *strings = (char *)(r + 1), *p;
	size_t i, n;

	memset(r, 0, sizeof(*r));
	r->hdr.type = spec->type ? spec->type : ES_RECORD_EXEC;
	r->hdr.pid = spec->pid;
	r->hdr.tid = spec->tid ? spec->tid : spec->pid;
	r->hdr.flags = spec->flags;
	r->hdr.time_ns = spec->time_ns;
	r->ppid = spec->ppid;
	r->uid = spec->uid;
	r->gid = spec->gid;
	r->ret = spec->ret;
	r->syscall = spec->syscall ? spec->syscall : ES_SYSCALL_EXECVE;
	r->path_misses = spec->path_misses;
	r->execveat_flags = spec->execveat_flags;
	r->dirfd = spec->dirfd ? spec->dirfd : -100;
	if (spec->comm)
		memcpy(r->comm, spec->comm, strnlen(spec->comm, sizeof(r->comm)));
	p = strings;
	if (spec->filename) {
		n = strlen(spec->filename);
		memcpy(p, spec->filename, n);
		r->filename_len = (uint16_t)n;
		p += n;
	}
	for (i = 0; spec->argv && spec->argv[i]; i++) {
		n = strlen(spec->argv[i]) + 1;
		memcpy(p, spec->argv[i], n);
		r->args_len += (uint16_t)n;
		p += n;
	}
	if (spec->exe) {
		r->exe_path_len = (uint16_t)exe_components(spec->exe, p);
		r->exe_ino = spec->exe_ino;
		r->exe_dev = spec->exe_dev;
		r->exe_nlink = spec->exe_nlink;
	} else if (r->hdr.type == ES_RECORD_EXEC) {
		r->hdr.flags |= ES_EXEC_F_EXE_ABSENT;
	}
	return (size_t)es_exec_record_size(r);
}
