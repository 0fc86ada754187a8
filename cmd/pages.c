// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * shmtool pages: a map of which pages of a segment are in RAM, by mincore(2)
 * on a read-only mapping, so a learner can watch a page fault allocate one.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out.h"
#include "select.h"

enum { OPT_WIDTH = 1, OPT_JSON };

struct residency {
	const struct shm_seg *seg;
	const uint8_t *vec;
	size_t pages, page_size, resident;
};

static void get_id(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	column_get(ctx, column_find("ID"), ((const struct residency *)row)->seg, detail, c);
}

#define RESIDENCY_GETTER(name, field)                                                     \
	static void get_##name(struct shm_ctx *ctx, const void *row, bool detail,          \
			       struct cell *c)                                              \
	{                                                                                   \
		(void)ctx, (void)detail;                                                    \
		c->type = CELL_U64;                                                         \
		c->u = ((const struct residency *)row)->field;                              \
	}

RESIDENCY_GETTER(page_size, page_size)
RESIDENCY_GETTER(pages, pages)
RESIDENCY_GETTER(resident, resident)

static void get_percent(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	(void)ctx, (void)detail;
	const struct residency *r = row;
	c->type = CELL_PERCENT;
	c->u = r->pages ? r->resident * 10000 / r->pages : 0;
}

static const struct column page_columns[] = {
	{ "ID", "the segment", false, get_id },
	{ "PAGE_SIZE", "bytes in a page (a huge page for hugetlb segments)", true, get_page_size },
	{ "PAGES", "pages in the segment", true, get_pages },
	{ "RESIDENT", "pages in RAM", true, get_resident },
	{ "PERCENT", "resident share", true, get_percent },
	{ NULL, NULL, false, NULL },
};

static void json_resident_pages(struct out *o, struct shm_ctx *ctx, const void *row)
{
	(void)ctx;
	const struct residency *r = row;
	out_json_key(o, "resident_pages");
	out_text(o, "[");
	for (size_t i = 0, n = 0; i < r->pages; i++) {
		if (!(r->vec[i] & 1))
			continue;
		if (n++)
			out_text(o, ",");
		out_json_u64(o, i);
	}
	out_text(o, "]");
}

static int print_json(struct shm_ctx *ctx, const struct residency *r)
{
	const struct column *cols[5];
	for (size_t i = 0; i < 5; i++)
		cols[i] = &page_columns[i];
	struct out o;
	int e = out_init(&o, OUT_JSON, false, true, cols, 5, stdout, "pages");
	o.json_extra = json_resident_pages;
	if (e == 0)
		e = out_row(&o, ctx, r);
	if (e == 0)
		e = out_finish(&o);
	out_free(&o);
	return e;
}

static void print_map(const struct residency *r, size_t width, bool colour)
{
	const char *on = colour ? "\033[1;32m#\033[0m" : "#";
	for (size_t i = 0; i < r->pages; i++) {
		fputs(r->vec[i] & 1 ? on : ".", stdout);
		if ((i + 1) % width == 0 || i + 1 == r->pages)
			putchar('\n');
	}
	char size[16];
	shm_format_size(r->page_size, size);
	unsigned long long bp = r->pages ? r->resident * 10000 / r->pages : 0;
	printf("%zu of %zu pages resident (%llu.%02llu %%), page size %s\n", r->resident, r->pages,
	       bp / 100, bp % 100, size);
	printf("# resident in RAM   . not resident: never touched, or swapped out\n");
	if (r->seg->kind == SHM_KIND_SYSV && (r->seg->fields & SHM_F_RSS) && r->seg->swap) {
		shm_format_size(r->seg->swap, size);
		printf("%s swapped out in all; which pages cannot be known\n", size);
	}
}

static struct poptOption pages_options[] = {
	{ "width", 'w', POPT_ARG_STRING, NULL, OPT_WIDTH, "pages per line (default 64)", "WIDTH" },
	{ "json", 'J', POPT_ARG_NONE, NULL, OPT_JSON, "JSON output", NULL },
	CMD_HELP_OPTION,
	POPT_TABLEEND,
};

static int pages(struct shm_ctx *ctx, const char *arg, size_t width, bool json)
{
	struct shm_seg seg = { 0 };
	struct shm_map map = { 0 };
	struct residency r = { .seg = &seg };
	uint8_t *vec = NULL;
	int status = select_one("pages", ctx, arg, &seg);
	if (status)
		goto done;
	if (seg.kind == SHM_KIND_SYSV)
		shm_sysv_usage(ctx, &seg); /* the swap total, where /proc has it */
	int e = shm_map_open(ctx, &seg, false, &map);
	if (e == 0)
		e = shm_map_residency(&map, &vec, &r.pages, &r.page_size);
	if (e < 0) {
		cmd_error("pages", arg, e);
		status = EXIT_FAIL;
		goto done;
	}
	r.vec = vec;
	for (size_t i = 0; i < r.pages; i++)
		r.resident += vec[i] & 1;
	if (json)
		e = print_json(ctx, &r);
	else
		print_map(&r, width, isatty(STDOUT_FILENO) && !getenv("NO_COLOR"));
	if (e < 0) {
		cmd_error_sys("pages", "stdout", e);
		status = EXIT_FAIL;
	}
done:
	free(vec);
	shm_map_close(&map);
	shm_seg_clear(&seg);
	return status;
}

static int pages_run(struct shm_ctx *ctx, int argc, const char **argv)
{
	uint64_t width = 64;
	bool json = false;
	char *arg = NULL;
	int status = EXIT_OK, val;
	poptContext pc = cmd_popt("pages", argc, argv, pages_options, "[OPTION...] SEGMENT");
	while (status == EXIT_OK && (val = cmd_next_opt(pc, "pages")) > 0) {
		if (val == OPT_JSON)
			json = true;
		if (val != OPT_WIDTH)
			continue;
		cmd_take_arg(pc, &arg);
		if (shm_parse_u64(arg, &width) < 0 || width == 0 || width > 4096) {
			cmd_errorf("pages", arg, "WIDTH must be 1-4096 pages per line");
			status = EXIT_USAGE;
		}
	}
	if (status != EXIT_OK)
		goto done;
	if (val < 0) {
		status = cmd_opts_end(val);
		goto done;
	}
	const char *operand = cmd_one_arg(pc, "pages", "shmtool pages [-w WIDTH] SEGMENT");
	status = operand ? pages(ctx, operand, (size_t)width, json) : EXIT_USAGE;
done:
	free(arg);
	poptFreeContext(pc);
	return status;
}

const struct shm_cmd shm_cmd_pages = {
	.name = "pages",
	.summary = "map which pages of a segment are in RAM",
	.run = pages_run,
};
