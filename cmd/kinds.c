// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Every kind of shared memory summed next to the kernel's Shmem. The sum is
 * of resident bytes, the unit Shmem counts: System V rss, bytes allocated in
 * a tmpfs (POSIX, memfd, tmpfs mounts), shared anonymous memory allocated
 * minus swapped, GPU buffers as mapped. What is left is stated with its
 * causes, never folded into a kind.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "kinds.h"
#include "select.h"

const char *const kind_names[K_COUNT] = { "sysv", "posix", "memfd", "anon", "tmpfs", "gpu",
					  "file", "HugePages" };

static void add(struct kind_total *k, const struct shm_seg *seg, uint64_t rss)
{
	k->objects++;
	k->size = shm_add_sat(k->size, seg->size);
	k->rss = shm_add_sat(k->rss, rss);
	k->swap = shm_add_sat(k->swap, seg->swap);
}

bool totals_in_shmem(struct shm_ctx *ctx, const struct shm_seg *seg)
{
	return seg->kind != SHM_KIND_FILE && !shm_sysv_hugetlb(ctx, seg);
}

static void sum_list(struct shm_ctx *ctx, const struct shm_list *list, struct totals *t)
{
	shm_list_foreach(seg, list) {
		switch (seg->kind) {
		case SHM_KIND_SYSV:
			if (shm_sysv_hugetlb(ctx, seg))
				add(&t->k[K_HUGE], seg, 0); /* the pool's use is meminfo's */
			else
				add(&t->k[K_SYSV], seg, seg->rss);
			break;
		case SHM_KIND_POSIX:
		case SHM_KIND_SEM:
			add(&t->k[K_POSIX], seg, seg->alloc);
			break;
		case SHM_KIND_MEMFD:
			add(&t->k[K_MEMFD], seg, seg->alloc);
			break;
		case SHM_KIND_ANON:
			add(&t->k[K_ANON], seg, seg->rss);
			break;
		case SHM_KIND_FILE:
			add(&t->k[K_FILE], seg, seg->rss);
			break;
		}
	}
}

static void sum_mounts(struct totals *t)
{
	for (size_t i = 0; i < t->mounts.n; i++) {
		const struct shm_mount *m = &t->mounts.v[i];
		struct kind_total *k = m->hugetlb ? &t->k[K_HUGE] : &t->k[K_TMPFS];
		/* The shm directory is the posix line; ramfs pages are not Shmem. */
		if (m->is_shm_dir || !m->measured || !strcmp(m->fstype, "ramfs"))
			continue;
		k->objects++;
		k->size = shm_add_sat(k->size, m->size);
		if (!m->hugetlb)
			k->rss = shm_add_sat(k->rss, m->used);
	}
}

static void init_kinds(struct totals *t)
{
	static const unsigned has[K_COUNT] = {
		[K_SYSV] = HAS_OBJECTS | HAS_SIZE | HAS_RSS | HAS_SWAP,
		[K_POSIX] = HAS_OBJECTS | HAS_SIZE | HAS_RSS,
		[K_MEMFD] = HAS_OBJECTS | HAS_SIZE | HAS_RSS,
		[K_ANON] = HAS_OBJECTS | HAS_SIZE | HAS_RSS | HAS_SWAP,
		[K_TMPFS] = HAS_OBJECTS | HAS_SIZE | HAS_RSS,
		[K_GPU] = HAS_OBJECTS | HAS_SIZE | HAS_RSS,
		[K_FILE] = HAS_OBJECTS | HAS_SIZE | HAS_RSS,
		[K_HUGE] = HAS_OBJECTS | HAS_SIZE | HAS_RSS,
	};
	for (int i = 0; i < K_COUNT; i++)
		t->k[i] = (struct kind_total){ .kind = kind_names[i], .has = has[i] };
}

static int gather_other(const char *cmd, struct shm_ctx *ctx, struct totals *t)
{
	int status = EXIT_OK, r;
	if ((r = shm_mounts_read(ctx, &t->mounts)) < 0) {
		cmd_error_sys(cmd, "mountinfo", r);
		status = EXIT_FAIL;
	}
	sum_mounts(t);
	struct kind_total *g = &t->k[K_GPU];
	if (shm_gpu_usage(ctx, &g->objects, &g->size) == 0)
		g->rss = g->size;
	uint64_t used, total;
	if (shm_meminfo_hugepages(ctx, &used, &total) == 0) {
		t->k[K_HUGE].size = shm_add_sat(t->k[K_HUGE].size, 0);
		t->k[K_HUGE].size = total > t->k[K_HUGE].size ? total : t->k[K_HUGE].size;
		t->k[K_HUGE].rss = used;
	}
	if ((r = shm_meminfo_shmem(ctx, &t->shmem)) < 0) {
		cmd_error_sys(cmd, "/proc/meminfo", r);
		return EXIT_FAIL;
	}
	t->has_shmem = true;
	for (int i = 0; i < K_IN_SHMEM; i++)
		t->explained = shm_add_sat(t->explained, t->k[i].rss);
	t->unexplained = t->shmem > t->explained ? t->shmem - t->explained : 0;
	t->overcounted = t->explained > t->shmem ? t->explained - t->shmem : 0;
	return status;
}

