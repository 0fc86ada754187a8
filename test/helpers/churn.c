// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper: churn SECONDS READY-FILE creates and removes System V segments
 * (keyed and IPC_PRIVATE, some attached for a while) and POSIX objects in
 * /dev/shm (/churn.N) as fast as it can, keeping about 64 of each alive, for
 * SECONDS; says it is ready once some exist; prints how many it made.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

enum { LIVE = 64 };

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: churn SECONDS READY-FILE\n");
		return 2;
	}
	time_t end = time(NULL) + atoi(argv[1]);
	int ids[LIVE];
	void *addrs[LIVE] = { 0 };
	unsigned long made = 0, slot = 0;
	for (int i = 0; i < LIVE; i++)
		ids[i] = -1;
	while (time(NULL) < end) {
		unsigned s = slot++ % LIVE;
		char name[64];
		/* Replace the oldest of each kind. */
		if (ids[s] >= 0) {
			if (addrs[s])
				shmdt(addrs[s]);
			shmctl(ids[s], IPC_RMID, NULL); /* may already be gone (rm) */
			addrs[s] = NULL;
		}
		key_t key = made % 3 ? (key_t)(0x5e000000 + made % 100000) : IPC_PRIVATE;
		ids[s] = shmget(key, 4096 * (1 + made % 4), IPC_CREAT | 0600);
		if (ids[s] >= 0 && made % 5 == 0) {
			addrs[s] = shmat(ids[s], NULL, 0);
			if (addrs[s] == (void *)-1)
				addrs[s] = NULL;
			else
				*(volatile char *)addrs[s] = 1;
		}
		snprintf(name, sizeof(name), "/churn.%lu", made % (LIVE * 2));
		shm_unlink(name);
		int fd = shm_open(name, O_RDWR | O_CREAT, 0600);
		if (fd >= 0) {
			if (ftruncate(fd, 4096 * (off_t)(1 + made % 3)) < 0)
				perror("ftruncate");
			close(fd);
		}
		made++;
		if (made == LIVE * 2) {
			FILE *f = fopen(argv[2], "w");
			if (f)
				fclose(f);
		}
	}
	printf("%lu\n", made);
	return 0;
}
