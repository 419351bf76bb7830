// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The offset table and its type checks. The BPF side follows these offsets
 * with bpf_probe_read_kernel() and no other safety net, so a field is only
 * resolved when the kernel's BTF says it is exactly what the handler reads:
 * real_parent a pointer to struct task_struct, tgid a 4-byte integer, mm a
 * pointer to struct mm_struct, arg_start and arg_end 8-byte integers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/btf.h>

#include "offsets.h"
#include "execsensor.h"

/* A group's row; its keys must fit struct es_offset_group_state (else this does not compile). */
#define GROUP(m, s, n)                                                                    \
	{                                                                                 \
		.map = (m), .serves = (s),                                                \
		.nkeys = (n) + 0 * sizeof(char[(n) <= ES_OFFSET_GROUP_KEYS_MAX ? 1 : -1]) \
	}

const struct es_offset_group es_offset_groups[ES_OFFSET_GROUP__MAX] = {
	[ES_OFFSET_GROUP_TASK] = GROUP("TASK_OFFSETS", "the kernel ppid", ES_TASK_OFF__MAX),
	[ES_OFFSET_GROUP_EXEC] = GROUP("EXEC_OFFSETS", "image argv", ES_EXEC_OFF__MAX),
	[ES_OFFSET_GROUP_EXE] = GROUP("EXE_OFFSETS", "the exe", ES_EXE_OFF__MAX),
	[ES_OFFSET_GROUP_EXIT] = GROUP("EXIT_OFFSETS", "exit status", ES_EXIT_OFF__MAX),
	[ES_OFFSET_GROUP_CRED] =
		GROUP("CRED_OFFSETS", "creds and privileges_changed", ES_CRED_OFF__MAX),
	[ES_OFFSET_GROUP_AUDIT] = GROUP("AUDIT_OFFSETS", "auid and session", ES_AUDIT_OFF__MAX),
	[ES_OFFSET_GROUP_TTY] = GROUP("TTY_OFFSETS", "tty", ES_TTY_OFF__MAX),
	[ES_OFFSET_GROUP_NS] = GROUP("NS_OFFSETS", "namespaces", ES_NS_OFF__MAX),
	[ES_OFFSET_GROUP_PIDNS] =
		GROUP("PIDNS_OFFSETS", "namespaces.pid and vpid", ES_PIDNS_OFF__MAX),
	[ES_OFFSET_GROUP_FORK] = GROUP("FORK_OFFSETS", "exact fork times", ES_FORK_OFF__MAX),
};

/* One row each: a pointer to a named struct, an integer, a pointer to integers, a struct. */
#define PTR_TO_STRUCT(grp, k, p, name)                                                      \
	{                                                                                   \
		.path = (p), .group = (grp), .key = (k), .expect = ES_EXPECT_PTR_TO_STRUCT, \
		.expect_name = (name)                                                       \
	}
#define INT(grp, k, p, size)                                                      \
	{                                                                         \
		.path = (p), .group = (grp), .key = (k), .expect = ES_EXPECT_INT, \
		.expect_size = (size)                                             \
	}
#define PTR_TO_INT(grp, k, p, size)                                                      \
	{                                                                                \
		.path = (p), .group = (grp), .key = (k), .expect = ES_EXPECT_PTR_TO_INT, \
		.expect_size = (size)                                                    \
	}
#define STRUCT(grp, k, p, name)                                                      \
	{                                                                            \
		.path = (p), .group = (grp), .key = (k), .expect = ES_EXPECT_STRUCT, \
		.expect_name = (name)                                                \
	}

#define NAMED(grp, k, p, name, size)                                                \
	{                                                                           \
		.path = (p), .group = (grp), .key = (k), .expect = ES_EXPECT_NAMED, \
		.expect_name = (name), .expect_size = (size)                        \
	}
#define CHARS(grp, k, p, size)                                                      \
	{                                                                           \
		.path = (p), .group = (grp), .key = (k), .expect = ES_EXPECT_CHARS, \
		.expect_size = (size)                                               \
	}
