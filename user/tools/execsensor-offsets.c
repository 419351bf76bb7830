// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * execsensor-offsets: which kernel offsets the sensor would use, read from
 * the running kernel's BTF, any BTF file, or the image of a kernel not yet
 * booted, with the reason for each one it would not use, and whether each
 * offset group would be on. Also resolves ad-hoc dotted paths
 * ("mm_struct.exe_file").
 *
 * Exit status: 0 every field resolved, 1 some unresolved (all printed),
 * 2 unusable input, bad usage, or output that could not be written.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf.h"
#include "json_writer.h"
#include "kimage.h"
#include "offsets.h"

#define PROG		 "execsensor-offsets"
#define DEFAULT_BTF_PATH "/sys/kernel/btf/vmlinux"

enum exit_status {
	EXIT_RESOLVED = 0,
	EXIT_UNRESOLVED = 1,
	EXIT_UNUSABLE = 2,
};

/* Where the BTF came from, as the output names it. */
struct source {
	const char *path; /* --btf's, or --kernel-image's */
	const char *base_path; /* --base, or NULL */
	const struct es_kimage *image; /* with --kernel-image: how its BTF was found */
};

static const char usage_text[] =
	"usage: " PROG " [--btf PATH [--base PATH] | --kernel-image PATH] [--json] [FIELD...]\n"
	"\n"
	"Print the kernel offsets execsensor uses (its table, and whether each of its\n"
	"offset groups would be on), or the given FIELDs (dotted paths such as\n"
	"task_struct.real_parent), resolved from BTF. A field that is missing, a\n"
	"bitfield or of the wrong type is 'absent', with the reason.\n"
	"\n"
	"  --btf PATH   BTF to read: raw BTF or an ELF file with a .BTF section\n"
	"               (default " DEFAULT_BTF_PATH ")\n"
	"  --base PATH  base BTF when --btf is split BTF (a kernel module's)\n"
	"  --kernel-image PATH\n"
	"               the BTF of a kernel not yet booted: its vmlinuz (an x86\n"
	"               bzImage, an arm64 Image, EFI zboot), a vmlinux, or raw BTF\n"
	"  --json       one JSON object instead of the text table\n"
	"  --help       this text\n"
	"  --version    the version\n"
	"\n"
	"Exit status: 0 all resolved, 1 some unresolved, 2 unusable input or usage.\n";

/* Bytes printed as themselves in text output; everything else is escaped. */
static bool text_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '\\';
}

/* Width of s in text output: argv and BTF names may hold any byte. */
static size_t text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += text_plain((unsigned char)*s) ? 1 : (*s == '\\' ? 2 : 4);
	return w;
}

static void text_put(FILE *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (text_plain(c))
			fputc(c, out);
		else if (c == '\\')
			fputs("\\\\", out);
		else
			fprintf(out, "\\x%02x", c);
	}
}

static void text_put_padded(FILE *out, const char *s, size_t width, bool right)
{
	size_t w = text_width(s);

	if (right)
		fprintf(out, "%*s", (int)(width > w ? width - w : 0), "");
	text_put(out, s);
	if (!right)
		fprintf(out, "%*s", (int)(width > w ? width - w : 0), "");
}

/* One line on stderr about @path; both may hold untrusted bytes. */
static void errorf_path(const char *path, const char *problem)
{
	fputs(PROG ": ", stderr);
	text_put(stderr, path);
	fputs(": ", stderr);
	text_put(stderr, problem);
	fputc('\n', stderr);
}

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, PROG ": %s '", what);
	text_put(stderr, arg);
	fputs("' (see --help)\n", stderr);
	return EXIT_UNUSABLE;
}

/* The parser's message names the file first; we name it once, in front. */
static const char *without_path(const char *msg, const char *path)
{
	size_t len = strlen(path);

	if (strncmp(msg, path, len) == 0 && strncmp(msg + len, ": ", 2) == 0)
		return msg + len + 2;
	/* A path too long for the message leaves only its cut copy: nothing more to say. */
	if (strncmp(path, msg, strlen(msg)) == 0)
		return "";
	return msg;
}

