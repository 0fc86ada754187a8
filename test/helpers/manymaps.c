// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper: manymaps N FILE READY maps N pages of FILE (made sparse, N pages
 * long) with every other page PROT_NONE, so /proc/PID/maps has N lines naming
 * FILE: a process whose maps text runs to many megabytes. Creates READY, then
 * sleeps until killed.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: manymaps N FILE READY\n");
		return 2;
	}
	size_t n = strtoul(argv[1], NULL, 10), page = (size_t)sysconf(_SC_PAGESIZE);
	int fd = open(argv[2], O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)(n * page)) < 0) {
		perror(argv[2]);
		return 1;
	}
	char *p = mmap(NULL, n * page, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (size_t i = 1; i < n; i += 2)
		if (mprotect(p + i * page, page, PROT_NONE) < 0) {
			perror("mprotect");
			return 1;
		}
	int r = open(argv[3], O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (r < 0) {
		perror(argv[3]);
		return 1;
	}
	close(r);
	for (;;)
		pause();
}
