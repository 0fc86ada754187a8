// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sysv-reader: reads the message sysv-writer left in a System V segment.
 *
 *   terminal 1:  sysv-writer 'hello, reader'
 *   terminal 2:  sysv-reader
 *   watch:       shmtool ls -o ID,KEY,NATTCH,STATUS
 *
 * It finds the segment by the key ftok("/tmp", 'S'), attaches it, prints the
 * message and says it has read it. It stays attached until the writer has
 * removed the segment (IPC_RMID), to show that an attached process keeps the
 * memory while the key no longer finds it, and then detaches.
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
#define TIMEOUT_NAPS 1000 /* 10 s of 10 ms naps */

/* The segment's layout; sysv-writer.c has the same. */
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

static int removed(int id)
{
	struct shmid_ds ds;
	return shmctl(id, IPC_STAT, &ds) == 0 && (ds.shm_perm.mode & SHM_DEST);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, NULL);

	key_t key = ftok(KEY_PATH, KEY_PROJ);
	if (key == -1) {
		perror("sysv-reader: ftok " KEY_PATH);
		return 1;
	}
	/* Size 0 and no IPC_CREAT: find the writer's segment, never make one. */
	int id = shmget(key, 0, 0);
	if (id == -1) {
		int e = errno; /* perror may change it */
		perror("sysv-reader: shmget");
		if (e == ENOENT)
			fprintf(stderr, "sysv-reader: start sysv-writer first\n");
		return 1;
	}
	struct msg *m = shmat(id, NULL, 0);
	if (m == (void *)-1) {
		perror("sysv-reader: shmat");
		return 1;
	}
	/* The writer may have made the segment and not yet written to it. */
	int n = 0, status = 1;
	while (!atomic_load(&m->ready) && n < TIMEOUT_NAPS && !nap(&stop))
		n++;
	if (atomic_load(&m->ready)) {
		printf("read \"%.*s\" from segment %d\n", (int)sizeof(m->text), m->text, id);
		atomic_store(&m->ack, 1);
		while (!removed(id) && n < TIMEOUT_NAPS && !nap(&stop))
			n++;
		if (removed(id)) {
			status = 0;
			printf("the writer removed it: shmget(0x%08x): %s\n", (unsigned)key,
			       shmget(key, 0, 0) == -1 ? strerror(errno) : "found it");
			printf("still attached, it still reads \"%.*s\"\n", (int)sizeof(m->text),
			       m->text);
		} else {
			fprintf(stderr, "sysv-reader: the writer did not remove the segment\n");
		}
	} else {
		fprintf(stderr, "sysv-reader: no message came\n");
	}
	if (shmdt(m) == -1) {
		perror("sysv-reader: shmdt");
		return 1;
	}
	printf("detached from segment %d\n", id);
	return status;
}
