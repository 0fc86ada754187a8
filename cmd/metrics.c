// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * shmtool metrics: the Prometheus text exposition format (0.0.4), for
 * node_exporter's textfile collector: totals by kind, limits and their use,
 * leaks (orphaned, dest), and a gauge per segment of at least --min-size.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kinds.h"
#include "out.h"
#include "select.h"

enum { OPT_GAUGE_MIN = 1, OPT_OUTPUT, OPT_ALL_NAMESPACES };
enum { SYSV, POSIX, KINDS_ORPHANED };

/* What only System V and POSIX objects have: leaks, swap, removal pending. */
struct leaks {
	uint64_t orphaned[KINDS_ORPHANED];
	uint64_t swap, dest;
};

static void head(FILE *f, const char *name, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static void label(FILE *f, const char *name, const char *value, bool first)
{
	fprintf(f, "%s%s=\"", first ? "" : ",", name);
	out_print_label(f, value);
	fputc('"', f);
}

static void by_kind(FILE *f, const char *name, const char *help, const uint64_t *v, int kinds)
{
	head(f, name, help);
	for (int k = 0; k < kinds; k++)
		fprintf(f, "%s{type=\"%s\"} %llu\n", name, kind_names[k], (unsigned long long)v[k]);
}

/* One series per kind of usage's table, a field of each. */
static void by_kind_total(FILE *f, const char *name, const char *help, const struct totals *t,
			  size_t offset)
{
	uint64_t v[K_COUNT];
	for (int k = 0; k < K_COUNT; k++)
		memcpy(&v[k], (const char *)&t->k[k] + offset, sizeof(v[k]));
	by_kind(f, name, help, v, K_COUNT);
}

static void single(FILE *f, const char *name, const char *help, uint64_t v)
{
	head(f, name, help);
	fprintf(f, "%s %llu\n", name, (unsigned long long)v);
}

static void sum(struct shm_ctx *ctx, const struct shm_list *list, struct leaks *t)
{
	memset(t, 0, sizeof(*t));
	shm_list_foreach(seg, list) {
		if (seg->kind == SHM_KIND_POSIX)
			t->orphaned[POSIX] += shm_seg_orphaned(ctx, seg);
		if (seg->kind != SHM_KIND_SYSV)
			continue;
		t->orphaned[SYSV] += shm_seg_orphaned(ctx, seg);
		t->swap = shm_add_sat(t->swap, seg->swap);
		t->dest += (seg->mode & SHM_MODE_DEST) != 0;
	}
}

/* {type="sysv",id="3",key="0x0000abcd",owner="root"} */
static void seg_labels(struct shm_ctx *ctx, FILE *f, const struct shm_seg *seg)
{
	char buf[64];
	struct cell c;
	fputc('{', f);
	column_get(ctx, column_find("TYPE"), seg, false, &c);
	label(f, "type", c.s, true);
	column_get(ctx, column_find("ID"), seg, false, &c);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)c.u);
	label(f, "id", c.type == CELL_STR ? c.s : buf, false);
	snprintf(buf, sizeof(buf), "0x%08x", (unsigned)seg->key);
	label(f, "key", seg->fields & SHM_F_KEY ? buf : "", false);
	column_get(ctx, column_find("OWNER"), seg, false, &c);
	label(f, "owner", c.s, false);
	/* Only -A and --ns set a namespace: two namespaces may share an id and key. */
	if (seg->nspid > 0) {
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)seg->ipc_ns);
		label(f, "ns", buf, false);
		column_get(ctx, column_find("CONTAINER"), seg, false, &c);
		label(f, "container", c.type == CELL_STR ? c.s : "", false);
	}
	fputc('}', f);
}

static uint64_t seg_value(struct shm_ctx *ctx, const struct shm_seg *seg, int metric)
{
	if (metric == 0)
		return seg->size;
	if (metric == 1)
		return seg->kind == SHM_KIND_SYSV || seg->kind == SHM_KIND_ANON ? seg->rss
										 : seg->alloc;
	struct cell c;
	column_get(ctx, column_find("NATTCH"), seg, false, &c);
	return c.type == CELL_U64 ? c.u : 0;
}

static void per_segment(struct shm_ctx *ctx, FILE *f, const struct shm_list *list, uint64_t min)
{
	static const char *const names[] = { "shmtool_segment_size_bytes",
					     "shmtool_segment_resident_bytes",
					     "shmtool_segment_attached" };
	static const char *const helps[] = {
		"Size of each object of at least --min-size bytes.",
		"Resident bytes of each such object (System V, anon rss; POSIX, memfd allocated).",
		"Attaches (System V), or processes mapping (POSIX, anon) or holding (memfd) it.",
	};
	for (int m = 0; m < 3; m++) {
		head(f, names[m], helps[m]);
		shm_list_foreach(seg, list) {
			if (seg->size < min || seg->kind == SHM_KIND_FILE)
				continue;
			fputs(names[m], f);
			seg_labels(ctx, f, seg);
			fprintf(f, " %llu\n", (unsigned long long)seg_value(ctx, seg, m));
		}
	}
}

