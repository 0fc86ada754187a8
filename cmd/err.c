// SPDX-License-Identifier: GPL-2.0-or-later
/* Errors into words, and the popt plumbing every command uses. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "out.h"

static const char *const shm_errors[] = {
	[SHM_E_SYNTAX - SHM_E_SYNTAX] =
		"not a segment (use ID, id:ID, 0xKEY, key:N, ftok:PATH:PROJ, /NAME, memfd:PID:FD, anon:PID:0xADDR or file:PID:0xADDR)",
	[SHM_E_PRIVATE_KEY - SHM_E_SYNTAX] =
		"key 0x00000000 is IPC_PRIVATE and names no segment; name it by its shmid",
	[SHM_E_BAD_PROJ - SHM_E_SYNTAX] =
		"PROJ must be 1-255 or one non-digit character: ftok keeps only its low 8 bits",
	[SHM_E_BAD_NAME - SHM_E_SYNTAX] =
		"not a POSIX name: it must be 1-255 bytes, without '/', and not '.' or '..'",
	[SHM_E_BAD_NUMBER - SHM_E_SYNTAX] = "not a number",
	[SHM_E_RANGE - SHM_E_SYNTAX] = "number out of range",
	[SHM_E_BAD_PROC - SHM_E_SYNTAX] = "unreadable /proc/sysvipc/shm format",
	[SHM_E_NOT_SHM - SHM_E_SYNTAX] = "not a shared memory object",
	[SHM_E_FTOK_PATH - SHM_E_SYNTAX] = "ftok PATH does not exist, so it makes no key",
	[SHM_E_TOO_SMALL - SHM_E_SYNTAX] =
		"exists and is smaller than the size asked for (segments are never resized)",
	/* said of an object: with no shm directory, it is not there */
	[SHM_E_NO_DIR - SHM_E_SYNTAX] = "no such segment",
	[SHM_E_CHANGED - SHM_E_SYNTAX] =
		"it shrank while being read or written (another process truncated it)",
	[SHM_E_REPLACED - SHM_E_SYNTAX] =
		"the segment was removed meanwhile and its id now names another one; not touched",
};

const char *cmd_strerror(int err)
{
	int e = err < 0 ? -err : err;
	if (e >= SHM_E_SYNTAX && e < SHM_E_MAX)
		return shm_errors[e - SHM_E_SYNTAX];
	switch (e) {
	case ENOENT: return "no such segment";
	case EACCES:
	case EPERM: return "permission denied";
	case ELOOP: return "is a symbolic link; not followed";
	}
	return strerror(e);
}

void cmd_errorf(const char *cmd, const char *subject, const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fputs("shmtool: ", stderr);
	if (cmd)
		fprintf(stderr, "%s: ", cmd);
	if (subject) {
		/* Subjects come from users and /dev/shm: never raw to a terminal. */
		char *safe = out_escape_dup(subject, false);
		fprintf(stderr, "%s: ", safe ? safe : "?");
		free(safe);
	}
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool cmd_is_usage_error(int err)
{
	switch (-err) {
	case SHM_E_SYNTAX:
	case SHM_E_PRIVATE_KEY:
	case SHM_E_BAD_PROJ:
	case SHM_E_BAD_NAME:
	case SHM_E_BAD_NUMBER:
	case SHM_E_RANGE:
		return true;
	}
	return false;
}

void cmd_error_sys(const char *cmd, const char *subject, int err)
{
	if (err == -SHM_E_NO_DIR)
		err = -ENOENT; /* said of the directory itself */
	if ((err < 0 ? -err : err) >= SHM_E_SYNTAX) {
		cmd_error(cmd, subject, err);
		return;
	}
	const char *words = strerror(err < 0 ? -err : err);
	cmd_errorf(cmd, subject, "%c%s", tolower((unsigned char)words[0]), words + 1);
}

void cmd_error(const char *cmd, const char *subject, int err)
{
	const char *words = cmd_strerror(err);
	if (words == strerror(err < 0 ? -err : err)) {
		cmd_error_sys(cmd, subject, err);
		return;
	}
	cmd_errorf(cmd, subject, "%s", words);
}

poptContext cmd_popt(const char *cmd, int argc, const char **argv,
		     const struct poptOption *table, const char *usage)
{
	(void)cmd;
	/* No POPT_CONTEXT_ARG_OPTS: free arguments come back from poptGetArgs. */
	poptContext pc = poptGetContext("shmtool", argc, argv, table, 0);
	if (pc && usage)
		poptSetOtherOptionHelp(pc, usage);
	return pc;
}

int cmd_next_opt(poptContext pc, const char *cmd)
{
	int rc = poptGetNextOpt(pc);
	if (rc == -1)
		return 0;
	if (rc == 'h') {
		poptPrintHelp(pc, stdout, 0);
		return CMD_OPT_HELP_EXIT;
	}
	if (rc < -1) {
		cmd_errorf(cmd, poptBadOption(pc, 0), "%s (see 'shmtool %s --help')",
			   poptStrerror(rc), cmd);
		return -EXIT_USAGE - 1;
	}
	return rc;
}

void cmd_take_arg(poptContext pc, char **slot)
{
	free(*slot);
	*slot = poptGetOptArg(pc);
}

static int report_number(const char *cmd, const char *opt, const char *text, int r,
			 const char *what)
{
	if (r == -SHM_E_RANGE)
		cmd_errorf(cmd, text, "%s for %s is too large", what, opt);
	else
		cmd_errorf(cmd, text, "not a valid %s for %s", what, opt);
	return EXIT_USAGE;
}

int cmd_parse_size(const char *cmd, const char *opt, const char *text, uint64_t *out)
{
	int r = shm_parse_size(text, out);
	return r < 0 ? report_number(cmd, opt, text, r,
				     "size (e.g. 4096, 64K, 1MiB, 2GB)") : 0;
}

int cmd_parse_duration(const char *cmd, const char *opt, const char *text, uint64_t *out)
{
	int r = shm_parse_duration(text, out);
	return r < 0 ? report_number(cmd, opt, text, r,
				     "duration (e.g. 90s, 10m, 2h, 3d, 1w)") : 0;
}

const char *cmd_one_arg(poptContext pc, const char *cmd, const char *usage)
{
	const char **args = poptGetArgs(pc);
	if (args && args[0] && !args[1])
		return args[0];
	if (args && args[0])
		cmd_errorf(cmd, args[1], "unexpected argument: expects one SEGMENT (usage: %s)", usage);
	else
		cmd_errorf(cmd, NULL, "expects one SEGMENT (usage: %s)", usage);
	return NULL;
}

const char *cmd_unseen_text(const struct shm_holders *h, char *buf, size_t size)
{
	switch (h->unseen) {
	case SHM_UNSEEN_HIDEPID:
		snprintf(buf, size, "/proc is mounted hidepid=invisible: processes it hides are "
			 "not counted");
		break;
	case SHM_UNSEEN_PIDNS:
		snprintf(buf, size, "/proc shows one PID namespace, not the processes of its "
			 "parents (--pidns-only trusts it)");
		break;
	case SHM_UNSEEN_NONE:
	default:
		snprintf(buf, size, "%zu process%s could not be read", h->hidden,
			 h->hidden == 1 ? "" : "es");
		break;
	}
	return buf;
}
