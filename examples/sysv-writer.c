// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sysv-writer: passes a message to sysv-reader through a System V segment.
 *
 *   terminal 1:  sysv-writer 'hello, reader'
 *   terminal 2:  sysv-reader
 *   watch:       shmtool ls -o ID,KEY,NATTCH,STATUS
 *
 * It makes the segment with the key ftok("/tmp", 'S'), writes the message,
 * and waits until the reader has read it. Then it removes the segment with
 * IPC_RMID while still attached: the key is gone at once (STATUS dest, KEY
 * 0x00000000), but the memory stays until the last process detaches, which
 * it does on Ctrl-C or kill.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <time.h>

#define KEY_PATH "/tmp"
#define KEY_PROJ 'S'

/* The segment's layout; sysv-reader.c has the same. */
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
		fprintf(stderr, "usage: sysv-writer MESSAGE (at most 255 bytes)\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0); /* each line as it happens, into a pipe too */

	/* Signals are taken synchronously by nap() and sigwait(), so a Ctrl-C at
	 * any point still removes the segment and detaches. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, NULL);

	key_t key = ftok(KEY_PATH, KEY_PROJ);
	if (key == -1) {
		perror("sysv-writer: ftok " KEY_PATH);
		return 1;
	}
	/* IPC_EXCL: a segment left by an earlier run is not silently reused. */
	int id = shmget(key, sizeof(struct msg), IPC_CREAT | IPC_EXCL | 0600);
	if (id == -1) {
		int e = errno; /* perror may change it */
		perror("sysv-writer: shmget");
		if (e == EEXIST)
			fprintf(stderr, "sysv-writer: remove it first: shmtool rm 0x%08x\n",
				(unsigned)key);
		return 1;
	}
	struct msg *m = shmat(id, NULL, 0);
	if (m == (void *)-1) {
		perror("sysv-writer: shmat");
		shmctl(id, IPC_RMID, NULL);
		return 1;
	}
	/* A new segment is zeroed; ready is set last, once the text is whole. */
	strcpy(m->text, argv[1]);
	atomic_store(&m->ready, 1);
	printf("wrote \"%s\" to segment %d (key 0x%08x); waiting for the reader\n", m->text, id,
	       (unsigned)key);

	int status = 0;
	while (!atomic_load(&m->ack)) {
		if (nap(&stop)) {
			status = 1; /* Ctrl-C before any reader came: clean up all the same */
			break;
		}
	}
	if (shmctl(id, IPC_RMID, NULL) == -1) {
		perror("sysv-writer: shmctl IPC_RMID");
		status = 1;
	} else if (!status) {
		printf("removed segment %d, still attached; Ctrl-C or kill detaches\n", id);
		int sig;
		sigwait(&stop, &sig);
	}
	if (shmdt(m) == -1) {
		perror("sysv-writer: shmdt");
		return 1;
	}
	printf("detached from segment %d\n", id);
	return status;
}
