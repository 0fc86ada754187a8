#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later

setup() { load 'test_helper/common-setup'; _common_setup; }
teardown() { _common_teardown; }

@test "attach: holds the segment until a signal, then detaches" {
	local id pid out="$BATS_TEST_TMPDIR/out"
	id=$(shmtool create -s 8K 0x77)
	ns "$SHMTOOL_BIN" attach -r 0x77 > "$out" 3>&- &
	BG_PIDS+=($!)
	for i in $(seq 200); do grep -q attached "$out" 2>/dev/null && break; sleep 0.02; done
	assert_equal "$(grep -c '^attached 0x77 at 0x[0-9a-f]*-0x[0-9a-f]* (r-), pid [0-9]*; Ctrl-C or kill detaches$' "$out")" 1
	pid=$(sed -n 's/.*pid \([0-9]*\);.*/\1/p' "$out")
	run shmtool ls -n --raw -o ID,NATTCH,PIDS
	assert_output "$id 1 $pid"
	ns kill -INT "$pid"
	for i in $(seq 200); do grep -q detached "$out" && break; sleep 0.02; done
	grep -qx 'detached 0x77' "$out"
	run shmtool ls -n --raw -o NATTCH
	assert_output '0'
}

@test "attach: a missing segment and bad usage" {
	run shmtool attach 4242
	assert_failure 1
	run shmtool attach
	assert_failure 2
	run shmtool attach 1 2
	assert_failure 2
}

@test "attach: an empty POSIX object says so, as the page does, and waits holding nothing" {
	local pid out="$BATS_TEST_TMPDIR/out"
	shmtool create -s 0 /empty >/dev/null
	ns "$SHMTOOL_BIN" attach /empty > "$out" 3>&- &
	BG_PIDS+=($!)
	for i in $(seq 200); do grep -q attached "$out" 2>/dev/null && break; sleep 0.02; done
	assert_equal "$(grep -c '^attached /empty: empty, nothing mapped (rw), pid [0-9]*; Ctrl-C or kill detaches$' "$out")" 1
	pid=$(sed -n 's/.*pid \([0-9]*\);.*/\1/p' "$out")
	run shmtool --pidns-only ls -n --raw -o ID,NATTCH,PIDS
	assert_output '/empty 0 -'
	ns kill -TERM "$pid"
	for i in $(seq 200); do grep -q detached "$out" && break; sleep 0.02; done
	grep -qx 'detached /empty' "$out"
}

@test "attach: a misleading name is written escaped" {
	local pid out="$BATS_TEST_TMPDIR/out" name
	name=$(printf 'r\342\200\256l')
	ns sh -c ': > "/dev/shm/$1"' sh "$name"
	ns "$SHMTOOL_BIN" attach "/$name" > "$out" 3>&- &
	BG_PIDS+=($!)
	for i in $(seq 200); do grep -q attached "$out" 2>/dev/null && break; sleep 0.02; done
	grep -q '^attached /r\\xe2\\x80\\xael: empty, nothing mapped' "$out"
}
