// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "exec_report.h"

const char *es_ppid_source_name(enum es_ppid_source src)
{
	switch (src) {
	case ES_PPID_SOURCE_KERNEL:
		return "kernel";
	case ES_PPID_SOURCE_PROCFS:
		return "procfs";
	case ES_PPID_SOURCE_FORK:
		return "fork";
	default:
		return "unknown";
	}
}

void es_tty_name(const struct es_exec_context *ctx, char *out, size_t size)
{
	size_t len = strnlen(ctx->tty, sizeof(ctx->tty));

	if (!size)
		return;
	out[0] = '\0';
	if (!(ctx->present & ES_CTX_F_TTY) || !len)
		return;
	/* Unix98 pty slaves are "pts<N>" in the kernel, /dev/pts/<N> to users. */
	if (len > 3 && !strncmp(ctx->tty, "pts", 3) &&
	    strspn(ctx->tty + 3, "0123456789") == len - 3)
		snprintf(out, size, "pts/%.*s", (int)(len - 3), ctx->tty + 3);
	else
		snprintf(out, size, "%.*s", (int)len, ctx->tty);
}

bool es_argv_truncated(const struct es_exec_view *view)
{
	return view->rec->hdr.flags &
	       (ES_EXEC_F_ARGV_TRUNCATED | ES_EXEC_F_ARGV_FAULT | ES_EXEC_F_ARGV_ABSENT);
}

bool es_lineage_exit_code(const struct es_lineage_report *r, int *code)
{
	if (r->type != ES_RECORD_EXIT || !r->status_known || !WIFEXITED(r->exit_code))
		return false;
	*code = WEXITSTATUS(r->exit_code);
	return true;
}

bool es_lineage_signal(const struct es_lineage_report *r, int *sig)
{
	if (r->type != ES_RECORD_EXIT || !r->status_known || !WIFSIGNALED(r->exit_code))
		return false;
	*sig = WTERMSIG(r->exit_code);
	return true;
}

void es_exe_from_view(const struct es_exec_view *view, struct es_exe *exe)
{
	const struct es_exec_record *r = view->rec;
	int len;

	memset(exe, 0, sizeof(*exe));
	if (r->hdr.type != ES_RECORD_EXEC ||
	    (r->hdr.flags & (ES_EXEC_F_EXE_ABSENT | ES_EXEC_F_EXE_FAULT)) || !view->exe_len)
		return;
	len = es_exe_path(view->exe, view->exe_len, exe->path, sizeof(exe->path));
	exe->known = true;
	exe->truncated = len < 0 || (r->hdr.flags & ES_EXEC_F_EXE_TRUNCATED);
	exe->ino = r->exe_ino;
	exe->dev = es_kernel_dev_to_user(r->exe_dev);
	exe->nlink = r->exe_nlink;
	/* A memfd is a file of no directory named "memfd:NAME" (mm/memfd.c). */
	exe->memfd = (r->hdr.flags & ES_EXEC_F_EXE_PSEUDO) && !strncmp(exe->path, "/memfd:", 7);
}
