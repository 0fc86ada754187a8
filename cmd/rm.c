// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * shmtool rm: IPC_RMID or shm_unlink, by name or by the ls FILTERS. A key is
 * resolved to an id once and only that id is removed, so a segment that takes
 * the key after a race is never touched.
 */
#include <limits.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "select.h"

enum { OPT_DRY_RUN = 1, OPT_QUIET, OPT_ALL };

struct rm_opts {
	bool dry_run, quiet, all;
	struct selection sel;
};

static struct poptOption rm_options[] = {
	{ "dry-run", 'n', POPT_ARG_NONE, NULL, OPT_DRY_RUN, "say what would go; change nothing",
	  NULL },
	{ "quiet", 'q', POPT_ARG_NONE, NULL, OPT_QUIET, "print nothing on success", NULL },
	{ "all", 0, POPT_ARG_NONE, NULL, OPT_ALL,
	  "every segment and object (semaphores excepted), or all the FILTERS select", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, select_kind_options, 0, "What to remove:", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, select_ns_options, 0, "Where:", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, select_filter_options, 0,
	  "FILTERS (combined with AND):", NULL },
	CMD_HELP_OPTION,
	POPT_TABLEEND,
};

/*
 * A System V segment's attachments counted in processes, when every one of
 * the kernel's nattch was found (none in another IPC namespace or a hidden
 * process); 0 otherwise, and the attachments are said instead.
 */
static size_t attached_procs(struct shm_ctx *ctx, const struct shm_seg *seg)
{
	size_t n;
	const struct shm_hold *v = seg_holds(ctx, seg, SHM_HOLD_SYSV, &n);
	return v && n == seg->nattch ? shm_holds_procs(v, n) : 0;
}

/* @mappers: processes mapping a POSIX object, or attached to a System V segment (0: unknown). */
static void say(const struct rm_opts *o, const struct shm_seg *seg, size_t mappers,
		size_t openers)
{
	if (o->quiet)
		return;
	const char *would = o->dry_run ? "would " : "";
	/* With -A the same id lives in several namespaces: say whose. */
	char where[64] = "";
	if (o->sel.all_ns)
		snprintf(where, sizeof(where), " in ns %llu", (unsigned long long)seg->ipc_ns);
	if (seg->kind != SHM_KIND_SYSV && (mappers || openers)) {
		/* The name goes now; the memory stays while a process maps it or has it open. */
		size_t n = mappers ? mappers : openers;
		printf("%sunlink%s %s /", would, o->dry_run ? "" : "ed",
		       seg->kind == SHM_KIND_SEM ? "sem" : "posix");
		out_print_safe(stdout, seg->name);
		printf("%s: %zu process%s still %s it%s\n", where, n, n == 1 ? "" : "es",
		       mappers ? (n == 1 ? "maps" : "map") : (n == 1 ? "holds" : "hold"),
		       mappers ? "" : " open");
	} else if (seg->kind != SHM_KIND_SYSV) {
		printf("%sremove%s %s /", would, o->dry_run ? "" : "d",
		       seg->kind == SHM_KIND_SEM ? "sem" : "posix");
		out_print_safe(stdout, seg->name);
		printf("%s\n", where);
	} else if (seg->nattch > 0 && mappers) {
		printf("%smark%s sysv %d%s for removal: %zu process%s attached\n", would,
		       o->dry_run ? "" : "ed", seg->id, where, mappers, mappers == 1 ? "" : "es");
	} else if (seg->nattch > 0) {
		printf("%smark%s sysv %d%s for removal: %llu attachment%s\n", would,
		       o->dry_run ? "" : "ed", seg->id, where, (unsigned long long)seg->nattch,
		       seg->nattch == 1 ? "" : "s");
	} else {
		printf("%sremove%s sysv %d (key 0x%08x)%s\n", would, o->dry_run ? "" : "d", seg->id,
		       (unsigned)seg->key, where);
	}
}

