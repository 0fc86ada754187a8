// SPDX-License-Identifier: GPL-2.0-or-later
/* shmtool create: a private, keyed or POSIX object; prints its id or /NAME. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

enum { OPT_SIZE = 1, OPT_MODE, OPT_EXCL, OPT_HUGETLB, OPT_NORESERVE };

static struct poptOption create_options[] = {
	{ "size", 's', POPT_ARG_STRING, NULL, OPT_SIZE, "size (required), e.g. 4096, 64K, 1MiB",
	  "SIZE" },
	{ "mode", 'm', POPT_ARG_STRING, NULL, OPT_MODE,
	  "permissions in octal, applied exactly (default 0600; at most 0777 for System V)",
	  "MODE" },
	{ "exclusive", 'x', POPT_ARG_NONE, NULL, OPT_EXCL, "fail if it exists", NULL },
	{ "hugetlb", 0, POPT_ARG_NONE, NULL, OPT_HUGETLB, "use huge pages (System V only)", NULL },
	{ "noreserve", 0, POPT_ARG_NONE, NULL, OPT_NORESERVE,
	  "reserve no swap space (System V only)", NULL },
	CMD_HELP_OPTION,
	POPT_TABLEEND,
};

/* Octal whatever the leading digit: 640 means 0640, as chmod reads it. */
static int parse_mode(const char *text, uint32_t *mode)
{
	size_t n = strlen(text);
	uint32_t v = 0;
	if (n == 0 || n > 5 || strspn(text, "01234567") != n) {
		cmd_errorf("create", text, "not an octal mode (e.g. 0600, 640)");
		return EXIT_USAGE;
	}
	for (const char *p = text; *p; p++)
		v = v * 8 + (uint32_t)(*p - '0');
	if (v > 07777) {
		cmd_errorf("create", text, "mode is at most 07777");
		return EXIT_USAGE;
	}
	*mode = v;
	return 0;
}

static bool no_huge_pages(void)
{
	char buf[32];
	FILE *f = fopen("/proc/sys/vm/nr_hugepages", "r");
	bool none = f && fgets(buf, sizeof(buf), f) && atol(buf) == 0;
	if (f)
		fclose(f);
	return none;
}

/*
 * With kernel.shm_rmid_forced a segment nothing attaches goes when the process
 * that made it exits: create would print an id that is already gone.
 */
static bool rmid_forced(struct shm_ctx *ctx)
{
	struct shm_limits l;
	return shm_limits_read(ctx, false, &l) == 0 && l.has_rmid_forced && l.rmid_forced;
}

static int report(struct shm_ctx *ctx, const char *subject, const struct shm_create *c, int r)
{
	if (r == -SHM_E_NO_DIR)
		cmd_error_sys("create", shm_ctx_shm_dir(ctx), -ENOENT);
	else if (c->hugetlb && (r == -ENOMEM || r == -EINVAL) && no_huge_pages())
		cmd_errorf("create", subject, "no huge pages are reserved on this machine "
			   "(vm.nr_hugepages is 0); see hugetlbpage in the kernel docs");
	else if (r == -EEXIST)
		cmd_errorf("create", subject, "already exists (-x/--exclusive)");
	else if (r == -EINVAL && !c->hugetlb)
		cmd_errorf("create", subject, "size out of the kernel's limits "
			   "(see SHMMIN and SHMMAX in 'shmtool limits')");
	else
		cmd_error("create", subject, r);
	return EXIT_FAIL;
}

/*
 * The name printed is the only way to the object: when it cannot be said (a
 * full disk, a closed stdout), one made here would be lost, so it is removed
 * again. One that was reused is left as it was.
 */
static int said(struct shm_ctx *ctx, const struct shm_ref *ref, int id, bool created)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return EXIT_OK;
	int e = errno ? errno : EIO;
	const char *what = "";
	if (created && ref->kind == SHM_REF_POSIX && shm_posix_remove(ctx, ref->name) == 0)
		what = "; the new object was removed again";
	else if (created && ref->kind != SHM_REF_POSIX && shm_sysv_remove(id) == 0)
		what = "; the new segment was removed again";
	const char *words = strerror(e);
	cmd_errorf("create", "stdout", "%c%s%s", tolower((unsigned char)words[0]), words + 1,
		   what);
	return EXIT_FAIL;
}

/*
 * shmget's ENOSPC is one of two limits: the pages of all segments together
 * (SHMALL, checked first) or the number of segments (SHMMNI). Say which.
 */
static int sysv_no_space(struct shm_ctx *ctx, const char *subject,
			 const struct shm_create *c)
{
	struct shm_limits l;
	if (shm_limits_read(ctx, false, &l) < 0 || !l.page_size)
		return report(ctx, subject, c, -ENOSPC);
	uint64_t want = c->size / l.page_size + (c->size % l.page_size != 0);
	if (l.used_pages > l.shmall || want > l.shmall - l.used_pages) {
		char page[16];
		shm_format_size(l.page_size, page);
		cmd_errorf("create", subject, "the limit kernel.shmall of %llu pages of %s for all "
			   "segments together would be passed: %llu in use, %llu more asked "
			   "(see 'shmtool limits')", (unsigned long long)l.shmall, page,
			   (unsigned long long)l.used_pages, (unsigned long long)want);
	} else {
		cmd_errorf("create", subject, "the limit kernel.shmmni of %llu segment%s is reached "
			   "(see 'shmtool limits')", (unsigned long long)l.shmmni,
			   l.shmmni == 1 ? "" : "s");
	}
	return EXIT_FAIL;
}

