#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `make demo`: a short guided tour, run by the Makefile inside a private IPC namespace
# (unshare --ipc --mount), so nothing here touches the machine's own segments.
# shmtool(7) walks through the same ideas at a reader's pace.
set -eu
shmtool=${1:-./shmtool}
mount -t tmpfs -o mode=1777,size=64m shmtool-demo /dev/shm

bold='' plain=''
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
	bold=$(printf '\033[1m') plain=$(printf '\033[0m')
fi

tmp=$(mktemp -d)
pids=''
trap 'kill $pids 2>/dev/null || :; rm -rf "$tmp"' EXIT

# What the next command shows.
heading() {
	printf '\n%s# %s%s\n' "$bold" "$1" "$plain"
}

# Shows a command, then runs it.
run() {
	printf '$ %s\n' "$*"
	"$@"
}

step() {
	heading "$1"
	shift
	run "$@"
}

# Starts `shmtool attach SEGMENT` in the background, as `&` in a shell, and
# waits until it says it is attached.
attach() {
	out="$tmp/attach.$(printf '%s' "$pids" | wc -w)"
	printf '$ %s attach %s &\n' "$shmtool" "$1"
	"$shmtool" attach "$1" > "$out" &
	pids="$pids $!"
	i=0
	until [ -s "$out" ]; do
		i=$((i + 1))
		[ "$i" -le 500 ] || { echo "demo: attach $1 did not come up" >&2; exit 1; }
		sleep 0.01
	done
	cat "$out"
}

step "A System V segment of 1 MiB with the key 0x1234; create prints its id" \
	"$shmtool" create -s 1M 0x1234
step "The key is what programs find it by; the id, chosen by the kernel, is what they attach" \
	"$shmtool" ls

heading "Two processes attach it, in the background"
attach 0x1234
attach 0x1234
step "NATTCH counts the attachments, PIDS names the processes, LPID is the last to attach" \
	"$shmtool" ls -o ID,NATTCH,LPID,PIDS

step "Removing it while it is attached only marks it" "$shmtool" rm 0x1234
step "STATUS dest, and key 0x00000000: no program can find it by its key any more" \
	"$shmtool" ls

heading "Both detach"
printf '$ kill%s\n' "$pids"
# shellcheck disable=SC2086 # one pid per word
kill $pids
# shellcheck disable=SC2086
wait $pids
pids=''
grep -h '^detached' "$tmp"/attach.*
step "The last detach took the segment away" "$shmtool" ls

step "The key ftok(3) makes from /etc/passwd and project 'A', bit by bit" \
	"$shmtool" ftok --explain /etc/passwd A

heading "A private segment (key 0) of 1 MiB, named by its id"
# shellcheck disable=SC2016 # the command as typed, not expanded
printf '$ id=$(%s create -s 1M)\n' "$shmtool"
id=$("$shmtool" create -s 1M)
step "None of its pages is in RAM yet" "$shmtool" pages "$id"
heading "Write 5 bytes at 512K"
printf '$ printf hello | %s write -o 512K %s\n' "$shmtool" "$id"
printf hello | "$shmtool" write -o 512K "$id"
step "The write's page fault brought in page 128, and only that one" "$shmtool" pages "$id"

step "A POSIX object is a file on the /dev/shm tmpfs" "$shmtool" create -s 64K /demo
step "Which ls(1) sees too" ls -l /dev/shm
heading "Write to it, and read it back"
printf '$ printf hello | %s write /demo\n' "$shmtool"
printf hello | "$shmtool" write /demo
run "$shmtool" cat -x -l 16 /demo

step "What holds shared memory, by kind, next to the kernel's Shmem" "$shmtool" usage

step "Clean up" "$shmtool" rm --all
step "Nothing left" "$shmtool" ls
