// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A kernel's compressed payload, unpacked with the compressors' own
 * libraries. The kernel's build appends the unpacked size after the stream
 * (4 bytes): every decoder stops at the end of its stream, and what follows
 * is not read.
 */
#include <errno.h>
#include <lz4.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "kimage_internal.h"

#define CHUNK		 (1u << 20)
#define LZ4_LEGACY_MAGIC 0x184c2102u
#define LZ4_LEGACY_BLOCK (8u << 20) /* the legacy format's block, unpacked */

/* The output buffer, grown by CHUNK up to ES_KIMAGE_MAX. */
struct sink {
	uint8_t *data;
	size_t len, cap;
};

static int sink_room(struct sink *s, size_t want)
{
	size_t cap = s->cap;
	uint8_t *data;

	if (s->cap - s->len >= want)
		return 0;
	if (want > ES_KIMAGE_MAX - s->len)
		return -EFBIG;
	while (cap - s->len < want)
		cap = cap ? cap * 2 : CHUNK;
	if (cap > ES_KIMAGE_MAX)
		cap = ES_KIMAGE_MAX;
	data = realloc(s->data, cap);
	if (!data)
		return -ENOMEM;
	s->data = data;
	s->cap = cap;
	return 0;
}

static int gunzip(const uint8_t *in, size_t len, struct sink *s, char *msg)
{
	z_stream z = { .next_in = (Bytef *)in, .avail_in = (uInt)len };
	int ret = Z_OK, err = 0;

	if (len > UINT32_MAX || inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return es_kimage_fail(msg, -EINVAL, "gzip: cannot start the decoder");
	while (ret != Z_STREAM_END) {
		err = sink_room(s, CHUNK);
		if (err)
			break;
		z.next_out = s->data + s->len;
		z.avail_out = CHUNK;
		ret = inflate(&z, Z_NO_FLUSH);
		s->len += CHUNK - z.avail_out;
		if (ret != Z_OK && ret != Z_STREAM_END) {
			err = es_kimage_fail(msg, -EINVAL, "gzip: %s", z.msg ? z.msg : "bad data");
			break;
		}
	}
	inflateEnd(&z);
	return err;
}

/* xz, or the older lzma ("alone") format: liblzma reads both. */
static int unxz(const uint8_t *in, size_t len, bool alone, struct sink *s, char *msg)
{
	lzma_stream z = LZMA_STREAM_INIT;
	lzma_ret ret = LZMA_OK;
	int err = 0;

	ret = alone ? lzma_alone_decoder(&z, UINT64_MAX) : lzma_stream_decoder(&z, UINT64_MAX, 0);
	if (ret != LZMA_OK)
		return es_kimage_fail(msg, -EINVAL, "xz: cannot start the decoder (%d)", (int)ret);
	z.next_in = in;
	z.avail_in = len;
	while (ret != LZMA_STREAM_END) {
		err = sink_room(s, CHUNK);
		if (err)
			break;
		z.next_out = s->data + s->len;
		z.avail_out = CHUNK;
		ret = lzma_code(&z, LZMA_FINISH);
		s->len += CHUNK - z.avail_out;
		if (ret != LZMA_OK && ret != LZMA_STREAM_END) {
			err = es_kimage_fail(msg, -EINVAL, "%s: corrupt data (%d)",
					     alone ? "lzma" : "xz", (int)ret);
			break;
		}
	}
	lzma_end(&z);
	return err;
}

static int unzstd(const uint8_t *in, size_t len, struct sink *s, char *msg)
{
	ZSTD_inBuffer src = { in, len, 0 };
	ZSTD_DStream *z = ZSTD_createDStream();
	size_t ret = 1;
	int err = 0;

	if (!z)
		return -ENOMEM;
	while (ret != 0) {
		ZSTD_outBuffer dst;

		err = sink_room(s, CHUNK);
		if (err)
			break;
		dst = (ZSTD_outBuffer){ s->data + s->len, CHUNK, 0 };
		ret = ZSTD_decompressStream(z, &dst, &src);
		s->len += dst.pos;
		if (ZSTD_isError(ret)) {
			err = es_kimage_fail(msg, -EINVAL, "zstd: %s", ZSTD_getErrorName(ret));
			break;
		}
		if (ret && src.pos == src.size && dst.pos < dst.size) {
			err = es_kimage_fail(msg, -EINVAL, "zstd: the stream is cut short");
			break;
		}
	}
	ZSTD_freeDStream(z);
	return err;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * lz4's legacy format (lz4 -l, the kernel's): the magic, then blocks, each a
 * 32-bit length and that many bytes that unpack to at most 8 MiB. A length
 * that does not fit what is left is the size the kernel's build appended.
 */
static int unlz4(const uint8_t *in, size_t len, struct sink *s, char *msg)
{
	size_t pos = 4;
	int err;

	while (len - pos >= 4) {
		uint32_t block = le32(in + pos);
		int n;

		if (block == LZ4_LEGACY_MAGIC) { /* a stream concatenated to this one */
			pos += 4;
			continue;
		}
		if (block == 0 || block > len - pos - 4 ||
		    block > (uint32_t)LZ4_compressBound(LZ4_LEGACY_BLOCK))
			break;
		err = sink_room(s, LZ4_LEGACY_BLOCK);
		if (err)
			return err;
		n = LZ4_decompress_safe((const char *)in + pos + 4, (char *)s->data + s->len,
					(int)block, LZ4_LEGACY_BLOCK);
		if (n < 0)
			return es_kimage_fail(msg, -EINVAL, "lz4: corrupt block at byte %zu", pos);
		s->len += (size_t)n;
		pos += 4 + block;
	}
	return s->len ? 0 : es_kimage_fail(msg, -EINVAL, "lz4: no block");
}

static int unxz_stream(const uint8_t *in, size_t len, struct sink *s, char *msg)
{
	return unxz(in, len, false, s, msg);
}

static int unlzma(const uint8_t *in, size_t len, struct sink *s, char *msg)
{
	return unxz(in, len, true, s, msg);
}

typedef int (*unpack_fn)(const uint8_t *in, size_t len, struct sink *s, char *msg);

static const struct compressor {
	const char *name;
	uint8_t magic[6];
	size_t magic_len;
	unpack_fn unpack; /* NULL: known, not supported */
} compressors[] = {
	{ "gzip", { 0x1f, 0x8b }, 2, gunzip },
	{ "xz", { 0xfd, '7', 'z', 'X', 'Z', 0 }, 6, unxz_stream },
	{ "lzma", { 0x5d, 0, 0 }, 3, unlzma },
	{ "lz4", { 0x02, 0x21, 0x4c, 0x18 }, 4, unlz4 },
	{ "zstd", { 0x28, 0xb5, 0x2f, 0xfd }, 4, unzstd },
	{ "bzip2", { 'B', 'Z', 'h' }, 3, NULL },
	{ "lzo", { 0x89, 'L', 'Z', 'O', 0 }, 5, NULL },
};

static const struct compressor *compressor_of(const uint8_t *in, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(compressors) / sizeof(compressors[0]); i++)
		if (len >= compressors[i].magic_len &&
		    !memcmp(in, compressors[i].magic, compressors[i].magic_len))
			return &compressors[i];
	return NULL;
}

