// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * user/kimage over images made here: each layout the library knows, built
 * byte by byte after the kernel's own documents (the x86 boot protocol,
 * arm64's Image header, EFI zboot), around BTF or an ELF holding it, with
 * every compressor the kernel's build uses; and the files that lie. The
 * real images, Debian's kernels, are read by the kernel matrix, which holds
 * what they give to what each kernel resolved once booted.
 */
#include <errno.h>
#include <lz4.h>
#include <lzma.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "btf.h"
#include "btf_builder.h"
#include "check_main.h"
#include "kimage.h"

/* A kernel's BTF in small: struct task_struct { int pid; }. */
static void *task_btf(bool big_endian, size_t *size)
{
	struct bb b;
	uint32_t i, t;
	void *blob;

	bb_init(&b, NULL);
	i = bb_int(&b, "int", 4, 1, 32);
	t = bb_struct(&b, "task_struct", 4, false);
	bb_member(&b, "pid", i, 0, 0);
	(void)t;
	blob = bb_blob(&b, big_endian, size);
	bb_free(&b);
	return blob;
}

/* The ELF around the BTF, as a vmlinux holds it. */
static void *task_elf(size_t *size)
{
	size_t blob_size;
	void *blob = task_btf(false, &blob_size), *elf;

	elf = bb_elf(blob, blob_size, false, BB_ELF_BTF, size);
	free(blob);
	return elf;
}

struct buf {
	uint8_t *data;
	size_t len;
};

static void put(struct buf *b, size_t at, const void *data, size_t len)
{
	if (at + len > b->len) {
		b->data = realloc(b->data, at + len);
		ck_assert_ptr_nonnull(b->data);
		memset(b->data + b->len, 0, at + len - b->len);
		b->len = at + len;
	}
	memcpy(b->data + at, data, len);
}

static void put_le32(struct buf *b, size_t at, uint32_t v)
{
	uint8_t le[4] = { v, v >> 8, v >> 16, v >> 24 };

	put(b, at, le, 4);
}

static void put_le16(struct buf *b, size_t at, uint16_t v)
{
	uint8_t le[2] = { v, v >> 8 };

	put(b, at, le, 2);
}

enum method { GZIP, XZ, LZMA, LZ4, ZSTD, METHODS };
static const char *const method_names[] = { "gzip", "xz", "lzma", "lz4", "zstd" };

/* @in compressed as the kernel's build does it, then its 4-byte size appended. */
static struct buf pack(enum method m, const void *in, size_t len)
{
	struct buf out = { 0 };
	size_t cap = len * 2 + 1024, n = 0;

	out.data = malloc(cap);
	ck_assert_ptr_nonnull(out.data);
	switch (m) {
	case GZIP: {
		z_stream z = { .next_in = (Bytef *)in,
			       .avail_in = len,
			       .next_out = out.data,
			       .avail_out = cap };

		ck_assert_int_eq(
			deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
			Z_OK);
		ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
		n = z.total_out;
		deflateEnd(&z);
		break;
	}
	case XZ:
		ck_assert_int_eq(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, in, len,
							 out.data, &n, cap),
				 LZMA_OK);
		break;
	case LZMA: {
		lzma_options_lzma opt;
		lzma_stream z = LZMA_STREAM_INIT;

		lzma_lzma_preset(&opt, 6);
		ck_assert_int_eq(lzma_alone_encoder(&z, &opt), LZMA_OK);
		z.next_in = in;
		z.avail_in = len;
		z.next_out = out.data;
		z.avail_out = cap;
		ck_assert_int_eq(lzma_code(&z, LZMA_FINISH), LZMA_STREAM_END);
		n = z.total_out;
		lzma_end(&z);
		break;
	}
	case LZ4: { /* the legacy format: magic, then one block with its length */
		int c = LZ4_compress_default(in, (char *)out.data + 8, (int)len, (int)cap - 8);

		ck_assert_int_gt(c, 0);
		memcpy(out.data, "\x02\x21\x4c\x18", 4);
		memcpy(out.data + 4, (uint8_t[]){ c, c >> 8, c >> 16, c >> 24 }, 4);
		n = 8 + (size_t)c;
		break;
	}
	case ZSTD:
		n = ZSTD_compress(out.data, cap, in, len, 3);
		ck_assert(!ZSTD_isError(n));
		break;
	default:
		ck_abort();
	}
	out.len = n; /* put() grows from here, keeping what was packed */
	put_le32(&out, n, (uint32_t)len);
	return out;
}

