// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper: attach ID rw|ro [COUNT] READY-FILE attaches a System V segment
 * (COUNT times, default once), says so, waits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: attach ID rw|ro [COUNT] READY-FILE\n");
		return 2;
	}
	int id = atoi(argv[1]);
	int flags = !strcmp(argv[2], "ro") ? SHM_RDONLY : 0;
	int count = argc == 5 ? atoi(argv[3]) : 1;
	for (int i = 0; i < count; i++) {
		if (shmat(id, NULL, flags) == (void *)-1) {
			perror("shmat");
			return 1;
		}
	}
	FILE *f = fopen(argv[argc - 1], "w");
	if (!f)
		return 1;
	fclose(f);
	pause();
	return 0;
}
