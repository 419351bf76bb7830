// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * execsensor-verify against the built object and a broken one, as root (it
 * loads programs through the kernel's verifier). The oracles: libbpf's own
 * view of the object, the kernel's prog info for the instruction counts, and
 * the verifier's own message for the broken object.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "check_main.h"

/* Run execsensor-verify with @args; its stdout into @out. Returns the exit status. */
static int run_verify(const char *args, char *out, size_t size)
{
	char cmd[1024];
	size_t n;
	FILE *p;
	int status;

	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", VERIFY_BIN, args);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	status = pclose(p);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* The number after "key": in the JSON object of program @name. */
static long json_prog_field(const char *json, const char *name, const char *key)
{
	char want[128];
	const char *p;

	snprintf(want, sizeof(want), "{\"name\":\"%s\"", name);
	p = strstr(json, want);
	ck_assert_msg(p != NULL, "no program %s in %s", name, json);
	snprintf(want, sizeof(want), "\"%s\":", key);
	p = strstr(p, want);
	ck_assert_ptr_nonnull(p);
	return strtol(p + strlen(want), NULL, 10);
}

START_TEST(test_verify_accepts_the_built_object)
{
	static char out[1 << 20];
	struct bpf_program *prog;
	struct bpf_object *obj;
	int programs = 0;

	ck_assert_int_eq(run_verify("--json", out, sizeof(out)), 0);
	/* libbpf lists the object's programs: each must be there, accepted. */
	obj = bpf_object__open_file(BPF_OBJECT, NULL);
	ck_assert_ptr_nonnull(obj);
	bpf_object__for_each_program(prog, obj)
	{
		const char *name = bpf_program__name(prog);
		char want[128];

		snprintf(want, sizeof(want), "{\"name\":\"%s\",", name);
		ck_assert_msg(strstr(out, want) != NULL, "%s missing: %s", name, out);
		ck_assert_int_gt(json_prog_field(out, name, "insns"), 0);
		ck_assert_int_gt(json_prog_field(out, name, "verified_insns"), 0);
		programs++;
	}
	bpf_object__close(obj);
	ck_assert_int_eq(programs, 14);
	ck_assert_ptr_null(strstr(out, "\"rejected\""));
	ck_assert_ptr_nonnull(strstr(out, "{\"name\":\"tp_sched_exec\",\"type\":\"tracepoint\""));

	/* The object file itself, in text form. */
	ck_assert_int_eq(run_verify("--object " BPF_OBJECT, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "14 programs: 14 accepted, 0 not"));
}
END_TEST

START_TEST(test_verify_counts_match_the_kernel)
{
	static char out[1 << 20];
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info);
	struct bpf_object *obj;
	struct bpf_program *prog, *p;
	struct bpf_map *map;

	ck_assert_int_eq(run_verify("--json --object " BPF_OBJECT, out, sizeof(out)), 0);
	/* Load tp_exit_execve with libbpf alone; the kernel's own counts are the oracle. */
	obj = bpf_object__open_file(BPF_OBJECT, NULL);
	ck_assert_ptr_nonnull(obj);
	prog = bpf_object__find_program_by_name(obj, "tp_exit_execve");
	ck_assert_ptr_nonnull(prog);
	bpf_object__for_each_program(p, obj) bpf_program__set_autoload(p, p == prog);
	bpf_object__for_each_map(map, obj)
	{
		if (bpf_map__type(map) == BPF_MAP_TYPE_RINGBUF)
			bpf_map__set_max_entries(map, getpagesize());
	}
	ck_assert_int_eq(bpf_object__load(obj), 0);
	ck_assert_int_eq(bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len), 0);
	ck_assert_int_eq(json_prog_field(out, "tp_exit_execve", "insns"), info.xlated_prog_len / 8);
	ck_assert_int_eq(json_prog_field(out, "tp_exit_execve", "verified_insns"),
			 info.verified_insns);
	bpf_object__close(obj);
}
END_TEST

START_TEST(test_verify_rejects_a_broken_object)
{
	static char out[1 << 20];

	ck_assert_int_eq(run_verify("--object " BROKEN_OBJECT, out, sizeof(out)), 1);
	ck_assert_msg(strstr(out, "missing_null_check   tracepoint   rejected") != NULL, "%s", out);
	ck_assert_ptr_nonnull(strstr(out, "with_null_check      tracepoint   accepted"));
	/* The verifier's own words for a NULL-able pointer dereference. */
	ck_assert_msg(strstr(out, "invalid mem access 'map_value_or_null'") != NULL, "%s", out);

	ck_assert_int_eq(run_verify("--json --object " BROKEN_OBJECT, out, sizeof(out)), 1);
	ck_assert_ptr_nonnull(strstr(out, "\"verdict\":\"rejected\""));
	ck_assert_ptr_nonnull(strstr(out, "map_value_or_null"));
}
END_TEST

START_TEST(test_verify_unusable_input_exits_2)
{
	static char out[1 << 16];

	ck_assert_int_eq(run_verify("--object /nonexistent-es-live.o", out, sizeof(out)), 2);
	ck_assert_ptr_nonnull(strstr(out, "not a usable BPF object"));
	ck_assert_int_eq(run_verify("--object /etc/passwd", out, sizeof(out)), 2);
	ck_assert_int_eq(run_verify("--no-such-option", out, sizeof(out)), 2);
}
END_TEST

int main(void)
{
	const struct es_check_case cases[] = {
		{ "verify",
		  ES_CHECK_TESTS(
			  test_verify_accepts_the_built_object, test_verify_counts_match_the_kernel,
			  test_verify_rejects_a_broken_object, test_verify_unusable_input_exits_2),
		  .timeout_s = 120 },
		{ NULL },
	};

	return es_check_run("tools", "execsensor-verify loads programs (CAP_BPF, CAP_PERFMON)",
			    cases);
}
