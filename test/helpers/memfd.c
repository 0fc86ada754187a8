// SPDX-License-Identifier: GPL-2.0-or-later
/* Test helper: memfd NAME READY-FILE makes a memfd holding "abc", says so, and waits. */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: memfd NAME READY-FILE\n");
		return 2;
	}
	int fd = memfd_create(argv[1], 0);
	if (fd < 0 || write(fd, "abc", 3) != 3) {
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
