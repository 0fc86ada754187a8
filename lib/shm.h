/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libshm: the core of shmtool. It knows shared memory and nothing of the
 * command line: it never prints, never exits, and every call that can fail
 * returns 0 or -errno (or a negative enum shm_error), outputs last.
 */
#ifndef SHM_H
#define SHM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* Errors beyond errno. Negative like errno values, far above any errno. */
enum shm_error {
	SHM_E_SYNTAX = 4096,  /* not a SEGMENT form */
	SHM_E_PRIVATE_KEY,    /* key 0 is IPC_PRIVATE */
	SHM_E_BAD_PROJ,       /* ftok PROJ not in 1..255 */
	SHM_E_BAD_NAME,       /* POSIX name with '/', '.', '..', empty, too long */
	SHM_E_BAD_NUMBER,     /* not a number / unknown suffix */
	SHM_E_RANGE,          /* number overflows */
	SHM_E_BAD_PROC,       /* /proc/sysvipc/shm lacks a needed column */
	SHM_E_NOT_SHM,        /* a /dev/shm entry that is not a regular file */
	SHM_E_FTOK_PATH,      /* ftok: PATH does not exist */
	SHM_E_TOO_SMALL,      /* create: an existing segment is smaller than asked */
	SHM_E_NO_DIR,         /* the shm directory does not exist */
	SHM_E_CHANGED,        /* the object changed size while being read */
	SHM_E_REPLACED,       /* a System V id now names another segment */
	SHM_E_MAX,
};

enum shm_kind {
	SHM_KIND_SYSV,
	SHM_KIND_POSIX,
	SHM_KIND_SEM,   /* /dev/shm/sem.NAME: a POSIX named semaphore */
	SHM_KIND_MEMFD,
	SHM_KIND_ANON,  /* a shared anonymous mapping: MAP_SHARED|MAP_ANONYMOUS, /dev/zero */
	SHM_KIND_FILE,  /* a regular file mapped MAP_SHARED: page cache, not Shmem */
};

/* Which fields of a record hold a value; the rest print as "-" / null. */
enum shm_field {
	SHM_F_KEY = 1u << 0,
	SHM_F_ID = 1u << 1,
	SHM_F_NATTCH = 1u << 2,
	SHM_F_CPID = 1u << 3,
	SHM_F_LPID = 1u << 4,
	SHM_F_CREATOR = 1u << 5, /* cuid, cgid */
	SHM_F_ATIME = 1u << 6,
	SHM_F_DTIME = 1u << 7,
	SHM_F_CTIME = 1u << 8,
	SHM_F_MTIME = 1u << 9,
	SHM_F_RSS = 1u << 10, /* rss and swap */
	SHM_F_ALLOC = 1u << 11,
	SHM_F_STATUS = 1u << 12,
};

/* The kernel's segment status bits, as /proc/sysvipc/shm shows them in perms. */
#define SHM_MODE_DEST 01000
#define SHM_MODE_LOCKED 02000

/* One shared memory object of any kind. Times are seconds since the epoch, 0 = never. */
struct shm_seg {
	enum shm_kind kind;
	unsigned fields;   /* enum shm_field bits */
	int id;            /* System V shmid */
	int32_t key;       /* System V key, as the kernel stores it */
	uint32_t mode;     /* permission bits, plus SHM_MODE_* for System V */
	pid_t cpid, lpid;
	uid_t uid, cuid;
	gid_t gid, cgid;
	uint64_t nattch;
	uint64_t size, rss, swap, alloc;
	int64_t atime, dtime, ctime, mtime;
	char *name;        /* POSIX name without the leading '/', NULL for System V */
	uint64_t dev, ino; /* POSIX and memfd: the file, to match holders */
	pid_t holder_pid;  /* memfd: the first process holding it, and its fd */
	int holder_fd;
	uint64_t ipc_ns;   /* the IPC namespace it was found in (System V: it lives there) */
	pid_t nspid;       /* the scope's process (--ns, -A); 0 for our own */
	uint64_t holder_start, holder_end; /* anon, file: that process's mapping */
};

struct shm_list {
	struct shm_seg *v;
	size_t n, cap;
	size_t bad_lines; /* /proc lines that did not parse and were skipped */
};

