// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * posix-reader: reads the message posix-writer left in a POSIX object.
 *
 *   terminal 1:  posix-writer 'hello, reader'
 *   terminal 2:  posix-reader
 *   watch:       shmtool ls; shmtool stat /example
 *
 * It opens /example with shm_open, maps it, prints the message and says it
 * has read it. It keeps the object open until the writer has unlinked it
 * (the open file's link count falls to 0), to show that the mapping still
 * works once the name is gone, and then unmaps.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NAME "/example"
#define TIMEOUT_NAPS 1000 /* 10 s of 10 ms naps */

/* The object's layout; posix-writer.c has the same. */
struct msg {
	atomic_int ready; /* the writer has written text */
	atomic_int ack;   /* the reader has read it */
	char text[256];
};

/* Sleeps 10 ms; returns 1 if SIGINT or SIGTERM (blocked in main) came instead. */
static int nap(const sigset_t *stop)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 10 * 1000 * 1000 };
	return sigtimedwait(stop, NULL, &ts) > 0;
}

static int unlinked(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 && st.st_nlink == 0;
}

/* What shm_open says to NAME now. */
static const char *open_again(void)
{
	int fd = shm_open(NAME, O_RDONLY, 0);
	if (fd == -1)
		return strerror(errno);
	close(fd);
	return "found it";
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, NULL);

	int fd = shm_open(NAME, O_RDWR, 0);
	if (fd == -1) {
		int e = errno; /* perror may change it */
		perror("posix-reader: shm_open " NAME);
		if (e == ENOENT)
			fprintf(stderr, "posix-reader: start posix-writer first\n");
		return 1;
	}
	/* The writer may not have sized it yet: mapping past the end would fault. */
	struct stat st;
	int n = 0;
	while (fstat(fd, &st) == 0 && (size_t)st.st_size < sizeof(struct msg) &&
	       n < TIMEOUT_NAPS && !nap(&stop))
		n++;
	if ((size_t)st.st_size < sizeof(struct msg)) {
		fprintf(stderr, "posix-reader: %s is too small\n", NAME);
		close(fd);
		return 1;
	}
	struct msg *m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		perror("posix-reader: mmap");
		close(fd);
		return 1;
	}
	int status = 1;
	while (!atomic_load(&m->ready) && n < TIMEOUT_NAPS && !nap(&stop))
		n++;
	if (atomic_load(&m->ready)) {
		printf("read \"%.*s\" from %s\n", (int)sizeof(m->text), m->text, NAME);
		atomic_store(&m->ack, 1);
		while (!unlinked(fd) && n < TIMEOUT_NAPS && !nap(&stop))
			n++;
		if (unlinked(fd)) {
			status = 0;
			printf("the writer unlinked it: shm_open(\"%s\"): %s\n", NAME, open_again());
			printf("still mapped, it still reads \"%.*s\"\n", (int)sizeof(m->text),
			       m->text);
		} else {
			fprintf(stderr, "posix-reader: the writer did not unlink %s\n", NAME);
		}
	} else {
		fprintf(stderr, "posix-reader: no message came\n");
	}
	close(fd);
	if (munmap(m, sizeof(*m)) == -1) {
		perror("posix-reader: munmap");
		return 1;
	}
	printf("unmapped %s\n", NAME);
	return status;
}
