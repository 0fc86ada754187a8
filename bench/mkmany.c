// SPDX-License-Identifier: GPL-2.0-or-later
/* Benchmark helper: mkmany N makes N System V segments (every other one keyed). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/shm.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkmany N\n");
		return 2;
	}
	long n = strtol(argv[1], NULL, 10);
	for (long i = 0; i < n; i++) {
		key_t key = i % 2 ? (key_t)(0x10000000 + i) : IPC_PRIVATE;
		if (shmget(key, 4096 + (size_t)(i % 7) * 4096, IPC_CREAT | 0600) < 0) {
			perror("shmget");
			return 1;
		}
	}
	return 0;
}
