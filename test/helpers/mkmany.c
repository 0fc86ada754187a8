// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper: mkmany sysv N KEYBASE makes N System V segments of 1 byte with
 * keys KEYBASE, KEYBASE+1, ...; mkmany posix N PREFIX makes N empty POSIX
 * objects /PREFIX00000, /PREFIX00001, ... Prints the first and the last id.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 4 || (strcmp(argv[1], "sysv") && strcmp(argv[1], "posix"))) {
		fprintf(stderr, "usage: mkmany sysv N KEYBASE | mkmany posix N PREFIX\n");
		return 2;
	}
	long n = atol(argv[2]);
	if (!strcmp(argv[1], "sysv")) {
		key_t base = (key_t)strtoll(argv[3], NULL, 0);
		int first = -1, last = -1;
		for (long i = 0; i < n; i++) {
			last = shmget(base + (key_t)i, 1, IPC_CREAT | IPC_EXCL | 0644);
			if (last < 0) {
				fprintf(stderr, "mkmany: segment %ld: ", i);
				perror("shmget");
				return 1;
			}
			if (i == 0)
				first = last;
		}
		printf("%d %d\n", first, last);
		return 0;
	}
	char name[300];
	for (long i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "/%s%05ld", argv[3], i);
		int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0644);
		if (fd < 0) {
			perror(name);
			return 1;
		}
		close(fd);
	}
	printf("/%s%05d /%s%05ld\n", argv[3], 0, argv[3], n - 1);
	return 0;
}
