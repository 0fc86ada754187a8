// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Who holds shared memory: one pass over /proc/PID/maps and /proc/PID/fd for
 * every process, into one sorted index. A System V attachment counts only when
 * the process is in our IPC namespace: shmid N elsewhere is another segment.
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

struct scan {
	struct shm_ctx *ctx;
	struct shm_holders *h;
	char ipc_ns[64];      /* our /proc/self/ns/ipc link */
	char *buf;            /* maps text, reused for every process */
	size_t cap;
	size_t shm_dir_len;
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

/* The whole of a /proc file of unknown size into s->buf; its length or -errno. */
static ssize_t slurp(struct scan *s, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = 0;
	for (;;) {
		if (s->cap - len < 4096) {
			size_t cap = s->cap ? s->cap * 2 : 64 * 1024;
			char *p = realloc(s->buf, cap);
			if (!p) {
				close(fd);
				return -ENOMEM;
			}
			s->buf = p;
			s->cap = cap;
		}
		ssize_t n = read(fd, s->buf + len, s->cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	s->buf[len] = '\0';
	return (ssize_t)len;
}

static bool same_ipc_ns(struct scan *s, const char *pid)
{
	char path[PATH_MAX], link[64];
	snprintf(path, sizeof(path), "%s/%s/ns/ipc", shm_ctx_proc_root(s->ctx), pid);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return false;
	link[n] = '\0';
	return !strcmp(link, s->ipc_ns);
}

static char *memfd_name(const char *path)
{
	const char *p = path + strlen("/memfd:");
	size_t len = strlen(p);
	const char *del = " (deleted)";
	if (len >= strlen(del) && !strcmp(p + len - strlen(del), del))
		len -= strlen(del);
	return strndup(p, len);
}

/* "start-end perms offset major:minor inode   path": the fields we need of one line. */
static int parse_maps_line(struct scan *s, pid_t pid, char *line, int *ns_state, const char *pid_s)
{
	unsigned long long start, end, off, ino;
	unsigned maj, min;
	char perms[5];
	int path_at = 0;
	if (sscanf(line, "%llx-%llx %4s %llx %x:%x %llu %n", &start, &end, perms, &off, &maj,
		   &min, &ino, &path_at) < 7)
		return 0;
	const char *path = path_at ? line + path_at : "";
	struct shm_hold hold = {
		.pid = pid, .fd = -1, .start = start, .end = end, .writable = perms[1] == 'w',
		.dev = makedev(maj, min), .ino = ino,
	};
	if (!strncmp(path, "/SYSV", 5)) {
		if (*ns_state == 0)
			*ns_state = same_ipc_ns(s, pid_s) ? 1 : -1;
		if (*ns_state < 0 || ino > INT32_MAX)
			return 0;
		hold.kind = SHM_HOLD_SYSV;
		hold.shmid = (int)ino;
		return push(s->h, &hold);
	}
	bool memfd = !strncmp(path, "/memfd:", 7);
	bool in_shm = !strncmp(path, shm_ctx_shm_dir(s->ctx), s->shm_dir_len) &&
		      path[s->shm_dir_len] == '/';
	if (!memfd && !in_shm)
		return 0;
	hold.kind = SHM_HOLD_MAP;
	hold.memfd = memfd;
	if (memfd && !(hold.name = memfd_name(path)))
		return -ENOMEM;
	int r = push(s->h, &hold);
	if (r < 0)
		free(hold.name);
	return r;
}

static int scan_maps(struct scan *s, pid_t pid, const char *pid_s, bool *hidden)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s/maps", shm_ctx_proc_root(s->ctx), pid_s);
	ssize_t len = slurp(s, path);
	if (len == -EACCES || len == -EPERM)
		*hidden = true;
	if (len < 0)
		return len == -ENOMEM ? -ENOMEM : 0;
	int ns_state = 0;
	for (char *line = s->buf, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line) - 1;
		else
			*nl = '\0';
		/* Only lines naming a file of interest are parsed at all. */
		if (strstr(line, " /SYSV") || strstr(line, " /memfd:") ||
		    strstr(line, shm_ctx_shm_dir(s->ctx))) {
			int r = parse_maps_line(s, pid, line, &ns_state, pid_s);
			if (r < 0)
				return r;
		}
		if (!nl[1])
			break;
	}
	return 0;
}

static int add_fd(struct scan *s, pid_t pid, const char *fd_dir, const char *fd_name)
{
	char path[PATH_MAX + NAME_MAX + 2], link[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", fd_dir, fd_name);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return 0;
	link[n] = '\0';
	bool memfd = !strncmp(link, "/memfd:", 7);
	bool in_shm = !strncmp(link, shm_ctx_shm_dir(s->ctx), s->shm_dir_len) &&
		      link[s->shm_dir_len] == '/';
	if (!memfd && !in_shm)
		return 0;
	struct stat st;
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	struct shm_hold hold = {
		.kind = SHM_HOLD_FD, .pid = pid, .fd = atoi(fd_name), .dev = st.st_dev,
		.ino = st.st_ino, .memfd = memfd, .size = (uint64_t)st.st_size,
	};
	if (memfd && !(hold.name = memfd_name(link)))
		return -ENOMEM;
	int r = push(s->h, &hold);
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
			r = add_fd(s, pid, dir_path, de->d_name);
	closedir(dir);
	return r;
}

static int key_cmp(const struct shm_hold *a, const struct shm_hold *b)
{
	if (a->kind != b->kind)
		return (a->kind > b->kind) - (a->kind < b->kind);
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

int shm_holders_scan(struct shm_ctx *ctx, bool with_fds, struct shm_holders *out)
{
	struct scan s = { .ctx = ctx, .h = out, .shm_dir_len = strlen(shm_ctx_shm_dir(ctx)) };
	memset(out, 0, sizeof(*out));
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/self/ns/ipc", shm_ctx_proc_root(ctx));
	ssize_t n = readlink(path, s.ipc_ns, sizeof(s.ipc_ns) - 1);
	/* Not even ourselves in this /proc: it shows no processes, so no holder is known. */
	if (n <= 0)
		return n < 0 ? -errno : -ENOENT;
	s.ipc_ns[n] = '\0';
	DIR *dir = opendir(shm_ctx_proc_root(ctx));
	if (!dir)
		return -errno;
	int r = 0;
	struct dirent *de;
	while (r == 0 && (de = readdir(dir))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		bool hidden = false;
		r = scan_maps(&s, (pid_t)pid, de->d_name, &hidden);
		if (r == 0 && with_fds)
			r = scan_fds(&s, (pid_t)pid, de->d_name, &hidden);
		out->hidden += hidden;
	}
	closedir(dir);
	free(s.buf);
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

const struct shm_hold *shm_holders_find(const struct shm_holders *h, enum shm_hold_kind kind,
					const struct shm_seg *seg, size_t *count)
{
	struct shm_hold key = { .kind = kind, .shmid = seg->id, .dev = seg->dev, .ino = seg->ino };
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
