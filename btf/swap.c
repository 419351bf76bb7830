// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Byte order: BTF of the other endianness (an s390x vmlinux read on x86) is
 * swapped once into a private copy at open, so validation and lookups only
 * ever see native order. Swapping on every read would touch each access in
 * the parser; one copy of a few MB costs less than that and only happens for
 * foreign BTF.
 *
 * Every field after the header is a 32-bit word (names, info, size/type,
 * members, params, enum values, array and var data), so a record is swapped
 * word by word once its kind and vlen are known. The blob is untrusted: the
 * walk stops at the first record that does not fit, and validation, which
 * runs next, reports the problem.
 */
#include <byteswap.h>
#include <string.h>

#include "btf_internal.h"

static void swap_words(uint8_t *p, uint64_t nr)
{
	uint32_t w;

	for (; nr; nr--, p += 4) {
		memcpy(&w, p, 4);
		w = bswap_32(w);
		memcpy(p, &w, 4);
	}
}

void es_btf_swap_blob(uint8_t *data, size_t size)
{
	struct btf_header hdr;
	struct btf_type *t;
	uint64_t start, off, rec_len;
	bool known;

	if (size < sizeof(hdr))
		return;
	memcpy(&hdr, data, sizeof(hdr));
	hdr.magic = bswap_16(hdr.magic);
	hdr.hdr_len = bswap_32(hdr.hdr_len);
	hdr.type_off = bswap_32(hdr.type_off);
	hdr.type_len = bswap_32(hdr.type_len);
	hdr.str_off = bswap_32(hdr.str_off);
	hdr.str_len = bswap_32(hdr.str_len);
	memcpy(data, &hdr, sizeof(hdr));

	start = (uint64_t)hdr.hdr_len + hdr.type_off;
	if (hdr.hdr_len > size || start + hdr.type_len > size || (start & 3))
		return;
	for (off = 0; hdr.type_len - off >= sizeof(*t); off += rec_len) {
		t = (struct btf_type *)(data + start + off);
		swap_words((uint8_t *)t, sizeof(*t) / 4);
		rec_len = sizeof(*t) + es_btf_trailer_len(t, &known);
		if (!known || rec_len > hdr.type_len - off)
			return;
		swap_words((uint8_t *)(t + 1), (rec_len - sizeof(*t)) / 4);
	}
}
