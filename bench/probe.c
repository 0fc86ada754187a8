// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Benchmark helper: what this machine charges for one system call and one
 * page fault, so that RESULTS files from different machines can be compared
 * (a paravirtualized guest pays several times more for both than bare metal).
 *
 *   probe
 *
 * Prints one line: "syscall NS fault NS", each the best of a few rounds:
 * a getppid(2) loop (a raw syscall, so no library cache answers it), and a
 * fresh anonymous mapping written one byte a page (one minor fault a page,
 * the zero page not involved since every touch is a write).
 */
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { CALLS = 200000, PAGES = 8192, ROUNDS = 5 };

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static double syscall_ns(void)
{
	double t0 = now_ns();
	for (int i = 0; i < CALLS; i++)
		syscall(SYS_getppid);
	return (now_ns() - t0) / CALLS;
}

static double fault_ns(void)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t len = (size_t)page * PAGES;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	/* No transparent huge page: one fault would cover 512 pages. */
	madvise(p, len, MADV_NOHUGEPAGE);
	double t0 = now_ns();
	for (size_t off = 0; off < len; off += (size_t)page)
		p[off] = 1;
	double ns = (now_ns() - t0) / PAGES;
	munmap(p, len);
	return ns;
}

int main(void)
{
	double sc = 1e18, pf = 1e18;
	for (int r = 0; r < ROUNDS; r++) {
		double a = syscall_ns(), b = fault_ns();
		if (a < sc)
			sc = a;
		if (b >= 0 && b < pf)
			pf = b;
	}
	if (pf >= 1e18) {
		perror("probe: mmap");
		return 1;
	}
	printf("syscall %.0f fault %.0f\n", sc, pf);
	return 0;
}
