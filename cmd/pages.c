// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * shmtool pages: a map of which pages of a segment are in RAM, by mincore(2)
 * on a read-only mapping, so a learner can watch a page fault allocate one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out.h"
#include "select.h"

enum { OPT_WIDTH = 1, OPT_JSON };

/* Runs of more identical map lines than this print as one line and a count. */
enum { SQUEEZE_AFTER = 8 };

/* The map, printed as the runs come: the line being filled and the last one printed. */
struct map_printer {
	size_t width, col;
	bool colour, have_prev;
	uint64_t repeats; /* lines equal to prev, not printed yet */
	char *cur, *prev;
};

struct residency {
	const struct shm_seg *seg;
	size_t page_size;
	uint64_t pages, resident;
	struct map_printer *map;   /* text: printed as found */
	struct shm_page_run *runs; /* JSON: the resident runs, kept */
	size_t nruns, cap;
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
	for (size_t i = 0; i < r->nruns; i++) {
		for (uint64_t p = r->runs[i].first; p < r->runs[i].first + r->runs[i].count; p++) {
			if (i || p > r->runs[i].first)
				out_text(o, ",");
			out_json_u64(o, p);
		}
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

static void print_line(const struct map_printer *m, const char *line, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (line[i] == '#' && m->colour)
			fputs("\033[1;32m#\033[0m", stdout);
		else
			putchar(line[i]);
	}
	putchar('\n');
}

/* Lines held back as equal to the last one printed: in full, or squeezed when many. */
static void flush_repeats(struct map_printer *m)
{
	if (m->repeats > SQUEEZE_AFTER - 1)
		printf("* %llu more lines the same\n", (unsigned long long)m->repeats);
	else
		for (uint64_t i = 0; i < m->repeats; i++)
			print_line(m, m->prev, m->width);
	m->repeats = 0;
}

static void line_done(struct map_printer *m, uint64_t copies)
{
	if (m->have_prev && m->col == m->width && !memcmp(m->cur, m->prev, m->width)) {
		m->repeats += copies;
	} else {
		flush_repeats(m);
		print_line(m, m->cur, m->col);
		memcpy(m->prev, m->cur, m->col);
		m->have_prev = m->col == m->width;
		m->repeats = copies - 1;
	}
	m->col = 0;
}

/* Whole lines of one character at once: a sparse terabyte is a few lines of work. */
static void map_add(struct map_printer *m, uint64_t count, char c)
{
	while (count) {
		if (m->col == 0 && count >= m->width) {
			memset(m->cur, c, m->width);
			m->col = m->width;
			line_done(m, count / m->width);
			count %= m->width;
			continue;
		}
		size_t n = count < m->width - m->col ? (size_t)count : m->width - m->col;
		memset(m->cur + m->col, c, n);
		m->col += n;
		count -= n;
		if (m->col == m->width)
			line_done(m, 1);
	}
}

static void map_end(struct map_printer *m)
{
	if (m->col)
		line_done(m, 1);
	flush_repeats(m);
}

static int take_run(const struct shm_page_run *run, void *arg)
{
	struct residency *r = arg;
	r->pages += run->count;
	if (run->resident)
		r->resident += run->count;
	if (r->map) {
		map_add(r->map, run->count, run->resident ? '#' : '.');
		return 0;
	}
	if (!run->resident)
		return 0;
	if (r->nruns == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct shm_page_run *v = reallocarray(r->runs, cap, sizeof(*v));
		if (!v)
			return -ENOMEM;
		r->runs = v;
		r->cap = cap;
	}
	r->runs[r->nruns++] = *run;
	return 0;
}

static void print_summary(const struct residency *r)
{
	char size[16];
	shm_format_size(r->page_size, size);
	unsigned long long bp = r->pages ? r->resident * 10000 / r->pages : 0;
	printf("%llu of %llu pages resident (%llu.%02llu %%), page size %s\n",
	       (unsigned long long)r->resident, (unsigned long long)r->pages, bp / 100, bp % 100,
	       size);
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
	struct map_printer printer = { .width = width, .cur = malloc(width),
				       .prev = malloc(width) };
	int status = select_one("pages", ctx, arg, &seg);
	if (status)
		goto done;
	if (!json) {
		printer.colour = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
		r.map = &printer;
	}
	if (seg.kind == SHM_KIND_SYSV)
		shm_sysv_usage(ctx, &seg); /* the swap total, where /proc has it */
	int e = printer.cur && printer.prev ? shm_map_open_quiet(ctx, &seg, &map) : -ENOMEM;
	if (e == 0)
		e = shm_map_residency(&map, &r.page_size, take_run, &r);
	if (e < 0) {
		fflush(stdout);
		cmd_error("pages", arg, e);
		status = EXIT_FAIL;
		goto done;
	}
	if (json) {
		e = print_json(ctx, &r);
	} else {
		map_end(&printer);
		print_summary(&r);
	}
	if (e < 0) {
		cmd_error_sys("pages", "stdout", e);
		status = EXIT_FAIL;
	}
done:
	free(r.runs);
	free(printer.cur);
	free(printer.prev);
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
