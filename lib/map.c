// SPDX-License-Identifier: LGPL-2.1-or-later
/* Attaching and mapping objects to read or write their bytes, and making and removing them. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static int open_in_dir(struct shm_ctx *ctx, const char *name, int flags, mode_t mode)
{
	int r = shm_posix_check_name(name);
	if (r < 0)
		return r;
	int dfd = shm_dir_open(ctx);
	if (dfd < 0)
		return dfd;
	/* O_NOFOLLOW: a planted symlink is never followed; O_NONBLOCK: a FIFO never blocks. */
	int fd = openat(dfd, name, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, mode);
	r = fd < 0 ? -errno : fd;
	close(dfd);
	return r;
}

/* A regular file, or not an object at all; its size through @size. */
static int check_regular(int fd, uint64_t *size)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -SHM_E_NOT_SHM;
	*size = (uint64_t)st.st_size;
	return 0;
}

static int map_fd(int fd, bool writable, struct shm_map *out);

static int map_posix(struct shm_ctx *ctx, const char *name, bool writable, struct shm_map *out)
{
	int fd = open_in_dir(ctx, name, writable ? O_RDWR : O_RDONLY, 0);
	if (fd == -ELOOP)
		return -SHM_E_NOT_SHM;
	return fd < 0 ? fd : map_fd(fd, writable, out);
}

/*
 * The segment attached under @seg's id must be the one @seg describes: once a
 * segment is gone its id can come back on a new one, of another size. The key
 * of a segment marked for removal reads IPC_PRIVATE.
 */
static bool same_segment(const struct shm_seg *seg, const struct shmid_ds *ds)
{
	if (ds->shm_segsz != seg->size)
		return false;
	if ((seg->fields & SHM_F_CTIME) && (int64_t)ds->shm_ctime != seg->ctime)
		return false;
	if ((seg->fields & SHM_F_CPID) && ds->shm_cpid != seg->cpid)
		return false;
	return !(seg->fields & SHM_F_KEY) || (ds->shm_perm.mode & SHM_DEST) ||
	       (int32_t)ds->shm_perm.__key == seg->key;
}

/* The mapping's length is the attached segment's own size, never one read before. */
static int map_sysv(const struct shm_seg *seg, bool writable, struct shm_map *out)
{
	if (seg->size > SIZE_MAX)
		return -EFBIG;
	void *p = shmat(seg->id, NULL, writable ? 0 : SHM_RDONLY);
	if (p == (void *)-1)
		return errno == EINVAL || errno == EIDRM ? -ENOENT : -errno;
	struct shmid_ds ds;
	int r = shmctl(seg->id, IPC_STAT, &ds) < 0 ? -errno : 0;
	if (r == 0 && !same_segment(seg, &ds))
		r = -SHM_E_REPLACED;
	if (r < 0) {
		shmdt(p);
		return r;
	}
	out->addr = p;
	out->len = (size_t)ds.shm_segsz;
	return 0;
}

/* Reopens a memfd through its holder's fd, checking it is still the same file. */
static int open_memfd(struct shm_ctx *ctx, const struct shm_seg *seg, bool writable)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%d/fd/%d", shm_ctx_proc_root(ctx), (int)seg->holder_pid,
		 seg->holder_fd);
	struct stat st;
	int fd = shm_memfd_open(ctx, path, writable ? O_RDWR : O_RDONLY, &st, NULL);
	if (fd < 0)
		return fd;
	if (st.st_dev != seg->dev || st.st_ino != seg->ino) {
		close(fd);
		return -ENOENT;
	}
	return fd;
}

/* An anon or file object through its holder's map_files entry, checked to be the same inode. */
static int open_mapping(struct shm_ctx *ctx, const struct shm_seg *seg, bool writable)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%d/map_files/%llx-%llx", shm_ctx_proc_root(ctx),
		 (int)seg->holder_pid, (unsigned long long)seg->holder_start,
		 (unsigned long long)seg->holder_end);
	struct stat st;
	int fd = shm_magic_open(ctx, path, seg->kind == SHM_KIND_ANON ? SHM_MAGIC_ANON
				: SHM_MAGIC_FILE, writable ? O_RDWR : O_RDONLY, &st);
	if (fd >= 0 && (st.st_dev != seg->dev || st.st_ino != seg->ino)) {
		close(fd);
		return -ENOENT;
	}
	return fd;
}

