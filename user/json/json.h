/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * JSON string escaping for arbitrary bytes, losslessly (docs/events.md,
 * "Strings"):
 *   - well-formed UTF-8 passes through, except the characters below;
 *   - '"' and '\' are escaped; C0 controls and DEL as \b \t \n \f \r or
 *     \u00XX; C1 controls (U+0080..U+009F) and U+2028/U+2029 as \uXXXX, so a
 *     terminal or a JavaScript consumer never sees them raw;
 *   - every byte that is not part of well-formed UTF-8 (0x80..0xFF) becomes
 *     the lone surrogate \uDCXX, XX being the byte: Python's "surrogateescape".
 * Decoding: json.loads(s).encode("utf-8", "surrogateescape") gives the bytes
 * back. No well-formed UTF-8 decodes to U+DC80..U+DCFF (surrogates are not
 * encodable in UTF-8), so the mapping is one to one.
 */
#ifndef EXECSENSOR_JSON_H
#define EXECSENSOR_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Write @len bytes to @out as a quoted JSON string. */
void es_json_escape_bytes(FILE *out, const void *bytes, size_t len);

/*
 * Length of the well-formed UTF-8 sequence at @s (at most @len bytes
 * available): 1..4, or 0 when the first byte does not start one.
 */
size_t es_utf8_sequence_len(const unsigned char *s, size_t len);

#endif /* EXECSENSOR_JSON_H */
