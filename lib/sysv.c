// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * System V segments: the /proc/sysvipc/shm parser and the shmctl wrappers.
 * The parser locates columns by the header line, so kernels that print fewer
 * or more columns still parse; a line that does not fit is skipped, counted.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>

#ifndef SHM_STAT_ANY
#define SHM_STAT_ANY 15 /* Linux 4.17 */
#endif
#include <unistd.h>

#include "internal.h"

enum col {
	COL_IGNORED, COL_KEY, COL_SHMID, COL_PERMS, COL_SIZE, COL_CPID, COL_LPID,
	COL_NATTCH, COL_UID, COL_GID, COL_CUID, COL_CGID, COL_ATIME, COL_DTIME,
	COL_CTIME, COL_RSS, COL_SWAP,
};

static const char *const col_names[] = {
	[COL_KEY] = "key", [COL_SHMID] = "shmid", [COL_PERMS] = "perms",
	[COL_SIZE] = "size", [COL_CPID] = "cpid", [COL_LPID] = "lpid",
	[COL_NATTCH] = "nattch", [COL_UID] = "uid", [COL_GID] = "gid",
	[COL_CUID] = "cuid", [COL_CGID] = "cgid", [COL_ATIME] = "atime",
	[COL_DTIME] = "dtime", [COL_CTIME] = "ctime", [COL_RSS] = "rss",
	[COL_SWAP] = "swap",
};

#define MAX_COLS 64
#define READ_CHUNK (256 * 1024)

