// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * shmtool chmod MODE SEGMENT...: the nine permission bits, by IPC_SET for a
 * System V segment (its dest and locked bits stay) and by fchmod for a file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"

enum { OPT_DRY_RUN = 1 };

static struct poptOption chmod_options[] = {
	{ "dry-run", 'n', POPT_ARG_NONE, NULL, OPT_DRY_RUN, "say what would change; change nothing",
	  NULL },
	CMD_HELP_OPTION,
	POPT_TABLEEND,
};

struct chmod_job {
	const char *mode;
	bool dry_run;
};

static int chmod_one(struct shm_ctx *ctx, const struct shm_seg *seg, const char *arg, void *data)
{
	const struct chmod_job *j = data;
	uint32_t old = seg->mode & 0777, mode;
	int r = shm_mode_apply(j->mode, old, &mode); /* checked once already: cannot fail */
	if (r == 0 && !j->dry_run)
		r = shm_seg_set_mode(ctx, seg, mode);
	if (r < 0) {
		cmd_error("chmod", arg, r);
		return EXIT_FAIL;
	}
	char *label = admin_label(seg);
	printf("%s%s: mode %04o -> %04o\n", j->dry_run ? "would change " : "",
	       label ? label : arg, (unsigned)old, (unsigned)mode);
	free(label);
	return EXIT_OK;
}

/* A MODE is checked before any segment is looked at: a typo changes nothing. */
static int check_mode(const char *text)
{
	uint32_t mode;
	int r = shm_mode_apply(text, 0, &mode);
	if (r == -SHM_E_RANGE)
		cmd_errorf("chmod", text, "only the nine permission bits exist for shared memory "
			   "(at most 0777; no setuid, setgid or sticky bit)");
	else if (r < 0)
		cmd_errorf("chmod", text, "not a mode (octal such as 640, or symbolic such as "
			   "u=rw,g=r or o-rwx)");
	return r < 0 ? EXIT_USAGE : EXIT_OK;
}

/*
 * "chmod -w 3", as chmod(1) takes it: a word that is a MODE starting with '-'
 * (no option of ours is a mode letter) ends the options, as if "--" stood
 * before it. @args has room for argc + 2 pointers.
 */
static void mode_ends_options(int argc, const char **argv, const char **args)
{
	int i = 1, n = 0;
	uint32_t mode;
	args[n++] = argv[0];
	for (; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--"); i++) {
		if (argv[i][1] != '-' && shm_mode_apply(argv[i], 0, &mode) == 0) {
			args[n++] = "--";
			break;
		}
		args[n++] = argv[i];
	}
	for (; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
}

static int chmod_run(struct shm_ctx *ctx, int argc, const char **argv)
{
	struct chmod_job j = { 0 };
	int val;
	const char **args = calloc((size_t)argc + 2, sizeof(*args));
	if (!args) {
		cmd_error_sys("chmod", NULL, -ENOMEM);
		return EXIT_FAIL;
	}
	mode_ends_options(argc, argv, args);
	argc = 0;
	while (args[argc])
		argc++;
	poptContext pc = cmd_popt("chmod", argc, args, chmod_options, "MODE SEGMENT...");
	while ((val = cmd_next_opt(pc, "chmod")) > 0)
		if (val == OPT_DRY_RUN)
			j.dry_run = true;
	int status = cmd_opts_end(val);
	if (status != CMD_CONTINUE)
		goto done;
	const char **rest = admin_args(pc, "chmod", 2, "MODE and at least one SEGMENT");
	status = rest ? check_mode(rest[0]) : EXIT_USAGE;
	if (status == EXIT_OK) {
		j.mode = rest[0];
		struct admin_op op = { "chmod", chmod_one, &j };
		status = admin_each(ctx, &op, rest + 1);
	}
done:
	poptFreeContext(pc);
	free(args);
	return status;
}

const struct shm_cmd shm_cmd_chmod = {
	.name = "chmod",
	.summary = "change the permission bits (IPC_SET, fchmod)",
	.run = chmod_run,
};
