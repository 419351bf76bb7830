/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Capability sets (kernel_cap_t: bit N is capability N, capabilities(7)) by
 * name, for the text format.
 */
#ifndef EXECSENSOR_CAPS_H
#define EXECSENSOR_CAPS_H

#include <stdint.h>
#include <stdio.h>

/* "cap_chown,cap_kill", "all" for every capability named here, "none"; unnamed bits as "cap_<N>". */
void es_caps_write(FILE *f, uint64_t caps);

#endif /* EXECSENSOR_CAPS_H */
