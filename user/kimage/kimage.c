// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Which kernel image a file is, told by its content, and where its BTF is.
 * Layouts: Documentation/arch/x86/boot.rst (the bzImage setup header),
 * Documentation/arch/arm64/booting.rst (the Image header), and
 * drivers/firmware/efi/libstub/zboot-header.S (EFI zboot).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btf.h"
#include "kimage_internal.h"

#define NESTING_MAX 3 /* a zboot image around a gzip'd Image is two */

/* x86 setup header (boot.rst), offsets in the file */
#define BZ_SETUP_SECTS 0x1f1
#define BZ_HEADER      0x202 /* "HdrS" */
#define BZ_VERSION     0x206
#define BZ_KERNEL_VER  0x20e /* the version string's offset, less 0x200 */
#define BZ_PAYLOAD_OFF 0x248
#define BZ_PAYLOAD_LEN 0x24c
#define BZ_MIN_VERSION 0x208 /* the payload fields exist */
/* arm64 Image header (booting.rst) */
#define ARM64_MAGIC_OFF 0x38 /* "ARM\x64" */
/* EFI zboot header */
#define ZBOOT_MAGIC_OFF 4 /* "zimg" */
#define ZBOOT_PAYLOAD	8 /* offset, then size, of the compressed payload */
#define ZBOOT_COMP_TYPE 24 /* its compression's name, NUL-padded to 32 bytes */
#define BTF_HDR_LEN	24

int es_kimage_fail(char *msg, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, ES_KIMAGE_MSG_MAX, fmt, ap);
	va_end(ap);
	return err;
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* Say how the BTF was found: @step, then what came before (outermost first). */
static void how_add(struct es_kimage *k, const char *step)
{
	size_t len = strlen(k->how);

	snprintf(k->how + len, sizeof(k->how) - len, "%s%s", len ? ": " : "", step);
}

/* Keep @size bytes from @data as the result (copied). */
static int keep_copy(struct es_kimage *k, const uint8_t *data, size_t size, char *msg)
{
	k->data = malloc(size);
	if (!k->data)
		return es_kimage_fail(msg, -ENOMEM, "out of memory for %zu bytes", size);
	memcpy(k->data, data, size);
	k->size = size;
	return 0;
}

static int from_mem(const uint8_t *data, size_t size, struct es_kimage *k, int depth, char *msg);

/* A compressed stream at @data: unpacked, then told apart again. */
static int from_compressed(const uint8_t *data, size_t size, const char *around,
			   struct es_kimage *k, int depth, char *msg)
{
	char step[96];
	uint8_t *raw;
	size_t len;
	int err;

	err = es_kimage_decompress(data, size, &raw, &len, msg);
	if (err)
		return err;
	snprintf(step, sizeof(step), "%s%s%s payload", around, *around ? ", " : "",
		 es_kimage_compression(data, size));
	how_add(k, step);
	err = from_mem(raw, len, k, depth + 1, msg);
	if (!err && k->data == NULL) { /* the unpacked bytes are the result itself */
		k->data = raw;
		k->size = len;
		return 0;
	}
	free(raw);
	return err;
}

/* The version string a bzImage's setup header points to, up to its first space. */
static void bz_release(const uint8_t *data, size_t size, struct es_kimage *k)
{
	size_t at = (size_t)get_le16(data + BZ_KERNEL_VER) + 0x200, n = 0;

	while (at + n < size && n < sizeof(k->release) - 1 && data[at + n] > ' ' &&
	       data[at + n] < 0x7f)
		n++;
	memcpy(k->release, data + at, n);
	k->release[n] = '\0';
}

static int from_bzimage(const uint8_t *data, size_t size, struct es_kimage *k, int depth, char *msg)
{
	uint64_t setup, off, len;

	if (get_le16(data + BZ_VERSION) < BZ_MIN_VERSION)
		return es_kimage_fail(msg, -ENOTSUP,
				      "bzImage boot protocol %#x: before 2.08, "
				      "no payload fields",
				      get_le16(data + BZ_VERSION));
	setup = data[BZ_SETUP_SECTS] ? data[BZ_SETUP_SECTS] : 4;
	off = (setup + 1) * 512 + get_le32(data + BZ_PAYLOAD_OFF);
	len = get_le32(data + BZ_PAYLOAD_LEN);
	if (off > size || len > size - off)
		return es_kimage_fail(msg, -EINVAL,
				      "bzImage: payload at %llu, %llu bytes, past the file's %zu",
				      (unsigned long long)off, (unsigned long long)len, size);
	bz_release(data, size, k);
	return from_compressed(data + off, len, "bzImage", k, depth, msg);
}

static int from_zboot(const uint8_t *data, size_t size, struct es_kimage *k, int depth, char *msg)
{
	uint64_t off = get_le32(data + ZBOOT_PAYLOAD), len = get_le32(data + ZBOOT_PAYLOAD + 4);

	if (off > size || len > size - off)
		return es_kimage_fail(msg, -EINVAL,
				      "EFI zboot: payload at %llu, %llu bytes, past the file's %zu",
				      (unsigned long long)off, (unsigned long long)len, size);
	return from_compressed(data + off, len, "EFI zboot", k, depth, msg);
}

