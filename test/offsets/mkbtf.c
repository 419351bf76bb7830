// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Writes the synthetic BTF files the execsensor-offsets CLI test reads, with
 * test/btf's builder:
 *   good.btf          task_struct, mm_struct, the exe's structs (file, path, dentry,
 *                     qstr, inode, super_block, vfsmount, mount) and the context's (cred,
 *                     the namespaces, nsproxy, pid, upid, tty_struct) with every table field
 *                     well-formed, at this host's 6.18 offsets (mm_struct's fields in an
 *                     anonymous struct, qstr's len and inode's i_nlink in anonymous
 *                     unions, as in the kernel), and a bitfield
 *   good-swapped.btf  good.btf in the other byte order
 *   bad-types.btf     real_parent an int, tgid a 3-bit bitfield
 *   base.btf          a vmlinux-like base: good.btf's types
 *   split.btf         split BTF over base.btf: a module struct using base types
 * usage: offsets-mkbtf DIR
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/btf.h>

#include "btf_builder.h"

static int write_file(const char *dir, const char *name, const struct bb *b, bool swapped)
{
	bool big_endian = swapped == (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__);
	char path[4096];
	size_t size;
	void *blob;
	FILE *f;
	int err = 0;

	blob = bb_blob(b, big_endian, &size);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(blob, 1, size, f) != size) {
		fprintf(stderr, "offsets-mkbtf: %s: %s\n", path, strerror(errno));
		err = -1;
	}
	if (f && fclose(f) && !err) {
		fprintf(stderr, "offsets-mkbtf: %s: %s\n", path, strerror(errno));
		err = -1;
	}
	free(blob);
	return err;
}

struct ids {
	uint32_t int_id, uint_id, ulong_id, pid_t_id, u64_id, ptr_task;
};

/* The types every file starts with; the task_struct pointer refers to the struct added next. */
static void add_common(struct bb *b, struct ids *ids)
{
	ids->int_id = bb_int(b, "int", 4, BTF_INT_SIGNED, 32);
	ids->uint_id = bb_int(b, "unsigned int", 4, 0, 32);
	ids->ulong_id = bb_int(b, "long unsigned int", 8, 0, 64);
	ids->pid_t_id = bb_ref(b, BTF_KIND_TYPEDEF, "pid_t", ids->int_id);
	ids->u64_id = bb_ref(b, BTF_KIND_TYPEDEF, "u64", ids->ulong_id);
	ids->ptr_task = bb_ref(b, BTF_KIND_PTR, NULL, bb_next_id(b) + 1);
}

/*
 * task_struct and mm_struct as on this host's 6.18 kernel: mm at 1136,
 * exit_code at 1164, tgid at 1268, real_parent at 1280, start_boottime at
 * 1560, signal at 1848;
 * arg_start at 480, arg_end at 488 and exe_file (@ptr_file) at 1320 of
 * mm_struct, inside its anonymous struct; signal_struct's live (atomic_t)
 * at 4.
 */
/* The context block's ids (add_good_context), which task_struct and signal_struct point into. */
enum {
	CTX_PTR_CRED = 0,
	CTX_KUID = 2,
	CTX_PTR_NSPROXY = 14,
	CTX_PTR_PID = 26,
	CTX_PTR_TTY = 32,
	CTX_IDS = 36,
};

