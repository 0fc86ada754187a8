// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * posix-writer: passes a message to posix-reader through a POSIX object.
 *
 *   terminal 1:  posix-writer 'hello, reader'
 *   terminal 2:  posix-reader
 *   watch:       shmtool ls; shmtool stat /example
 *
 * It makes the object /example (the file /dev/shm/example) with shm_open,
 * sizes it with ftruncate, maps it, writes the message and waits until the
 * reader has read it. Then it unlinks the name while still mapping it: the
 * object leaves /dev/shm at once, but its memory stays until the last
 * mapping goes, which it does on Ctrl-C or kill.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define NAME "/example"

/* The object's layout; posix-reader.c has the same. */
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

int main(int argc, char **argv)
{
	if (argc != 2 || strlen(argv[1]) >= sizeof(((struct msg *)0)->text)) {
		fprintf(stderr, "usage: posix-writer MESSAGE (at most 255 bytes)\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Taken synchronously by nap() and sigwait(): Ctrl-C still unlinks. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, NULL);

	/* O_EXCL: an object left by an earlier run is not silently reused. */
	int fd = shm_open(NAME, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd == -1) {
		int e = errno; /* perror may change it */
		perror("posix-writer: shm_open " NAME);
		if (e == EEXIST)
			fprintf(stderr, "posix-writer: remove it first: shmtool rm " NAME "\n");
		return 1;
	}
	if (ftruncate(fd, sizeof(struct msg)) == -1) {
		perror("posix-writer: ftruncate");
		shm_unlink(NAME);
		return 1;
	}
	struct msg *m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		perror("posix-writer: mmap");
		shm_unlink(NAME);
		return 1;
	}
	close(fd); /* the mapping holds the object; the fd is not needed any more */

	strcpy(m->text, argv[1]); /* ftruncate zeroed it; ready is set last */
	atomic_store(&m->ready, 1);
	printf("wrote \"%s\" to %s; waiting for the reader\n", m->text, NAME);

	int status = 0;
	while (!atomic_load(&m->ack)) {
		if (nap(&stop)) {
			status = 1; /* Ctrl-C before any reader came: clean up all the same */
			break;
		}
	}
	if (shm_unlink(NAME) == -1) {
		perror("posix-writer: shm_unlink " NAME);
		status = 1;
	} else if (!status) {
		printf("unlinked %s, still mapped; Ctrl-C or kill unmaps\n", NAME);
		int sig;
		sigwait(&stop, &sig);
	}
	if (munmap(m, sizeof(*m)) == -1) {
		perror("posix-writer: munmap");
		return 1;
	}
	printf("unmapped %s\n", NAME);
	return status;
}