/* The whole BTF whose header is at @hdr, when it fits in @left bytes: its size, else 0. */
static size_t btf_extent(const uint8_t *hdr, size_t left, bool swapped)
{
	uint32_t v[4];
	uint64_t end;
	int i;

	if (left < BTF_HDR_LEN)
		return 0;
	for (i = 0; i < 4; i++) {
		const uint8_t *p = hdr + 8 + 4 * i;

		v[i] = swapped ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
					 p[3]
			       : get_le32(p);
	}
	end = (uint64_t)v[0] + v[1]; /* types */
	if ((uint64_t)v[2] + v[3] > end)
		end = (uint64_t)v[2] + v[3]; /* strings */
	end += BTF_HDR_LEN;
	return end <= left ? (size_t)end : 0;
}

/*
 * An arm64 Image is the kernel as loaded, .BTF among its data: the first
 * BTF header (version 1, no flags, 24 bytes long) whose BTF our parser
 * accepts whole and which has struct task_struct.
 */
static int from_arm64_image(const uint8_t *data, size_t size, struct es_kimage *k, char *msg)
{
	static const uint8_t le_hdr[8] = { 0x9f, 0xeb, 1, 0, BTF_HDR_LEN, 0, 0, 0 };
	static const uint8_t be_hdr[8] = { 0xeb, 0x9f, 1, 0, 0, 0, 0, BTF_HDR_LEN };
	const uint8_t *p = data, *end = data + size;

	while (p < end) {
		const uint8_t *le = memmem(p, (size_t)(end - p), le_hdr, sizeof(le_hdr));
		const uint8_t *be = memmem(p, (size_t)(end - p), be_hdr, sizeof(be_hdr));
		const uint8_t *hit = le && (!be || le < be) ? le : be;
		struct es_btf *btf;
		size_t len;

		if (!hit)
			break;
		len = btf_extent(hit, (size_t)(end - hit), hit == be);
		if (len && !es_btf_open_mem(hit, len, NULL, &btf, NULL)) {
			struct es_btf_member_info mi;
			bool kernel = !es_btf_member_lookup(btf, "task_struct.pid", &mi, NULL);

			es_btf_free(btf);
			if (kernel) {
				how_add(k, "arm64 Image: .BTF");
				return keep_copy(k, hit, len, msg);
			}
		}
		p = hit + 1;
	}
	return es_kimage_fail(msg, -ENODATA,
			      "arm64 Image without kernel BTF "
			      "(CONFIG_DEBUG_INFO_BTF off?)");
}

/*
 * Tell @data apart and find its BTF. On success either k->data is set, or
 * (for raw BTF and ELF) nothing is, and @data itself is the result.
 */
static int from_mem(const uint8_t *data, size_t size, struct es_kimage *k, int depth, char *msg)
{
	if (depth > NESTING_MAX)
		return es_kimage_fail(msg, -EINVAL, "images nested deeper than %d", NESTING_MAX);
	if (size >= 4 && !memcmp(data, "\177ELF", 4)) {
		how_add(k, "ELF");
		return 0;
	}
	if (size >= 2 &&
	    ((data[0] == 0x9f && data[1] == 0xeb) || (data[0] == 0xeb && data[1] == 0x9f))) {
		how_add(k, "raw BTF");
		return 0;
	}
	if (size > BZ_PAYLOAD_LEN + 4 && !memcmp(data + BZ_HEADER, "HdrS", 4))
		return from_bzimage(data, size, k, depth, msg);
	if (size > ZBOOT_COMP_TYPE && !memcmp(data, "MZ", 2) &&
	    !memcmp(data + ZBOOT_MAGIC_OFF, "zimg", 4))
		return from_zboot(data, size, k, depth, msg);
	if (size > ARM64_MAGIC_OFF + 4 && !memcmp(data + ARM64_MAGIC_OFF, "ARM\x64", 4))
		return from_arm64_image(data, size, k, msg);
	if (es_kimage_compression(data, size))
		return from_compressed(data, size, "", k, depth, msg);
	return es_kimage_fail(msg, -ENODATA,
			      "not a kernel image: neither a bzImage, an arm64 Image, EFI zboot, "
			      "ELF, BTF nor a compressed stream");
}

int es_kimage_open_mem(const void *data, size_t size, struct es_kimage *out, char *msg)
{
	int err;

	memset(out, 0, sizeof(*out));
	err = from_mem(data, size, out, 0, msg);
	if (!err && !out->data)
		err = keep_copy(out, data, size, msg);
	if (err)
		es_kimage_free(out);
	return err;
}

int es_kimage_open(const char *path, struct es_kimage *out, char *msg)
{
	struct stat st;
	uint8_t *data = NULL;
	size_t got = 0;
	int fd, err = 0;

	memset(out, 0, sizeof(*out));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		err = -errno;
		es_kimage_fail(msg, err, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > ES_KIMAGE_MAX) {
		err = es_kimage_fail(msg, S_ISREG(st.st_mode) ? -EFBIG : -EINVAL,
				     "%s: not a regular file of at most %llu bytes", path,
				     (unsigned long long)ES_KIMAGE_MAX);
		goto out;
	}
	data = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!data) {
		err = es_kimage_fail(msg, -ENOMEM, "%s: out of memory", path);
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, data + got, (size_t)st.st_size - got);

		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			es_kimage_fail(msg, err, "%s: read: %s", path,
				       n < 0 ? strerror(errno) : "shorter than its size");
			goto out;
		}
		got += (size_t)n;
	}
	err = from_mem(data, got, out, 0, msg);
	if (!err && !out->data) { /* the file itself is the result */
		out->data = data;
		out->size = got;
		data = NULL;
	}
	if (err)
		es_kimage_free(out);
out:
	free(data);
	if (fd >= 0)
		close(fd);
	return err;
}

void es_kimage_free(struct es_kimage *k)
{
	free(k->data);
	memset(k, 0, sizeof(*k));
}
