// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * shmtool chown USER[:GROUP] SEGMENT...: the owner and group, by IPC_SET for a
 * System V segment (its creator, cuid and cgid, never changes) and by fchown
 * for a file.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"

enum { OPT_DRY_RUN = 1 };

static struct poptOption chown_options[] = {
	{ "dry-run", 'n', POPT_ARG_NONE, NULL, OPT_DRY_RUN, "say what would change; change nothing",
	  NULL },
	CMD_HELP_OPTION,
	POPT_TABLEEND,
};

struct chown_job {
	uid_t uid; /* (uid_t)-1: unchanged */
	gid_t gid;
	bool dry_run;
};

static void print_owner(struct shm_ctx *ctx, uid_t uid, gid_t gid)
{
	const char *u = shm_ctx_user_name(ctx, uid), *g = shm_ctx_group_name(ctx, gid);
	if (u)
		fputs(u, stdout);
	else
		printf("%u", (unsigned)uid);
	putchar(':');
	if (g)
		fputs(g, stdout);
	else
		printf("%u", (unsigned)gid);
}

static int chown_one(struct shm_ctx *ctx, const struct shm_seg *seg, const char *arg, void *data)
{
	const struct chown_job *j = data;
	int r = j->dry_run ? 0 : shm_seg_set_owner(ctx, seg, j->uid, j->gid);
	if (r < 0) {
		cmd_error("chown", arg, r);
		return EXIT_FAIL;
	}
	char *label = admin_label(seg);
	printf("%s%s: owner ", j->dry_run ? "would change " : "", label ? label : arg);
	free(label);
	print_owner(ctx, seg->uid, seg->gid);
	fputs(" -> ", stdout);
	print_owner(ctx, j->uid == (uid_t)-1 ? seg->uid : j->uid,
		    j->gid == (gid_t)-1 ? seg->gid : j->gid);
	putchar('\n');
	return EXIT_OK;
}

/* USER, USER:GROUP, USER: (USER's login group) or :GROUP; names or numbers. */
static int parse_owner(struct shm_ctx *ctx, const char *text, struct chown_job *j)
{
	const char *colon = strchr(text, ':');
	size_t ulen = colon ? (size_t)(colon - text) : strlen(text);
	j->uid = (uid_t)-1;
	j->gid = (gid_t)-1;
	if (ulen == 0 && (!colon || !colon[1])) {
		cmd_errorf("chown", text, "names no user and no group (USER[:GROUP] or :GROUP)");
		return EXIT_USAGE;
	}
	if (ulen > 0) {
		char *user = strndup(text, ulen);
		int r = user ? shm_ctx_user_id(ctx, user, &j->uid) : -ENOMEM;
		if (r < 0)
			cmd_errorf("chown", user ? user : text, "no such user");
		free(user);
		if (r < 0)
			return EXIT_USAGE;
	}
	if (colon && colon[1] && shm_group_id(colon + 1, &j->gid) < 0) {
		cmd_errorf("chown", colon + 1, "no such group");
		return EXIT_USAGE;
	}
	if (colon && !colon[1]) {
		/* "USER:" is USER and USER's login group, as chown(1) reads it. */
		struct passwd *pw = getpwuid(j->uid);
		if (!pw) {
			cmd_errorf("chown", text, "user has no login group to take");
			return EXIT_USAGE;
		}
		j->gid = pw->pw_gid;
	}
	return EXIT_OK;
}

static int chown_run(struct shm_ctx *ctx, int argc, const char **argv)
{
	struct chown_job j = { 0 };
	int val;
	poptContext pc = cmd_popt("chown", argc, argv, chown_options, "USER[:GROUP] SEGMENT...");
	while ((val = cmd_next_opt(pc, "chown")) > 0)
		if (val == OPT_DRY_RUN)
			j.dry_run = true;
	int status = cmd_opts_end(val);
	if (status != CMD_CONTINUE)
		goto done;
	const char **args = admin_args(pc, "chown", 2, "USER[:GROUP] and at least one SEGMENT");
	status = args ? parse_owner(ctx, args[0], &j) : EXIT_USAGE;
	if (status == EXIT_OK) {
		struct admin_op op = { "chown", chown_one, &j };
		status = admin_each(ctx, &op, args + 1);
	}
done:
	poptFreeContext(pc);
	return status;
}

const struct shm_cmd shm_cmd_chown = {
	.name = "chown",
	.summary = "change the owner and group (IPC_SET, fchown)",
	.run = chown_run,
};