static void add_good_task(struct bb *b, const struct ids *ids, uint32_t ptr_file, uint32_t ctx)
{
	uint32_t task = bb_next_id(b), ptr_mm = task + 1, mm = task + 2, mm_anon = task + 3;
	uint32_t ptr_signal = task + 4, signal = task + 5, atomic = task + 6;

	bb_struct(b, "task_struct", 3264, true); /* kflag: in_execve is a bitfield */
	bb_member(b, "thread_flags", ids->uint_id, 0, 0);
	bb_member(b, "mm", ptr_mm, 1136 * 8, 0);
	bb_member(b, "exit_code", ids->int_id, 1164 * 8, 0);
	bb_member(b, "in_execve", ids->uint_id, 1188 * 8 + 3, 1);
	bb_member(b, "pid", ids->pid_t_id, 1264 * 8, 0);
	bb_member(b, "tgid", ids->pid_t_id, 1268 * 8, 0);
	bb_member(b, "real_parent", ids->ptr_task, 1280 * 8, 0);
	bb_member(b, "thread_pid", ctx + CTX_PTR_PID, 1368 * 8, 0);
	bb_member(b, "start_boottime", ids->u64_id, 1560 * 8, 0);
	bb_member(b, "cred", ctx + CTX_PTR_CRED, 1736 * 8, 0);
	bb_member(b, "nsproxy", ctx + CTX_PTR_NSPROXY, 1840 * 8, 0);
	bb_member(b, "signal", ptr_signal, 1848 * 8, 0);
	bb_member(b, "loginuid", ctx + CTX_KUID, 1952 * 8, 0);
	bb_member(b, "sessionid", ids->uint_id, 1956 * 8, 0);
	bb_ref(b, BTF_KIND_PTR, NULL, mm);
	bb_struct(b, "mm_struct", 1344, false);
	bb_member(b, NULL, mm_anon, 0, 0);
	bb_struct(b, NULL, 1344, false);
	bb_member(b, "arg_start", ids->ulong_id, 480 * 8, 0);
	bb_member(b, "arg_end", ids->ulong_id, 488 * 8, 0);
	bb_member(b, "exe_file", ptr_file, 1320 * 8, 0);
	bb_ref(b, BTF_KIND_PTR, NULL, signal);
	bb_struct(b, "signal_struct", 1104, false);
	bb_member(b, "live", atomic, 4 * 8, 0);
	bb_member(b, "tty", ctx + CTX_PTR_TTY, 408 * 8, 0);
	bb_struct(b, NULL, 4, false); /* atomic_t's struct, as in the kernel's BTF: anonymous */
	bb_member(b, "counter", ids->int_id, 0, 0);
}

/* The exe walk's structs, at this host's offsets; starts with the pointer to struct file. */
static void add_good_exe(struct bb *b, const struct ids *ids)
{
	uint32_t n = bb_next_id(b);
	uint32_t file = n + 1, path = n + 2, ptr_vfsmount = n + 3, ptr_dentry = n + 4;
	uint32_t dentry = n + 5, qstr = n + 6, qstr_union = n + 7, qstr_struct = n + 8;
	uint32_t ptr_uchar = n + 9, const_uchar = n + 10, uchar = n + 11, ptr_inode = n + 12;
	uint32_t inode = n + 13, inode_union = n + 14, const_uint = n + 15, ptr_sb = n + 16;
	uint32_t sb = n + 17, dev_t = n + 18, vfsmount = n + 19, mount = n + 20, ptr_mount = n + 21;

	bb_ref(b, BTF_KIND_PTR, NULL, file);
	bb_struct(b, "file", 256, false);
	bb_member(b, "f_path", path, 64 * 8, 0);
	bb_struct(b, "path", 16, false);
	bb_member(b, "mnt", ptr_vfsmount, 0, 0);
	bb_member(b, "dentry", ptr_dentry, 8 * 8, 0);
	bb_ref(b, BTF_KIND_PTR, NULL, vfsmount);
	bb_ref(b, BTF_KIND_PTR, NULL, dentry);
	bb_struct(b, "dentry", 192, false);
	bb_member(b, "d_parent", ptr_dentry, 24 * 8, 0);
	bb_member(b, "d_name", qstr, 32 * 8, 0);
	bb_member(b, "d_inode", ptr_inode, 48 * 8, 0);
	bb_struct(b, "qstr", 16, false);
	bb_member(b, NULL, qstr_union, 0, 0);
	bb_member(b, "name", ptr_uchar, 8 * 8, 0);
	bb_union(b, NULL, 8, false);
	bb_member(b, NULL, qstr_struct, 0, 0);
	bb_member(b, "hash_len", ids->ulong_id, 0, 0);
	bb_struct(b, NULL, 8, false);
	bb_member(b, "hash", ids->uint_id, 0, 0);
	bb_member(b, "len", ids->uint_id, 4 * 8, 0);
	bb_ref(b, BTF_KIND_PTR, NULL, const_uchar);
	bb_ref(b, BTF_KIND_CONST, NULL, uchar);
	bb_int(b, "unsigned char", 1, 0, 8);
	bb_ref(b, BTF_KIND_PTR, NULL, inode);
	bb_struct(b, "inode", 600, false);
	bb_member(b, "i_sb", ptr_sb, 40 * 8, 0);
	bb_member(b, "i_ino", ids->ulong_id, 64 * 8, 0);
	bb_member(b, NULL, inode_union, 72 * 8, 0);
	bb_union(b, NULL, 4, false);
	bb_member(b, "i_nlink", const_uint, 0, 0);
	bb_member(b, "__i_nlink", ids->uint_id, 0, 0);
	bb_ref(b, BTF_KIND_CONST, NULL, ids->uint_id);
	bb_ref(b, BTF_KIND_PTR, NULL, sb);
	bb_struct(b, "super_block", 1024, false);
	bb_member(b, "s_dev", dev_t, 16 * 8, 0);
	bb_ref(b, BTF_KIND_TYPEDEF, "dev_t", ids->uint_id);
	bb_struct(b, "vfsmount", 32, false);
	bb_member(b, "mnt_root", ptr_dentry, 0, 0);
	bb_struct(b, "mount", 256, false);
	bb_member(b, "mnt_parent", ptr_mount, 16 * 8, 0);
	bb_member(b, "mnt_mountpoint", ptr_dentry, 24 * 8, 0);
	bb_member(b, "mnt", vfsmount, 32 * 8, 0);
	bb_ref(b, BTF_KIND_PTR, NULL, mount);
}

