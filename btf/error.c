// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Error codes, their stable texts, and the diagnostic message of a failure. */
#include <stdarg.h>
#include <stdio.h>

#include "btf_internal.h"

static const char *const btf_error_str[ES_BTF_ERR__MAX] = {
	[ES_BTF_ERR_NOMEM] = "out of memory",
	[ES_BTF_ERR_IO] = "cannot read file",
	[ES_BTF_ERR_NOT_BTF] = "not BTF (no BTF magic and not an ELF file)",
	[ES_BTF_ERR_HDR_TRUNCATED] = "BTF header truncated",
	[ES_BTF_ERR_HDR_VERSION] = "unsupported BTF version",
	[ES_BTF_ERR_HDR_FLAGS] = "unsupported BTF header flags",
	[ES_BTF_ERR_HDR_LEN] = "invalid BTF header length",
	[ES_BTF_ERR_SECTION_BOUNDS] = "BTF section outside the data",
	[ES_BTF_ERR_SECTION_ALIGN] = "BTF type section misaligned",
	[ES_BTF_ERR_SECTION_OVERLAP] = "BTF type and string sections overlap",
	[ES_BTF_ERR_STR_NOT_NUL] = "string section not NUL-terminated",
	[ES_BTF_ERR_NAME_OFF] = "name offset outside the string section",
	[ES_BTF_ERR_KIND] = "unknown BTF kind",
	[ES_BTF_ERR_TYPE_TRUNCATED] = "type record runs past the type section",
	[ES_BTF_ERR_TYPE_TRAILING] = "type section does not end with a whole record",
	[ES_BTF_ERR_TYPE_ID] = "reference to a type id that does not exist",
	[ES_BTF_ERR_TYPE_INVALID] = "inconsistent type record",
	[ES_BTF_ERR_MEMBER_OFFSET] = "member outside its struct or union",
	[ES_BTF_ERR_LOOP] = "type chain or anonymous nesting too deep (loop)",
	[ES_BTF_ERR_ELF] = "unreadable ELF file",
	[ES_BTF_ERR_ELF_NO_BTF] = "ELF file without a .BTF section",
	[ES_BTF_ERR_ELF_EMPTY] = "ELF .BTF section empty or without data",
	[ES_BTF_ERR_ENDIAN_MISMATCH] = "BTF byte order differs from the ELF file's",
	[ES_BTF_ERR_BASE] = "split BTF does not fit its base",
	[ES_BTF_ERR_PATH] = "malformed member path",
	[ES_BTF_ERR_NO_STRUCT] = "no struct or union of that name",
	[ES_BTF_ERR_AMBIGUOUS] = "structs of that name disagree on the member",
	[ES_BTF_ERR_NO_MEMBER] = "no member of that name",
	[ES_BTF_ERR_NOT_COMPOSITE] = "path goes through a member that is not a struct or union",
};

const char *es_btf_strerror(int code)
{
	if (code < 0)
		code = -code;
	if (code == 0)
		return "success";
	if (code >= ES_BTF_ERR__MAX)
		return "unknown error";
	return btf_error_str[code];
}

int es_btf_diag_set(struct es_btf_diag *diag, int code, const char *fmt, ...)
{
	va_list ap;

	if (diag) {
		diag->code = -code;
		va_start(ap, fmt);
		vsnprintf(diag->msg, sizeof(diag->msg), fmt, ap);
		va_end(ap);
	}
	return -code;
}

const char *es_btf_kind_name(uint32_t kind)
{
	static const char *const names[] = {
		[BTF_KIND_UNKN] = "UNKNOWN",	  [BTF_KIND_INT] = "INT",
		[BTF_KIND_PTR] = "PTR",		  [BTF_KIND_ARRAY] = "ARRAY",
		[BTF_KIND_STRUCT] = "STRUCT",	  [BTF_KIND_UNION] = "UNION",
		[BTF_KIND_ENUM] = "ENUM",	  [BTF_KIND_FWD] = "FWD",
		[BTF_KIND_TYPEDEF] = "TYPEDEF",	  [BTF_KIND_VOLATILE] = "VOLATILE",
		[BTF_KIND_CONST] = "CONST",	  [BTF_KIND_RESTRICT] = "RESTRICT",
		[BTF_KIND_FUNC] = "FUNC",	  [BTF_KIND_FUNC_PROTO] = "FUNC_PROTO",
		[BTF_KIND_VAR] = "VAR",		  [BTF_KIND_DATASEC] = "DATASEC",
		[BTF_KIND_FLOAT] = "FLOAT",	  [BTF_KIND_DECL_TAG] = "DECL_TAG",
		[BTF_KIND_TYPE_TAG] = "TYPE_TAG", [BTF_KIND_ENUM64] = "ENUM64",
	};

	return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "UNKNOWN";
}
