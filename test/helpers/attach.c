// SPDX-License-Identifier: GPL-2.0-or-later
/* Test helper: attach System V segment ID (read-write, or "ro"), say so, wait for a signal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: attach ID READY-FILE [ro]\n");
		return 2;
	}
	int id = atoi(argv[1]);
	int flags = argc > 3 && !strcmp(argv[3], "ro") ? SHM_RDONLY : 0;
	if (shmat(id, NULL, flags) == (void *)-1) {
		perror("shmat");
		return 1;
	}
	FILE *f = fopen(argv[2], "w");
	if (!f)
		return 1;
	fclose(f);
	pause();
	return 0;
}
