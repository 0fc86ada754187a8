// SPDX-License-Identifier: LGPL-2.1-or-later
/* The library context: root paths and the caches every command shares. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define CACHE_BUCKETS 256

struct cache_entry {
	struct cache_entry *next;
	uint32_t id;
	bool known;      /* name looked up and found / process alive */
	int64_t start;   /* process start, seconds since the epoch */
	char *name;
};

struct cache {
	struct cache_entry *bucket[CACHE_BUCKETS];
};

struct shm_ctx {
	char *proc_root;
	char *shm_dir;
	struct cache users, groups, procs;
	int64_t boot_time; /* -1 until read */
	int64_t now;
	/*
	 * Two scans at most: mappings only, and mappings with fds. Neither is
	 * freed before the context, since cells still point into the first.
	 */
	struct shm_holders holders[2];
	int holders_state[2]; /* 0 not scanned, 1 scanned, <0 the scan's error */
};

static void cache_free(struct cache *c)
{
	for (size_t i = 0; i < CACHE_BUCKETS; i++) {
		struct cache_entry *e = c->bucket[i];
		while (e) {
			struct cache_entry *next = e->next;
			free(e->name);
			free(e);
			e = next;
		}
	}
}

/* Returns the entry for @id, and whether it is new through @fresh. NULL on ENOMEM. */
static struct cache_entry *cache_get(struct cache *c, uint32_t id, bool *fresh)
{
	struct cache_entry **slot = &c->bucket[(id * 2654435761u) >> 24];
	for (struct cache_entry *e = *slot; e; e = e->next) {
		if (e->id == id) {
			*fresh = false;
			return e;
		}
	}
	struct cache_entry *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->id = id;
	e->next = *slot;
	*slot = e;
	*fresh = true;
	return e;
}

int shm_ctx_new(const char *proc_root, const char *shm_dir, struct shm_ctx **out)
{
	struct shm_ctx *ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->proc_root = strdup(proc_root ? proc_root : "/proc");
	ctx->shm_dir = strdup(shm_dir ? shm_dir : "/dev/shm");
	if (!ctx->proc_root || !ctx->shm_dir) {
		shm_ctx_free(ctx);
		return -ENOMEM;
	}
	ctx->boot_time = -1;
	ctx->now = time(NULL);
	*out = ctx;
	return 0;
}

void shm_ctx_free(struct shm_ctx *ctx)
{
	if (!ctx)
		return;
	cache_free(&ctx->users);
	cache_free(&ctx->groups);
	cache_free(&ctx->procs);
	shm_holders_free(&ctx->holders[0]);
	shm_holders_free(&ctx->holders[1]);
	free(ctx->proc_root);
	free(ctx->shm_dir);
	free(ctx);
}

const char *shm_ctx_proc_root(const struct shm_ctx *ctx)
{
	return ctx->proc_root;
}

const char *shm_ctx_shm_dir(const struct shm_ctx *ctx)
{
	return ctx->shm_dir;
}

int64_t shm_ctx_now(struct shm_ctx *ctx)
{
	return ctx->now;
}

const char *shm_ctx_user_name(struct shm_ctx *ctx, uid_t uid)
{
	bool fresh;
	struct cache_entry *e = cache_get(&ctx->users, uid, &fresh);
	if (!e)
		return NULL;
	if (fresh) {
		struct passwd *pw = getpwuid(uid);
		e->name = pw ? strdup(pw->pw_name) : NULL;
	}
	return e->name;
}

const char *shm_ctx_group_name(struct shm_ctx *ctx, gid_t gid)
{
	bool fresh;
	struct cache_entry *e = cache_get(&ctx->groups, gid, &fresh);
	if (!e)
		return NULL;
	if (fresh) {
		struct group *gr = getgrgid(gid);
		e->name = gr ? strdup(gr->gr_name) : NULL;
	}
	return e->name;
}

