// SPDX-License-Identifier: GPL-2.0-or-later
/* shmtool cat: a segment's bytes to stdout, straight from the mapping. */
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

/* Bytes from @fd by pread: a file that shrinks meanwhile ends early, and says so. */
static int read_file(int fd, uint64_t offset, uint64_t length, struct hexdump *hex)
{
	uint8_t *buf = malloc(CHUNK);
	int r = buf ? 0 : -ENOMEM;
	for (uint64_t done = 0; r == 0 && done < length;) {
		size_t want = length - done < CHUNK ? (size_t)(length - done) : CHUNK;
		ssize_t n = pread(fd, buf, want, (off_t)(offset + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : -SHM_E_CHANGED;
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
 * this process: twice as fast as writing a mapping into a pipe. For System V
 * the file is the attachment's /proc/self/map_files entry (CAP_SYS_ADMIN);
 * without it, or where stdout refuses sendfile, the bytes go by read or mapping.
 */
static int send_bytes(struct shm_map *map, int fd, uint64_t offset, uint64_t length)
{
	off_t pos = (off_t)offset;
	uint64_t left = length;
	if (fd >= 0 || shm_map_fd(map, &fd) == 0) {
		while (left) {
			size_t chunk = left > (1u << 30) ? (1u << 30) : (size_t)left;
			ssize_t n = sendfile(STDOUT_FILENO, fd, &pos, chunk);
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
	}
	if (!left)
		return 0;
	offset += length - left;
	if (map->addr) /* System V: a segment never shrinks */
		return write_all(STDOUT_FILENO, map->addr + offset, (size_t)left);
	return read_file(fd, offset, left, NULL);
}

static int dump(struct shm_map *map, int fd, struct cat_opts *o)
{
	if (!o->hex)
		return send_bytes(map, fd, o->offset, o->length);
	struct hexdump *h = malloc(sizeof(*h));
	if (!h)
		return -ENOMEM;
	hexdump_init(h, o->offset, emit_stdout, NULL);
	int r = map->addr ? hexdump_feed(h, map->addr + o->offset, (size_t)o->length)
			  : read_file(fd, o->offset, o->length, h);
	if (r == 0)
		r = hexdump_end(h, !o->has_length && o->offset > 0);
	free(h);
	return r;
}

static int cat(struct shm_ctx *ctx, const char *arg, struct cat_opts *o)
{
	struct shm_seg seg = { 0 };
	struct shm_map map = { .fd = -1 };
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
		r = shm_map_open(ctx, &seg, false, &map);
	else
		r = fd = shm_file_open(ctx, &seg, false);
	if (r >= 0)
		r = dump(&map, fd, o);
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
