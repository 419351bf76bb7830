/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Capability sets (kernel_cap_t: bit N is capability N, capabilities(7)) by
 * name, for the text and ECS formats.
 */
#ifndef EXECSENSOR_CAPS_H
#define EXECSENSOR_CAPS_H

#include <stdint.h>
#include <stdio.h>

/* Capability @cap's name ("cap_chown"), or NULL for a number this table does not name. */
const char *es_cap_name(unsigned int cap);

/* "cap_chown,cap_kill", "all" for every capability named here, "none"; unnamed bits as "cap_<N>". */
void es_caps_write(FILE *f, uint64_t caps);

#endif /* EXECSENSOR_CAPS_H */
