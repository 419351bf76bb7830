// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The output formats: JSON records checked by python3's json module (an
 * independent parser) field by field, --output appending, the text format
 * never letting a control byte through, and ECS documents whose every field
 * outside execsensor.* is in ECS's field reference with its type
 * (ecs_check.py, ecs_fields.csv).
 */
#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "output.h"
#include "python_check.h"
#include "record_builder.h"

static char path[] = "/tmp/es-output-XXXXXX";

static uint64_t record_buf[ES_RECORD_MAX / 8 + 1];

/* A failed execveat with hostile bytes everywhere, as the pipeline would report it. */
static void fill_report(struct es_exec_report *r, uint32_t extra_flags)
{
	const char *argv[] = { "ls", "-l", "a\"b\\c\n\x01\xff", NULL };
	struct es_test_record spec = {
		.type = ES_RECORD_EXEC_FAILURE,
		.pid = 1234,
		.tid = 1235,
		.ppid = 1000,
		.uid = 1001,
		.gid = 1002,
		.flags = extra_flags,
		.ret = -2,
		.syscall = ES_SYSCALL_EXECVEAT,
		.execveat_flags = AT_EMPTY_PATH,
		.comm = "sys\x1b[31m",
		.filename = "/tmp/\xe2\x82\xac\xc3",
		.argv = argv,
	};

	memset(r, 0, sizeof(*r));
	ck_assert_int_eq(
		es_exec_view_parse(record_buf, es_test_record_make(record_buf, &spec), &r->view),
		0);
	r->ppid = 1000;
	r->ppid_source = ES_PPID_SOURCE_PROCFS;
	r->parent_exe = NULL;
	r->fileless.verdict = ES_FILELESS_ALERT;
	snprintf(r->fileless.reason, sizeof(r->fileless.reason), "why; gate: because");
	r->fileless.failed = ES_FILELESS_NOT_FIRST_EXEC;
	r->fileless.executor = ES_FACT_YES;
	r->fileless.on_disk = ES_FACT_YES;
	r->fileless.forked_by_known = true;
	r->fileless.forked_by = 1;
	r->fileless.manager = ES_FILELESS_SYSTEM_MANAGER;
	r->fileless.first_exec = ES_FACT_NO;
}

/* The fileless member fill_report() makes, as Python sees it. */
#define FILELESS_PY                                                                          \
	"{\"verdict\": \"alert\", \"reason\": \"why; gate: because\", \"parent\": None,"     \
	" \"gate\": {\"failed\": \"not the first exec since the fork\", \"executor\": True," \
	" \"on_disk\": True, \"forked_by\": 1, \"manager\": \"system\", \"first_exec\": False}}"

static int python_check(const char *program)
{
	return es_python_check(program, path);
}

static const char exec_check[] =
	"import json, sys\n"
	"lines = open(sys.argv[1], \"rb\").read().splitlines()\n"
	"check(len(lines) == 2, lines)\n"
	"for line in lines:\n"
	"    r = json.loads(line)\n"
	"    keys = [\"event\", \"time\", \"pid\", \"tid\", \"ppid\", \"ppid_source\", \"uid\", \"gid\",\n"
	"            \"comm\", \"filename\", \"argv\", \"argv_truncated\", \"execveat_flags\", \"ret\",\n"
	"            \"parent_exe\", \"fileless\", \"exe\", \"path_misses\", \"ancestors\",\n"
	"            \"creds\", \"privileges_changed\", \"auid\", \"session\", \"tty\", \"cgroup\",\n"
	"            \"container\", \"namespaces\", \"vpid\"]\n"
	"    check(list(r) == keys, list(r))\n"
	"    b = lambda s: s.encode(\"utf-8\", \"surrogateescape\")\n"
	"    check(r[\"event\"] == \"exec\")\n"
	"    check(r[\"time\"] == \"2023-11-14T22:13:20.123456789Z\", r[\"time\"])\n"
	"    check((r[\"pid\"], r[\"tid\"], r[\"ppid\"]) == (1234, 1235, 1000))\n"
	"    check(r[\"ppid_source\"] == \"procfs\")\n"
	"    check((r[\"uid\"], r[\"gid\"]) == (1001, 1002))\n"
	"    check(b(r[\"comm\"]) == b\"sys\\x1b[31m\")\n"
	"    check(b(r[\"filename\"]) == b\"/tmp/\\xe2\\x82\\xac\\xc3\")\n"
	"    check([b(a) for a in r[\"argv\"]] == [b\"ls\", b\"-l\", b\"a\\\"b\\\\c\\n\\x01\\xff\"], r[\"argv\"])\n"
	"    check(r[\"argv_truncated\"] is False)\n"
	"    check(r[\"execveat_flags\"] == 0x1000)\n"
	"    check(r[\"ret\"] == -2)\n"
	"    check(r[\"parent_exe\"] is None)\n"
	"    check(r[\"fileless\"] == " FILELESS_PY ", r[\"fileless\"])\n"
	"    # A failure has no context: every part is null.\n"
	"    for k in keys[19:]:\n"
	"        check(r[k] is None, (k, r[k]))\n"
	"print(\"ok\")\n";