/* A namespace struct whose struct ns_common (@ns_common) is at @ns_at. */
static void add_ns(struct bb *b, const char *name, uint32_t size, uint32_t ns_at,
		   uint32_t ns_common)
{
	bb_ref(b, BTF_KIND_PTR, NULL, bb_next_id(b) + 1);
	bb_struct(b, name, size, false);
	bb_member(b, "ns", ns_common, ns_at * 8, 0);
}

/* typedef @name struct { @val_name val; } (kuid_t, kgid_t, kernel_cap_t), then @val's typedef. */
static void add_wrapped(struct bb *b, const char *name, uint32_t size, const char *val_name,
			uint32_t val_type)
{
	uint32_t t = bb_next_id(b);

	bb_ref(b, BTF_KIND_TYPEDEF, name, t + 1);
	bb_struct(b, NULL, size, false);
	bb_member(b, "val", t + 2, 0, 0);
	bb_ref(b, BTF_KIND_TYPEDEF, val_name, val_type);
}

/*
 * The context's structs at this host's offsets, CTX_IDS ids from @c: cred
 * (its ids in kuid_t/kgid_t, kernel_cap_t), the namespaces (struct ns_common
 * with inum at 24), nsproxy, struct pid and upid, pid_namespace, tty_struct.
 */
