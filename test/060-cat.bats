#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later

setup() {
	load 'test_helper/common-setup'
	_common_setup
	DATA="$BATS_TEST_TMPDIR/data"
	head -c 1048576 /dev/urandom > "$DATA"
}
teardown() { _common_teardown; }

@test "cat: round trip of 1 MiB through System V and POSIX" {
	local id
	id=$(shmtool create -s 1M)
	shmtool write "$id" "$DATA"
	shmtool cat "$id" > "$BATS_TEST_TMPDIR/out"
	cmp "$DATA" "$BATS_TEST_TMPDIR/out"
	shmtool create -s 1M /obj
	shmtool write /obj < "$DATA"
	shmtool cat /obj > "$BATS_TEST_TMPDIR/out2"
	cmp "$DATA" "$BATS_TEST_TMPDIR/out2"
	ns cmp "$DATA" /dev/shm/obj
}

@test "cat: -o/-l ranges at the start, middle and end" {
	local id o l
	id=$(shmtool create -s 1M)
	shmtool write "$id" "$DATA"
	for o in 0 1 4095 524288 1048000 1048575 1048576; do
		for l in 0 1 100 576; do
			[ $((o + l)) -le 1048576 ] || continue
			shmtool cat -o "$o" -l "$l" "$id" > "$BATS_TEST_TMPDIR/part"
			cmp <(tail -c +$((o + 1)) "$DATA" | head -c "$l") "$BATS_TEST_TMPDIR/part"
		done
	done
	shmtool cat -o 1048000 "$id" | cmp - <(tail -c 576 "$DATA")
	shmtool cat -o 512K -l 1K "$id" | cmp - <(tail -c +524289 "$DATA" | head -c 1024)
}

@test "cat: a range past the end is an error, not a truncation" {
	local id
	id=$(shmtool create -s 100)
	run --separate-stderr shmtool cat -o 90 -l 20 "$id"
	assert_failure 1
	assert_output ''
	[[ "$stderr" == *"10 bytes past the end (size 100 bytes)"* ]]
	run --separate-stderr shmtool cat -o 101 "$id"
	assert_failure 1
	[[ "$stderr" == *"offset 101 is past the end"* ]]
	run shmtool cat -o 18446744073709551615 -l 2 "$id"
	assert_failure 1
	run shmtool cat -l 99999999999999999999 "$id"
	assert_failure 2
}

@test "cat: --hex equals hexdump -C byte for byte" {
	local id o l
	id=$(shmtool create -s 64K)
	# random bytes, then a long run of zeros and of one repeated line, then text
	{ head -c 1000 "$DATA"; head -c 5000 /dev/zero; yes 0123456789abcde | head -c 3200; printf 'the end\n'; } > "$BATS_TEST_TMPDIR/mixed"
	shmtool write "$id" "$BATS_TEST_TMPDIR/mixed"
	ns cp "$BATS_TEST_TMPDIR/mixed" /dev/shm/ref
	shmtool create -s 9208 /same >/dev/null
	shmtool write /same "$BATS_TEST_TMPDIR/mixed"
	ns truncate -s 65536 /dev/shm/ref
	for r in "0 65536" "0 1" "0 16" "0 17" "3 10" "1000 5000" "999 5003" "6000 3300" "9190 30" "65535 1" "65000 536" "40000 0"; do
		read -r o l <<<"$r"
		diff <(shmtool cat -x -o "$o" -l "$l" "$id") <(ns hexdump -C -s "$o" -n "$l" /dev/shm/ref)
	done
	diff <(shmtool cat --hex "$id") <(ns hexdump -C /dev/shm/ref)
	diff <(shmtool cat --hex -o 100 "$id") <(ns hexdump -C -s 100 /dev/shm/ref)
	diff <(shmtool cat --hex -o 65536 "$id") <(ns hexdump -C -s 65536 /dev/shm/ref)
	diff <(shmtool cat --hex /same) <(ns hexdump -C /dev/shm/same)
}

@test "cat: a closed pipe is not an error message" {
	local id
	id=$(shmtool create -s 8M)
	run --separate-stderr bash -c "$(declare -f ns ns_argv shmtool); NS_PID=$NS_PID SHMTOOL_BIN=$SHMTOOL_BIN; shmtool cat $id | head -c 10 | wc -c"
	assert_output '10'
	[ "$stderr" = "" ]
	run --separate-stderr bash -c "$(declare -f ns ns_argv shmtool); NS_PID=$NS_PID SHMTOOL_BIN=$SHMTOOL_BIN; shmtool cat -x $id | head -n 1"
	[ "$stderr" = "" ]
}

