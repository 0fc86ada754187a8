// SPDX-License-Identifier: LGPL-2.1-or-later
/* The library context: root paths and the caches every command shares. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define CACHE_BUCKETS 256

struct cache_entry {
	struct cache_entry *next;
	uint32_t id;
	bool known;      /* name looked up and found / process alive */
	int64_t start;   /* process start, milliseconds since the epoch; -1 unknown */
	char *name;
};

struct cache {
	struct cache_entry *bucket[CACHE_BUCKETS];
};

struct shm_ctx {
	char *proc_root;
	char *shm_dir;
	struct cache users, groups, procs, containers;
	int64_t now;
	bool pidns_only;
	/* The scope: where commands act (see scope.c). pid 0 is our own. */
	pid_t scope_pid;
	uint64_t scope_ipc_ns;   /* 0 until read */
	int scope_dir;           /* the scope's shm directory (O_PATH), -1: by path */
	bool scope_no_dir;       /* the scope's process has no shm directory */
	char *scope_dir_label;
	int home_ipc;            /* our own IPC namespace, to come back to; -1 until saved */
	uint64_t home_ipc_ns;
	uint64_t *shm_devs;      /* every shm directory's device seen: holders match them all */
	size_t nshm_devs;
	int unseen;            /* enum shm_unseen, -1 until found */
	int shmem_state;       /* 0 unknown, 1 known */
	uint64_t shmem_dev, shmem_mnt_id;
	/*
	 * A scan per set of enum shm_scan bits, each one what was asked plus
	 * what was scanned before. None is freed before the context, since
	 * cells still point into the earlier ones.
	 */
	struct shm_holders holders[SHM_SCAN_ALL + 1];
	int holders_state[SHM_SCAN_ALL + 1]; /* 0 not scanned, 1 scanned, <0 the scan's error */
	struct shm_holders one; /* shm_ctx_sysv_holders: one segment's, when quick */
	int one_id;
	uint64_t one_ns;
	bool one_ok;
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
	ctx->now = time(NULL);
	ctx->unseen = -1;
	ctx->scope_dir = -1;
	ctx->home_ipc = -1;
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
	cache_free(&ctx->containers);
	shm_ctx_leave(ctx);
	if (ctx->home_ipc >= 0)
		close(ctx->home_ipc);
	free(ctx->shm_devs);
	for (size_t i = 0; i <= SHM_SCAN_ALL; i++)
		shm_holders_free(&ctx->holders[i]);
	shm_holders_free(&ctx->one);
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
	return ctx->scope_dir_label ? ctx->scope_dir_label : ctx->shm_dir;
}

