// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper: sealed NAME READY-FILE makes a 4096-byte memfd sealed against
 * shrinking and growing (F_SEAL_SHRINK | F_SEAL_GROW), says so, and waits.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: sealed NAME READY-FILE\n");
		return 2;
	}
	int fd = memfd_create(argv[1], MFD_ALLOW_SEALING);
	if (fd < 0 || ftruncate(fd, 4096) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) < 0) {
		perror("memfd");
		return 1;
	}
	FILE *f = fopen(argv[2], "w");
	if (!f)
		return 1;
	fclose(f);
	pause();
	return 0;
}
