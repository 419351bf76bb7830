// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <string.h>

#include "json.h"

static int in_range(unsigned char c, unsigned char lo, unsigned char hi)
{
	return c >= lo && c <= hi;
}

/* Well-formed UTF-8 after Unicode Table 3-7: no overlongs, no surrogates, <= U+10FFFF. */
size_t es_utf8_sequence_len(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (in_range(c, 0xc2, 0xdf))
		n = 2;
	else if (in_range(c, 0xe0, 0xef))
		n = 3;
	else if (in_range(c, 0xf0, 0xf4))
		n = 4;
	else
		return 0;
	if (len < n)
		return 0;
	/* Only the second byte has a narrower range, depending on the first. */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (!in_range(s[1], lo, hi))
		return 0;
	for (i = 2; i < n; i++)
		if (!in_range(s[i], 0x80, 0xbf))
			return 0;
	return n;
}

static void put_u_escape(FILE *out, unsigned int cp)
{
	fprintf(out, "\\u%04x", cp);
}

static void put_ascii(FILE *out, unsigned char c)
{
	switch (c) {
	case '"':
		fputs("\\\"", out);
		return;
	case '\\':
		fputs("\\\\", out);
		return;
	case '\b':
		fputs("\\b", out);
		return;
	case '\t':
		fputs("\\t", out);
		return;
	case '\n':
		fputs("\\n", out);
		return;
	case '\f':
		fputs("\\f", out);
		return;
	case '\r':
		fputs("\\r", out);
		return;
	}
	if (c < 0x20 || c == 0x7f)
		put_u_escape(out, c);
	else
		fputc(c, out);
}

void es_json_escape_bytes(FILE *out, const void *bytes, size_t len)
{
	const unsigned char *s = bytes;
	size_t i = 0, n, run;

	fputc('"', out);
	while (i < len) {
		/* Copy runs of plain printable ASCII in one write. */
		for (run = i; run < len && s[run] >= 0x20 && s[run] < 0x7f && s[run] != '"' &&
			      s[run] != '\\';
		     run++)
			;
		if (run > i) {
			fwrite(s + i, 1, run - i, out);
			i = run;
			continue;
		}
		if (s[i] < 0x80) {
			put_ascii(out, s[i]);
			i++;
			continue;
		}
		n = es_utf8_sequence_len(s + i, len - i);
		if (n == 0) {
			/* Not well-formed: this one byte as its lone surrogate. */
			put_u_escape(out, 0xdc00 | s[i]);
			i++;
		} else if (n == 2 && s[i] == 0xc2 && s[i + 1] < 0xa0) {
			put_u_escape(out, s[i + 1]); /* C1 control U+0080..U+009F */
			i += 2;
		} else if (n == 3 && s[i] == 0xe2 && s[i + 1] == 0x80 &&
			   (s[i + 2] == 0xa8 || s[i + 2] == 0xa9)) {
			put_u_escape(out, 0x2000 | (s[i + 2] - 0x80)); /* U+2028, U+2029 */
			i += 3;
		} else {
			fwrite(s + i, 1, n, out);
			i += n;
		}
	}
	fputc('"', out);
}
