// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Who holds shared memory: one pass over /proc/PID/maps and /proc/PID/fd for
 * every process, into one sorted index. A System V attachment is keyed by the
 * process's IPC namespace and the shmid: shmid N elsewhere is another segment.
 *
 * Objects are matched by device and inode, never by path: a bind mount, a
 * chroot or a symlinked shm directory shows another path for the same file.
 * Nothing here touches a holder's file: device and inode come from maps lines
 * and fdinfo, so a file system that stops answering (FUSE) cannot hang the scan.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"

/* maps is read in chunks of this size: memory stays bounded whatever one process maps. */
#define MAPS_CHUNK (64 * 1024)

struct mnt_dev {
	uint64_t mnt_id, dev;
};

struct scan {
	struct shm_ctx *ctx;
	struct shm_holders *h;
	unsigned what;        /* enum shm_scan */
	uint64_t scope_ns;    /* the IPC namespace we act in: attachments elsewhere are counted */
	char buf[MAPS_CHUNK + 1];
	const uint64_t *shm_devs; /* the shm directories' devices (ours, and the scopes') */
	size_t nshm_devs;
	uint64_t shmem_dev;   /* the kernel's internal shmem mount: memfds, System V */
	uint64_t shmem_mnt_id;
	struct mnt_dev *mnts; /* mount id -> device, learned from mountinfo as needed */
	size_t nmnts, capmnts;
	char mnts_ns[64];     /* the mount namespace whose mountinfo was read last */
	uint64_t *tmpfs_devs; /* SHM_SCAN_FILES: devices whose files are not "file" objects */
	size_t ntmpfs;
};

static int push(struct shm_holders *h, const struct shm_hold *hold)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 64;
		struct shm_hold *v = reallocarray(h->v, cap, sizeof(*v));
		if (!v)
			return -ENOMEM;
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n++] = *hold;
	return 0;
}

/* The memfd's name from "/memfd:NAME" or "/memfd:NAME (deleted)". */
static char *memfd_name(const char *path)
{
	const char *p = path + strlen("/memfd:");
	size_t len = strlen(p);
	const char *del = " (deleted)";
	if (len >= strlen(del) && !strcmp(p + len - strlen(del), del))
		len -= strlen(del);
	return strndup(p, len);
}

static bool hex_field(char **p, char stop, unsigned long long *out)
{
	char *end;
	errno = 0;
	*out = strtoull(*p, &end, 16);
	if (end == *p || *end != stop || errno)
		return false;
	*p = end + 1;
	return true;
}

/*
 * "start-end perms offset major:minor inode   path", parsed by hand: the scan
 * reads every line of every process. False for a line of another shape.
 */
static bool split_maps_line(char *line, struct shm_hold *hold, const char **path, bool *shared)
{
	unsigned long long start, end, off, maj, min, ino;
	char *p = line;
	if (!hex_field(&p, '-', &start) || !hex_field(&p, ' ', &end))
		return false;
	if (strlen(p) < 5 || p[4] != ' ')
		return false;
	hold->writable = p[1] == 'w';
	*shared = p[3] == 's';
	p += 5;
	if (!hex_field(&p, ' ', &off) || !hex_field(&p, ':', &maj) || !hex_field(&p, ' ', &min))
		return false;
	char *e;
	errno = 0;
	ino = strtoull(p, &e, 10);
	if (e == p || errno || (*e != ' ' && *e != '\0'))
		return false;
	while (*e == ' ')
		e++;
	*path = e;
	hold->start = start;
	hold->end = end;
	hold->dev = makedev(maj, min);
	hold->ino = ino;
	return true;
}

static bool is_shm_dev(const struct scan *s, uint64_t dev)
{
	for (size_t i = 0; i < s->nshm_devs; i++)
		if (s->shm_devs[i] == dev)
			return true;
	return false;
}

/* DRM/GEM buffers: by name, since a captured /proc has no device to compare. */
static bool gpu_path(const char *path)
{
	return !strncmp(path, "/dev/dri/", 9) || !strncmp(path, "/drm mm object", 14) ||
	       !strncmp(path, "/i915", 5);
}

static bool tmpfs_dev(const struct scan *s, uint64_t dev)
{
	for (size_t i = 0; i < s->ntmpfs; i++)
		if (s->tmpfs_devs[i] == dev)
			return true;
	return false;
}

