// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * execsensor-verify: load every program of a BPF object through the running
 * kernel's verifier, without attaching anything, and report per program.
 * Each program is loaded on its own (fresh object, the others not loaded), so
 * one rejection does not hide the verdict of the others.
 *
 * Exit status: 0 all accepted, 1 at least one rejected, 2 unusable input or
 * environment (no object, no programs, no privilege, a map that cannot be
 * created).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "execsensor.skel.h"
#include "json_writer.h"

#define EXIT_REJECTED 1
#define EXIT_UNUSABLE 2

#define STATS_LOG_SIZE	 (64u << 10)
#define VERBOSE_LOG_SIZE (16u << 20)
#define LOG_TAIL_LINES	 20

enum verdict {
	VERDICT_ACCEPTED,
	VERDICT_REJECTED,
	VERDICT_ERROR, /* the load failed before the verifier said anything */
};

static const char *const verdict_names[] = {
	[VERDICT_ACCEPTED] = "accepted",
	[VERDICT_REJECTED] = "rejected",
	[VERDICT_ERROR] = "error",
};

struct prog_result {
	char name[64];
	const char *type;
	enum verdict verdict;
	long insns; /* xlated instructions; -1 when not loaded */
	long verified_insns; /* "processed N insns" from the verifier log; -1 when unknown */
	int err; /* -errno of a failed load */
	char *log_tail; /* verifier log tail of a rejection, or NULL */
};

struct object_source {
	const char *path; /* NULL: the embedded object */
	const void *data; /* the embedded object */
	size_t size;
};

static bool verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level;
	/* The verdicts and log tails say what matters; --verbose adds libbpf's own lines. */
	if (!verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static struct bpf_object *object_open(const struct object_source *src)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "execsensor");

	if (src->path)
		return bpf_object__open_file(src->path, NULL);
	return bpf_object__open_mem(src->data, src->size, &opts);
}

/* Ring buffers are sized for production; one page is enough to verify. */
static void shrink_ringbufs(struct bpf_object *obj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj)
	{
		if (bpf_map__type(map) == BPF_MAP_TYPE_RINGBUF)
			bpf_map__set_max_entries(map, getpagesize());
	}
}

static long parse_processed(const char *log)
{
	const char *p = log, *hit = NULL;

	/* The last "processed N insns" is the summary line. */
	while ((p = strstr(p, "processed ")) != NULL) {
		hit = p;
		p++;
	}
	if (!hit)
		return -1;
	return strtol(hit + strlen("processed "), NULL, 10);
}

/* The last @lines lines of @log (trailing blank lines dropped), copied. */
static char *log_tail(const char *log, int lines)
{
	size_t len = strlen(log);
	const char *start;

	while (len && (log[len - 1] == '\n' || log[len - 1] == '\0'))
		len--;
	start = log + len;
	while (start > log && lines > 0) {
		start--;
		if (*start == '\n' && --lines == 0) {
			start++;
			break;
		}
	}
	return strndup(start, len - (size_t)(start - log));
}

static long xlated_insns(int prog_fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -1;
	return info.xlated_prog_len / sizeof(struct bpf_insn);
}

/*
 * Load only program @index of a fresh copy of the object, with @log_level
 * into @log; on success res->insns is set. Returns 0 or a negative errno.
 */
static int load_one(const struct object_source *src, int index, __u32 log_level, char *log,
		    size_t log_size, struct prog_result *res)
{
	struct bpf_program *prog, *target = NULL;
	struct bpf_object *obj;
	int i = 0, err;

	obj = object_open(src);
	if (!obj)
		return -errno;
	shrink_ringbufs(obj);
	bpf_object__for_each_program(prog, obj)
	{
		bool mine = i++ == index;

		bpf_program__set_autoload(prog, mine);
		if (mine)
			target = prog;
	}
	if (!target) {
		bpf_object__close(obj);
		return -ENOENT;
	}
	log[0] = '\0';
	bpf_program__set_log_level(target, log_level);
	bpf_program__set_log_buf(target, log, log_size);
	err = bpf_object__load(obj);
	if (!err)
		res->insns = xlated_insns(bpf_program__fd(target));
	bpf_object__close(obj);
	return err;
}

static int verify_program(const struct object_source *src, int index, struct prog_result *res)
{
	char *log = malloc(STATS_LOG_SIZE), *full = NULL;
	int err;

	if (!log)
		return -ENOMEM;
	res->insns = -1;
	res->verified_insns = -1;
	err = load_one(src, index, 4 /* BPF_LOG_STATS */, log, STATS_LOG_SIZE, res);
	res->verified_insns = parse_processed(log);
	if (!err) {
		res->verdict = VERDICT_ACCEPTED;
		goto out;
	}
	res->err = err;
	/* Rejected: load again with the instruction log for the reason. */
	full = malloc(VERBOSE_LOG_SIZE);
	if (full && load_one(src, index, 1 | 4, full, VERBOSE_LOG_SIZE, res) && full[0]) {
		res->verdict = VERDICT_REJECTED;
		res->log_tail = log_tail(full, LOG_TAIL_LINES);
		if (res->verified_insns < 0)
			res->verified_insns = parse_processed(full);
	} else if (log[0]) {
		res->verdict = VERDICT_REJECTED;
		res->log_tail = log_tail(log, LOG_TAIL_LINES);
	} else {
		res->verdict = VERDICT_ERROR;
	}
	err = 0;
out:
	free(full);
	free(log);
	return err;
}

