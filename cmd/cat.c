// SPDX-License-Identifier: GPL-2.0-or-later
/* shmtool cat: a segment's bytes to stdout, never allocating a page never written. */
#include <errno.h>
#include <stdlib.h>
#include <sys/sendfile.h>
#include <string.h>
#include <unistd.h>

#include "hexdump.h"
#include "select.h"

enum { OPT_OFFSET = 1, OPT_LENGTH, OPT_HEX };

struct cat_opts {
	uint64_t offset, length;
	bool has_length, hex;
};

static struct poptOption cat_options[] = {
	{ "offset", 'o', POPT_ARG_STRING, NULL, OPT_OFFSET, "start at byte OFFSET (default 0)",
	  "OFFSET" },
	{ "length", 'l', POPT_ARG_STRING, NULL, OPT_LENGTH,
	  "write LENGTH bytes (default: to the end)", "LENGTH" },
	{ "hex", 'x', POPT_ARG_NONE, NULL, OPT_HEX, "as hexdump -C would show them", NULL },
	CMD_HELP_OPTION,
	POPT_TABLEEND,
};

enum { CHUNK = 1 << 20 };

static int emit_stdout(const char *buf, size_t len, void *arg)
{
	(void)arg;
	return write_all(STDOUT_FILENO, buf, len);
}

/* The range [offset, offset+length) must lie inside the object: never truncate silently. */
static int check_range(const char *arg, struct cat_opts *o, uint64_t size)
{
	if (o->offset > size) {
		cmd_errorf("cat", arg, "offset %llu is past the end (size %llu byte%s)",
			   (unsigned long long)o->offset, (unsigned long long)size, cmd_plural(size));
		return EXIT_FAIL;
	}
	if (o->has_length && o->length > size - o->offset) {
		uint64_t over = o->length - (size - o->offset);
		cmd_errorf("cat", arg, "%llu byte%s from offset %llu end%s %llu byte%s past the "
			   "end (size %llu byte%s)", (unsigned long long)o->length,
			   cmd_plural(o->length), (unsigned long long)o->offset,
			   o->length == 1 ? "s" : "", (unsigned long long)over, cmd_plural(over),
			   (unsigned long long)size, cmd_plural(size));
		return EXIT_FAIL;
	}
	return 0;
}

/*
 * Where the bytes come from: the object's file, where holes read as zeros, or
 * (a System V segment without CAP_SYS_ADMIN) the attachment, through which a
 * read would allocate every page never written: see shm_map_copy.
 */
struct source {
	struct shm_map *map;
	int fd;            /* -1: from the attachment */
	bool fault_absent; /* some pages are in swap: only a fault brings them back */
};