int shm_ctx_user_id(struct shm_ctx *ctx, const char *text, uid_t *out)
{
	(void)ctx;
	uint64_t n;
	if (shm_parse_u64(text, &n) == 0) {
		if (n >= (uid_t)-1)
			return -SHM_E_RANGE;
		*out = (uid_t)n;
		return 0;
	}
	struct passwd *pw = getpwnam(text);
	if (!pw)
		return -ENOENT;
	*out = pw->pw_uid;
	return 0;
}

/* Reads a small /proc file into @buf; returns its length or -errno. */
ssize_t shm_read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, size - 1);
	int err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = '\0';
	return n;
}

static int64_t boot_time(struct shm_ctx *ctx)
{
	if (ctx->boot_time >= 0)
		return ctx->boot_time;
	ctx->boot_time = 0;
	char path[PATH_MAX], buf[8192];
	snprintf(path, sizeof(path), "%s/stat", ctx->proc_root);
	if (shm_read_small(path, buf, sizeof(buf)) < 0)
		return 0;
	const char *p = strstr(buf, "\nbtime ");
	if (p)
		ctx->boot_time = strtoll(p + 7, NULL, 10);
	return ctx->boot_time;
}

/* Start time from /proc/PID/stat field 22; the comm before it may hold spaces and ')'. */
static int64_t proc_start(struct shm_ctx *ctx, pid_t pid)
{
	char path[PATH_MAX], buf[1024];
	snprintf(path, sizeof(path), "%s/%d/stat", ctx->proc_root, (int)pid);
	if (shm_read_small(path, buf, sizeof(buf)) < 0)
		return -1;
	char *p = strrchr(buf, ')');
	if (!p)
		return -1;
	/* After ')': state is field 3, so starttime (22) is 20 fields on. */
	for (int field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p)
		return -1;
	long long ticks = strtoll(p + 1, NULL, 10);
	long hz = sysconf(_SC_CLK_TCK);
	return boot_time(ctx) + ticks / (hz > 0 ? hz : 100);
}

static struct cache_entry *proc_entry(struct shm_ctx *ctx, pid_t pid)
{
	bool fresh;
	struct cache_entry *e = cache_get(&ctx->procs, (uint32_t)pid, &fresh);
	if (!e || !fresh)
		return e;
	char path[PATH_MAX], buf[64];
	snprintf(path, sizeof(path), "%s/%d/comm", ctx->proc_root, (int)pid);
	ssize_t n = shm_read_small(path, buf, sizeof(buf));
	if (n < 0)
		return e;
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	e->name = strdup(buf);
	e->known = true;
	e->start = proc_start(ctx, pid);
	return e;
}

const char *shm_ctx_pid_comm(struct shm_ctx *ctx, pid_t pid)
{
	if (pid <= 0)
		return NULL;
	struct cache_entry *e = proc_entry(ctx, pid);
	return e && e->known ? e->name : NULL;
}

bool shm_ctx_pid_alive_since(struct shm_ctx *ctx, pid_t pid, int64_t since)
{
	if (pid <= 0)
		return true; /* not visible from here: assume it lives */
	struct cache_entry *e = proc_entry(ctx, pid);
	if (!e)
		return true;
	if (!e->known)
		return false;
	/* Two seconds of slack: btime and start ticks are both rounded down. */
	return !(since > 0 && e->start > since + 2);
}

int shm_ctx_holders(struct shm_ctx *ctx, bool with_fds, const struct shm_holders **out)
{
	/* The full scan answers a maps-only question as well. */
	int i = with_fds || ctx->holders_state[1] == 1 ? 1 : 0;
	if (ctx->holders_state[i] == 0) {
		int r = shm_holders_scan(ctx, i == 1, &ctx->holders[i]);
		ctx->holders_state[i] = r < 0 ? r : 1;
	}
	if (ctx->holders_state[i] < 0)
		return ctx->holders_state[i];
	*out = &ctx->holders[i];
	return 0;
}