START_TEST(exec_json_appends)
{
	struct es_exec_report r;
	struct es_output o;
	int fd;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	fill_report(&r, 0);
	/* Two opens: the second appends. */
	ck_assert_int_eq(es_output_open(&o, path, ES_FORMAT_JSON), 0);
	es_output_exec(&o, &r, 1700000000123456789LL);
	ck_assert_int_eq(es_output_close(&o), 0);
	ck_assert_int_eq(es_output_open(&o, path, ES_FORMAT_JSON), 0);
	es_output_exec(&o, &r, 1700000000123456789LL);
	ck_assert_int_eq(es_output_close(&o), 0);
	ck_assert_int_eq(python_check(exec_check), 0);
	unlink(path);
}
END_TEST

static const char records_check[] =
	"import json, sys\n"
	"lines = [json.loads(l) for l in open(sys.argv[1], \"rb\").read().splitlines()]\n"
	"check([l[\"event\"] for l in lines] == [\"startup\", \"exec\", \"stats\"], lines)\n"
	"s = lines[0]\n"
	"check(s[\"version\"] == \"9.9\" and s[\"kernel_release\"] == \"6.18\")\n"
	"check(s[\"btf\"] == {\"source\": \"/sys/kernel/btf/vmlinux\", \"error\": None})\n"
	"check(s[\"offsets\"][0] == {\"field\": \"task_struct.real_parent\", \"resolved\": True,\n"
	"                           \"value\": 2480, \"reason\": None}, s[\"offsets\"])\n"
	"check(s[\"offsets\"][1][\"reason\"] == \"no member\")\n"
	"check(s[\"attach\"] == {\"mode\": \"tracepoint\", \"reason\": \"no kprobes\"})\n"
	"check(s[\"selftest\"] == {\"result\": \"passed\", \"detail\": \"ok\"})\n"
	"g = s[\"offset_groups\"]\n"
	"check([x[\"map\"] for x in g] == [\"TASK_OFFSETS\", \"EXEC_OFFSETS\", \"EXE_OFFSETS\", \"EXIT_OFFSETS\",\n"
	"                              \"CRED_OFFSETS\", \"AUDIT_OFFSETS\", \"TTY_OFFSETS\",\n"
	"                              \"NS_OFFSETS\", \"PIDNS_OFFSETS\", \"FORK_OFFSETS\"], g)\n"
	"check(g[0][\"enabled\"] is True and g[0][\"reason\"] is None)\n"
	"check(g[0][\"selftest\"] == {\"verdict\": \"verified\", \"detail\": None, \"scrubbed\": 0})\n"
	"check(g[1][\"enabled\"] is False and g[1][\"reason\"] == \"task_struct.mm: no member\")\n"
	"check(s[\"kernel_ppid\"] is True and s[\"lockdown\"] == \"none\")\n"
	"check(s[\"exec_image\"] == {\"attached\": True, \"reason\": None, \"argv\": False,\n"
	"                             \"argv_reason\": \"task_struct.mm: no member\"})\n"
	"e = lines[1]\n"
	"check(e[\"ret\"] == -2 and e[\"parent_exe\"] == \"/usr/bin/bash\")\n"
	"check(e[\"fileless\"] is None and e[\"ppid_source\"] == \"kernel\")\n"
	"check(e[\"filename\"] is None and e[\"argv_truncated\"] is True)\n"
	"t = lines[2]\n"
	"check(t[\"final\"] is True and t[\"events\"] == 7)\n"
	"# Skipped runs: 1 of the exec program, 2 of the thread exit (exec and exit), 4 of fork.\n"
	"l = t[\"lost_records\"]\n"
	"check((l[\"recursion\"], l[\"fork_recursion\"], l[\"exit_recursion\"]) == (3, 4, 2), l)\n"
	"check(t[\"lost\"] == 3 + 1 + 2 + 4, t)\n"
	"check(t[\"lost\"] == (l[\"exec\"] + l[\"failure\"] + l[\"fork\"] + l[\"exit\"] +\n"
	"                     l[\"recursion\"] + l[\"fork_recursion\"]), t)\n"
	"check(t[\"unreported\"][\"recursion\"] == 3, t)\n"
	"check([p[\"recursion_misses\"] for p in t[\"programs\"]] == [1, 2, 4, 8], t)\n"
	"check(t[\"ppid_source\"] == {\"kernel\": 4, \"procfs\": 2, \"unknown\": 1, \"fork\": 0})\n"
	"check(t[\"offsets_absent\"] == 5 and t[\"kernel_read_failures\"] == 6)\n"
	"check(t[\"fallback_misses\"] == 1)\n"
	"check(t[\"fileless\"] == {\"alerts\": 2, \"suppressed\": 1})\n"
	"check(t[\"filename_faults\"] == 8 and t[\"argv_faults\"] == 9)\n"
	"check((t[\"failures\"], t[\"path_misses\"], t[\"ring_bytes\"]) == (10, 11, 12), t)\n"
	"print(\"ok\")\n";

