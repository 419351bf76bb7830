/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What the kernel-image files share: the decompressors and the message. */
#ifndef EXECSENSOR_KIMAGE_INTERNAL_H
#define EXECSENSOR_KIMAGE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "kimage.h"

/* Write the reason to @msg (ES_KIMAGE_MSG_MAX bytes) and return @err. */
int es_kimage_fail(char *msg, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The compression @in starts with ("gzip", "zstd"...), or NULL. */
const char *es_kimage_compression(const uint8_t *in, size_t len);

/*
 * Unpack one compressed stream at @in into a new buffer (*@out, *@out_len,
 * the caller frees it); what follows the stream is not read. 0 or -errno
 * with the reason in @msg.
 */
int es_kimage_decompress(const uint8_t *in, size_t len, uint8_t **out, size_t *out_len, char *msg);

#endif /* EXECSENSOR_KIMAGE_INTERNAL_H */
