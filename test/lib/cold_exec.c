// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "cold_exec.h"

#define FAULT_AROUND_MAX (64 * 1024) /* the kernel maps up to this around a page fault */
#define PAGEMAP_PRESENT	 (1ULL << 63)

static const struct {
	char pad_before[2 * FAULT_AROUND_MAX];
	char path[16];
	char pad_between[2 * FAULT_AROUND_MAX];
	char arg0[8];
	char pad_between2[2 * FAULT_AROUND_MAX];
	char arg1[24];
	char pad_after[2 * FAULT_AROUND_MAX];
} cold_literals = {
	.path = ES_COLD_PATH,
	.arg0 = ES_COLD_ARG0,
	.arg1 = ES_COLD_ARG1,
};

int es_cold_exec_prepare(struct es_cold_exec *c)
{
	c->page_size = sysconf(_SC_PAGESIZE);
	if (c->page_size <= 0)
		return -EINVAL;
	return pipe2(c->pipe, O_CLOEXEC) ? -errno : 0;
}

/* Whether the page of @addr is in this process's page table (pagemap's bit 63). */
static int page_mapped(int pagemap, const void *addr, long page_size)
{
	uint64_t entry;
	off_t at = (off_t)((uintptr_t)addr / (uintptr_t)page_size) * (off_t)sizeof(entry);

	if (pread(pagemap, &entry, sizeof(entry), at) != sizeof(entry))
		return -1;
	return (entry & PAGEMAP_PRESENT) != 0;
}

void es_cold_exec_child(struct es_cold_exec *c)
{
	const void *literals[] = { cold_literals.path, cold_literals.arg0, cold_literals.arg1 };
	char verdict = '1';
	unsigned int i;
	int pagemap;

	close(c->pipe[0]);
	pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	for (i = 0; i < sizeof(literals) / sizeof(literals[0]); i++) {
		int mapped = pagemap < 0 ? -1 : page_mapped(pagemap, literals[i], c->page_size);

		if (mapped > 0)
			verdict = '0';
		else if (mapped < 0 && verdict == '1')
			verdict = '?';
	}
	if (pagemap >= 0)
		close(pagemap);
	if (write(c->pipe[1], &verdict, 1) != 1)
		_exit(123);
	execl(cold_literals.path, cold_literals.arg0, cold_literals.arg1, (char *)NULL);
	_exit(122);
}

enum es_cold_verdict es_cold_exec_verdict(struct es_cold_exec *c)
{
	char verdict = '?';
	ssize_t n;

	close(c->pipe[1]);
	do
		n = read(c->pipe[0], &verdict, 1);
	while (n < 0 && errno == EINTR);
	close(c->pipe[0]);
	if (n != 1 || verdict == '?')
		return ES_COLD_UNKNOWN;
	return verdict == '1' ? ES_COLD_UNMAPPED : ES_COLD_MAPPED;
}

const char *es_cold_verdict_name(enum es_cold_verdict v)
{
	switch (v) {
	case ES_COLD_UNMAPPED:
		return "unmapped";
	case ES_COLD_MAPPED:
		return "mapped";
	default:
		return "unknown";
	}
}
