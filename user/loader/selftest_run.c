// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The self-test run (selftest.h): the child spawned, the ring buffer read
 * until its records are in, the verdict judged, and each refuted group's map
 * rewritten as 0, its values scrubbed from the records made with it from
 * then on (deliver.c).
 */
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loader_internal.h"

#define SELFTEST_TIMEOUT_MS 5000
#define SELFTEST_ATTEMPTS   3

static uint64_t ringbuf_full(const struct es_loader *l)
{
	uint64_t stats[ES_STAT__MAX] = { 0 };

	return es_loader_read_stats(l, stats) ? 0 : stats[ES_STAT_RINGBUF_FULL];
}

/*
 * Run the child once and read until its records are in, or it has exited
 * and the ring buffer was read once more (its records were all submitted
 * by then, or lost), or the timeout. Records are queued meanwhile.
 */
static int run_child(struct es_loader *l)
{
	long long deadline = es_now_ms() + SELFTEST_TIMEOUT_MS;
	bool reaped = false, drained = false;
	int status, err;

	l->selftest_running = true;
	err = es_selftest_spawn(&l->child);
	if (err) {
		l->selftest_running = false;
		return es_loader_fail(l, err, "self-test: fork: %s", strerror(-err));
	}
	while (!es_selftest_done(&l->child) && !drained && es_now_ms() < deadline) {
		if (!reaped && waitpid(l->child.pid, &status, WNOHANG) == l->child.pid)
			reaped = true;
		else if (reaped)
			drained = true; /* read once more since: it is no use waiting on */
		/*
		 * Below the wakeup threshold records do not signal: look often,
		 * the start waits on this (a few ms, once).
		 */
		err = es_deliver_read(l, 5);
		if (err)
			break;
	}
	l->selftest_running = false;
	while (!reaped && waitpid(l->child.pid, &status, 0) < 0 && errno == EINTR)
		;
	if (err)
		return es_loader_fail(l, err, "self-test: reading the ring buffer: %s",
				      strerror(-err));
	return 0;
}

/* A refuted group: its map rewritten as 0, what was made with it scrubbed from here on. */
static int refute_group(struct es_loader *l, enum es_offset_group_id id)
{
	static const uint32_t zeros[ES_OFFSET_GROUP_KEYS_MAX];
	struct es_offset_group_state *g = &l->info.groups[id];
	int err;

	err = es_offset_map_write(l->skel, id, zeros);
	if (err)
		return es_loader_fail(l, err, "rewriting %s: %s", g->group->map, strerror(-err));
	l->scrub[id] = true;
	es_offset_group_disable(g, "self-test failed (%s): %s rewritten as 0",
				l->info.checks[id].detail, g->group->map);
	es_loader_log(l, "%s", g->reason);
	return 0;
}

/*
 * The self-test (selftest.h): a child's records judged against what this
 * process knows. A run during which the ring buffer was full (another
 * process's exec storm can fill a small one in milliseconds) is repeated, a
 * few times; then each refuted group is rewritten as 0.
 */
int es_loader_selftest(struct es_loader *l)
{
	struct es_loader_info *info = &l->info;
	struct es_selftest_expect expect = { .loader_pid = (uint32_t)getpid() };
	struct es_selftest_verdict verdict;
	const char *prog;
	uint64_t full;
	size_t i;
	int attempt, err;

	if (l->opts.skip_selftest) {
		info->selftest = ES_SELFTEST_DISABLED;
		return 0;
	}
	prog = es_selftest_program();
	if (!prog)
		return es_loader_fail(l, -ENOENT,
				      "self-test: no /bin/true or /usr/bin/true to run");
	err = es_selftest_prepare(&l->child, prog);
	if (err)
		return es_loader_fail(l, err, "self-test: %s: %s", prog, strerror(-err));
	for (attempt = 0; attempt < SELFTEST_ATTEMPTS; attempt++) {
		full = ringbuf_full(l);
		err = run_child(l);
		if (err)
			return err;
		expect.records_lost = ringbuf_full(l) != full;
		if (es_selftest_done(&l->child) || !expect.records_lost)
			break;
	}
	for (i = 0; i < ES_OFFSET_GROUP__MAX; i++)
		expect.enabled[i] = info->groups[i].enabled;
	es_selftest_judge(&l->child, &expect, &verdict);
	if (verdict.error)
		return es_loader_fail(l, verdict.error, "%s", verdict.error_msg);
	info->selftest = verdict.result;
	es_reasonf(info->selftest_detail, sizeof(info->selftest_detail), "%s", verdict.detail);
	for (i = 0; i < ES_OFFSET_GROUP__MAX; i++) {
		info->checks[i] = verdict.groups[i];
		if (info->checks[i].verdict == ES_GROUP_UNVERIFIED)
			es_loader_log(l, "self-test: %s", info->checks[i].detail);
		if (info->checks[i].verdict == ES_GROUP_REFUTED) {
			err = refute_group(l, i);
			if (err)
				return err;
		}
	}
	return 0;
}
