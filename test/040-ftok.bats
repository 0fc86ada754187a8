#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later

setup() { load 'test_helper/common-setup'; _common_setup; }
teardown() { _common_teardown; }

@test "ftok: equals ftok(3) for several files and PROJ values" {
	local f p
	for f in / /etc/passwd /dev/null "$BATS_TEST_DIRNAME" "$SHMTOOL_BIN"; do
		for p in 1 65 127 128 255; do
			run shmtool ftok "$f" "$p"
			assert_success
			assert_output "$("$HELPERS/ftok-ref" "$f" "$p")"
		done
	done
}

@test "ftok: PROJ in hex, octal or as a character" {
	local want
	want=$("$HELPERS/ftok-ref" /etc/passwd 65)
	for p in 65 0x41 0101 A; do
		run shmtool ftok /etc/passwd "$p"
		assert_output "$want"
	done
}

@test "ftok: PROJ 0, over 255 or not a number is a usage error that explains" {
	for p in 0 256 -1 0x100 AB 1x ''; do
		run --separate-stderr shmtool ftok -- /etc/passwd "$p"
		assert_failure 2
		[[ "$stderr" == *"low 8 bits"* ]]
	done
}

@test "ftok: a missing PATH fails with exit 1" {
	run --separate-stderr shmtool ftok /nonexistent 1
	assert_failure 1
	[ "$stderr" = "shmtool: ftok: /nonexistent: no such file or directory" ]
}

@test "ftok: wrong argument count is a usage error" {
	run shmtool ftok /etc/passwd
	assert_failure 2
	run shmtool ftok /etc/passwd 1 2
	assert_failure 2
}

@test "ftok: --explain writes a misleading file name escaped" {
	local f="$BATS_TEST_TMPDIR/$(printf 'a\342\200\256b\033[31m')"
	: > "$f"
	run shmtool ftok --explain "$f" 1
	assert_success
	assert_line "path:    $BATS_TEST_TMPDIR/a\\xe2\\x80\\xaeb\\x1b[31m"
}
