// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Objects known only by their mappings: shared anonymous memory (an inode of
 * the internal shmem mount that no name reaches) and regular files mapped
 * MAP_SHARED. Both come from the one holders pass; one record per inode,
 * measured once whatever the number of processes mapping it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"

static void map_files_path(struct shm_ctx *ctx, const struct shm_hold *h, char *path,
			   size_t size)
{
	snprintf(path, size, "%s/%d/map_files/%llx-%llx", shm_ctx_proc_root(ctx), (int)h->pid,
		 (unsigned long long)h->start, (unsigned long long)h->end);
}

/* "start-end perms ...": a mapping's first line in smaps, not one of its fields. */
static bool heading(const char *line)
{
	const char *dash = strchr(line, '-'), *space = strchr(line, ' ');
	return dash && space && dash < space && strspn(line, "0123456789abcdef") == (size_t)(dash - line);
}

/*
 * A field of the mapping's block in the holder's smaps, in bytes: "Swap:" of
 * a shared shmem mapping is the object's swap over the range it maps.
 */
static uint64_t smaps_field(struct shm_ctx *ctx, const struct shm_hold *h, const char *field)
{
	char path[PATH_MAX], head[64];
	snprintf(path, sizeof(path), "%s/%d/smaps", shm_ctx_proc_root(ctx), (int)h->pid);
	snprintf(head, sizeof(head), "%llx-%llx ", (unsigned long long)h->start,
		 (unsigned long long)h->end);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	char *line = NULL;
	size_t cap = 0;
	bool in = false;
	uint64_t swap = 0;
	while (getline(&line, &cap, f) > 0) {
		if (!in) {
			in = !strncmp(line, head, strlen(head));
		} else if (!strncmp(line, field, strlen(field))) {
			swap = strtoull(line + strlen(field), NULL, 10) * 1024;
			break;
		} else if (heading(line)) {
			break; /* the next mapping's: this one has no such field */
		}
	}
	free(line);
	fclose(f);
	return swap;
}

/*
 * Page cache pages of the file, by mincore(2) on a read-only map of it. Only
 * on a block device: opening a file of FUSE, NFS and the like asks a server
 * that may never answer, so there the holder's smaps Rss says what it maps.
 */
static uint64_t file_resident(struct shm_ctx *ctx, const struct shm_hold *h, uint64_t size)
{
	if (major(h->dev) == 0)
		return smaps_field(ctx, h, "Rss:");
	char path[PATH_MAX];
	map_files_path(ctx, h, path, sizeof(path));
	struct stat st;
	int fd = shm_magic_open(ctx, path, SHM_MAGIC_FILE, O_RDONLY, &st);
	if (fd < 0)
		return 0;
	uint64_t resident = 0;
	long page = sysconf(_SC_PAGESIZE);
	size_t len = size < SIZE_MAX ? (size_t)size : 0;
	void *p = len ? mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
	close(fd);
	if (p == MAP_FAILED)
		return 0;
	size_t npages = (len + (size_t)page - 1) / (size_t)page;
	unsigned char *vec = malloc(npages);
	if (vec && mincore(p, len, vec) == 0)
		for (size_t i = 0; i < npages; i++)
			resident += (vec[i] & 1) * (uint64_t)page;
	free(vec);
	munmap(p, len);
	return resident;
}

/* One record for the object whose holds are v[0..n), sorted by pid then address. */
static int add_object(struct shm_ctx *ctx, enum shm_kind kind, const struct shm_hold *v,
		      size_t n, bool need_usage, struct shm_list *list)
{
	char path[PATH_MAX];
	map_files_path(ctx, &v[0], path, sizeof(path));
	struct stat st;
	int r = shm_magic_open(ctx, path, kind == SHM_KIND_ANON ? SHM_MAGIC_ANON : SHM_MAGIC_FILE,
			       -1, &st);
	if (r == -ENOENT)
		return 0; /* unmapped meanwhile */
	struct shm_seg *seg;
	int e = shm_list_push(list, &seg);
	if (e < 0)
		return e;
	if (r == 0) {
		shm_seg_from_stat(seg, kind, &st);
	} else {
		/* map_files is not ours to open (no CAP_SYS_ADMIN): what maps says. */
		memset(seg, 0, sizeof(*seg));
		seg->kind = kind;
		seg->dev = v[0].dev;
		seg->ino = v[0].ino;
		for (size_t i = 0; i < n; i++)
			if (v[i].end - v[i].start > seg->size)
				seg->size = v[i].end - v[i].start;
	}
	seg->fields |= SHM_F_NATTCH;
	seg->nattch = shm_holds_procs(v, n);
	seg->holder_pid = v[0].pid;
	seg->holder_fd = -1;
	seg->holder_start = v[0].start;
	seg->holder_end = v[0].end;
	if (kind == SHM_KIND_FILE && !(seg->name = strdup(v[0].name ? v[0].name : "")))
		return -ENOMEM;
	if (r == 0 && kind == SHM_KIND_ANON) {
		seg->fields |= SHM_F_RSS;
		seg->swap = need_usage ? smaps_field(ctx, &v[0], "Swap:") : 0;
		seg->rss = seg->alloc > seg->swap ? seg->alloc - seg->swap : 0;
	} else if (r == 0 && need_usage) {
		seg->fields |= SHM_F_RSS;
		seg->rss = file_resident(ctx, &v[0], seg->size);
	}
	if (kind == SHM_KIND_FILE)
		seg->fields &= ~(unsigned)SHM_F_ALLOC; /* blocks on disk, not memory */
	return 0;
}