/* An empty list may have no array at all: NULL + 0 is not C, so test seg first. */
#define shm_list_foreach(seg, list) \
	for (struct shm_seg *seg = (list)->v; seg && seg < (list)->v + (list)->n; seg++)

void shm_list_init(struct shm_list *list);
/*
 * A packed list, for many records read once in order: each kept as the
 * words that differ from the previous one. shm_pack_next walks it from
 * *pos = 0 with the same @seg each call (it holds the previous record);
 * names stay the pack's, freed by shm_pack_free.
 */
struct shm_pack {
	unsigned char *buf;
	size_t len, cap, n;
	size_t names; /* records with a name to free */
	bool sorted;  /* System V ids ascending */
	_Alignas(8) unsigned char last[sizeof(struct shm_seg)];
};
void shm_pack_init(struct shm_pack *p);
int shm_pack_push(struct shm_pack *p, const struct shm_seg *seg);
bool shm_pack_next(const struct shm_pack *p, size_t *pos, struct shm_seg *seg);
void shm_pack_free(struct shm_pack *p);
void shm_list_free(struct shm_list *list);
int shm_list_push(struct shm_list *list, struct shm_seg **out);

/*
 * Scopes: where commands act. Entering process @pid's scope joins its IPC
 * namespace (setns, which needs CAP_SYS_ADMIN) and takes its shm directory,
 * resolved inside its root (openat2 RESOLVE_IN_ROOT: never a host path).
 * -ESRCH: no such process; -EPERM: not allowed; -ENOSYS: no openat2.
 */
struct shm_ctx;
int shm_ctx_enter(struct shm_ctx *ctx, pid_t pid);
/* Back to our own namespace and shm directory. */
int shm_ctx_leave(struct shm_ctx *ctx);
pid_t shm_ctx_scope_pid(const struct shm_ctx *ctx);
/* Makes the holders pass match POSIX objects on this shm directory's device too. */
int shm_ctx_note_shm_dev(struct shm_ctx *ctx, uint64_t dev);
/* The device of the scope's shm directory. */
int shm_ctx_shm_dir_dev(struct shm_ctx *ctx, uint64_t *dev);
/* Our own IPC namespace (its inode), where the command started. */
uint64_t shm_ctx_home_ipc_ns(struct shm_ctx *ctx);
/* The container id or unit of process @pid (shm_container_id), cached; NULL if none. */
const char *shm_ctx_container_of(struct shm_ctx *ctx, pid_t pid);
/* The IPC namespace (its inode) the context acts in now. */
uint64_t shm_ctx_ipc_ns(struct shm_ctx *ctx);

/* Every IPC namespace with a visible process: ours first, then by inode. */
struct shm_scope {
	uint64_t ipc_ns;
	pid_t pid;  /* its lowest pid */
	bool home;  /* our own */
};
int shm_scopes(struct shm_ctx *ctx, struct shm_scope **out, size_t *n);
/*
 * A container's short id from /proc/PID/cgroup text: the last 64-hex-digit id
 * (docker, containerd, podman, CRI-O, Kubernetes) cut to 12, or else the
 * systemd unit; -ENOENT when there is neither.
 */
int shm_container_id(const char *cgroup, char *out, size_t size);
int shm_ctx_container(struct shm_ctx *ctx, pid_t pid, char *out, size_t size);

/* Context: where /proc and /dev/shm are, plus caches of names and processes. */
struct shm_ctx;

int shm_ctx_new(const char *proc_root, const char *shm_dir, struct shm_ctx **out);
void shm_ctx_free(struct shm_ctx *ctx);
const char *shm_ctx_proc_root(const struct shm_ctx *ctx);
const char *shm_ctx_shm_dir(const struct shm_ctx *ctx);
/*
 * Trust that no process outside /proc's PID namespace holds an object (a
 * container with a private shm directory). Off by default: never guess.
 */
