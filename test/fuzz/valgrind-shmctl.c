// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * LD_PRELOAD shim for `make check-valgrind`: tells memcheck that a successful
 * shmctl(SHM_STAT_ANY) filled its struct shmid_ds.
 *
 * valgrind 3.19 (Debian 12) knows IPC_STAT and SHM_STAT but not SHM_STAT_ANY
 * (Linux 4.17), so every field `shmtool ls` reads through it looks
 * uninitialised and each later use is reported: false positives by the
 * hundred, and a real error would drown in them. The kernel writes the whole
 * struct on success (as for SHM_STAT), so this only says what is true; the
 * tool still runs its own code path, unchanged. Outside valgrind the client
 * request is a no-op.
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/shm.h>
#include <valgrind/memcheck.h>

#ifndef SHM_STAT_ANY
#define SHM_STAT_ANY 15
#endif

int shmctl(int id, int cmd, struct shmid_ds *buf);

int shmctl(int id, int cmd, struct shmid_ds *buf)
{
	static int (*real)(int, int, struct shmid_ds *);
	if (!real) {
		*(void **)&real = dlsym(RTLD_NEXT, "shmctl");
		if (!real)
			abort();
	}
	int r = real(id, cmd, buf);
	if (r >= 0 && cmd == SHM_STAT_ANY && buf)
		VALGRIND_MAKE_MEM_DEFINED(buf, sizeof(*buf));
	return r;
}
