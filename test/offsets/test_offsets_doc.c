// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * "One table shared by loader, tools and docs": the rows of the offset
 * table in docs/offsets.md and in the man page must be exactly the rows of
 * es_offset_fields[], no more, no fewer, word for word.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "offsets.h"

#ifndef ES_DOCS_DIR
#error "ES_DOCS_DIR must name the docs/ directory"
#endif

#define ROWS_MAX     128
#define DOC_LINE_MAX 512

struct doc_table {
	char rows[ROWS_MAX][DOC_LINE_MAX];
	size_t cnt;
	int starts, ends; /* markers seen */
};

/* The table rows between the markers: lines starting with @row_prefix, minus @skip_prefix. */
static void read_table(const char *path, const char *start, const char *end, const char *row_prefix,
		       const char *skip_prefix, struct doc_table *t)
{
	char line[DOC_LINE_MAX];
	bool inside = false;
	FILE *f = fopen(path, "r");

	ck_assert_msg(f != NULL, "cannot open %s", path);
	memset(t, 0, sizeof(*t));
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (strncmp(line, start, strlen(start)) == 0) {
			t->starts++;
			inside = true;
		} else if (strncmp(line, end, strlen(end)) == 0) {
			t->ends++;
			inside = false;
		} else if (inside && strncmp(line, row_prefix, strlen(row_prefix)) == 0 &&
			   (!skip_prefix || strncmp(line, skip_prefix, strlen(skip_prefix)) != 0)) {
			ck_assert_uint_lt(t->cnt, ROWS_MAX);
			snprintf(t->rows[t->cnt++], DOC_LINE_MAX, "%s", line);
		}
	}
	fclose(f);
	ck_assert_msg(t->starts == 1 && t->ends == 1, "%s: want one table between '%s' and '%s'",
		      path, start, end);
}

enum doc_format {
	DOC_MARKDOWN, /* docs/offsets.md */
	DOC_MDOC, /* docs/execsensor-offsets.1 */
};

static void format_row(enum doc_format format, const struct es_offset_field *f, char *buf,
		       size_t size)
{
	char expect[64];

	es_offset_expect_describe(f, expect, sizeof(expect));
	if (format == DOC_MARKDOWN)
		snprintf(buf, size, "| `%s` | %u | `%s` | %s |", es_offset_field_map(f), f->key,
			 f->path, expect);
	else
		snprintf(buf, size, ".It %s Ta %s Ta %u Ta %s", f->path, es_offset_field_map(f),
			 f->key, expect);
}

static void assert_same_rows(const char *path, const struct doc_table *t, enum doc_format format)
{
	char want[DOC_LINE_MAX];
	size_t i, j;

	for (i = 0; i < es_offset_fields_cnt; i++) {
		bool found = false;

		format_row(format, &es_offset_fields[i], want, sizeof(want));
		for (j = 0; j < t->cnt; j++)
			found |= strcmp(t->rows[j], want) == 0;
		ck_assert_msg(found, "%s lacks the table row\n  %s", path, want);
	}
	ck_assert_msg(t->cnt == es_offset_fields_cnt,
		      "%s has %zu table rows, user/offsets/offsets.c has %zu fields", path, t->cnt,
		      es_offset_fields_cnt);
}

START_TEST(offsets_md_lists_exactly_the_table)
{
	const char *path = ES_DOCS_DIR "/offsets.md";
	struct doc_table t;

	read_table(path, "<!-- offset-table", "<!-- end offset-table", "| `", NULL, &t);
	assert_same_rows(path, &t, DOC_MARKDOWN);
}
END_TEST

START_TEST(man_page_lists_exactly_the_table)
{
	const char *path = ES_DOCS_DIR "/execsensor-offsets.1";
	struct doc_table t;

	read_table(path, ".\\\" offset-table", ".\\\" end offset-table", ".It ", ".It Sy", &t);
	assert_same_rows(path, &t, DOC_MDOC);
}
END_TEST
int main(void)
{
	const struct es_check_case cases[] = {
		{ "doc", ES_CHECK_TESTS(offsets_md_lists_exactly_the_table,
					man_page_lists_exactly_the_table) },
		{ NULL },
	};

	return es_check_run("offsets_doc", NULL, cases);
}
