// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper: flipfd FILE FD READY makes FD flip, as fast as it can, between
 * a real memfd (holding "memfd") and an O_PATH fd of FILE (a root-only canary),
 * by dup2 in a loop: what a user does to point root's memfd:PID:FD at a file.
 * Creates READY once it runs; flips until killed.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: flipfd FILE FD READY\n");
		return 2;
	}
	int want = atoi(argv[2]);
	int mfd = memfd_create("flip", MFD_CLOEXEC);
	int file = open(argv[1], O_PATH | O_CLOEXEC);
	if (mfd < 0 || file < 0 || write(mfd, "memfd", 5) != 5) {
		perror("flipfd");
		return 1;
	}
	int r = open(argv[3], O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (r < 0) {
		perror(argv[3]);
		return 1;
	}
	close(r);
	for (;;) {
		dup2(mfd, want);
		dup2(file, want);
	}
}
