// SPDX-License-Identifier: LGPL-2.1-or-later
/* POSIX objects: regular files in the shm directory, never through a symlink. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

int shm_posix_check_name(const char *name)
{
	size_t len = strlen(name);
	if (len == 0 || len > NAME_MAX || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return -SHM_E_BAD_NAME;
	return 0;
}

static bool is_sem(const char *name)
{
	return !strncmp(name, "sem.", 4);
}

void shm_seg_from_stat(struct shm_seg *seg, enum shm_kind kind, const struct stat *st)
{
	memset(seg, 0, sizeof(*seg));
	seg->kind = kind;
	seg->fields = SHM_F_ATIME | SHM_F_CTIME | SHM_F_MTIME | SHM_F_ALLOC;
	seg->mode = st->st_mode & 07777;
	seg->uid = st->st_uid;
	seg->gid = st->st_gid;
	seg->size = (uint64_t)st->st_size;
	seg->alloc = (uint64_t)st->st_blocks * 512;
	seg->atime = st->st_atime;
	seg->ctime = st->st_ctime;
	seg->mtime = st->st_mtime;
	seg->dev = st->st_dev;
	seg->ino = st->st_ino;
}

static int from_stat(const char *name, const struct stat *st, struct shm_seg *seg)
{
	shm_seg_from_stat(seg, is_sem(name) ? SHM_KIND_SEM : SHM_KIND_POSIX, st);
	seg->name = strdup(name);
	return seg->name ? 0 : -ENOMEM;
}


int shm_posix_at(struct shm_ctx *ctx, const char *name, struct stat *st)
{
	int r = shm_posix_check_name(name);
	if (r < 0)
		return r;
	int dfd = shm_dir_open(ctx);
	if (dfd < 0)
		return dfd;
	r = fstatat(dfd, name, st, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
	if (r == 0 && !S_ISREG(st->st_mode))
		r = -SHM_E_NOT_SHM;
	if (r < 0) {
		close(dfd);
		return r;
	}
	return dfd;
}

static int by_name(const void *a, const void *b)
{
	const struct shm_seg *x = a, *y = b;
	return strcmp(x->name, y->name);
}

int shm_posix_list(struct shm_ctx *ctx, bool with_sem, struct shm_list *list)
{
	int dfd = shm_dir_open(ctx);
	if (dfd < 0)
		return dfd;
	DIR *dir = fdopendir(dfd);
	if (!dir) {
		int r = -errno;
		close(dfd);
		return r;
	}
	size_t first = list->n;
	int r = 0;
	struct dirent *de;
	while ((de = readdir(dir))) {
		if (de->d_type != DT_REG && de->d_type != DT_UNKNOWN)
			continue;
		if (shm_posix_check_name(de->d_name) < 0 || (!with_sem && is_sem(de->d_name)))
			continue;
		struct stat st;
		/* Gone since readdir, or not a regular file after all: not an object. */
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		struct shm_seg *seg;
		r = shm_list_push(list, &seg);
		if (r < 0)
			break;
		r = from_stat(de->d_name, &st, seg);
		shm_seg_set_scope(ctx, seg);
		if (r < 0) {
			list->n--;
			break;
		}
	}
	closedir(dir);
	if (list->n - first > 1)
		qsort(list->v + first, list->n - first, sizeof(*list->v), by_name);
	return r;
}

int shm_posix_stat(struct shm_ctx *ctx, const char *name, struct shm_seg *out)
{
	struct stat st;
	int dfd = shm_posix_at(ctx, name, &st);
	if (dfd < 0)
		return dfd;
	close(dfd);
	int r = from_stat(name, &st, out);
	shm_seg_set_scope(ctx, out);
	return r;
}