struct parser {
	enum col cols[MAX_COLS];
	size_t ncols;
	bool have_header;
	unsigned seen; /* bit per enum col */
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int parse_header(struct parser *p, const char *s, const char *end)
{
	p->ncols = 0;
	while (s < end) {
		while (s < end && is_space(*s))
			s++;
		if (s == end)
			break;
		const char *tok = s;
		while (s < end && !is_space(*s))
			s++;
		if (p->ncols == MAX_COLS)
			return -SHM_E_BAD_PROC;
		enum col c = COL_IGNORED;
		for (size_t i = 1; i < sizeof(col_names) / sizeof(col_names[0]); i++) {
			if (strlen(col_names[i]) == (size_t)(s - tok) &&
			    !memcmp(col_names[i], tok, (size_t)(s - tok))) {
				c = (enum col)i;
				break;
			}
		}
		if (c != COL_IGNORED && (p->seen & (1u << c)))
			return -SHM_E_BAD_PROC;
		p->seen |= 1u << c;
		p->cols[p->ncols++] = c;
	}
	const unsigned need = 1u << COL_KEY | 1u << COL_SHMID | 1u << COL_PERMS | 1u << COL_SIZE;
	if ((p->seen & need) != need)
		return -SHM_E_BAD_PROC;
	p->have_header = true;
	return 0;
}

/* Parses [s, end) as an unsigned number in @base; false unless all of it is digits. */
static bool parse_unsigned(const char *s, const char *end, unsigned base, uint64_t *out)
{
	if (s == end || end - s > 22)
		return false;
	uint64_t v = 0;
	for (; s < end; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (d >= base)
			return false;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

static bool fits(uint64_t v, uint64_t max)
{
	return v <= max;
}

static bool store(struct shm_seg *seg, enum col c, const char *s, const char *end)
{
	uint64_t v;
	if (c == COL_IGNORED)
		return true; /* a column a newer kernel added: not ours to judge */
	if (c == COL_KEY) {
		bool neg = *s == '-';
		if (!parse_unsigned(s + neg, end, 10, &v))
			return false;
		if (neg ? v > 2147483648u : v > UINT32_MAX)
			return false;
		seg->key = (int32_t)(uint32_t)(neg ? (uint32_t)(0u - (uint32_t)v) : (uint32_t)v);
		seg->fields |= SHM_F_KEY;
		return true;
	}
	if (!parse_unsigned(s, end, c == COL_PERMS ? 8 : 10, &v))
		return false;
	switch (c) {
	case COL_SHMID:
		if (!fits(v, INT32_MAX))
			return false;
		seg->id = (int)v;
		seg->fields |= SHM_F_ID;
		break;
	case COL_PERMS:
		if (!fits(v, 0177777))
			return false;
		seg->mode = (uint32_t)v;
		seg->fields |= SHM_F_STATUS;
		break;
	case COL_SIZE: seg->size = v; break;
	case COL_CPID:
		if (!fits(v, INT32_MAX))
			return false;
		seg->cpid = (pid_t)v;
		seg->fields |= SHM_F_CPID;
		break;
	case COL_LPID:
		if (!fits(v, INT32_MAX))
			return false;
		seg->lpid = (pid_t)v;
		seg->fields |= SHM_F_LPID;
		break;
	case COL_NATTCH: seg->nattch = v; seg->fields |= SHM_F_NATTCH; break;
	case COL_UID: if (!fits(v, UINT32_MAX)) return false; seg->uid = (uid_t)v; break;
	case COL_GID: if (!fits(v, UINT32_MAX)) return false; seg->gid = (gid_t)v; break;
	case COL_CUID:
		if (!fits(v, UINT32_MAX))
			return false;
		seg->cuid = (uid_t)v;
		seg->fields |= SHM_F_CREATOR;
		break;
	case COL_CGID: if (!fits(v, UINT32_MAX)) return false; seg->cgid = (gid_t)v; break;
	case COL_ATIME: if (!fits(v, INT64_MAX)) return false; seg->atime = (int64_t)v; seg->fields |= SHM_F_ATIME; break;
	case COL_DTIME: if (!fits(v, INT64_MAX)) return false; seg->dtime = (int64_t)v; seg->fields |= SHM_F_DTIME; break;
	case COL_CTIME: if (!fits(v, INT64_MAX)) return false; seg->ctime = (int64_t)v; seg->fields |= SHM_F_CTIME; break;
	case COL_RSS: seg->rss = v; seg->fields |= SHM_F_RSS; break;
	case COL_SWAP: seg->swap = v; break;
	default: break;
	}
	return true;
}

/* One data line into @seg; false when it does not match the header. */
static bool parse_line(const struct parser *p, const char *s, const char *end, struct shm_seg *seg)
{
	memset(seg, 0, sizeof(*seg));
	seg->kind = SHM_KIND_SYSV;
	size_t i = 0;
	while (s < end) {
		while (s < end && is_space(*s))
			s++;
		if (s == end)
			break;
		const char *tok = s;
		while (s < end && !is_space(*s))
			s++;
		if (i == p->ncols || !store(seg, p->cols[i], tok, s))
			return false;
		i++;
	}
	return i == p->ncols;
}

/* Feeds one line (without its newline). @want >= 0 stops at that shmid into @found. */
static int feed_line(struct parser *p, const char *s, const char *end, struct shm_list *list,
		     int want, struct shm_seg *found)
{
	if (!p->have_header)
		return parse_header(p, s, end);
	struct shm_seg seg;
	if (!parse_line(p, s, end, &seg)) {
		/* An empty line is no record, not a broken one. */
		while (s < end && is_space(*s))
			s++;
		if (s != end && list)
			list->bad_lines++;
		return 0;
	}
	if (want >= 0) {
		if (seg.id != want)
			return 0;
		*found = seg;
		return 1;
	}
	struct shm_seg *slot;
	int r = shm_list_push(list, &slot);
	if (r < 0)
		return r;
	*slot = seg;
	return 0;
}

/* Feeds every complete line of [buf, buf+len); returns bytes consumed or <0 / stop. */
static int feed_lines(struct parser *p, const char *buf, size_t len, bool final,
		      struct shm_list *list, int want, struct shm_seg *found, size_t *used)
{
	const char *s = buf, *end = buf + len;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl && !final)
			break;
		const char *eol = nl ? nl : end;
		int r = feed_line(p, s, eol, list, want, found);
		if (r != 0)
			return r;
		s = nl ? nl + 1 : end;
	}
	*used = (size_t)(s - buf);
	return 0;
}

int shm_sysv_parse(const char *buf, size_t len, struct shm_list *list)
{
	struct parser p = { 0 };
	size_t used;
	int r = feed_lines(&p, buf, len, true, list, -1, NULL, &used);
	if (r < 0)
		return r;
	return p.have_header ? 0 : -SHM_E_BAD_PROC;
}

/* Reads @fd in big chunks, parsing as it goes so memory stays bounded. */
static int scan_fd(int fd, struct shm_list *list, int want, struct shm_seg *found)
{
	struct parser p = { 0 };
	char *buf = malloc(READ_CHUNK);
	if (!buf)
		return -ENOMEM;
	size_t have = 0;
	int r = 0;
	for (;;) {
		ssize_t n = read(fd, buf + have, READ_CHUNK - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		have += (size_t)n;
		size_t used = 0;
		bool final = n == 0;
		r = feed_lines(&p, buf, have, final, list, want, found, &used);
		if (r != 0 || final)
			break;
		if (used == 0 && have == READ_CHUNK) {
			r = -SHM_E_BAD_PROC; /* a line longer than the buffer */
			break;
		}
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	free(buf);
	if (r < 0)
		return r;
	if (!p.have_header)
		return -SHM_E_BAD_PROC;
	return r;
}

int shm_sysv_parse_file(FILE *f, struct shm_list *list)
{
	fflush(f);
	return scan_fd(fileno(f), list, -1, NULL);
}

static int by_id(const void *a, const void *b)
{
	const struct shm_seg *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

static bool sorted_by_id(const struct shm_seg *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (v[i - 1].id > v[i].id)
			return false;
	return true;
}

static int open_proc_shm(struct shm_ctx *ctx)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/sysvipc/shm", shm_ctx_proc_root(ctx));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static void from_ds(int id, const struct shmid_ds *ds, struct shm_seg *seg);

int shm_sysv_walk(struct shm_ctx *ctx, int (*fn)(const struct shm_seg *seg, void *arg),
		  void *arg)
{
	/* A /proc of the caller's choosing (tests, fuzzing) is where segments come from. */
	if (strcmp(shm_ctx_proc_root(ctx), "/proc"))
		return -ENOSYS;
	/*
	 * IPC_INFO gives the highest slot in use as SHM_INFO does, without the
	 * kernel first summing every segment's rss and swap under its locks.
	 */
	struct shminfo info;
	int max = shmctl(0, IPC_INFO, (struct shmid_ds *)(void *)&info);
	if (max < 0)
		return -errno;
	size_t found = 0;
	for (int slot = 0; slot <= max; slot++) {
		struct shmid_ds ds;
		int id = shmctl(slot, SHM_STAT_ANY, &ds);
		if (id < 0) {
			if (errno == EINVAL || errno == EIDRM)
				continue; /* an empty slot, or gone meanwhile */
			return -errno;
		}
		struct shm_seg seg;
		from_ds(id, &ds, &seg);
		shm_seg_set_scope(ctx, &seg);
		int r = fn(&seg, arg);
		if (r < 0)
			return r;
		found++;
	}
	/*
	 * EINVAL for every slot below a highest one in use: no SHM_STAT_ANY (or
	 * every segment went meanwhile, and /proc says so too).
	 */
	return found == 0 && max >= 0 ? -ENOSYS : 0;
}

static int push_copy(const struct shm_seg *seg, void *arg)
{
	struct shm_seg *slot;
	int r = shm_list_push(arg, &slot);
	if (r == 0)
		*slot = *seg;
	return r;
}

int shm_sysv_list(struct shm_ctx *ctx, bool need_usage, struct shm_list *list)
{
	size_t first = list->n;
	int r = -ENOSYS;
	/* A /proc of the caller's choosing (tests, fuzzing) is where segments come from. */
	if (!need_usage)
		r = shm_sysv_walk(ctx, push_copy, list);
	if (r == -ENOSYS || r == -EACCES || r == -EPERM) {
		list->n = first;
		int fd = open_proc_shm(ctx);
		if (fd < 0)
			return fd;
		r = scan_fd(fd, list, -1, NULL);
		close(fd);
		for (size_t i = first; i < list->n; i++)
			shm_seg_set_scope(ctx, &list->v[i]);
	}
	/* The kernel lists by slot, not by id; often that is id order already. */
	if (list->n - first > 1 && !sorted_by_id(list->v + first, list->n - first))
		qsort(list->v + first, list->n - first, sizeof(*list->v), by_id);
	return r;
}

/* The record for one shmid from /proc; -ENOENT when it is not there. */
static int proc_find(struct shm_ctx *ctx, int id, struct shm_seg *out)
{
	int fd = open_proc_shm(ctx);
	if (fd < 0)
		return fd;
	int r = scan_fd(fd, NULL, id, out);
	close(fd);
	if (r < 0)
		return r;
	return r == 1 ? 0 : -ENOENT;
}

static void from_ds(int id, const struct shmid_ds *ds, struct shm_seg *seg)
{
	memset(seg, 0, sizeof(*seg));
	seg->kind = SHM_KIND_SYSV;
	seg->fields = SHM_F_KEY | SHM_F_ID | SHM_F_NATTCH | SHM_F_CPID | SHM_F_LPID |
		      SHM_F_CREATOR | SHM_F_ATIME | SHM_F_DTIME | SHM_F_CTIME | SHM_F_STATUS;
	seg->id = id;
	seg->key = (int32_t)ds->shm_perm.__key;
	seg->mode = ds->shm_perm.mode & 0177777;
	seg->size = ds->shm_segsz;
	seg->cpid = ds->shm_cpid;
	seg->lpid = ds->shm_lpid;
	seg->nattch = ds->shm_nattch;
	seg->uid = ds->shm_perm.uid;
	seg->gid = ds->shm_perm.gid;
	seg->cuid = ds->shm_perm.cuid;
	seg->cgid = ds->shm_perm.cgid;
	seg->atime = ds->shm_atime;
	seg->dtime = ds->shm_dtime;
	seg->ctime = ds->shm_ctime;
}

int shm_sysv_stat(struct shm_ctx *ctx, int id, struct shm_seg *out)
{
	struct shmid_ds ds;
	if (id < 0)
		return -ENOENT;
	if (shmctl(id, IPC_STAT, &ds) == 0) {
		from_ds(id, &ds, out);
		shm_seg_set_scope(ctx, out);
		return 0;
	}
	if (errno == EINVAL || errno == EIDRM)
		return -ENOENT;
	if (errno != EACCES)
		return -errno;
	/* No read permission: /proc still shows the segment to everyone. */
	int r = proc_find(ctx, id, out);
	if (r == 0)
		shm_seg_set_scope(ctx, out);
	return r;
}

int shm_sysv_key_to_id(int32_t key, int *out)
{
	if (key == 0)
		return -SHM_E_PRIVATE_KEY;
	int id = shmget((key_t)key, 0, 0);
	if (id < 0)
		return errno == EINVAL ? -ENOENT : -errno;
	*out = id;
	return 0;
}

int shm_sysv_stat_key(struct shm_ctx *ctx, int32_t key, struct shm_seg *out)
{
	int id = -1;
	int r = shm_sysv_key_to_id(key, &id);
	return r < 0 ? r : shm_sysv_stat(ctx, id, out);
}

int shm_sysv_usage(struct shm_ctx *ctx, struct shm_seg *seg)
{
	/*
	 * Pages are only touched through an attachment: never attached, nothing
	 * resident or swapped. No need to make the kernel format /proc for that.
	 */
	if ((seg->fields & SHM_F_ATIME) && seg->atime == 0) {
		seg->rss = seg->swap = 0;
		seg->fields |= SHM_F_RSS;
		return 0;
	}
	struct shm_seg found;
	int r = proc_find(ctx, seg->id, &found);
	if (r < 0)
		return r;
	if (found.fields & SHM_F_RSS) {
		seg->rss = found.rss;
		seg->swap = found.swap;
		seg->fields |= SHM_F_RSS;
	}
	return 0;
}