int totals_gather(const char *cmd, struct shm_ctx *ctx, bool all_ns, struct shm_list *list,
		  struct totals *t)
{
	memset(t, 0, sizeof(*t));
	init_kinds(t);
	struct selection sel = { .sem = true, .memfd = true, .anon = true, .files = true,
				  .gpu = true, .need_usage = true, .all_ns = all_ns };
	int status = select_list(cmd, ctx, &sel, list);
	sum_list(ctx, list, t);
	const struct shm_holders *h;
	if (shm_ctx_holders_for(ctx, SHM_SCAN_ALL, &h) == 0)
		t->holders = h;
	int st = gather_other(cmd, ctx, t);
	return st != EXIT_OK ? st : status;
}

void totals_free(struct totals *t)
{
	shm_mounts_free(&t->mounts);
}

static void say_mounts(const struct totals *t, void (*fn)(const char *line, void *arg), void *arg)
{
	char line[PATH_MAX + 160];
	for (size_t i = 0; i < t->mounts.n; i++) {
		const struct shm_mount *m = &t->mounts.v[i];
		if (m->hidden && m->hidden_by)
			snprintf(line, sizeof(line), "%s %u:%u under %s, hidden by %u:%u: not measured",
				 m->fstype, major(m->dev), minor(m->dev), m->path,
				 major(m->hidden_by), minor(m->hidden_by));
		else if (m->hidden)
			snprintf(line, sizeof(line), "%s %u:%u under %s cannot be reached: not measured",
				 m->fstype, major(m->dev), minor(m->dev), m->path);
		else if (!m->measured && strcmp(m->fstype, "ramfs"))
			snprintf(line, sizeof(line), "%s %u:%u on %s has no size limit: its use is not known",
				 m->fstype, major(m->dev), minor(m->dev), m->path);
		else
			continue;
		fn(line, arg);
	}
}

struct counting {
	void (*fn)(const char *line, void *arg);
	void *arg;
	size_t n;
};

static void count_line(const char *line, void *arg)
{
	struct counting *c = arg;
	c->n++;
	c->fn(line, c->arg);
}

static void stated_causes(const struct totals *t, void (*fn)(const char *line, void *arg),
			  void *arg)
{
	char line[256], why[160];
	const struct shm_holders *h = t->holders;
	if (!h) {
		fn("no process could be seen: anon, memfd and gpu are not counted", arg);
	} else {
		if (h->hidden) {
			snprintf(line, sizeof(line), "%zu process%s could not be read: what only %s "
				 "map%s is not counted", h->hidden, h->hidden == 1 ? "" : "es",
				 h->hidden == 1 ? "it" : "they", h->hidden == 1 ? "s" : "");
			fn(line, arg);
		}
		if (h->unseen != SHM_UNSEEN_NONE) {
			struct shm_holders only_unseen = { .unseen = h->unseen };
			fn(cmd_unseen_text(&only_unseen, why, sizeof(why)), arg);
		}
		if (h->other_ipc) {
			snprintf(line, sizeof(line), "%zu process%s attached to System V segments of "
				 "another IPC namespace: those segments are not counted",
				 h->other_ipc, h->other_ipc == 1 ? " is" : "es are");
			fn(line, arg);
		}
	}
	say_mounts(t, fn, arg);
	if (t->overcounted) {
		char size[16];
		snprintf(line, sizeof(line), "the kinds add up to %s more than Shmem: allocated "
			 "bytes (posix, memfd, tmpfs) include swapped-out pages",
			 shm_format_size(t->overcounted, size));
		fn(line, arg);
	}
}

void totals_causes(const struct totals *t, void (*fn)(const char *line, void *arg), void *arg)
{
	struct counting c = { fn, arg, 0 };
	stated_causes(t, count_line, &c);
	if (t->has_shmem && t->unexplained && !c.n)
		fn("no cause seen for the unexplained rest: shmem that no visible process maps or "
		   "holds and no visible mount holds (a driver's own buffers, a tmpfs of another "
		   "mount namespace)", arg);
	fn("file (page cache) and HugePages are not part of Shmem: shown apart", arg);
}
