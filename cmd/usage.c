// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * shmtool usage: what holds shared memory, by kind, next to the kernel's own
 * Shmem figure, and the largest objects with the processes that hold them.
 */
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "select.h"

enum { OPT_JSON = 1, OPT_BYTES };
enum { HAS_OBJECTS = 1, HAS_SIZE = 2, HAS_RSS = 4, HAS_SWAP = 8, HAS_ALLOC = 16 };

#define TOP 5

struct usage_row {
	const char *kind;
	unsigned has;
	uint64_t objects, size, rss, swap, alloc;
};

static void get_kind(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	(void)ctx, (void)detail;
	c->type = CELL_STR;
	c->s = ((const struct usage_row *)row)->kind;
}

#define USAGE_GETTER(field, bit, kind)                                                   \
	static void get_##field(struct shm_ctx *ctx, const void *row, bool detail,        \
				struct cell *c)                                            \
	{                                                                                  \
		(void)ctx, (void)detail;                                                   \
		const struct usage_row *r = row;                                           \
		if (r->has & (bit)) {                                                      \
			c->type = (kind);                                                  \
			c->u = r->field;                                                   \
		}                                                                          \
	}

USAGE_GETTER(objects, HAS_OBJECTS, CELL_U64)
USAGE_GETTER(size, HAS_SIZE, CELL_SIZE)
USAGE_GETTER(rss, HAS_RSS, CELL_SIZE)
USAGE_GETTER(swap, HAS_SWAP, CELL_SIZE)
USAGE_GETTER(alloc, HAS_ALLOC, CELL_SIZE)

static const struct column usage_columns[] = {
	{ "KIND", "sysv, posix, memfd; Shmem is the kernel's figure", false, get_kind },
	{ "OBJECTS", "how many", true, get_objects },
	{ "SIZE", "their sizes, summed", true, get_size },
	{ "RSS", "resident (System V; the kernel's Shmem)", true, get_rss },
	{ "SWAP", "swapped out (System V)", true, get_swap },
	{ "ALLOC", "allocated in the tmpfs: resident or swapped (POSIX, memfd)", true, get_alloc },
	{ NULL, NULL, false, NULL },
};

static void add(struct usage_row *r, const struct shm_seg *seg)
{
	r->objects++;
	r->size = shm_add_sat(r->size, seg->size);
	r->rss = shm_add_sat(r->rss, seg->rss);
	r->swap = shm_add_sat(r->swap, seg->swap);
	r->alloc = shm_add_sat(r->alloc, seg->alloc);
}

static int by_size_desc(const void *a, const void *b)
{
	const struct shm_seg *x = a, *y = b;
	return (x->size < y->size) - (x->size > y->size);
}

static struct poptOption usage_options[] = {
	{ "json", 'J', POPT_ARG_NONE, NULL, OPT_JSON, "JSON output", NULL },
	{ "bytes", 'b', POPT_ARG_NONE, NULL, OPT_BYTES, "sizes in bytes", NULL },
	CMD_HELP_OPTION,
	POPT_TABLEEND,
};

/* rows: sysv, posix, memfd, the kernel's Shmem, and what no kind explains. */
static size_t fill_rows(struct shm_ctx *ctx, const struct shm_list *list, struct usage_row *rows,
			int *status)
{
	rows[0] = (struct usage_row){ .kind = "sysv", .has = HAS_OBJECTS | HAS_SIZE | HAS_RSS | HAS_SWAP };
	rows[1] = (struct usage_row){ .kind = "posix", .has = HAS_OBJECTS | HAS_SIZE | HAS_ALLOC };
	rows[2] = (struct usage_row){ .kind = "memfd", .has = HAS_OBJECTS | HAS_SIZE | HAS_ALLOC };
	shm_list_foreach(seg, list) {
		if (seg->kind == SHM_KIND_SYSV)
			add(&rows[0], seg);
		else if (seg->kind == SHM_KIND_POSIX)
			add(&rows[1], seg);
		else if (seg->kind == SHM_KIND_MEMFD)
			add(&rows[2], seg);
	}
	uint64_t shmem;
	int r = shm_meminfo_shmem(ctx, &shmem);
	if (r < 0) {
		cmd_error_sys("usage", "/proc/meminfo", r);
		*status = EXIT_FAIL;
		return 3;
	}
	uint64_t known = shm_add_sat(shm_add_sat(rows[0].rss, rows[1].alloc), rows[2].alloc);
	rows[3] = (struct usage_row){ .kind = "Shmem", .has = HAS_RSS, .rss = shmem };
	rows[4] = (struct usage_row){ .kind = "unexplained", .has = HAS_RSS, .rss = shmem > known ? shmem - known : 0 };
	return 5;
}

static int emit(struct shm_ctx *ctx, bool json, bool bytes, struct usage_row *rows, size_t n,
		struct shm_list *list)
{
	const struct column *cols[6], *top[4];
	for (size_t i = 0; i < 6; i++)
		cols[i] = &usage_columns[i];
	top[0] = column_find("TYPE");
	top[1] = column_find("ID");
	top[2] = column_find("SIZE");
	top[3] = column_find("PIDS");
	struct out o;
	int r = out_init(&o, json ? OUT_JSON : OUT_TABLE, true, bytes, cols, 6, stdout, "usage");
	for (size_t i = 0; i < n && r == 0; i++)
		r = out_row(&o, ctx, &rows[i]);
	if (r == 0)
		r = out_section(&o, "top", top, 4);
	if (list->n > 1)
		qsort(list->v, list->n, sizeof(*list->v), by_size_desc);
	for (size_t i = 0; i < list->n && i < TOP && r == 0; i++)
		r = out_row(&o, ctx, &list->v[i]);
	if (r == 0)
		r = out_finish(&o);
	out_free(&o);
	if (r < 0) {
		cmd_error_sys("usage", "stdout", r);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int usage_run(struct shm_ctx *ctx, int argc, const char **argv)
{
	bool json = false, bytes = false;
	int status = EXIT_OK, val;
	struct shm_list list;
	shm_list_init(&list);
	poptContext pc = cmd_popt("usage", argc, argv, usage_options, "[OPTION...]");
	while ((val = cmd_next_opt(pc, "usage")) > 0) {
		json |= val == OPT_JSON;
		bytes |= val == OPT_BYTES;
	}
	if (val < 0) {
		status = cmd_opts_end(val);
		goto done;
	}
	if (poptPeekArg(pc)) {
		cmd_errorf("usage", poptPeekArg(pc), "unexpected argument");
		status = EXIT_USAGE;
		goto done;
	}
	struct selection sel = { .memfd = true, .need_usage = true };
	status = select_list("usage", ctx, &sel, &list);
	struct usage_row rows[5];
	size_t n = fill_rows(ctx, &list, rows, &status);
	int st = emit(ctx, json, bytes, rows, n, &list);
	if (st != EXIT_OK)
		status = st;
done:
	shm_list_free(&list);
	poptFreeContext(pc);
	return status;
}

const struct shm_cmd shm_cmd_usage = {
	.name = "usage",
	.summary = "what holds shared memory, by kind, next to the kernel's Shmem",
	.run = usage_run,
};
