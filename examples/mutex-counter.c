// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mutex-counter: N processes add to one counter in a System V segment, under
 * a pthread mutex that lives in the segment too.
 *
 *   mutex-counter [-p PROCS] [-i ITERATIONS] [--no-lock] [--kill-holder]
 *   watch:  shmtool ls -o ID,KEY,NATTCH,STATUS,PIDS   (with a large -i)
 *
 * The mutex is PTHREAD_PROCESS_SHARED, for processes to share, and ROBUST:
 * if its holder dies, the next locker gets EOWNERDEAD, repairs what the dead
 * one left and calls pthread_mutex_consistent, instead of hanging for ever.
 * --kill-holder kills a process holding it before the others start;
 * --no-lock adds without it, and increments get lost. The segment is marked
 * for removal once attached (STATUS dest): it goes with the last process.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

struct shared {
	pthread_mutex_t lock;
	atomic_int go;        /* the parent has started every worker */
	atomic_int recovered; /* lockers that got EOWNERDEAD */
	volatile long counter; /* volatile: every increment a load and a store */
};

static long number(const char *s, long max)
{
	char *end;
	errno = 0;
	long n = strtol(s, &end, 10);
	if (errno || end == s || *end || n < 1 || n > max) {
		fprintf(stderr, "mutex-counter: not a number from 1 to %ld: %s\n", max, s);
		exit(2);
	}
	return n;
}

static void lock(struct shared *s)
{
	int r = pthread_mutex_lock(&s->lock);
	if (r == EOWNERDEAD) {
		/* The counter is one store, never half-written: nothing to repair. */
		atomic_fetch_add(&s->recovered, 1);
		r = pthread_mutex_consistent(&s->lock);
	}
	if (r) {
		fprintf(stderr, "mutex-counter: lock: %s\n", strerror(r));
		_exit(1);
	}
}

static void work(struct shared *s, long iterations, int use_lock)
{
	while (!atomic_load(&s->go))
		sched_yield();
	for (long i = 0; i < iterations; i++) {
		if (use_lock)
			lock(s);
		s->counter++;
		if (use_lock)
			pthread_mutex_unlock(&s->lock);
	}
	_exit(0);
}

static int init_mutex(pthread_mutex_t *m)
{
	pthread_mutexattr_t a;
	int r = pthread_mutexattr_init(&a);
	if (!r)
		r = pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	if (!r)
		r = pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	if (!r)
		r = pthread_mutex_init(m, &a);
	pthread_mutexattr_destroy(&a);
	return r;
}

static void usage(void)
{
	fprintf(stderr, "usage: mutex-counter [-p PROCS] [-i ITERATIONS] [--no-lock] [--kill-holder]\n");
	exit(2);
}

/* A process takes the lock and dies holding it, as a crash would. */
static int kill_a_holder(struct shared *s)
{
	int st;
	pid_t pid = fork();
	if (pid == 0) {
		lock(s);
		raise(SIGKILL);
	}
	if (pid == -1 || waitpid(pid, &st, 0) != pid)
		return -1;
	printf("process %d took the lock and was killed holding it (signal %d)\n", (int)pid,
	       WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	return 0;
}

int main(int argc, char **argv)
{
	long procs = 4, iterations = 1000000;
	int use_lock = 1, kill_holder = 0, c;
	static const struct option opts[] = {
		{ "no-lock", no_argument, NULL, 'n' }, { "kill-holder", no_argument, NULL, 'k' }, { 0 },
	};
	while ((c = getopt_long(argc, argv, "p:i:", opts, NULL)) != -1) {
		switch (c) {
		case 'p': procs = number(optarg, 64); break;
		case 'i': iterations = number(optarg, 10000000); break;
		case 'n': use_lock = 0; break;
		case 'k': kill_holder = 1; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	int id = shmget(IPC_PRIVATE, sizeof(struct shared), IPC_CREAT | 0600);
	struct shared *s = id == -1 ? (void *)-1 : shmat(id, NULL, 0);
	if (id != -1)
		shmctl(id, IPC_RMID, NULL); /* attached or not, never leaked */
	if (s == (void *)-1) {
		perror("mutex-counter: shmget/shmat");
		return 1;
	}
	int r = init_mutex(&s->lock);
	if (r) {
		fprintf(stderr, "mutex-counter: mutex: %s\n", strerror(r));
		return 1;
	}
	printf("segment %d: %ld processes x %ld increments, %s\n", id, procs, iterations,
	       use_lock ? "each under the robust process-shared mutex" : "without the mutex");
	if (kill_holder && kill_a_holder(s) == -1) {
		perror("mutex-counter: holder");
		return 1;
	}
	for (long i = 0; i < procs; i++) {
		pid_t pid = fork();
		if (pid == 0)
			work(s, iterations, use_lock);
		if (pid == -1) {
			perror("mutex-counter: fork");
			procs = i; /* wait for those started; the count will say the rest */
			break;
		}
	}
	atomic_store(&s->go, 1);
	int failed = 0, st;
	while (wait(&st) > 0)
		failed |= !WIFEXITED(st) || WEXITSTATUS(st);
	if (atomic_load(&s->recovered))
		printf("%d locker got EOWNERDEAD and made the mutex consistent\n",
		       atomic_load(&s->recovered));
	long got = s->counter, want = procs * iterations;
	shmdt(s);
	printf("counter %ld, expected %ld", got, want);
	if (got != want)
		printf(": %ld increments lost", want - got);
	printf("\n");
	/* Without the lock a short count is the lesson, not a failure. */
	return failed || (use_lock && got != want);
}