/* What a loader would report: one field resolved, one not, the argv group off. */
static void fill_info(struct es_loader_info *info)
{
	struct es_offset_group_state *task = &info->groups[ES_OFFSET_GROUP_TASK];

	memset(info, 0, sizeof(*info));
	es_offset_groups_unresolved("no member", info->groups);
	snprintf(info->btf_source, sizeof(info->btf_source), "/sys/kernel/btf/vmlinux");
	task->fields[ES_TASK_OFF_REAL_PARENT].resolved = 1;
	task->fields[ES_TASK_OFF_REAL_PARENT].value = 2480;
	task->fields[ES_TASK_OFF_REAL_PARENT].reason[0] = '\0';
	task->enabled = 1;
	es_offset_group_disable(&info->groups[ES_OFFSET_GROUP_EXEC], "task_struct.mm: no member");
	info->attach_mode = ES_ATTACH_TRACEPOINT;
	snprintf(info->attach_reason, sizeof(info->attach_reason), "no kprobes");
	info->lockdown = ES_LOCKDOWN_NONE;
	info->selftest = ES_SELFTEST_PASSED;
	snprintf(info->selftest_detail, sizeof(info->selftest_detail), "ok");
	info->checks[ES_OFFSET_GROUP_TASK].verdict = ES_GROUP_VERIFIED;
	info->ringbuf_size = 4096;
	info->lineage = true;
}

/* A final stats record's counters, each its own value. */
static void fill_stats(struct es_agent_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->kernel_read_ok = 1;
	st->events = 7;
	st->kernel[ES_STAT_RINGBUF_FULL] = 3;
	st->kernel[ES_STAT_OFFSETS_ABSENT] = 5;
	st->kernel[ES_STAT_KERNEL_READ_FAIL] = 6;
	st->ppid_source[ES_PPID_SOURCE_KERNEL] = 4;
	st->ppid_source[ES_PPID_SOURCE_PROCFS] = 2;
	st->ppid_source[ES_PPID_SOURCE_UNKNOWN] = 1;
	st->fallback_misses = 1;
	st->fileless_alerts = 2;
	st->fileless_suppressed = 1;
	st->filename_faults = 8;
	st->argv_faults = 9;
	st->failures = 10;
	st->path_misses = 11;
	st->kernel[ES_STAT_BYTES] = 12;
}

static const struct es_startup_host startup_host = { .version = "9.9", .kernel_release = "6.18" };

