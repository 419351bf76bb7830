/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Who and where, read in the kernel: the credentials (CRED_OFFSETS: the
 * caller's at entry, the new image's at exec), the audit login, the terminal,
 * the namespaces and the pid in its own (AUDIT_, TTY_, NS_, PIDNS_OFFSETS).
 */
#ifndef EXECSENSOR_BPF_CONTEXT_H
#define EXECSENSOR_BPF_CONTEXT_H

#include "bpf_maps.h"
#include "bpf_offsets.h"
#include "bpf_output.h"
#include "bpf_window.h"

/*
 * The current task's cred through CRED_OFFSETS (@o), its start in @w: 0, 1
 * when the group is off, -1 when unreadable.
 */
static __always_inline int read_cred(__u32 *o, struct window *w)
{
	void *cred;

	if (!kernel_reads || cred_offsets(o))
		return 1;
	cred = read_ptr((void *)bpf_get_current_task(), o[ES_CRED_OFF_TASK_CRED]);
	if (!cred)
		return -1;
	window_read(w, cred);
	return 0;
}

/* The euid, egid and capabilities an exec may raise, from the cred in @w. */
static __always_inline int read_privileges(const __u32 *o, const struct window *w, __u32 *euid,
					   __u32 *egid, __u64 *cap_permitted, __u64 *cap_effective)
{
	return window_u32(w, o[ES_CRED_OFF_EUID], euid) ||
	       window_u32(w, o[ES_CRED_OFF_EGID], egid) ||
	       window_u64(w, o[ES_CRED_OFF_CAP_PERMITTED], cap_permitted) ||
	       window_u64(w, o[ES_CRED_OFF_CAP_EFFECTIVE], cap_effective);
}

/*
 * The new credentials; raised when euid or egid changed or a capability was
 * gained. @w: the cred's window, for the user namespace after.
 */
static __always_inline int ctx_creds(struct es_exec_context *c, struct window *w)
{
	__u32 o[ES_CRED_OFF__MAX], euid, egid;
	__u64 cap_permitted, cap_effective;
	int err;

	err = read_cred(o, w);
	if (!err && (read_privileges(o, w, &euid, &egid, &cap_permitted, &cap_effective) ||
		     window_u32(w, o[ES_CRED_OFF_SUID], &c->suid) ||
		     window_u32(w, o[ES_CRED_OFF_FSUID], &c->fsuid) ||
		     window_u32(w, o[ES_CRED_OFF_SGID], &c->sgid) ||
		     window_u32(w, o[ES_CRED_OFF_FSGID], &c->fsgid)))
		err = -1;
	if (err) {
		w->base = NULL; /* no cred to share */
		c->present &= ~ES_CTX_F_PRIV_KNOWN;
		return err < 0 ? -1 : 0;
	}
	if ((c->present & ES_CTX_F_PRIV_KNOWN) &&
	    (euid != c->euid || egid != c->egid || (cap_permitted & ~c->cap_permitted) ||
	     (cap_effective & ~c->cap_effective)))
		c->present |= ES_CTX_F_PRIV_RAISED;
	c->euid = euid;
	c->egid = egid;
	c->cap_permitted = cap_permitted;
	c->cap_effective = cap_effective;
	c->present |= ES_CTX_F_CREDS;
	return 0;
}

static __always_inline int ctx_audit(struct es_exec_context *c, void *task)
{
	__u32 o[ES_AUDIT_OFF__MAX];

	if (audit_offsets(o))
		return 0;
	if (bpf_probe_read_kernel(&c->auid, sizeof(c->auid), task + o[ES_AUDIT_OFF_LOGINUID]) ||
	    bpf_probe_read_kernel(&c->session, sizeof(c->session),
				  task + o[ES_AUDIT_OFF_SESSIONID]))
		return -1;
	c->present |= ES_CTX_F_AUDIT;
	return 0;
}

/* The controlling terminal's name, "" without one. */
static __always_inline int ctx_tty(struct es_exec_context *c, void *task)
{
	__u32 o[ES_TTY_OFF__MAX];
	void *signal, *tty = NULL;
	char last = 0;
	long n;

	if (tty_offsets(o))
		return 0;
	signal = read_ptr(task, o[ES_TTY_OFF_SIGNAL]);
	if (!signal || bpf_probe_read_kernel(&tty, sizeof(tty), signal + o[ES_TTY_OFF_TTY]))
		return -1;
	if (tty) {
		n = bpf_probe_read_kernel_str(c->tty, sizeof(c->tty), tty + o[ES_TTY_OFF_NAME]);
		if (n <= 0)
			return -1;
		if (n == sizeof(c->tty) &&
		    !bpf_probe_read_kernel(&last, 1,
					   tty + o[ES_TTY_OFF_NAME] + sizeof(c->tty) - 1) &&
		    last)
			c->present |= ES_CTX_F_TTY_TRUNCATED;
	}
	c->present |= ES_CTX_F_TTY;
	return 0;
}

