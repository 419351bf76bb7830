// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bpf_prog_stats: the BPF programs a process holds, with the kernel's run
 * statistics, for figure 2 (per-exec kernel cost) and for knowing when a
 * sensor is attached.
 *
 *   bpf_prog_stats PID
 *
 * Finds the programs through /proc/PID/fdinfo (a program fd or a link fd
 * names its prog_id), then asks the kernel for each program's info. One line
 * per program: "ID NAME RUN_CNT RUN_TIME_NS ATTACHED ATTACH_POINT", ATTACHED
 * being 1 when the process also holds a link to it, ATTACH_POINT the link's
 * tracepoint (tp_name, e.g. sys_enter_execve) or "-". Program names are cut at
 * 15 characters by the kernel; the attach point tells same-named programs apart. run_cnt and run_time_ns only move
 * while kernel.bpf_stats_enabled is 1. Exit status: 0 when the process holds
 * at least one program, 1 when it holds none, 2 on error (no such process,
 * no privilege).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#define PROGS_MAX 64

#define TP_NAME_MAX 64

struct held_prog {
	__u32 id;
	int attached;
	char tp_name[TP_NAME_MAX];
};

/* What one fdinfo file says about a BPF fd. */
struct fd_facts {
	__u32 prog_id;
	int is_link;
	char tp_name[TP_NAME_MAX];
};

static struct held_prog *find_or_add(struct held_prog *progs, int *cnt, __u32 id)
{
	for (int i = 0; i < *cnt; i++) {
		if (progs[i].id == id)
			return &progs[i];
	}
	if (*cnt == PROGS_MAX)
		return NULL;
	progs[*cnt] = (struct held_prog){ .id = id };
	return &progs[(*cnt)++];
}

/* Read one fdinfo file: its prog_id, whether it is a link, and to what. */
static int scan_fdinfo(const char *path, struct fd_facts *facts)
{
	char line[256];
	FILE *f;

	*facts = (struct fd_facts){ 0 };
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned int v;

		if (sscanf(line, "prog_id: %u", &v) == 1)
			facts->prog_id = v;
		else if (!strncmp(line, "link_id:", 8))
			facts->is_link = 1;
		else
			sscanf(line, "tp_name: %63s", facts->tp_name);
	}
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	struct held_prog progs[PROGS_MAX];
	char dir_path[64], path[64 + sizeof(((struct dirent *)0)->d_name)];
	struct dirent *de;
	int cnt = 0;
	long pid;
	char *end;
	DIR *dir;

	if (argc != 2 || (pid = strtol(argv[1], &end, 10)) <= 0 || *end) {
		fprintf(stderr, "usage: bpf_prog_stats PID\n");
		return 2;
	}
	snprintf(dir_path, sizeof(dir_path), "/proc/%ld/fdinfo", pid);
	dir = opendir(dir_path);
	if (!dir) {
		fprintf(stderr, "bpf_prog_stats: %s: %s\n", dir_path, strerror(errno));
		return 2;
	}
	while ((de = readdir(dir))) {
		struct fd_facts facts;
		struct held_prog *p;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir_path, de->d_name);
		if (scan_fdinfo(path, &facts) || !facts.prog_id)
			continue; /* closed meanwhile, or not a BPF fd */
		p = find_or_add(progs, &cnt, facts.prog_id);
		if (!p) {
			fprintf(stderr, "bpf_prog_stats: more than %d programs\n", PROGS_MAX);
			break;
		}
		if (facts.is_link) {
			p->attached = 1;
			if (facts.tp_name[0])
				memcpy(p->tp_name, facts.tp_name, sizeof(p->tp_name));
		}
	}
	closedir(dir);

	for (int i = 0; i < cnt; i++) {
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);
		int fd;

		fd = bpf_prog_get_fd_by_id(progs[i].id);
		if (fd < 0) {
			if (errno == ENOENT)
				continue; /* unloaded meanwhile */
			fprintf(stderr, "bpf_prog_stats: prog %u: %s\n", progs[i].id,
				strerror(errno));
			return 2;
		}
		if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
			fprintf(stderr, "bpf_prog_stats: prog %u info: %s\n", progs[i].id,
				strerror(errno));
			close(fd);
			return 2;
		}
		close(fd);
		printf("%u %s %llu %llu %d %s\n", info.id, info.name[0] ? info.name : "-",
		       (unsigned long long)info.run_cnt, (unsigned long long)info.run_time_ns,
		       progs[i].attached, progs[i].tp_name[0] ? progs[i].tp_name : "-");
	}
	return cnt ? 0 : 1;
}
