/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The fileless-exec rule and its parent-lineage gate.
 *
 * An exec is fileless when it runs through execveat with AT_EMPTY_PATH
 * (fexecve), or its filename is a file-descriptor path (/proc/self/fd/N,
 * /proc/thread-self/fd/N, /proc/<pid>/fd/N, /dev/fd/N), or the new image is
 * a memfd or a deleted file. Such an exec raises an alert unless the gate
 * suppresses it: systemd itself runs services this way, so an exec whose
 * process is systemd's (comm starts with "systemd" or "(sd-") and whose
 * parent's exe is on the allowlist is suppressed, with that parent named.
 * A parent that cannot be known never suppresses.
 */
#ifndef EXECSENSOR_FILELESS_H
#define EXECSENSOR_FILELESS_H

#include <stddef.h>
#include <stdint.h>

#define ES_FILELESS_REASON_MAX 512

struct es_fileless_allowlist {
	char **paths; /* exact parent exe paths, as /proc/<pid>/exe shows them */
	size_t cnt;
};

enum es_fileless_verdict {
	ES_FILELESS_NONE = 0, /* not a fileless exec */
	ES_FILELESS_ALERT,
	ES_FILELESS_SUPPRESSED,
};

struct es_fileless_result {
	enum es_fileless_verdict verdict;
	char reason
		[ES_FILELESS_REASON_MAX]; /* why fileless, then "; gate: " and the gate's finding */
	const char *parent; /* the parent exe the gate looked at, or NULL */
};

/* The defaults: /usr/lib/systemd/systemd and /lib/systemd/systemd. 0 or -ENOMEM. */
int es_fileless_allowlist_init(struct es_fileless_allowlist *list);

/*
 * Add @path, and also its canonical form when that differs (so a symlinked
 * path such as /lib on a merged-/usr system matches what /proc shows).
 * 0 or -ENOMEM.
 */
int es_fileless_allowlist_add(struct es_fileless_allowlist *list, const char *path);
void es_fileless_allowlist_free(struct es_fileless_allowlist *list);

/* Whether @filename (@len bytes) is a file-descriptor path. */
int es_fileless_is_fd_path(const char *filename, size_t len);

/* Whether @comm (up to 16 bytes, NUL-terminated unless full) is systemd's. */
int es_fileless_is_systemd_comm(const char *comm, size_t cap);

struct es_fileless_input {
	uint32_t execveat_flags;
	const char *filename; /* the filename argument */
	size_t filename_len;
	/* The new image's file as the kernel resolved it at the exec (the exe record). */
	int image_memfd; /* a memfd */
	int image_deleted; /* a file with no link left */
	const char *comm; /* the exec'ing task's comm */
	size_t comm_cap;
	const char *parent_exe; /* or NULL when unknown */
};

void es_fileless_evaluate(const struct es_fileless_allowlist *list,
			  const struct es_fileless_input *in, struct es_fileless_result *out);

#endif /* EXECSENSOR_FILELESS_H */
