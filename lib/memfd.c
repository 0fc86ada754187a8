// SPDX-License-Identifier: LGPL-2.1-or-later
/* memfd objects: files with no name in any directory, found through their holders. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"

static void from_stat(const struct stat *st, struct shm_seg *seg)
{
	shm_seg_from_stat(seg, SHM_KIND_MEMFD, st);
	seg->fields |= SHM_F_NATTCH;
}

/*
 * The status of what a magic link (/proc/PID/fd/N, map_files/RANGE) points
 * at, through an O_PATH fd: opening O_PATH runs no driver's open, and
 * AT_STATX_DONT_SYNC answers from cached attributes, so neither a device node
 * nor a file system that stops answering is ever asked anything. Then it must
 * be a regular file: on the internal shmem mount for a memfd or a shared
 * anonymous mapping, anywhere else for a mapped file.
 */
static int open_path_checked(struct shm_ctx *ctx, const char *magic_path, enum shm_magic what,
			     struct stat *st)
{
	int pfd = open(magic_path, O_PATH | O_CLOEXEC);
	if (pfd < 0)
		return -errno;
	struct statx stx;
	uint64_t shmem_dev, mnt_id;
	int r = shm_ctx_shmem_identity(ctx, &shmem_dev, &mnt_id);
	if (r == 0 && statx(pfd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_BASIC_STATS,
			    &stx) < 0)
		r = -errno;
	if (r == 0) {
		memset(st, 0, sizeof(*st));
		st->st_dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
		st->st_ino = stx.stx_ino;
		st->st_mode = stx.stx_mode;
		st->st_nlink = stx.stx_nlink;
		st->st_uid = stx.stx_uid;
		st->st_gid = stx.stx_gid;
		st->st_size = (off_t)stx.stx_size;
		st->st_blocks = (blkcnt_t)stx.stx_blocks;
		st->st_blksize = (blksize_t)stx.stx_blksize;
		st->st_atim = (struct timespec){ stx.stx_atime.tv_sec, stx.stx_atime.tv_nsec };
		st->st_mtim = (struct timespec){ stx.stx_mtime.tv_sec, stx.stx_mtime.tv_nsec };
		st->st_ctim = (struct timespec){ stx.stx_ctime.tv_sec, stx.stx_ctime.tv_nsec };
		bool shmem = shmem_dev && st->st_dev == shmem_dev;
		if (!S_ISREG(st->st_mode) || shmem != (what != SHM_MAGIC_FILE))
			r = -SHM_E_NOT_SHM;
	}
	if (r < 0) {
		close(pfd);
		return r;
	}
	return pfd;
}

/* The link of our own fd names the file we hold, whatever the holder did since. */
static int check_link(const char *link, enum shm_magic what)
{
	bool memfd = !strncmp(link, "/memfd:", 7);
	if (what == SHM_MAGIC_MEMFD)
		return memfd ? 0 : -SHM_E_NOT_SHM;
	bool sysv = !strncmp(link, "/SYSV", 5);
	if (what == SHM_MAGIC_ANON)
		return memfd || sysv ? -SHM_E_NOT_SHM : 0;
	if (what == SHM_MAGIC_SYSV)
		return sysv ? 0 : -SHM_E_NOT_SHM;
	return 0;
}