static void add_good_context(struct bb *b, const struct ids *ids, uint32_t c)
{
	uint32_t kgid = c + 5, cap = c + 8, ptr_user = c + 11, ns_common = c + 13;

	bb_ref(b, BTF_KIND_PTR, NULL, c + 1);
	bb_struct(b, "cred", 184, false);
	bb_member(b, "uid", c + CTX_KUID, 8 * 8, 0);
	bb_member(b, "gid", kgid, 12 * 8, 0);
	bb_member(b, "suid", c + CTX_KUID, 16 * 8, 0);
	bb_member(b, "sgid", kgid, 20 * 8, 0);
	bb_member(b, "euid", c + CTX_KUID, 24 * 8, 0);
	bb_member(b, "egid", kgid, 28 * 8, 0);
	bb_member(b, "fsuid", c + CTX_KUID, 32 * 8, 0);
	bb_member(b, "fsgid", kgid, 36 * 8, 0);
	bb_member(b, "cap_permitted", cap, 56 * 8, 0);
	bb_member(b, "cap_effective", cap, 64 * 8, 0);
	bb_member(b, "user_ns", ptr_user, 144 * 8, 0);
	add_wrapped(b, "kuid_t", 4, "uid_t", ids->uint_id);
	add_wrapped(b, "kgid_t", 4, "gid_t", ids->uint_id);
	add_wrapped(b, "kernel_cap_t", 8, "u64", ids->ulong_id);
	add_ns(b, "user_namespace", 640, 216, ns_common);
	bb_struct(b, "ns_common", 80, false);
	bb_member(b, "inum", ids->uint_id, 24 * 8, 0);
	bb_ref(b, BTF_KIND_PTR, NULL, c + 15);
	bb_struct(b, "nsproxy", 72, false);
	bb_member(b, "uts_ns", c + 16, 8 * 8, 0);
	bb_member(b, "ipc_ns", c + 18, 16 * 8, 0);
	bb_member(b, "mnt_ns", c + 20, 24 * 8, 0);
	bb_member(b, "net_ns", c + 22, 40 * 8, 0);
	bb_member(b, "cgroup_ns", c + 24, 64 * 8, 0);
	add_ns(b, "uts_namespace", 496, 408, ns_common);
	add_ns(b, "ipc_namespace", 1200, 1120, ns_common);
	add_ns(b, "mnt_namespace", 160, 0, ns_common);
	add_ns(b, "net", 4000, 152, ns_common);
	add_ns(b, "cgroup_namespace", 120, 0, ns_common);
	bb_ref(b, BTF_KIND_PTR, NULL, c + 27);
	bb_struct(b, "pid", 144, false);
	bb_member(b, "level", ids->uint_id, 4 * 8, 0);
	bb_member(b, "numbers", c + 28, 144 * 8, 0);
	bb_array(b, c + 29, ids->int_id, 0);
	bb_struct(b, "upid", 16, false);
	bb_member(b, "nr", ids->int_id, 0, 0);
	bb_member(b, "ns", c + 30, 8 * 8, 0);
	add_ns(b, "pid_namespace", 200, 112, ns_common);
	bb_ref(b, BTF_KIND_PTR, NULL, c + 33);
	bb_struct(b, "tty_struct", 1000, false);
	bb_member(b, "name", c + 34, 352 * 8, 0);
	bb_array(b, c + 35, ids->int_id, 64);
	bb_int(b, "char", 1, BTF_INT_CHAR, 8);
}

int main(int argc, char **argv)
{
	struct bb b, s;
	struct ids ids;
	uint32_t ctx;
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: offsets-mkbtf DIR\n");
		return 2;
	}

	bb_init(&b, NULL);
	add_common(&b, &ids);
	/*
	 * task_struct, mm_struct and signal_struct take seven ids; the exe's
	 * structs (22) come next, then the context's.
	 */
	ctx = bb_next_id(&b) + 7 + 22;
	add_good_task(&b, &ids, bb_next_id(&b) + 7, ctx);
	add_good_exe(&b, &ids);
	if (bb_next_id(&b) != ctx) {
		fprintf(stderr, "offsets-mkbtf: the context block starts at %u, not %u\n",
			bb_next_id(&b), ctx);
		return 1;
	}
	add_good_context(&b, &ids, ctx);
	if (bb_next_id(&b) != ctx + CTX_IDS) {
		fprintf(stderr, "offsets-mkbtf: the context block has %u ids, not %u\n",
			bb_next_id(&b) - ctx, CTX_IDS);
		return 1;
	}
	err = write_file(argv[1], "good.btf", &b, false) ||
	      write_file(argv[1], "good-swapped.btf", &b, true) ||
	      write_file(argv[1], "base.btf", &b, false);

	bb_init(&s, &b);
	bb_struct(&s, "es_test_module_state", 16, false);
	bb_member(&s, "flags", ids.uint_id, 0, 0);
	bb_member(&s, "owner_tgid", ids.pid_t_id, 32, 0);
	bb_member(&s, "owner", ids.ptr_task, 64, 0);
	err = err || write_file(argv[1], "split.btf", &s, false);
	bb_free(&s);
	bb_free(&b);

	bb_init(&b, NULL);
	add_common(&b, &ids);
	bb_struct(&b, "task_struct", 3264, true); /* kflag: tgid is a bitfield */
	bb_member(&b, "tgid", ids.int_id, 1268 * 8, 3);
	bb_member(&b, "real_parent", ids.int_id, 1280 * 8, 0);
	err = err || write_file(argv[1], "bad-types.btf", &b, false);
	bb_free(&b);
	return err ? 1 : 0;
}
