// SPDX-License-Identifier: GPL-2.0-or-later
/* shmtool ftok: the key ftok(3) makes from a file and a project id. */
#include <stdio.h>
#include <sys/sysmacros.h>

#include "cmd.h"
#include "out.h"

enum { OPT_EXPLAIN = 1 };

static struct poptOption ftok_options[] = {
	{ "explain", 0, POPT_ARG_NONE, NULL, OPT_EXPLAIN,
	  "show the device, inode and PROJ bits and how the key is made of them", NULL },
	CMD_HELP_OPTION,
	POPT_TABLEEND,
};

/* The key's anatomy, drawn so the three parts can be followed into it. */
static void explain(const char *path, dev_t dev, ino_t ino, unsigned proj, int32_t key)
{
	unsigned dev8 = (unsigned)(dev & 0xff), ino16 = (unsigned)(ino & 0xffff);
	fputs("path:    ", stdout);
	out_print_safe(stdout, path); /* a file name could hold terminal commands */
	putchar('\n');
	printf("device:  0x%llx (%u:%u, st_dev): ftok keeps the low 8 bits  0x%02x\n",
	       (unsigned long long)dev, major(dev), minor(dev), dev8);
	printf("inode:   %llu = 0x%llx (st_ino): ftok keeps the low 16 bits  0x%04x\n",
	       (unsigned long long)ino, (unsigned long long)ino, ino16);
	printf("proj:    %u = 0x%02x", proj, proj);
	if (proj >= 0x20 && proj < 0x7f)
		printf(" '%c'", proj);
	printf(": ftok keeps the low 8 bits  0x%02x\n\n", proj & 0xff);
	printf("         bits 31..24  23..16  15..0\n");
	printf("         PROJ(8)      DEV(8)  INO(16)\n");
	printf("         %02x           %02x      %04x     = key 0x%08x\n\n", proj & 0xff, dev8,
	       ino16, (unsigned)key);
	printf("Only 32 of those bits survive: two files whose inodes agree in the low 16\n"
	       "bits, on devices that agree in the low 8, give the same key for the same\n"
	       "PROJ. Keys can collide; the id shmget(2) returns cannot.\n");
}

static int ftok_run(struct shm_ctx *ctx, int argc, const char **argv)
{
	(void)ctx;
	int status = EXIT_OK, val;
	bool want_explain = false;
	poptContext pc = cmd_popt("ftok", argc, argv, ftok_options, "[OPTION...] PATH PROJ");
	while ((val = cmd_next_opt(pc, "ftok")) > 0)
		want_explain |= val == OPT_EXPLAIN;
	if (val < 0) {
		status = cmd_opts_end(val);
		goto done;
	}
	const char **args = poptGetArgs(pc);
	if (!args || !args[0] || !args[1] || args[2]) {
		bool extra = args && args[0] && args[1];
		cmd_errorf("ftok", extra ? args[2] : NULL, "%sexpects PATH and PROJ (usage: shmtool "
			   "ftok PATH PROJ)", extra ? "unexpected argument: " : "");
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
	dev_t dev;
	ino_t ino;
	r = shm_ftok(args[0], proj, &key, &dev, &ino);
	if (r < 0) {
		cmd_error_sys("ftok", args[0], r);
		status = EXIT_FAIL;
		goto done;
	}
	if (want_explain)
		explain(args[0], dev, ino, proj, key);
	else
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
