// SPDX-License-Identifier: GPL-2.0-or-later
/* Kinds and FILTERS: one option table and one list for ls and rm alike. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "select.h"

struct poptOption select_kind_options[] = {
	{ "sysv", 0, POPT_ARG_NONE, NULL, OPT_SYSV, "System V segments only", NULL },
	{ "posix", 0, POPT_ARG_NONE, NULL, OPT_POSIX, "POSIX objects only", NULL },
	POPT_TABLEEND,
};

struct poptOption select_ns_options[] = {
	{ "all-namespaces", 'A', POPT_ARG_NONE, NULL, OPT_ALL_NS,
	  "every IPC namespace and every shm directory on the host (needs CAP_SYS_ADMIN)", NULL },
	POPT_TABLEEND,
};

struct poptOption select_filter_options[] = {
	{ "user", 0, POPT_ARG_STRING, NULL, OPT_USER, "owned by USER (name or uid)", "USER" },
	{ "dest", 0, POPT_ARG_NONE, NULL, OPT_DEST, "marked for removal", NULL },
	{ "orphaned", 0, POPT_ARG_NONE, NULL, OPT_ORPHANED,
	  "nobody holds it: System V unattached with its creator gone, POSIX unmapped and "
	  "not open", NULL },
	{ "min-size", 0, POPT_ARG_STRING, NULL, OPT_MIN_SIZE, "at least SIZE bytes", "SIZE" },
	{ "unused-for", 0, POPT_ARG_STRING, NULL, OPT_UNUSED_FOR,
	  "no attach, detach or change for DURATION", "DURATION" },
	POPT_TABLEEND,
};

int select_option(const char *cmd, poptContext pc, struct shm_ctx *ctx, int val,
		  struct selection *sel)
{
	char *arg = NULL;
	int status = 0;
	switch (val) {
	case OPT_SYSV: sel->sysv = true; return 0;
	case OPT_POSIX: sel->posix = true; return 0;
	case OPT_SEM: sel->sem = true; return 0;
	case OPT_MEMFD: sel->memfd = true; return 0;
	case OPT_ALL_NS:
		/* Said before anything is listed: no header over nothing. */
		sel->all_ns = true;
		return select_can_enter(cmd, "--all-namespaces") ? 0 : EXIT_FAIL;
	case OPT_ANON: sel->anon = true; return 0;
	case OPT_FILES: sel->files = true; return 0;
	case OPT_EVERY: sel->sem = sel->memfd = sel->anon = sel->files = true; return 0;
	case OPT_DEST: sel->filter.dest = true; break;
	case OPT_ORPHANED: sel->filter.orphaned = true; break;
	case OPT_USER:
		cmd_take_arg(pc, &arg);
		if (shm_ctx_user_id(ctx, arg, &sel->filter.user) < 0) {
			cmd_errorf(cmd, arg, "no such user");
			status = EXIT_USAGE;
		}
		sel->filter.by_user = true;
		break;
	case OPT_MIN_SIZE:
		cmd_take_arg(pc, &arg);
		status = cmd_parse_size(cmd, "--min-size", arg, &sel->filter.min_size);
		break;
	case OPT_UNUSED_FOR:
		cmd_take_arg(pc, &arg);
		status = cmd_parse_duration(cmd, "--unused-for", arg, &sel->filter.unused_for);
		sel->filter.by_unused = true;
		break;
	default:
		return 1;
	}
	free(arg);
	sel->filtered = true;
	return status;
}

/* Keeps only what the filters accept, in place. */
static void apply_filter(struct shm_ctx *ctx, const struct selection *sel, struct shm_list *list)
{
	size_t kept = 0;
	shm_list_foreach(seg, list) {
		if (shm_filter_match(ctx, &sel->filter, seg))
			list->v[kept++] = *seg;
		else
			shm_seg_clear(seg);
	}
	list->n = kept;
}

/* The System V segments and (when @posix) POSIX objects of the context's scope. */
static int list_scope(const char *cmd, struct shm_ctx *ctx, const struct selection *sel,
		      bool posix, struct shm_list *out)
{
	bool all = !sel->sysv && !sel->posix;
	int status = EXIT_OK;
	if (all || sel->sysv) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/sysvipc/shm", shm_ctx_proc_root(ctx));
		int r = shm_sysv_list(ctx, sel->need_usage, out);
		if (r < 0) {
			if (r <= -SHM_E_SYNTAX)
				cmd_error(cmd, path, r);
			else
				cmd_error_sys(cmd, path, r);
			status = EXIT_FAIL;
		} else if (out->bad_lines) {
			cmd_errorf(cmd, path, "skipped %zu malformed line%s",
				   out->bad_lines, out->bad_lines == 1 ? "" : "s");
		}
	}
	if ((all || sel->posix) && posix) {
		int r = shm_posix_list(ctx, sel->sem, out);
		if (r < 0) {
			cmd_error_sys(cmd, shm_ctx_shm_dir(ctx), r);
			status = EXIT_FAIL;
		}
	}
	return status;
}

/* Whether the caller has CAP_SYS_ADMIN, which joining a namespace needs. */
static bool has_sys_admin(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	if (syscall(SYS_capget, &hdr, data) < 0)
		return false;
	return data[CAP_SYS_ADMIN / 32].effective & (1u << (CAP_SYS_ADMIN % 32));
}