/* A shared mapping of something else than a POSIX object or memfd: which kind, if wanted. */
static bool other_shared(const struct scan *s, const struct shm_hold *hold, const char *path,
			 enum shm_hold_kind *kind)
{
	if (gpu_path(path)) {
		*kind = SHM_HOLD_GPU;
		return s->what & SHM_SCAN_GPU;
	}
	if (s->shmem_dev && hold->dev == s->shmem_dev) {
		*kind = SHM_HOLD_ANON;
		return s->what & SHM_SCAN_ANON;
	}
	/* Device nodes map driver memory; tmpfs files are the tmpfs line's. */
	*kind = SHM_HOLD_FILE;
	return (s->what & SHM_SCAN_FILES) && path[0] == '/' && strncmp(path, "/dev/", 5) &&
	       hold->ino && !tmpfs_dev(s, hold->dev);
}

static int push_named(struct scan *s, struct shm_hold *hold, const char *name, bool memfd)
{
	if (name && !(hold->name = memfd ? memfd_name(name) : strdup(name)))
		return -ENOMEM;
	int r = push(s->h, hold);
	if (r < 0)
		free(hold->name);
	return r;
}

/* @ns: the process's IPC namespace, read at its first /SYSV line (0 until then). */
static int parse_maps_line(struct scan *s, pid_t pid, char *line, uint64_t *ns, const char *pid_s)
{
	struct shm_hold hold = { .pid = pid, .fd = -1 };
	const char *path;
	bool shared;
	if (!split_maps_line(line, &hold, &path, &shared))
		return 0;
	if (!strncmp(path, "/SYSV", 5)) {
		if (*ns == 0) {
			*ns = shm_proc_ipc_ns(shm_ctx_proc_root(s->ctx), pid_s);
			s->h->other_ipc += *ns && *ns != s->scope_ns;
		}
		if (*ns == 0 || hold.ino > INT32_MAX)
			return 0;
		hold.kind = SHM_HOLD_SYSV;
		hold.ipc_ns = *ns;
		hold.shmid = (int)hold.ino;
		return push(s->h, &hold);
	}
	bool memfd = hold.dev == s->shmem_dev && !strncmp(path, "/memfd:", 7);
	bool in_shm = is_shm_dev(s, hold.dev);
	if (memfd || in_shm) {
		hold.kind = SHM_HOLD_MAP;
		hold.memfd = memfd;
		return push_named(s, &hold, memfd ? path : NULL, true);
	}
	if (!shared || !other_shared(s, &hold, path, &hold.kind))
		return 0;
	return push_named(s, &hold, hold.kind == SHM_HOLD_ANON ? NULL : path, false);
}

/* Every complete line of @buf[0..len); returns how many bytes were consumed. */
static int parse_lines(struct scan *s, pid_t pid, const char *pid_s, size_t len, bool last,
		       uint64_t *ns, size_t *used)
{
	char *line = s->buf, *stop = s->buf + len;
	while (line < stop) {
		char *nl = memchr(line, '\n', (size_t)(stop - line));
		if (!nl && !last)
			break;
		if (!nl)
			nl = stop;
		*nl = '\0';
		int r = parse_maps_line(s, pid, line, ns, pid_s);
		if (r < 0)
			return r;
		line = nl + 1;
	}
	*used = line > stop ? len : (size_t)(line - s->buf);
	return 0;
}

static int scan_maps(struct scan *s, pid_t pid, const char *pid_s, bool *hidden)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s/maps", shm_ctx_proc_root(s->ctx), pid_s);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*hidden = errno == EACCES || errno == EPERM;
		return 0;
	}
	uint64_t ns = 0;
	int r = 0;
	size_t have = 0;
	bool skipping = false; /* inside a line longer than the buffer: no file we look for */
	for (;;) {
		ssize_t n = read(fd, s->buf + have, MAPS_CHUNK - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			/* Readable at open, refused at read: its maps are not ours to see. */
			*hidden = errno == EACCES || errno == EPERM;
			break;
		}
		size_t len = have + (size_t)n;
		s->buf[len] = '\0';
		if (skipping) {
			char *nl = memchr(s->buf, '\n', len);
			if (!nl && n > 0) {
				have = 0;
				continue;
			}
			size_t skip = nl ? (size_t)(nl + 1 - s->buf) : len;
			memmove(s->buf, s->buf + skip, len - skip);
			len -= skip;
			skipping = false;
		}
		size_t used;
		r = parse_lines(s, pid, pid_s, len, n == 0, &ns, &used);
		if (r < 0 || n == 0)
			break;
		have = len - used;
		if (have == MAPS_CHUNK) {
			skipping = true;
			have = 0;
		} else {
			memmove(s->buf, s->buf + used, have);
		}
	}
	close(fd);
	return r;
}