void shm_ctx_set_pidns_only(struct shm_ctx *ctx, bool on);
/* Whether processes may exist that /proc does not list, and why. */
enum shm_unseen shm_ctx_unseen_processes(struct shm_ctx *ctx);
/* Cached name lookups; NULL when the id has no name. */
const char *shm_ctx_user_name(struct shm_ctx *ctx, uid_t uid);
const char *shm_ctx_group_name(struct shm_ctx *ctx, gid_t gid);
int shm_ctx_user_id(struct shm_ctx *ctx, const char *name_or_id, uid_t *out);
/* Command name of a live process; NULL when it is gone or hidden. Cached. */
const char *shm_ctx_pid_comm(struct shm_ctx *ctx, pid_t pid);
/*
 * Whether the process that made a segment changed at time @since (whole
 * seconds) still lives: a live pid that started at or after @since + 1 s is a
 * reused pid, so the creator is gone. Both times on the realtime clock.
 */
bool shm_ctx_pid_alive_since(struct shm_ctx *ctx, pid_t pid, int64_t since);
int64_t shm_ctx_now(struct shm_ctx *ctx);

/* System V */
int shm_sysv_parse(const char *buf, size_t len, struct shm_list *list);
int shm_sysv_parse_file(FILE *f, struct shm_list *list);
/*
 * Every segment, slot by slot with SHM_STAT_ANY (three times faster than the
 * kernel formatting /proc/sysvipc/shm), handed to @fn as it is read: no rss
 * and swap. -ENOSYS where that cannot be used: kernels before 4.17, or a
 * context whose /proc is not the real one; /proc/sysvipc/shm is then the way.
 */
int shm_sysv_walk(struct shm_ctx *ctx, int (*fn)(const struct shm_seg *seg, void *arg),
		  void *arg);
/* Every segment; rss and swap (which only /proc has) when @need_usage. */
int shm_sysv_list(struct shm_ctx *ctx, bool need_usage, struct shm_list *list);
int shm_sysv_stat(struct shm_ctx *ctx, int id, struct shm_seg *out);
int shm_sysv_stat_key(struct shm_ctx *ctx, int32_t key, struct shm_seg *out);
/* Fill rss/swap of @seg from /proc, reading only as far as its line. */
int shm_sysv_usage(struct shm_ctx *ctx, struct shm_seg *seg);
int shm_sysv_key_to_id(int32_t key, int *out);

/* POSIX objects in the shm directory */
int shm_posix_list(struct shm_ctx *ctx, bool with_sem, struct shm_list *list);
int shm_posix_stat(struct shm_ctx *ctx, const char *name, struct shm_seg *out);
int shm_posix_check_name(const char *name);
void shm_seg_clear(struct shm_seg *seg);

/* Making and removing */
struct shm_create {
	uint64_t size;
	uint32_t mode;
	bool exclusive;
	bool hugetlb, noreserve;
};

/* @key 0 makes a private segment. Reuses one of at least @c->size unless exclusive. */
int shm_sysv_create(int32_t key, const struct shm_create *c, int *id, bool *created);
int shm_posix_create(struct shm_ctx *ctx, const char *name, const struct shm_create *c,
		     bool *created);
int shm_sysv_remove(int id);
int shm_posix_remove(struct shm_ctx *ctx, const char *name);

/* A whole object mapped into this process: read-only, or read-write. */
struct shm_map {
	enum shm_kind kind;
	uint8_t *addr;
	size_t len;
	int fd; /* the object's file, -1 until shm_map_fd */
	bool writable;
	bool borrowed; /* System V: mapped from an attacher's map_files, not attached */
	char proc_root[64];
};

int shm_map_open(struct shm_ctx *ctx, const struct shm_seg *seg, bool writable,
		 struct shm_map *out);
/*
 * The file behind a POSIX object or memfd, never through a symlink, checked to
 * be a regular file: an fd, or -errno. Reading and writing through it, not a
 * mapping, is what survives another process truncating the file meanwhile.
 */
int shm_file_open(struct shm_ctx *ctx, const struct shm_seg *seg, bool writable);
/*
 * shm_map_open read-only, except that a System V segment some process already
 * attaches is mapped through that process's /proc/PID/map_files entry (root
 * only: CAP_SYS_ADMIN), checked to be that very segment, whole: mapping its
 * file is no shmat, so shm_atime, shm_lpid and shm_nattch stay as they were.
 * Only when no attacher can be read is the segment attached. @out->borrowed
 * says which way it was taken.
 */
