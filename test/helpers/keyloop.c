// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper: keyloop KEY SECONDS IDS-FILE READY-FILE, for SECONDS, makes a
 * segment with KEY (IPC_EXCL) and removes it again, over and over, between
 * making and removing IPC_PRIVATE segments so that ids move on. Each id made
 * with KEY is appended to IDS-FILE (flushed) before anything can remove it.
 * Prints how many KEY segments it made.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: keyloop KEY SECONDS IDS-FILE READY-FILE\n");
		return 2;
	}
	key_t key = (key_t)strtoll(argv[1], NULL, 0);
	time_t end = time(NULL) + atoi(argv[2]);
	FILE *ids = fopen(argv[3], "a");
	if (!ids) {
		perror(argv[3]);
		return 1;
	}
	FILE *ready = fopen(argv[4], "w");
	if (ready)
		fclose(ready);
	unsigned long made = 0;
	while (time(NULL) < end) {
		int id = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
		if (id < 0) {
			if (errno != EEXIST) {
				perror("shmget");
				return 1;
			}
			/* Not ours to remove: only this loop makes KEY, so it is an older one of ours. */
			id = shmget(key, 0, 0);
			if (id >= 0)
				shmctl(id, IPC_RMID, NULL);
			continue;
		}
		fprintf(ids, "%d\n", id);
		fflush(ids);
		made++;
		/* Ids move on: a private one in between. */
		int other = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
		usleep(200);
		if (other >= 0)
			shmctl(other, IPC_RMID, NULL);
		shmctl(id, IPC_RMID, NULL); /* may already be gone: shmtool rm got it */
	}
	fclose(ids);
	printf("%lu\n", made);
	return 0;
}