/* Reads the mount ids and devices of @pid's mount namespace, unless read already. */
static int learn_mounts(struct scan *s, const char *pid_s)
{
	char path[PATH_MAX], ns[64];
	snprintf(path, sizeof(path), "%s/%s/ns/mnt", shm_ctx_proc_root(s->ctx), pid_s);
	ssize_t n = readlink(path, ns, sizeof(ns) - 1);
	if (n < 0)
		return 0;
	ns[n] = '\0';
	if (!strcmp(ns, s->mnts_ns))
		return 0;
	memcpy(s->mnts_ns, ns, (size_t)n + 1);
	snprintf(path, sizeof(path), "%s/%s/mountinfo", shm_ctx_proc_root(s->ctx), pid_s);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	char *line = NULL;
	size_t cap = 0;
	int r = 0;
	while (r == 0 && getline(&line, &cap, f) > 0) {
		unsigned long long id, parent;
		unsigned maj, min;
		if (sscanf(line, "%llu %llu %u:%u", &id, &parent, &maj, &min) != 4)
			continue;
		if (s->nmnts == s->capmnts) {
			size_t c = s->capmnts ? s->capmnts * 2 : 64;
			struct mnt_dev *v = reallocarray(s->mnts, c, sizeof(*v));
			if (!v) {
				r = -ENOMEM;
				break;
			}
			s->mnts = v;
			s->capmnts = c;
		}
		s->mnts[s->nmnts++] = (struct mnt_dev){ id, makedev(maj, min) };
	}
	free(line);
	fclose(f);
	return r;
}

static bool mount_dev(const struct scan *s, uint64_t mnt_id, uint64_t *dev)
{
	if (mnt_id == s->shmem_mnt_id) {
		*dev = s->shmem_dev;
		return true;
	}
	for (size_t i = s->nmnts; i-- > 0;)
		if (s->mnts[i].mnt_id == mnt_id) {
			*dev = s->mnts[i].dev;
			return true;
		}
	return false;
}

/*
 * Device and inode of a process's fd, from fdinfo's mnt_id and ino: reading
 * fdinfo never reaches the file system behind the fd. 1 when found, 0 when
 * not (gone, or a kernel before 5.14 without "ino:"), or -ENOMEM.
 */
static int fd_identity(struct scan *s, const char *pid_s, const char *fd_name, uint64_t *dev,
		       uint64_t *ino)
{
	char path[PATH_MAX], buf[1024];
	snprintf(path, sizeof(path), "%s/%s/fdinfo/%s", shm_ctx_proc_root(s->ctx), pid_s, fd_name);
	if (shm_read_small(path, buf, sizeof(buf)) < 0)
		return 0;
	const char *m = strstr(buf, "\nmnt_id:"), *i = strstr(buf, "\nino:");
	if (!m || !i)
		return 0;
	uint64_t mnt_id = strtoull(m + 8, NULL, 10);
	*ino = strtoull(i + 5, NULL, 10);
	if (mount_dev(s, mnt_id, dev))
		return 1;
	int r = learn_mounts(s, pid_s);
	if (r < 0)
		return r;
	return mount_dev(s, mnt_id, dev) ? 1 : 0;
}

