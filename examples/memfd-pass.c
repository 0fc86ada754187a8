// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memfd-pass: a sealed memfd handed to another process over a Unix socket,
 * as Android hands out MemoryFile (ashmem) regions.
 *
 *   run:    memfd-pass            (Ctrl-C or kill ends both processes)
 *   watch:  shmtool ls --memfd; shmtool stat memfd:PID:FD (PID, FD as printed)
 *
 * The parent makes a memfd with MFD_ALLOW_SEALING, writes a message into it,
 * seals its size (F_SEAL_SHRINK | F_SEAL_GROW, then F_SEAL_SEAL so no one
 * lifts that) and sends the fd to its child with SCM_RIGHTS. The child reads
 * the message through its own mapping and tries to grow the memfd: the seal
 * makes ftruncate fail with EPERM, so a receiver can trust the size it maps.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define SIZE 4096
#define SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

/* Sends FD, with the number it has in the sender as the one byte of data. */
static int send_fd(int sock, int fd)
{
	char byte = (char)fd, ctl[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &mh, 0) == 1 ? 0 : -1;
}

/* The fd received, or -1; *theirs is its number in the sender. */
static int recv_fd(int sock, int *theirs)
{
	char byte, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	if (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	int fd;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	*theirs = (unsigned char)byte;
	return fd;
}

/* What the receiver sees, printed at once so that it comes out whole. */
static int child(int sock, const sigset_t *stop)
{
	int theirs, fd = recv_fd(sock, &theirs);
	if (fd == -1) {
		perror("memfd-pass: child: recvmsg");
		return 1;
	}
	char *p = mmap(NULL, SIZE, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("memfd-pass: child: mmap");
		return 1;
	}
	int seals = fcntl(fd, F_GET_SEALS), grow = ftruncate(fd, 2 * SIZE), e = errno;
	pid_t me = getpid(), parent = getppid();
	printf("parent %d holds memfd:%d:%d; child %d got it as memfd:%d:%d\n"
	       "child read \"%s\"; seals 0x%x\n"
	       "child: ftruncate to %d bytes: %s\n"
	       "both hold it until Ctrl-C or kill\n", (int)parent, (int)parent, theirs,
	       (int)me, (int)me, fd, p, seals, 2 * SIZE,
	       grow == -1 ? strerror(e) : "it grew: the seal did not hold");
	fflush(stdout);
	int sig;
	sigwait(stop, &sig);
	munmap(p, SIZE);
	close(fd);
	return grow == -1 && e == EPERM ? 0 : 1;
}

/* The memfd, sized, written to and sealed, or -1. */
static int make_memfd(void)
{
	int fd = memfd_create("memfd-pass", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd == -1)
		return -1;
	static const char text[] = "hello from the parent";
	if (ftruncate(fd, SIZE) == -1 || pwrite(fd, text, sizeof(text), 0) != sizeof(text) ||
	    fcntl(fd, F_ADD_SEALS, SEALS) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

int main(void)
{
	/* Ctrl-C, kill, or the child's end: taken by sigwait(), never async. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		perror("memfd-pass: socketpair");
		return 1;
	}
	/* Fork first, so that the child gets the memfd only through the socket. */
	pid_t parent = getpid(), pid = fork();
	if (pid == -1) {
		perror("memfd-pass: fork");
		return 1;
	}
	if (pid == 0) {
		close(sv[0]);
		/* A parent that dies, even by SIGKILL, takes the child along. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 || getppid() != parent)
			_exit(1);
		_exit(child(sv[1], &stop));
	}
	close(sv[1]);
	int fd = make_memfd();
	if (fd == -1)
		perror("memfd-pass: memfd");
	else if (send_fd(sv[0], fd) == -1)
		perror("memfd-pass: sendmsg");
	close(sv[0]); /* the child's recvmsg sees the end if nothing was sent */
	sigaddset(&stop, SIGCHLD);
	int sig, st;
	sigwait(&stop, &sig);
	if (sig != SIGCHLD)
		kill(pid, SIGTERM);
	if (waitpid(pid, &st, 0) == -1) {
		perror("memfd-pass: waitpid");
		return 1;
	}
	if (fd != -1)
		close(fd);
	return fd == -1 || !WIFEXITED(st) ? 1 : WEXITSTATUS(st);
}
