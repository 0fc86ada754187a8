// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * shmtool usage: what holds shared memory, by kind, next to the kernel's own
 * Shmem figure, what is left unexplained and why, and the largest objects
 * with the processes that hold them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "kinds.h"
#include "out.h"
#include "select.h"

enum { OPT_JSON = 1, OPT_BYTES, OPT_MOUNTS, OPT_ALL_NAMESPACES };

#define TOP 5

static void get_kind(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	(void)ctx, (void)detail;
	c->type = CELL_STR;
	c->s = ((const struct kind_total *)row)->kind;
}

#define USAGE_GETTER(field, bit, kind)                                                   \
	static void get_##field(struct shm_ctx *ctx, const void *row, bool detail,        \
				struct cell *c)                                            \
	{                                                                                  \
		(void)ctx, (void)detail;                                                   \
		const struct kind_total *r = row;                                          \
		if (r->has & (bit)) {                                                      \
			c->type = (kind);                                                  \
			c->u = r->field;                                                   \
		}                                                                          \
	}

USAGE_GETTER(objects, HAS_OBJECTS, CELL_U64)
USAGE_GETTER(size, HAS_SIZE, CELL_SIZE)
USAGE_GETTER(rss, HAS_RSS, CELL_SIZE)
USAGE_GETTER(swap, HAS_SWAP, CELL_SIZE)

static const struct column usage_columns[] = {
	{ "KIND", "sysv, posix, memfd, anon, tmpfs, gpu; Shmem is the kernel's figure", false,
	  get_kind },
	{ "OBJECTS", "how many", true, get_objects },
	{ "SIZE", "their sizes, summed", true, get_size },
	{ "RSS", "resident: what the kernel's Shmem counts", true, get_rss },
	{ "SWAP", "swapped out (System V, anon)", true, get_swap },
	{ NULL, NULL, false, NULL },
};

static void get_note(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	(void)ctx, (void)detail;
	c->type = CELL_STR;
	c->s = row;
}

static const struct column note_column = { "NOTE", "why the kinds and Shmem differ", false,
					   get_note };

static void get_device(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_mount *m = row;
	(void)ctx, (void)detail;
	snprintf(c->buf, sizeof(c->buf), "%u:%u", major(m->dev), minor(m->dev));
	c->type = CELL_STR;
	c->s = c->buf;
}

static void get_fstype(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	(void)ctx, (void)detail;
	c->type = CELL_STR;
	c->s = ((const struct shm_mount *)row)->fstype;
}

static void get_msize(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_mount *m = row;
	(void)ctx, (void)detail;
	if (m->measured) {
		c->type = CELL_SIZE;
		c->u = m->size;
	}
}

static void get_used(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_mount *m = row;
	(void)ctx, (void)detail;
	if (m->measured) {
		c->type = CELL_SIZE;
		c->u = m->used;
	}
}

static void get_mount(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	(void)ctx, (void)detail;
	c->type = CELL_STR;
	c->s = ((const struct shm_mount *)row)->path;
}

static void get_counted(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_mount *m = row;
	(void)ctx, (void)detail;
	c->type = CELL_STR;
	if (m->hidden && m->hidden_by) {
		snprintf(c->buf, sizeof(c->buf), "hidden by %u:%u", major(m->hidden_by),
			 minor(m->hidden_by));
		c->s = c->buf;
	} else {
		c->s = m->hidden ? "unreachable" : m->is_shm_dir ? "posix"
		     : !strcmp(m->fstype, "ramfs") ? "not Shmem" : !m->measured ? "no limit"
		     : m->hugetlb ? "HugePages" : "tmpfs";
	}
}

static const struct column mount_columns[] = {
	{ "DEVICE", "the file system's device", false, get_device },
	{ "FSTYPE", "tmpfs, devtmpfs, hugetlbfs or ramfs", false, get_fstype },
	{ "SIZE", "its size limit", true, get_msize },
	{ "USED", "bytes in use (statvfs)", true, get_used },
	{ "COUNTED", "the line that counts it, or why none does", false, get_counted },
	{ "MOUNT", "where it is mounted", false, get_mount },
	{ NULL, NULL, false, NULL },
};

static int by_size_desc(const void *a, const void *b)
{
	const struct shm_seg *x = a, *y = b;
	return (x->size < y->size) - (x->size > y->size);
}

