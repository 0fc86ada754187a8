// SPDX-License-Identifier: GPL-2.0-or-later
/* The dispatcher: global options, the command table, help. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "select.h"

#ifndef SHMTOOL_VERSION
#define SHMTOOL_VERSION "unknown"
#endif
#ifndef SHMTOOL_BUILD
#define SHMTOOL_BUILD "cc"
#endif
#ifndef POPT_VERSION_TEXT
#define POPT_VERSION_TEXT "1.x"
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

static const struct shm_cmd *const commands[] = {
	&shm_cmd_create,
	&shm_cmd_ls,
	&shm_cmd_stat,
	&shm_cmd_cat,
	&shm_cmd_write,
	&shm_cmd_attach,
	&shm_cmd_rm,
	&shm_cmd_chmod,
	&shm_cmd_chown,
	&shm_cmd_lock,
	&shm_cmd_unlock,
	&shm_cmd_truncate,
	&shm_cmd_ftok,
	&shm_cmd_usage,
	&shm_cmd_limits,
	&shm_cmd_pages,
	&shm_cmd_metrics,
	NULL,
};

static const struct shm_cmd *find_command(const char *name)
{
	for (const struct shm_cmd *const *c = commands; *c; c++)
		if (!strcmp((*c)->name, name))
			return *c;
	return NULL;
}

static void usage(FILE *f)
{
	fputs("Usage: shmtool [-h|--help] [-V|--version] [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n\n"
	      "System V and POSIX shared memory, in one view.\n\n"
	      "Commands:\n", f);
	for (const struct shm_cmd *const *c = commands; *c; c++)
		fprintf(f, "  %-8s %s\n", (*c)->name, (*c)->summary);
	fputs("  help     show a command's manual page\n\n"
	      "Global options:\n"
	      "  -N, --ns PID    act in the IPC namespace and /dev/shm of process PID\n"
	      "  --pidns-only    trust that no process outside /proc's PID namespace holds an object\n"
	      "  --proc DIR      read DIR instead of /proc (for tests)\n"
	      "  --shm-dir DIR   use DIR instead of /dev/shm (for tests)\n\n"
	      "SEGMENT is ID, id:ID, 0xKEY, key:N, ftok:PATH:PROJ, /NAME or memfd:PID:FD.\n"
	      "Run 'shmtool COMMAND --help' for its options, 'shmtool help COMMAND' for its page.\n",
	      f);
}

/* Edit distance, to suggest the command a typo meant. */
static size_t distance(const char *a, const char *b)
{
	size_t lb = strlen(b), row[32];
	if (lb >= 32)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; a[i - 1]; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static int unknown_command(const char *name)
{
	const struct shm_cmd *best = NULL;
	size_t best_d = 3;
	for (const struct shm_cmd *const *c = commands; *c; c++) {
		size_t d = distance(name, (*c)->name);
		if (d < best_d) {
			best_d = d;
			best = *c;
		}
	}
	if (best)
		cmd_errorf(NULL, name, "not a command; did you mean '%s'? (see 'shmtool --help')",
			   best->name);
	else
		cmd_errorf(NULL, name, "not a command (see 'shmtool --help')");
	return EXIT_USAGE;
}

/* Global options that shape the context every command runs in. */
struct globals {
	char *proc_root, *shm_dir; /* options only: the environment never redirects root */
	int pidns_only;
	char *ns;                  /* -N/--ns PID */
};

/*
 * -N/--ns PID may also follow COMMAND (shmtool stat --ns PID ID), as ip -n
 * does: taken out of @args before "--", the last one winning. 0, or
 * EXIT_USAGE when it lacks its PID.
 */
static int take_ns_option(const char *cmd, int *argc, const char **args, const char **ns)
{
	int out = 1;
	for (int i = 1; i < *argc; i++) {
		const char *a = args[i];
		if (!strcmp(a, "--")) {
			while (i < *argc)
				args[out++] = args[i++];
			break;
		}
		if (!strcmp(a, "-N") || !strcmp(a, "--ns")) {
			if (i + 1 >= *argc) {
				cmd_errorf(cmd, a, "needs a PID");
				return EXIT_USAGE;
			}
			*ns = args[++i];
		} else if (!strncmp(a, "--ns=", 5)) {
			*ns = a + 5;
		} else if (!strncmp(a, "-N", 2)) {
			*ns = a + 2;
		} else {
			args[out++] = a;
		}
	}
	*argc = out;
	args[out] = NULL;
	return 0;
}

/* Acts in the IPC namespace and shm directory of process @text: 0, or an exit status. */
static int enter_ns(struct shm_ctx *ctx, const char *cmd, const char *text)
{
	char subject[64];
	snprintf(subject, sizeof(subject), "--ns %s", text);
	uint64_t pid;
	if (shm_parse_u64(text, &pid) < 0 || pid == 0 || pid > INT32_MAX) {
		cmd_errorf(cmd, subject, "not a process id");
		return EXIT_USAGE;
	}
	if (!select_can_enter(cmd, subject))
		return EXIT_FAIL;
	int r = shm_ctx_enter(ctx, (pid_t)pid);
	if (r == -ESRCH)
		cmd_errorf(cmd, subject, "no such process");
	else if (r == -EPERM)
		cmd_errorf(cmd, subject, "not allowed to enter its namespaces (needs CAP_SYS_ADMIN)");
	else if (r == -ENOSYS)
		cmd_errorf(cmd, subject, "the kernel has no openat2(2) (Linux 5.6), which reaching "
			   "its /dev/shm safely needs");
	else if (r < 0)
		cmd_error_sys(cmd, subject, r);
	return r < 0 ? EXIT_FAIL : 0;
}

static int run_command(const struct globals *g, const struct shm_cmd *cmd, int argc,
		       const char **argv)
{
	struct shm_ctx *ctx;
	int r = shm_ctx_new(g->proc_root, g->shm_dir, &ctx);
	if (r < 0) {
		cmd_error_sys(cmd->name, NULL, r);
		return EXIT_FAIL;
	}
	shm_ctx_set_pidns_only(ctx, g->pidns_only);
	/* popt's help says "Usage: ARGV0": make that "shmtool CMD". */
	char name[64];
	snprintf(name, sizeof(name), "shmtool %s", cmd->name);
	const char **args = calloc((size_t)argc + 1, sizeof(*args));
	int status = EXIT_FAIL;
	if (args) {
		memcpy(args, argv, (size_t)argc * sizeof(*args));
		args[0] = name;
		const char *ns = g->ns;
		status = take_ns_option(cmd->name, &argc, args, &ns);
		if (status == 0 && ns)
			status = enter_ns(ctx, cmd->name, ns);
		if (status == 0)
			status = cmd->run(ctx, argc, args);
	}
	free(args);
	shm_ctx_free(ctx);
	return status;
}

/*
 * --help or -h among @argv's arguments, before any "--": help wins over
 * everything else, whatever comes before it, as in git.
 */
static bool asks_help(int argc, const char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

/* `shmtool help CMD`: the manual page, or the --help text when it is not installed. */
static int help(const struct globals *g, int argc, const char **argv)
{
	if (asks_help(argc, argv)) {
		fputs("Usage: shmtool help [COMMAND]\n\n"
		      "Shows the manual page of COMMAND (shmtool-COMMAND(1)), or its --help text\n"
		      "when the page is not installed; without COMMAND, the list of commands.\n",
		      stdout);
		return EXIT_OK;
	}
	if (argc < 2) {
		usage(stdout);
		return EXIT_OK;
	}
	if (argc > 2) {
		cmd_errorf("help", argv[2], "unexpected argument (usage: shmtool help COMMAND)");
		return EXIT_USAGE;
	}
	const struct shm_cmd *cmd = find_command(argv[1]);
	if (!cmd && strcmp(argv[1], "help"))
		return unknown_command(argv[1]);
	char page[64];
	snprintf(page, sizeof(page), cmd ? "shmtool-%s" : "shmtool", argv[1]);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		/* man's own "no entry" message would only confuse: we fall back instead. */
		if (!freopen("/dev/null", "w", stderr))
			_exit(127);
		execlp("man", "man", page, (char *)NULL);
		_exit(127);
	}
	int status;
	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0)
		return EXIT_OK;
	if (!cmd) {
		usage(stdout);
		return EXIT_OK;
	}
	const char *args[] = { cmd->name, "--help", NULL };
	return run_command(g, cmd, 2, args);
}

