// SPDX-License-Identifier: GPL-2.0-or-later
/* --explain: one exact line per field, saying what it means and where it comes from. */
#include <string.h>

#include "explanations.h"

struct explanation {
	const char *label;
	const char *sysv;  /* for System V segments */
	const char *file;  /* for POSIX objects and memfds (NULL: as for System V) */
};

static const struct explanation explanations[] = {
	{ "type", "sysv: a System V segment, made by shmget(2) and named by key and id",
	  "posix: a file on the /dev/shm tmpfs (shm_open(3)); memfd: a file with no name "
	  "(memfd_create(2))" },
	{ "id", "the shmid shmat(2) and shmctl(2) take; the kernel picks it (/proc/sysvipc/shm "
	  "\"shmid\")",
	  "how shmtool names it: /NAME for shm_open(3), memfd:PID:FD for a memfd" },
	{ "path", NULL, "where the object lives: a file on the tmpfs mounted at /dev/shm" },
	{ "name", NULL, "the name given to memfd_create(2): a label, not a path, not unique" },
	{ "key", "what shmget(2) finds the segment by; 0x00000000 is IPC_PRIVATE, named by id "
	  "only (shm_perm.__key)", NULL },
	{ "mode", "who may attach: read/write bits for owner, group, others (shm_perm.mode)",
	  "who may open and map it: the file's permission bits (st_mode)" },
	{ "size", "bytes asked for at shmget(2); fixed for the segment's life (shm_segsz)",
	  "the file's length, set by ftruncate(2) (st_size)" },
	{ "alloc", NULL, "bytes the tmpfs has allocated, in RAM or swap: a page is allocated "
	  "when first touched (st_blocks x 512)" },
	{ "rss", "bytes in RAM now: a page is allocated at its first touch, the page fault "
	  "(/proc/sysvipc/shm \"rss\")", NULL },
	{ "swap", "bytes swapped out (/proc/sysvipc/shm \"swap\")", NULL },
	{ "nattch", "attachments now: shmat(2) adds one, shmdt(2) and exit take it away "
	  "(shm_nattch)",
	  "processes mapping it now (POSIX) or holding it (memfd), from /proc/PID/maps and fd" },
	{ "status", "dest: removed while attached, goes at the last detach, key now 0; locked: "
	  "kept in RAM by SHM_LOCK (mode bits 01000, 02000)", NULL },
	{ "uid", "the owner, who may change or remove it (shm_perm.uid)",
	  "the file's owner (st_uid)" },
	{ "gid", "the owner's group (shm_perm.gid)", "the file's group (st_gid)" },
	{ "cuid", "the creator's user; never changes, even when the owner does (shm_perm.cuid)",
	  NULL },
	{ "cgid", "the creator's group; never changes (shm_perm.cgid)", NULL },
	{ "cpid", "the process that created it, named while it lives (shm_cpid)", NULL },
	{ "lpid", "the process of the last shmat(2) or shmdt(2) (shm_lpid)", NULL },
	{ "atime", "the last shmat(2) (shm_atime)", "the last read of its data (st_atime)" },
	{ "dtime", "the last shmdt(2) (shm_dtime)", NULL },
	{ "mtime", NULL, "the last write of its data (st_mtime)" },
	{ "ctime", "made, or last changed by shmctl(IPC_SET) (shm_ctime)",
	  "the last change of data or attributes (st_ctime)" },
	{ "attached", "processes attached now: lines of /proc/PID/maps with path /SYSV... and "
	  "inode = shmid, in this IPC namespace", NULL },
	{ "mapped", NULL, "processes mapping it: lines of /proc/PID/maps with its device and "
	  "inode, (deleted) ones too" },
	{ "open", NULL, "processes holding an fd to it: /proc/PID/fdinfo's mnt_id and ino" },
	{ "hidden", "processes whose maps or fds could not be read (run as root to see them)",
	  NULL },
	{ "unseen", "processes /proc does not list at all (hidepid, or a child PID namespace's "
	  "/proc): nothing they hold is counted", NULL },
};

const char *explain_field(const char *label, bool file)
{
	for (size_t i = 0; i < sizeof(explanations) / sizeof(explanations[0]); i++) {
		const struct explanation *e = &explanations[i];
		if (strcmp(e->label, label))
			continue;
		if (file && e->file)
			return e->file;
		return e->sysv ? e->sysv : e->file;
	}
	return NULL;
}