#define SETUP_SECTS 2

/* An x86 bzImage whose payload is @payload, its release string "6.99.0-test". */
static struct buf bzimage(const struct buf *payload, uint16_t protocol)
{
	static const char release[] = "6.99.0-test (builder@example) #1 SMP";
	size_t pm = (SETUP_SECTS + 1) * 512; /* where the protected-mode code starts */
	struct buf b = { 0 };

	put(&b, 0x1f1, (uint8_t[]){ SETUP_SECTS }, 1);
	put(&b, 0x202, "HdrS", 4);
	put_le16(&b, 0x206, protocol);
	put(&b, 0x300, release, sizeof(release));
	put_le16(&b, 0x20e, 0x300 - 0x200);
	put_le32(&b, 0x248, 0x100); /* after some code */
	put_le32(&b, 0x24c, (uint32_t)payload->len);
	put(&b, pm + 0x100, payload->data, payload->len);
	put(&b, b.len, "tail", 4);
	return b;
}

/* An arm64 Image: its header, then data in which the BTF lies after a false start. */
static struct buf arm64_image(bool big_endian)
{
	struct buf b = { 0 };
	size_t btf_size;
	void *btf = task_btf(big_endian, &btf_size);
	/* A BTF header whose sections run past the end: not taken. */
	static const uint8_t false_start[] = { 0x9f, 0xeb, 1, 0, 24,   0,    0, 0,
					       0,    0,	   0, 0, 0xff, 0xff, 0, 0 };

	put(&b, 0x38, "ARM\x64", 4);
	put(&b, 0x1000, false_start, sizeof(false_start));
	put(&b, 0x2000, btf, btf_size);
	put(&b, b.len + 0x1000, "end", 3);
	free(btf);
	return b;
}

/* EFI zboot around @payload (already compressed). */
static struct buf zboot(const struct buf *payload, const char *comp)
{
	struct buf b = { 0 };

	put(&b, 0, "MZ", 2);
	put(&b, 4, "zimg", 4);
	put_le32(&b, 8, 0x200);
	put_le32(&b, 12, (uint32_t)payload->len);
	put(&b, 24, comp, strlen(comp));
	put(&b, 0x200, payload->data, payload->len);
	return b;
}

/* The image opens, its BTF has task_struct.pid, and it says how it was found. */
static void assert_opens(const struct buf *img, const char *how, const char *release)
{
	struct es_btf_member_info mi;
	struct es_btf_diag diag;
	char msg[ES_KIMAGE_MSG_MAX] = "";
	struct es_kimage k;
	struct es_btf *btf;

	ck_assert_msg(!es_kimage_open_mem(img->data, img->len, &k, msg), "%s: %s", how, msg);
	ck_assert_str_eq(k.how, how);
	ck_assert_str_eq(k.release, release);
	ck_assert_msg(!es_btf_open_mem(k.data, k.size, NULL, &btf, &diag), "%s", diag.msg);
	ck_assert_int_eq(es_btf_member_lookup(btf, "task_struct.pid", &mi, NULL), 0);
	es_btf_free(btf);
	es_kimage_free(&k);
}

static void assert_refused(const struct buf *img, int err, const char *words)
{
	char msg[ES_KIMAGE_MSG_MAX] = "";
	struct es_kimage k;

	ck_assert_int_eq(es_kimage_open_mem(img->data, img->len, &k, msg), err);
	ck_assert_msg(strstr(msg, words), "message '%s' lacks '%s'", msg, words);
	ck_assert_ptr_null(k.data);
}

START_TEST(bzimage_with_each_compressor)
{
	size_t elf_size;
	void *elf = task_elf(&elf_size);
	struct buf payload = pack((enum method)_i, elf, elf_size);
	struct buf img = bzimage(&payload, 0x20f);
	char how[64];

	snprintf(how, sizeof(how), "bzImage, %s payload: ELF", method_names[_i]);
	assert_opens(&img, how, "6.99.0-test");
	free(img.data);
	free(payload.data);
	free(elf);
}
END_TEST