bool select_can_enter(const char *cmd, const char *what)
{
	if (has_sys_admin())
		return true;
	cmd_errorf(cmd, what, "needs CAP_SYS_ADMIN to enter other namespaces (run as root)");
	return false;
}

/*
 * Every IPC namespace (its System V segments) and every distinct shm directory
 * (its POSIX objects, once per device), each tagged with its namespace. A
 * namespace that ends meanwhile is skipped and counted, never fatal.
 */
static int list_all_scopes(const char *cmd, struct shm_ctx *ctx, const struct selection *sel,
			   struct shm_list *out)
{
	struct shm_scope *scopes;
	size_t n;
	int r = shm_scopes(ctx, &scopes, &n);
	if (r < 0) {
		cmd_error_sys(cmd, shm_ctx_proc_root(ctx), r);
		return EXIT_FAIL;
	}
	uint64_t *devs = calloc(n ? n : 1, sizeof(*devs));
	size_t ndevs = 0, vanished = 0;
	int status = devs ? EXIT_OK : EXIT_FAIL;
	for (size_t i = 0; devs && i < n; i++) {
		r = scopes[i].home ? shm_ctx_leave(ctx) : shm_ctx_enter(ctx, scopes[i].pid);
		if (r == -ESRCH) {
			vanished++;
			continue;
		}
		if (r < 0) {
			char pid[24];
			snprintf(pid, sizeof(pid), "%d", (int)scopes[i].pid);
			cmd_error_sys(cmd, pid, r);
			status = EXIT_FAIL;
			continue;
		}
		uint64_t dev = 0;
		bool posix = shm_ctx_shm_dir_dev(ctx, &dev) == 0;
		if (posix && shm_ctx_note_shm_dev(ctx, dev) < 0)
			status = EXIT_FAIL;
		for (size_t j = 0; posix && j < ndevs; j++)
			posix = devs[j] != dev;
		if (posix)
			devs[ndevs++] = dev;
		size_t first = out->n;
		if (list_scope(cmd, ctx, sel, posix, out) != EXIT_OK)
			status = EXIT_FAIL;
		for (size_t j = first; j < out->n; j++)
			out->v[j].nspid = scopes[i].pid;
	}
	if (shm_ctx_leave(ctx) < 0)
		status = EXIT_FAIL;
	if (vanished)
		cmd_errorf(cmd, NULL, "%zu namespace%s ended while being listed (skipped)", vanished,
			   vanished == 1 ? "" : "s");
	free(devs);
	free(scopes);
	return status;
}

int select_list(const char *cmd, struct shm_ctx *ctx, const struct selection *sel,
		struct shm_list *out)
{
	bool all = !sel->sysv && !sel->posix;
	shm_list_init(out);
	/* Every scope first: the holders pass then knows each one's shm directory. */
	int status;
	if (sel->all_ns)
		status = select_can_enter(cmd, "--all-namespaces") ? list_all_scopes(cmd, ctx, sel, out)
								   : EXIT_FAIL;
	else
		status = list_scope(cmd, ctx, sel, true, out);
	/* One pass over /proc collecting all that the kinds asked need, not one per kind. */
	unsigned what = (sel->memfd || sel->filter.orphaned ? SHM_SCAN_FDS : 0) |
			(sel->anon ? SHM_SCAN_ANON : 0) | (sel->files ? SHM_SCAN_FILES : 0) |
			(sel->gpu ? SHM_SCAN_GPU : 0);
	const struct shm_holders *pre;
	if (what)
		(void)shm_ctx_holders_for(ctx, what, &pre); /* failures are each kind's to report */
	if (sel->memfd) {
		int r = shm_memfd_list(ctx, out);
		if (r < 0) {
			cmd_error_sys(cmd, "memfd", r);
			status = EXIT_FAIL;
		}
	}
	if (sel->anon || sel->files) {
		int r = sel->anon ? shm_anon_list(ctx, sel->need_usage, out) : 0;
		if (r == 0 && sel->files)
			r = shm_file_list(ctx, sel->need_usage, out);
		if (r < 0) {
			cmd_error_sys(cmd, sel->anon ? "anon" : "file", r);
			status = EXIT_FAIL;
		}
	}
	const struct shm_holders *h;
	int r;
	/* --orphaned must not read "no holder seen" as "no holder" when none can be seen. */
	if (sel->filter.orphaned && (r = shm_ctx_holders(ctx, true, &h)) < 0) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/self", shm_ctx_proc_root(ctx));
		cmd_errorf(cmd, path, "%s: no process can be seen, so none is known to be orphaned",
			   strerror(-r));
		status = EXIT_FAIL;
	} else if (sel->filter.orphaned && !shm_holders_complete(h) && (all || sel->posix)) {
		char why[160];
		cmd_errorf(cmd, shm_ctx_proc_root(ctx), "%s, so no POSIX object is called orphaned",
			   cmd_unseen_text(h, why, sizeof(why)));
	}
	apply_filter(ctx, sel, out);
	return status;
}

int select_one(const char *cmd, struct shm_ctx *ctx, const char *arg, struct shm_seg *seg)
{
	struct shm_ref ref;
	int r = shm_ref_parse(arg, &ref);
	if (r == 0)
		r = shm_ref_stat(ctx, &ref, seg);
	if (r == 0)
		return 0;
	cmd_error(cmd, arg, r);
	return cmd_is_usage_error(r) ? EXIT_USAGE : EXIT_FAIL;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