/* shm_magic_open, and the checked file's link through @link (malloc'd) when asked. */
static int magic_open(struct shm_ctx *ctx, const char *magic_path, enum shm_magic what,
		      int flags, struct stat *st, char **linkp)
{
	int pfd = open_path_checked(ctx, magic_path, what, st);
	if (pfd < 0)
		return pfd;
	char self[PATH_MAX], link[PATH_MAX];
	snprintf(self, sizeof(self), "%s/self/fd/%d", shm_ctx_proc_root(ctx), pfd);
	ssize_t n = readlink(self, link, sizeof(link) - 1);
	int r = n < 0 ? -errno : 0;
	if (r == 0) {
		link[n] = '\0';
		r = check_link(link, what);
	}
	if (r == 0 && linkp && !(*linkp = strdup(link)))
		r = -ENOMEM;
	int fd = -1;
	if (r == 0 && flags >= 0) {
		/* Reopening our O_PATH fd reaches the checked file and nothing else. */
		fd = open(self, flags | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			r = -errno;
		else if (what != SHM_MAGIC_FILE && fcntl(fd, F_GET_SEALS) < 0)
			r = -SHM_E_NOT_SHM; /* only shmem files answer */
	}
	close(pfd);
	if (r < 0) {
		if (fd >= 0)
			close(fd);
		if (linkp) {
			free(*linkp);
			*linkp = NULL;
		}
		return r;
	}
	return flags >= 0 ? fd : 0;
}

int shm_magic_open(struct shm_ctx *ctx, const char *magic_path, enum shm_magic what, int flags,
		   struct stat *st)
{
	return magic_open(ctx, magic_path, what, flags, st, NULL);
}

int shm_memfd_open(struct shm_ctx *ctx, const char *magic_path, int flags, struct stat *st,
		   char **name)
{
	char *link = NULL;
	int fd = magic_open(ctx, magic_path, SHM_MAGIC_MEMFD, flags, st, name ? &link : NULL);
	if (fd < 0 || !name)
		return fd;
	size_t len = strlen(link) - 7;
	if (len >= 10 && !strcmp(link + 7 + len - 10, " (deleted)"))
		len -= 10;
	*name = strndup(link + 7, len);
	free(link);
	if (!*name) {
		if (flags >= 0)
			close(fd);
		return -ENOMEM;
	}
	return fd;
}

/* Through the holder's fd, or (mapped only) its /proc/PID/map_files entry. */
static int stat_hold(struct shm_ctx *ctx, const struct shm_hold *h, struct stat *st)
{
	char path[PATH_MAX];
	if (h->kind == SHM_HOLD_FD)
		snprintf(path, sizeof(path), "%s/%d/fd/%d", shm_ctx_proc_root(ctx), (int)h->pid,
			 h->fd);
	else
		snprintf(path, sizeof(path), "%s/%d/map_files/%llx-%llx", shm_ctx_proc_root(ctx),
			 (int)h->pid, (unsigned long long)h->start, (unsigned long long)h->end);
	int pfd = open_path_checked(ctx, path, SHM_MAGIC_MEMFD, st);
	if (pfd < 0)
		return pfd;
	close(pfd);
	return 0;
}

/* One record for the memfd whose holds are v[0..n): fds and maps of one file. */
static int add_memfd(struct shm_ctx *ctx, const struct shm_hold **v, size_t n,
		     struct shm_list *list)
{
	const struct shm_hold *first = v[0];
	for (size_t i = 0; i < n; i++)
		if (v[i]->kind == SHM_HOLD_FD) {
			first = v[i];
			break;
		}
	struct stat st;
	if (stat_hold(ctx, first, &st) < 0)
		return 0; /* gone meanwhile, or not ours to see */
	struct shm_seg *seg;
	int r = shm_list_push(list, &seg);
	if (r < 0)
		return r;
	from_stat(&st, seg);
	seg->holder_pid = first->pid;
	seg->holder_fd = first->kind == SHM_HOLD_FD ? first->fd : -1;
	size_t procs = 0;
	for (size_t i = 0; i < n; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = v[j]->pid == v[i]->pid;
		procs += !seen;
	}
	seg->nattch = procs;
	seg->name = strdup(first->name ? first->name : "");
	return seg->name ? 0 : -ENOMEM;
}

static int by_file(const void *x, const void *y)
{
	const struct shm_hold *a = *(const struct shm_hold *const *)x;
	const struct shm_hold *b = *(const struct shm_hold *const *)y;
	if (a->dev != b->dev)
		return (a->dev > b->dev) - (a->dev < b->dev);
	if (a->ino != b->ino)
		return (a->ino > b->ino) - (a->ino < b->ino);
	if (a->pid != b->pid)
		return (a->pid > b->pid) - (a->pid < b->pid);
	return (a->kind < b->kind) - (a->kind > b->kind); /* fds before maps */
}

int shm_memfd_list(struct shm_ctx *ctx, struct shm_list *list)
{
	const struct shm_holders *h;
	int r = shm_ctx_holders(ctx, true, &h);
	if (r < 0)
		return r;
	/* The index sorts fds apart from maps; memfds need both of a file together. */
	const struct shm_hold **v = calloc(h->n ? h->n : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < h->n; i++)
		if (h->v[i].memfd)
			v[n++] = &h->v[i];
	if (n > 1)
		qsort(v, n, sizeof(*v), by_file);
	for (size_t i = 0; i < n && r == 0;) {
		size_t j = i + 1;
		while (j < n && v[j]->dev == v[i]->dev && v[j]->ino == v[i]->ino)
			j++;
		r = add_memfd(ctx, v + i, j - i, list);
		i = j;
	}
	free(v);
	return r;
}

int shm_memfd_stat(struct shm_ctx *ctx, pid_t pid, int fd, struct shm_seg *out)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%d/fd/%d", shm_ctx_proc_root(ctx), (int)pid, fd);
	struct stat st;
	char *name = NULL;
	int r = shm_memfd_open(ctx, path, -1, &st, &name);
	if (r < 0)
		return r;
	shm_seg_from_stat(out, SHM_KIND_MEMFD, &st);
	out->holder_pid = pid;
	out->holder_fd = fd;
	out->name = name;
	return 0;
}
