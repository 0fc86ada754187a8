// SPDX-License-Identifier: GPL-2.0-or-later
/* The loop of the commands that change a segment: parse all, then act on each. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "admin.h"
#include "out.h"

static const char *const kind_words[] = {
	[SHM_KIND_SYSV] = "sysv",
	[SHM_KIND_POSIX] = "posix",
	[SHM_KIND_SEM] = "sem",
	[SHM_KIND_MEMFD] = "memfd",
};

char *admin_label(const struct shm_seg *seg)
{
	char buf[NAME_MAX + 64];
	if (seg->kind == SHM_KIND_SYSV)
		snprintf(buf, sizeof(buf), "sysv %d", seg->id);
	else if (seg->kind == SHM_KIND_MEMFD)
		snprintf(buf, sizeof(buf), "memfd memfd:%d:%d", (int)seg->holder_pid,
			 seg->holder_fd);
	else
		snprintf(buf, sizeof(buf), "%s /%s", kind_words[seg->kind], seg->name);
	return out_escape_dup(buf, false);
}

const char **admin_args(poptContext pc, const char *cmd, size_t min, const char *what)
{
	const char **args = poptGetArgs(pc);
	size_t n = 0;
	while (args && args[n])
		n++;
	if (n >= min)
		return args;
	cmd_errorf(cmd, NULL, "expects %s (see 'shmtool %s --help')", what, cmd);
	return NULL;
}

int admin_each(struct shm_ctx *ctx, const struct admin_op *op, const char **args)
{
	size_t n = 0;
	while (args[n])
		n++;
	struct shm_ref *refs = calloc(n, sizeof(*refs));
	if (!refs) {
		cmd_error_sys(op->cmd, NULL, -ENOMEM);
		return EXIT_FAIL;
	}
	int status = EXIT_OK;
	for (size_t i = 0; i < n; i++) {
		int r = shm_ref_parse(args[i], &refs[i]);
		if (r < 0) {
			cmd_error(op->cmd, args[i], r);
			status = EXIT_USAGE;
		}
	}
	for (size_t i = 0; i < n && status != EXIT_USAGE; i++) {
		struct shm_seg seg = { 0 };
		int r = shm_ref_stat(ctx, &refs[i], &seg);
		if (r < 0) {
			cmd_error(op->cmd, args[i], r);
			status = EXIT_FAIL;
		} else if (op->one(ctx, &seg, args[i], op->data) != EXIT_OK) {
			status = EXIT_FAIL;
		}
		shm_seg_clear(&seg);
	}
	free(refs);
	return status;
}