START_TEST(startup_exec_stats)
{
	static struct es_loader_info info;
	static struct es_agent_stats st;
	struct es_exec_report r;
	struct es_output o;
	int fd;

	fill_info(&info);
	fill_stats(&st);
	st.kernel[ES_STAT_LOST_EXEC] = 2;
	st.kernel[ES_STAT_LOST_FORK] = 1;
	/* The entry's skipped runs cost no record. */
	st.progs_cnt = 4;
	st.progs[0] = (struct es_prog_stats){ .name = "tp_sched_exec",
					      .recursion_misses = 1,
					      .loses = ES_PROG_LOSES_EXEC };
	st.progs[1] = (struct es_prog_stats){ .name = "tp_sched_exit",
					      .recursion_misses = 2,
					      .loses = ES_PROG_LOSES_EXEC | ES_PROG_LOSES_EXIT };
	st.progs[2] = (struct es_prog_stats){ .name = "raw_sched_fork",
					      .recursion_misses = 4,
					      .loses = ES_PROG_LOSES_FORK };
	st.progs[3] = (struct es_prog_stats){ .name = "tp_enter_execve", .recursion_misses = 8 };
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	/* The kernel could not read the filename nor all of argv. */
	fill_report(&r, ES_EXEC_F_FILENAME_FAULT | ES_EXEC_F_ARGV_FAULT);
	r.parent_exe = "/usr/bin/bash";
	r.ppid_source = ES_PPID_SOURCE_KERNEL;
	r.fileless.verdict = ES_FILELESS_NONE;
	ck_assert_int_eq(es_output_open(&o, path, ES_FORMAT_JSON), 0);
	ck_assert_int_eq(es_output_startup(&o, &startup_host, &info, 0), 0);
	ck_assert_int_eq(es_output_exec(&o, &r, 0), 0);
	ck_assert_int_eq(es_output_stats(&o, &st, true, 0), 0);
	ck_assert_int_eq(es_output_close(&o), 0);
	ck_assert_int_eq(python_check(records_check), 0);
	unlink(path);
}
END_TEST

/* @r in the text format, header line and event line, into @buf (a new file at path). */
static ssize_t text_of(const struct es_exec_report *r, char *buf, size_t size)
{
	struct es_output o;
	ssize_t n;
	int fd;

	memcpy(path + strlen(path) - 6, "XXXXXX", 6);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(es_output_open(&o, path, ES_FORMAT_TEXT), 0);
	es_output_exec(&o, r, 1700000000123456789LL);
	ck_assert_int_eq(es_output_close(&o), 0);
	n = read(fd, buf, size - 1);
	close(fd);
	unlink(path);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	return n;
}

START_TEST(text_has_no_raw_controls)
{
	struct es_exec_report r;
	char buf[4096];
	ssize_t n, i;

	fill_report(&r, 0);
	n = text_of(&r, buf, sizeof(buf));
	/* Header line, event line; only '\n' ends them, no other control byte. */
	for (i = 0; i < n; i++)
		ck_assert_msg(buf[i] == '\n' || (unsigned char)buf[i] >= 0x20,
			      "raw control byte 0x%02x at %zd", buf[i], i);
	ck_assert_ptr_nonnull(strstr(buf, "sys\\x1b[31m"));
	ck_assert_ptr_nonnull(strstr(buf, "a\"b\\\\c\\x0a\\x01\\xff"));
	ck_assert_ptr_nonnull(strstr(buf, "/tmp/\xe2\x82\xac\\xc3"));
	ck_assert_ptr_nonnull(strstr(buf, "[fileless alert: why; gate: because]"));
	ck_assert_ptr_nonnull(
		strstr(buf, "2023-11-14T22:13:20.123456789Z    1234    1000 procfs    1001    -2"));
}
END_TEST

static const char context_check[] =
	"import json, sys\n"
	"r = json.loads(open(sys.argv[1], \"rb\").read())\n"
	"check(r[\"creds\"] == {\"uid\": 1001, \"euid\": 0, \"suid\": 0, \"fsuid\": 0, \"gid\": 1002,\n"
	"                      \"egid\": 1002, \"sgid\": 1002, \"fsgid\": 1002,\n"
	"                      \"cap_effective\": \"0x0000000000002001\",\n"
	"                      \"cap_permitted\": \"0x000021ffffffffff\"}, r[\"creds\"])\n"
	"check(r[\"privileges_changed\"] is True)\n"
	"check((r[\"auid\"], r[\"session\"]) == (1000, 7))\n"
	"check(r[\"tty\"] == \"pts/3\", r[\"tty\"])\n"
	"check(r[\"cgroup\"] == {\"id\": 4242, \"path\": \"/system.slice/docker-ab.scope\"})\n"
	"check(r[\"container\"] == {\"runtime\": \"docker\", \"id\": \"ab\", \"pod_uid\": None})\n"
	"check(r[\"namespaces\"] == {\"pid\": None, \"mnt\": 11, \"net\": 12, \"user\": 13,\n"
	"                           \"uts\": 14, \"ipc\": 15, \"cgroup\": 16}, r[\"namespaces\"])\n"
	"check(r[\"vpid\"] is None)\n"
	"print(\"ok\")\n";