/* On failure one line on stderr: "execsensor-offsets: PATH: what: detail". */
static int open_btf(const char *path, const struct es_btf *base, struct es_btf **out)
{
	struct es_btf_diag diag = {};
	const char *detail;
	int err;

	err = es_btf_open_file(path, base, out, &diag);
	if (!err)
		return 0;
	detail = without_path(diag.msg, path);
	fputs(PROG ": ", stderr);
	text_put(stderr, path);
	fprintf(stderr, ": %s", es_btf_strerror(err));
	if (*detail) {
		fputs(": ", stderr);
		text_put(stderr, detail);
	}
	if (err == -ES_BTF_ERR_IO && strcmp(path, DEFAULT_BTF_PATH) == 0)
		fputs(" (kernel without BTF? give a BTF file with --btf)", stderr);
	/* How split BTF read without its base fails: strings and ids continue the base's. */
	if (!base && (err == -ES_BTF_ERR_BASE || err == -ES_BTF_ERR_STR_NOT_NUL ||
		      err == -ES_BTF_ERR_NAME_OFF || err == -ES_BTF_ERR_TYPE_ID))
		fputs(" (split BTF? give its base with --base)", stderr);
	fputc('\n', stderr);
	return err;
}

/* The BTF in kernel image @path (@image keeps its bytes); on failure one line on stderr. */
static int open_image(const char *path, struct es_kimage *image, struct es_btf **out)
{
	struct es_btf_diag diag = {};
	char msg[ES_KIMAGE_MSG_MAX];
	int err;

	err = es_kimage_open(path, image, msg);
	if (!err)
		err = es_btf_open_mem(image->data, image->size, NULL, out, &diag);
	if (!err)
		return 0;
	fputs(PROG ": ", stderr);
	text_put(stderr, path);
	fputs(": ", stderr);
	if (image->data) { /* the image was read: its BTF was not usable */
		fprintf(stderr, "%s (%s): ", es_btf_strerror(err), image->how);
		text_put(stderr, diag.msg);
	} else {
		text_put(stderr, without_path(msg, path));
	}
	fputc('\n', stderr);
	return err;
}

/* The text columns of one row. */
struct row_text {
	char offset[24];
	char size[12];
	char type[ES_BTF_TYPE_NAME_MAX + 12];
	char map_key[64];
};

static void row_text(const struct es_offset *o, struct row_text *t)
{
	const struct es_btf_member_info *info = &o->info;

	if (!o->resolved)
		snprintf(t->offset, sizeof(t->offset), "absent");
	else if (info->bit_size || info->bit_offset % 8)
		snprintf(t->offset, sizeof(t->offset), "%u:%u", info->bit_offset / 8,
			 info->bit_offset % 8);
	else
		snprintf(t->offset, sizeof(t->offset), "%u", o->value);

	if (o->found)
		snprintf(t->size, sizeof(t->size), "%u", info->size);
	else
		snprintf(t->size, sizeof(t->size), "-");

	if (!o->found)
		snprintf(t->type, sizeof(t->type), "-");
	else if (info->bit_size)
		snprintf(t->type, sizeof(t->type), "%s:%u", info->type_name, info->bit_size);
	else
		snprintf(t->type, sizeof(t->type), "%s", info->type_name);

	if (o->field)
		snprintf(t->map_key, sizeof(t->map_key), "%s[%u]", es_offset_field_map(o->field),
			 o->field->key);
	else
		snprintf(t->map_key, sizeof(t->map_key), "-");
}

static void widen(size_t *width, const char *s)
{
	size_t w = text_width(s);

	if (w > *width)
		*width = w;
}

/* Each group's verdict under the table: on, or off with the first unresolved field. */
static void print_groups_text(const struct es_offset_group_state *groups)
{
	int g, on = 0;

	for (g = 0; g < ES_OFFSET_GROUP__MAX; g++)
		on += groups[g].enabled != 0;
	printf("\nGROUPS: %d of %d would be on\n", on, ES_OFFSET_GROUP__MAX);
	for (g = 0; g < ES_OFFSET_GROUP__MAX; g++) {
		printf("%-14s  %s", groups[g].group->map, groups[g].enabled ? "on" : "off: ");
		if (!groups[g].enabled)
			text_put(stdout, groups[g].reason);
		fputc('\n', stdout);
	}
}