#define ARRAY_OF(grp, k, p, name, kind)                                                          \
	{                                                                                        \
		.path = (p), .group = (grp), .key = (k), .expect = (kind), .expect_name = (name) \
	}
/* An integer at offset 0 of its struct (its group's other keys say it is on). */
#define INT_AT_0(grp, k, p, size)                                                 \
	{                                                                         \
		.path = (p), .group = (grp), .key = (k), .expect = ES_EXPECT_INT, \
		.expect_size = (size), .zero_ok = true                            \
	}

#define TASK ES_OFFSET_GROUP_TASK
#define EXEC ES_OFFSET_GROUP_EXEC
#define EXE  ES_OFFSET_GROUP_EXE
#define EXIT ES_OFFSET_GROUP_EXIT
#define CRED ES_OFFSET_GROUP_CRED
#define AUDT ES_OFFSET_GROUP_AUDIT
#define TTY  ES_OFFSET_GROUP_TTY
#define NS   ES_OFFSET_GROUP_NS
#define PIDN ES_OFFSET_GROUP_PIDNS
#define FORK ES_OFFSET_GROUP_FORK

const struct es_offset_field es_offset_fields[] = {
	PTR_TO_STRUCT(TASK, ES_TASK_OFF_REAL_PARENT, "task_struct.real_parent", "task_struct"),
	INT(TASK, ES_TASK_OFF_TGID, "task_struct.tgid", 4),
	PTR_TO_STRUCT(EXEC, ES_EXEC_OFF_TASK_MM, "task_struct.mm", "mm_struct"),
	INT(EXEC, ES_EXEC_OFF_ARG_START, "mm_struct.arg_start", 8),
	INT(EXEC, ES_EXEC_OFF_ARG_END, "mm_struct.arg_end", 8),
	PTR_TO_STRUCT(EXE, ES_EXE_OFF_TASK_MM, "task_struct.mm", "mm_struct"),
	PTR_TO_STRUCT(EXE, ES_EXE_OFF_EXE_FILE, "mm_struct.exe_file", "file"),
	PTR_TO_STRUCT(EXE, ES_EXE_OFF_FILE_DENTRY, "file.f_path.dentry", "dentry"),
	PTR_TO_STRUCT(EXE, ES_EXE_OFF_FILE_MNT, "file.f_path.mnt", "vfsmount"),
	PTR_TO_STRUCT(EXE, ES_EXE_OFF_D_PARENT, "dentry.d_parent", "dentry"),
	PTR_TO_INT(EXE, ES_EXE_OFF_D_NAME, "dentry.d_name.name", 1),
	INT(EXE, ES_EXE_OFF_D_NAME_LEN, "dentry.d_name.len", 4),
	PTR_TO_STRUCT(EXE, ES_EXE_OFF_D_INODE, "dentry.d_inode", "inode"),
	INT(EXE, ES_EXE_OFF_I_INO, "inode.i_ino", 8),
	INT(EXE, ES_EXE_OFF_I_NLINK, "inode.i_nlink", 4),
	PTR_TO_STRUCT(EXE, ES_EXE_OFF_I_SB, "inode.i_sb", "super_block"),
	INT(EXE, ES_EXE_OFF_S_DEV, "super_block.s_dev", 4),
	STRUCT(EXE, ES_EXE_OFF_MOUNT_MNT, "mount.mnt", "vfsmount"),
	PTR_TO_STRUCT(EXE, ES_EXE_OFF_MOUNT_ROOT, "mount.mnt.mnt_root", "dentry"),
	PTR_TO_STRUCT(EXE, ES_EXE_OFF_MNT_PARENT, "mount.mnt_parent", "mount"),
	PTR_TO_STRUCT(EXE, ES_EXE_OFF_MNT_MOUNTPOINT, "mount.mnt_mountpoint", "dentry"),
	INT(EXIT, ES_EXIT_OFF_EXIT_CODE, "task_struct.exit_code", 4),
	PTR_TO_STRUCT(EXIT, ES_EXIT_OFF_SIGNAL, "task_struct.signal", "signal_struct"),
	INT(EXIT, ES_EXIT_OFF_LIVE, "signal_struct.live.counter", 4),
	PTR_TO_STRUCT(CRED, ES_CRED_OFF_TASK_CRED, "task_struct.cred", "cred"),
	INT(CRED, ES_CRED_OFF_EUID, "cred.euid.val", 4),
	INT(CRED, ES_CRED_OFF_SUID, "cred.suid.val", 4),
	INT(CRED, ES_CRED_OFF_FSUID, "cred.fsuid.val", 4),
	INT(CRED, ES_CRED_OFF_EGID, "cred.egid.val", 4),
	INT(CRED, ES_CRED_OFF_SGID, "cred.sgid.val", 4),
	INT(CRED, ES_CRED_OFF_FSGID, "cred.fsgid.val", 4),
	NAMED(CRED, ES_CRED_OFF_CAP_PERMITTED, "cred.cap_permitted", "kernel_cap_t", 8),
	NAMED(CRED, ES_CRED_OFF_CAP_EFFECTIVE, "cred.cap_effective", "kernel_cap_t", 8),
	INT(AUDT, ES_AUDIT_OFF_LOGINUID, "task_struct.loginuid.val", 4),
	INT(AUDT, ES_AUDIT_OFF_SESSIONID, "task_struct.sessionid", 4),
	PTR_TO_STRUCT(TTY, ES_TTY_OFF_SIGNAL, "task_struct.signal", "signal_struct"),
	PTR_TO_STRUCT(TTY, ES_TTY_OFF_TTY, "signal_struct.tty", "tty_struct"),
	CHARS(TTY, ES_TTY_OFF_NAME, "tty_struct.name", ES_TTY_NAME_MAX),
	PTR_TO_STRUCT(NS, ES_NS_OFF_TASK_NSPROXY, "task_struct.nsproxy", "nsproxy"),
	PTR_TO_STRUCT(NS, ES_NS_OFF_UTS, "nsproxy.uts_ns", "uts_namespace"),
	PTR_TO_STRUCT(NS, ES_NS_OFF_IPC, "nsproxy.ipc_ns", "ipc_namespace"),
	PTR_TO_STRUCT(NS, ES_NS_OFF_MNT, "nsproxy.mnt_ns", "mnt_namespace"),
	PTR_TO_STRUCT(NS, ES_NS_OFF_NET, "nsproxy.net_ns", "net"),
	PTR_TO_STRUCT(NS, ES_NS_OFF_CGROUP, "nsproxy.cgroup_ns", "cgroup_namespace"),
	INT(NS, ES_NS_OFF_UTS_INUM, "uts_namespace.ns.inum", 4),
	INT(NS, ES_NS_OFF_IPC_INUM, "ipc_namespace.ns.inum", 4),
	INT(NS, ES_NS_OFF_MNT_INUM, "mnt_namespace.ns.inum", 4),
	INT(NS, ES_NS_OFF_NET_INUM, "net.ns.inum", 4),
	INT(NS, ES_NS_OFF_CGROUP_INUM, "cgroup_namespace.ns.inum", 4),
	PTR_TO_STRUCT(NS, ES_NS_OFF_TASK_CRED, "task_struct.cred", "cred"),
	PTR_TO_STRUCT(NS, ES_NS_OFF_USER, "cred.user_ns", "user_namespace"),
	INT(NS, ES_NS_OFF_USER_INUM, "user_namespace.ns.inum", 4),
	PTR_TO_STRUCT(PIDN, ES_PIDNS_OFF_THREAD_PID, "task_struct.thread_pid", "pid"),
	INT(PIDN, ES_PIDNS_OFF_LEVEL, "pid.level", 4),
	ARRAY_OF(PIDN, ES_PIDNS_OFF_NUMBERS, "pid.numbers", "upid", ES_EXPECT_ARRAY_OF_STRUCT),
	ARRAY_OF(PIDN, ES_PIDNS_OFF_UPID_SIZE, "pid.numbers", "upid", ES_EXPECT_STRIDE),
	INT_AT_0(PIDN, ES_PIDNS_OFF_UPID_NR, "upid.nr", 4),
	PTR_TO_STRUCT(PIDN, ES_PIDNS_OFF_UPID_NS, "upid.ns", "pid_namespace"),
	INT(PIDN, ES_PIDNS_OFF_PIDNS_INUM, "pid_namespace.ns.inum", 4),
	INT(FORK, ES_FORK_OFF_START_BOOTTIME, "task_struct.start_boottime", 8),
};

