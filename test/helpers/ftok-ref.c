// SPDX-License-Identifier: GPL-2.0-or-later
/* Test helper: the key glibc's ftok(3) gives for PATH and PROJ (a number). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	key_t key = ftok(argv[1], (int)strtol(argv[2], NULL, 0));
	if (key == -1) {
		perror("ftok");
		return 1;
	}
	printf("0x%08x\n", (unsigned)key);
	return 0;
}
