// SPDX-License-Identifier: GPL-2.0-or-later
/* Test helper: mkseg SIZE [KEY [PERMS]] makes a System V segment and prints its shmid. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/shm.h>

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: mkseg SIZE [KEY [PERMS]]\n");
		return 2;
	}
	size_t size = strtoull(argv[1], NULL, 0);
	key_t key = argc > 2 ? (key_t)strtoll(argv[2], NULL, 0) : IPC_PRIVATE;
	int perms = argc > 3 ? (int)strtol(argv[3], NULL, 8) : 0644;
	int id = shmget(key, size, IPC_CREAT | perms);
	if (id < 0) {
		perror("shmget");
		return 1;
	}
	printf("%d\n", id);
	return 0;
}
