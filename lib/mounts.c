// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Every shmem-backed mount the caller can see (tmpfs, devtmpfs) and hugetlbfs,
 * from mountinfo, one per device, with its use from statvfs. A mount covered
 * by another one at its mount point cannot be measured from here: it is named,
 * with what covers it, never guessed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"

struct mount_line {
	uint64_t dev;
	char *point; /* decoded */
	const char *fstype;
};

/* mountinfo writes space, tab, newline and backslash in paths as \ooo. */
static void unescape(char *s)
{
	char *w = s;
	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
		    p[3] >= '0' && p[3] <= '7') {
			*w++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 3;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
}

static const char *wanted_fstype(const char *fs)
{
	static const char *const types[] = { "tmpfs", "devtmpfs", "hugetlbfs", "ramfs" };
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(fs, types[i]))
			return types[i];
	return NULL;
}

/* "id parent maj:min root point opts [optional...] - fstype source superopts" */
static bool parse_line(char *line, struct mount_line *out)
{
	unsigned maj, min;
	int point_at = 0, point_end = 0;
	if (sscanf(line, "%*u %*u %u:%u %*s %n%*s%n", &maj, &min, &point_at, &point_end) != 2 ||
	    !point_end)
		return false;
	char *sep = strstr(line + point_end, " - ");
	if (!sep)
		return false;
	char *fs = sep + 3, *fs_end = strchr(fs, ' ');
	if (fs_end)
		*fs_end = '\0';
	out->fstype = wanted_fstype(fs);
	if (!out->fstype)
		return false;
	line[point_end] = '\0';
	out->point = line + point_at;
	unescape(out->point);
	out->dev = makedev(maj, min);
	return true;
}

static int for_each_mount(struct shm_ctx *ctx, int (*fn)(const struct mount_line *m, void *arg),
			  void *arg)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/self/mountinfo", shm_ctx_proc_root(ctx));
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	char *line = NULL;
	size_t cap = 0;
	int r = 0;
	while (r == 0 && getline(&line, &cap, f) > 0) {
		struct mount_line m;
		line[strcspn(line, "\n")] = '\0';
		if (parse_line(line, &m))
			r = fn(&m, arg);
	}
	free(line);
	fclose(f);
	return r;
}

struct devs {
	uint64_t *v;
	size_t n;
};