static int remove_one(struct shm_ctx *ctx, const struct rm_opts *o, const struct shm_seg *seg,
		      const char *subject)
{
	size_t mappers = 0, openers = 0;
	if (seg->kind == SHM_KIND_MEMFD) {
		cmd_errorf("rm", subject, "a memfd has no name to remove: it goes when its "
			   "holders close it");
		return EXIT_FAIL;
	}
	if (seg->kind == SHM_KIND_ANON || seg->kind == SHM_KIND_FILE) {
		cmd_errorf("rm", subject, "%s", seg->kind == SHM_KIND_ANON
			   ? "shared anonymous memory has no name to remove: it goes when its "
			     "processes unmap it or exit"
			   : "a mapped file is not shared memory to remove: its pages stay in the "
			     "page cache while processes map it");
		return EXIT_FAIL;
	}
	if (seg->kind == SHM_KIND_SYSV && seg->nattch > 0 && !o->quiet)
		mappers = attached_procs(ctx, seg); /* before IPC_RMID changes the key */
	if (seg->kind != SHM_KIND_SYSV && !o->quiet) {
		const struct shm_hold *v = seg_holds(ctx, seg, SHM_HOLD_MAP, &mappers);
		mappers = shm_holds_procs(v, mappers);
		v = seg_holds(ctx, seg, SHM_HOLD_FD, &openers);
		openers = shm_holds_procs(v, openers);
	}
	int r = 0;
	if (!o->dry_run)
		r = seg->kind == SHM_KIND_SYSV ? shm_sysv_remove(seg->id)
					       : shm_posix_remove(ctx, seg->name);
	if (r < 0) {
		char buf[NAME_MAX + 2];
		if (seg->kind == SHM_KIND_SYSV)
			snprintf(buf, sizeof(buf), "%d", seg->id);
		else
			snprintf(buf, sizeof(buf), "/%s", seg->name);
		cmd_error("rm", subject ? subject : buf, r);
		return EXIT_FAIL;
	}
	say(o, seg, mappers, openers);
	return EXIT_OK;
}

static bool wanted_kind(const struct selection *sel, const struct shm_seg *seg)
{
	if (!sel->sysv && !sel->posix)
		return true;
	return seg->kind == SHM_KIND_SYSV ? sel->sysv : sel->posix;
}

/* Named SEGMENTs: all parsed before any is removed, so a typo removes nothing. */
static int remove_named(struct shm_ctx *ctx, const struct rm_opts *o, const char **args)
{
	size_t n = 0;
	while (args[n])
		n++;
	struct shm_ref *refs = calloc(n, sizeof(*refs));
	int *errs = calloc(n, sizeof(*errs));
	int status = refs && errs ? EXIT_OK : EXIT_FAIL;
	for (size_t i = 0; i < n && refs && errs; i++) {
		errs[i] = shm_ref_parse(args[i], &refs[i]);
		if (errs[i] < 0 && cmd_is_usage_error(errs[i])) {
			cmd_error("rm", args[i], errs[i]);
			status = EXIT_USAGE;
		}
	}
	for (size_t i = 0; i < n && status != EXIT_USAGE && refs && errs; i++) {
		struct shm_seg seg = { 0 };
		int r = errs[i] < 0 ? errs[i] : shm_ref_stat(ctx, &refs[i], &seg);
		if (r < 0) {
			cmd_error("rm", args[i], r);
			status = EXIT_FAIL;
		} else if (wanted_kind(&o->sel, &seg) &&
			   shm_filter_match(ctx, &o->sel.filter, &seg) &&
			   remove_one(ctx, o, &seg, args[i]) != EXIT_OK) {
			status = EXIT_FAIL;
		}
		shm_seg_clear(&seg);
	}
	free(refs);
	free(errs);
	return status;
}

struct walk {
	struct shm_ctx *ctx;
	const struct rm_opts *o;
	int status;
};