int shm_map_open_quiet(struct shm_ctx *ctx, const struct shm_seg *seg, struct shm_map *out);
void shm_map_close(struct shm_map *map);
/*
 * A file descriptor for the mapped object (read-write when the mapping is),
 * for sendfile(2) and pwrite(2): the POSIX file itself, or a System V
 * attachment through /proc/self/map_files (which needs CAP_SYS_ADMIN).
 * Owned by @map.
 */
int shm_map_fd(struct shm_map *map, int *fd);
/* Closes the file behind the mapping, which stays: a process that only maps it. */
void shm_map_release_fd(struct shm_map *map);
/*
 * @len bytes at @offset of the mapping into @buf, never allocating a page that
 * was never written (shmem allocates on a read fault): a page mincore(2) says
 * is not in RAM reads as zeros, untouched. Only right when no page of the
 * object is in swap; @fault_absent reads through the mapping instead, faulting
 * in whatever is absent.
 */
int shm_map_copy(const struct shm_map *map, uint64_t offset, void *buf, size_t len,
		 bool fault_absent);
/* Pages [first, first + count), all in RAM or all not. */
struct shm_page_run {
	uint64_t first, count;
	bool resident;
};

/*
 * Which pages of the object are in RAM, by mincore(2) on the mapping, never
 * touching it: handed to @fn in order as runs, in pages of @page_size (a huge
 * page size for hugetlb segments; set before the first call). Memory stays
 * bounded whatever the size, and where there is a file (shm_map_fd) its holes
 * are skipped whole. A non-zero return from @fn stops the walk and is returned.
 */
int shm_map_residency(struct shm_map *map, size_t *page_size,
		      int (*fn)(const struct shm_page_run *run, void *arg), void *arg);

/*
 * Administration. MODE as chmod(1) takes it (octal 640, or symbolic g+r,o-rwx,
 * g=u) applied to @old: the nine permission bits, or -SHM_E_BAD_NUMBER, or
 * -SHM_E_RANGE for more than 0777 or the setuid, setgid and sticky bits.
 */
int shm_mode_apply(const char *mode, uint32_t old, uint32_t *out);
int shm_group_id(const char *name_or_id, gid_t *out);
/* System V by IPC_SET (only uid, gid and the nine mode bits); files by fchmod/fchown. */
int shm_seg_set_mode(struct shm_ctx *ctx, const struct shm_seg *seg, uint32_t mode);
/* (uid_t)-1 / (gid_t)-1: unchanged. */
int shm_seg_set_owner(struct shm_ctx *ctx, const struct shm_seg *seg, uid_t uid, gid_t gid);
/* SHM_LOCK / SHM_UNLOCK; -EOPNOTSUPP for every kind but System V. */
int shm_seg_lock(const struct shm_seg *seg, bool lock);
/*
 * ftruncate of a POSIX object or memfd; -EOPNOTSUPP for System V and
 * semaphores. On -EPERM, @seals holds the file's F_SEAL_* bits (0: none).
 */
int shm_seg_truncate(struct shm_ctx *ctx, const struct shm_seg *seg, uint64_t size,
		     unsigned *seals);

/* Holders: who maps or holds open which object, from ONE pass over /proc/PID. */
enum shm_hold_kind {
	SHM_HOLD_SYSV, /* a System V attachment (maps line /SYSV…, inode = shmid) */
	SHM_HOLD_MAP,  /* a mapping of a file: POSIX object or memfd, by device and inode */
	SHM_HOLD_FD,   /* an open file descriptor, by device and inode */
	SHM_HOLD_ANON, /* a shared mapping of an inode of the internal shmem mount */
	SHM_HOLD_FILE, /* a shared mapping of a regular file outside any tmpfs */
	SHM_HOLD_GPU,  /* a shared mapping of a DRM/GEM buffer */
};

/* What a holders scan collects beyond System V, POSIX and memfd mappings. */
enum shm_scan {
	SHM_SCAN_FDS = 1u << 0,
	SHM_SCAN_ANON = 1u << 1,
	SHM_SCAN_FILES = 1u << 2,
	SHM_SCAN_GPU = 1u << 3,
	SHM_SCAN_ALL = (1u << 4) - 1,
};