@test "cat: attaches System V read-only and leaves no attachment" {
	local id
	id=$(shmtool create -s 4K)
	shmtool cat "$id" >/dev/null
	run shmtool ls -n --raw -o NATTCH,LPID
	assert_output --regexp '^0 [1-9][0-9]*$'
}

@test "cat: a symlink or FIFO in /dev/shm is never read or blocked on" {
	echo secret > "$BATS_TEST_TMPDIR/outside"
	ns ln -s "$BATS_TEST_TMPDIR/outside" /dev/shm/link
	ns mkfifo /dev/shm/fifo
	run --separate-stderr shmtool cat /link
	assert_failure 1
	assert_output ''
	[[ "$stderr" == "shmtool: cat: /link: not a shared memory object"* ]]
	run --separate-stderr shmtool cat /fifo
	assert_failure 1
	[[ "$stderr" == "shmtool: cat: /fifo: not a shared memory object"* ]]
}

@test "cat: missing segments exit 1, bad ones exit 2" {
	run shmtool cat 12345
	assert_failure 1
	run shmtool cat /nope
	assert_failure 1
	run shmtool cat
	assert_failure 2
	run shmtool cat 1 2
	assert_failure 2
	run shmtool cat /a/b
	assert_failure 2
	run shmtool cat -o 1X 0
	assert_failure 2
}

@test "cat: memfd-free objects of size 0 print nothing" {
	shmtool create -s 0 /empty
	run shmtool cat /empty
	assert_success
	assert_output ''
	run shmtool cat -x /empty
	assert_output ''
}

@test "cat, write, rm: POSIX names with /, .., empty or too long are refused" {
	local long
	long="/$(printf 'x%.0s' $(seq 256))"
	for name in / /. /.. /a/b /../etc/passwd "$long"; do
		for cmd in cat rm "write --offset 0"; do
			run --separate-stderr shmtool $cmd "$name"
			assert_failure 2
			[[ "$stderr" == *"not a POSIX name"* ]]
		done
	done
}

@test "cat: one byte is 1 byte, not 1 bytes" {
	local id
	id=$(shmtool create -s 1)
	run --separate-stderr shmtool cat -o 1 -l 1 "$id"
	assert_failure 1
	[ "$stderr" = "shmtool: cat: $id: 1 byte from offset 1 ends 1 byte past the end (size 1 byte)" ]
	run --separate-stderr shmtool cat -o 2 "$id"
	assert_failure 1
	[ "$stderr" = "shmtool: cat: $id: offset 2 is past the end (size 1 byte)" ]
	run --separate-stderr shmtool cat -o 1 -l 2 "$id"
	[ "$stderr" = "shmtool: cat: $id: 2 bytes from offset 1 end 2 bytes past the end (size 1 byte)" ]
}

# The rss column of /proc/sysvipc/shm for shmid $1, found by its header.
seg_rss() {
	ns awk -v id="$1" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["shmid"] == id { print $c["rss"] }' /proc/sysvipc/shm
}

@test "cat: reading an untouched System V segment allocates nothing, as root and as nobody" {
	local id expect="$BATS_TEST_TMPDIR/expect" who
	id=$(shmtool create -m 0644 -s 64M)
	printf a | ns "$SHMTOOL_BIN" write "$id"
	printf b | ns "$SHMTOOL_BIN" write -o 32M "$id"
	[ "$(seg_rss "$id")" = 8192 ]
	{ printf a; head -c $((32 * 1048576 - 1)) /dev/zero; printf b; head -c $((32 * 1048576 - 1)) /dev/zero; } > "$expect"
	for who in root nobody; do
		ns runuser -u "$who" -- "$SHMTOOL_BIN" cat "$id" | cmp - "$expect"
		[ "$(seg_rss "$id")" = 8192 ]
		# a pipe, a regular file, and >> (which sendfile refuses)
		ns runuser -u "$who" -- "$SHMTOOL_BIN" cat "$id" > "$BATS_TEST_TMPDIR/out"
		cmp "$BATS_TEST_TMPDIR/out" "$expect"
		: > "$BATS_TEST_TMPDIR/app"
		ns runuser -u "$who" -- "$SHMTOOL_BIN" cat "$id" >> "$BATS_TEST_TMPDIR/app"
		cmp "$BATS_TEST_TMPDIR/app" "$expect"
		[ "$(seg_rss "$id")" = 8192 ]
		ns runuser -u "$who" -- "$SHMTOOL_BIN" cat -x "$id" | cmp - <(hexdump -C "$expect")
		[ "$(seg_rss "$id")" = 8192 ]
		ns runuser -u "$who" -- "$SHMTOOL_BIN" pages "$id" >/dev/null
		[ "$(seg_rss "$id")" = 8192 ]
	done
}
