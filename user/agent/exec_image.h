/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Merging an image record (struct es_exec_image, sched_process_exec) into
 * the exec record of the same exec (struct es_exec_event, syscall entry),
 * by the rules in loader.h ("Records and how to merge them"): the kernel's
 * filename and the new image's argv replace what the entry read missed.
 * Both records are untrusted: sizes are clamped to the arrays, and an exec
 * record merged here keeps the exec record's conventions (args[] entries
 * counted by argc, args_size bytes in use), so es_argv_split() and every
 * other reader of exec records take it as is.
 */
#ifndef EXECSENSOR_EXEC_IMAGE_H
#define EXECSENSOR_EXEC_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "execsensor.h"

/* What es_exec_image_merge() replaced. */
#define ES_IMAGE_MERGED_FILENAME (1u << 0)
#define ES_IMAGE_MERGED_ARGV	 (1u << 1)

/*
 * Whether @img belongs to @ev: the same tgid, and the thread that called
 * exec (old_pid) is the one whose exec record @ev is. A successful exec from
 * a non-leader thread has ev->hdr.tid == img->old_pid != img->hdr.pid.
 */
bool es_exec_image_matches(const struct es_exec_event *ev, const struct es_exec_image *img);

/*
 * Fill @ev from @img where the entry read missed: the filename when @ev's
 * faulted (ES_EXEC_F_FILENAME_FAULT) or is empty (fexecve), the argv when
 * @ev's faulted (ES_EXEC_F_ARGV_FAULT) or has no entry, each only if @img
 * has it. A replaced value takes the image's truncation flag and loses the
 * fault flag. The image's argv may hold more than ES_ARGV_MAX entries: the
 * first ES_ARGV_MAX are kept, flagged ES_EXEC_F_ARGV_TRUNCATED. Returns
 * ES_IMAGE_MERGED_* for what was replaced (0: @ev unchanged).
 */
unsigned int es_exec_image_merge(struct es_exec_event *ev, const struct es_exec_image *img);

#endif /* EXECSENSOR_EXEC_IMAGE_H */