/* A successful exec with every part of its context but the pid namespace. */
static void fill_context_report(struct es_exec_report *r)
{
	static const char *const argv[] = { "su", "-", NULL };
	struct es_test_record spec = { .type = ES_RECORD_EXEC,
				       .pid = 7,
				       .tid = 7,
				       .uid = 1001,
				       .gid = 1002,
				       .filename = "/usr/bin/su",
				       .argv = argv,
				       .exe = "/usr/bin/su",
				       .exe_ino = 77,
				       .exe_dev = (8 << 20) | 1, /* the kernel's 8:1 */
				       .exe_nlink = 1 };
	struct es_exec_record rec;
	struct es_exec_context *c = &rec.ctx;
	size_t size;

	memset(r, 0, sizeof(*r));
	size = es_test_record_make(record_buf, &spec);
	memcpy(&rec, record_buf, sizeof(rec));
	*c = (struct es_exec_context){
		.present = ES_CTX_F_CREDS | ES_CTX_F_PRIV_KNOWN | ES_CTX_F_PRIV_RAISED |
			   ES_CTX_F_AUDIT | ES_CTX_F_TTY | ES_CTX_F_NS | ES_CTX_F_CGROUP,
		.euid = 0,
		.suid = 0,
		.fsuid = 0,
		.egid = 1002,
		.sgid = 1002,
		.fsgid = 1002,
		.cap_effective = (1u << 13) | 1, /* cap_net_raw, cap_chown */
		.cap_permitted = ((1ull << 41) - 1) | (1ull << 45), /* 45: no name yet */
		.auid = 1000,
		.session = 7,
		.ns_mnt = 11,
		.ns_net = 12,
		.ns_user = 13,
		.ns_uts = 14,
		.ns_ipc = 15,
		.ns_cgroup = 16,
		.ns_pid = 99,
		.vpid = 98, /* not present: not reported */
		.cgroup_id = 4242,
		.tty = "pts3",
	};
	memcpy(record_buf, &rec, sizeof(rec));
	ck_assert_int_eq(es_exec_view_parse(record_buf, size, &r->view), 0);
	es_exe_from_view(&r->view, &r->exe);
	es_tty_name(c, r->tty, sizeof(r->tty));
	r->cgroup_path = "/system.slice/docker-ab.scope";
	r->container.runtime = "docker";
	snprintf(r->container.id, sizeof(r->container.id), "ab");
	/* The parent, one of unknown exe, one whose name would fake links, init. */
	r->ancestors[0] = (struct es_ancestor){ .pid = 6, .exe = "/usr/bin/dash" };
	r->ancestors[1] = (struct es_ancestor){ .pid = 5 };
	r->ancestors[2] = (struct es_ancestor){ .pid = 4, .exe = "/tmp/x] [anc a<-b" };
	r->ancestors[3] = (struct es_ancestor){ .pid = 1, .exe = "/usr/lib/systemd/systemd" };
	r->ancestors_cnt = 4;
}

START_TEST(exec_context_json_and_text)
{
	struct es_exec_report r;
	struct es_output o;
	char buf[4096];
	int fd;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	fill_context_report(&r);
	ck_assert_int_eq(es_output_open(&o, path, ES_FORMAT_JSON), 0);
	es_output_exec(&o, &r, 1700000000123456789LL);
	ck_assert_int_eq(es_output_close(&o), 0);
	ck_assert_int_eq(python_check(context_check), 0);
	unlink(path);

	text_of(&r, buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf,
				     "  [euid 0 egid 1002]  [caps cap_chown,cap_net_raw]"
				     "  [privileges raised]  [tty pts/3]  [container docker ab]"
				     "  [anc dash<-?<-x\\x5d\\x20[anc\\x20a\\x3c-b<-systemd]\n"));
}
END_TEST

/* The records in ECS, written to path (a new file). */
static void ecs_open(struct es_output *o)
{
	int fd;

	memcpy(path + strlen(path) - 6, "XXXXXX", 6);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(es_output_open(o, path, ES_FORMAT_ECS), 0);
}

