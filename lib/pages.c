// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Looking at a mapped object's pages without allocating any: shmem allocates a
 * page on a read fault, so a page that was never written must never be read
 * through the mapping. mincore(2) says which pages are in RAM.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

/* Base pages asked of mincore(2) at a time: a fixed vector on the stack. */
enum { COPY_WINDOW = 256 };

int shm_map_copy(const struct shm_map *map, uint64_t offset, void *buf, size_t len,
		 bool fault_absent)
{
	if (offset > map->len || len > map->len - offset)
		return -EINVAL;
	uint8_t *dst = buf;
	if (fault_absent) {
		memcpy(dst, map->addr + offset, len);
		return 0;
	}
	size_t base = (size_t)sysconf(_SC_PAGESIZE);
	unsigned char vec[COPY_WINDOW];
	while (len) {
		size_t lead = (size_t)(offset % base);
		uint8_t *page0 = map->addr + (offset - lead);
		size_t span = lead + len < COPY_WINDOW * base ? lead + len : COPY_WINDOW * base;
		if (mincore(page0, span, vec) < 0)
			return -errno;
		for (size_t i = 0, at = lead; at < span; i++) {
			size_t end = (i + 1) * base < span ? (i + 1) * base : span;
			/* Not in RAM, and nothing in swap: a hole, whose bytes are zeros. */
			if (vec[i] & 1)
				memcpy(dst, page0 + at, end - at);
			else
				memset(dst, 0, end - at);
			dst += end - at;
			at = end;
		}
		offset += span - lead;
		len -= span - lead;
	}
	return 0;
}

/* Address space asked of mincore(2) at a time: its vector stays small (16 KiB). */
#define RESIDENCY_WINDOW ((uint64_t)64 << 20)

/* The mapping's page size from /proc/self/smaps: larger than the base page for hugetlb. */
static size_t mapping_page_size(const struct shm_map *map)
{
	size_t base = (size_t)sysconf(_SC_PAGESIZE), page = base;
	char path[96], line[256], want[32];
	snprintf(path, sizeof(path), "%s/self/smaps", map->proc_root);
	snprintf(want, sizeof(want), "%lx-", (unsigned long)(uintptr_t)map->addr);
	FILE *f = fopen(path, "re");
	if (!f)
		return base;
	bool in = false;
	while (fgets(line, sizeof(line), f)) {
		if (strchr(line, '-') && !strchr(line, ':'))
			in = false;
		if (!strncmp(line, want, strlen(want)))
			in = true;
		unsigned long kb;
		if (in && sscanf(line, "KernelPageSize: %lu kB", &kb) == 1) {
			page = (size_t)kb * 1024;
			break;
		}
	}
	fclose(f);
	return page >= base ? page : base;
}

/* Pages found one at a time, handed on in runs. */
struct runs {
	struct shm_page_run run;
	int (*fn)(const struct shm_page_run *run, void *arg);
	void *arg;
};

static int runs_add(struct runs *a, uint64_t first, uint64_t count, bool resident)
{
	if (count == 0)
		return 0;
	if (a->run.count && a->run.resident == resident) {
		a->run.count += count;
		return 0;
	}
	int r = a->run.count ? a->fn(&a->run, a->arg) : 0;
	a->run = (struct shm_page_run){ .first = first, .count = count, .resident = resident };
	return r;
}

/* Pages [@from, @to) by mincore(2) a window at a time; a huge page is in RAM if any part is. */
static int mincore_pages(const struct shm_map *map, size_t page, uint64_t from, uint64_t to,
			 struct runs *a)
{
	size_t base = (size_t)sysconf(_SC_PAGESIZE), per = page / base;
	uint64_t window = RESIDENCY_WINDOW / page ? RESIDENCY_WINDOW / page : 1;
	unsigned char *vec = malloc((size_t)window * per);
	int r = vec ? 0 : -ENOMEM;
	for (uint64_t p = from; r == 0 && p < to; p += window) {
		uint64_t n = to - p < window ? to - p : window;
		if (mincore(map->addr + p * page, (size_t)(n * page), vec) < 0) {
			r = -errno;
			break;
		}
		for (uint64_t i = 0; r == 0 && i < n; i++) {
			bool resident = false;
			for (size_t j = 0; j < per; j++)
				resident |= vec[i * per + j] & 1;
			r = runs_add(a, p + i, 1, resident);
		}
	}
	free(vec);
	return r;
}

/*
 * With the object's file, SEEK_DATA and SEEK_HOLE skip what was never written
 * (a page in swap counts as data): a sparse object costs only its data.
 */
static int extent_pages(const struct shm_map *map, int fd, size_t page, uint64_t npages,
			struct runs *a)
{
	int r = 0;
	for (uint64_t pos = 0; r == 0 && pos < npages;) {
		off_t data = lseek(fd, (off_t)(pos * page), SEEK_DATA);
		if (data < 0 && errno != ENXIO)
			return mincore_pages(map, page, pos, npages, a);
		uint64_t first = data < 0 ? npages : (uint64_t)data / page;
		first = first < npages ? first : npages;
		r = runs_add(a, pos, first - pos, false);
		if (r < 0 || first == npages)
			break;
		off_t hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0)
			return -errno;
		uint64_t end = ((uint64_t)hole + page - 1) / page;
		end = end < npages ? end : npages;
		r = mincore_pages(map, page, first, end > first ? end : first + 1, a);
		pos = end > first ? end : first + 1;
	}
	return r;
}

int shm_map_residency(struct shm_map *map, size_t *page_size,
		      int (*fn)(const struct shm_page_run *run, void *arg), void *arg)
{
	size_t page = map->addr ? mapping_page_size(map) : (size_t)sysconf(_SC_PAGESIZE);
	uint64_t npages = ((uint64_t)map->len + page - 1) / page;
	struct runs a = { .fn = fn, .arg = arg };
	int fd = -1;
	*page_size = page;
	if (npages == 0)
		return 0;
	int r = shm_map_fd(map, &fd) == 0 ? extent_pages(map, fd, page, npages, &a)
					  : mincore_pages(map, page, 0, npages, &a);
	if (r == 0 && a.run.count)
		r = fn(&a.run, arg);
	return r;
}