/*
 * What never reached stdout (a full disk, an I/O error) is a failure to say,
 * once, here: every command's output ends in this flush. A command that met
 * the error itself has said so and failed already.
 */
static int stdout_status(const char *who, int status)
{
	errno = 0;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return status;
	if (status != EXIT_OK)
		return status;
	cmd_error_sys(who, "stdout", errno ? -errno : -EIO);
	return EXIT_FAIL;
}

int main(int argc, const char **argv)
{
	int show_help = 0, show_version = 0;
	struct globals g = { 0 };
	struct poptOption options[] = {
		{ "help", 'h', POPT_ARG_NONE, &show_help, 0, "show this help", NULL },
		{ "version", 'V', POPT_ARG_NONE, &show_version, 0, "show the version", NULL },
		{ "ns", 'N', POPT_ARG_STRING, &g.ns, 0,
		  "act in the IPC namespace and /dev/shm of process PID (a container)", "PID" },
		{ "pidns-only", 0, POPT_ARG_NONE, &g.pidns_only, 0,
		  "trust that no process outside /proc's PID namespace holds an object", NULL },
		{ "proc", 0, POPT_ARG_STRING, &g.proc_root, 0, "read DIR instead of /proc (for tests)",
		  "DIR" },
		{ "shm-dir", 0, POPT_ARG_STRING, &g.shm_dir, 0,
		  "use DIR instead of /dev/shm (for tests)", "DIR" },
		POPT_TABLEEND,
	};
	poptContext pc = poptGetContext("shmtool", argc, argv, options,
					POPT_CONTEXT_POSIXMEHARDER);
	int rc = poptGetNextOpt(pc);
	int status = EXIT_OK;
	const char *who = NULL; /* the command, for a message about stdout */
	if (rc < -1) {
		cmd_errorf(NULL, poptBadOption(pc, 0), "%s (see 'shmtool --help')",
			   poptStrerror(rc));
		status = EXIT_USAGE;
		goto done;
	}
	if (show_help) {
		usage(stdout);
		goto done;
	}
	if (show_version) {
		/* The build: what a bug report needs to reproduce it. */
		printf("shmtool %s\nbuilt with %s (%s), popt %s, %s\n", SHMTOOL_VERSION,
		       SHMTOOL_BUILD, __VERSION__, POPT_VERSION_TEXT,
		       SANITIZED ? "AddressSanitizer+UBSan" : "no sanitizers");
		goto done;
	}
	const char **rest = poptGetArgs(pc);
	if (!rest || !rest[0]) {
		usage(stderr);
		status = EXIT_USAGE;
		goto done;
	}
	int nrest = 0;
	while (rest[nrest])
		nrest++;
	if (!strcmp(rest[0], "help")) {
		who = "help";
		status = help(&g, nrest, rest);
		goto done;
	}
	const struct shm_cmd *cmd = find_command(rest[0]);
	if (cmd)
		who = cmd->name;
	if (cmd && asks_help(nrest, rest)) {
		/* Only the help, not an error about an option before it. */
		const char *help_args[] = { rest[0], "--help", NULL };
		struct globals here = g;
		here.ns = NULL; /* nor a namespace to enter first */
		status = run_command(&here, cmd, 2, help_args);
	} else {
		status = cmd ? run_command(&g, cmd, nrest, rest) : unknown_command(rest[0]);
	}
done:
	poptFreeContext(pc);
	free(g.proc_root);
	free(g.shm_dir);
	free(g.ns);
	return stdout_status(who, status);
}