const size_t es_offset_fields_cnt = sizeof(es_offset_fields) / sizeof(es_offset_fields[0]);

/* Exactly one field a key of every map: test/offsets checks it. */
_Static_assert(sizeof(es_offset_fields) / sizeof(es_offset_fields[0]) <= ES_OFFSET_FIELDS_MAX,
	       "the table fits ES_OFFSET_FIELDS_MAX");

const char *es_offset_field_map(const struct es_offset_field *field)
{
	return field->group < ES_OFFSET_GROUP__MAX ? es_offset_groups[field->group].map : "?";
}

const struct es_offset_field *es_offset_field_find(const char *path)
{
	size_t i;

	for (i = 0; i < es_offset_fields_cnt; i++) {
		if (strcmp(es_offset_fields[i].path, path) == 0)
			return &es_offset_fields[i];
	}
	return NULL;
}

/* "an 8-byte", "an 11-byte", "an 18-byte": the numbers said with a vowel sound. */
static const char *article(uint32_t n)
{
	return n == 8 || n == 11 || n == 18 ? "an" : "a";
}

void es_offset_expect_describe(const struct es_offset_field *field, char *buf, size_t size)
{
	switch (field->expect) {
	case ES_EXPECT_PTR_TO_STRUCT:
		snprintf(buf, size, "a pointer to struct %s", field->expect_name);
		break;
	case ES_EXPECT_INT:
		snprintf(buf, size, "%s %u-byte integer", article(field->expect_size),
			 field->expect_size);
		break;
	case ES_EXPECT_PTR_TO_INT:
		snprintf(buf, size, "a pointer to %u-byte integers", field->expect_size);
		break;
	case ES_EXPECT_STRUCT:
		snprintf(buf, size, "a struct %s", field->expect_name);
		break;
	case ES_EXPECT_NAMED:
		snprintf(buf, size, "%s %u-byte %s", article(field->expect_size),
			 field->expect_size, field->expect_name);
		break;
	case ES_EXPECT_CHARS:
		snprintf(buf, size, "an array of at least %u 1-byte integers", field->expect_size);
		break;
	case ES_EXPECT_ARRAY_OF_STRUCT:
	case ES_EXPECT_STRIDE:
		snprintf(buf, size, "an array of struct %s", field->expect_name);
		break;
	default:
		snprintf(buf, size, "an unknown expectation %d", (int)field->expect);
		break;
	}
}