START_TEST(raw_btf_and_elf)
{
	struct buf raw = { 0 }, be = { 0 }, elf = { 0 };

	raw.data = task_btf(false, &raw.len);
	be.data = task_btf(true, &be.len);
	elf.data = task_elf(&elf.len);
	assert_opens(&raw, "raw BTF", "");
	assert_opens(&be, "raw BTF", "");
	assert_opens(&elf, "ELF", "");
	free(raw.data);
	free(be.data);
	free(elf.data);
}
END_TEST

START_TEST(arm64_image_plain_gzipped_and_zboot)
{
	struct buf img = arm64_image(false), be = arm64_image(true);
	struct buf gz = pack(GZIP, img.data, img.len), zb = zboot(&gz, "gzip");
	struct buf zst = pack(ZSTD, img.data, img.len), zbz = zboot(&zst, "zstd");

	assert_opens(&img, "arm64 Image: .BTF", "");
	assert_opens(&be, "arm64 Image: .BTF", "");
	assert_opens(&gz, "gzip payload: arm64 Image: .BTF", "");
	assert_opens(&zb, "EFI zboot, gzip payload: arm64 Image: .BTF", "");
	assert_opens(&zbz, "EFI zboot, zstd payload: arm64 Image: .BTF", "");
	free(img.data);
	free(be.data);
	free(gz.data);
	free(zb.data);
	free(zst.data);
	free(zbz.data);
}
END_TEST

START_TEST(files_that_lie_are_refused)
{
	size_t elf_size;
	void *elf = task_elf(&elf_size);
	struct buf payload = pack(GZIP, elf, elf_size), img, bz2 = { 0 }, nested, junk = { 0 };
	struct buf bare = { 0 };
	int i;

	/* The payload said to run past the end of the file. */
	img = bzimage(&payload, 0x20f);
	put_le32(&img, 0x24c, (uint32_t)img.len);
	assert_refused(&img, -EINVAL, "past the file");
	free(img.data);
	/* A boot protocol before the payload fields. */
	img = bzimage(&payload, 0x207);
	assert_refused(&img, -ENOTSUP, "before 2.08");
	free(img.data);
	/* A compressor the kernel knows and we do not. */
	put(&bz2, 0, "BZh91AY&SY", 10);
	img = bzimage(&bz2, 0x20f);
	assert_refused(&img, -ENOTSUP, "bzip2: not supported");
	free(img.data);
	/* A payload cut short: the decoder fails, it is said. */
	payload.len /= 2;
	img = bzimage(&payload, 0x20f);
	assert_refused(&img, -EINVAL, "gzip");
	free(img.data);
	/* Compressed in itself, deeper than any kernel image is. */
	nested = pack(GZIP, elf, elf_size);
	for (i = 0; i < 4; i++) {
		struct buf outer = pack(GZIP, nested.data, nested.len);

		free(nested.data);
		nested = outer;
	}
	assert_refused(&nested, -EINVAL, "nested deeper");
	free(nested.data);
	/* Nothing it knows, and an arm64 Image with no BTF in it. */
	put(&junk, 0, "not a kernel", 12);
	assert_refused(&junk, -ENODATA, "not a kernel image");
	put(&bare, 0x38, "ARM\x64", 4);
	put(&bare, 0x4000, "", 1);
	assert_refused(&bare, -ENODATA, "without kernel BTF");
	free(junk.data);
	free(bare.data);
	free(bz2.data);
	free(payload.data);
	free(elf);
}
END_TEST

START_TEST(a_missing_file_is_said)
{
	char msg[ES_KIMAGE_MSG_MAX] = "";
	struct es_kimage k;

	ck_assert_int_eq(es_kimage_open("/nonexistent/vmlinuz", &k, msg), -ENOENT);
	ck_assert_str_eq(msg, "/nonexistent/vmlinuz: No such file or directory");
	ck_assert_int_eq(es_kimage_open("/", &k, msg), -EINVAL);
	ck_assert_msg(strstr(msg, "not a regular file"), "%s", msg);
}
END_TEST

int main(void)
{
	const struct es_check_case cases[] = {
		{ "bzimage", ES_CHECK_TESTS(bzimage_with_each_compressor), .loops = METHODS },
		{ "layouts", ES_CHECK_TESTS(raw_btf_and_elf, arm64_image_plain_gzipped_and_zboot,
					    files_that_lie_are_refused, a_missing_file_is_said) },
		{ NULL },
	};

	return es_check_run("kimage", NULL, cases);
}