static int add_dev(const struct mount_line *m, void *arg)
{
	struct devs *d = arg;
	uint64_t *v = reallocarray(d->v, d->n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	d->v = v;
	d->v[d->n++] = m->dev;
	return 0;
}

int shm_mounts_tmpfs_devs(struct shm_ctx *ctx, uint64_t **devs, size_t *n)
{
	struct devs d = { NULL, 0 };
	int r = for_each_mount(ctx, add_dev, &d);
	if (r < 0 && r != -ENOENT) {
		free(d.v);
		return r;
	}
	*devs = d.v;
	*n = d.n;
	return 0;
}

struct mounts_arg {
	struct shm_mounts *m;
	uint64_t shm_dev;
	const uint64_t *scope_devs; /* other namespaces' shm directories (-A) */
	size_t nscope_devs;
};

/*
 * A container's /dev/shm is often a tmpfs the host mounted for it (docker's
 * .../mounts/shm): once its objects are listed as POSIX, it is not a tmpfs too.
 */
static bool is_shm_dir(const struct mounts_arg *a, uint64_t dev)
{
	if (a->shm_dev && dev == a->shm_dev)
		return true;
	for (size_t i = 0; i < a->nscope_devs; i++)
		if (a->scope_devs[i] == dev)
			return true;
	return false;
}

/* The device at @point now, without waiting on a file system that stops answering. */
static int dev_at(const char *point, uint64_t *dev)
{
	struct statx stx;
	if (statx(AT_FDCWD, point, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_STATX_DONT_SYNC,
		  STATX_TYPE, &stx) < 0)
		return -errno;
	*dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
	return 0;
}

static void measure(struct shm_mount *mt, const char *point)
{
	uint64_t dev = 0;
	int r = dev_at(point, &dev);
	mt->hidden = r < 0 || dev != mt->dev;
	mt->hidden_by = r < 0 ? 0 : dev;
	struct statvfs sv;
	if (mt->hidden || statvfs(point, &sv) < 0)
		return;
	mt->size = (uint64_t)sv.f_blocks * sv.f_frsize;
	mt->used = (uint64_t)(sv.f_blocks - sv.f_bfree) * sv.f_frsize;
	/* tmpfs size=0 has no limit and says 0 blocks: its use is not known. */
	mt->measured = sv.f_blocks > 0;
}

static int add_mount(const struct mount_line *ml, void *arg)
{
	struct mounts_arg *a = arg;
	struct shm_mounts *m = a->m;
	struct shm_mount *mt = NULL;
	for (size_t i = 0; i < m->n && !mt; i++)
		if (m->v[i].dev == ml->dev)
			mt = &m->v[i];
	if (mt && !mt->hidden)
		return 0; /* one line per device: the first mount point that shows it */
	if (!mt) {
		struct shm_mount *v = reallocarray(m->v, m->n + 1, sizeof(*v));
		if (!v)
			return -ENOMEM;
		m->v = v;
		mt = &m->v[m->n++];
		memset(mt, 0, sizeof(*mt));
		mt->dev = ml->dev;
		mt->fstype = strdup(ml->fstype);
		mt->hugetlb = !strcmp(ml->fstype, "hugetlbfs");
		mt->is_shm_dir = is_shm_dir(a, ml->dev);
	}
	char *point = strdup(ml->point);
	if (!point || !mt->fstype) {
		free(point);
		return -ENOMEM;
	}
	free(mt->path);
	mt->path = point;
	measure(mt, point);
	return 0;
}

int shm_mounts_read(struct shm_ctx *ctx, struct shm_mounts *out)
{
	memset(out, 0, sizeof(*out));
	struct mounts_arg a = { out, 0, NULL, 0 };
	shm_ctx_shm_devs(ctx, &a.scope_devs, &a.nscope_devs);
	struct stat st;
	int dfd = shm_dir_open(ctx);
	if (dfd >= 0 && fstat(dfd, &st) == 0)
		a.shm_dev = st.st_dev;
	if (dfd >= 0)
		close(dfd);
	int r = for_each_mount(ctx, add_mount, &a);
	if (r < 0)
		shm_mounts_free(out);
	return r;
}

void shm_mounts_free(struct shm_mounts *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].path);
		free(m->v[i].fstype);
	}
	free(m->v);
	memset(m, 0, sizeof(*m));
}

static uint64_t meminfo_kb(const char *buf, const char *key, bool *found)
{
	const char *p = strstr(buf, key);
	*found = p != NULL;
	return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

int shm_meminfo_hugepages(struct shm_ctx *ctx, uint64_t *used, uint64_t *total)
{
	char path[PATH_MAX], buf[8192];
	snprintf(path, sizeof(path), "%s/meminfo", shm_ctx_proc_root(ctx));
	ssize_t n = shm_read_small(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	bool a, b, c, d;
	uint64_t pages = meminfo_kb(buf, "\nHugePages_Total:", &a);
	uint64_t free_pages = meminfo_kb(buf, "\nHugePages_Free:", &b);
	uint64_t kb = meminfo_kb(buf, "\nHugepagesize:", &c);
	uint64_t all_kb = meminfo_kb(buf, "\nHugetlb:", &d); /* every huge page size */
	if (!a || !b || !c)
		return -SHM_E_BAD_PROC;
	*used = (pages > free_pages ? pages - free_pages : 0) * kb * 1024;
	*total = d ? all_kb * 1024 : pages * kb * 1024;
	return 0;
}