static const char *kind_word(uint32_t kind)
{
	switch (kind) {
	case BTF_KIND_UNKN:
		return "void";
	case BTF_KIND_INT:
		return "integer";
	case BTF_KIND_PTR:
		return "pointer";
	case BTF_KIND_ARRAY:
		return "array";
	case BTF_KIND_STRUCT:
		return "struct";
	case BTF_KIND_UNION:
		return "union";
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return "enum";
	case BTF_KIND_FWD:
		return "forward declaration";
	case BTF_KIND_FUNC_PROTO:
		return "function";
	case BTF_KIND_FLOAT:
		return "float";
	default:
		return "type";
	}
}

/*
 * snprintf() whose cut output is intended: descriptions are bounded by their
 * buffer, and a long type name is cut, not overrun. (Through va_list, so
 * -Wformat-truncation at -O3 does not flag the intended cut.)
 */
__attribute__((format(printf, 3, 4))) static void format_bounded(char *buf, size_t size,
								 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

/* What the member resolved to, in words, for a reason: "a pointer to struct mm_struct". */
static void describe_found(const struct es_btf_member_info *info, char *buf, size_t size)
{
	if (info->kind == BTF_KIND_PTR) {
		if (info->target_kind == BTF_KIND_UNKN)
			format_bounded(buf, size, "a pointer to void");
		else
			format_bounded(buf, size, "a pointer to %s %s",
				       kind_word(info->target_kind),
				       info->target_name[0] ? info->target_name : "(anon)");
	} else if (info->kind == BTF_KIND_INT || info->kind == BTF_KIND_FLOAT) {
		format_bounded(buf, size, "%s %u-byte %s", article(info->size), info->size,
			       kind_word(info->kind));
	} else {
		format_bounded(buf, size, "%s %s", kind_word(info->kind),
			       info->target_name[0] ? info->target_name : "(anon)");
	}
}

static int type_matches(const struct es_offset_field *field, const struct es_btf_member_info *info)
{
	switch (field->expect) {
	case ES_EXPECT_PTR_TO_STRUCT:
		return info->kind == BTF_KIND_PTR && info->target_kind == BTF_KIND_STRUCT &&
		       strcmp(info->target_name, field->expect_name) == 0;
	case ES_EXPECT_INT:
		return info->kind == BTF_KIND_INT && info->size == field->expect_size;
	case ES_EXPECT_PTR_TO_INT:
		return info->kind == BTF_KIND_PTR && info->target_kind == BTF_KIND_INT &&
		       info->target_size == field->expect_size;
	case ES_EXPECT_STRUCT:
		return info->kind == BTF_KIND_STRUCT &&
		       strcmp(info->target_name, field->expect_name) == 0;
	case ES_EXPECT_NAMED:
		return info->size == field->expect_size &&
		       strcmp(info->type_name, field->expect_name) == 0;
	case ES_EXPECT_CHARS:
		return info->kind == BTF_KIND_ARRAY && info->target_kind == BTF_KIND_INT &&
		       info->target_size == 1 && info->size >= field->expect_size;
	case ES_EXPECT_ARRAY_OF_STRUCT:
	case ES_EXPECT_STRIDE:
		return info->kind == BTF_KIND_ARRAY && info->target_kind == BTF_KIND_STRUCT &&
		       info->target_size && strcmp(info->target_name, field->expect_name) == 0;
	default:
		return 0;
	}
}

/* Reasons are bounded by ES_BTF_MSG_MAX; a long path or type name is cut, not overrun. */
__attribute__((format(printf, 2, 3))) static void set_reason(struct es_offset *out, const char *fmt,
							     ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out->reason, sizeof(out->reason), fmt, ap);
	va_end(ap);
}

