// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper: attach_partial ID READY-FILE attaches a System V segment
 * read-only and unmaps its last page, so its map_files entry no longer
 * covers the whole segment; says so, waits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: attach_partial ID READY-FILE\n");
		return 2;
	}
	int id = atoi(argv[1]);
	struct shmid_ds ds;
	char *p = shmat(id, NULL, SHM_RDONLY);
	if (p == (void *)-1 || shmctl(id, IPC_STAT, &ds) < 0) {
		perror("shmat");
		return 1;
	}
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t len = (ds.shm_segsz + page - 1) / page * page;
	if (len < 2 * page || munmap(p + len - page, page) < 0) {
		perror("munmap");
		return 1;
	}
	FILE *f = fopen(argv[argc - 1], "w");
	if (!f)
		return 1;
	fclose(f);
	pause();
	return 0;
}
