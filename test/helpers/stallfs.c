// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper: stallfs DIR READY mounts a FUSE file system on DIR (speaking
 * /dev/fuse directly, no libfuse) with one file, DIR/file. A child opens the
 * file and keeps it open; then the server stops answering, so anything that
 * asks the file system about DIR/file (stat, open) waits forever: a user's
 * FUSE file that hangs whoever touches it. Creates READY once the child holds
 * the file, then sleeps until killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static char buf[FUSE_MIN_READ_BUFFER + 65536];

static void attr_of(uint64_t node, struct fuse_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->ino = node;
	a->nlink = 1;
	a->mode = node == FUSE_ROOT_ID ? S_IFDIR | 0755 : S_IFREG | 0644;
	a->size = node == FUSE_ROOT_ID ? 0 : 4096;
	a->blksize = 4096;
}

static void reply(int fd, uint64_t unique, int error, const void *out, size_t len)
{
	struct fuse_out_header h = { .len = (uint32_t)(sizeof(h) + len), .error = error,
				     .unique = unique };
	char msg[sizeof(h) + 256];
	memcpy(msg, &h, sizeof(h));
	if (len)
		memcpy(msg + sizeof(h), out, len);
	if (write(fd, msg, h.len) < 0 && errno != ENOENT)
		perror("stallfs: reply");
}

/* One request; the file's attributes are never cached, so every stat asks. */
static void serve(int fd, const struct fuse_in_header *in, const char *arg)
{
	switch (in->opcode) {
	case FUSE_INIT: {
		const struct fuse_init_in *i = (const void *)arg;
		struct fuse_init_out o = { .major = FUSE_KERNEL_VERSION,
					   .minor = FUSE_KERNEL_MINOR_VERSION,
					   .max_readahead = i->max_readahead, .max_write = 4096 };
		reply(fd, in->unique, 0, &o, sizeof(o));
		return;
	}
	case FUSE_LOOKUP: {
		if (in->nodeid != FUSE_ROOT_ID || strcmp(arg, "file")) {
			reply(fd, in->unique, -ENOENT, NULL, 0);
			return;
		}
		struct fuse_entry_out e = { .nodeid = 2, .generation = 1 };
		attr_of(2, &e.attr);
		reply(fd, in->unique, 0, &e, sizeof(e));
		return;
	}
	case FUSE_GETATTR: {
		struct fuse_attr_out a = { 0 };
		attr_of(in->nodeid, &a.attr);
		reply(fd, in->unique, 0, &a, sizeof(a));
		return;
	}
	case FUSE_OPEN:
	case FUSE_OPENDIR: {
		struct fuse_open_out o = { .fh = 1 };
		reply(fd, in->unique, 0, &o, sizeof(o));
		return;
	}
	case FUSE_FORGET:
	case FUSE_BATCH_FORGET:
		return; /* no reply */
	case FUSE_RELEASE:
	case FUSE_RELEASEDIR:
	case FUSE_FLUSH:
		reply(fd, in->unique, 0, NULL, 0);
		return;
	default:
		reply(fd, in->unique, -ENOSYS, NULL, 0);
	}
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: stallfs DIR READY\n");
		return 2;
	}
	int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror("/dev/fuse");
		return 1;
	}
	char opts[128];
	snprintf(opts, sizeof(opts), "fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other", fd);
	if (mount("stallfs", argv[1], "fuse.stallfs", MS_NOSUID | MS_NODEV, opts) < 0) {
		perror("mount");
		return 1;
	}
	int opened[2];
	if (pipe(opened) < 0)
		return 1;
	pid_t child = fork();
	if (child == 0) {
		/*
		 * Only the server may hold /dev/fuse: when it dies the connection
		 * aborts, and the child's last close (a FLUSH) stops waiting.
		 */
		close(fd);
		char path[4096];
		snprintf(path, sizeof(path), "%s/file", argv[1]);
		int f = open(path, O_RDONLY);
		if (f < 0 || write(opened[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(opened[1]);
	struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = opened[0], .events = POLLIN } };
	for (;;) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return 1;
		if (p[1].revents)
			break; /* the child holds the file, or failed: stop answering */
		if (p[0].revents & POLLIN) {
			ssize_t n = read(fd, buf, sizeof(buf));
			if (n >= (ssize_t)sizeof(struct fuse_in_header))
				serve(fd, (const void *)buf, buf + sizeof(struct fuse_in_header));
		}
	}
	char c;
	if (read(opened[0], &c, 1) != 1) {
		fprintf(stderr, "stallfs: the child could not open the file\n");
		return 1;
	}
	int r = open(argv[2], O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (r < 0)
		return 1;
	close(r);
	for (;;)
		pause();
}
