#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later

setup() {
	load 'test_helper/common-setup'
	_common_setup
	head -c 4096 /dev/urandom > "$BATS_TEST_TMPDIR/orig"
}
teardown() { _common_teardown; }

# A 4K System V segment and a 4K POSIX object filled with $BATS_TEST_TMPDIR/orig.
filled() {
	ID=$(shmtool create -s 4K)
	shmtool write "$ID" "$BATS_TEST_TMPDIR/orig"
	shmtool create -s 4K /obj >/dev/null
	shmtool write /obj "$BATS_TEST_TMPDIR/orig"
}

@test "write: an oversized file changes nothing and says by how much" {
	filled
	head -c 5000 /dev/urandom > "$BATS_TEST_TMPDIR/big"
	for seg in "$ID" /obj; do
		run --separate-stderr shmtool write "$seg" "$BATS_TEST_TMPDIR/big"
		assert_failure 1
		[[ "$stderr" == *"904 bytes over"* ]]
		shmtool cat "$seg" | cmp - "$BATS_TEST_TMPDIR/orig"
		run --separate-stderr shmtool write -o 4000 "$seg" <(head -c 100 /dev/zero)
		assert_failure 1
		[[ "$stderr" == *"4 bytes over"* ]]
		shmtool cat "$seg" | cmp - "$BATS_TEST_TMPDIR/orig"
	done
}

@test "write: an oversized pipe changes nothing and says by how much" {
	filled
	for seg in "$ID" /obj; do
		run --separate-stderr bash -c "head -c 10000 /dev/urandom | $NS_CMD $SHMTOOL_BIN write $seg"
		assert_failure 1
		[[ "$stderr" == *"input does not fit: 5904 bytes over"* ]]
		shmtool cat "$seg" | cmp - "$BATS_TEST_TMPDIR/orig"
		run --separate-stderr bash -c "head -c 4097 /dev/zero | $NS_CMD $SHMTOOL_BIN write $seg -"
		assert_failure 1
		[[ "$stderr" == *": 1 byte over"* ]]
		shmtool cat "$seg" | cmp - "$BATS_TEST_TMPDIR/orig"
	done
}

@test "write: at an offset, bytes before and after stay intact" {
	filled
	printf 'HELLO' > "$BATS_TEST_TMPDIR/hello"
	for seg in "$ID" /obj; do
		shmtool write -o 1000 "$seg" "$BATS_TEST_TMPDIR/hello"
		shmtool cat "$seg" > "$BATS_TEST_TMPDIR/now"
		cmp <(head -c 1000 "$BATS_TEST_TMPDIR/orig") <(head -c 1000 "$BATS_TEST_TMPDIR/now")
		[ "$(tail -c +1001 "$BATS_TEST_TMPDIR/now" | head -c 5)" = HELLO ]
		cmp <(tail -c +1006 "$BATS_TEST_TMPDIR/orig") <(tail -c +1006 "$BATS_TEST_TMPDIR/now")
		# a pipe, right up to the last byte
		printf 'XYZ' | ns "$SHMTOOL_BIN" write -o 4093 "$seg"
		[ "$(shmtool cat -o 4093 "$seg")" = XYZ ]
		cmp <(shmtool cat -l 4093 "$seg") <(head -c 4093 "$BATS_TEST_TMPDIR/now")
	done
}

@test "write: is silent on success; empty input changes nothing" {
	filled
	run --separate-stderr shmtool write "$ID" "$BATS_TEST_TMPDIR/orig"
	assert_success
	assert_output ''
	[ "$stderr" = "" ]
	run shmtool write "$ID" /dev/null
	assert_success
	shmtool cat "$ID" | cmp - "$BATS_TEST_TMPDIR/orig"
}

@test "write: bad input files and offsets" {
	filled
	run --separate-stderr shmtool write "$ID" /nonexistent
	assert_failure 1
	[ "$stderr" = "shmtool: write: /nonexistent: no such file or directory" ]
	run shmtool write "$ID" /
	assert_failure 1
	run --separate-stderr shmtool write -o 4097 "$ID" /dev/null
	assert_failure 1
	[[ "$stderr" == *"offset 4097 is past the end"* ]]
	run shmtool write -o -1 "$ID" /dev/null
	assert_failure 2
	run shmtool write
	assert_failure 2
	run shmtool write "$ID" a b
	assert_failure 2
	shmtool cat "$ID" | cmp - "$BATS_TEST_TMPDIR/orig"
}

@test "write: a symlink planted in /dev/shm is never written through" {
	echo secret > "$BATS_TEST_TMPDIR/outside"
	chmod 666 "$BATS_TEST_TMPDIR/outside"
	ns ln -s "$BATS_TEST_TMPDIR/outside" /dev/shm/link
	run bash -c "echo pwned | $NS_CMD $SHMTOOL_BIN write /link"
	assert_failure 1
	[ "$(cat "$BATS_TEST_TMPDIR/outside")" = secret ]
}

