/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The BTF of a kernel that is not running, from the files its package ships,
 * so that a kernel upgrade can be checked before it is booted:
 *
 *   - a vmlinuz: an x86 bzImage (its payload compressed with gzip, xz, lzma,
 *     lz4 or zstd, a vmlinux ELF inside), an arm64 Image (its .BTF is in the
 *     image as loaded, found by its header), a gzip'd arm64 Image, or an EFI
 *     zboot image (arm64's CONFIG_EFI_ZBOOT) around one of those;
 *   - a vmlinux ELF (a -dbg package's), or raw BTF (BTFHub's files).
 *
 * What it finds is bytes es_btf_open_mem() takes: the caller parses them.
 */
#ifndef EXECSENSOR_KIMAGE_H
#define EXECSENSOR_KIMAGE_H

#include <stddef.h>

#define ES_KIMAGE_MSG_MAX 256
#define ES_KIMAGE_MAX	  (1ULL << 30) /* bytes read or unpacked, at most */

struct es_kimage {
	void *data; /* the BTF, or an ELF image holding .BTF */
	size_t size;
	char how[ES_KIMAGE_MSG_MAX]; /* "bzImage, zstd payload: vmlinux ELF" */
	char release[64]; /* the version string a bzImage carries, or "" */
};

/*
 * Find the BTF in the kernel image file @path. 0, or -errno with the reason
 * in @msg (ES_KIMAGE_MSG_MAX bytes): -ENOENT and the like for the file,
 * -ENODATA where it holds no BTF, -ENOTSUP for a compression not supported,
 * -EFBIG past ES_KIMAGE_MAX, -EINVAL for a file that lies about its layout.
 */
int es_kimage_open(const char *path, struct es_kimage *out, char *msg);

/* The same for an image already in memory (copied where it must be kept). */
int es_kimage_open_mem(const void *data, size_t size, struct es_kimage *out, char *msg);

void es_kimage_free(struct es_kimage *k);

#endif /* EXECSENSOR_KIMAGE_H */
