/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Kernel lockdown state (/sys/kernel/security/lockdown). In confidentiality
 * mode the kernel refuses bpf_probe_read_kernel() to BPF programs, so the
 * sensor can read neither the parent nor a kprobed syscall's registers.
 */
#ifndef EXECSENSOR_LOCKDOWN_H
#define EXECSENSOR_LOCKDOWN_H

#include <stddef.h>

#include "loader_info.h"

#define ES_LOCKDOWN_PATH "/sys/kernel/security/lockdown"

/*
 * Read the lockdown file at @path ("none [integrity] confidentiality": the
 * bracketed word is in force). A missing file is ES_LOCKDOWN_UNKNOWN (no
 * lockdown LSM), not an error. @raw gets the content without the newline.
 * Returns 0, or -errno when the file exists but cannot be read or parsed.
 */
int es_lockdown_read(const char *path, enum es_lockdown *state, char *raw, size_t raw_size);

#endif /* EXECSENSOR_LOCKDOWN_H */
