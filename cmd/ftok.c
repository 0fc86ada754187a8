// SPDX-License-Identifier: GPL-2.0-or-later
/* shmtool ftok: the key ftok(3) makes from a file and a project id. */
#include <stdio.h>

#include "cmd.h"

static struct poptOption ftok_options[] = {
	CMD_HELP_OPTION,
	POPT_TABLEEND,
};

static int ftok_run(struct shm_ctx *ctx, int argc, const char **argv)
{
	(void)ctx;
	int status = EXIT_OK, val;
	poptContext pc = cmd_popt("ftok", argc, argv, ftok_options, "[OPTION...] PATH PROJ");
	while ((val = cmd_next_opt(pc, "ftok")) > 0)
		;
	if (val < 0) {
		status = val == CMD_OPT_HELP_EXIT ? EXIT_OK : EXIT_USAGE;
		goto done;
	}
	const char **args = poptGetArgs(pc);
	if (!args || !args[0] || !args[1] || args[2]) {
		cmd_errorf("ftok", NULL, "expects PATH and PROJ (usage: shmtool ftok PATH PROJ)");
		status = EXIT_USAGE;
		goto done;
	}
	unsigned proj;
	int r = shm_ftok_parse_proj(args[1], &proj);
	if (r < 0) {
		cmd_error("ftok", args[1], r);
		status = EXIT_USAGE;
		goto done;
	}
	int32_t key;
	r = shm_ftok(args[0], proj, &key, NULL, NULL);
	if (r < 0) {
		cmd_error_sys("ftok", args[0], r);
		status = EXIT_FAIL;
		goto done;
	}
	printf("0x%08x\n", (unsigned)key);
done:
	poptFreeContext(pc);
	return status;
}

const struct shm_cmd shm_cmd_ftok = {
	.name = "ftok",
	.summary = "compute the System V key ftok(3) gives for a file",
	.run = ftok_run,
};
