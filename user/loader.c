// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The loader: lockdown and BTF first, then the attach mode, then only that
 * mode's programs loaded with TASK_OFFSETS written before anything attaches,
 * so the very first record already carries its parent. See loader.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attach.h"
#include "btf.h"
#include "execsensor.skel.h"
#include "loader_internal.h"
#include "lockdown.h"
#include "offsets.h"

#define DEFAULT_BTF	 "/sys/kernel/btf/vmlinux"
#define TASK_OFFSETS_MAP "TASK_OFFSETS"
#define EXEC_OFFSETS_MAP "EXEC_OFFSETS"

static const char *const syscall_names[] = { "execve", "execveat" };

void es_reasonf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

void es_loader_log(struct es_loader *l, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (l->opts.log)
		l->opts.log(l->opts.ctx, line);
	else
		fprintf(stderr, "execsensor: %s\n", line);
}

int es_loader_fail(struct es_loader *l, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->error, sizeof(l->error), fmt, ap);
	va_end(ap);
	return err < 0 ? err : -EINVAL;
}

static const char *const attach_mode_names[] = {
	[ES_ATTACH_AUTO] = "auto",
	[ES_ATTACH_KPROBE] = "kprobe",
	[ES_ATTACH_TRACEPOINT] = "tracepoint",
};

const char *es_attach_mode_name(enum es_attach_mode mode)
{
	return mode <= ES_ATTACH_TRACEPOINT ? attach_mode_names[mode] : "unknown";
}