static void print_text(const struct source *src, const struct es_offset *rows, size_t cnt,
		       const struct es_offset_group_state *groups)
{
	size_t w_field = strlen("FIELD"), w_off = strlen("OFFSET"), w_size = strlen("SIZE");
	size_t w_type = strlen("TYPE"), w_map = strlen("MAP[KEY]");
	bool any_unresolved = false;
	struct row_text t;
	size_t i;

	for (i = 0; i < cnt; i++) {
		row_text(&rows[i], &t);
		widen(&w_field, rows[i].path);
		widen(&w_off, t.offset);
		widen(&w_size, t.size);
		widen(&w_type, t.type);
		widen(&w_map, t.map_key);
		any_unresolved |= !rows[i].resolved;
	}

	fputs("BTF ", stdout);
	text_put(stdout, src->path);
	if (src->base_path) {
		fputs(" (base ", stdout);
		text_put(stdout, src->base_path);
		fputc(')', stdout);
	}
	if (src->image) {
		printf(" (kernel image: %s", src->image->how);
		if (src->image->release[0])
			printf(", release %s", src->image->release);
		fputc(')', stdout);
	}
	fputc('\n', stdout);
	printf("%-*s  %*s  %*s  %-*s  ", (int)w_field, "FIELD", (int)w_off, "OFFSET", (int)w_size,
	       "SIZE", (int)w_type, "TYPE");
	if (any_unresolved)
		printf("%-*s  REASON\n", (int)w_map, "MAP[KEY]");
	else
		puts("MAP[KEY]");

	for (i = 0; i < cnt; i++) {
		row_text(&rows[i], &t);
		text_put_padded(stdout, rows[i].path, w_field, false);
		fputs("  ", stdout);
		text_put_padded(stdout, t.offset, w_off, true);
		fputs("  ", stdout);
		text_put_padded(stdout, t.size, w_size, true);
		fputs("  ", stdout);
		text_put_padded(stdout, t.type, w_type, false);
		fputs("  ", stdout);
		if (rows[i].resolved) {
			text_put(stdout, t.map_key);
		} else {
			text_put_padded(stdout, t.map_key, w_map, false);
			fputs("  ", stdout);
			text_put(stdout, rows[i].reason);
		}
		fputc('\n', stdout);
	}
	if (groups)
		print_groups_text(groups);
}

static void print_groups_json(struct es_json_writer *w, const struct es_offset_group_state *groups)
{
	int g;

	es_json_key(w, "groups");
	es_json_array_begin(w);
	for (g = 0; g < ES_OFFSET_GROUP__MAX; g++) {
		es_json_object_begin(w);
		es_json_key(w, "map");
		es_json_string(w, groups[g].group->map);
		es_json_key(w, "on");
		es_json_bool(w, groups[g].enabled);
		es_json_key(w, "reason");
		if (groups[g].enabled)
			es_json_null(w);
		else
			es_json_string(w, groups[g].reason);
		es_json_object_end(w);
	}
	es_json_array_end(w);
}

static int print_json(const struct source *src, const struct es_offset *rows, size_t cnt,
		      const struct es_offset_group_state *groups)
{
	struct es_json_writer w;
	size_t i;

	es_json_writer_init(&w, stdout);
	es_json_object_begin(&w);
	es_json_key(&w, "btf");
	es_json_string(&w, src->path);
	es_json_key(&w, "base");
	if (src->base_path)
		es_json_string(&w, src->base_path);
	else
		es_json_null(&w);
	es_json_key(&w, "kernel_image");
	if (src->image) {
		es_json_object_begin(&w);
		es_json_key(&w, "how");
		es_json_string(&w, src->image->how);
		es_json_key(&w, "release");
		if (src->image->release[0])
			es_json_string(&w, src->image->release);
		else
			es_json_null(&w);
		es_json_object_end(&w);
	} else {
		es_json_null(&w);
	}
	es_json_key(&w, "fields");
	es_json_array_begin(&w);
	for (i = 0; i < cnt; i++) {
		const struct es_offset *o = &rows[i];

		es_json_object_begin(&w);
		es_json_key(&w, "field");
		es_json_string(&w, o->path);
		es_json_key(&w, "offset");
		if (o->resolved)
			es_json_uint(&w, o->value);
		else
			es_json_null(&w);
		/* What the lookup found, also when the type check refused it. */
		es_json_key(&w, "bit_offset");
		if (o->found)
			es_json_uint(&w, o->info.bit_offset);
		else
			es_json_null(&w);
		es_json_key(&w, "bit_size");
		if (o->found)
			es_json_uint(&w, o->info.bit_size);
		else
			es_json_null(&w);
		es_json_key(&w, "size");
		if (o->found)
			es_json_uint(&w, o->info.size);
		else
			es_json_null(&w);
		es_json_key(&w, "type");
		if (o->found)
			es_json_string(&w, o->info.type_name);
		else
			es_json_null(&w);
		es_json_key(&w, "map");
		if (o->field)
			es_json_string(&w, es_offset_field_map(o->field));
		else
			es_json_null(&w);
		es_json_key(&w, "key");
		if (o->field)
			es_json_uint(&w, o->field->key);
		else
			es_json_null(&w);
		es_json_key(&w, "resolved");
		es_json_bool(&w, o->resolved);
		es_json_key(&w, "reason");
		if (o->resolved)
			es_json_null(&w);
		else
			es_json_string(&w, o->reason);
		es_json_object_end(&w);
	}
	es_json_array_end(&w);
	if (groups)
		print_groups_json(&w, groups);
	es_json_object_end(&w);
	return es_json_writer_finish(&w);
}

