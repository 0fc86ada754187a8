/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What chmod, chown, lock, unlock and truncate share: MODE/OWNER SEGMENT... in one loop. */
#ifndef SHMTOOL_ADMIN_H
#define SHMTOOL_ADMIN_H

#include "cmd.h"

struct admin_op {
	const char *cmd;
	/* Acts on one segment and prints its line; EXIT_OK, or EXIT_FAIL after reporting. */
	int (*one)(struct shm_ctx *ctx, const struct shm_seg *seg, const char *arg, void *data);
	void *data;
};

/*
 * Every SEGMENT is parsed before any is touched, so a typo changes nothing
 * (exit 2); then each is looked up and acted on, on past failures (exit 1).
 */
int admin_each(struct shm_ctx *ctx, const struct admin_op *op, const char **args);
/* "sysv 3", "posix /foo", "memfd memfd:12:3": escaped for a terminal, malloc'd. */
char *admin_label(const struct shm_seg *seg);
/* The free arguments, at least @min of them, or NULL after saying that @what is missing. */
const char **admin_args(poptContext pc, const char *cmd, size_t min, const char *what);

#endif
