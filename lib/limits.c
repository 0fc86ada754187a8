// SPDX-License-Identifier: LGPL-2.1-or-later
/* Limits (/proc/sys/kernel/shm*), their use (SHM_INFO), /dev/shm's room, meminfo's Shmem. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "internal.h"

/* One number from /proc/sys/kernel/NAME (read as text: SHMMAX is near 2^64). */
static int read_sysctl(struct shm_ctx *ctx, const char *name, uint64_t *out)
{
	char path[PATH_MAX], buf[64];
	snprintf(path, sizeof(path), "%s/sys/kernel/%s", shm_ctx_proc_root(ctx), name);
	ssize_t n = shm_read_small(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	buf[strcspn(buf, "\n")] = '\0';
	return shm_parse_u64(buf, out);
}

static int take_largest(const struct shm_seg *seg, void *arg)
{
	uint64_t *largest = arg;
	if (seg->size > *largest)
		*largest = seg->size;
	return 0;
}

/* One more pass over the segments: only for those who show it. */
static void largest_segment(struct shm_ctx *ctx, struct shm_limits *out)
{
	if (shm_sysv_walk(ctx, take_largest, &out->largest) != -ENOSYS)
		return;
	struct shm_list list;
	shm_list_init(&list);
	if (shm_sysv_list(ctx, false, &list) == 0)
		shm_list_foreach(seg, &list)
			take_largest(seg, &out->largest);
	shm_list_free(&list);
}

int shm_limits_read(struct shm_ctx *ctx, bool with_largest, struct shm_limits *out)
{
	memset(out, 0, sizeof(*out));
	int r = read_sysctl(ctx, "shmmax", &out->shmmax);
	if (r == 0)
		r = read_sysctl(ctx, "shmall", &out->shmall);
	if (r == 0)
		r = read_sysctl(ctx, "shmmni", &out->shmmni);
	if (r < 0)
		return r;
	out->shmmin = 1; /* SHMMIN: fixed in the kernel, not a sysctl */
	out->has_rmid_forced = read_sysctl(ctx, "shm_rmid_forced", &out->rmid_forced) == 0;
	out->page_size = (uint64_t)sysconf(_SC_PAGESIZE);
	struct shm_info info;
	if (shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&info) >= 0) {
		out->used_ids = (uint64_t)info.used_ids;
		out->used_pages = info.shm_tot;
	}
	if (with_largest)
		largest_segment(ctx, out);
	struct statvfs vfs;
	if (statvfs(shm_ctx_shm_dir(ctx), &vfs) == 0) {
		out->has_shm_dir = true;
		out->shm_dir_size = (uint64_t)vfs.f_blocks * vfs.f_frsize;
		out->shm_dir_used = (uint64_t)(vfs.f_blocks - vfs.f_bfree) * vfs.f_frsize;
		out->shm_dir_avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	}
	return 0;
}

int shm_meminfo_shmem(struct shm_ctx *ctx, uint64_t *bytes)
{
	char path[PATH_MAX], buf[8192];
	snprintf(path, sizeof(path), "%s/meminfo", shm_ctx_proc_root(ctx));
	ssize_t n = shm_read_small(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	const char *p = strstr(buf, "\nShmem:");
	if (!p)
		return -SHM_E_BAD_PROC;
	unsigned long long kb = strtoull(p + 7, NULL, 10);
	*bytes = (uint64_t)kb * 1024;
	return 0;
}
