// SPDX-License-Identifier: GPL-2.0-or-later
/* shmtool cat: a segment's bytes to stdout, straight from the mapping. */
#include <errno.h>
#include <stdlib.h>
#include <sys/sendfile.h>
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

/*
 * sendfile(2) from the object's file moves the bytes without a copy through
 * this process or a page fault per page: twice as fast as writing from the
 * mapping into a pipe. Where there is no such file, the mapping is written.
 */
static int send_bytes(struct shm_map *map, uint64_t offset, uint64_t length)
{
	int fd;
	off_t pos = (off_t)offset;
	uint64_t left = length;
	if (shm_map_fd(map, &fd) == 0) {
		while (left) {
			size_t chunk = left > (1u << 30) ? (1u << 30) : (size_t)left;
			ssize_t n = sendfile(STDOUT_FILENO, fd, &pos, chunk);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				if (n < 0 && errno != EINVAL && errno != ENOSYS)
					return -errno;
				break; /* stdout does not take sendfile: write the rest */
			}
			left -= (uint64_t)n;
		}
	}
	if (!left)
		return 0;
	return write_all(STDOUT_FILENO, map->addr + (length - left) + offset, (size_t)left);
}

static int emit_stdout(const char *buf, size_t len, void *arg)
{
	(void)arg;
	return write_all(STDOUT_FILENO, buf, len);
}

/* The range [offset, offset+length) must lie inside the object: never truncate silently. */
static int check_range(const char *arg, struct cat_opts *o, uint64_t size)
{
	if (o->offset > size) {
		cmd_errorf("cat", arg, "offset %llu is past the end (size %llu bytes)",
			   (unsigned long long)o->offset, (unsigned long long)size);
		return EXIT_FAIL;
	}
	if (o->has_length && o->length > size - o->offset) {
		cmd_errorf("cat", arg, "%llu bytes from offset %llu end %llu bytes past the end "
			   "(size %llu bytes)", (unsigned long long)o->length,
			   (unsigned long long)o->offset,
			   (unsigned long long)(o->length - (size - o->offset)),
			   (unsigned long long)size);
		return EXIT_FAIL;
	}
	if (!o->has_length)
		o->length = size - o->offset;
	return 0;
}

static int cat(struct shm_ctx *ctx, const char *arg, struct cat_opts *o)
{
	struct shm_seg seg = { 0 };
	struct shm_map map = { 0 };
	int status = select_one("cat", ctx, arg, &seg);
	if (status)
		goto done;
	int r = shm_map_open(ctx, &seg, false, &map);
	if (r < 0) {
		cmd_error("cat", arg, r);
		status = EXIT_FAIL;
		goto done;
	}
	if ((status = check_range(arg, o, map.len)) != 0)
		goto done;
	const uint8_t *p = map.addr ? map.addr + o->offset : NULL;
	if (o->hex)
		r = hexdump_c(p, (size_t)o->length, o->offset, !o->has_length && o->offset > 0,
			      emit_stdout, NULL);
	else
		r = send_bytes(&map, o->offset, o->length);
	/* A reader that went away (| head) is not worth a message. */
	if (r < 0 && r != -EPIPE)
		cmd_error_sys("cat", "stdout", r);
	if (r < 0)
		status = EXIT_FAIL;
done:
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
		status = val == CMD_OPT_HELP_EXIT ? EXIT_OK : EXIT_USAGE;
		goto done;
	}
	const char **args = poptGetArgs(pc);
	if (!args || !args[0] || args[1]) {
		cmd_errorf("cat", args && args[0] ? args[1] : NULL,
			   "expects one SEGMENT (usage: shmtool cat [-o OFFSET] [-l LENGTH] SEGMENT)");
		status = EXIT_USAGE;
		goto done;
	}
	status = cat(ctx, args[0], &o);
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