/* @r as one ECS document, which the python program @check must accept. */
static void ecs_exec_check(const struct es_exec_report *r, const char *check)
{
	struct es_output o;

	ecs_open(&o);
	ck_assert_int_eq(es_output_exec(&o, r, 1700000000123456789LL), 0);
	ck_assert_int_eq(es_output_close(&o), 0);
	ck_assert_int_eq(python_check(check), 0);
	unlink(path);
}

static const char ecs_failure_check[] =
	"import json, os, sys\n"
	"sys.path.insert(0, \"" ES_TEST_AGENT_DIR "\")\n"
	"import ecs_check\n"
	"lines = open(sys.argv[1], \"rb\").read().splitlines()\n"
	"check(len(lines) == 1, lines)\n"
	"d = json.loads(lines[0])\n"
	"flat = ecs_check.check_document(d, ecs_check.load_fields())\n"
	"b = lambda s: s.encode(\"utf-8\", \"surrogateescape\")\n"
	"boot = open(\"/proc/sys/kernel/random/boot_id\").read().strip()\n"
	"check(d[\"host\"] == {\"hostname\": os.uname().nodename, \"boot\": {\"id\": boot}}, d[\"host\"])\n"
	"check(flat[\"@timestamp\"] == \"2023-11-14T22:13:20.123456789Z\", flat[\"@timestamp\"])\n"
	"check(flat[\"ecs.version\"] == \"8.16.0\")\n"
	"check(d[\"event\"] == {\"kind\": \"event\", \"category\": [\"process\"], \"type\": [\"start\"],\n"
	"                      \"action\": \"exec\", \"outcome\": \"failure\", \"provider\": \"execsensor\"}, d[\"event\"])\n"
	"p = d[\"process\"]\n"
	"check((p[\"pid\"], p[\"thread\"]) == (1234, {\"id\": 1235}), p)\n"
	"check(p[\"entity_id\"] == boot + \"-1234-5000000000\", p[\"entity_id\"])\n"
	"check(p[\"start\"] == \"2023-11-14T22:13:19.000000000Z\", p[\"start\"])\n"
	"# A failure names the image that would have run: the path it was given.\n"
	"check(b(p[\"executable\"]) == b\"/tmp/\\xe2\\x82\\xac\\xc3\" and b(p[\"name\"]) == b\"\\xe2\\x82\\xac\\xc3\")\n"
	"argv = [b\"ls\", b\"-l\", b\"a\\\"b\\\\c\\n\\x01\\xff\"]\n"
	"check([b(a) for a in p[\"args\"]] == argv and p[\"args_count\"] == 3, p[\"args\"])\n"
	"check(b(p[\"command_line\"]) == b\" \".join(argv), p[\"command_line\"])\n"
	"check((p[\"real_user\"], p[\"real_group\"]) == ({\"id\": \"1001\"}, {\"id\": \"1002\"}))\n"
	"check(\"user\" not in p and \"group\" not in p and \"vpid\" not in p, p)\n"
	"check(p[\"parent\"] == {\"pid\": 1000, \"entity_id\": boot + \"-1000-4000000000\",\n"
	"                       \"start\": \"2023-11-14T22:13:18.000000000Z\",\n"
	"                       \"executable\": \"/usr/bin/ba\\nsh\", \"name\": \"ba\\nsh\"}, p[\"parent\"])\n"
	"check((d[\"user\"], d[\"group\"]) == ({\"id\": \"1001\"}, {\"id\": \"1002\"}), d)\n"
	"check(\"container\" not in d)\n"
	"x = d[\"execsensor\"]\n"
	"check((x[\"ret\"], x[\"ppid_source\"], x[\"execveat_flags\"]) == (-2, \"procfs\", 0x1000), x)\n"
	"check(b(x[\"comm\"]) == b\"sys\\x1b[31m\" and b(x[\"filename\"]) == b\"/tmp/\\xe2\\x82\\xac\\xc3\")\n"
	"check(x[\"argv_truncated\"] is False and x[\"path_misses\"] == 0 and x[\"ancestors\"] == [])\n"
	"check(x[\"fileless\"] == " FILELESS_PY ", x[\"fileless\"])\n"
	"for k in (\"exe\", \"creds\", \"privileges_changed\", \"auid\", \"tty\", \"cgroup\", \"namespaces\", \"vpid\"):\n"
	"    check(x[k] is None, (k, x[k]))\n"
	"print(\"ok\")\n";

