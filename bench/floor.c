// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * floor: load and attach the floor programs (floor.bpf.o, figure 2) and read
 * their records until SIGINT or SIGTERM, as a sensor would.
 *
 *   floor OBJECT
 *
 * Prints "attached" once the program is attached, and at exit the records
 * read. Exit status: 0 stopped by a signal, 1 on a load, attach or read error.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int count(void *ctx, void *data, size_t size)
{
	(void)data;
	(void)size;
	++*(unsigned long long *)ctx;
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned long long records = 0;
	struct ring_buffer *rb = NULL;
	struct bpf_object *obj;
	struct bpf_link *links[2] = { NULL, NULL };
	const char *names[2] = { "floor_exec", "floor_bare" };
	int i, err = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: floor OBJECT\n");
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "floor: loading %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	for (i = 0; i < 2; i++) {
		links[i] = bpf_program__attach(bpf_object__find_program_by_name(obj, names[i]));
		if (!links[i]) {
			fprintf(stderr, "floor: attaching %s: %s\n", names[i], strerror(errno));
			goto out;
		}
	}
	rb = ring_buffer__new(bpf_object__find_map_fd_by_name(obj, "FLOOR_EVENTS"), count, &records,
			      NULL);
	if (!rb) {
		fprintf(stderr, "floor: the ring buffer: %s\n", strerror(errno));
		goto out;
	}
	printf("attached\n");
	fflush(stdout);
	while (!stop) {
		if (ring_buffer__poll(rb, 100) < 0 && errno != EINTR)
			goto out;
	}
	ring_buffer__consume(rb);
	printf("records=%llu\n", records);
	err = 0;
out:
	ring_buffer__free(rb);
	for (i = 0; i < 2; i++)
		bpf_link__destroy(links[i]);
	bpf_object__close(obj);
	return err;
}