/* The inode number of namespace @ns, at @inum_off. */
static __always_inline int ns_inum(void *ns, __u32 inum_off, __u32 *inum)
{
	return !ns || bpf_probe_read_kernel(inum, sizeof(*inum), ns + inum_off) ? -1 : 0;
}

static __always_inline int ctx_ns(struct es_exec_context *c, void *task, struct window *cred_w)
{
	struct window *w = window_get(WINDOW_EXEC_NSPROXY);
	__u32 o[ES_NS_OFF__MAX];
	void *nsproxy, *cred;

	if (ns_offsets(o))
		return 0;
	if (!w)
		return -1;
	nsproxy = read_ptr(task, o[ES_NS_OFF_TASK_NSPROXY]);
	/* The cred the creds came from, if they did (the same task_struct.cred). */
	cred = cred_w->base ? (void *)cred_w->base : read_ptr(task, o[ES_NS_OFF_TASK_CRED]);
	if (!cred_w->base)
		window_read(cred_w, cred);
	if (!nsproxy || !cred)
		return -1;
	window_read(w, nsproxy);
	if (ns_inum(window_ptr(w, o[ES_NS_OFF_MNT]), o[ES_NS_OFF_MNT_INUM], &c->ns_mnt) ||
	    ns_inum(window_ptr(w, o[ES_NS_OFF_NET]), o[ES_NS_OFF_NET_INUM], &c->ns_net) ||
	    ns_inum(window_ptr(w, o[ES_NS_OFF_UTS]), o[ES_NS_OFF_UTS_INUM], &c->ns_uts) ||
	    ns_inum(window_ptr(w, o[ES_NS_OFF_IPC]), o[ES_NS_OFF_IPC_INUM], &c->ns_ipc) ||
	    ns_inum(window_ptr(w, o[ES_NS_OFF_CGROUP]), o[ES_NS_OFF_CGROUP_INUM], &c->ns_cgroup) ||
	    ns_inum(window_ptr(cred_w, o[ES_NS_OFF_USER]), o[ES_NS_OFF_USER_INUM], &c->ns_user))
		return -1;
	c->present |= ES_CTX_F_NS;
	return 0;
}

/* Pid namespaces nest at most 32 deep (the kernel's MAX_PID_NS_LEVEL). */
#define PID_NS_LEVEL_MAX 32

/* The innermost level of current's struct pid: its own pid namespace and its pid there. */
static __always_inline int ctx_pidns(struct es_exec_context *c, void *task)
{
	__u32 o[ES_PIDNS_OFF__MAX], level = 0;
	void *pid, *upid;

	if (pidns_offsets(o))
		return 0;
	pid = read_ptr(task, o[ES_PIDNS_OFF_THREAD_PID]);
	if (!pid || bpf_probe_read_kernel(&level, sizeof(level), pid + o[ES_PIDNS_OFF_LEVEL]) ||
	    level > PID_NS_LEVEL_MAX)
		return -1;
	upid = pid + o[ES_PIDNS_OFF_NUMBERS] + (__u64)level * o[ES_PIDNS_OFF_UPID_SIZE];
	if (bpf_probe_read_kernel(&c->vpid, sizeof(c->vpid), upid + o[ES_PIDNS_OFF_UPID_NR]) ||
	    ns_inum(read_ptr(upid, o[ES_PIDNS_OFF_UPID_NS]), o[ES_PIDNS_OFF_PIDNS_INUM],
		    &c->ns_pid))
		return -1;
	c->present |= ES_CTX_F_PIDNS;
	return 0;
}

/*
 * Who and where, in the new image: its credentials (set-id and capabilities
 * applied), audit login, terminal, namespaces. A part whose group is off is
 * absent; one whose reads fail is absent too, and counted.
 */
static __always_inline void exec_context(struct es_exec_record *r)
{
	void *task = (void *)bpf_get_current_task();
	struct window *cred = window_get(WINDOW_EXEC_CRED);
	struct es_exec_context *c = &r->ctx;

	if (!cred) {
		c->present &= ~ES_CTX_F_PRIV_KNOWN;
		return;
	}
	if (ctx_creds(c, cred) | ctx_audit(c, task) | ctx_tty(c, task) | ctx_ns(c, task, cred) |
	    ctx_pidns(c, task))
		stat_inc(ES_STAT_CONTEXT_FAULT);
}

#endif /* EXECSENSOR_BPF_CONTEXT_H */
