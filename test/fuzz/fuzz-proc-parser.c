// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the /proc/sysvipc/shm parser (lib/sysv.c).
 *
 * The input is the file's text. Besides what ASan and UBSan catch, it checks
 * what the parser promises: every record has the columns the header must have,
 * no more records than lines, and the buffer parser and the file parser (which
 * reads in chunks and keeps partial lines) agree on every field.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../lib/shm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* scan_fd's buffer: a line longer than this is an error there, not in the buffer parser. */
#define READ_CHUNK (256 * 1024)

static bool same_seg(const struct shm_seg *a, const struct shm_seg *b)
{
	return a->kind == b->kind && a->fields == b->fields && a->id == b->id &&
	       a->key == b->key && a->mode == b->mode && a->cpid == b->cpid &&
	       a->lpid == b->lpid && a->uid == b->uid && a->cuid == b->cuid &&
	       a->gid == b->gid && a->cgid == b->cgid && a->nattch == b->nattch &&
	       a->size == b->size && a->rss == b->rss && a->swap == b->swap &&
	       a->alloc == b->alloc && a->atime == b->atime && a->dtime == b->dtime &&
	       a->ctime == b->ctime && a->mtime == b->mtime && a->name == NULL &&
	       b->name == NULL;
}

static void check_list(const struct shm_list *list, const uint8_t *data, size_t size)
{
	size_t lines = 0;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (size && data[size - 1] != '\n')
		lines++;
	/* The header is a line too, and yields no record. */
	if (list->n + list->bad_lines + (list->n || list->bad_lines ? 1 : 0) > lines)
		abort();
	const unsigned must = SHM_F_KEY | SHM_F_ID | SHM_F_STATUS;
	shm_list_foreach(seg, list) {
		if (seg->kind != SHM_KIND_SYSV || seg->name || (seg->fields & must) != must)
			abort();
		if (seg->id < 0 || seg->mode > 0177777 || seg->cpid < 0 || seg->lpid < 0)
			abort();
		if (seg->atime < 0 || seg->dtime < 0 || seg->ctime < 0)
			abort();
	}
}

/* The same text through shm_sysv_parse_file, from a memfd. */
static int parse_as_file(const uint8_t *data, size_t size, struct shm_list *list)
{
	static int fd = -1;
	static FILE *f;
	if (fd < 0) {
		fd = memfd_create("fuzz-proc", MFD_CLOEXEC);
		if (fd < 0 || !(f = fdopen(fd, "r")))
			abort();
	}
	if (ftruncate(fd, 0) < 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size) ||
	    lseek(fd, 0, SEEK_SET) != 0)
		abort();
	return shm_sysv_parse_file(f, list);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shm_list list, flist;
	shm_list_init(&list);
	shm_list_init(&flist);
	int r = shm_sysv_parse((const char *)data, size, &list);
	if (r != 0 && r != -SHM_E_BAD_PROC && r != -ENOMEM)
		abort();
	if (r == 0)
		check_list(&list, data, size);
	else if (r == -SHM_E_BAD_PROC && list.n)
		abort(); /* only the header is fatal, and it comes first */

	if (size < READ_CHUNK) {
		int fr = parse_as_file(data, size, &flist);
		if (fr != r)
			abort();
		if (r == 0) {
			if (flist.n != list.n || flist.bad_lines != list.bad_lines)
				abort();
			for (size_t i = 0; i < list.n; i++)
				if (!same_seg(&list.v[i], &flist.v[i]))
					abort();
		}
	}
	shm_list_free(&list);
	shm_list_free(&flist);
	return 0;
}