static void limits(FILE *f, const struct shm_limits *l)
{
	single(f, "shmtool_limit_segments", "SHMMNI: how many System V segments may exist.",
	       l->shmmni);
	single(f, "shmtool_used_segments", "System V segments that exist (SHM_INFO used_ids).",
	       l->used_ids);
	single(f, "shmtool_limit_pages", "SHMALL: pages all System V segments may take.",
	       l->shmall);
	single(f, "shmtool_used_pages", "Pages System V segments take (SHM_INFO shm_tot).",
	       l->used_pages);
	single(f, "shmtool_limit_segment_max_bytes", "SHMMAX: the largest segment allowed.",
	       l->shmmax);
	single(f, "shmtool_limit_segment_min_bytes", "SHMMIN: the smallest segment allowed.",
	       l->shmmin);
	if (l->has_shm_dir) {
		single(f, "shmtool_devshm_size_bytes", "Size of the /dev/shm tmpfs.",
		       l->shm_dir_size);
		single(f, "shmtool_devshm_used_bytes", "Bytes used in the /dev/shm tmpfs.",
		       l->shm_dir_used);
	}
}

static int write_metrics(struct shm_ctx *ctx, FILE *f, const struct shm_list *list,
			 const struct totals *kt, uint64_t min)
{
	struct leaks t;
	struct shm_limits l;
	int r = shm_limits_read(ctx, false, &l);
	if (r < 0) {
		cmd_error_sys("metrics", "/proc/sys/kernel/shm*", r);
		return EXIT_FAIL;
	}
	sum(ctx, list, &t);
	by_kind_total(f, "shmtool_objects", "Shared memory objects, by type (usage's kinds).", kt,
		      offsetof(struct kind_total, objects));
	by_kind_total(f, "shmtool_size_bytes", "Sum of the objects' sizes, by type.", kt,
		      offsetof(struct kind_total, size));
	by_kind_total(f, "shmtool_resident_bytes",
		      "Resident bytes: System V and anon rss; POSIX, memfd and tmpfs bytes "
		      "allocated; file pages in the page cache.", kt,
		      offsetof(struct kind_total, rss));
	single(f, "shmtool_swap_bytes", "Swapped-out bytes of System V segments.", t.swap);
	head(f, "shmtool_orphaned_objects", "Objects nobody holds: System V unattached with the "
	     "creator gone, POSIX unmapped and not open.");
	fprintf(f, "shmtool_orphaned_objects{type=\"sysv\"} %llu\n",
		(unsigned long long)t.orphaned[SYSV]);
	fprintf(f, "shmtool_orphaned_objects{type=\"posix\"} %llu\n",
		(unsigned long long)t.orphaned[POSIX]);
	single(f, "shmtool_dest_segments",
	       "System V segments removed while attached, waiting for the last detach.", t.dest);
	if (kt->has_shmem) {
		single(f, "shmtool_shmem_bytes", "The kernel's Shmem from /proc/meminfo.",
		       kt->shmem);
		single(f, "shmtool_unexplained_bytes",
		       "Shmem minus the resident bytes of every kind in it (usage's unexplained).",
		       kt->unexplained);
	}
	limits(f, &l);
	per_segment(ctx, f, list, min);
	return EXIT_OK;
}

/*
 * What -o may replace: a regular file, or nothing yet (*none). A device node,
 * a symbolic link (/dev/stdout), a FIFO or a directory is refused: renaming
 * over it would break the system, and a link is never followed. lstat does
 * not open it, so a device or FIFO never sees us.
 */
static int check_target(const char *path, bool *none)
{
	struct stat st;
	*none = false;
	if (lstat(path, &st) < 0) {
		if (errno != ENOENT)
			return -errno;
		*none = true;
		return 0;
	}
	return S_ISREG(st.st_mode) ? 0 : -EEXIST;
}

static const char *file_kind(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return "gone";
	switch (st.st_mode & S_IFMT) {
	case S_IFLNK: return "a symbolic link";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFIFO: return "a FIFO";
	case S_IFDIR: return "a directory";
	case S_IFSOCK: return "a socket";
	}
	return "something other than a regular file";
}

static void target_error(const char *path, int err)
{
	if (err == -EEXIST)
		cmd_errorf("metrics", path, "is %s; -o replaces only a regular file or makes a "
			   "new one (use -o - for standard output)", file_kind(path));
	else
		cmd_error_sys("metrics", path, err);
}

