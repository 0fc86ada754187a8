// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper for the kinds of shared memory no name reaches.
 *   anonzone share SIZE_MIB TOUCH_MIB CHILDREN READY-FILE
 *     maps SIZE MiB MAP_SHARED|MAP_ANONYMOUS, writes "anonzone says hi" at its
 *     start, touches TOUCH MiB of it, forks CHILDREN that keep it mapped.
 *   anonzone each MIB DIR READY-FILE
 *     holds MIB MiB resident of every kind: a System V segment (attached), a
 *     POSIX object /anonzone (mapped), a memfd (open), shared anonymous memory,
 *     and the file DIR/anonzone (on a tmpfs the caller mounted; "-" for none).
 * Then says so in READY-FILE and waits for a signal.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <unistd.h>

#define MIB (1024UL * 1024)

static void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

/* A file of @len bytes, every page written, kept mapped. */
static void fill_fd(int fd, size_t len, const char *what)
{
	if (fd < 0 || ftruncate(fd, (off_t)len) < 0) {
		perror(what);
		exit(1);
	}
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror(what);
		exit(1);
	}
	memset(p, 0x5a, len);
}

static void each(size_t len, const char *dir)
{
	int id = shmget(IPC_PRIVATE, len, IPC_CREAT | 0600);
	void *p = id < 0 ? (void *)-1 : shmat(id, NULL, 0);
	if (p == (void *)-1) {
		perror("shmget");
		exit(1);
	}
	memset(p, 0x5a, len);
	shmctl(id, IPC_RMID, NULL); /* goes with us */
	fill_fd(open("/dev/shm/anonzone", O_RDWR | O_CREAT | O_TRUNC, 0600), len, "/anonzone");
	fill_fd(memfd_create("anonzone", 0), len, "memfd");
	memset(map_anon(len), 0x5a, len);
	if (strcmp(dir, "-")) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/anonzone", dir);
		int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
		fill_fd(fd, len, path);
		close(fd);
	}
}

int main(int argc, char **argv)
{
	const char *ready;
	if (argc == 6 && !strcmp(argv[1], "share")) {
		size_t size = strtoul(argv[2], NULL, 10) * MIB, touch = strtoul(argv[3], NULL, 10) * MIB;
		int children = atoi(argv[4]);
		char *p = map_anon(size);
		memset(p, 0x11, touch);
		memcpy(p, "anonzone says hi", 16);
		for (int i = 0; i < children; i++) {
			pid_t pid = fork();
			if (pid == 0) {
				prctl(PR_SET_PDEATHSIG, SIGKILL); /* gone with the parent */
				if (getppid() == 1)
					_exit(0);
				pause();
				_exit(0);
			}
		}
		ready = argv[5];
	} else if (argc == 5 && !strcmp(argv[1], "each")) {
		each(strtoul(argv[2], NULL, 10) * MIB, argv[3]);
		ready = argv[4];
	} else {
		fprintf(stderr, "usage: anonzone share SIZE_MIB TOUCH_MIB CHILDREN READY-FILE\n"
				"       anonzone each MIB DIR|- READY-FILE\n");
		return 2;
	}
	FILE *f = fopen(ready, "w");
	if (!f)
		return 1;
	fclose(f);
	pause();
	return 0;
}
