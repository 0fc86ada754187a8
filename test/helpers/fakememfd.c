// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper: fakememfd FILE FD READY holds FILE (opened O_PATH) as FD in a
 * mount namespace of its own whose root is a tmpfs where FILE is bind-mounted
 * as /memfd:evil: /proc/PID/fd/FD then reads "/memfd:evil" like a real memfd's
 * link, though it is FILE (a root-only canary, a FIFO, ...). Creates READY
 * once it holds it, then sleeps until killed.
 */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void die(const char *what)
{
	perror(what);
	exit(1);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: fakememfd FILE FD READY\n");
		return 2;
	}
	int want = atoi(argv[2]);
	/* The old root stays reachable through this fd after pivot_root: READY is made there. */
	int ready_dir = open("/", O_PATH | O_DIRECTORY);
	if (argv[3][0] != '/' || ready_dir < 0)
		die("open (READY must be an absolute path)");
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("unshare");
	/* The new root is made beside READY, so nothing is left outside the test's tmpdir. */
	char root[4096];
	snprintf(root, sizeof(root), "%s.root", argv[3]);
	if (mkdir(root, 0755) < 0 || mount("none", root, "tmpfs", 0, "mode=0755") < 0)
		die("tmpfs");
	char target[4200];
	snprintf(target, sizeof(target), "%s/memfd:evil", root);
	int t = open(target, O_WRONLY | O_CREAT, 0600);
	if (t < 0)
		die("target");
	close(t);
	if (mount(argv[1], target, NULL, MS_BIND, NULL) < 0)
		die("bind");
	if (chdir(root) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
	    umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		die("pivot_root");
	int fd = open("/memfd:evil", O_PATH);
	if (fd < 0 || dup2(fd, want) < 0)
		die("/memfd:evil");
	int r = openat(ready_dir, argv[3] + 1, O_WRONLY | O_CREAT, 0644);
	if (r < 0)
		die("ready");
	close(r);
	for (;;)
		pause();
}
