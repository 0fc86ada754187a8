/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Choosing objects from the live list: the kinds and FILTERS ls and rm share. */
#ifndef SHMTOOL_SELECT_H
#define SHMTOOL_SELECT_H

#include "cmd.h"

enum {
	OPT_SYSV = 1000,
	OPT_POSIX,
	OPT_SEM,
	OPT_MEMFD,
	OPT_USER,
	OPT_DEST,
	OPT_ORPHANED,
	OPT_MIN_SIZE,
	OPT_UNUSED_FOR,
	OPT_ALL_NS,
	OPT_ANON,
	OPT_FILES,
	OPT_EVERY,
};

struct selection {
	bool sysv, posix, sem, memfd;
	bool all_ns; /* -A: every namespace */
	bool anon, files; /* shared anonymous mappings, MAP_SHARED files */
	bool gpu;         /* GPU buffers: not listed, but summed by usage from the same pass */
	bool filtered; /* any FILTER given */
	bool need_usage; /* rss and swap of System V segments are wanted */
	struct shm_filter filter;
};

extern struct poptOption select_kind_options[];
extern struct poptOption select_filter_options[];
extern struct poptOption select_ns_options[];
/* Says so and fails when the caller may not join other namespaces. */
bool select_can_enter(const char *cmd, const char *what);

/* Handles @val if it is a selection option: 0 done, 1 not ours, EXIT_USAGE. */
int select_option(const char *cmd, poptContext pc, struct shm_ctx *ctx, int val,
		  struct selection *sel);
/* The live objects @sel picks, in ls order; EXIT_FAIL when a source failed (reported). */
int select_list(const char *cmd, struct shm_ctx *ctx, const struct selection *sel,
		struct shm_list *out);

/* One SEGMENT argument resolved to its record; reports failures. 0, EXIT_USAGE or EXIT_FAIL. */
int select_one(const char *cmd, struct shm_ctx *ctx, const char *arg, struct shm_seg *seg);

/* write(2) all of it, through EINTR and short writes; 0 or -errno. */
int write_all(int fd, const void *buf, size_t len);

#endif
