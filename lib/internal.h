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
int shm_parse_i64_base0(const char *text, int64_t *out);

#endif
