// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * shmtool attach: hold a segment attached (or an object mapped) until a signal,
 * so a learner can watch nattch, lpid and dest change from another shell.
 */
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "out.h"
#include "select.h"

enum { OPT_READ_ONLY = 1 };

static struct poptOption attach_options[] = {
	{ "read-only", 'r', POPT_ARG_NONE, NULL, OPT_READ_ONLY, "attach read-only (SHM_RDONLY)",
	  NULL },
	CMD_HELP_OPTION,
	POPT_TABLEEND,
};

static int hold(struct shm_ctx *ctx, const char *arg, bool read_only)
{
	struct shm_seg seg = { 0 };
	struct shm_map map = { 0 };
	int status = select_one("attach", ctx, arg, &seg);
	if (status)
		goto done;
	if (!read_only && (seg.kind == SHM_KIND_ANON || seg.kind == SHM_KIND_FILE)) {
		cmd_errorf("attach", arg, "%s is only read by shmtool: attach it with -r",
			   seg.kind == SHM_KIND_ANON ? "shared anonymous memory" : "a mapped file");
		status = EXIT_FAIL;
		goto done;
	}
	/* Blocked before attaching, taken by sigwait: the detach always runs. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int r = shm_map_open(ctx, &seg, !read_only, &map);
	if (r < 0) {
		cmd_error("attach", arg, r);
		status = EXIT_FAIL;
		goto done;
	}
	/* A mapper, as the learner expects: not also a holder of an open fd. */
	shm_map_release_fd(&map);
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = (uintptr_t)map.addr, end = start + ((map.len + page - 1) & ~(page - 1));
	/* SEGMENT as given, made safe: a name could hold terminal commands. */
	fputs("attached ", stdout);
	out_print_safe(stdout, arg);
	if (map.addr)
		printf(" at %#lx-%#lx (%s), pid %d; Ctrl-C or kill detaches\n",
		       (unsigned long)start, (unsigned long)end, read_only ? "r-" : "rw",
		       (int)getpid());
	else
		printf(": empty, nothing mapped (%s), pid %d; Ctrl-C or kill detaches\n",
		       read_only ? "r-" : "rw", (int)getpid());
	fflush(stdout);
	int sig;
	sigwait(&set, &sig);
	shm_map_close(&map);
	fputs("detached ", stdout);
	out_print_safe(stdout, arg);
	putchar('\n');
done:
	shm_map_close(&map);
	shm_seg_clear(&seg);
	return status;
}

static int attach_run(struct shm_ctx *ctx, int argc, const char **argv)
{
	bool read_only = false;
	int status = EXIT_OK, val;
	poptContext pc = cmd_popt("attach", argc, argv, attach_options, "[OPTION...] SEGMENT");
	while ((val = cmd_next_opt(pc, "attach")) > 0)
		read_only |= val == OPT_READ_ONLY;
	if (val < 0) {
		status = cmd_opts_end(val);
		goto done;
	}
	const char *operand = cmd_one_arg(pc, "attach", "shmtool attach [-r] SEGMENT");
	status = operand ? hold(ctx, operand, read_only) : EXIT_USAGE;
done:
	poptFreeContext(pc);
	return status;
}

const struct shm_cmd shm_cmd_attach = {
	.name = "attach",
	.summary = "hold a segment attached until interrupted",
	.run = attach_run,
};