static struct poptOption usage_options[] = {
	{ "json", 'J', POPT_ARG_NONE, NULL, OPT_JSON, "JSON output", NULL },
	{ "bytes", 'b', POPT_ARG_NONE, NULL, OPT_BYTES, "sizes in bytes", NULL },
	{ "all-namespaces", 'A', POPT_ARG_NONE, NULL, OPT_ALL_NAMESPACES,
	  "sum every IPC namespace and shm directory on the host (needs CAP_SYS_ADMIN)", NULL },
	{ "mounts", 0, POPT_ARG_NONE, NULL, OPT_MOUNTS,
	  "list every tmpfs, devtmpfs and hugetlbfs mount one by one", NULL },
	CMD_HELP_OPTION,
	POPT_TABLEEND,
};

struct usage_opts {
	bool json, bytes, mounts, all_ns;
};

struct notes {
	char **v;
	size_t n;
	bool oom;
};

static void add_note(const char *line, void *arg)
{
	struct notes *n = arg;
	char **v = reallocarray(n->v, n->n + 1, sizeof(*v));
	char *copy = strdup(line);
	if (!v || !copy) {
		free(copy);
		if (v)
			n->v = v;
		n->oom = true;
		return;
	}
	n->v = v;
	n->v[n->n++] = copy;
}

/* The rows of the first table: the kinds in Shmem, Shmem, unexplained, then the ones apart. */
static size_t usage_rows(const struct totals *t, struct kind_total *rows)
{
	size_t n = 0;
	for (int i = 0; i < K_IN_SHMEM; i++)
		rows[n++] = t->k[i];
	if (t->has_shmem) {
		rows[n++] = (struct kind_total){ .kind = "Shmem", .has = HAS_RSS, .rss = t->shmem };
		rows[n++] = (struct kind_total){ .kind = "unexplained", .has = HAS_RSS,
						 .rss = t->unexplained };
	}
	for (int i = K_IN_SHMEM; i < K_COUNT; i++)
		rows[n++] = t->k[i];
	return n;
}

/* Table mode: one table after another, each under its heading, the notes as plain lines. */
static int table(struct shm_ctx *ctx, const struct usage_opts *uo, const char *title,
		 const struct column *const *cols, size_t ncols, const void *rows, size_t size,
		 size_t nrows)
{
	if (title)
		printf("\n%s\n", title);
	struct out o;
	int r = out_init(&o, OUT_TABLE, true, uo->bytes, (const struct column **)cols, ncols,
			 stdout, "");
	for (size_t i = 0; i < nrows && r == 0; i++)
		r = out_row(&o, ctx, (const char *)rows + i * size);
	if (r == 0)
		r = out_finish(&o);
	out_free(&o);
	return r;
}

static int emit_table(struct shm_ctx *ctx, const struct usage_opts *uo,
		      const struct kind_total *rows, size_t nrows, const struct notes *notes,
		      const struct shm_list *top, size_t ntop, const struct totals *t)
{
	const struct column *cols[5], *topc[4], *mc[6];
	for (size_t i = 0; i < 5; i++)
		cols[i] = &usage_columns[i];
	for (size_t i = 0; i < 6; i++)
		mc[i] = &mount_columns[i];
	topc[0] = column_find("TYPE");
	topc[1] = column_find("ID");
	topc[2] = column_find("SIZE");
	topc[3] = column_find("PIDS");
	int r = table(ctx, uo, NULL, cols, 5, rows, sizeof(*rows), nrows);
	for (size_t i = 0; i < notes->n && r == 0; i++) {
		fputs("  ", stdout);
		out_print_safe(stdout, notes->v[i]);
		putchar('\n');
	}
	if (r == 0 && ntop)
		r = table(ctx, uo, "Largest objects:", topc, 4, top->v, sizeof(*top->v), ntop);
	if (r == 0 && uo->mounts)
		r = table(ctx, uo, "Mounts:", mc, 6, t->mounts.v, sizeof(*t->mounts.v),
			  t->mounts.n);
	if (r == 0 && (fflush(stdout) != 0 || ferror(stdout)))
		r = -EIO;
	return r;
}