int main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "btf", required_argument, NULL, 'b' },
		{ "base", required_argument, NULL, 'B' },
		{ "kernel-image", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{},
	};
	struct es_offset_group_state groups[ES_OFFSET_GROUP__MAX];
	struct source src = { .path = DEFAULT_BTF_PATH };
	const char *btf_path = NULL, *image_path = NULL;
	struct es_btf *base = NULL, *btf = NULL;
	struct es_kimage image = {};
	struct es_offset *rows = NULL;
	size_t cnt, i, unresolved = 0;
	int opt, ret = EXIT_UNUSABLE;
	bool json = false;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "hV", long_options, NULL)) != -1) {
		switch (opt) {
		case 'b':
			btf_path = optarg;
			break;
		case 'B':
			src.base_path = optarg;
			break;
		case 'k':
			image_path = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return fflush(stdout) ? EXIT_UNUSABLE : EXIT_RESOLVED;
		case 'V':
			puts(PROG " " EXECSENSOR_VERSION);
			return fflush(stdout) ? EXIT_UNUSABLE : EXIT_RESOLVED;
		default:
			if (optopt == 'b' || optopt == 'B' || optopt == 'k')
				return usage_error("missing PATH after", argv[optind - 1]);
			if (optopt) {
				char opt_text[3] = { '-', (char)optopt, 0 };

				return usage_error("unknown option", opt_text);
			}
			return usage_error("unknown option", argv[optind - 1]);
		}
	}

	if (image_path && (btf_path || src.base_path))
		return usage_error("--kernel-image excludes", btf_path ? "--btf" : "--base");
	if (image_path) {
		src.path = image_path;
		src.image = &image;
		if (open_image(image_path, &image, &btf))
			goto out;
	} else {
		src.path = btf_path ? btf_path : DEFAULT_BTF_PATH;
		if (src.base_path && open_btf(src.base_path, NULL, &base))
			goto out;
		if (open_btf(src.path, base, &btf))
			goto out;
	}

	cnt = optind < argc ? (size_t)(argc - optind) : es_offset_fields_cnt;
	rows = calloc(cnt, sizeof(*rows));
	if (!rows) {
		errorf_path(src.path, "out of memory");
		goto out;
	}
	if (optind < argc) {
		for (i = 0; i < cnt; i++) {
			const char *path = argv[optind + i];
			const struct es_offset_field *field = es_offset_field_find(path);

			if (field ? es_offset_resolve(btf, field, &rows[i])
				  : es_offset_resolve_path(btf, path, &rows[i]))
				unresolved++;
		}
	} else {
		unresolved = es_offsets_resolve_table(btf, rows);
		es_offset_groups_resolve(btf, groups);
	}

	if (json) {
		if (print_json(&src, rows, cnt, optind < argc ? NULL : groups))
			goto out_write;
	} else {
		print_text(&src, rows, cnt, optind < argc ? NULL : groups);
	}
	if (fflush(stdout) || ferror(stdout))
		goto out_write;
	ret = unresolved ? EXIT_UNRESOLVED : EXIT_RESOLVED;
	goto out;

out_write:
	fputs(PROG ": stdout: write failed\n", stderr);
out:
	free(rows);
	if (btf)
		es_btf_free(btf);
	if (base)
		es_btf_free(base);
	es_kimage_free(&image);
	return ret;
}