static void print_text(const char *object, const char *kernel, const struct prog_result *res,
		       int cnt)
{
	int i, accepted = 0;

	printf("object %s, kernel %s\n", object, kernel);
	printf("%-20s %-12s %-9s %8s %9s\n", "PROGRAM", "TYPE", "VERDICT", "INSNS", "VERIFIED");
	for (i = 0; i < cnt; i++) {
		const struct prog_result *r = &res[i];

		printf("%-20s %-12s %-9s %8ld %9ld\n", r->name, r->type, verdict_names[r->verdict],
		       r->insns, r->verified_insns);
		if (r->verdict == VERDICT_ACCEPTED) {
			accepted++;
			continue;
		}
		printf("  load failed: %s\n", strerror(-r->err));
		if (r->log_tail)
			printf("  verifier log (tail):\n%s\n", r->log_tail);
	}
	printf("%d programs: %d accepted, %d not\n", cnt, accepted, cnt - accepted);
}

static int print_json(const char *object, const char *kernel, const struct prog_result *res,
		      int cnt)
{
	struct es_json_writer w;
	int i;

	es_json_writer_init(&w, stdout);
	es_json_object_begin(&w);
	es_json_key(&w, "object");
	es_json_string(&w, object);
	es_json_key(&w, "kernel");
	es_json_string(&w, kernel);
	es_json_key(&w, "programs");
	es_json_array_begin(&w);
	for (i = 0; i < cnt; i++) {
		const struct prog_result *r = &res[i];

		es_json_object_begin(&w);
		es_json_key(&w, "name");
		es_json_string(&w, r->name);
		es_json_key(&w, "type");
		es_json_string(&w, r->type);
		es_json_key(&w, "verdict");
		es_json_string(&w, verdict_names[r->verdict]);
		es_json_key(&w, "insns");
		es_json_int(&w, r->insns);
		es_json_key(&w, "verified_insns");
		es_json_int(&w, r->verified_insns);
		if (r->verdict != VERDICT_ACCEPTED) {
			es_json_key(&w, "error");
			es_json_string(&w, strerror(-r->err));
			es_json_key(&w, "log_tail");
			es_json_string(&w, r->log_tail ? r->log_tail : "");
		}
		es_json_object_end(&w);
	}
	es_json_array_end(&w);
	es_json_object_end(&w);
	return es_json_writer_finish(&w);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: execsensor-verify [--object PATH] [--json] [--verbose]\n"
		   "Loads every BPF program of execsensor's embedded object (or PATH) through\n"
		   "the running kernel's verifier, without attaching. Exit 0: all accepted,\n"
		   "1: a program was rejected, 2: unusable input.\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "object", required_argument, NULL, 'o' }, { "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },	    { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },	    {},
	};
	struct object_source src = {};
	struct prog_result *res = NULL;
	struct bpf_program *prog;
	struct bpf_object *obj;
	char object_desc[512];
	struct utsname uts;
	int opt, cnt = 0, i, status = 0, err;
	bool json = false;

	while ((opt = getopt_long(argc, argv, "o:jvhV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			src.path = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("execsensor-verify %s\n", EXECSENSOR_VERSION);
			return 0;
		default:
			usage(stderr);
			return EXIT_UNUSABLE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "execsensor-verify: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return EXIT_UNUSABLE;
	}
	libbpf_set_print(libbpf_print);
	if (src.path) {
		snprintf(object_desc, sizeof(object_desc), "%s", src.path);
	} else {
		src.data = execsensor_bpf__elf_bytes(&src.size);
		snprintf(object_desc, sizeof(object_desc), "embedded (%s)", EXECSENSOR_BPF_ARCH);
	}
	if (uname(&uts))
		snprintf(uts.release, sizeof(uts.release), "unknown");

	obj = object_open(&src);
	if (!obj) {
		err = errno;
		fprintf(stderr, "execsensor-verify: %s: not a usable BPF object: %s\n", object_desc,
			strerror(err));
		return EXIT_UNUSABLE;
	}
	bpf_object__for_each_program(prog, obj) cnt++;
	res = cnt ? calloc(cnt, sizeof(*res)) : NULL;
	if (!res) {
		fprintf(stderr, "execsensor-verify: %s: %s\n", object_desc,
			cnt ? strerror(ENOMEM) : "no BPF programs in the object");
		bpf_object__close(obj);
		return EXIT_UNUSABLE;
	}
	i = 0;
	bpf_object__for_each_program(prog, obj)
	{
		snprintf(res[i].name, sizeof(res[i].name), "%s", bpf_program__name(prog));
		res[i].type = libbpf_bpf_prog_type_str(bpf_program__type(prog));
		if (!res[i].type)
			res[i].type = "unknown";
		i++;
	}
	bpf_object__close(obj);

	for (i = 0; i < cnt; i++) {
		err = verify_program(&src, i, &res[i]);
		if (err) {
			fprintf(stderr, "execsensor-verify: %s: %s\n", res[i].name, strerror(-err));
			status = EXIT_UNUSABLE;
			goto out;
		}
		if (res[i].verdict == VERDICT_ERROR)
			status = EXIT_UNUSABLE;
		else if (res[i].verdict == VERDICT_REJECTED && status == 0)
			status = EXIT_REJECTED;
	}
	if (json) {
		err = print_json(object_desc, uts.release, res, cnt);
		if (!err && fflush(stdout))
			err = -errno;
		if (err) {
			fprintf(stderr, "execsensor-verify: writing JSON: %s\n", strerror(-err));
			status = EXIT_UNUSABLE;
		}
	} else {
		print_text(object_desc, uts.release, res, cnt);
	}
	if (status == EXIT_UNUSABLE)
		fprintf(stderr, "execsensor-verify: a load failed before verification "
				"(privileges? CAP_BPF and CAP_PERFMON or root are needed)\n");
out:
	for (i = 0; i < cnt; i++)
		free(res[i].log_tail);
	free(res);
	return status;
}
