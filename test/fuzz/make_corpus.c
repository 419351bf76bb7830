// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Writes the fuzzer's seed corpus into a directory: small valid BTF (both
 * byte orders, raw and in ELF, split) and one malformed blob per kind of
 * mistake, so fuzzing starts next to every validation rule.
 *   make_corpus DIR
 */
#include <errno.h>
#include <linux/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "btf_builder.h"
#include "task_btf.h"

static const char *dir;
static int failures;

static void write_seed(const char *name, const void *data, size_t size)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f)) {
		fprintf(stderr, "make_corpus: %s: %s\n", path, strerror(errno));
		failures++;
	}
}

/* Built from @b, raw and in ELF, in one byte order; frees @b. */
static void seed(const char *name, struct bb *b, bool big_endian, bool elf_too)
{
	char elf_name[256];
	size_t size, elf_size;
	void *blob = bb_blob(b, big_endian, &size), *elf;

	write_seed(name, blob, size);
	if (elf_too) {
		elf = bb_elf(blob, size, big_endian, BB_ELF_BTF, &elf_size);
		snprintf(elf_name, sizeof(elf_name), "%s.o", name);
		write_seed(elf_name, elf, elf_size);
		free(elf);
	}
	free(blob);
}

int main(int argc, char **argv)
{
	struct bb b, base;
	size_t size;
	void *blob;

	if (argc != 2) {
		fprintf(stderr, "usage: make_corpus DIR\n");
		return 2;
	}
	dir = argv[1];
	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "make_corpus: %s: %s\n", dir, strerror(errno));
		return 1;
	}

	task_btf_build(&b);
	seed("task_le", &b, false, true);
	seed("task_be", &b, true, true);

	/* Split BTF over the task BTF, which the harness also uses as the base of every input. */
	task_btf_build(&base);
	bb_init(&b, &base);
	bb_struct(&b, "mod", 8, false);
	bb_member(&b, "owner", bb_next_id(&b), 0, 0);
	bb_ref(&b, BTF_KIND_PTR, NULL, 5);
	seed("split", &b, false, false);
	bb_free(&b);
	bb_free(&base);

	task_btf_build(&b);
	bb_ref(&b, BTF_KIND_TYPEDEF, "loop", bb_next_id(&b));
	seed("typedef_loop", &b, false, false);
	bb_free(&b);

	task_btf_build(&b);
	bb_struct(&b, "self", 4, false);
	bb_member(&b, NULL, bb_next_id(&b) - 1, 0, 0);
	seed("anon_loop", &b, false, false);
	bb_free(&b);

	task_btf_build(&b);
	bb_type(&b, "future", 20, 0, false, 0);
	seed("unknown_kind", &b, false, false);
	bb_free(&b);

	task_btf_build(&b);
	bb_ref(&b, BTF_KIND_PTR, NULL, 999);
	seed("missing_type", &b, false, false);
	bb_free(&b);

	task_btf_build(&b);
	bb_union(&b, "u", 4, false);
	bb_member(&b, "x", 1, 8, 0);
	seed("union_offset", &b, false, false);
	bb_free(&b);

	/* Header variants on the little-endian task blob. */
	task_btf_build(&b);
	blob = bb_blob(&b, false, &size);
	((struct btf_header *)blob)->hdr_len = 32;
	write_seed("hdr_len", blob, size);
	((struct btf_header *)blob)->hdr_len = 24;
	write_seed("truncated", blob, size / 2);
	free(blob);
	bb_free(&b);

	return failures ? 1 : 0;
}
