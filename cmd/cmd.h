/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What every command file shares: the descriptor, errors, option helpers. */
#ifndef SHMTOOL_CMD_H
#define SHMTOOL_CMD_H

#include <popt.h>

#include "../lib/shm.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct shm_cmd {
	const char *name;
	const char *summary;
	/* argv[0] is the command name; returns an exit status. */
	int (*run)(struct shm_ctx *ctx, int argc, const char **argv);
};

extern const struct shm_cmd shm_cmd_create, shm_cmd_ls, shm_cmd_stat, shm_cmd_cat,
	shm_cmd_write, shm_cmd_rm, shm_cmd_ftok, shm_cmd_usage, shm_cmd_limits,
	shm_cmd_pages, shm_cmd_attach, shm_cmd_metrics, shm_cmd_chmod, shm_cmd_chown,
	shm_cmd_lock, shm_cmd_unlock, shm_cmd_truncate;

/* The one place library errors become words. */
const char *cmd_strerror(int err);
void cmd_error(const char *cmd, const char *subject, int err);
/* For files and system calls: strerror's words, ENOENT not read as a segment. */
void cmd_error_sys(const char *cmd, const char *subject, int err);
/* Errors that mean the user typed something wrong: exit status 2. */
bool cmd_is_usage_error(int err);
/* Why the holders of an object may be incomplete, in words (h not complete). */
const char *cmd_unseen_text(const struct shm_holders *h, char *buf, size_t size);
void cmd_errorf(const char *cmd, const char *subject, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * popt, the same way in every command: a context named "shmtool CMD" over
 * argv with our own -h/--help. cmd_next_opt returns the next option's val,
 * 0 at the end, or -EXIT_USAGE - 1 after reporting a bad option.
 */
#define CMD_HELP_OPTION \
	{ "help", 'h', POPT_ARG_NONE, NULL, 'h', "show this help and exit", NULL }

poptContext cmd_popt(const char *cmd, int argc, const char **argv,
		     const struct poptOption *table, const char *usage);
int cmd_next_opt(poptContext pc, const char *cmd);
/* Replaces *slot with a copy of the option's argument (freeing the old one). */
void cmd_take_arg(poptContext pc, char **slot);

#define CMD_OPT_HELP_EXIT (-100)
#define CMD_CONTINUE (-1)

/* After the option loop, from its last value: CMD_CONTINUE, or the status to exit with. */
static inline int cmd_opts_end(int val)
{
	return val == 0 ? CMD_CONTINUE : val == CMD_OPT_HELP_EXIT ? EXIT_OK : EXIT_USAGE;
}

/* "s" after a count other than 1: "1 byte", "2 bytes". */
static inline const char *cmd_plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* The one operand a command takes; NULL after saying what is missing or extra. */
const char *cmd_one_arg(poptContext pc, const char *cmd, const char *usage);

/* Parses a size/duration option, reporting a bad one; 0 or EXIT_USAGE. */
int cmd_parse_size(const char *cmd, const char *opt, const char *text, uint64_t *out);
int cmd_parse_duration(const char *cmd, const char *opt, const char *text, uint64_t *out);

#endif
