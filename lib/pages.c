// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Looking at a mapped object's pages without allocating any: shmem allocates a
 * page on a read fault, so a page that was never written must never be read
 * through the mapping. mincore(2) says which pages are in RAM.
 */
#include <errno.h>
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