static void reset(struct es_offset *out, const struct es_offset_field *field, const char *path)
{
	memset(out, 0, sizeof(*out));
	out->field = field;
	out->path = path;
}

static int lookup(const struct es_btf *btf, struct es_offset *out)
{
	struct es_btf_diag diag = {};
	int err;

	err = es_btf_member_lookup(btf, out->path, &out->info, &diag);
	if (err) {
		memset(&out->info, 0, sizeof(out->info));
		set_reason(out, "%s", diag.msg[0] ? diag.msg : es_btf_strerror(err));
		return err < 0 ? err : -err;
	}
	out->found = 1;
	return 0;
}

static int refuse(struct es_offset *out, int code)
{
	out->resolved = 0;
	out->value = 0;
	return -code;
}

int es_offset_resolve(const struct es_btf *btf, const struct es_offset_field *field,
		      struct es_offset *out)
{
	const struct es_btf_member_info *info = &out->info;
	char want[64], found[ES_BTF_TYPE_NAME_MAX + 32];
	int err;

	reset(out, field, field->path);
	err = lookup(btf, out);
	if (err)
		return err;

	if (info->bit_size) {
		set_reason(out, "%s is a bitfield (%u bit%s)", field->path, info->bit_size,
			   info->bit_size == 1 ? "" : "s");
		return refuse(out, ES_OFFSET_ERR_BITFIELD);
	}
	if (info->bit_offset % 8) {
		set_reason(out, "%s starts at bit %u, not on a byte boundary", field->path,
			   info->bit_offset);
		return refuse(out, ES_OFFSET_ERR_UNALIGNED);
	}
	if (!type_matches(field, info)) {
		es_offset_expect_describe(field, want, sizeof(want));
		describe_found(info, found, sizeof(found));
		set_reason(out, "%s is '%s' (%s), expected %s", field->path, info->type_name, found,
			   want);
		return refuse(out, ES_OFFSET_ERR_TYPE);
	}
	/*
	 * The BPF handlers treat a 0 in TASK_OFFSETS as "not resolved" (an
	 * array map starts zeroed), so a field really at offset 0 cannot be
	 * told apart from a missing one: refuse it rather than let the
	 * handler skip it silently.
	 */
	if (field->expect == ES_EXPECT_STRIDE) {
		out->resolved = 1;
		out->value = info->target_size;
		return 0;
	}
	if (info->offset == 0 && !field->zero_ok) {
		snprintf(out->reason, sizeof(out->reason),
			 "%s is at offset 0, which %s cannot express (0 means absent)", field->path,
			 es_offset_field_map(field));
		return refuse(out, ES_OFFSET_ERR_ZERO);
	}

