// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "argv.h"
#include "json.h"
#include "output.h"

#define OUTPUT_BUFFER_SIZE (256 * 1024)

int output_open(struct es_output *o, const char *path, enum es_format fmt)
{
	int fd;

	memset(o, 0, sizeof(*o));
	o->fmt = fmt;
	if (!path) {
		o->f = stdout;
	} else {
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (fd < 0)
			return -errno;
		o->f = fdopen(fd, "a");
		if (!o->f) {
			close(fd);
			return -errno;
		}
		o->owns_file = 1;
	}
	/* Full buffering even on a terminal: output_flush() decides when lines go out. */
	setvbuf(o->f, NULL, _IOFBF, OUTPUT_BUFFER_SIZE);
	return 0;
}

int output_flush(struct es_output *o)
{
	if (!o->f)
		return 0;
	if (fflush(o->f) || ferror(o->f))
		return -EIO;
	return 0;
}

int output_close(struct es_output *o)
{
	int err = output_flush(o);

	if (o->f && o->owns_file && fclose(o->f))
		err = -EIO;
	o->f = NULL;
	return err;
}

static void put_time(FILE *f, int64_t wall_ns)
{
	char buf[RFC3339_NS_LEN];

	if (rfc3339_ns(wall_ns, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "%" PRId64, wall_ns);
	fputs(buf, f);
}

static void json_key_str(FILE *f, const char *key, const char *s)
{
	fprintf(f, ",\"%s\":", key);
	if (s)
		json_escape_bytes(f, s, strlen(s));
	else
		fputs("null", f);
}

static void json_key_u64(FILE *f, const char *key, uint64_t v)
{
	fprintf(f, ",\"%s\":%" PRIu64, key, v);
}

static void json_head(FILE *f, const char *event, int64_t wall_ns)
{
	fprintf(f, "{\"event\":\"%s\",\"time\":\"", event);
	put_time(f, wall_ns);
	fputc('"', f);
}

/*
 * Text format: printable ASCII and well-formed UTF-8 as they are; a
 * backslash doubled; control characters, C1 controls and bytes that are not
 * UTF-8 as \xHH, so nothing reaches the terminal raw. @sep_escape also
 * escapes spaces (inside one argv entry, to keep entries apart).
 */
static void text_escape(FILE *f, const char *bytes, size_t len, int sep_escape)
{
	const unsigned char *s = (const unsigned char *)bytes;
	size_t i = 0, n, k;

	while (i < len) {
		if (s[i] == '\\') {
			fputs("\\\\", f);
			i++;
			continue;
		}
		if (s[i] >= 0x20 && s[i] < 0x7f && !(sep_escape && s[i] == ' ')) {
			fputc(s[i++], f);
			continue;
		}
		n = s[i] >= 0x80 ? utf8_sequence_len(s + i, len - i) : 0;
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

static const char *fileless_verdict_name(enum fileless_verdict v)
{
	return v == FILELESS_SUPPRESSED ? "suppressed" : "alert";
}

static void exec_json(FILE *f, const struct es_exec_report *r, const struct es_argv *argv,
		      int64_t wall_ns)
{
	const struct es_exec_event *ev = &r->ev;
	size_t i;

	json_head(f, "exec", wall_ns);
	json_key_u64(f, "pid", ev->hdr.pid);
	json_key_u64(f, "tid", ev->hdr.tid);
	json_key_u64(f, "ppid", r->ppid);
	json_key_str(f, "ppid_source", ppid_source_name(r->ppid_source));
	json_key_u64(f, "uid", ev->uid);
	json_key_u64(f, "gid", ev->gid);
	fputs(",\"comm\":", f);
	json_escape_bytes(f, ev->comm, strnlen(ev->comm, sizeof(ev->comm)));
	fputs(",\"filename\":", f);
	if (ev->flags & ES_EXEC_F_FILENAME_FAULT)
		fputs("null", f); /* unreadable, unlike fexecve's real "" */
	else
		json_escape_bytes(f, ev->filename, strnlen(ev->filename, sizeof(ev->filename)));
	fputs(",\"argv\":[", f);
	for (i = 0; i < argv->cnt; i++) {
		if (i)
			fputc(',', f);
		json_escape_bytes(f, argv->arg[i].ptr, argv->arg[i].len);
	}
	fprintf(f, "],\"argv_truncated\":%s", argv->truncated ? "true" : "false");
	json_key_u64(f, "execveat_flags", ev->execveat_flags);
	if (r->ret_known)
		fprintf(f, ",\"ret\":%" PRId64, r->ret);
	else
		fputs(",\"ret\":null", f);
	json_key_str(f, "parent_exe", r->parent_exe);
	if (r->fileless.verdict == FILELESS_NONE) {
		fputs(",\"fileless\":null}\n", f);
		return;
	}
	fprintf(f, ",\"fileless\":{\"verdict\":\"%s\"", fileless_verdict_name(r->fileless.verdict));
	json_key_str(f, "reason", r->fileless.reason);
	json_key_str(f, "parent", r->fileless.parent);
	fputs("}}\n", f);
}

static void exec_text(struct es_output *o, const struct es_exec_report *r,
		      const struct es_argv *argv, int64_t wall_ns)
{
	const struct es_exec_event *ev = &r->ev;
	FILE *f = o->f;
	char ret[24];
	size_t i;

	if (!o->header_done) {
		fprintf(f, "%-30s %7s %7s %-7s %6s %5s %-16s %s\n", "TIME", "PID", "PPID", "SOURCE",
			"UID", "RET", "COMM", "FILENAME ARGV[1..]");
		o->header_done = 1;
	}
	if (r->ret_known)
		snprintf(ret, sizeof(ret), "%" PRId64, r->ret);
	else
		snprintf(ret, sizeof(ret), "?");
	put_time(f, wall_ns);
	fprintf(f, " %7u %7u %-7s %6u %5s ", ev->hdr.pid, r->ppid, ppid_source_name(r->ppid_source),
		ev->uid, ret);
	text_escape(f, ev->comm, strnlen(ev->comm, sizeof(ev->comm)), 0);
	fprintf(f, "%*s", (int)(17 - strnlen(ev->comm, sizeof(ev->comm))), "");
	if (ev->flags & ES_EXEC_F_FILENAME_FAULT)
		fputs("?", f);
	else
		text_escape(f, ev->filename, strnlen(ev->filename, sizeof(ev->filename)), 1);
	for (i = 1; i < argv->cnt; i++) {
		fputc(' ', f);
		text_escape(f, argv->arg[i].ptr, argv->arg[i].len, 1);
	}
	if (argv->truncated)
		fputs(" ...", f);
	if (r->fileless.verdict != FILELESS_NONE) {
		fprintf(f, "  [fileless %s: ", fileless_verdict_name(r->fileless.verdict));
		text_escape(f, r->fileless.reason, strlen(r->fileless.reason), 0);
		fputc(']', f);
	}
	fputc('\n', f);
}

void output_exec(struct es_output *o, const struct es_exec_report *r, int64_t wall_ns)
{
	struct es_argv argv;

	es_argv_split(r->ev.args, sizeof(r->ev.args), r->ev.args_size, r->ev.argc,
		      !!(r->ev.flags & (ES_EXEC_F_ARGV_TRUNCATED | ES_EXEC_F_ARGV_FAULT)), &argv);
	if (o->fmt == ES_FORMAT_JSON)
		exec_json(o->f, r, &argv, wall_ns);
	else
		exec_text(o, r, &argv, wall_ns);
}

static void startup_json(FILE *f, const struct es_startup *s, int64_t wall_ns)
{
	size_t i;

	json_head(f, "startup", wall_ns);
	json_key_str(f, "version", s->version);
	json_key_str(f, "kernel_release", s->kernel_release);
	fputs(",\"btf\":{\"source\":", f);
	json_escape_bytes(f, s->btf_source ? s->btf_source : "",
			  s->btf_source ? strlen(s->btf_source) : 0);
	json_key_str(f, "error", s->btf_error);
	fputs("},\"offsets\":[", f);
	for (i = 0; i < s->offsets_cnt; i++) {
		fputs(i ? ",{\"field\":" : "{\"field\":", f);
		json_escape_bytes(f, s->offsets[i].path, strlen(s->offsets[i].path));
		fprintf(f, ",\"resolved\":%s", s->offsets[i].resolved ? "true" : "false");
		json_key_u64(f, "value", s->offsets[i].value);
		json_key_str(f, "reason", s->offsets[i].reason);
		fputc('}', f);
	}
	fprintf(f, "],\"kernel_ppid\":%s", s->kernel_ppid ? "true" : "false");
	json_key_str(f, "kernel_ppid_reason", s->kernel_ppid_reason);
	fputs(",\"attach\":{\"mode\":", f);
	json_escape_bytes(f, s->attach_mode, strlen(s->attach_mode));
	json_key_str(f, "reason", s->attach_reason);
	fputc('}', f);
	json_key_str(f, "lockdown", s->lockdown);
	fputs(",\"selftest\":{\"result\":", f);
	json_escape_bytes(f, s->selftest, strlen(s->selftest));
	json_key_str(f, "detail", s->selftest_detail);
	fputc('}', f);
	json_key_u64(f, "ringbuf_size", s->ringbuf_size);
	fprintf(f, ",\"exec_image\":{\"attached\":%s", s->exec_image ? "true" : "false");
	json_key_str(f, "reason", s->exec_image_reason);
	fprintf(f, ",\"argv\":%s", s->image_argv ? "true" : "false");
	json_key_str(f, "argv_reason", s->image_argv_reason);
	fputs("}}\n", f);
}

static void text_line_str(FILE *f, const char *key, const char *s)
{
	fprintf(f, "# %-15s ", key);
	if (s)
		text_escape(f, s, strlen(s), 0);
	else
		fputs("-", f);
	fputc('\n', f);
}

static void startup_text(FILE *f, const struct es_startup *s, int64_t wall_ns)
{
	size_t i;

	fputs("# execsensor startup at ", f);
	put_time(f, wall_ns);
	fputc('\n', f);
	text_line_str(f, "version", s->version);
	text_line_str(f, "kernel", s->kernel_release);
	text_line_str(f, "btf", s->btf_source ? s->btf_source : s->btf_error);
	for (i = 0; i < s->offsets_cnt; i++) {
		fprintf(f, "# offset %-25s %u", s->offsets[i].path, s->offsets[i].value);
		if (s->offsets[i].reason) {
			fputs(" (", f);
			text_escape(f, s->offsets[i].reason, strlen(s->offsets[i].reason), 0);
			fputc(')', f);
		}
		fputc('\n', f);
	}
	text_line_str(f, "kernel ppid", s->kernel_ppid ? "yes" : s->kernel_ppid_reason);
	fprintf(f, "# %-15s %s (", "attach", s->attach_mode);
	text_escape(f, s->attach_reason ? s->attach_reason : "",
		    s->attach_reason ? strlen(s->attach_reason) : 0, 0);
	fputs(")\n", f);
	text_line_str(f, "lockdown", s->lockdown);
	fprintf(f, "# %-15s %s", "self-test", s->selftest);
	if (s->selftest_detail) {
		fputs(" (", f);
		text_escape(f, s->selftest_detail, strlen(s->selftest_detail), 0);
		fputc(')', f);
	}
	fputc('\n', f);
	text_line_str(f, "exec image", s->exec_image ? "yes" : s->exec_image_reason);
	text_line_str(f, "image argv", s->image_argv ? "yes" : s->image_argv_reason);
}

void output_startup(struct es_output *o, const struct es_startup *s, int64_t wall_ns)
{
	if (o->fmt == ES_FORMAT_JSON)
		startup_json(o->f, s, wall_ns);
	else
		startup_text(o->f, s, wall_ns);
}

/* Each program's counters; run_cnt and run_time_ns are null unless BPF stats are on. */
static void programs_json(FILE *f, const struct es_agent_stats *s)
{
	int i;

	if (s->progs_cnt < 0) {
		fputs(",\"programs\":null", f);
		return;
	}
	fputs(",\"programs\":[", f);
	for (i = 0; i < s->progs_cnt; i++) {
		const struct es_prog_stats *p = &s->progs[i];

		fputs(i ? ",{\"name\":" : "{\"name\":", f);
		json_escape_bytes(f, p->name, strnlen(p->name, sizeof(p->name)));
		json_key_u64(f, "id", p->id);
		if (s->bpf_stats) {
			json_key_u64(f, "run_cnt", p->run_cnt);
			json_key_u64(f, "run_time_ns", p->run_time_ns);
		} else {
			fputs(",\"run_cnt\":null,\"run_time_ns\":null", f);
		}
		json_key_u64(f, "recursion_misses", p->recursion_misses);
		fputc('}', f);
	}
	fputc(']', f);
}

/* Where every lost record and every unreported exec went (docs/events.md, "Accounting"). */
static void stats_accounting_json(FILE *f, const struct es_agent_stats *s)
{
	const uint64_t *k = s->kernel;
	struct es_unreported u;

	fprintf(f,
		",\"lost_records\":{\"exec\":%" PRIu64 ",\"image\":%" PRIu64 ",\"result\":%" PRIu64
		",\"recursion\":%" PRIu64 ",\"syscall_regs\":%" PRIu64 "}",
		k[ES_STAT_LOST_EXEC], k[ES_STAT_LOST_IMAGE], k[ES_STAT_LOST_RESULT],
		es_stats_recursion_misses(s, false), k[ES_STAT_LOST_EXEC_REGS]);
	fprintf(f,
		",\"records_dropped_reasons\":{\"short\":%" PRIu64 ",\"unknown_type\":%" PRIu64
		",\"no_memory\":%" PRIu64 "}",
		s->dropped_short, s->dropped_unknown_type, s->dropped_no_memory);
	es_stats_unreported(s, &u);
	fprintf(f,
		",\"unreported\":{\"execs\":%" PRIu64 ",\"ringbuf_full\":%" PRIu64
		",\"recursion\":%" PRIu64 ",\"syscall_regs\":%" PRIu64 ",\"agent_dropped\":%" PRIu64
		"}",
		u.total, u.ringbuf_full, u.recursion, u.syscall_regs, u.agent_dropped);
	programs_json(f, s);
}

static void stats_json(FILE *f, const struct es_agent_stats *s, int final, int64_t wall_ns)
{
	const uint64_t *k = s->kernel;

	json_head(f, "stats", wall_ns);
	fprintf(f, ",\"final\":%s", final ? "true" : "false");
	json_key_u64(f, "events", s->events);
	if (s->kernel_read_ok)
		json_key_u64(f, "lost", es_stats_lost(s));
	else
		fputs(",\"lost\":null", f);
	fprintf(f,
		",\"ppid_source\":{\"kernel\":%" PRIu64 ",\"procfs\":%" PRIu64
		",\"unknown\":%" PRIu64 "}",
		s->ppid_source[PPID_SOURCE_KERNEL], s->ppid_source[PPID_SOURCE_PROCFS],
		s->ppid_source[PPID_SOURCE_UNKNOWN]);
	json_key_u64(f, "offsets_absent", k[ES_STAT_OFFSETS_ABSENT]);
	json_key_u64(f, "kernel_read_failures", k[ES_STAT_KERNEL_READ_FAIL]);
	json_key_u64(f, "fallback_misses", s->fallback_misses);
	fprintf(f, ",\"fileless\":{\"alerts\":%" PRIu64 ",\"suppressed\":%" PRIu64 "}",
		s->fileless_alerts, s->fileless_suppressed);
	json_key_u64(f, "parent_exe_unknown", s->parent_exe_unknown);
	json_key_u64(f, "filename_faults", s->filename_faults);
	json_key_u64(f, "argv_faults", s->argv_faults);
	json_key_u64(f, "results_missing", s->results_missing);
	json_key_u64(f, "results_orphaned", s->results_orphaned);
	json_key_u64(f, "records_dropped", s->records_dropped);
	json_key_u64(f, "records_received", s->records_received);
	json_key_u64(f, "kernel_records", k[ES_STAT_EVENTS]);
	json_key_u64(f, "kernel_ppid_reads", k[ES_STAT_PPID_KERNEL]);
	fprintf(f,
		",\"images\":{\"received\":%" PRIu64 ",\"unmatched\":%" PRIu64
		",\"filename_filled\":%" PRIu64 ",\"argv_filled\":%" PRIu64 "}",
		s->images_received, s->images_unmatched, s->images_filename_filled,
		s->images_argv_filled);
	stats_accounting_json(f, s);
	fputs("}\n", f);
}

static void stats_text(FILE *f, const struct es_agent_stats *s, int final, int64_t wall_ns)
{
	const uint64_t *k = s->kernel;

	fputs(final ? "# final stats at " : "# stats at ", f);
	put_time(f, wall_ns);
	fprintf(f,
		": events %" PRIu64 ", lost %" PRIu64 "%s, ppid kernel %" PRIu64 " procfs %" PRIu64
		" unknown %" PRIu64 ", offsets absent %" PRIu64 ", kernel read failures %" PRIu64
		", fallback misses %" PRIu64 ", fileless alerts %" PRIu64 " suppressed %" PRIu64
		"\n",
		s->events, es_stats_lost(s), s->kernel_read_ok ? "" : " (unreadable)",
		s->ppid_source[PPID_SOURCE_KERNEL], s->ppid_source[PPID_SOURCE_PROCFS],
		s->ppid_source[PPID_SOURCE_UNKNOWN], k[ES_STAT_OFFSETS_ABSENT],
		k[ES_STAT_KERNEL_READ_FAIL], s->fallback_misses, s->fileless_alerts,
		s->fileless_suppressed);
}

void output_stats(struct es_output *o, const struct es_agent_stats *s, int final, int64_t wall_ns)
{
	if (o->fmt == ES_FORMAT_JSON)
		stats_json(o->f, s, final, wall_ns);
	else
		stats_text(o->f, s, final, wall_ns);
}