static int remove_walked(const struct shm_seg *seg, void *arg)
{
	struct walk *w = arg;
	if (shm_filter_match(w->ctx, &w->o->sel.filter, seg) &&
	    remove_one(w->ctx, w->o, seg, NULL) != EXIT_OK)
		w->status = EXIT_FAIL;
	return 0;
}

static int remove_selected(struct shm_ctx *ctx, const struct rm_opts *o)
{
	struct selection rest = o->sel; /* what the list is still to select */
	bool all_kinds = !rest.sysv && !rest.posix;
	int status = EXIT_OK;
	if ((all_kinds || rest.sysv) && !rest.all_ns) {
		/* System V segments go as the kernel's slots are walked, as ipcrm does. */
		struct walk w = { ctx, o, EXIT_OK };
		int r = shm_sysv_walk(ctx, remove_walked, &w);
		if (r != -ENOSYS) {
			if (r < 0)
				cmd_error_sys("rm", "SHM_STAT_ANY", r);
			status = r < 0 ? EXIT_FAIL : w.status;
			if (!all_kinds && !rest.posix)
				return status;
			rest.sysv = false;
			rest.posix = true;
		}
	}
	struct shm_list list;
	int st = select_list("rm", ctx, &rest, &list);
	if (st != EXIT_OK)
		status = st;
	shm_list_foreach(seg, &list) {
		/* Each row is removed where it lives: -A lists them scope by scope. */
		if (seg->nspid && seg->nspid != shm_ctx_scope_pid(ctx)) {
			int r = shm_ctx_enter(ctx, seg->nspid);
			if (r < 0) {
				char pid[24];
				snprintf(pid, sizeof(pid), "%d", (int)seg->nspid);
				cmd_error_sys("rm", pid, r);
				status = EXIT_FAIL;
				continue;
			}
		}
		if (remove_one(ctx, o, seg, NULL) != EXIT_OK)
			status = EXIT_FAIL;
	}
	if (shm_ctx_leave(ctx) < 0)
		status = EXIT_FAIL;
	shm_list_free(&list);
	return status;
}

static int rm_run(struct shm_ctx *ctx, int argc, const char **argv)
{
	struct rm_opts o = { 0 };
	int status = EXIT_OK, val;
	poptContext pc = cmd_popt("rm", argc, argv, rm_options,
				  "[OPTION...] [FILTERS] [SEGMENT...]");
	while (status == EXIT_OK && (val = cmd_next_opt(pc, "rm")) > 0) {
		switch (val) {
		case OPT_DRY_RUN: o.dry_run = true; break;
		case OPT_QUIET: o.quiet = true; break;
		case OPT_ALL: o.all = true; break;
		default: status = select_option("rm", pc, ctx, val, &o.sel); break;
		}
	}
	if (status != EXIT_OK)
		goto done;
	if (val < 0) {
		status = cmd_opts_end(val);
		goto done;
	}
	const char **args = poptGetArgs(pc);
	bool named = args && args[0];
	if (named && o.all) {
		cmd_errorf("rm", NULL, "--all and SEGMENTs exclude each other");
		status = EXIT_USAGE;
	} else if (named && o.sel.all_ns) {
		cmd_errorf("rm", NULL, "-A selects in every namespace; name SEGMENTs of one with "
			   "--ns PID");
		status = EXIT_USAGE;
	} else if (!named && !o.all && !o.sel.filtered) {
		cmd_errorf("rm", NULL, "nothing selected: name SEGMENTs, or use --all or a FILTER "
			   "(rm never removes everything by accident)");
		status = EXIT_USAGE;
	} else {
		status = named ? remove_named(ctx, &o, args) : remove_selected(ctx, &o);
	}
done:
	poptFreeContext(pc);
	return status;
}

const struct shm_cmd shm_cmd_rm = {
	.name = "rm",
	.summary = "remove segments (IPC_RMID) and POSIX objects (shm_unlink)",
	.run = rm_run,
};