	out->resolved = 1;
	out->value = info->offset;
	return 0;
}

int es_offset_resolve_path(const struct es_btf *btf, const char *path, struct es_offset *out)
{
	int err;

	reset(out, NULL, path);
	err = lookup(btf, out);
	if (err)
		return err;
	out->resolved = 1;
	out->value = out->info.offset;
	return 0;
}

size_t es_offsets_resolve_table(const struct es_btf *btf, struct es_offset *out)
{
	size_t i, unresolved = 0;

	for (i = 0; i < es_offset_fields_cnt; i++) {
		if (es_offset_resolve(btf, &es_offset_fields[i], &out[i]))
			unresolved++;
	}
	return unresolved;
}

/* Point each group's fields at their table rows, before any lookup. */
static void groups_reset(struct es_offset_group_state *out)
{
	size_t i;

	memset(out, 0, ES_OFFSET_GROUP__MAX * sizeof(*out));
	for (i = 0; i < ES_OFFSET_GROUP__MAX; i++)
		out[i].group = &es_offset_groups[i];
	for (i = 0; i < es_offset_fields_cnt; i++) {
		const struct es_offset_field *f = &es_offset_fields[i];

		reset(&out[f->group].fields[f->key], f, f->path);
	}
}

void es_offset_group_disable(struct es_offset_group_state *g, const char *fmt, ...)
{
	va_list ap;

	g->enabled = 0;
	memset(g->values, 0, sizeof(g->values));
	va_start(ap, fmt);
	vsnprintf(g->reason, sizeof(g->reason), fmt, ap);
	va_end(ap);
}

void es_offset_groups_resolve(const struct es_btf *btf, struct es_offset_group_state *out)
{
	const struct es_offset *first_bad;
	uint32_t key;
	size_t i;

	groups_reset(out);
	for (i = 0; i < ES_OFFSET_GROUP__MAX; i++) {
		struct es_offset_group_state *g = &out[i];

		first_bad = NULL;
		for (key = 0; key < g->group->nkeys; key++) {
			struct es_offset *f = &g->fields[key];

			es_offset_resolve(btf, f->field, f);
			g->values[key] = f->value;
			if (!f->resolved && !first_bad)
				first_bad = f;
		}
		g->enabled = !first_bad;
		if (first_bad)
			es_offset_group_disable(g, "%s unresolved: %s", first_bad->path,
						first_bad->reason);
	}
}

void es_offset_groups_unresolved(const char *why, struct es_offset_group_state *out)
{
	uint32_t key;
	size_t i;

	groups_reset(out);
	for (i = 0; i < ES_OFFSET_GROUP__MAX; i++) {
		for (key = 0; key < out[i].group->nkeys; key++)
			set_reason(&out[i].fields[key], "%s", why);
		es_offset_group_disable(&out[i], "%s", why);
	}
}
