/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The new image's file (EXE_OFFSETS): inode, device, link count and its path,
 * walked from the dentry up to the root, crossing mounts.
 */
#ifndef EXECSENSOR_BPF_EXE_H
#define EXECSENSOR_BPF_EXE_H

#include "bpf_offsets.h"
#include "bpf_output.h"

/* The exe path walk's state, shared by bpf_loop()'s steps. */
struct exe_walk {
	struct scratch *s;
	const __u32 *o; /* EXE_OFFSETS, looked up once */
	void *dentry; /* the component to name next */
	void *mnt; /* its struct mount */
	void *mnt_root; /* that mount's root dentry */
	__u32 base; /* where the path starts in s->data */
	__u32 pos; /* bytes of it so far */
	__u32 flags; /* ES_EXEC_F_EXE_* found */
	__u32 done; /* the walk reached the root, or stopped on a fault */
};

/* One path component's name at w->pos; its bytes with the NUL, or <= 0. */
static __always_inline long exe_component(struct exe_walk *w)
{
	const char *name = read_ptr(w->dentry, w->o[ES_EXE_OFF_D_NAME]);

	if (!name)
		return -1;
	return bpf_probe_read_kernel_str(w->s->data + ((w->base + w->pos) & ES_SCRATCH_MASK),
					 ES_EXE_NAME_MAX, name);
}

/*
 * One step up from w->dentry: its name, or, at a mount's root, over to the
 * mount point in the parent mount. 0 goes on, 1 stops (bpf_loop()'s rule).
 */
static __always_inline long exe_step_once(__u32 i, struct exe_walk *w)
{
	const __u32 *o = w->o;
	void *parent, *mnt_parent;
	long n;

	parent = read_ptr(w->dentry, o[ES_EXE_OFF_D_PARENT]);
	if (!parent) {
		w->flags |= ES_EXEC_F_EXE_FAULT;
		return 1;
	}
	if (w->dentry == parent && w->dentry != w->mnt_root && i == 0) {
		/* A file of no directory (memfd, anonymous): its name is all there is. */
		w->flags |= ES_EXEC_F_EXE_PSEUDO;
		n = exe_component(w);
		w->pos += n > 0 ? n : 0;
		return 1;
	}
	if (w->dentry == w->mnt_root || w->dentry == parent) {
		mnt_parent = read_ptr(w->mnt, o[ES_EXE_OFF_MNT_PARENT]);
		if (!mnt_parent || mnt_parent == w->mnt)
			return 1; /* the root of the mount namespace */
		w->dentry = read_ptr(w->mnt, o[ES_EXE_OFF_MNT_MOUNTPOINT]);
		w->mnt = mnt_parent;
		w->mnt_root = read_ptr(mnt_parent, o[ES_EXE_OFF_MOUNT_ROOT]);
		if (!w->dentry) {
			w->flags |= ES_EXEC_F_EXE_FAULT;
			return 1;
		}
		return 0;
	}
	if (w->pos > ES_EXE_PATH_MAX - ES_EXE_NAME_MAX) {
		w->flags |= ES_EXEC_F_EXE_TRUNCATED;
		return 1;
	}
	n = exe_component(w);
	if (n <= 0) {
		w->flags |= ES_EXEC_F_EXE_FAULT;
		return 1;
	}
	w->pos += n;
	w->dentry = parent;
	return 0;
}

static long exe_step(__u32 i, void *ctx)
{
	struct exe_walk *w = ctx;

	w->done = exe_step_once(i, w);
	return w->done;
}

/*
 * The new image's file (current->mm->exe_file): inode number, device and
 * link count, and its path as components from the file up to the root of
 * its mount namespace, crossing mounts (struct mount's parent and mount
 * point), bounded by ES_EXE_DEPTH_MAX steps and ES_EXE_PATH_MAX bytes. The
 * walk is a bpf_loop() (5.17+): its step is verified once.
 */
static __always_inline void exec_exe(struct scratch *s)
{
	struct es_exec_record *r = &s->rec;
	void *mm, *file, *vfsmnt, *inode, *sb;
	__u32 o[ES_EXE_OFF__MAX];
	struct exe_walk w = {
		.s = s,
		.o = o,
		.base = (r->filename_len + r->args_len) & ES_SCRATCH_MASK,
	};

	if (exe_offsets(o)) {
		r->hdr.flags |= ES_EXEC_F_EXE_ABSENT;
		return;
	}
	mm = read_ptr((void *)bpf_get_current_task(), o[ES_EXE_OFF_TASK_MM]);
	file = mm ? read_ptr(mm, o[ES_EXE_OFF_EXE_FILE]) : NULL;
	w.dentry = file ? read_ptr(file, o[ES_EXE_OFF_FILE_DENTRY]) : NULL;
	vfsmnt = file ? read_ptr(file, o[ES_EXE_OFF_FILE_MNT]) : NULL;
	inode = w.dentry ? read_ptr(w.dentry, o[ES_EXE_OFF_D_INODE]) : NULL;
	if (!inode || !vfsmnt) {
		r->hdr.flags |= ES_EXEC_F_EXE_FAULT;
		return;
	}
	bpf_probe_read_kernel(&r->exe_ino, sizeof(r->exe_ino), inode + o[ES_EXE_OFF_I_INO]);
	bpf_probe_read_kernel(&r->exe_nlink, sizeof(r->exe_nlink), inode + o[ES_EXE_OFF_I_NLINK]);
	sb = read_ptr(inode, o[ES_EXE_OFF_I_SB]);
	if (sb)
		bpf_probe_read_kernel(&r->exe_dev, sizeof(r->exe_dev), sb + o[ES_EXE_OFF_S_DEV]);
	/* The struct mount around the vfsmount (the kernel's real_mount()). */
	w.mnt = vfsmnt - o[ES_EXE_OFF_MOUNT_MNT];
	w.mnt_root = read_ptr(w.mnt, o[ES_EXE_OFF_MOUNT_ROOT]);
	bpf_loop(ES_EXE_DEPTH_MAX, exe_step, &w, 0);
	if (!w.done)
		w.flags |=
			ES_EXEC_F_EXE_TRUNCATED; /* ES_EXE_DEPTH_MAX steps, still not at the root */
	r->hdr.flags |= w.flags;
	r->exe_path_len = w.pos > ES_EXE_PATH_MAX ? ES_EXE_PATH_MAX : w.pos;
}

#endif /* EXECSENSOR_BPF_EXE_H */
