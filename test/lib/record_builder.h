/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Exec and failure records made by hand, as the BPF programs make them (kern/execsensor.h). */
#ifndef ES_TEST_RECORD_BUILDER_H
#define ES_TEST_RECORD_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "execsensor.h"

struct es_test_record {
	uint32_t type; /* 0: ES_RECORD_EXEC */
	uint32_t pid, tid, ppid, flags, uid, gid;
	int32_t ret;
	uint16_t syscall, path_misses;
	uint32_t execveat_flags;
	int32_t dirfd; /* 0: AT_FDCWD */
	uint64_t time_ns;
	const char *comm;
	const char *filename;
	const char *const *argv; /* NULL-terminated */
	const char *exe; /* an absolute path: its components are written leaf first */
	uint64_t exe_ino;
	uint32_t exe_dev, exe_nlink;
};

/* Write the record @spec describes into @buf (ES_RECORD_MAX bytes, 8-aligned); its size. */
size_t es_test_record_make(void *buf, const struct es_test_record *spec);

#endif /* ES_TEST_RECORD_BUILDER_H */