struct shm_hold {
	enum shm_hold_kind kind;
	pid_t pid;
	int fd;        /* SHM_HOLD_FD */
	int shmid;     /* SHM_HOLD_SYSV, in IPC namespace ipc_ns */
	uint64_t ipc_ns;
	uint64_t dev, ino;
	uint64_t start, end; /* SYSV, MAP: the address range */
	uint64_t size;       /* FD: the file's size */
	bool writable;
	bool memfd;
	char *name;    /* memfd name (without "memfd:"); file, GPU: the maps path; or NULL */
};

/* Why processes may exist that this /proc does not list at all. */
enum shm_unseen {
	SHM_UNSEEN_NONE,
	SHM_UNSEEN_HIDEPID, /* /proc is mounted hidepid=invisible (or ptraceable) */
	SHM_UNSEEN_PIDNS,   /* /proc is a child PID namespace's: its ancestors are not shown */
};

struct shm_holders {
	struct shm_hold *v; /* sorted by kind, then shmid or dev+ino, then pid */
	size_t n, cap;
	size_t hidden; /* processes whose maps or fds could not be read */
	enum shm_unseen unseen;
	size_t other_ipc; /* processes attached to System V segments of another IPC namespace */
};

/*
 * The scan, done once per context on first use. @with_fds: open fds too, not
 * only mappings (System V segments are only ever held by mappings).
 */
int shm_ctx_holders(struct shm_ctx *ctx, bool with_fds, const struct shm_holders **out);
/* The same, collecting what @what (enum shm_scan bits) asks and no more. */
int shm_ctx_holders_for(struct shm_ctx *ctx, unsigned what, const struct shm_holders **out);
int shm_holders_scan(struct shm_ctx *ctx, unsigned what, struct shm_holders *out);
/*
 * One System V segment's attachments from its creator and last attacher
 * alone, when those hold all nattch of them; -EAGAIN when they do not.
 */
int shm_sysv_holders_quick(struct shm_ctx *ctx, const struct shm_seg *seg,
			   struct shm_holders *out);
/*
 * The holders of one System V segment: the quick answer when there is one,
 * else the scan of every process. Valid until the next call for another segment.
 */
int shm_ctx_sysv_holders(struct shm_ctx *ctx, const struct shm_seg *seg,
			 const struct shm_holders **out);
/* The holders scan that sees @seg's kind, and the kind of hold that maps it. */
int shm_seg_holders(struct shm_ctx *ctx, const struct shm_seg *seg,
		    const struct shm_holders **out);
enum shm_hold_kind shm_seg_map_kind(const struct shm_seg *seg);
void shm_holders_free(struct shm_holders *h);
/* The holds of one object, a contiguous run in the sorted list. */
const struct shm_hold *shm_holders_find(const struct shm_holders *h, enum shm_hold_kind kind,
					const struct shm_seg *seg, size_t *count);
/* Every process that could hold an object was seen: no hidden, none unseen. */
bool shm_holders_complete(const struct shm_holders *h);
/* Distinct processes among @n holds (sorted by pid within a kind). */
size_t shm_holds_procs(const struct shm_hold *v, size_t n);

/* memfd objects held by visible processes, one per file, as records. */
int shm_memfd_list(struct shm_ctx *ctx, struct shm_list *list);
int shm_memfd_stat(struct shm_ctx *ctx, pid_t pid, int fd, struct shm_seg *out);

/*
 * Shared anonymous mappings and MAP_SHARED files, one record per inode, named
 * by the lowest pid mapping it and its lowest address there. Resident bytes
 * (anon: allocated minus swapped; file: pages in the page cache) when @need_usage.
 */
int shm_anon_list(struct shm_ctx *ctx, bool need_usage, struct shm_list *list);
int shm_file_list(struct shm_ctx *ctx, bool need_usage, struct shm_list *list);
/* The anon or file object that @pid maps at @addr (anywhere in the mapping). */
int shm_mapping_stat(struct shm_ctx *ctx, enum shm_kind kind, pid_t pid, uint64_t addr,
		     struct shm_seg *out);
