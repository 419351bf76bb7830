/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The loader's state, shared by loader.c and selftest.c only. */
#ifndef EXECSENSOR_LOADER_INTERNAL_H
#define EXECSENSOR_LOADER_INTERNAL_H

#include <bpf/libbpf.h>

#include "loader.h"

/* A record copied while the self-test owns the ring buffer. */
struct es_backlog_record {
	struct es_backlog_record *next;
	size_t size;
	unsigned char data[];
};

/* Attach order: entries, the image, exits; detached in reverse. */
enum es_link {
	ES_LINK_ENTER_EXECVE,
	ES_LINK_ENTER_EXECVEAT,
	ES_LINK_EXEC_IMAGE, /* attached only when info.exec_image */
	ES_LINK_EXIT_EXECVE,
	ES_LINK_EXIT_EXECVEAT,
	ES_LINKS_MAX,
};

struct es_loader {
	struct es_loader_opts opts;
	struct es_loader_info info;
	struct execsensor_bpf *skel;
	struct ring_buffer *rb;
	struct bpf_link *links[ES_LINKS_MAX];
	uint32_t offsets[ES_TASK_OFF__MAX]; /* what TASK_OFFSETS holds */
	uint32_t exec_offsets[ES_EXEC_OFF__MAX]; /* what EXEC_OFFSETS holds */
	char error[512];

	/* Self-test: records are queued, the child's exec record is noted. */
	bool selftest_running;
	pid_t selftest_pid;
	char selftest_path[64]; /* the child's filename and argv[0] */
	char selftest_marker[48]; /* the child's argv[1], found even if pids differ */
	bool selftest_seen;
	uint32_t selftest_kernel_pid; /* the child's pid as the kernel reported it */
	uint32_t selftest_ppid;
	uint32_t selftest_flags;
	bool selftest_image_seen; /* the child's image record arrived */
	bool selftest_image_filename_ok; /* its filename is the child's path */
	bool selftest_image_argv_ok; /* its args are exactly path and marker */
	uint32_t selftest_image_flags;
	struct es_backlog_record *backlog, **backlog_tail;
	/* The self-test failed: no record may carry a kernel ppid any more. */
	bool scrub_kernel_ppid;
	/* The image self-test failed: no image record may carry argv any more. */
	bool scrub_image_argv;
};

/* Reasons are cut to fit their buffers; a cut reason still says what failed. */
void es_reasonf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void es_loader_log(struct es_loader *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int es_loader_fail(struct es_loader *l, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Write @values (ES_TASK_OFF__MAX entries) to TASK_OFFSETS. */
int es_loader_write_offsets(struct es_loader *l, const uint32_t *values);
/* Write @values (ES_EXEC_OFF__MAX entries) to EXEC_OFFSETS. */
int es_loader_write_exec_offsets(struct es_loader *l, const uint32_t *values);

/*
 * Hand one record to the caller, without its kernel ppid (or its image
 * argv) after a failed self-test: records made before the offsets were
 * rewritten.
 */
void es_loader_deliver(struct es_loader *l, const void *data, size_t size);

/* Runs the self-test after attach; fills info.selftest*. Called by es_loader_attach(). */
int es_selftest_run(struct es_loader *l);
/* The ring-buffer hook while the self-test runs. */
void es_selftest_record(struct es_loader *l, const void *data, size_t size);

#endif /* EXECSENSOR_LOADER_INTERNAL_H */
