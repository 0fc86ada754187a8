#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `make demo`: a short tour, run by the Makefile inside a private IPC namespace
# (unshare --ipc --mount), so nothing here touches the machine's own segments.
set -eu
shmtool=${1:-./shmtool}
mount -t tmpfs -o mode=1777,size=64m shmtool-demo /dev/shm

bold='' plain=''
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
	bold=$(printf '\033[1m') plain=$(printf '\033[0m')
fi

step() {
	printf '\n%s# %s%s\n' "$bold" "$1" "$plain"
	shift
	printf '$ %s\n' "$*"
	"$@"
}

step "A keyed System V segment of 1 MiB, made by ipcmk" ipcmk -M 1048576 -p 0640
step "A private one (key 0, IPC_PRIVATE): only its id names it" ipcmk -M 4096
step "A POSIX object is a file on the /dev/shm tmpfs" sh -c 'head -c 20000 /dev/urandom > /dev/shm/demo'
step "One view of both kinds" "$shmtool" ls
step "The same rows for a script" "$shmtool" ls --json -o TYPE,ID,KEY,SIZE
step "Everything about segment 0" "$shmtool" stat 0
step "Everything about the POSIX object" "$shmtool" stat /demo
step "The key ftok(3) makes from /etc/passwd and project 'A'" "$shmtool" ftok /etc/passwd A
step "Only segments of at least 64K" "$shmtool" ls --min-size 64K -o ID,SIZE,OWNER
step "Clean up" sh -c 'ipcrm --all=shm && rm /dev/shm/demo'
step "Nothing left" "$shmtool" ls
