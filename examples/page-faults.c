// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * page-faults: touches the pages of a System V segment one at a time, so that
 * shmtool pages shows its residency map filling in.
 *
 *   run:    page-faults [-n PAGES] [-s STRIDE] [-t MILLISECONDS]
 *   watch:  watch -n 1 shmtool pages ftok:/tmp:P
 *
 * A new segment takes no memory: each page is allocated at its first touch,
 * the page fault, and only then does it count in the segment's RSS. It makes
 * a segment of PAGES pages (default 64) with the key ftok("/tmp", 'P'), and
 * writes a byte to every STRIDE-th page (default 1), one each MILLISECONDS
 * (default 1000), saying so on stderr. Once done, it says how many it
 * touched on stdout and waits; Ctrl-C or kill removes the segment.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

static long number(const char *s, long min, long max)
{
	char *end;
	errno = 0;
	long n = strtol(s, &end, 10);
	if (errno || end == s || *end || n < min || n > max) {
		fprintf(stderr, "page-faults: not a number from %ld to %ld: %s\n", min, max, s);
		exit(2);
	}
	return n;
}

int main(int argc, char **argv)
{
	long pages = 64, stride = 1, ms = 1000;
	int c;
	while ((c = getopt(argc, argv, "n:s:t:")) != -1) {
		switch (c) {
		case 'n': pages = number(optarg, 1, 1L << 20); break;
		case 's': stride = number(optarg, 1, 1L << 20); break;
		case 't': ms = number(optarg, 0, 3600 * 1000); break;
		default:
			fprintf(stderr, "usage: page-faults [-n PAGES] [-s STRIDE] [-t MILLISECONDS]\n");
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "usage: page-faults [-n PAGES] [-s STRIDE] [-t MILLISECONDS]\n");
		return 2;
	}
	/* Ctrl-C and kill are taken by sigtimedwait(), so they always clean up. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, NULL);

	long page = sysconf(_SC_PAGESIZE);
	key_t key = ftok("/tmp", 'P');
	int id = key == -1 ? -1 : shmget(key, (size_t)(pages * page), IPC_CREAT | IPC_EXCL | 0600);
	if (id == -1) {
		perror("page-faults: ftok/shmget");
		return 1;
	}
	volatile char *seg = shmat(id, NULL, 0);
	if (seg == (void *)-1) {
		perror("page-faults: shmat");
		shmctl(id, IPC_RMID, NULL);
		return 1;
	}
	fprintf(stderr, "segment %d (key 0x%08x): %ld pages of %ld bytes, none touched yet\n",
		id, (unsigned)key, pages, page);
	struct timespec gap = { .tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000 };
	long touched = 0;
	int sig = 0;
	for (long i = 0; i < pages && sig <= 0; i += stride) {
		seg[i * page] = 1; /* the page fault: the kernel allocates the page here */
		touched++;
		fprintf(stderr, "touched page %ld\n", i);
		if (ms && i + stride < pages)
			sig = sigtimedwait(&stop, NULL, &gap);
	}
	if (sig <= 0) {
		printf("touched %ld of the %ld pages of segment %d; Ctrl-C or kill removes it\n",
		       touched, pages, id);
		fflush(stdout);
		sigwait(&stop, &sig);
	}
	shmctl(id, IPC_RMID, NULL);
	shmdt((const void *)seg);
	printf("removed segment %d\n", id);
	return 0;
}