/* A failed exec with hostile bytes: ECS fields of their types, the values as given. */
START_TEST(ecs_exec_failure)
{
	struct es_exec_report r;

	fill_report(&r, 0);
	r.parent_exe = "/usr/bin/ba\nsh";
	r.start = (struct es_proc_start){ true, 5000000000, 1699999999000000000LL };
	r.parent_start = (struct es_proc_start){ true, 4000000000, 1699999998000000000LL };
	ecs_exec_check(&r, ecs_failure_check);
}
END_TEST

static const char ecs_context_check[] =
	"import json, sys\n"
	"sys.path.insert(0, \"" ES_TEST_AGENT_DIR "\")\n"
	"import ecs_check\n"
	"d = json.loads(open(sys.argv[1], \"rb\").read())\n"
	"ecs_check.check_document(d, ecs_check.load_fields())\n"
	"check(d[\"event\"][\"outcome\"] == \"success\" and d[\"event\"][\"type\"] == [\"start\"], d[\"event\"])\n"
	"p = d[\"process\"]\n"
	"check((p[\"executable\"], p[\"name\"]) == (\"/usr/bin/su\", \"su\"), p)\n"
	"check((p[\"args\"], p[\"args_count\"], p[\"command_line\"]) == ([\"su\", \"-\"], 2, \"su -\"), p)\n"
	"# No start known: no start, no entity_id; no parent pid: no parent.\n"
	"check(\"start\" not in p and \"entity_id\" not in p and \"parent\" not in p, p)\n"
	"caps = p[\"thread\"][\"capabilities\"]\n"
	"check(caps[\"effective\"] == [\"CAP_CHOWN\", \"CAP_NET_RAW\"], caps)\n"
	"check(caps[\"permitted\"][:2] == [\"CAP_CHOWN\", \"CAP_DAC_OVERRIDE\"], caps)\n"
	"check(caps[\"permitted\"][-2:] == [\"CAP_CHECKPOINT_RESTORE\", \"45\"], caps)\n"
	"check(len(caps[\"permitted\"]) == 42, caps)\n"
	"# The effective ids after the set-uid exec; the real ones the caller had.\n"
	"check((p[\"user\"], p[\"group\"]) == ({\"id\": \"0\"}, {\"id\": \"1002\"}), p)\n"
	"check((p[\"real_user\"], p[\"real_group\"]) == ({\"id\": \"1001\"}, {\"id\": \"1002\"}), p)\n"
	"check((p[\"saved_user\"], p[\"saved_group\"]) == ({\"id\": \"0\"}, {\"id\": \"1002\"}), p)\n"
	"check(\"vpid\" not in p, p)\n"
	"check(d[\"user\"] == {\"id\": \"1001\", \"effective\": {\"id\": \"0\", \"group\": {\"id\": \"1002\"}}}, d[\"user\"])\n"
	"check(d[\"group\"] == {\"id\": \"1002\"})\n"
	"check(d[\"container\"] == {\"id\": \"ab\", \"runtime\": \"docker\"}, d[\"container\"])\n"
	"x = d[\"execsensor\"]\n"
	"check(x[\"exe\"] == {\"path\": \"/usr/bin/su\", \"ino\": 77, \"dev\": 2049, \"nlink\": 1, \"memfd\": False,\n"
	"                    \"truncated\": False}, x[\"exe\"])\n"
	"check(x[\"creds\"][\"euid\"] == 0 and x[\"privileges_changed\"] is True, x)\n"
	"check(x[\"tty\"] == \"pts/3\" and x[\"cgroup\"] == {\"id\": 4242, \"path\": \"/system.slice/docker-ab.scope\"})\n"
	"check(x[\"container\"] == {\"runtime\": \"docker\", \"id\": \"ab\", \"pod_uid\": None}, x[\"container\"])\n"
	"check(x[\"namespaces\"][\"mnt\"] == 11 and x[\"vpid\"] is None, x)\n"
	"print(\"ok\")\n";

/* A set-uid exec in a container: the effective and real ids, capabilities by name. */
START_TEST(ecs_exec_context)
{
	struct es_exec_report r;

	fill_context_report(&r);
	ecs_exec_check(&r, ecs_context_check);
}
END_TEST

