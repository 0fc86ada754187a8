// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Benchmark helper: run one command once and say how long it took.
 *
 *   timeit [-p] [-w FILE] [--] COMMAND [ARG...]
 *
 * COMMAND runs by fork + execvp with stdin from /dev/null and stdout to
 * /dev/null (its stderr is ours). -p sends its stdout through a pipe to
 * `cat`, whose own stdout is /dev/null, and waits for both (the shell's
 * `COMMAND | cat > /dev/null`). -w FILE sends its stdout to FILE opened for
 * writing without truncation (the shell's `COMMAND 1<> FILE`).
 *
 * Prints one line: wall seconds (CLOCK_MONOTONIC, from before the first fork
 * to after the last child is reaped), COMMAND's peak RSS in KiB (wait4's
 * ru_maxrss), COMMAND's exit status (128+N for signal N), then its user and
 * system CPU seconds and its minor page faults (the same wait4). Exits 0
 * unless timeit itself failed, so the caller decides what a status means.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: timeit [-p] [-w FILE] [--] COMMAND [ARG...]\n");
	exit(2);
}

/* In the child: make fd `from` be `to`, or die. */
static void move_fd(int from, int to)
{
	if (from == to)
		return;
	if (dup2(from, to) < 0) {
		perror("timeit: dup2");
		_exit(127);
	}
	close(from);
}

static pid_t spawn(char **argv, int in, int out, int close_also)
{
	pid_t pid = fork();
	if (pid < 0) {
		perror("timeit: fork");
		exit(1);
	}
	if (pid == 0) {
		if (close_also >= 0)
			close(close_also);
		move_fd(in, 0);
		move_fd(out, 1);
		execvp(argv[0], argv);
		fprintf(stderr, "timeit: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

static int status_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return -1;
}

int main(int argc, char **argv)
{
	int pipe_to_cat = 0;
	const char *wfile = NULL;
	int opt;

	while ((opt = getopt(argc, argv, "+pw:")) != -1) {
		switch (opt) {
		case 'p':
			pipe_to_cat = 1;
			break;
		case 'w':
			wfile = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	char **cmd = argv + optind;

	int devnull_in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int devnull_out = open("/dev/null", O_WRONLY | O_CLOEXEC);
	int out = devnull_out;
	if (devnull_in < 0 || devnull_out < 0) {
		perror("timeit: /dev/null");
		return 1;
	}
	if (wfile) {
		out = open(wfile, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (out < 0) {
			fprintf(stderr, "timeit: %s: %s\n", wfile, strerror(errno));
			return 1;
		}
	}

	/* Flush now so no buffered output is duplicated into the children. */
	fflush(stdout);

	struct timespec t0, t1;
	struct rusage ru;
	int st = 0, cat_st = 0;
	pid_t cat_pid = -1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (pipe_to_cat) {
		int p[2];
		if (pipe2(p, O_CLOEXEC) < 0) {
			perror("timeit: pipe");
			return 1;
		}
		char *cat_argv[] = { "cat", NULL };
		cat_pid = spawn(cat_argv, p[0], devnull_out, p[1]);
		close(p[0]);
		/* dup2 clears O_CLOEXEC on the copy the command gets. */
		pid_t pid = spawn(cmd, devnull_in, p[1], -1);
		close(p[1]);
		if (wait4(pid, &st, 0, &ru) < 0 || waitpid(cat_pid, &cat_st, 0) < 0) {
			perror("timeit: wait");
			return 1;
		}
	} else {
		pid_t pid = spawn(cmd, devnull_in, out, -1);
		if (wait4(pid, &st, 0, &ru) < 0) {
			perror("timeit: wait");
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);

	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	int code = status_code(st);
	if (code == 0 && cat_pid > 0 && status_code(cat_st) != 0)
		code = 200 + status_code(cat_st); /* the command was fine, cat was not */
	printf("%.6f %ld %d %.6f %.6f %ld\n", secs, ru.ru_maxrss, code,
	       (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6, ru.ru_minflt);
	return 0;
}