static ssize_t read_at(const struct source *s, uint8_t *buf, size_t want, uint64_t at)
{
	if (s->fd < 0) {
		int r = shm_map_copy(s->map, at, buf, want, s->fault_absent);
		return r < 0 ? r : (ssize_t)want;
	}
	ssize_t n;
	do
		n = pread(s->fd, buf, want, (off_t)at);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

/* A piece at a time: a file that shrinks meanwhile ends early, and says so. */
static int copy_out(const struct source *s, uint64_t offset, uint64_t length,
		    struct hexdump *hex)
{
	uint8_t *buf = malloc(CHUNK);
	int r = buf ? 0 : -ENOMEM;
	for (uint64_t done = 0; r == 0 && done < length;) {
		size_t want = length - done < CHUNK ? (size_t)(length - done) : CHUNK;
		ssize_t n = read_at(s, buf, want, offset + done);
		if (n <= 0) {
			r = n < 0 ? (int)n : -SHM_E_CHANGED;
			break;
		}
		/* hexdump lines must not straddle pieces: keep whole lines until the end */
		if (hex && (size_t)n != want && n > 16)
			n -= n % 16;
		r = hex ? hexdump_feed(hex, buf, (size_t)n) : write_all(STDOUT_FILENO, buf, (size_t)n);
		done += (uint64_t)n;
	}
	free(buf);
	return r;
}

/*
 * sendfile(2) from the object's file moves the bytes without a copy through
 * this process: twice as fast as writing a mapping into a pipe. Where stdout
 * refuses sendfile, or there is no file, the bytes go by copy_out.
 */
static int send_bytes(const struct source *s, uint64_t offset, uint64_t length)
{
	off_t pos = (off_t)offset;
	uint64_t left = length;
	while (s->fd >= 0 && left) {
		size_t chunk = left > (1u << 30) ? (1u << 30) : (size_t)left;
		ssize_t n = sendfile(STDOUT_FILENO, s->fd, &pos, chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			return -SHM_E_CHANGED; /* the file ended before the range did */
		if (n < 0) {
			if (errno != EINVAL && errno != ENOSYS)
				return -errno;
			break; /* stdout does not take sendfile */
		}
		left -= (uint64_t)n;
	}
	return left ? copy_out(s, offset + (length - left), left, NULL) : 0;
}

static int dump(const struct source *s, struct cat_opts *o)
{
	if (!o->hex)
		return send_bytes(s, o->offset, o->length);
	struct hexdump *h = malloc(sizeof(*h));
	if (!h)
		return -ENOMEM;
	hexdump_init(h, o->offset, emit_stdout, NULL);
	int r = copy_out(s, o->offset, o->length, h);
	if (r == 0)
		r = hexdump_end(h, !o->has_length && o->offset > 0);
	free(h);
	return r;
}

/*
 * A System V segment: its file through map_files where we may, else its
 * attachment, where a page not in RAM is a hole unless the segment has pages
 * in swap (or /proc cannot say): only then may reading fault pages in.
 */
static int open_sysv(struct shm_ctx *ctx, struct shm_seg *seg, struct shm_map *map,
		     struct source *s)
{
	int r = shm_map_open_quiet(ctx, seg, map);
	if (r < 0)
		return r;
	s->map = map;
	if (shm_map_fd(map, &s->fd) == 0)
		return 0;
	s->fd = -1;
	s->fault_absent = shm_sysv_usage(ctx, seg) < 0 || !(seg->fields & SHM_F_RSS) ||
			  seg->swap > 0;
	return 0;
}

static int cat(struct shm_ctx *ctx, const char *arg, struct cat_opts *o)
{
	struct shm_seg seg = { 0 };
	struct shm_map map = { .fd = -1 };
	struct source src = { .map = &map, .fd = -1 };
	int fd = -1, r;
	int status = select_one("cat", ctx, arg, &seg);
	if (status)
		goto done;
	/* Checked before attaching, so a bad range leaves atime and lpid alone. */
	if ((status = check_range(arg, o, seg.size)) != 0)
		goto done;
	if (!o->has_length)
		o->length = seg.size - o->offset;
	if (seg.kind == SHM_KIND_SYSV)
		r = open_sysv(ctx, &seg, &map, &src);
	else
		r = src.fd = fd = shm_file_open(ctx, &seg, false);
	if (r >= 0)
		r = dump(&src, o);
	/* A reader that went away (| head) is not worth a message. */
	if (r < 0 && r != -EPIPE)
		cmd_error("cat", r == -EFAULT || r <= -SHM_E_SYNTAX || r == -EACCES ||
				      r == -ENOENT || r == -EPERM ? arg : "stdout", r);
	if (r < 0)
		status = EXIT_FAIL;
done:
	if (fd >= 0)
		close(fd);
	shm_map_close(&map);
	shm_seg_clear(&seg);
	return status;
}

static int cat_run(struct shm_ctx *ctx, int argc, const char **argv)
{
	struct cat_opts o = { 0 };
	char *arg = NULL;
	int status = EXIT_OK, val;
	poptContext pc = cmd_popt("cat", argc, argv, cat_options, "[OPTION...] SEGMENT");
	while (status == EXIT_OK && (val = cmd_next_opt(pc, "cat")) > 0) {
		switch (val) {
		case OPT_OFFSET:
			cmd_take_arg(pc, &arg);
			status = cmd_parse_size("cat", "--offset", arg, &o.offset);
			break;
		case OPT_LENGTH:
			cmd_take_arg(pc, &arg);
			status = cmd_parse_size("cat", "--length", arg, &o.length);
			o.has_length = true;
			break;
		case OPT_HEX: o.hex = true; break;
		}
	}
	if (status != EXIT_OK)
		goto done;
	if (val < 0) {
		status = cmd_opts_end(val);
		goto done;
	}
	const char *operand = cmd_one_arg(pc, "cat", "shmtool cat [-o OFFSET] [-l LENGTH] SEGMENT");
	status = operand ? cat(ctx, operand, &o) : EXIT_USAGE;
done:
	free(arg);
	poptFreeContext(pc);
	return status;
}

const struct shm_cmd shm_cmd_cat = {
	.name = "cat",
	.summary = "write a segment's bytes to stdout",
	.run = cat_run,
};