static int add_fd(struct scan *s, pid_t pid, const char *pid_s, const char *fd_dir,
		  const char *fd_name)
{
	char path[PATH_MAX + NAME_MAX + 2], link[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", fd_dir, fd_name);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	/* Sockets, pipes and anon inodes have no path: never shared memory we list. */
	if (n <= 0 || link[0] != '/')
		return 0;
	link[n] = '\0';
	uint64_t dev, ino;
	int r = fd_identity(s, pid_s, fd_name, &dev, &ino);
	if (r <= 0)
		return r;
	bool memfd = dev == s->shmem_dev && !strncmp(link, "/memfd:", 7);
	bool in_shm = is_shm_dev(s, dev);
	if (!memfd && !in_shm)
		return 0;
	struct shm_hold hold = {
		.kind = SHM_HOLD_FD, .pid = pid, .fd = atoi(fd_name), .dev = dev, .ino = ino,
		.memfd = memfd,
	};
	if (memfd && !(hold.name = memfd_name(link)))
		return -ENOMEM;
	r = push(s->h, &hold);
	if (r < 0)
		free(hold.name);
	return r;
}

static int scan_fds(struct scan *s, pid_t pid, const char *pid_s, bool *hidden)
{
	char dir_path[PATH_MAX];
	snprintf(dir_path, sizeof(dir_path), "%s/%s/fd", shm_ctx_proc_root(s->ctx), pid_s);
	DIR *dir = opendir(dir_path);
	if (!dir) {
		if (errno == EACCES || errno == EPERM)
			*hidden = true;
		return 0;
	}
	int r = 0;
	struct dirent *de;
	while (r == 0 && (de = readdir(dir)))
		if (de->d_name[0] != '.')
			r = add_fd(s, pid, pid_s, dir_path, de->d_name);
	closedir(dir);
	return r;
}

static int key_cmp(const struct shm_hold *a, const struct shm_hold *b)
{
	if (a->kind != b->kind)
		return (a->kind > b->kind) - (a->kind < b->kind);
	if (a->kind == SHM_HOLD_SYSV && a->ipc_ns != b->ipc_ns)
		return (a->ipc_ns > b->ipc_ns) - (a->ipc_ns < b->ipc_ns);
	if (a->kind == SHM_HOLD_SYSV)
		return (a->shmid > b->shmid) - (a->shmid < b->shmid);
	if (a->dev != b->dev)
		return (a->dev > b->dev) - (a->dev < b->dev);
	return (a->ino > b->ino) - (a->ino < b->ino);
}

static int hold_cmp(const void *x, const void *y)
{
	const struct shm_hold *a = x, *b = y;
	int c = key_cmp(a, b);
	if (c)
		return c;
	if (a->pid != b->pid)
		return (a->pid > b->pid) - (a->pid < b->pid);
	return (a->start > b->start) - (a->start < b->start);
}

static int scan_setup(struct scan *s)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/self", shm_ctx_proc_root(s->ctx));
	/* Not even ourselves in this /proc: it shows no processes, so no holder is known. */
	if (access(path, F_OK) < 0)
		return -errno;
	int r = shm_ctx_shmem_identity(s->ctx, &s->shmem_dev, &s->shmem_mnt_id);
	if (r < 0)
		return r;
	uint64_t dev;
	if (shm_ctx_shm_dir_dev(s->ctx, &dev) == 0 && (r = shm_ctx_note_shm_dev(s->ctx, dev)) < 0)
		return r;
	s->scope_ns = shm_ctx_ipc_ns(s->ctx);
	shm_ctx_shm_devs(s->ctx, &s->shm_devs, &s->nshm_devs);
	if (s->what & SHM_SCAN_FILES)
		return shm_mounts_tmpfs_devs(s->ctx, &s->tmpfs_devs, &s->ntmpfs);
	return 0;
}

int shm_holders_scan(struct shm_ctx *ctx, unsigned what, struct shm_holders *out)
{
	memset(out, 0, sizeof(*out));
	struct scan *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->ctx = ctx;
	s->h = out;
	s->what = what;
	int r = scan_setup(s);
	DIR *dir = r == 0 ? opendir(shm_ctx_proc_root(ctx)) : NULL;
	if (r == 0 && !dir)
		r = -errno;
	struct dirent *de;
	while (r == 0 && (de = readdir(dir))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		bool hidden = false;
		r = scan_maps(s, (pid_t)pid, de->d_name, &hidden);
		if (r == 0 && (what & SHM_SCAN_FDS))
			r = scan_fds(s, (pid_t)pid, de->d_name, &hidden);
		out->hidden += hidden;
	}
	if (dir)
		closedir(dir);
	free(s->mnts);
	free(s->tmpfs_devs);
	free(s);
	if (r == 0)
		out->unseen = shm_ctx_unseen_processes(ctx);
	if (r < 0) {
		shm_holders_free(out);
		return r;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), hold_cmp);
	return 0;
}