static int emit_json(struct shm_ctx *ctx, const struct usage_opts *uo,
		     const struct kind_total *rows, size_t nrows, const struct notes *notes,
		     const struct shm_list *top, size_t ntop, const struct totals *t)
{
	const struct column *cols[5], *topc[4], *mc[6], *nc[1] = { &note_column };
	for (size_t i = 0; i < 5; i++)
		cols[i] = &usage_columns[i];
	for (size_t i = 0; i < 6; i++)
		mc[i] = &mount_columns[i];
	topc[0] = column_find("TYPE");
	topc[1] = column_find("ID");
	topc[2] = column_find("SIZE");
	topc[3] = column_find("PIDS");
	struct out o;
	int r = out_init(&o, OUT_JSON, true, uo->bytes, cols, 5, stdout, "usage");
	for (size_t i = 0; i < nrows && r == 0; i++)
		r = out_row(&o, ctx, &rows[i]);
	if (r == 0)
		r = out_section(&o, "notes", nc, 1);
	for (size_t i = 0; i < notes->n && r == 0; i++)
		r = out_row(&o, ctx, notes->v[i]);
	if (r == 0)
		r = out_section(&o, "top", topc, 4);
	for (size_t i = 0; i < ntop && r == 0; i++)
		r = out_row(&o, ctx, &top->v[i]);
	if (r == 0 && uo->mounts)
		r = out_section(&o, "mounts", mc, 6);
	for (size_t i = 0; uo->mounts && i < t->mounts.n && r == 0; i++)
		r = out_row(&o, ctx, &t->mounts.v[i]);
	if (r == 0)
		r = out_finish(&o);
	out_free(&o);
	return r;
}

/* The largest objects of Shmem, first in @list; how many. */
static size_t largest(struct shm_ctx *ctx, struct shm_list *list)
{
	size_t kept = 0;
	for (size_t i = 0; i < list->n; i++)
		if (totals_in_shmem(ctx, &list->v[i])) {
			struct shm_seg tmp = list->v[kept];
			list->v[kept++] = list->v[i];
			list->v[i] = tmp;
		}
	if (kept > 1)
		qsort(list->v, kept, sizeof(*list->v), by_size_desc);
	return kept < TOP ? kept : TOP;
}

static int usage(struct shm_ctx *ctx, const struct usage_opts *uo)
{
	struct shm_list list;
	struct totals t;
	struct notes notes = { 0 };
	int status = totals_gather("usage", ctx, uo->all_ns, &list, &t);
	totals_causes(&t, add_note, &notes);
	struct kind_total rows[K_COUNT + 2];
	size_t nrows = usage_rows(&t, rows);
	size_t ntop = largest(ctx, &list);
	int r = notes.oom ? -ENOMEM
		: uo->json ? emit_json(ctx, uo, rows, nrows, &notes, &list, ntop, &t)
			   : emit_table(ctx, uo, rows, nrows, &notes, &list, ntop, &t);
	if (r < 0) {
		cmd_error_sys("usage", "stdout", r);
		status = EXIT_FAIL;
	}
	for (size_t i = 0; i < notes.n; i++)
		free(notes.v[i]);
	free(notes.v);
	totals_free(&t);
	shm_list_free(&list);
	return status;
}

static int usage_run(struct shm_ctx *ctx, int argc, const char **argv)
{
	struct usage_opts uo = { 0 };
	int status = EXIT_OK, val;
	poptContext pc = cmd_popt("usage", argc, argv, usage_options, "[OPTION...]");
	while ((val = cmd_next_opt(pc, "usage")) > 0) {
		uo.json |= val == OPT_JSON;
		uo.bytes |= val == OPT_BYTES;
		uo.mounts |= val == OPT_MOUNTS;
		uo.all_ns |= val == OPT_ALL_NAMESPACES;
	}
	if (val < 0) {
		status = cmd_opts_end(val);
	} else if (uo.all_ns && !select_can_enter("usage", "--all-namespaces")) {
		status = EXIT_FAIL;
	} else if (poptPeekArg(pc)) {
		cmd_errorf("usage", poptPeekArg(pc), "unexpected argument");
		status = EXIT_USAGE;
	} else {
		status = usage(ctx, &uo);
	}
	poptFreeContext(pc);
	return status;
}

const struct shm_cmd shm_cmd_usage = {
	.name = "usage",
	.summary = "what holds shared memory, by kind, next to the kernel's Shmem",
	.run = usage_run,
};
