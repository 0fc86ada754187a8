/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the library's files share and the tool never sees. */
#ifndef SHM_INTERNAL_H
#define SHM_INTERNAL_H

#include <limits.h>
#include <sys/stat.h>

#include "shm.h"

ssize_t shm_read_small(const char *path, char *buf, size_t size);
/* The shm directory, opened to work in it with *at() calls; an fd or -errno. */
int shm_dir_open(struct shm_ctx *ctx);
/*
 * The POSIX object @name, checked to be a regular file (never through a
 * symlink): the open shm directory (for the caller to close) or -errno.
 */
int shm_posix_at(struct shm_ctx *ctx, const char *name, struct stat *st);
void shm_seg_from_stat(struct shm_seg *seg, enum shm_kind kind, const struct stat *st);
/*
 * The kernel's internal shmem mount, which holds memfds, System V segments and
 * shared anonymous memory: its device and mount id, learned from a memfd of
 * our own. Device 0 when memfd_create is not available.
 */
int shm_ctx_shmem_identity(struct shm_ctx *ctx, uint64_t *dev, uint64_t *mnt_id);
/*
 * Opens the memfd that process @pid holds as @fd without trusting the name:
 * the file is opened O_PATH, checked to be a regular file on the internal
 * shmem mount, then reopened with @flags (never following anything the
 * process could swap meanwhile). An fd, or -errno / -SHM_E_NOT_SHM. @st gets
 * the file's status; @name (optional) its memfd name, malloc'd.
 */
int shm_memfd_open(struct shm_ctx *ctx, const char *magic_path, int flags, struct stat *st,
		   char **name);
/* Scopes (scope.c and ctx.c). */
int shm_ctx_save_home(struct shm_ctx *ctx);
int shm_keep_fd(int fd);
void shm_ctx_shm_devs(const struct shm_ctx *ctx, const uint64_t **v, size_t *n);
/* The inode of a namespace link such as /proc/PID/ns/ipc ("ipc:[4026531839]"), or 0. */
uint64_t shm_ns_inode(const char *path);
/* The inode of process @pid's IPC namespace under @proc_root, or 0 when unreadable. */
uint64_t shm_proc_ipc_ns(const char *proc_root, const char *pid);
/* Marks @seg as found in the context's scope (its IPC namespace and process). */
void shm_seg_set_scope(struct shm_ctx *ctx, struct shm_seg *seg);
/* Takes @dir (an O_PATH fd of the scope's shm directory, or <0 for none). */
int shm_ctx_set_scope(struct shm_ctx *ctx, pid_t pid, uint64_t ipc_ns, int dir, const char *label);
/* The devices of tmpfs, devtmpfs, ramfs and hugetlbfs mounts we see: malloc'd. */
int shm_mounts_tmpfs_devs(struct shm_ctx *ctx, uint64_t **devs, size_t *n);
/*
 * What a magic link (/proc/PID/fd/N, map_files/RANGE) points at, opened
 * O_PATH and checked: a memfd, a shared anonymous inode, a System V segment
 * (all regular files on the internal shmem mount), or a regular file
 * elsewhere; then reopened with
 * @flags (-1: only checked, 0 returned). An fd, or -errno / -SHM_E_NOT_SHM.
 */
enum shm_magic { SHM_MAGIC_MEMFD, SHM_MAGIC_ANON, SHM_MAGIC_SYSV, SHM_MAGIC_FILE };
int shm_magic_open(struct shm_ctx *ctx, const char *magic_path, enum shm_magic what, int flags,
		   struct stat *st);
int shm_parse_i64_base0(const char *text, int64_t *out);

#endif