int es_attach_mode_parse(const char *name, enum es_attach_mode *mode)
{
	int i;

	for (i = ES_ATTACH_AUTO; i <= ES_ATTACH_TRACEPOINT; i++) {
		if (!strcmp(name, attach_mode_names[i])) {
			*mode = (enum es_attach_mode)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *es_lockdown_name(enum es_lockdown state)
{
	static const char *const names[] = {
		[ES_LOCKDOWN_UNKNOWN] = "unknown",
		[ES_LOCKDOWN_NONE] = "none",
		[ES_LOCKDOWN_INTEGRITY] = "integrity",
		[ES_LOCKDOWN_CONFIDENTIALITY] = "confidentiality",
	};

	return state <= ES_LOCKDOWN_CONFIDENTIALITY ? names[state] : "unknown";
}

const char *es_selftest_name(enum es_selftest result)
{
	static const char *const names[] = {
		[ES_SELFTEST_NOT_RUN] = "not run",
		[ES_SELFTEST_PASSED] = "passed",
		[ES_SELFTEST_NO_KERNEL_PPID] = "events only (no kernel ppid expected)",
		[ES_SELFTEST_MISMATCH] = "failed: kernel ppid disabled",
		[ES_SELFTEST_DISABLED] = "disabled",
	};

	return result <= ES_SELFTEST_DISABLED ? names[result] : "unknown";
}

struct es_loader *es_loader_new(const struct es_loader_opts *opts)
{
	struct es_loader *l;

	if (!opts || !opts->on_record) {
		errno = EINVAL;
		return NULL;
	}
	l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->opts = *opts;
	l->backlog_tail = &l->backlog;
	l->info.attach_requested = opts->attach;
	l->info.ringbuf_size = opts->ringbuf_size ? opts->ringbuf_size : ES_RINGBUF_DEFAULT_SIZE;
	return l;
}

static void disable_kernel_ppid(struct es_loader *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void disable_kernel_ppid(struct es_loader *l, const char *fmt, ...)
{
	va_list ap;

	l->info.kernel_ppid = false;
	memset(l->offsets, 0, sizeof(l->offsets));
	va_start(ap, fmt);
	vsnprintf(l->info.kernel_ppid_reason, sizeof(l->info.kernel_ppid_reason), fmt, ap);
	va_end(ap);
}

static void disable_image_argv(struct es_loader *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void disable_image_argv(struct es_loader *l, const char *fmt, ...)
{
	va_list ap;

	l->info.image_argv = false;
	memset(l->exec_offsets, 0, sizeof(l->exec_offsets));
	va_start(ap, fmt);
	vsnprintf(l->info.image_argv_reason, sizeof(l->info.image_argv_reason), fmt, ap);
	va_end(ap);
}

/* Each EXEC_OFFSETS entry from @btf, or 0 with the reason: all three or none. */
static void resolve_exec_offsets(struct es_loader *l, const struct btf *btf)
{
	struct es_loader_info *info = &l->info;
	size_t i;

	info->image_argv = true;
	for (i = 0; i < ES_EXEC_OFF__MAX; i++) {
		struct es_offset *off = &info->exec_offsets[i];

		if (!off->field) {
			es_reasonf(off->reason, sizeof(off->reason),
				   "no offset table field for key %zu", i);
			info->image_argv = false;
			continue;
		}
		es_offset_resolve(btf, off->field, off);
		l->exec_offsets[i] = off->resolved ? off->value : 0;
		if (!off->resolved || !off->value)
			info->image_argv = false;
	}
	if (info->image_argv)
		return;
	for (i = 0; i < ES_EXEC_OFF__MAX; i++) {
		if (!info->exec_offsets[i].resolved)
			break;
	}
	disable_image_argv(l, "%s unresolved: %s",
			   i < ES_EXEC_OFF__MAX ? info->exec_offsets[i].path : "an offset",
			   i < ES_EXEC_OFF__MAX ? info->exec_offsets[i].reason : "value 0");
}

/* Each TASK_OFFSETS and EXEC_OFFSETS entry from BTF, or 0 with the reason. */
static void resolve_offsets(struct es_loader *l)
{
	const char *path = l->opts.btf_path ? l->opts.btf_path : DEFAULT_BTF;
	struct es_loader_info *info = &l->info;
	struct btf_diag diag = {};
	struct btf *btf = NULL;
	size_t i;
	int err;

	for (i = 0; i < es_offset_fields_cnt; i++) {
		const struct es_offset_field *field = &es_offset_fields[i];
		struct es_offset *off = NULL;

		if (!strcmp(field->map, TASK_OFFSETS_MAP) && field->key < ES_TASK_OFF__MAX)
			off = &info->offsets[field->key];
		else if (!strcmp(field->map, EXEC_OFFSETS_MAP) && field->key < ES_EXEC_OFF__MAX)
			off = &info->exec_offsets[field->key];
		if (!off)
			continue;
		off->field = field;
		off->path = field->path;
	}

	err = btf_open_file(path, NULL, &btf, &diag);
	if (err) {
		if (diag.msg[0] && strstr(diag.msg, path))
			es_reasonf(info->btf_error, sizeof(info->btf_error), "%s", diag.msg);
		else
			es_reasonf(info->btf_error, sizeof(info->btf_error), "%s: %s", path,
				   diag.msg[0] ? diag.msg : btf_strerror(err));
		for (i = 0; i < ES_TASK_OFF__MAX; i++)
			es_reasonf(info->offsets[i].reason, sizeof(info->offsets[i].reason),
				   "no BTF (%s)", info->btf_error);
		for (i = 0; i < ES_EXEC_OFF__MAX; i++)
			es_reasonf(info->exec_offsets[i].reason,
				   sizeof(info->exec_offsets[i].reason), "no BTF (%s)",
				   info->btf_error);
		disable_kernel_ppid(l, "no BTF: %s%s", info->btf_error,
				    l->opts.btf_path ? ""
						     : "; pass --btf PATH for an external BTF");
		disable_image_argv(l, "no BTF: %s", info->btf_error);
		return;
	}
	es_reasonf(info->btf_source, sizeof(info->btf_source), "%s", path);
	resolve_exec_offsets(l, btf);

	info->kernel_ppid = true;
	for (i = 0; i < ES_TASK_OFF__MAX; i++) {
		struct es_offset *off = &info->offsets[i];

		if (!off->field) {
			es_reasonf(off->reason, sizeof(off->reason),
				   "no offset table field for key %zu", i);
			info->kernel_ppid = false;
			continue;
		}
		es_offset_resolve(btf, off->field, off);
		l->offsets[i] = off->resolved ? off->value : 0;
		if (!off->resolved || !off->value)
			info->kernel_ppid = false;
	}
	btf_free(btf);
	if (!info->kernel_ppid) {
		for (i = 0; i < ES_TASK_OFF__MAX; i++) {
			if (!info->offsets[i].resolved)
				break;
		}
		disable_kernel_ppid(l, "%s unresolved: %s",
				    i < ES_TASK_OFF__MAX ? info->offsets[i].path : "an offset",
				    i < ES_TASK_OFF__MAX ? info->offsets[i].reason : "value 0");
	}
}

/* The mode to load: kprobe when usable (or demanded), else tracepoint. */
static int choose_mode(struct es_loader *l)
{
	struct es_loader_info *info = &l->info;
	char funcs[2][ES_SYSCALL_FUNC_MAX];
	char why[ES_REASON_MAX] = "";
	bool mounted = false;
	int err;

	if (l->opts.attach != ES_ATTACH_TRACEPOINT) {
		if (info->lockdown == ES_LOCKDOWN_CONFIDENTIALITY) {
			es_reasonf(why, sizeof(why),
				   "kprobes need bpf_probe_read_kernel(), which "
				   "lockdown=confidentiality refuses");
			err = -EPERM;
		} else {
			err = es_kprobe_available(why, sizeof(why));
			if (!err)
				err = es_syscall_functions(syscall_names, funcs, 2, why,
							   sizeof(why));
		}
		if (!err) {
			info->attach_mode = ES_ATTACH_KPROBE;
			es_reasonf(info->kprobe_execve, sizeof(info->kprobe_execve), "%s",
				   funcs[0]);
			es_reasonf(info->kprobe_execveat, sizeof(info->kprobe_execveat), "%s",
				   funcs[1]);
			es_reasonf(info->attach_reason, sizeof(info->attach_reason),
				   "%s: kprobes on %s and %s",
				   l->opts.attach == ES_ATTACH_KPROBE ? "requested" : "auto",
				   funcs[0], funcs[1]);
			return 0;
		}
		if (l->opts.attach == ES_ATTACH_KPROBE)
			return es_loader_fail(l, err, "--attach kprobe: %s", why);
		es_reasonf(info->attach_reason, sizeof(info->attach_reason),
			   "auto: kprobes unusable (%s); using tracepoints", why);
		es_loader_log(l, "%s", info->attach_reason);
	} else {
		es_reasonf(info->attach_reason, sizeof(info->attach_reason),
			   "requested: syscalls tracepoints");
	}
	info->attach_mode = ES_ATTACH_TRACEPOINT;
	err = es_tracepoints_ready(&mounted, why, sizeof(why));
	if (mounted) {
		info->tracefs_mounted = true;
		es_loader_log(l, "mounted tracefs at %s (it was not mounted)", ES_TRACEFS);
	}
	if (err)
		return es_loader_fail(l, err, "tracepoint mode: %s", why);
	return 0;
}

/* The image program runs in either mode, where the kernel lets it read. */
static void choose_exec_image(struct es_loader *l)
{
	struct es_loader_info *info = &l->info;
	char why[ES_REASON_MAX] = "";
	bool mounted = false;

	info->exec_image = false;
	if (!l->opts.exec_image) {
		es_reasonf(info->exec_image_reason, sizeof(info->exec_image_reason),
			   "not requested (es_loader_opts.exec_image)");
		disable_image_argv(l, "no exec image records: %s", info->exec_image_reason);
		return;
	}
	if (info->lockdown == ES_LOCKDOWN_CONFIDENTIALITY) {
		es_reasonf(info->exec_image_reason, sizeof(info->exec_image_reason),
			   "kernel lockdown=confidentiality refuses bpf_probe_read_kernel(), "
			   "which the image record needs");
	} else if (es_exec_image_ready(&mounted, why, sizeof(why))) {
		es_reasonf(info->exec_image_reason, sizeof(info->exec_image_reason),
			   "sched:sched_process_exec unusable: %s", why);
	} else {
		info->exec_image = true;
		info->exec_image_reason[0] = '\0';
	}
	if (mounted) {
		info->tracefs_mounted = true;
		es_loader_log(l, "mounted tracefs at %s (it was not mounted)", ES_TRACEFS);
	}
	if (info->exec_image) {
		if (!info->image_argv)
			es_loader_log(l, "exec image records without argv: %s",
				      info->image_argv_reason);
		return;
	}
	es_loader_log(l, "no exec image records: %s", info->exec_image_reason);
	disable_image_argv(l, "no exec image records: %s", info->exec_image_reason);
}

int es_loader_write_offsets(struct es_loader *l, const uint32_t *values)
{
	uint32_t key;
	int err;

	for (key = 0; key < ES_TASK_OFF__MAX; key++) {
		err = bpf_map__update_elem(l->skel->maps.TASK_OFFSETS, &key, sizeof(key),
					   &values[key], sizeof(values[key]), BPF_ANY);
		if (err)
			return es_loader_fail(l, err, "writing TASK_OFFSETS[%u]: %s", key,
					      strerror(-err));
	}
	return 0;
}

int es_loader_write_exec_offsets(struct es_loader *l, const uint32_t *values)
{
	uint32_t key;
	int err;

	for (key = 0; key < ES_EXEC_OFF__MAX; key++) {
		err = bpf_map__update_elem(l->skel->maps.EXEC_OFFSETS, &key, sizeof(key),
					   &values[key], sizeof(values[key]), BPF_ANY);
		if (err)
			return es_loader_fail(l, err, "writing EXEC_OFFSETS[%u]: %s", key,
					      strerror(-err));
	}
	return 0;
}

/* An image record read with EXEC_OFFSETS the self-test refuted: its argv dropped. */
static void deliver_scrubbed_image(struct es_loader *l, const struct es_exec_image *img)
{
	struct es_exec_image copy = *img; /* the ring buffer is mapped read-only */

	copy.flags &= ~(ES_IMAGE_F_ARGV_TRUNCATED | ES_IMAGE_F_ARGV_FAULT);
	copy.flags |= ES_IMAGE_F_ARGV_ABSENT;
	copy.args_size = 0;
	memset(copy.args, 0, sizeof(copy.args));
	l->info.image_argv_scrubbed++;
	l->opts.on_record(l->opts.ctx, &copy, sizeof(copy));
}

void es_loader_deliver(struct es_loader *l, const void *data, size_t size)
{
	const struct es_exec_image *img = data;
	const struct es_exec_event *e = data;
	struct es_exec_event copy;

	if (l->scrub_image_argv && size >= sizeof(*img) && img->hdr.type == ES_RECORD_EXEC_IMAGE &&
	    !(img->flags & ES_IMAGE_F_ARGV_ABSENT)) {
		deliver_scrubbed_image(l, img);
		return;
	}

	if (l->scrub_kernel_ppid && size >= sizeof(*e) && e->hdr.type == ES_RECORD_EXEC &&
	    (e->flags & ES_EXEC_F_PPID_KERNEL)) {
		/* The ring buffer is mapped read-only: fix a copy. */
		copy = *e;
		copy.flags &= ~ES_EXEC_F_PPID_KERNEL;
		copy.ppid = 0;
		l->info.kernel_ppid_scrubbed++;
		l->opts.on_record(l->opts.ctx, &copy, sizeof(copy));
		return;
	}
	l->opts.on_record(l->opts.ctx, data, size);
}

static int on_sample(void *ctx, void *data, size_t size)
{
	struct es_loader *l = ctx;

	if (size < sizeof(struct es_record_header))
		return 0; /* never produced by our programs */
	if (l->selftest_running)
		es_selftest_record(l, data, size);
	else
		es_loader_deliver(l, data, size);
	return 0;
}

/* Open, size, select programs, load, write TASK_OFFSETS, open the ring buffer. */
static int load_skeleton(struct es_loader *l)
{
	bool kprobe = l->info.attach_mode == ES_ATTACH_KPROBE;
	struct execsensor_bpf *skel;
	int err;

	skel = execsensor_bpf__open();
	if (!skel)
		return es_loader_fail(l, -errno, "opening the embedded BPF object: %s",
				      strerror(errno));
	l->skel = skel;
	err = bpf_map__set_max_entries(skel->maps.EVENTS, l->info.ringbuf_size);
	if (err)
		return es_loader_fail(l, err, "ring buffer size %u: %s", l->info.ringbuf_size,
				      strerror(-err));
	skel->rodata->kernel_parent = l->info.lockdown != ES_LOCKDOWN_CONFIDENTIALITY;
	skel->rodata->wakeup_bytes =
		l->opts.wakeup_bytes ? l->opts.wakeup_bytes : l->info.ringbuf_size / 4;
	bpf_program__set_autoload(skel->progs.kprobe_execve, kprobe);
	bpf_program__set_autoload(skel->progs.kretprobe_execve, kprobe);
	bpf_program__set_autoload(skel->progs.kprobe_execveat, kprobe);
	bpf_program__set_autoload(skel->progs.kretprobe_execveat, kprobe);
	bpf_program__set_autoload(skel->progs.tp_enter_execve, !kprobe);
	bpf_program__set_autoload(skel->progs.tp_exit_execve, !kprobe);
	bpf_program__set_autoload(skel->progs.tp_enter_execveat, !kprobe);
	bpf_program__set_autoload(skel->progs.tp_exit_execveat, !kprobe);
	bpf_program__set_autoload(skel->progs.tp_exec_image, l->info.exec_image);

	err = execsensor_bpf__load(skel);
	if (err)
		return es_loader_fail(l, err, "loading the %s programs: %s%s",
				      es_attach_mode_name(l->info.attach_mode), strerror(-err),
				      err == -EPERM ? " (needs CAP_BPF and CAP_PERFMON, or root)"
						    : "");
	err = es_loader_write_offsets(l, l->offsets);
	if (!err)
		err = es_loader_write_exec_offsets(l, l->exec_offsets);
	if (err)
		return err;
	l->rb = ring_buffer__new(bpf_map__fd(skel->maps.EVENTS), on_sample, l, NULL);
	if (!l->rb)
		return es_loader_fail(l, -errno, "ring buffer: %s", strerror(errno));
	return 0;
}

static void unload_skeleton(struct es_loader *l)
{
	es_loader_detach(l);
	ring_buffer__free(l->rb);
	l->rb = NULL;
	execsensor_bpf__destroy(l->skel);
	l->skel = NULL;
}

int es_loader_load(struct es_loader *l)
{
	const char *lockdown_path =
		l->opts.lockdown_path ? l->opts.lockdown_path : ES_LOCKDOWN_PATH;
	struct es_loader_info *info = &l->info;
	uint32_t size = info->ringbuf_size;
	int err;

	if (l->skel)
		return es_loader_fail(l, -EALREADY, "already loaded");
	if (size < (uint32_t)getpagesize() || (size & (size - 1)))
		return es_loader_fail(l, -EINVAL,
				      "ring buffer size %u: must be a power of 2 and "
				      "at least the page size (%d)",
				      size, getpagesize());

	err = es_lockdown_read(lockdown_path, &info->lockdown, info->lockdown_raw,
			       sizeof(info->lockdown_raw));
	if (err)
		es_loader_log(l, "cannot read %s (%s): assuming no lockdown", lockdown_path,
			      strerror(-err));

	resolve_offsets(l);
	if (info->lockdown == ES_LOCKDOWN_CONFIDENTIALITY) {
		disable_kernel_ppid(l, "kernel lockdown=confidentiality refuses "
				       "bpf_probe_read_kernel(); parents come from /proc");
		es_loader_log(l, "%s", info->kernel_ppid_reason);
	} else if (l->opts.no_kernel_ppid) {
		disable_kernel_ppid(l, "disabled on request (--no-kernel-ppid)");
	} else if (!info->kernel_ppid) {
		es_loader_log(l, "no kernel ppid: %s", info->kernel_ppid_reason);
	}
	if (l->opts.override_offsets) {
		memcpy(l->offsets, l->opts.override_offsets, sizeof(l->offsets));
		info->kernel_ppid =
			l->offsets[ES_TASK_OFF_REAL_PARENT] && l->offsets[ES_TASK_OFF_TGID];
		es_reasonf(info->kernel_ppid_reason, sizeof(info->kernel_ppid_reason), "%s",
			   info->kernel_ppid ? "" : "offsets overridden with 0");
	}
	if (l->opts.override_exec_offsets) {
		memcpy(l->exec_offsets, l->opts.override_exec_offsets, sizeof(l->exec_offsets));
		info->image_argv = l->exec_offsets[ES_EXEC_OFF_TASK_MM] &&
				   l->exec_offsets[ES_EXEC_OFF_ARG_START] &&
				   l->exec_offsets[ES_EXEC_OFF_ARG_END];
		es_reasonf(info->image_argv_reason, sizeof(info->image_argv_reason), "%s",
			   info->image_argv ? "" : "exec offsets overridden with 0");
	}
	choose_exec_image(l);
	err = choose_mode(l);
	if (!err)
		err = load_skeleton(l);
	if (err)
		unload_skeleton(l);
	return err;
}

/* The image program, between entries and exits; a failure costs only its records. */
static void attach_exec_image(struct es_loader *l)
{
	struct es_loader_info *info = &l->info;

	l->links[ES_LINK_EXEC_IMAGE] = bpf_program__attach_tracepoint(
		l->skel->progs.tp_exec_image, "sched", "sched_process_exec");
	if (l->links[ES_LINK_EXEC_IMAGE])
		return;
	info->exec_image = false;
	es_reasonf(info->exec_image_reason, sizeof(info->exec_image_reason),
		   "attaching to sched:sched_process_exec failed: %s", strerror(errno));
	es_loader_log(l, "no exec image records: %s", info->exec_image_reason);
	disable_image_argv(l, "no exec image records: %s", info->exec_image_reason);
}

static int attach_links(struct es_loader *l)
{
	struct execsensor_bpf *skel = l->skel;
	struct es_loader_info *info = &l->info;
	int i, err;

	/*
	 * Entries, the image, exits, and es_loader_detach() in reverse: at
	 * either boundary an exec may lack its image or result, but no image
	 * or result lacks its exec (except for an exec already in flight at
	 * attach).
	 */
	if (info->attach_mode == ES_ATTACH_KPROBE) {
		l->links[ES_LINK_ENTER_EXECVE] = bpf_program__attach_kprobe(
			skel->progs.kprobe_execve, false, info->kprobe_execve);
		l->links[ES_LINK_ENTER_EXECVEAT] = bpf_program__attach_kprobe(
			skel->progs.kprobe_execveat, false, info->kprobe_execveat);
	} else {
		l->links[ES_LINK_ENTER_EXECVE] = bpf_program__attach_tracepoint(
			skel->progs.tp_enter_execve, "syscalls", "sys_enter_execve");
		l->links[ES_LINK_ENTER_EXECVEAT] = bpf_program__attach_tracepoint(
			skel->progs.tp_enter_execveat, "syscalls", "sys_enter_execveat");
	}
	if (info->exec_image)
		attach_exec_image(l);
	if (info->attach_mode == ES_ATTACH_KPROBE) {
		l->links[ES_LINK_EXIT_EXECVE] = bpf_program__attach_kprobe(
			skel->progs.kretprobe_execve, true, info->kprobe_execve);
		l->links[ES_LINK_EXIT_EXECVEAT] = bpf_program__attach_kprobe(
			skel->progs.kretprobe_execveat, true, info->kprobe_execveat);
	} else {
		l->links[ES_LINK_EXIT_EXECVE] = bpf_program__attach_tracepoint(
			skel->progs.tp_exit_execve, "syscalls", "sys_exit_execve");
		l->links[ES_LINK_EXIT_EXECVEAT] = bpf_program__attach_tracepoint(
			skel->progs.tp_exit_execveat, "syscalls", "sys_exit_execveat");
	}
	for (i = 0; i < ES_LINKS_MAX; i++) {
		if (l->links[i] || i == ES_LINK_EXEC_IMAGE)
			continue;
		err = -errno;
		es_loader_detach(l);
		return es_loader_fail(l, err, "%s attach failed: %s",
				      es_attach_mode_name(info->attach_mode), strerror(-err));
	}
	return 0;
}

int es_loader_attach(struct es_loader *l)
{
	struct es_loader_info *info = &l->info;
	int err;

	if (!l->skel)
		return es_loader_fail(l, -EINVAL, "attach before a successful load");
	err = attach_links(l);
	if (err && info->attach_mode == ES_ATTACH_KPROBE && l->opts.attach == ES_ATTACH_AUTO) {
		char why[ES_REASON_MAX];

		/* Reload: a kprobe program cannot be attached as a tracepoint. */
		es_reasonf(why, sizeof(why), "%s", l->error);
		unload_skeleton(l);
		info->kprobe_execve[0] = info->kprobe_execveat[0] = '\0';
		l->opts.attach = ES_ATTACH_TRACEPOINT;
		err = choose_mode(l);
		l->opts.attach = ES_ATTACH_AUTO;
		es_reasonf(info->attach_reason, sizeof(info->attach_reason),
			   "auto: %s; using tracepoints", why);
		es_loader_log(l, "%s", info->attach_reason);
		if (!err)
			err = load_skeleton(l);
		if (!err)
			err = attach_links(l);
	}
	if (err)
		return err;
	return es_selftest_run(l);
}

void es_loader_detach(struct es_loader *l)
{
	int i;

	for (i = ES_LINKS_MAX - 1; i >= 0; i--) {
		bpf_link__destroy(l->links[i]);
		l->links[i] = NULL;
	}
}

int es_loader_poll(struct es_loader *l, int timeout_ms)
{
	struct es_backlog_record *rec;
	int handled = 0, n;

	if (!l->rb)
		return -EINVAL;
	while ((rec = l->backlog) != NULL) {
		l->backlog = rec->next;
		es_loader_deliver(l, rec->data, rec->size);
		free(rec);
		handled++;
	}
	l->backlog_tail = &l->backlog;
	n = ring_buffer__poll(l->rb, handled ? 0 : timeout_ms);
	if (n < 0 && n != -EINTR)
		return n;
	handled += n > 0 ? n : 0;
	/* Records below the wakeup threshold did not signal: collect them too. */
	n = ring_buffer__consume(l->rb);
	return n < 0 ? n : handled + n;
}

int es_loader_epoll_fd(const struct es_loader *l)
{
	return l->rb ? ring_buffer__epoll_fd(l->rb) : -EINVAL;
}

int es_loader_read_stats(const struct es_loader *l, uint64_t stats[ES_STAT__MAX])
{
	int ncpus = libbpf_num_possible_cpus(), cpu, err = 0;
	uint64_t *percpu;
	uint32_t key;

	if (!l->skel)
		return -EINVAL;
	if (ncpus < 0)
		return ncpus;
	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	for (key = 0; key < ES_STAT__MAX; key++) {
		err = bpf_map__lookup_elem(l->skel->maps.STATS, &key, sizeof(key), percpu,
					   ncpus * sizeof(*percpu), 0);
		if (err)
			break;
		stats[key] = 0;
		for (cpu = 0; cpu < ncpus; cpu++)
			stats[key] += percpu[cpu];
	}
	free(percpu);
	return err;
}

/* The programs whose skipped run is an exec never reported: the entry handlers. */
static bool prog_loses_execs(const struct es_loader *l, const struct bpf_program *prog)
{
	const struct execsensor_bpf *skel = l->skel;

	return prog == skel->progs.kprobe_execve || prog == skel->progs.kprobe_execveat ||
	       prog == skel->progs.tp_enter_execve || prog == skel->progs.tp_enter_execveat;
}

int es_prog_stats_read(int prog_fd, const char *name, struct es_prog_stats *out)
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info);
	int err;

	err = bpf_obj_get_info_by_fd(prog_fd, &info, &len);
	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", name);
	out->id = info.id;
	out->run_cnt = info.run_cnt;
	out->run_time_ns = info.run_time_ns;
	out->recursion_misses = info.recursion_misses;
	return 0;
}

int es_loader_prog_stats(const struct es_loader *l, struct es_prog_stats *out, size_t max)
{
	struct bpf_program *prog;
	size_t n = 0;
	int err;

	if (!l->skel)
		return -EINVAL;
	bpf_object__for_each_program(prog, l->skel->obj)
	{
		int fd = bpf_program__fd(prog);

		if (fd < 0)
			continue; /* not loaded: the other attach mode's */
		if (n == max)
			return -ENOSPC;
		err = es_prog_stats_read(fd, bpf_program__name(prog), &out[n]);
		if (err)
			return err;
		out[n].loses_execs = prog_loses_execs(l, prog);
		n++;
	}
	return (int)n;
}

bool es_bpf_stats_enabled(void)
{
	FILE *f = fopen("/proc/sys/kernel/bpf_stats_enabled", "re");
	int c = f ? fgetc(f) : EOF;

	if (f)
		fclose(f);
	return c == '1';
}

const struct es_loader_info *es_loader_info(const struct es_loader *l)
{
	return &l->info;
}

const char *es_loader_error(const struct es_loader *l)
{
	return l->error;
}

void es_loader_destroy(struct es_loader *l)
{
	struct es_backlog_record *rec;

	if (!l)
		return;
	unload_skeleton(l);
	while ((rec = l->backlog) != NULL) {
		l->backlog = rec->next;
		free(rec);
	}
	free(l);
}