int shm_dir_open(struct shm_ctx *ctx)
{
	if (ctx->scope_no_dir)
		return -SHM_E_NO_DIR;
	int dfd = ctx->scope_dir >= 0
		  ? openat(ctx->scope_dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
		  : open(ctx->shm_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* Not "no such segment": the place segments live is missing. */
	if (dfd < 0)
		return errno == ENOENT ? -SHM_E_NO_DIR : -errno;
	return dfd;
}

int shm_ctx_note_shm_dev(struct shm_ctx *ctx, uint64_t dev)
{
	for (size_t i = 0; i < ctx->nshm_devs; i++)
		if (ctx->shm_devs[i] == dev)
			return 0;
	uint64_t *v = reallocarray(ctx->shm_devs, ctx->nshm_devs + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v[ctx->nshm_devs++] = dev;
	ctx->shm_devs = v;
	return 0;
}

void shm_ctx_shm_devs(const struct shm_ctx *ctx, const uint64_t **v, size_t *n)
{
	*v = ctx->shm_devs;
	*n = ctx->nshm_devs;
}

int shm_ctx_shm_dir_dev(struct shm_ctx *ctx, uint64_t *dev)
{
	int dfd = shm_dir_open(ctx);
	if (dfd < 0)
		return dfd;
	struct stat st;
	int r = fstat(dfd, &st) < 0 ? -errno : 0;
	close(dfd);
	*dev = st.st_dev;
	return r;
}

static uint64_t fd_inode(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

/*
 * An fd the context keeps past the call that made it: never 0, 1 or 2, which
 * a caller started with them closed would later take for stdin or stdout.
 */
int shm_keep_fd(int fd)
{
	if (fd < 0 || fd > 2)
		return fd;
	int high = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	int e = errno;
	close(fd);
	errno = e;
	return high;
}

int shm_ctx_save_home(struct shm_ctx *ctx)
{
	if (ctx->home_ipc >= 0)
		return 0;
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/self/ns/ipc", ctx->proc_root);
	ctx->home_ipc = shm_keep_fd(open(path, O_RDONLY | O_CLOEXEC));
	if (ctx->home_ipc < 0)
		return -errno;
	ctx->home_ipc_ns = fd_inode(ctx->home_ipc);
	return 0;
}

uint64_t shm_ctx_home_ipc_ns(struct shm_ctx *ctx)
{
	if (!ctx->home_ipc_ns) {
		/* A stat, not an open: most commands never leave their namespace. */
		char path[PATH_MAX];
		struct stat st;
		snprintf(path, sizeof(path), "%s/self/ns/ipc", ctx->proc_root);
		if (stat(path, &st) == 0)
			ctx->home_ipc_ns = st.st_ino;
	}
	return ctx->home_ipc_ns;
}

int shm_ctx_set_scope(struct shm_ctx *ctx, pid_t pid, uint64_t ipc_ns, int dir, const char *label)
{
	if (ctx->scope_dir >= 0)
		close(ctx->scope_dir);
	free(ctx->scope_dir_label);
	ctx->scope_pid = pid;
	ctx->scope_ipc_ns = ipc_ns;
	ctx->scope_dir = dir >= 0 ? dir : -1;
	ctx->scope_no_dir = dir < 0;
	ctx->scope_dir_label = strdup(label);
	return ctx->scope_dir_label ? 0 : -ENOMEM;
}

int shm_ctx_leave(struct shm_ctx *ctx)
{
	int r = 0;
	if (ctx->scope_pid && ctx->home_ipc >= 0 && setns(ctx->home_ipc, CLONE_NEWIPC) < 0)
		r = -errno;
	if (ctx->scope_dir >= 0)
		close(ctx->scope_dir);
	free(ctx->scope_dir_label);
	ctx->scope_dir_label = NULL;
	ctx->scope_dir = -1;
	ctx->scope_no_dir = false;
	ctx->scope_pid = 0;
	ctx->scope_ipc_ns = 0;
	return r;
}

void shm_seg_set_scope(struct shm_ctx *ctx, struct shm_seg *seg)
{
	seg->ipc_ns = shm_ctx_ipc_ns(ctx);
	seg->nspid = ctx->scope_pid;
}

pid_t shm_ctx_scope_pid(const struct shm_ctx *ctx)
{
	return ctx->scope_pid;
}

uint64_t shm_ctx_ipc_ns(struct shm_ctx *ctx)
{
	if (ctx->scope_pid)
		return ctx->scope_ipc_ns;
	return shm_ctx_home_ipc_ns(ctx);
}

void shm_ctx_set_pidns_only(struct shm_ctx *ctx, bool on)
{
	ctx->pidns_only = on;
}

int shm_ctx_shmem_identity(struct shm_ctx *ctx, uint64_t *dev, uint64_t *mnt_id)
{
	if (!ctx->shmem_state) {
		ctx->shmem_state = 1;
		ctx->shmem_mnt_id = UINT64_MAX;
		int fd = memfd_create("shmtool-probe", MFD_CLOEXEC);
		struct stat st;
		if (fd >= 0 && fstat(fd, &st) == 0) {
			ctx->shmem_dev = st.st_dev;
			char path[PATH_MAX], buf[512];
			snprintf(path, sizeof(path), "%s/self/fdinfo/%d", ctx->proc_root, fd);
			const char *m;
			if (shm_read_small(path, buf, sizeof(buf)) > 0 && (m = strstr(buf, "mnt_id:")))
				ctx->shmem_mnt_id = strtoull(m + 7, NULL, 10);
		}
		if (fd >= 0)
			close(fd);
	}
	*dev = ctx->shmem_dev;
	*mnt_id = ctx->shmem_mnt_id;
	return 0;
}

uint64_t shm_ns_inode(const char *path)
{
	char link[64];
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return 0;
	link[n] = '\0';
	const char *p = strchr(link, '[');
	return p ? strtoull(p + 1, NULL, 10) : 0;
}

uint64_t shm_proc_ipc_ns(const char *proc_root, const char *pid)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s/ns/ipc", proc_root, pid);
	return shm_ns_inode(path);
}

/* The kernel gives the initial PID namespace this fixed inode (PROC_PID_INIT_INO). */
#define INIT_PID_NS_INO 0xEFFFFFFCu

/*
 * A /proc shows the processes of the PID namespace it was mounted in. Its
 * pid 1 says which; when pid 1's link may not be read, our own namespace
 * does (we are listed in it, so it is ours or an ancestor of ours).
 */
static bool proc_of_child_pidns(const struct shm_ctx *ctx)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/1/ns/pid", ctx->proc_root);
	uint64_t ino = shm_ns_inode(path);
	if (!ino) {
		snprintf(path, sizeof(path), "%s/self/ns/pid", ctx->proc_root);
		ino = shm_ns_inode(path);
	}
	return ino != INIT_PID_NS_INO;
}

/* Whether the /proc mount hides processes from whoever may not ptrace them. */
static bool proc_hides_pids(const struct shm_ctx *ctx)
{
	char path[PATH_MAX], root[PATH_MAX];
	if (!realpath(ctx->proc_root, root))
		return false;
	snprintf(path, sizeof(path), "%s/self/mountinfo", ctx->proc_root);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	char *line = NULL;
	size_t cap = 0;
	bool hides = false;
	while (getline(&line, &cap, f) > 0) {
		char mnt[PATH_MAX];
		/* id parent maj:min root mount-point ...: a later mount over the same point wins. */
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 || strcmp(mnt, root))
			continue;
		const char *sep = strstr(line, " - ");
		hides = sep && (strstr(sep, "hidepid=2") || strstr(sep, "hidepid=invisible") ||
				strstr(sep, "hidepid=4") || strstr(sep, "hidepid=ptraceable"));
	}
	free(line);
	fclose(f);
	return hides;
}

enum shm_unseen shm_ctx_unseen_processes(struct shm_ctx *ctx)
{
	if (ctx->unseen < 0) {
		if (proc_hides_pids(ctx))
			ctx->unseen = SHM_UNSEEN_HIDEPID;
		else if (!ctx->pidns_only && proc_of_child_pidns(ctx))
			ctx->unseen = SHM_UNSEEN_PIDNS;
		else
			ctx->unseen = SHM_UNSEEN_NONE;
	}
	return (enum shm_unseen)ctx->unseen;
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

/*
 * When process @pid started, in milliseconds on the realtime clock, or -1.
 * /proc/PID/stat gives the start in ticks of the boot clock; it is carried to
 * the realtime clock by the two clocks' offset now, read at one instant (not
 * /proc/stat's btime, rounded to the second). Field 22; the comm before it
 * may hold spaces and ')'.
 */
static int64_t proc_start_ms(struct shm_ctx *ctx, pid_t pid)
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
	struct timespec real, boot;
	if (ticks < 0 || clock_gettime(CLOCK_REALTIME, &real) < 0 ||
	    clock_gettime(CLOCK_BOOTTIME, &boot) < 0)
		return -1;
	int64_t real_ms = (int64_t)real.tv_sec * 1000 + real.tv_nsec / 1000000;
	int64_t boot_ms = (int64_t)boot.tv_sec * 1000 + boot.tv_nsec / 1000000;
	return real_ms - boot_ms + ticks * 1000 / (hz > 0 ? hz : 100);
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
	e->start = proc_start_ms(ctx, pid);
	return e;
}

const char *shm_ctx_container_of(struct shm_ctx *ctx, pid_t pid)
{
	bool fresh;
	struct cache_entry *e = cache_get(&ctx->containers, (uint32_t)pid, &fresh);
	if (!e)
		return NULL;
	if (fresh) {
		char id[256];
		if (shm_ctx_container(ctx, pid, id, sizeof(id)) == 0)
			e->name = strdup(id);
	}
	return e->name;
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
	/*
	 * The creator started before it made the segment. @since has whole
	 * seconds, so the making happened before @since + 1: a process that
	 * started at or after that is another one that reuses the pid.
	 */
	return !(since > 0 && since < INT64_MAX / 1000 - 1 && e->start >= 0 &&
		 e->start >= (since + 1) * 1000);
}

int shm_ctx_holders_for(struct shm_ctx *ctx, unsigned what, const struct shm_holders **out)
{
	what &= SHM_SCAN_ALL;
	/* A scan that collected more answers a narrower question as well. */
	unsigned done = 0;
	for (unsigned i = 0; i <= SHM_SCAN_ALL; i++) {
		if (ctx->holders_state[i] == 1 && (i & what) == what) {
			*out = &ctx->holders[i];
			return 0;
		}
		if (ctx->holders_state[i] == 1)
			done |= i;
	}
	unsigned i = what | done;
	if (ctx->holders_state[i] == 0) {
		int r = shm_holders_scan(ctx, i, &ctx->holders[i]);
		ctx->holders_state[i] = r < 0 ? r : 1;
	}
	if (ctx->holders_state[i] < 0)
		return ctx->holders_state[i];
	*out = &ctx->holders[i];
	return 0;
}

int shm_ctx_sysv_holders(struct shm_ctx *ctx, const struct shm_seg *seg,
			 const struct shm_holders **out)
{
	if (ctx->one_ok && ctx->one_id == seg->id && ctx->one_ns == seg->ipc_ns) {
		*out = &ctx->one;
		return 0;
	}
	shm_holders_free(&ctx->one);
	ctx->one_ok = false;
	int r = shm_sysv_holders_quick(ctx, seg, &ctx->one);
	if (r == -EAGAIN)
		return shm_ctx_holders_for(ctx, 0, out);
	if (r < 0)
		return r;
	ctx->one_ok = true;
	ctx->one_id = seg->id;
	ctx->one_ns = seg->ipc_ns;
	*out = &ctx->one;
	return 0;
}

int shm_ctx_holders(struct shm_ctx *ctx, bool with_fds, const struct shm_holders **out)
{
	return shm_ctx_holders_for(ctx, with_fds ? SHM_SCAN_FDS : 0, out);
}
