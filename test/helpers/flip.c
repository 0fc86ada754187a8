// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper: flip PATH TARGET SECONDS swaps PATH, as fast as it can, between
 * a regular file, a symlink to TARGET and a FIFO (each made aside, then renamed
 * over PATH), for SECONDS; then prints how many swaps it made.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: flip PATH TARGET SECONDS\n");
		return 2;
	}
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.flip", argv[1]);
	time_t end = time(NULL) + atoi(argv[3]);
	unsigned long n = 0;
	while (time(NULL) < end) {
		for (int kind = 0; kind < 3; kind++) {
			unlink(tmp);
			int r;
			if (kind == 0) {
				r = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
				if (r >= 0) {
					if (write(r, "nobody's", 8) != 8)
						r = -1;
					close(r);
				}
			} else if (kind == 1) {
				r = symlink(argv[2], tmp);
			} else {
				r = mkfifo(tmp, 0666);
			}
			if (r < 0 || rename(tmp, argv[1]) < 0) {
				perror(argv[1]);
				return 1;
			}
			n++;
		}
	}
	printf("%lu\n", n);
	return 0;
}
