// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "stats.h"

uint64_t es_stats_recursion_misses(const struct es_agent_stats *s, unsigned int loses)
{
	uint64_t sum = 0;
	int i;

	for (i = 0; i < s->progs_cnt; i++) {
		if (s->progs[i].loses & loses)
			sum += s->progs[i].recursion_misses;
	}
	return sum;
}

void es_stats_unreported(const struct es_agent_stats *s, struct es_unreported *out)
{
	out->ringbuf_full = s->kernel[ES_STAT_LOST_EXEC] + s->kernel[ES_STAT_LOST_FAILURE];
	out->recursion = es_stats_recursion_misses(s, ES_PROG_LOSES_EXEC);
	out->agent_dropped = s->records_dropped;
	out->total = out->ringbuf_full + out->recursion + out->agent_dropped;
}

uint64_t es_stats_lost(const struct es_agent_stats *s)
{
	return s->kernel[ES_STAT_RINGBUF_FULL] +
	       es_stats_recursion_misses(s, ES_PROG_LOSES_EXEC | ES_PROG_LOSES_FORK |
						    ES_PROG_LOSES_EXIT);
}