/* The attachments of @seg among @h's holds. */
static size_t sysv_count(const struct shm_holders *h, const struct shm_seg *seg)
{
	size_t n = 0;
	for (size_t i = 0; i < h->n; i++)
		n += h->v[i].kind == SHM_HOLD_SYSV && h->v[i].shmid == seg->id &&
		     h->v[i].ipc_ns == seg->ipc_ns;
	return n;
}

/*
 * The kernel's nattch is the exact number of attachments (a split mapping
 * counts twice, as it shows twice in maps), and its creator and last attacher
 * are named: when those two processes, in the segment's IPC namespace, account
 * for all of them, no other process can hold one, and the scan of every
 * process is not needed. Anything short of that (another attacher, one that
 * moved to another IPC namespace, maps we may not read) is -EAGAIN: the caller
 * scans every process, which alone can say what it could not see.
 */
int shm_sysv_holders_quick(struct shm_ctx *ctx, const struct shm_seg *seg,
			   struct shm_holders *out)
{
	memset(out, 0, sizeof(*out));
	if (seg->kind != SHM_KIND_SYSV || !seg->ipc_ns || !(seg->fields & SHM_F_NATTCH) ||
	    seg->nattch == 0 || !(seg->fields & SHM_F_CPID) || !(seg->fields & SHM_F_LPID))
		return -EAGAIN;
	struct scan *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->ctx = ctx;
	s->h = out;
	int r = scan_setup(s);
	pid_t pids[2] = { seg->lpid, seg->cpid };
	for (int i = 0; r == 0 && i < 2; i++) {
		if (pids[i] <= 0 || (i == 1 && pids[1] == pids[0]))
			continue;
		char pid_s[24];
		snprintf(pid_s, sizeof(pid_s), "%d", (int)pids[i]);
		bool hidden = false;
		r = scan_maps(s, pids[i], pid_s, &hidden);
		if (r == 0 && hidden)
			r = -EAGAIN;
	}
	free(s->mnts);
	free(s->tmpfs_devs);
	free(s);
	if (r == 0 && sysv_count(out, seg) < seg->nattch)
		r = -EAGAIN;
	if (r < 0) {
		shm_holders_free(out);
		return r;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), hold_cmp);
	return 0;
}

void shm_holders_free(struct shm_holders *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->v[i].name);
	free(h->v);
	memset(h, 0, sizeof(*h));
}

bool shm_holders_complete(const struct shm_holders *h)
{
	return h->hidden == 0 && h->unseen == SHM_UNSEEN_NONE;
}

const struct shm_hold *shm_holders_find(const struct shm_holders *h, enum shm_hold_kind kind,
					const struct shm_seg *seg, size_t *count)
{
	struct shm_hold key = { .kind = kind, .shmid = seg->id, .dev = seg->dev, .ino = seg->ino,
				.ipc_ns = seg->ipc_ns };
	size_t lo = 0, hi = h->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (key_cmp(&h->v[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < h->n && key_cmp(&h->v[end], &key) == 0)
		end++;
	*count = end - lo;
	return end > lo ? &h->v[lo] : NULL;
}

size_t shm_holds_procs(const struct shm_hold *v, size_t n)
{
	size_t procs = 0;
	for (size_t i = 0; i < n; i++)
		procs += i == 0 || v[i].pid != v[i - 1].pid;
	return procs;
}

enum shm_hold_kind shm_seg_map_kind(const struct shm_seg *seg)
{
	switch (seg->kind) {
	case SHM_KIND_SYSV: return SHM_HOLD_SYSV;
	case SHM_KIND_ANON: return SHM_HOLD_ANON;
	case SHM_KIND_FILE: return SHM_HOLD_FILE;
	default: return SHM_HOLD_MAP;
	}
}

int shm_seg_holders(struct shm_ctx *ctx, const struct shm_seg *seg,
		    const struct shm_holders **out)
{
	unsigned what = seg->kind == SHM_KIND_ANON ? SHM_SCAN_ANON
		      : seg->kind == SHM_KIND_FILE ? SHM_SCAN_FILES
		      : seg->kind == SHM_KIND_SYSV ? 0 : SHM_SCAN_FDS;
	return shm_ctx_holders_for(ctx, what, out);
}
