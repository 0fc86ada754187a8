// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * shmtool lock|unlock SEGMENT...: SHM_LOCK and SHM_UNLOCK, which keep a System
 * V segment's pages out of swap. When the kernel says no, say which limit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "admin.h"

static struct poptOption lock_options[] = {
	CMD_HELP_OPTION,
	POPT_TABLEEND,
};

static void memlock_text(char *buf, size_t size)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_MEMLOCK, &rl) < 0)
		snprintf(buf, size, "unknown");
	else if (rl.rlim_cur == RLIM_INFINITY)
		snprintf(buf, size, "unlimited");
	else
		snprintf(buf, size, "%llu bytes", (unsigned long long)rl.rlim_cur);
}

/* The kernel's reasons, in the order shmctl_do_lock checks them. */
static void report(const char *cmd, const char *arg, const struct shm_seg *seg, int r)
{
	char limit[64];
	uid_t me = geteuid();
	bool owner = me == seg->uid || ((seg->fields & SHM_F_CREATOR) && me == seg->cuid);
	memlock_text(limit, sizeof(limit));
	if (r == -EOPNOTSUPP)
		cmd_errorf(cmd, arg, "only System V segments have SHM_LOCK; a process locks the "
			   "pages it maps of a POSIX object or memfd with mlock(2)");
	else if (r == -EPERM && !owner)
		cmd_errorf(cmd, arg, "permission denied: %sing needs CAP_IPC_LOCK or to be the "
			   "segment's owner or creator", cmd);
	else if (r == -EPERM)
		cmd_errorf(cmd, arg, "permission denied: RLIMIT_MEMLOCK is %s (ulimit -l), and "
			   "without CAP_IPC_LOCK an owner may lock only under a nonzero one", limit);
	else if (r == -ENOMEM)
		cmd_errorf(cmd, arg, "locking its %llu bytes would pass RLIMIT_MEMLOCK (%s, "
			   "ulimit -l), which counts every segment this user has locked; "
			   "CAP_IPC_LOCK lifts it", (unsigned long long)seg->size, limit);
	else
		cmd_error(cmd, arg, r);
}

static int lock_one(struct shm_ctx *ctx, const struct shm_seg *seg, const char *arg, void *data)
{
	const char *cmd = data;
	bool lock = cmd[0] == 'l';
	(void)ctx;
	int r = shm_seg_lock(seg, lock);
	if (r < 0) {
		report(cmd, arg, seg, r);
		return EXIT_FAIL;
	}
	bool was = (seg->mode & SHM_MODE_LOCKED) != 0;
	char *label = admin_label(seg);
	printf("%s: %s%s\n", label ? label : arg, lock ? "locked" : "unlocked",
	       was == lock ? " (it already was)" : "");
	free(label);
	return EXIT_OK;
}

static int run(struct shm_ctx *ctx, const char *cmd, int argc, const char **argv)
{
	poptContext pc = cmd_popt(cmd, argc, argv, lock_options, "SEGMENT...");
	int val;
	while ((val = cmd_next_opt(pc, cmd)) > 0)
		;
	int status = cmd_opts_end(val);
	if (status == CMD_CONTINUE) {
		const char **args = admin_args(pc, cmd, 1, "at least one SEGMENT");
		struct admin_op op = { cmd, lock_one, (void *)cmd };
		status = args ? admin_each(ctx, &op, args) : EXIT_USAGE;
	}
	poptFreeContext(pc);
	return status;
}

static int lock_run(struct shm_ctx *ctx, int argc, const char **argv)
{
	return run(ctx, "lock", argc, argv);
}

static int unlock_run(struct shm_ctx *ctx, int argc, const char **argv)
{
	return run(ctx, "unlock", argc, argv);
}

const struct shm_cmd shm_cmd_lock = {
	.name = "lock",
	.summary = "keep System V segments' pages in RAM (SHM_LOCK)",
	.run = lock_run,
};

const struct shm_cmd shm_cmd_unlock = {
	.name = "unlock",
	.summary = "let System V segments' pages be swapped again (SHM_UNLOCK)",
	.run = unlock_run,
};