const char *es_kimage_compression(const uint8_t *in, size_t len)
{
	const struct compressor *c = compressor_of(in, len);

	return c ? c->name : NULL;
}

int es_kimage_decompress(const uint8_t *in, size_t len, uint8_t **out, size_t *out_len, char *msg)
{
	const struct compressor *c = compressor_of(in, len);
	struct sink s = { 0 };
	int err;

	if (!c)
		return es_kimage_fail(
			msg, -ENOTSUP,
			"compressed with an unknown method (first bytes %02x %02x %02x %02x)",
			len > 0 ? in[0] : 0, len > 1 ? in[1] : 0, len > 2 ? in[2] : 0,
			len > 3 ? in[3] : 0);
	if (!c->unpack)
		return es_kimage_fail(
			msg, -ENOTSUP,
			"compressed with %s: not supported (gzip, xz, lzma, lz4, zstd are)",
			c->name);
	err = c->unpack(in, len, &s, msg);
	if (err == -EFBIG)
		es_kimage_fail(msg, err, "%s: unpacks to more than %llu bytes", c->name,
			       (unsigned long long)ES_KIMAGE_MAX);
	else if (err == -ENOMEM)
		es_kimage_fail(msg, err, "%s: out of memory", c->name);
	if (err) {
		free(s.data);
		return err;
	}
	*out = s.data;
	*out_len = s.len;
	return 0;
}
