// SPDX-License-Identifier: LGPL-2.1-or-later
/* The record list and the filters ls and rm share. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void shm_list_init(struct shm_list *list)
{
	memset(list, 0, sizeof(*list));
}

void shm_seg_clear(struct shm_seg *seg)
{
	free(seg->name);
	seg->name = NULL;
}

void shm_list_free(struct shm_list *list)
{
	shm_list_foreach(seg, list)
		shm_seg_clear(seg);
	free(list->v);
	shm_list_init(list);
}

int shm_list_push(struct shm_list *list, struct shm_seg **out)
{
	if (list->n == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 64;
		struct shm_seg *v = reallocarray(list->v, cap, sizeof(*v));
		if (!v)
			return -ENOMEM;
		list->v = v;
		list->cap = cap;
	}
	*out = &list->v[list->n++];
	memset(*out, 0, sizeof(**out));
	return 0;
}

static int64_t last_use(const struct shm_seg *seg)
{
	int64_t t = seg->ctime;
	if (seg->atime > t)
		t = seg->atime;
	if (seg->dtime > t)
		t = seg->dtime;
	if (seg->mtime > t)
		t = seg->mtime;
	return t;
}

/* No process maps it or holds it open; unknown (scan failed) counts as held. */
static bool unheld(struct shm_ctx *ctx, const struct shm_seg *seg)
{
	const struct shm_holders *h;
	if (shm_ctx_holders(ctx, true, &h) < 0 || !shm_holders_complete(h))
		return false; /* a process we cannot see may hold it: never guess */
	size_t maps, fds;
	shm_holders_find(h, SHM_HOLD_MAP, seg, &maps);
	shm_holders_find(h, SHM_HOLD_FD, seg, &fds);
	return maps == 0 && fds == 0;
}

bool shm_seg_orphaned(struct shm_ctx *ctx, const struct shm_seg *seg)
{
	if (seg->kind == SHM_KIND_POSIX)
		return unheld(ctx, seg);
	if (seg->kind != SHM_KIND_SYSV)
		return false; /* a memfd exists only while held; a semaphore is not ours */
	if (seg->nattch != 0 || !(seg->fields & SHM_F_CPID))
		return false;
	return !shm_ctx_pid_alive_since(ctx, seg->cpid, seg->ctime);
}

bool shm_filter_match(struct shm_ctx *ctx, const struct shm_filter *f, const struct shm_seg *seg)
{
	if (f->by_user && seg->uid != f->user)
		return false;
	if (f->dest && !(seg->kind == SHM_KIND_SYSV && (seg->mode & SHM_MODE_DEST)))
		return false;
	if (seg->size < f->min_size)
		return false;
	if (f->by_unused) {
		int64_t idle = shm_ctx_now(ctx) - last_use(seg);
		if (idle < 0 || (uint64_t)idle < f->unused_for)
			return false;
	}
	if (f->orphaned && !shm_seg_orphaned(ctx, seg))
		return false;
	return true;
}
