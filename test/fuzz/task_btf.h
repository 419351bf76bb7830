/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A small BTF shared by the seed corpus and the harness: task_struct with
 * pid/tgid in an anonymous struct, an __rcu real_parent, a kflag bitfield,
 * a function, an enum and an array (13 type ids). The harness opens every
 * input as split BTF over it too, and the corpus's split seed is built on it.
 */
#ifndef EXECSENSOR_TASK_BTF_H
#define EXECSENSOR_TASK_BTF_H

#include "btf_builder.h"

void task_btf_build(struct bb *b);

#endif /* EXECSENSOR_TASK_BTF_H */