static const char ecs_records_check[] =
	"import json, sys\n"
	"sys.path.insert(0, \"" ES_TEST_AGENT_DIR "\")\n"
	"import ecs_check\n"
	"fields = ecs_check.load_fields()\n"
	"docs = [json.loads(l) for l in open(sys.argv[1], \"rb\").read().splitlines()]\n"
	"flat = [ecs_check.check_document(d, fields) for d in docs]\n"
	"check([d[\"event\"][\"action\"] for d in docs] == [\"startup\", \"fork\", \"exit\", \"exit\", \"stats\"], docs)\n"
	"check([d[\"event\"][\"kind\"] for d in docs] == [\"state\", \"event\", \"event\", \"event\", \"metric\"])\n"
	"s = docs[0][\"execsensor\"][\"startup\"]\n"
	"check((s[\"version\"], s[\"kernel_release\"], s[\"lineage\"]) == (\"9.9\", \"6.18\", True), s)\n"
	"check(\"category\" not in docs[0][\"event\"] and \"outcome\" not in docs[0][\"event\"])\n"
	"f = docs[1]\n"
	"check(f[\"event\"][\"type\"] == [\"start\"] and f[\"event\"][\"outcome\"] == \"success\", f[\"event\"])\n"
	"check(f[\"process\"][\"pid\"] == 20 and f[\"process\"][\"executable\"] == \"/usr/bin/bash\", f)\n"
	"check(f[\"process\"][\"start\"] == \"2023-11-14T22:13:20.123456789Z\", f)\n"
	"check(f[\"process\"][\"parent\"][\"pid\"] == 10, f)\n"
	"check(f[\"process\"][\"parent\"][\"executable\"] == \"/usr/bin/bash\", f)\n"
	"check(f[\"execsensor\"] == {\"maybe_thread\": False}, f)\n"
	"e = docs[2]\n"
	"check(e[\"event\"][\"type\"] == [\"end\"] and \"outcome\" not in e[\"event\"], e[\"event\"])\n"
	"check((e[\"process\"][\"exit_code\"], e[\"process\"][\"end\"]) == (3, \"2023-11-14T22:13:20.123456789Z\"))\n"
	"check(\"executable\" not in e[\"process\"][\"parent\"], e)\n"
	"check(e[\"execsensor\"] == {\"signal\": None}, e)\n"
	"k = docs[3]\n"
	"check(\"exit_code\" not in k[\"process\"] and k[\"execsensor\"] == {\"signal\": 9}, k)\n"
	"check(\"parent\" not in k[\"process\"] and \"executable\" not in k[\"process\"], k)\n"
	"t = docs[4][\"execsensor\"][\"stats\"]\n"
	"check((t[\"final\"], t[\"events\"], t[\"lost\"]) == (True, 7, 3), t)\n"
	"print(\"ok\")\n";

/* Startup, a fork, an exit, a death by signal and the final stats, in ECS. */
START_TEST(ecs_lineage_startup_stats)
{
	const int64_t t = 1700000000123456789LL;
	struct es_lineage_report fork = {
		.type = ES_RECORD_FORK,
		.pid = 20,
		.ppid = 10,
		.exe = "/usr/bin/bash",
		.start = { true, 7000000000, t },
		.parent_start = { true, 6000000000, t - 1000000000 },
	};
	struct es_lineage_report exited = fork, killed = {
		.type = ES_RECORD_EXIT,
		.pid = 21,
		.status_known = true,
		.exit_code = 9, /* SIGKILL, as wait(2) encodes it */
	};
	static struct es_loader_info info;
	static struct es_agent_stats st;
	struct es_output o;

	exited.type = ES_RECORD_EXIT;
	exited.exe = "/usr/bin/true";
	exited.status_known = true;
	exited.exit_code = 3 << 8; /* exit(3) */
	fill_info(&info);
	fill_stats(&st);
	ecs_open(&o);
	ck_assert_int_eq(es_output_startup(&o, &startup_host, &info, t), 0);
	ck_assert_int_eq(es_output_lineage(&o, &fork, t), 0);
	ck_assert_int_eq(es_output_lineage(&o, &exited, t), 0);
	ck_assert_int_eq(es_output_lineage(&o, &killed, t), 0);
	ck_assert_int_eq(es_output_stats(&o, &st, true, t), 0);
	ck_assert_int_eq(es_output_close(&o), 0);
	ck_assert_int_eq(python_check(ecs_records_check), 0);
	unlink(path);
}
END_TEST

ES_CHECK_MAIN("output", exec_json_appends, startup_exec_stats, text_has_no_raw_controls,
	      exec_context_json_and_text, ecs_exec_failure, ecs_exec_context,
	      ecs_lineage_startup_stats)
