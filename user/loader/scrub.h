/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What a refuted offset group takes out of a record made with its offsets
 * (groups.h names one per group): true when the record carried any of it.
 * The record's typed view changes; its bytes stay as they came.
 */
#ifndef EXECSENSOR_SCRUB_H
#define EXECSENSOR_SCRUB_H

#include <stdbool.h>

#include "record.h"

bool es_scrub_kernel_ppid(struct es_record *r); /* TASK_OFFSETS */
bool es_scrub_image_argv(struct es_record *r); /* EXEC_OFFSETS */
bool es_scrub_exe(struct es_record *r); /* EXE_OFFSETS */
bool es_scrub_exit_code(struct es_record *r); /* EXIT_OFFSETS */
bool es_scrub_creds(struct es_record *r); /* CRED_OFFSETS */
bool es_scrub_audit(struct es_record *r); /* AUDIT_OFFSETS */
bool es_scrub_tty(struct es_record *r); /* TTY_OFFSETS */
bool es_scrub_ns(struct es_record *r); /* NS_OFFSETS */
bool es_scrub_pidns(struct es_record *r); /* PIDNS_OFFSETS */
bool es_scrub_fork_time(struct es_record *r); /* FORK_OFFSETS */

#endif /* EXECSENSOR_SCRUB_H */
