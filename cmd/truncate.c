// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * shmtool truncate -s SIZE SEGMENT...: a POSIX object's or memfd's size. A
 * process that maps what is cut off gets SIGBUS when it touches it, so
 * shrinking a mapped object (or one whose mappers cannot all be seen) takes
 * --force.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"

enum { OPT_SIZE = 1, OPT_DRY_RUN, OPT_FORCE };

static struct poptOption truncate_options[] = {
	{ "size", 's', POPT_ARG_STRING, NULL, OPT_SIZE, "the new size (required), e.g. 4096, 64K",
	  "SIZE" },
	{ "dry-run", 'n', POPT_ARG_NONE, NULL, OPT_DRY_RUN, "say what would change; change nothing",
	  NULL },
	{ "force", 'f', POPT_ARG_NONE, NULL, OPT_FORCE,
	  "shrink even what processes map (they get SIGBUS past the new end)", NULL },
	CMD_HELP_OPTION,
	POPT_TABLEEND,
};

struct truncate_job {
	uint64_t size;
	bool have_size, dry_run, force;
};

/* "12, 34": the distinct pids of @n holds, sorted by pid. */
static void pid_list(const struct shm_hold *v, size_t n, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && len < size; i++) {
		if (i > 0 && v[i].pid == v[i - 1].pid)
			continue;
		int w = snprintf(buf + len, size - len, "%s%d", len ? ", " : "", (int)v[i].pid);
		len += w > 0 ? (size_t)w : 0;
	}
}

/* Shrinking: refused while a process maps it, or might without our seeing it. */
static int check_mappers(struct shm_ctx *ctx, const struct shm_seg *seg, const char *arg)
{
	const struct shm_holders *h;
	int r = shm_ctx_holders(ctx, false, &h);
	if (r < 0) {
		cmd_errorf("truncate", arg, "cannot tell which processes map it (%s), and one "
			   "would get SIGBUS: shrink it with --force", strerror(-r));
		return EXIT_FAIL;
	}
	size_t n;
	const struct shm_hold *v = shm_holders_find(h, SHM_HOLD_MAP, seg, &n);
	if (n > 0) {
		char pids[256];
		pid_list(v, n, pids, sizeof(pids));
		size_t procs = shm_holds_procs(v, n);
		cmd_errorf("truncate", arg, "mapped by process%s %s, which would get SIGBUS past "
			   "the new end: shrink it with --force", procs == 1 ? "" : "es", pids);
		return EXIT_FAIL;
	}
	if (h->hidden > 0) {
		cmd_errorf("truncate", arg, "%zu process%s could not be checked for a mapping, "
			   "which would get SIGBUS: shrink it with --force", h->hidden,
			   h->hidden == 1 ? "" : "es");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static void report(const struct shm_seg *seg, const char *arg, int r, unsigned seals)
{
	if (r == -EOPNOTSUPP && seg->kind == SHM_KIND_SYSV)
		cmd_errorf("truncate", arg, "a System V segment's size is fixed when shmget makes "
			   "it; make a new segment and copy the bytes (shmtool create, cat, write)");
	else if (r == -EOPNOTSUPP)
		cmd_errorf("truncate", arg, "a POSIX semaphore, not memory to resize");
	else if (r == -EPERM && seals)
		cmd_errorf("truncate", arg, "sealed (F_GET_SEALS:%s%s): its size cannot change, "
			   "not even by root", seals & F_SEAL_SHRINK ? " F_SEAL_SHRINK" : "",
			   seals & F_SEAL_GROW ? " F_SEAL_GROW" : "");
	else
		cmd_error("truncate", arg, r);
}

static int truncate_one(struct shm_ctx *ctx, const struct shm_seg *seg, const char *arg,
			void *data)
{
	const struct truncate_job *j = data;
	unsigned seals = 0;
	int r = 0;
	if (seg->kind == SHM_KIND_SYSV || seg->kind == SHM_KIND_SEM)
		r = -EOPNOTSUPP;
	else if (j->size < seg->size && !j->force && check_mappers(ctx, seg, arg) != EXIT_OK)
		return EXIT_FAIL;
	if (r == 0 && !j->dry_run)
		r = shm_seg_truncate(ctx, seg, j->size, &seals);
	if (r < 0) {
		report(seg, arg, r, seals);
		return EXIT_FAIL;
	}
	char *label = admin_label(seg);
	printf("%s%s: size %llu -> %llu\n", j->dry_run ? "would change " : "",
	       label ? label : arg, (unsigned long long)seg->size, (unsigned long long)j->size);
	free(label);
	return EXIT_OK;
}

static int truncate_run(struct shm_ctx *ctx, int argc, const char **argv)
{
	struct truncate_job j = { 0 };
	char *arg = NULL;
	int val, status = CMD_CONTINUE;
	poptContext pc = cmd_popt("truncate", argc, argv, truncate_options, "-s SIZE SEGMENT...");
	while (status == CMD_CONTINUE && (val = cmd_next_opt(pc, "truncate")) > 0) {
		switch (val) {
		case OPT_SIZE:
			cmd_take_arg(pc, &arg);
			if (cmd_parse_size("truncate", "--size", arg, &j.size) != 0)
				status = EXIT_USAGE;
			j.have_size = true;
			break;
		case OPT_DRY_RUN: j.dry_run = true; break;
		case OPT_FORCE: j.force = true; break;
		}
	}
	if (status == CMD_CONTINUE)
		status = cmd_opts_end(val);
	if (status != CMD_CONTINUE)
		goto done;
	if (!j.have_size) {
		cmd_errorf("truncate", NULL, "-s/--size is required (see 'shmtool truncate --help')");
		status = EXIT_USAGE;
		goto done;
	}
	if (j.size > INT64_MAX) {
		cmd_errorf("truncate", arg, "size for --size is too large (a file's size is at most "
			   "2^63-1 bytes)");
		status = EXIT_USAGE;
		goto done;
	}
	const char **args = admin_args(pc, "truncate", 1, "at least one SEGMENT");
	struct admin_op op = { "truncate", truncate_one, &j };
	status = args ? admin_each(ctx, &op, args) : EXIT_USAGE;
done:
	free(arg);
	poptFreeContext(pc);
	return status;
}

const struct shm_cmd shm_cmd_truncate = {
	.name = "truncate",
	.summary = "resize POSIX objects and memfds (ftruncate)",
	.run = truncate_run,
};
