// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The exit records' clock (jiffies.h): pairs of jiffies and CLOCK_MONOTONIC
 * from the clock_pair program, run by BPF_PROG_TEST_RUN, many at attach and
 * one more at every poll.
 */
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "execsensor.skel.h"
#include "loader_internal.h"

/*
 * At attach, pairs of jiffies and CLOCK_MONOTONIC until the jiffies moved
 * this often (or for so many ms); one per poll after. One move suffices for
 * a jiffy's start: each waits a tick (4 ms at HZ=250) before the first event.
 */
#define JIFFIES_START_MOVES 1
#define JIFFIES_START_MS    100

/* One pair from the clock_pair program for the exit records' clock. 0 or -errno. */
static int read_pair(struct es_loader *l, uint64_t *jiffies)
{
	struct es_clock_pair pair = { 0 };
	/* A syscall program's context is copied back to ctx_in (it takes no ctx_out). */
	LIBBPF_OPTS(bpf_test_run_opts, run, .ctx_in = &pair, .ctx_size_in = sizeof(pair));
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(l->skel->progs.clock_pair), &run);
	if (err)
		return err;
	es_jiffies_learn(&l->jiffies, &pair);
	*jiffies = pair.jiffies;
	return 0;
}

/*
 * With lineage, before any record is handed over: the exit records' clock.
 * Pairs are read until the jiffies have moved on: a pair read just after a
 * jiffy began gives its start to a few microseconds (at most a tick of
 * reading, once).
 */
int es_clock_pair_start(struct es_loader *l)
{
	long long deadline = es_now_ms() + JIFFIES_START_MS;
	uint64_t jiffies = 0, last;
	int moves = -1, err;

	if (!l->info.lineage)
		return 0;
	err = es_jiffies_init(&l->jiffies);
	while (!err && moves < JIFFIES_START_MOVES && es_now_ms() < deadline) {
		last = jiffies;
		err = read_pair(l, &jiffies);
		moves += jiffies != last;
	}
	if (err)
		return es_loader_fail(l, err,
				      "reading jiffies and CLOCK_MONOTONIC (clock_pair): %s",
				      strerror(-err));
	return 0;
}

void es_clock_pair_learn(struct es_loader *l)
{
	uint64_t jiffies;

	read_pair(l, &jiffies);
}
