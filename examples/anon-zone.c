// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * anon-zone: a shared anonymous zone, mapped before fork, as nginx's master
 * process sets up the zone its worker processes keep their counters in.
 *
 *   run:    anon-zone [-w WORKERS]   (Ctrl-C or kill ends it and its workers)
 *   watch:  grep /dev/zero /proc/PID/maps   (PID: the master or a worker)
 *
 * mmap(MAP_SHARED | MAP_ANONYMOUS) makes memory with no name: no key, no
 * file in /dev/shm, no fd. Only the processes that inherit it through fork
 * share it, at the same address in each; /proc/PID/maps shows it as
 * "/dev/zero (deleted)", the same inode in every process. Each worker counts
 * 1000 requests into the zone; the master reads the total there.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ZONE_SIZE (64 * 1024)
#define MAX_WORKERS 16
#define REQUESTS 1000

struct zone {
	atomic_long requests;      /* what every worker adds to */
	atomic_int done;           /* workers that have counted */
	pid_t worker[MAX_WORKERS]; /* each worker's slot, written by it alone */
};

static void worker(struct zone *z, int slot, pid_t master, const sigset_t *stop)
{
	/* The master's end, even by SIGKILL, ends its workers too. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 || getppid() != master)
		_exit(1);
	z->worker[slot] = getpid();
	for (int i = 0; i < REQUESTS; i++)
		atomic_fetch_add(&z->requests, 1);
	atomic_fetch_add(&z->done, 1);
	int sig;
	sigwait(stop, &sig);
	_exit(0);
}

int main(int argc, char **argv)
{
	long workers = 2;
	char *end = NULL;
	if (argc == 3 && !strcmp(argv[1], "-w"))
		workers = strtol(argv[2], &end, 10);
	if ((argc != 1 && argc != 3) || (end && (end == argv[2] || *end)) || workers < 1 ||
	    workers > MAX_WORKERS) {
		fprintf(stderr, "usage: anon-zone [-w WORKERS] (1 to %d)\n", MAX_WORKERS);
		return 2;
	}
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, NULL);

	/* Zero-filled, and shared with every child forked from here on. */
	struct zone *z = mmap(NULL, ZONE_SIZE, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (z == MAP_FAILED) {
		perror("anon-zone: mmap");
		return 1;
	}
	pid_t pids[MAX_WORKERS];
	pid_t master = getpid();
	int started = 0, status = 0;
	for (; started < workers; started++) {
		pids[started] = fork();
		if (pids[started] == 0)
			worker(z, started, master, &stop);
		if (pids[started] == -1) {
			perror("anon-zone: fork");
			status = 1;
			break;
		}
	}
	/* Wait for the count, or for a worker that ended early. */
	struct timespec nap = { .tv_sec = 0, .tv_nsec = 10 * 1000 * 1000 };
	while (!status && atomic_load(&z->done) < workers) {
		if (sigtimedwait(&stop, NULL, &nap) > 0 || waitpid(-1, NULL, WNOHANG) > 0)
			status = 1;
	}
	if (!status) {
		printf("master %d: zone at %p-%p, %d KiB, shared with workers", (int)master,
		       (void *)z, (void *)((char *)z + ZONE_SIZE), ZONE_SIZE / 1024);
		for (long i = 0; i < workers; i++)
			printf(" %d", (int)z->worker[i]);
		printf("\nrequests counted in the zone: %ld; Ctrl-C or kill ends all\n",
		       atomic_load(&z->requests));
		fflush(stdout);
		int sig;
		sigwait(&stop, &sig);
	}
	for (int i = 0; i < started; i++)
		kill(pids[i], SIGTERM);
	while (wait(NULL) > 0)
		;
	munmap(z, ZONE_SIZE);
	return status;
}
