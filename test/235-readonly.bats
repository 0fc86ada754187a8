#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Reading that changes nothing: cat and pages of a System V segment that a
# process attaches go through its /proc/PID/map_files entry (root only), so
# shm_atime, shm_lpid and shm_nattch stay as they were; stat never attaches.

setup() { load 'test_helper/common-setup'; _common_setup; }
teardown() { _common_teardown; }

# atime, dtime, lpid and nattch of shmid $1, from stat -J.
marks() {
	shmtool stat -J "$1" | jq -c '.segments[0] | [.atime, .dtime, .lpid, .nattch]'
}

as_nobody() {
	ns setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

# A segment of 3 pages and a byte: "head" at 0, "mid" at 8K, a hole between.
mkdata() {
	local id
	id=$(shmtool create -m 0644 -s 12289)
	printf head | shmtool write "$id"
	printf mid | shmtool write -o 8K "$id"
	echo "$id"
}

@test "readonly: cat, cat -x and pages of an attached segment leave atime, lpid and nattch alone" {
	local id before plain hex pg
	id=$(mkdata)
	# Bytes as attaching reads them, while no process attaches.
	plain=$(shmtool cat "$id" | sha256sum)
	hex=$(shmtool cat -x "$id")
	pg=$(shmtool pages -J "$id")
	attach "$id" ro
	before=$(marks "$id")
	[ "$(jq -r '.[3]' <<<"$before")" = 1 ]
	[ "$(shmtool cat "$id" | sha256sum)" = "$plain" ]
	[ "$(marks "$id")" = "$before" ]
	# through a pipe too, where cat reads by pread instead of sendfile
	[ "$(shmtool cat "$id" | cat | sha256sum)" = "$plain" ]
	[ "$(marks "$id")" = "$before" ]
	run shmtool cat -x "$id"
	assert_success
	assert_output "$hex"
	[ "$(marks "$id")" = "$before" ]
	run shmtool cat -o 8K -l 3 "$id"
	assert_output mid
	run shmtool pages -J "$id"
	assert_success
	assert_output "$pg"
	shmtool pages "$id" >/dev/null
	[ "$(marks "$id")" = "$before" ]
	# stat itself never attaches
	shmtool stat "$id" >/dev/null
	[ "$(marks "$id")" = "$before" ]
}

@test "readonly: without an attacher, cat and pages attach as before" {
	local id before
	id=$(mkdata)
	before=$(marks "$id")
	run shmtool cat -o 8K -l 3 "$id"
	assert_output mid
	[ "$(marks "$id")" != "$before" ]
	[ "$(shmtool stat -J "$id" | jq '.segments[0].nattch')" = 0 ]
}

@test "readonly: nobody cannot open map_files, so cat and pages attach and still read" {
	local id before plain
	id=$(mkdata)
	plain=$(shmtool cat "$id" | sha256sum)
	attach "$id" ro
	before=$(marks "$id")
	[ "$(as_nobody "$SHMTOOL_BIN" cat "$id" | sha256sum)" = "$plain" ]
	run as_nobody "$SHMTOOL_BIN" cat -x -o 8K -l 3 "$id"
	assert_success
	assert_output --partial '|mid|'
	run as_nobody "$SHMTOOL_BIN" pages "$id"
	assert_success
	assert_output --partial '2 of 4 pages resident'
	# nobody attached: lpid and atime moved, the attacher is still the only one
	[ "$(marks "$id")" != "$before" ]
	[ "$(shmtool stat -J "$id" | jq '.segments[0].nattch')" = 1 ]
}

@test "readonly: an attacher that unmapped part of the segment is passed over" {
	local id before
	id=$(mkdata)
	start_helper attach_partial "$id"
	before=$(marks "$id")
	run shmtool cat -o 8K -l 3 "$id"
	assert_output mid
	# only the attacher's remaining part was there to borrow: cat attached
	[ "$(marks "$id")" != "$before" ]
}
