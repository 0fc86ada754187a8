// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Packed records: a list that stores each record as the words that differ
 * from the one before it. Segments listed together share most of their
 * fields (owner, creator, times, namespace), so 30,000 of them take a few
 * hundred KiB instead of 5 MiB of full records, and the page faults of
 * growing a big array are gone with the bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum {
	WORDS = sizeof(struct shm_seg) / 8,
	MASK_BYTES = (WORDS + 7) / 8,
};

/* Records are whole words, so a record is its words and nothing else. */
_Static_assert(sizeof(struct shm_seg) % 8 == 0, "struct shm_seg is not whole words");

void shm_pack_init(struct shm_pack *p)
{
	memset(p, 0, sizeof(*p));
	p->sorted = true;
}

static int reserve(struct shm_pack *p, size_t more)
{
	if (p->len + more <= p->cap)
		return 0;
	size_t cap = p->cap ? p->cap : 64 * 1024;
	while (cap < p->len + more)
		cap *= 2;
	unsigned char *b = realloc(p->buf, cap);
	if (!b)
		return -ENOMEM;
	p->buf = b;
	p->cap = cap;
	return 0;
}

/* Takes @seg's name (if any): the pack frees it. */
int shm_pack_push(struct shm_pack *p, const struct shm_seg *seg)
{
	const unsigned char *cur = (const unsigned char *)seg;
	if (reserve(p, MASK_BYTES + WORDS * 8) < 0)
		return -ENOMEM;
	unsigned char *mask = p->buf + p->len, *at = mask + MASK_BYTES;
	memset(mask, 0, MASK_BYTES);
	for (size_t i = 0; i < WORDS; i++) {
		if (p->n && !memcmp(cur + 8 * i, p->last + 8 * i, 8))
			continue;
		mask[i / 8] |= (unsigned char)(1u << (i % 8));
		memcpy(at, cur + 8 * i, 8);
		at += 8;
	}
	p->len = (size_t)(at - p->buf);
	const struct shm_seg *last = (const struct shm_seg *)(const void *)p->last;
	if (p->n && seg->kind == SHM_KIND_SYSV && last->kind == SHM_KIND_SYSV && seg->id < last->id)
		p->sorted = false;
	p->names += seg->name != NULL;
	memcpy(p->last, seg, sizeof(*seg));
	p->n++;
	return 0;
}

bool shm_pack_next(const struct shm_pack *p, size_t *pos, struct shm_seg *seg)
{
	if (*pos >= p->len)
		return false;
	unsigned char *cur = (unsigned char *)seg;
	if (*pos == 0)
		memset(seg, 0, sizeof(*seg));
	const unsigned char *mask = p->buf + *pos, *at = mask + MASK_BYTES;
	/* Only the words that changed: a few set bits in mostly zero mask bytes. */
	for (size_t b = 0; b < MASK_BYTES; b++) {
		for (unsigned m = mask[b]; m; m &= m - 1) {
			memcpy(cur + 8 * (b * 8 + (size_t)__builtin_ctz(m)), at, 8);
			at += 8;
		}
	}
	*pos = (size_t)(at - p->buf);
	return true;
}

void shm_pack_free(struct shm_pack *p)
{
	size_t pos = 0;
	struct shm_seg seg;
	while (p->names && shm_pack_next(p, &pos, &seg))
		free(seg.name);
	free(p->buf);
	shm_pack_init(p);
}
