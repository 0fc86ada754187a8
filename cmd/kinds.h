/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every kind of shared memory summed, next to the kernel's Shmem: for usage and metrics. */
#ifndef SHMTOOL_KINDS_H
#define SHMTOOL_KINDS_H

#include "cmd.h"

/* The kinds that make up Shmem, then the ones shown apart. */
enum { K_SYSV, K_POSIX, K_MEMFD, K_ANON, K_TMPFS, K_GPU, K_IN_SHMEM, K_FILE = K_IN_SHMEM,
       K_HUGE, K_COUNT };

enum { HAS_OBJECTS = 1, HAS_SIZE = 2, HAS_RSS = 4, HAS_SWAP = 8 };

struct kind_total {
	const char *kind;
	unsigned has;
	uint64_t objects, size, rss, swap;
};

struct totals {
	struct kind_total k[K_COUNT];
	bool has_shmem;
	uint64_t shmem, explained, unexplained, overcounted;
	struct shm_mounts mounts;
	const struct shm_holders *holders; /* NULL when no process could be seen */
};

extern const char *const kind_names[K_COUNT];

/*
 * Lists every object into @list (sysv, posix, memfd, anon, file) and sums
 * them with the tmpfs mounts, GPU buffers and HugePages. EXIT_OK or EXIT_FAIL
 * (reported).
 */
/* Every kind of every namespace (@all_ns, -A) or of the context's one. */
int totals_gather(const char *cmd, struct shm_ctx *ctx, bool all_ns, struct shm_list *list,
		  struct totals *t);
void totals_free(struct totals *t);
/* Why the kinds do not add up to Shmem, a line each (no newline), to @fn. */
void totals_causes(const struct totals *t, void (*fn)(const char *line, void *arg), void *arg);
/* Whether @seg counts among the largest objects (file pages are not Shmem). */
bool totals_in_shmem(struct shm_ctx *ctx, const struct shm_seg *seg);

#endif
