// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Benchmark helper: attachwait ID... attaches each System V shmid (read-only)
 * and then sleeps until a signal ends it. The benchmark starts many of these to give the attached-process
 * lookup something to find in /proc/PID/maps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/shm.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: attachwait ID...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		int id = (int)strtol(argv[i], NULL, 10);
		if (shmat(id, NULL, SHM_RDONLY) == (void *)-1) {
			fprintf(stderr, "attachwait: shmat %d: ", id);
			perror(NULL);
			return 1;
		}
	}
	for (;;)
		pause();
}