static int create(struct shm_ctx *ctx, const char *arg, const struct shm_create *c)
{
	struct shm_ref ref = { .kind = SHM_REF_KEY, .key = 0 };
	int r = arg ? shm_ref_parse(arg, &ref) : 0;
	if (r < 0) {
		cmd_error("create", arg, r);
		return cmd_is_usage_error(r) ? EXIT_USAGE : EXIT_FAIL;
	}
	if (ref.kind == SHM_REF_MEMFD) {
		cmd_errorf("create", arg, "a memfd is made by memfd_create(2) in its own process");
		return EXIT_USAGE;
	}
	if (ref.kind == SHM_REF_ID) {
		cmd_errorf("create", arg, "a shmid is chosen by the kernel; "
			   "name a key (0xKEY, key:N, ftok:PATH:PROJ), a /NAME, or nothing");
		return EXIT_USAGE;
	}
	bool created;
	if (ref.kind == SHM_REF_POSIX) {
		if (c->hugetlb || c->noreserve) {
			cmd_errorf("create", arg, "--hugetlb and --noreserve are for System V only");
			return EXIT_USAGE;
		}
		if (!strncmp(ref.name, "sem.", 4)) {
			cmd_errorf("create", arg, "sem.NAME is where sem_open(3) keeps a POSIX "
				   "semaphore: ls shows it only with --sem and rm --all leaves it; "
				   "choose another name");
			return EXIT_FAIL;
		}
		r = shm_posix_create(ctx, ref.name, c, &created);
		if (r < 0)
			return report(ctx, arg, c, r);
		errno = 0;
		printf("/%s\n", ref.name);
		return said(ctx, &ref, 0, created);
	}
	if (c->size == 0) {
		cmd_errorf("create", "0", "a System V segment needs at least 1 byte (SHMMIN)");
		return EXIT_USAGE;
	}
	if (c->mode & ~0777u) {
		char mode[16];
		snprintf(mode, sizeof(mode), "0%o", (unsigned)c->mode);
		cmd_errorf("create", mode, "a System V segment has only permission bits "
			   "(at most 0777): no set-user-ID, set-group-ID or sticky bit");
		return EXIT_USAGE;
	}
	int id;
	const char *subject = arg ? arg : "IPC_PRIVATE";
	r = shm_sysv_create(ref.key, c, &id, &created);
	if (r == -ENOSPC)
		return sysv_no_space(ctx, subject, c);
	if (r < 0)
		return report(ctx, subject, c, r);
	if (created && rmid_forced(ctx)) {
		shm_sysv_remove(id);
		cmd_errorf("create", subject, "kernel.shm_rmid_forced is 1: the kernel destroys a "
			   "new segment as soon as create exits, since nothing attaches it; "
			   "none made");
		return EXIT_FAIL;
	}
	errno = 0;
	printf("%d\n", id);
	return said(ctx, &ref, id, created);
}

static int create_run(struct shm_ctx *ctx, int argc, const char **argv)
{
	struct shm_create c = { .mode = 0600 };
	bool have_size = false;
	char *arg = NULL;
	int status = EXIT_OK, val;
	poptContext pc = cmd_popt("create", argc, argv, create_options,
				  "-s SIZE [OPTION...] [SEGMENT]");
	while (status == EXIT_OK && (val = cmd_next_opt(pc, "create")) > 0) {
		switch (val) {
		case OPT_SIZE:
			cmd_take_arg(pc, &arg);
			status = cmd_parse_size("create", "--size", arg, &c.size);
			have_size = true;
			break;
		case OPT_MODE:
			cmd_take_arg(pc, &arg);
			status = parse_mode(arg, &c.mode);
			break;
		case OPT_EXCL: c.exclusive = true; break;
		case OPT_HUGETLB: c.hugetlb = true; break;
		case OPT_NORESERVE: c.noreserve = true; break;
		}
	}
	if (status != EXIT_OK)
		goto done;
	if (val < 0) {
		status = cmd_opts_end(val);
		goto done;
	}
	const char **args = poptGetArgs(pc);
	if (args && args[0] && args[1]) {
		cmd_errorf("create", args[1], "unexpected argument (one SEGMENT at most)");
		status = EXIT_USAGE;
	} else if (!have_size) {
		cmd_errorf("create", NULL, "-s/--size is required (e.g. -s 1M)");
		status = EXIT_USAGE;
	} else {
		status = create(ctx, args ? args[0] : NULL, &c);
	}
done:
	free(arg);
	poptFreeContext(pc);
	return status;
}

const struct shm_cmd shm_cmd_create = {
	.name = "create",
	.summary = "make a System V segment or a POSIX object",
	.run = create_run,
};
