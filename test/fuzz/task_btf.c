// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The fuzzer's small base BTF: see task_btf.h. */
#include <linux/btf.h>

#include "task_btf.h"

void task_btf_build(struct bb *b)
{
	uint32_t i_int, u_int, pid_t_id, task, anon, ptr;

	bb_init(b, NULL);
	i_int = bb_int(b, "int", 4, BTF_INT_SIGNED, 32);
	u_int = bb_int(b, "unsigned int", 4, 0, 32);
	bb_int(b, "long int", 8, BTF_INT_SIGNED, 64);
	pid_t_id = bb_ref(b, BTF_KIND_TYPEDEF, "pid_t", i_int);
	task = bb_next_id(b);
	anon = task + 1;
	ptr = task + 2;
	bb_struct(b, "task_struct", 24, true);
	bb_member(b, NULL, anon, 0, 0);
	bb_member(b, "real_parent", ptr, 64, 0);
	bb_member(b, "flags", u_int, 128, 3);
	bb_struct(b, NULL, 8, false);
	bb_member(b, "pid", pid_t_id, 0, 0);
	bb_member(b, "tgid", pid_t_id, 32, 0);
	bb_ref(b, BTF_KIND_PTR, NULL, task + 3);
	bb_ref(b, BTF_KIND_TYPE_TAG, "rcu", task);
	bb_func_proto(b, i_int);
	bb_param(b, "p", ptr);
	bb_func(b, "wake_up", bb_next_id(b) - 1);
	bb_enum(b, "state", 4);
	bb_enum_val(b, "RUNNING", 0);
	bb_array(b, i_int, i_int, 16);
}