@test "write: a System V id that comes back on a smaller segment while input is read is not written" {
	local who id new wpid w status fifo="$BATS_TEST_TMPDIR/fifo" i
	mkfifo "$fifo"
	for who in root nobody; do
		id=$(shmtool create -m 0666 -s 1M)
		exec {w}<>"$fifo" # a writer already: opening it to read does not block
		ns runuser -u "$who" -- "$SHMTOOL_BIN" write "$id" < "$fifo" {w}>&- \
			> "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err" &
		wpid=$!
		# until write has looked the segment up and waits for its input
		for i in $(seq 500); do
			[[ "$(ns sh -c 'cat /proc/$(pgrep -n -x shmtool)/wchan' 2>/dev/null)" == *pipe_read ]] && break
			sleep 0.01
		done
		shmtool rm "$id"
		ns sh -c "echo $id > /proc/sys/kernel/shm_next_id"
		new=$(shmtool create -m 0666 -s 4K)
		[ "$new" = "$id" ]
		head -c 1M /dev/zero | tr '\0' x >&"$w"
		exec {w}>&-
		status=0
		wait "$wpid" || status=$?
		echo "$who: exit $status: $(cat "$BATS_TEST_TMPDIR/err")"
		[ "$status" = 1 ]
		grep -qx "shmtool: write: $id: the segment was removed meanwhile and its id now names another one; not touched" "$BATS_TEST_TMPDIR/err"
		# nothing written to the new segment, inside its size or past it
		shmtool cat "$id" | cmp - <(head -c 4096 /dev/zero)
		run shmtool ls -b -n --raw -o SIZE,RSS --sysv
		assert_output '4096 0'
		shmtool rm "$id"
	done
}

@test "write: a POSIX object on a full tmpfs gets all of the input or none of it" {
	ns mount -t tmpfs -o size=1m,mode=1777 small /dev/shm
	shmtool create -s 2M /big >/dev/null
	head -c 1536K /dev/urandom > "$BATS_TEST_TMPDIR/in"
	run --separate-stderr shmtool write /big "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	[ "$stderr" = "shmtool: write: /big: no space left on device for 1572864 bytes at offset 0; nothing written" ]
	ns cmp /dev/shm/big <(head -c 2M /dev/zero)
	[ "$(ns stat -c %b /dev/shm/big)" = 0 ]
	# from a pipe too
	run --separate-stderr ns sh -c "cat '$BATS_TEST_TMPDIR/in' | $SHMTOOL_BIN write -o 4K /big"
	assert_failure 1
	[[ "$stderr" == *"no space left on device"*"nothing written" ]]
	ns cmp /dev/shm/big <(head -c 2M /dev/zero)
	# pages already there need no room: a full tmpfs still takes a rewrite of them
	head -c 512K /dev/urandom > "$BATS_TEST_TMPDIR/half"
	shmtool write /big "$BATS_TEST_TMPDIR/half"
	shmtool write -o 512K /big "$BATS_TEST_TMPDIR/half" # the tmpfs is full now
	run --separate-stderr shmtool write -o 1M /big "$BATS_TEST_TMPDIR/half"
	assert_failure 1
	ns cmp -i 1M:0 /dev/shm/big <(head -c 1M /dev/zero)
	head -c 512K /dev/urandom > "$BATS_TEST_TMPDIR/again"
	run shmtool write /big "$BATS_TEST_TMPDIR/again"
	assert_success
	ns cmp -n 512K /dev/shm/big "$BATS_TEST_TMPDIR/again"
}

@test "write: a file on the same tmpfs, or another, from where its offset stands, lands byte for byte" {
	# The kernel copies a regular file: within /dev/shm (copy_file_range),
	# to a System V segment's own tmpfs (sendfile), and from a file read part way.
	ID=$(shmtool create -s 3M)
	shmtool create -s 3M /obj >/dev/null
	head -c 3000000 /dev/urandom > "$BATS_TEST_TMPDIR/src"
	ns cp "$BATS_TEST_TMPDIR/src" /dev/shm/src
	for seg in "$ID" /obj; do
		ns sh -c '"$1" write -o 7 "$2" /dev/shm/src' sh "$SHMTOOL_BIN" "$seg"
		shmtool cat -o 7 -l 3000000 "$seg" | cmp - "$BATS_TEST_TMPDIR/src"
		[ "$(shmtool cat -l 7 "$seg" | tr -d '\0' | wc -c)" -eq 0 ]
		shmtool write -o 1 "$seg" "$BATS_TEST_TMPDIR/src"
		shmtool cat -o 1 -l 3000000 "$seg" | cmp - "$BATS_TEST_TMPDIR/src"
		# Standard input already read 1000 bytes into the file: the rest is written.
		ns sh -c '{ dd of=/dev/null bs=1000 count=1 2>/dev/null; "$1" write "$2"; } < /dev/shm/src' \
			sh "$SHMTOOL_BIN" "$seg"
		shmtool cat -l 2999000 "$seg" | cmp - <(tail -c +1001 "$BATS_TEST_TMPDIR/src")
	done
}
