// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper: hold map|fd PATH READY-FILE keeps PATH mapped (MAP_SHARED, fd
 * closed) or only open, says so, and waits for a signal.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 4 || (strcmp(argv[1], "map") && strcmp(argv[1], "fd"))) {
		fprintf(stderr, "usage: hold map|fd PATH READY-FILE\n");
		return 2;
	}
	int fd = open(argv[2], O_RDWR);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(argv[2]);
		return 1;
	}
	if (!strcmp(argv[1], "map")) {
		if (mmap(NULL, st.st_size ? (size_t)st.st_size : 1, PROT_READ | PROT_WRITE,
			 MAP_SHARED, fd, 0) == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		close(fd);
	}
	FILE *f = fopen(argv[3], "w");
	if (!f)
		return 1;
	fclose(f);
	pause();
	return 0;
}
