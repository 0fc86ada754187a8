// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Changing what the kernel lets an owner change: mode and owner (IPC_SET for
 * System V, fchmod/fchown for the file kinds), the SHM_LOCK flag, and a file's
 * size. The file kinds are changed through an fd opened once by shm_file_open
 * (never through a symlink, checked to be a regular file) and checked here to
 * be the very object the caller looked at: a name swapped meanwhile is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static int open_same(struct shm_ctx *ctx, const struct shm_seg *seg, bool writable)
{
	int fd = shm_file_open(ctx, seg, writable);
	if (fd < 0)
		return fd;
	struct stat st;
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_dev != seg->dev ||
	    (uint64_t)st.st_ino != seg->ino) {
		close(fd);
		return -ENOENT; /* another object has the name now */
	}
	return fd;
}

/*
 * The fields IPC_SET reads (uid, gid, mode): IPC_STAT's, or when only the
 * owner's right to IPC_SET is there and not read permission, the record's.
 */
static int sysv_perm(const struct shm_seg *seg, struct shmid_ds *ds)
{
	if (shmctl(seg->id, IPC_STAT, ds) == 0)
		return 0;
	if (errno == EINVAL || errno == EIDRM)
		return -ENOENT;
	if (errno != EACCES)
		return -errno;
	ds->shm_perm.uid = seg->uid;
	ds->shm_perm.gid = seg->gid;
	ds->shm_perm.mode = (unsigned short)(seg->mode & 0777);
	return 0;
}

static int sysv_set(const struct shm_seg *seg, struct shmid_ds *ds)
{
	/* The kernel takes only the nine permission bits of mode: dest and locked stay. */
	if (shmctl(seg->id, IPC_SET, ds) == 0)
		return 0;
	return errno == EINVAL || errno == EIDRM ? -ENOENT : -errno;
}

int shm_seg_set_mode(struct shm_ctx *ctx, const struct shm_seg *seg, uint32_t mode)
{
	if (mode > 0777)
		return -SHM_E_RANGE;
	if (seg->kind == SHM_KIND_SYSV) {
		struct shmid_ds ds;
		int r = sysv_perm(seg, &ds);
		if (r < 0)
			return r;
		ds.shm_perm.mode = (unsigned short)((ds.shm_perm.mode & ~0777u) | mode);
		return sysv_set(seg, &ds);
	}
	int fd = open_same(ctx, seg, false);
	if (fd < 0)
		return fd;
	int r = fchmod(fd, (mode_t)mode) < 0 ? -errno : 0;
	close(fd);
	return r;
}

int shm_seg_set_owner(struct shm_ctx *ctx, const struct shm_seg *seg, uid_t uid, gid_t gid)
{
	if (seg->kind == SHM_KIND_SYSV) {
		struct shmid_ds ds;
		int r = sysv_perm(seg, &ds);
		if (r < 0)
			return r;
		if (uid != (uid_t)-1)
			ds.shm_perm.uid = uid;
		if (gid != (gid_t)-1)
			ds.shm_perm.gid = gid;
		return sysv_set(seg, &ds);
	}
	int fd = open_same(ctx, seg, false);
	if (fd < 0)
		return fd;
	int r = fchown(fd, uid, gid) < 0 ? -errno : 0;
	close(fd);
	return r;
}

int shm_seg_lock(const struct shm_seg *seg, bool lock)
{
	/* The file kinds have no such flag: their pages are locked by mlock(2) in a process. */
	if (seg->kind != SHM_KIND_SYSV)
		return -EOPNOTSUPP;
	if (shmctl(seg->id, lock ? SHM_LOCK : SHM_UNLOCK, NULL) == 0)
		return 0;
	return errno == EINVAL || errno == EIDRM ? -ENOENT : -errno;
}

int shm_seg_truncate(struct shm_ctx *ctx, const struct shm_seg *seg, uint64_t size,
		     unsigned *seals)
{
	*seals = 0;
	/* A System V segment's size is fixed by shmget; a semaphore is not memory to size. */
	if (seg->kind == SHM_KIND_SYSV || seg->kind == SHM_KIND_SEM)
		return -EOPNOTSUPP;
	if (size > INT64_MAX)
		return -EFBIG;
	int fd = open_same(ctx, seg, true);
	if (fd < 0)
		return fd;
	int r = ftruncate(fd, (off_t)size) < 0 ? -errno : 0;
	if (r == -EPERM) {
		/* A memfd's seals say no to everyone, root included: say which. */
		int s = fcntl(fd, F_GET_SEALS);
		*seals = s > 0 ? (unsigned)s & (F_SEAL_SHRINK | F_SEAL_GROW) : 0;
	}
	close(fd);
	return r;
}

int shm_group_id(const char *text, gid_t *out)
{
	uint64_t n;
	if (!text[0])
		return -ENOENT;
	if (shm_parse_u64(text, &n) == 0) {
		if (n >= (gid_t)-1)
			return -SHM_E_RANGE;
		*out = (gid_t)n;
		return 0;
	}
	struct group *gr = getgrnam(text);
	if (!gr)
		return -ENOENT;
	*out = gr->gr_gid;
	return 0;
}