static int list_kind(struct shm_ctx *ctx, enum shm_kind kind, bool need_usage,
		     struct shm_list *list)
{
	enum shm_hold_kind hk = kind == SHM_KIND_ANON ? SHM_HOLD_ANON : SHM_HOLD_FILE;
	const struct shm_holders *h;
	int r = shm_ctx_holders_for(ctx, kind == SHM_KIND_ANON ? SHM_SCAN_ANON : SHM_SCAN_FILES,
				    &h);
	if (r < 0)
		return r;
	for (size_t i = 0; i < h->n && r == 0;) {
		if (h->v[i].kind != hk) {
			i++;
			continue;
		}
		size_t j = i + 1;
		while (j < h->n && h->v[j].kind == hk && h->v[j].dev == h->v[i].dev &&
		       h->v[j].ino == h->v[i].ino)
			j++;
		r = add_object(ctx, kind, &h->v[i], j - i, need_usage, list);
		i = j;
	}
	return r;
}

int shm_anon_list(struct shm_ctx *ctx, bool need_usage, struct shm_list *list)
{
	return list_kind(ctx, SHM_KIND_ANON, need_usage, list);
}

int shm_file_list(struct shm_ctx *ctx, bool need_usage, struct shm_list *list)
{
	return list_kind(ctx, SHM_KIND_FILE, need_usage, list);
}

int shm_mapping_stat(struct shm_ctx *ctx, enum shm_kind kind, pid_t pid, uint64_t addr,
		     struct shm_seg *out)
{
	enum shm_hold_kind hk = kind == SHM_KIND_ANON ? SHM_HOLD_ANON : SHM_HOLD_FILE;
	const struct shm_holders *h;
	int r = shm_ctx_holders_for(ctx, kind == SHM_KIND_ANON ? SHM_SCAN_ANON : SHM_SCAN_FILES,
				    &h);
	if (r < 0)
		return r;
	const struct shm_hold *found = NULL;
	for (size_t i = 0; i < h->n && !found; i++)
		if (h->v[i].kind == hk && h->v[i].pid == pid && h->v[i].start <= addr &&
		    addr < h->v[i].end)
			found = &h->v[i];
	if (!found)
		return -ENOENT;
	struct shm_seg key = { .dev = found->dev, .ino = found->ino };
	size_t n;
	const struct shm_hold *v = shm_holders_find(h, hk, &key, &n);
	struct shm_list one;
	shm_list_init(&one);
	r = add_object(ctx, kind, v, n, true, &one);
	if (r == 0 && one.n == 0)
		r = -ENOENT;
	if (r == 0) {
		*out = one.v[0];
		one.n = 0;
	}
	shm_list_free(&one);
	return r;
}

/*
 * Buffers named "drm mm object" or i915 are shmem inodes: one per inode, at
 * its largest mapping. Mappings through /dev/dri share the device node's
 * inode: each counts.
 */
int shm_gpu_usage(struct shm_ctx *ctx, uint64_t *objects, uint64_t *bytes)
{
	const struct shm_holders *h;
	int r = shm_ctx_holders_for(ctx, SHM_SCAN_GPU, &h);
	*objects = *bytes = 0;
	if (r < 0)
		return r;
	for (size_t i = 0; i < h->n;) {
		const struct shm_hold *a = &h->v[i];
		if (a->kind != SHM_HOLD_GPU) {
			i++;
			continue;
		}
		bool node = a->name && !strncmp(a->name, "/dev/dri/", 9);
		size_t j = i + 1;
		uint64_t len = a->end - a->start;
		while (!node && j < h->n && h->v[j].kind == SHM_HOLD_GPU &&
		       h->v[j].dev == a->dev && h->v[j].ino == a->ino) {
			if (h->v[j].end - h->v[j].start > len)
				len = h->v[j].end - h->v[j].start;
			j++;
		}
		*objects += 1;
		*bytes = shm_add_sat(*bytes, len);
		i = j;
	}
	return 0;
}

bool shm_sysv_hugetlb(struct shm_ctx *ctx, const struct shm_seg *seg)
{
	const struct shm_holders *h;
	uint64_t shmem_dev, mnt_id;
	if (seg->kind != SHM_KIND_SYSV || shm_ctx_holders_for(ctx, 0, &h) < 0 ||
	    shm_ctx_shmem_identity(ctx, &shmem_dev, &mnt_id) < 0 || !shmem_dev)
		return false;
	size_t n;
	const struct shm_hold *v = shm_holders_find(h, SHM_HOLD_SYSV, seg, &n);
	return n > 0 && v[0].dev != shmem_dev;
}
