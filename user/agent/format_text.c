// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The text format, for a terminal: execsnoop-like columns, startup and stats
 * as '#' comment lines. Nothing reaches the terminal raw: printable ASCII
 * and well-formed UTF-8 as they are, a backslash doubled, every other byte
 * (controls, C1, invalid UTF-8) as \xHH.
 */
#include <inttypes.h>
#include <string.h>

#include "caps.h"
#include "format.h"
#include "json.h"
#include "walltime.h"

void es_format_time(FILE *f, int64_t wall_ns)
{
	char buf[ES_RFC3339_NS_LEN];

	if (es_rfc3339_ns(wall_ns, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "%" PRId64, wall_ns);
	fputs(buf, f);
}

/*
 * @len bytes escaped, and the ASCII characters in @also (a space inside one
 * argv entry; the ancestors' separators inside one name).
 */
static void text_escape(FILE *f, const char *bytes, size_t len, const char *also)
{
	const unsigned char *s = (const unsigned char *)bytes;
	size_t i = 0, n, k;

	while (i < len) {
		if (s[i] == '\\') {
			fputs("\\\\", f);
			i++;
			continue;
		}
		if (s[i] >= 0x20 && s[i] < 0x7f && !strchr(also, s[i])) {
			fputc(s[i++], f);
			continue;
		}
		n = s[i] >= 0x80 ? es_utf8_sequence_len(s + i, len - i) : 0;
		if (n > 1 && !(n == 2 && s[i] == 0xc2 && s[i + 1] < 0xa0)) {
			fwrite(s + i, 1, n, f);
			i += n;
			continue;
		}
		n = n ? n : 1;
		for (k = 0; k < n; k++)
			fprintf(f, "\\x%02x", s[i + k]);
		i += n;
	}
}

static void text_str(FILE *f, const char *s)
{
	text_escape(f, s, strlen(s), "");
}

/*
 * Who, where it differs from the plain case: set-id (euid or egid not the
 * real ids), capabilities held, privileges raised by the exec, terminal,
 * container.
 */
static void text_context(FILE *f, const struct es_exec_report *r)
{
	const struct es_exec_record *rec = r->view.rec;
	const struct es_exec_context *c = &rec->ctx;

	if (c->present & ES_CTX_F_CREDS) {
		if (c->euid != rec->uid || c->egid != rec->gid)
			fprintf(f, "  [euid %u egid %u]", c->euid, c->egid);
		if (c->cap_effective) {
			fputs("  [caps ", f);
			es_caps_write(f, c->cap_effective);
			fputc(']', f);
		}
		if (c->present & ES_CTX_F_PRIV_RAISED)
			fputs("  [privileges raised]", f);
	}
	if (r->tty[0]) {
		fputs("  [tty ", f);
		text_str(f, r->tty);
		fputc(']', f);
	}
	if (r->container.runtime) {
		fputs("  [container ", f);
		text_str(f, r->container.runtime);
		fputc(' ', f);
		text_str(f, r->container.id);
		fputc(']', f);
	}
}

/*
 * The parent and its ancestors, nearest first, by their exe's file name:
 * "[anc sh<-bash<-sshd<-systemd]"; "?" for an exe unknown. A name cannot
 * fake a link: its spaces, "<" and "]" are escaped.
 */
static void text_ancestors(FILE *f, const struct es_exec_report *r)
{
	const char *exe, *slash;
	size_t i;

	if (!r->ancestors_cnt)
		return;
	fputs("  [anc ", f);
	for (i = 0; i < r->ancestors_cnt; i++) {
		exe = r->ancestors[i].exe ? r->ancestors[i].exe : "?";
		slash = strrchr(exe, '/');
		if (i)
			fputs("<-", f);
		exe = slash ? slash + 1 : exe;
		text_escape(f, exe, strlen(exe), " <]");
	}
	fputc(']', f);
}

void es_format_text_exec(FILE *f, const struct es_exec_report *r, int64_t wall_ns,
			 bool *header_done)
{
	const struct es_exec_record *rec = r->view.rec;
	size_t comm_len = strnlen(rec->comm, sizeof(rec->comm)), len;
	struct es_argv_iter it;
	const char *arg;
	char ret[24];

	if (!*header_done) {
		fprintf(f, "%-30s %7s %7s %-7s %6s %5s %-16s %s\n", "TIME", "PID", "PPID", "SOURCE",
			"UID", "RET", "COMM", "FILENAME ARGV[1..]");
		*header_done = true;
	}
	snprintf(ret, sizeof(ret), "%d", rec->ret);
	es_format_time(f, wall_ns);
	fprintf(f, " %7u %7u %-7s %6u %5s ", rec->hdr.pid, r->ppid,
		es_ppid_source_name(r->ppid_source), rec->uid, ret);
	text_escape(f, rec->comm, comm_len, "");
	fprintf(f, "%*s", (int)(17 - comm_len), "");
	if (rec->hdr.flags & ES_EXEC_F_FILENAME_FAULT)
		fputs("?", f);
	else
		text_escape(f, r->view.filename, r->view.filename_len, " ");
	es_argv_iter_init(&it, &r->view);
	es_argv_next(&it, &arg, &len); /* argv[0]: the filename stands for it */
	while (es_argv_next(&it, &arg, &len)) {
		fputc(' ', f);
		text_escape(f, arg, len, " ");
	}
	if (rec->hdr.flags & (ES_EXEC_F_ARGV_TRUNCATED | ES_EXEC_F_ARGV_FAULT))
		fputs(" ...", f);
	if (rec->path_misses)
		fprintf(f, "  [%u PATH misses]", rec->path_misses);
	text_context(f, r);
	text_ancestors(f, r);
	if (r->fileless.verdict != ES_FILELESS_NONE) {
		fprintf(f, "  [fileless %s: ", es_fileless_verdict_name(r->fileless.verdict));
		text_str(f, r->fileless.reason);
		fputc(']', f);
	}
	fputc('\n', f);
}

void es_format_text_lineage(FILE *f, const struct es_lineage_report *r, int64_t wall_ns)
{
	es_format_time(f, wall_ns);
	if (r->type == ES_RECORD_FORK)
		fprintf(f, " fork %u <- %u%s ", r->pid, r->ppid,
			r->maybe_thread ? " (maybe a thread)" : "");
	else if (r->status_known)
		fprintf(f, " exit %u status %d ", r->pid, r->exit_code);
	else
		fprintf(f, " exit %u ", r->pid);
	text_str(f, r->exe ? r->exe : "?");
	fputc('\n', f);
}

/* "# KEY VALUE" with VALUE escaped, "-" for none. */
static void line_str(FILE *f, const char *key, const char *s)
{
	fprintf(f, "# %-15s ", key);
	text_str(f, s ? s : "-");
	fputc('\n', f);
}

/* "# KEY WORD (DETAIL)". */
static void line_detail(FILE *f, const char *key, const char *word, const char *detail)
{
	fprintf(f, "# %-15s %s", key, word);
	if (detail && detail[0]) {
		fputs(" (", f);
		text_str(f, detail);
		fputc(')', f);
	}
	fputc('\n', f);
}

void es_format_text_startup(FILE *f, const struct es_startup_host *host,
			    const struct es_loader_info *info, int64_t wall_ns)
{
	size_t i;

	fputs("# execsensor startup at ", f);
	es_format_time(f, wall_ns);
	fputc('\n', f);
	line_str(f, "version", host->version);
	line_str(f, "kernel", host->kernel_release);
	line_str(f, "btf", info->btf_source[0] ? info->btf_source : info->btf_error);
	for (i = 0; i < es_offset_fields_cnt; i++) {
		const struct es_offset_field *field = &es_offset_fields[i];
		const struct es_offset *off = &info->groups[field->group].fields[field->key];

		fprintf(f, "# offset %-25s %u", field->path, off->value);
		if (off->reason[0]) {
			fputs(" (", f);
			text_str(f, off->reason);
			fputc(')', f);
		}
		fputc('\n', f);
	}
	for (i = 0; i < ES_OFFSET_GROUP__MAX; i++) {
		const struct es_offset_group_state *g = &info->groups[i];
		char key[32];

		snprintf(key, sizeof(key), "%s", g->group->map);
		line_detail(f, key, g->enabled ? "on" : "off", g->enabled ? NULL : g->reason);
		line_detail(f, "  self-test", es_group_verdict_name(info->checks[i].verdict),
			    info->checks[i].detail);
	}
	line_detail(f, "attach", es_attach_mode_name(info->attach_mode), info->attach_reason);
	line_str(f, "lockdown", es_lockdown_name(info->lockdown));
	line_detail(f, "self-test", es_selftest_name(info->selftest), info->selftest_detail);
	if (host->fileless)
		line_detail(f, "fileless gate", host->fileless->limit[0] ? "degraded" : "on",
			    host->fileless->limit[0] ? host->fileless->limit : NULL);
}

void es_format_text_stats(FILE *f, const struct es_agent_stats *s, bool final, int64_t wall_ns)
{
	const uint64_t *k = s->kernel;
	struct es_unreported u;

	es_stats_unreported(s, &u);
	fputs(final ? "# final stats at " : "# stats at ", f);
	es_format_time(f, wall_ns);
	fprintf(f,
		": events %" PRIu64 ", lost %" PRIu64 "%s, unreported execs %" PRIu64
		", ppid kernel %" PRIu64 " fork %" PRIu64 " procfs %" PRIu64 " unknown %" PRIu64
		", offsets absent %" PRIu64 ", kernel read failures %" PRIu64
		", fallback misses %" PRIu64 ", fileless alerts %" PRIu64 " suppressed %" PRIu64
		"\n",
		s->events, es_stats_lost(s), s->kernel_read_ok ? "" : " (unreadable)", u.total,
		s->ppid_source[ES_PPID_SOURCE_KERNEL], s->ppid_source[ES_PPID_SOURCE_FORK],
		s->ppid_source[ES_PPID_SOURCE_PROCFS], s->ppid_source[ES_PPID_SOURCE_UNKNOWN],
		k[ES_STAT_OFFSETS_ABSENT], k[ES_STAT_KERNEL_READ_FAIL], s->fallback_misses,
		s->fileless_alerts, s->fileless_suppressed);
}
