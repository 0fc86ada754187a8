// SPDX-License-Identifier: LGPL-2.1-or-later
/* memfd objects: files with no name in any directory, found through their holders. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static void from_stat(const struct stat *st, struct shm_seg *seg)
{
	shm_seg_from_stat(seg, SHM_KIND_MEMFD, st);
	seg->fields |= SHM_F_NATTCH;
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
	return stat(path, st) < 0 ? -errno : 0;
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
	char path[PATH_MAX], link[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%d/fd/%d", shm_ctx_proc_root(ctx), (int)pid, fd);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	link[n] = '\0';
	if (strncmp(link, "/memfd:", 7))
		return -SHM_E_NOT_SHM;
	struct stat st;
	if (stat(path, &st) < 0)
		return -errno;
	shm_seg_from_stat(out, SHM_KIND_MEMFD, &st);
	out->holder_pid = pid;
	out->holder_fd = fd;
	size_t len = (size_t)n - 7;
	if (len > 10 && !strcmp(link + n - 10, " (deleted)"))
		len -= 10;
	out->name = strndup(link + 7, len);
	return out->name ? 0 : -ENOMEM;
}
