// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * shmtool write: FILE or stdin into a segment, all or nothing. A regular file's
 * length is checked before a byte moves; a pipe is read into a buffer of at most
 * the room left plus one byte, so input that does not fit changes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "select.h"

enum { OPT_OFFSET = 1 };

/* How far past the room an oversized pipe is read, only to say by how much. */
#define DRAIN_LIMIT (1ull << 30)

static struct poptOption write_options[] = {
	{ "offset", 'o', POPT_ARG_STRING, NULL, OPT_OFFSET, "write at byte OFFSET (default 0)",
	  "OFFSET" },
	CMD_HELP_OPTION,
	POPT_TABLEEND,
};

struct job {
	const char *seg_arg, *in_name;
	int in;
	uint64_t offset, room, size;
	uint64_t len;  /* bytes to write: a regular file's, or the stream's */
	bool regular;  /* the input is a regular file, read as it is copied */
	uint8_t *buf;  /* a stream, read whole before the segment is touched */
};

enum { CHUNK = 1 << 20 };

static int too_big(const struct job *j, uint64_t len, bool at_least)
{
	uint64_t over = len - j->room;
	cmd_errorf("write", j->seg_arg, "input does not fit: %s%llu byte%s over (%llu bytes "
		   "at offset %llu of %llu); nothing written", at_least ? "more than " : "",
		   (unsigned long long)over, over == 1 && !at_least ? "" : "s",
		   (unsigned long long)len, (unsigned long long)j->offset,
		   (unsigned long long)j->size);
	return EXIT_FAIL;
}