/* GPU buffers mapped by visible processes: objects and bytes mapped. */
int shm_gpu_usage(struct shm_ctx *ctx, uint64_t *objects, uint64_t *bytes);
/* A System V segment attached through hugetlbfs: HugePages, not Shmem. */
bool shm_sysv_hugetlb(struct shm_ctx *ctx, const struct shm_seg *seg);

/* Every shmem-backed mount (tmpfs, devtmpfs) and hugetlbfs, one per device. */
struct shm_mount {
	uint64_t dev;
	char *path;       /* the first mount point of it; escapes of mountinfo decoded */
	char *fstype;
	uint64_t size, used; /* statvfs, bytes */
	bool measured;    /* statvfs answered with a size (size=0 tmpfs has none) */
	bool hidden;      /* every mount point of it is covered by another mount */
	uint64_t hidden_by; /* the device found at its mount point instead */
	bool is_shm_dir;  /* the shm directory's own: the posix line counts it */
	bool hugetlb;
};

struct shm_mounts {
	struct shm_mount *v;
	size_t n;
};

int shm_mounts_read(struct shm_ctx *ctx, struct shm_mounts *out);
void shm_mounts_free(struct shm_mounts *m);

/* HugePages from /proc/meminfo: pages in use times the huge page size, and the pool. */
int shm_meminfo_hugepages(struct shm_ctx *ctx, uint64_t *used, uint64_t *total);

/* The kernel's limits for System V shared memory, and what is in use. */
struct shm_limits {
	uint64_t shmmax, shmall, shmmni, shmmin;
	uint64_t rmid_forced;
	bool has_rmid_forced;
	uint64_t page_size;
	uint64_t used_ids, used_pages; /* SHM_INFO */
	uint64_t largest;              /* the largest segment, bytes (with_largest) */
	bool has_shm_dir;
	uint64_t shm_dir_size, shm_dir_used, shm_dir_avail; /* statvfs of the shm directory */
};

/* @with_largest: find the largest segment too, one more pass over them all. */
int shm_limits_read(struct shm_ctx *ctx, bool with_largest, struct shm_limits *out);
/* Shmem from /proc/meminfo, in bytes. */
int shm_meminfo_shmem(struct shm_ctx *ctx, uint64_t *bytes);

/* SEGMENT grammar */
enum shm_ref_kind { SHM_REF_ID, SHM_REF_KEY, SHM_REF_POSIX, SHM_REF_MEMFD, SHM_REF_ANON,
		    SHM_REF_FILE };

struct shm_ref {
	enum shm_ref_kind kind;
	int id;
	int32_t key;
	pid_t pid; /* memfd:PID:FD, anon:PID:0xADDR, file:PID:0xADDR */
	int fd;
	uint64_t addr;
	char name[256]; /* POSIX name without the leading '/' */
};

int shm_ref_parse(const char *text, struct shm_ref *out);
int shm_ref_stat(struct shm_ctx *ctx, const struct shm_ref *ref, struct shm_seg *out);

/* ftok */
int shm_ftok_parse_proj(const char *text, unsigned *out);
int shm_ftok(const char *path, unsigned proj, int32_t *key, dev_t *dev, ino_t *ino);
int32_t shm_ftok_compose(dev_t dev, ino_t ino, unsigned proj);

/* Numbers, sizes, durations */
int shm_parse_u64(const char *text, uint64_t *out);
int shm_parse_size(const char *text, uint64_t *out);
int shm_parse_duration(const char *text, uint64_t *seconds);
/* "4K", "1.5M", "512B": at most 8 bytes plus NUL. */
char *shm_format_size(uint64_t bytes, char buf[static 16]);
/* @a + @b, or UINT64_MAX when that does not fit: a total never wraps to a small one. */
uint64_t shm_add_sat(uint64_t a, uint64_t b);

/* Selection shared by ls and rm */
struct shm_filter {
	bool by_user;
	uid_t user;
	bool dest;
	bool orphaned;
	uint64_t min_size;
	bool by_unused;
	uint64_t unused_for;
};

bool shm_filter_match(struct shm_ctx *ctx, const struct shm_filter *f, const struct shm_seg *seg);
bool shm_seg_orphaned(struct shm_ctx *ctx, const struct shm_seg *seg);

#endif