/*
 * Checked again right before the rename, which then refuses to replace what
 * appeared meanwhile at a name that was free (RENAME_NOREPLACE).
 */
static int replace(const char *tmp, const char *path)
{
	bool none;
	int r = check_target(path, &none);
	if (r < 0)
		return r;
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, none ? RENAME_NOREPLACE : 0) == 0)
		return 0;
	if (errno == EINVAL && none && rename(tmp, path) == 0)
		return 0; /* a file system without RENAME_NOREPLACE */
	return errno == EEXIST ? -EEXIST : -errno;
}

/* The textfile collector must never read half a file: write a temp file, then rename. */
static int write_atomically(struct shm_ctx *ctx, const char *path, const struct shm_list *list,
			    const struct totals *kt, uint64_t min)
{
	bool none;
	int r = check_target(path, &none);
	if (r < 0) {
		target_error(path, r);
		return EXIT_FAIL;
	}
	char *copy = strdup(path), tmp[PATH_MAX];
	if (!copy)
		return EXIT_FAIL;
	snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dirname(copy), basename((char *)path));
	free(copy);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		cmd_error_sys("metrics", path, -errno);
		return EXIT_FAIL;
	}
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		return EXIT_FAIL;
	}
	/* The metrics' own failures are reported where they happen; only I/O is ours. */
	int status = write_metrics(ctx, f, list, kt, min), err = 0;
	if (status == EXIT_OK && (fflush(f) != 0 || fchmod(fd, 0644) < 0 || fsync(fd) < 0))
		err = errno ? errno : EIO;
	if (fclose(f) != 0 && !err)
		err = errno ? errno : EIO;
	if (status == EXIT_OK && !err && (r = replace(tmp, path)) < 0) {
		target_error(path, r);
		status = EXIT_FAIL;
	}
	if (err) {
		cmd_error_sys("metrics", path, -err);
		status = EXIT_FAIL;
	}
	if (status != EXIT_OK)
		unlink(tmp); /* FILE keeps what it had */
	return status;
}

static struct poptOption metrics_options[] = {
	{ "min-size", 0, POPT_ARG_STRING, NULL, OPT_GAUGE_MIN,
	  "a gauge per object of at least SIZE bytes (default 1M)", "SIZE" },
	{ "output", 'o', POPT_ARG_STRING, NULL, OPT_OUTPUT,
	  "write to FILE atomically (a regular file or a new name; - is stdout)", "FILE" },
	{ "all-namespaces", 'A', POPT_ARG_NONE, NULL, OPT_ALL_NAMESPACES,
	  "every IPC namespace and shm directory on the host, labelled ns and container", NULL },
	CMD_HELP_OPTION,
	POPT_TABLEEND,
};

static int metrics_run(struct shm_ctx *ctx, int argc, const char **argv)
{
	uint64_t min = 1u << 20;
	char *arg = NULL, *output = NULL;
	int status = EXIT_OK, val;
	bool all_ns = false;
	struct shm_list list;
	shm_list_init(&list);
	poptContext pc = cmd_popt("metrics", argc, argv, metrics_options, "[OPTION...]");
	while (status == EXIT_OK && (val = cmd_next_opt(pc, "metrics")) > 0) {
		if (val == OPT_ALL_NAMESPACES) {
			all_ns = true;
		} else if (val == OPT_OUTPUT) {
			cmd_take_arg(pc, &output);
		} else if (val == OPT_GAUGE_MIN) {
			cmd_take_arg(pc, &arg);
			status = cmd_parse_size("metrics", "--min-size", arg, &min);
		}
	}
	if (status != EXIT_OK)
		goto done;
	if (val < 0) {
		status = cmd_opts_end(val);
		goto done;
	}
	if (poptPeekArg(pc)) {
		cmd_errorf("metrics", poptPeekArg(pc), "unexpected argument");
		status = EXIT_USAGE;
		goto done;
	}
	if (all_ns && !select_can_enter("metrics", "--all-namespaces")) {
		status = EXIT_FAIL;
		goto done;
	}
	struct totals kt;
	status = totals_gather("metrics", ctx, all_ns, &list, &kt);
	/* "-" is standard output, as for every tool that takes a FILE. */
	bool to_file = output && strcmp(output, "-");
	int st = to_file ? write_atomically(ctx, output, &list, &kt, min)
			 : write_metrics(ctx, stdout, &list, &kt, min);
	if (st != EXIT_OK)
		status = st;
	totals_free(&kt);
done:
	shm_list_free(&list);
	free(arg);
	free(output);
	poptFreeContext(pc);
	return status;
}

const struct shm_cmd shm_cmd_metrics = {
	.name = "metrics",
	.summary = "Prometheus metrics for node_exporter's textfile collector",
	.run = metrics_run,
};