static ssize_t read_some(int fd, void *buf, size_t len)
{
	ssize_t n;
	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

static int read_error(const struct job *j, ssize_t r)
{
	cmd_error_sys("write", j->in_name ? j->in_name : "stdin", (int)r);
	return EXIT_FAIL;
}

/* Counts what is left of an oversized stream, up to DRAIN_LIMIT. */
static int drain(const struct job *j, uint64_t have)
{
	char buf[64 * 1024];
	for (;;) {
		if (have - j->room > DRAIN_LIMIT)
			return too_big(j, have, true);
		ssize_t n = read_some(j->in, buf, sizeof(buf));
		if (n < 0)
			return read_error(j, n);
		if (n == 0)
			return too_big(j, have, false);
		have += (uint64_t)n;
	}
}

/* A pipe or terminal: buffered first, at most room + 1 bytes. */
static int read_stream(struct job *j)
{
	uint64_t cap = j->room + 1, alloc = 0;
	for (;;) {
		if (j->len == alloc) {
			uint64_t grow = alloc ? alloc * 2 : 64 * 1024;
			alloc = grow < cap ? grow : cap;
			uint8_t *p = alloc > SIZE_MAX ? NULL : realloc(j->buf, (size_t)alloc);
			if (!p)
				return read_error(j, -ENOMEM);
			j->buf = p;
		}
		ssize_t n = read_some(j->in, j->buf + j->len, (size_t)(alloc - j->len));
		if (n < 0)
			return read_error(j, n);
		if (n == 0)
			return EXIT_OK;
		j->len += (uint64_t)n;
		if (j->len > j->room)
			return drain(j, j->len);
	}
}

/* Everything about the input that can fail, before the segment is touched. */
static int take_input(struct job *j)
{
	struct stat st;
	if (fstat(j->in, &st) < 0)
		return read_error(j, -errno);
	if (S_ISDIR(st.st_mode))
		return read_error(j, -EISDIR);
	if (!S_ISREG(st.st_mode))
		return read_stream(j);
	off_t pos = lseek(j->in, 0, SEEK_CUR);
	uint64_t at = pos > 0 ? (uint64_t)pos : 0;
	j->len = (uint64_t)st.st_size > at ? (uint64_t)st.st_size - at : 0;
	j->regular = true;
	return j->len > j->room ? too_big(j, j->len, false) : EXIT_OK;
}

/* The input's next piece: from the buffer, or read from the file (which may shrink). */
static ssize_t next_piece(struct job *j, uint64_t done, uint8_t *dst, size_t want)
{
	if (!j->regular) {
		memcpy(dst, j->buf + done, want);
		return (ssize_t)want;
	}
	return read_some(j->in, dst, want);
}

/* System V: straight into the attachment; a segment never changes size. */
static int to_mapping(struct job *j, uint8_t *dest)
{
	for (uint64_t done = 0; done < j->len;) {
		size_t want = j->len - done < CHUNK ? (size_t)(j->len - done) : CHUNK;
		ssize_t n = next_piece(j, done, dest + done, want);
		if (n < 0)
			return read_error(j, n);
		if (n == 0)
			break; /* the file shrank meanwhile: what was there is written */
		done += (uint64_t)n;
	}
	return EXIT_OK;
}

static int pwrite_all(int fd, const uint8_t *buf, size_t len, uint64_t at)
{
	while (len) {
		ssize_t n = pwrite(fd, buf, len, (off_t)at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		buf += n;
		at += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * A regular input is copied by the kernel, page cache to page cache, without
 * a pass through our memory. Any error (EXDEV across file system types, an
 * old kernel, a read or write failure) leaves the rest to read and pwrite,
 * from where it stopped: those say which side failed.
 */
static uint64_t copy_in_kernel(struct job *j, int fd)
{
	/* copy_file_range stays within one tmpfs; sendfile(2) crosses to another. */
	bool same_fs = true;
	uint64_t done = 0;
	while (done < j->len) {
		size_t want = j->len - done < (1u << 30) ? (size_t)(j->len - done) : (1u << 30);
		loff_t at = (loff_t)(j->offset + done);
		ssize_t n = same_fs ? copy_file_range(j->in, NULL, fd, &at, want, 0)
				    : sendfile(fd, j->in, NULL, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && same_fs && errno == EXDEV &&
		    lseek(fd, (off_t)(j->offset + done), SEEK_SET) >= 0) {
			same_fs = false;
			continue;
		}
		if (n <= 0)
			break;
		done += (uint64_t)n;
	}
	return done;
}

/* A file another process may truncate: pwrite, which a shrink cannot turn into SIGBUS. */
static int to_file(struct job *j, int fd)
{
	uint64_t done = j->regular ? copy_in_kernel(j, fd) : 0;
	if (done == j->len)
		return EXIT_OK;
	uint8_t *bounce = j->regular ? malloc(CHUNK) : NULL;
	int status = j->regular && !bounce ? read_error(j, -ENOMEM) : EXIT_OK;
	while (status == EXIT_OK && done < j->len) {
		size_t want = j->len - done < CHUNK ? (size_t)(j->len - done) : CHUNK;
		uint8_t *src = j->regular ? bounce : j->buf + done;
		ssize_t n = j->regular ? read_some(j->in, bounce, want) : (ssize_t)want;
		if (n < 0) {
			status = read_error(j, n);
			break;
		}
		if (n == 0)
			break;
		int e = pwrite_all(fd, src, (size_t)n, j->offset + done);
		if (e < 0) {
			cmd_error("write", j->seg_arg, e);
			status = EXIT_FAIL;
		}
		done += (uint64_t)n;
	}
	free(bounce);
	return status;
}

/*
 * tmpfs allocates a page when it is first written, so on a full one pwrite
 * stops part way. fallocate(2) first gets every page the range lacks, or
 * none (pages already there cost nothing): all or nothing holds.
 */
static int reserve(const struct job *j, int fd)
{
	int r;
	do
		r = fallocate(fd, 0, (off_t)j->offset, (off_t)j->len);
	while (r < 0 && errno == EINTR);
	if (r == 0 || errno == EOPNOTSUPP)
		return EXIT_OK;
	if (errno == ENOSPC)
		cmd_errorf("write", j->seg_arg, "no space left on device for %llu bytes at "
			   "offset %llu; nothing written", (unsigned long long)j->len,
			   (unsigned long long)j->offset);
	else
		cmd_error("write", j->seg_arg, -errno);
	return EXIT_FAIL;
}

static int open_input(const char *name)
{
	if (!name)
		return STDIN_FILENO;
	int fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		cmd_error_sys("write", name, -errno);
	return fd;
}

/* The object, opened for writing only now that the input is known to fit. */
static int copy(struct shm_ctx *ctx, struct job *j, const struct shm_seg *seg)
{
	struct shm_map map = { .fd = -1 };
	if (seg->kind == SHM_KIND_SYSV) {
		/*
		 * Attached only now, after the input: the segment may have gone and
		 * its id come back on another one meanwhile (shm_map_open refuses
		 * that), and the bytes must fit what is attached, not what was seen.
		 */
		int r = shm_map_open(ctx, seg, true, &map);
		if (r == 0 && (j->offset > map.len || j->len > map.len - j->offset)) {
			shm_map_close(&map);
			r = -SHM_E_REPLACED;
		}
		if (r < 0) {
			cmd_error("write", j->seg_arg, r);
			return EXIT_FAIL;
		}
		/*
		 * pwrite into the attachment's file (map_files, when we may) fills
		 * pages without a page fault each; the mapping is the way otherwise.
		 */
		int fd, status;
		if (shm_map_fd(&map, &fd) == 0)
			status = to_file(j, fd);
		else
			status = to_mapping(j, map.addr + j->offset);
		shm_map_close(&map);
		return status;
	}
	int fd = shm_file_open(ctx, seg, true);
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) == 0 && (uint64_t)st.st_size < j->offset + j->len) {
		close(fd);
		fd = -SHM_E_CHANGED; /* shrank since we looked: nothing written */
	}
	if (fd < 0) {
		cmd_error("write", j->seg_arg, fd);
		return EXIT_FAIL;
	}
	int status = reserve(j, fd);
	if (status == EXIT_OK)
		status = to_file(j, fd);
	close(fd);
	return status;
}

static int write_segment(struct shm_ctx *ctx, struct job *j)
{
	struct shm_seg seg = { 0 };
	int status = select_one("write", ctx, j->seg_arg, &seg);
	if (status)
		goto done;
	if (seg.kind == SHM_KIND_ANON || seg.kind == SHM_KIND_FILE) {
		/* Their bytes belong to the processes that map them: shmtool only reads them. */
		cmd_errorf("write", j->seg_arg, "%s is only read by shmtool (cat, pages), never "
			   "written", seg.kind == SHM_KIND_ANON ? "shared anonymous memory"
			   : "a mapped file");
		status = EXIT_FAIL;
		goto done;
	}
	j->size = seg.size;
	if (j->offset > j->size) {
		cmd_errorf("write", j->seg_arg, "offset %llu is past the end (size %llu bytes)",
			   (unsigned long long)j->offset, (unsigned long long)j->size);
		status = EXIT_FAIL;
		goto done;
	}
	j->room = j->size - j->offset;
	j->in = open_input(j->in_name);
	if (j->in < 0) {
		status = EXIT_FAIL;
		goto done;
	}
	status = take_input(j);
	if (status == EXIT_OK && j->len)
		status = copy(ctx, j, &seg);
done:
	if (j->in > STDIN_FILENO)
		close(j->in);
	free(j->buf);
	shm_seg_clear(&seg);
	return status;
}

static int write_run(struct shm_ctx *ctx, int argc, const char **argv)
{
	struct job j = { .in = -1 };
	char *arg = NULL;
	int status = EXIT_OK, val;
	poptContext pc = cmd_popt("write", argc, argv, write_options,
				  "[OPTION...] SEGMENT [FILE|-]");
	while (status == EXIT_OK && (val = cmd_next_opt(pc, "write")) > 0) {
		if (val == OPT_OFFSET) {
			cmd_take_arg(pc, &arg);
			status = cmd_parse_size("write", "--offset", arg, &j.offset);
		}
	}
	if (status != EXIT_OK)
		goto done;
	if (val < 0) {
		status = cmd_opts_end(val);
		goto done;
	}
	const char **args = poptGetArgs(pc);
	if (!args || !args[0] || (args[1] && args[2])) {
		cmd_errorf("write", args && args[0] ? args[2] : NULL,
			   "%sexpects SEGMENT and at most one FILE "
			   "(usage: shmtool write [-o OFFSET] SEGMENT [FILE|-])",
			   args && args[0] ? "unexpected argument: " : "");
		status = EXIT_USAGE;
		goto done;
	}
	j.seg_arg = args[0];
	j.in_name = args[1] && strcmp(args[1], "-") ? args[1] : NULL;
	status = write_segment(ctx, &j);
done:
	free(arg);
	poptFreeContext(pc);
	return status;
}

const struct shm_cmd shm_cmd_write = {
	.name = "write",
	.summary = "copy a file or stdin into a segment",
	.run = write_run,
};