static int map_fd(int fd, bool writable, struct shm_map *out)
{
	uint64_t size;
	int r = check_regular(fd, &size);
	if (r == 0 && size > SIZE_MAX)
		r = -EFBIG;
	if (r == 0 && size > 0) {
		void *p = mmap(NULL, (size_t)size, writable ? PROT_READ | PROT_WRITE : PROT_READ,
			       MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			r = -errno;
		else
			out->addr = p;
	}
	if (r == 0) {
		out->len = (size_t)size;
		out->fd = fd;
		return 0;
	}
	close(fd);
	return r;
}

int shm_file_open(struct shm_ctx *ctx, const struct shm_seg *seg, bool writable)
{
	int fd;
	if (seg->kind == SHM_KIND_SYSV)
		return -EBADF;
	if (seg->kind == SHM_KIND_MEMFD) {
		fd = open_memfd(ctx, seg, writable);
	} else if (seg->kind == SHM_KIND_ANON || seg->kind == SHM_KIND_FILE) {
		fd = open_mapping(ctx, seg, writable);
	} else {
		fd = open_in_dir(ctx, seg->name, writable ? O_RDWR : O_RDONLY, 0);
		if (fd == -ELOOP)
			return -SHM_E_NOT_SHM;
	}
	if (fd < 0)
		return fd;
	uint64_t size;
	int r = check_regular(fd, &size);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

int shm_map_open(struct shm_ctx *ctx, const struct shm_seg *seg, bool writable,
		 struct shm_map *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = seg->kind;
	out->fd = -1;
	out->writable = writable;
	snprintf(out->proc_root, sizeof(out->proc_root), "%s", shm_ctx_proc_root(ctx));
	if (seg->kind == SHM_KIND_SYSV)
		return map_sysv(seg, writable, out);
	if (seg->kind == SHM_KIND_MEMFD || seg->kind == SHM_KIND_ANON ||
	    seg->kind == SHM_KIND_FILE) {
		int fd = seg->kind == SHM_KIND_MEMFD ? open_memfd(ctx, seg, writable)
						     : open_mapping(ctx, seg, writable);
		return fd < 0 ? fd : map_fd(fd, writable, out);
	}
	return map_posix(ctx, seg->name, writable, out);
}

/*
 * The file of @seg through one attacher's map_files entry, or -errno. It must
 * be that very segment: on the internal shmem mount, named /SYSV…, its inode
 * the shmid and its size the segment's; and the attacher must still map the
 * whole of it (a process may munmap part of an attachment). The shmid's
 * segment then must be the one @seg describes (an id comes back after a
 * removal). Reopening the file runs shmem's open, not shmat's: no attachment.
 */
static int open_attacher(struct shm_ctx *ctx, const struct shm_seg *seg,
			 const struct shm_hold *h)
{
	/* A range is whole pages: covering the size is covering its last page. */
	if (h->end <= h->start || h->end - h->start < seg->size)
		return -ENOENT;
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%d/map_files/%llx-%llx", shm_ctx_proc_root(ctx),
		 (int)h->pid, (unsigned long long)h->start, (unsigned long long)h->end);
	struct stat st;
	int fd = shm_magic_open(ctx, path, SHM_MAGIC_SYSV, O_RDONLY, &st);
	if (fd < 0)
		return fd;
	struct shmid_ds ds;
	int r = fstat(fd, &st) < 0 ? -errno : 0;
	if (r == 0 && (st.st_ino != (uint64_t)seg->id || (uint64_t)st.st_size != seg->size))
		r = -SHM_E_REPLACED;
	if (r == 0 && shmctl(seg->id, IPC_STAT, &ds) < 0)
		r = errno == EINVAL || errno == EIDRM ? -ENOENT : -errno;
	if (r == 0 && !same_segment(seg, &ds))
		r = -SHM_E_REPLACED;
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

/* @seg through the first attacher whose map_files we may open; -ENOENT: none. */
static int map_borrowed(struct shm_ctx *ctx, const struct shm_seg *seg, struct shm_map *out)
{
	if (seg->size == 0 || seg->size > SIZE_MAX ||
	    ((seg->fields & SHM_F_NATTCH) && seg->nattch == 0))
		return -ENOENT;
	const struct shm_holders *h;
	int r = shm_seg_holders(ctx, seg, &h);
	if (r < 0)
		return r;
	size_t n = 0;
	const struct shm_hold *v = shm_holders_find(h, SHM_HOLD_SYSV, seg, &n);
	r = -ENOENT;
	/* Without CAP_SYS_ADMIN no map_files entry opens: one refusal says so for all. */
	for (size_t i = 0; i < n && r != -EPERM && r != -EACCES; i++) {
		int fd = open_attacher(ctx, seg, &v[i]);
		if (fd < 0) {
			r = fd;
			continue;
		}
		void *p = mmap(NULL, (size_t)seg->size, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED) {
			r = -errno;
			close(fd);
			continue;
		}
		out->addr = p;
		out->len = (size_t)seg->size;
		out->fd = fd;
		out->borrowed = true;
		return 0;
	}
	return r;
}

int shm_map_open_quiet(struct shm_ctx *ctx, const struct shm_seg *seg, struct shm_map *out)
{
	if (seg->kind != SHM_KIND_SYSV)
		return shm_map_open(ctx, seg, false, out);
	memset(out, 0, sizeof(*out));
	out->kind = seg->kind;
	out->fd = -1;
	snprintf(out->proc_root, sizeof(out->proc_root), "%s", shm_ctx_proc_root(ctx));
	/* Any failure here (ENOMEM aside) only means attaching, as without an attacher. */
	int r = map_borrowed(ctx, seg, out);
	if (r == 0 || r == -ENOMEM)
		return r;
	return shm_map_open(ctx, seg, false, out);
}

int shm_map_fd(struct shm_map *map, int *fd)
{
	if (map->fd >= 0) {
		*fd = map->fd;
		return 0;
	}
	if (map->kind != SHM_KIND_SYSV || !map->addr)
		return -EBADF;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = (uintptr_t)map->addr, end = start + ((map->len + page - 1) & ~(page - 1));
	char path[160];
	snprintf(path, sizeof(path), "%s/self/map_files/%lx-%lx", map->proc_root,
		 (unsigned long)start, (unsigned long)end);
	map->fd = open(path, (map->writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (map->fd < 0)
		return -errno;
	*fd = map->fd;
	return 0;
}

void shm_map_release_fd(struct shm_map *map)
{
	if (map->fd >= 0)
		close(map->fd);
	map->fd = -1;
}

void shm_map_close(struct shm_map *map)
{
	if (map->fd >= 0)
		close(map->fd);
	map->fd = -1;
	if (!map->addr)
		return;
	if (map->kind == SHM_KIND_SYSV && !map->borrowed)
		shmdt(map->addr);
	else
		munmap(map->addr, map->len);
	map->addr = NULL;
}

int shm_sysv_create(int32_t key, const struct shm_create *c, int *id, bool *created)
{
	if (c->size > SIZE_MAX)
		return -EFBIG;
	int flags = IPC_CREAT | (int)(c->mode & 0777);
	flags |= c->hugetlb ? SHM_HUGETLB : 0;
	flags |= c->noreserve ? SHM_NORESERVE : 0;
	if (key != 0) {
		/* IPC_EXCL first, so we know whether the segment is ours. */
		int r = shmget((key_t)key, (size_t)c->size, flags | IPC_EXCL);
		if (r >= 0) {
			*id = r;
			*created = true;
			return 0;
		}
		if (errno != EEXIST || c->exclusive)
			return -errno;
		/* The mode's permission bits ask for that access, as shmget checks it. */
		r = shmget((key_t)key, (size_t)c->size, (int)(c->mode & 0777));
		if (r >= 0) {
			*id = r;
			*created = false;
			return 0;
		}
		if (errno != EINVAL)
			return -errno;
		/* EINVAL for an existing key: it is smaller than asked (SHMMAX aside). */
		return shmget((key_t)key, 0, 0) >= 0 ? -SHM_E_TOO_SMALL : -EINVAL;
	}
	int r = shmget(IPC_PRIVATE, (size_t)c->size, flags);
	if (r < 0)
		return -errno;
	*id = r;
	*created = true;
	return 0;
}

static int reuse_posix(struct shm_ctx *ctx, const char *name, const struct shm_create *c)
{
	int fd = open_in_dir(ctx, name, O_RDWR, 0);
	if (fd == -ELOOP)
		return -SHM_E_NOT_SHM;
	if (fd < 0)
		return fd;
	uint64_t size;
	int r = check_regular(fd, &size);
	close(fd);
	if (r == 0 && size < c->size)
		r = -SHM_E_TOO_SMALL;
	return r;
}

int shm_posix_create(struct shm_ctx *ctx, const char *name, const struct shm_create *c,
		     bool *created)
{
	if (c->size > INT64_MAX)
		return -EFBIG;
	int fd = open_in_dir(ctx, name, O_RDWR | O_CREAT | O_EXCL, c->mode & 07777);
	if (fd == -EEXIST && !c->exclusive) {
		*created = false;
		return reuse_posix(ctx, name, c);
	}
	if (fd < 0)
		return fd;
	/*
	 * The mode is applied exactly: the umask narrowed what openat made, and
	 * the truncate drops set-user-ID and set-group-ID without CAP_FSETID.
	 */
	int r = 0;
	if (ftruncate(fd, (off_t)c->size) < 0 || fchmod(fd, c->mode & 07777) < 0)
		r = -errno;
	close(fd);
	if (r < 0) {
		shm_posix_remove(ctx, name); /* nothing half-made stays behind */
		return r;
	}
	*created = true;
	return 0;
}

int shm_sysv_remove(int id)
{
	if (shmctl(id, IPC_RMID, NULL) == 0)
		return 0;
	return errno == EINVAL || errno == EIDRM ? -ENOENT : -errno;
}

int shm_posix_remove(struct shm_ctx *ctx, const char *name)
{
	/* unlinkat would remove a symlink itself, never its target; refuse even that. */
	struct stat st;
	int dfd = shm_posix_at(ctx, name, &st);
	if (dfd < 0)
		return dfd;
	int r = unlinkat(dfd, name, 0) < 0 ? -errno : 0;
	close(dfd);
	return r;
}
