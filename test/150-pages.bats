#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later

setup() { load 'test_helper/common-setup'; _common_setup; }
teardown() { _common_teardown; }

@test "pages: a fresh segment has nothing resident; writes fault in exactly their pages" {
	local id
	id=$(shmtool create -s 1M)
	run shmtool pages "$id"
	assert_success
	assert_line '0 of 256 pages resident (0.00 %), page size 4K'
	[ "$(grep -c '^\.\{64\}$' <<<"$output")" -eq 4 ]
	printf a | ns "$SHMTOOL_BIN" write "$id"
	printf b | ns "$SHMTOOL_BIN" write -o 512K "$id"
	run shmtool pages "$id"
	assert_line '2 of 256 pages resident (0.78 %), page size 4K'
	assert_line --index 0 "#$(printf '.%.0s' $(seq 63))"
	assert_line --index 2 "#$(printf '.%.0s' $(seq 63))"
	[ "$(tr -cd '#' <<<"$(head -n 4 <<<"$output")" | wc -c)" -eq 2 ]
	run shmtool pages --json "$id"
	echo "$output" | jq -e '.pages[0] | .pages == 256 and .resident == 2 and .page_size == 4096 and .resident_pages == [0,128] and .percent == 0.78'
}

@test "pages: POSIX objects, -w, and the summary agrees with the map" {
	shmtool create -s 100K /p >/dev/null
	printf z | ns "$SHMTOOL_BIN" write -o 50K /p
	run shmtool pages -w 10 /p
	assert_success
	assert_line --index 0 '..........'
	assert_line --index 1 '..#.......'
	assert_line --index 2 '.....'
	assert_line '1 of 25 pages resident (4.00 %), page size 4K'
	run shmtool pages -w 0 /p
	assert_failure 2
	run shmtool pages -w 5000 /p
	assert_failure 2
}

@test "pages: no colour unless a terminal; missing and bad segments" {
	local id
	id=$(shmtool create -s 8K)
	printf x | ns "$SHMTOOL_BIN" write "$id"
	run shmtool pages "$id"
	[[ "$output" != *$'\033'* ]]
	run shmtool pages 999
	assert_failure 1
	run shmtool pages
	assert_failure 2
}

@test "pages: a 16 TiB sparse object in bounded memory, its map squeezed to runs" {
	ns truncate -s 16T /dev/shm/big
	printf x | ns "$SHMTOOL_BIN" write -o 8T /big
	local timer=()
	[ -x /usr/bin/time ] && timer=(/usr/bin/time -f %M -o "$BATS_TEST_TMPDIR/peak")
	run --separate-stderr ns "${timer[@]}" "$SHMTOOL_BIN" pages /big
	assert_success
	assert_output - <<-'OUT'
	................................................................
	* 33554431 more lines the same
	#...............................................................
	................................................................
	* 33554430 more lines the same
	1 of 4294967296 pages resident (0.00 %), page size 4K
	# resident in RAM   . not resident: never touched, or swapped out
	OUT
	# peak RSS in KiB: the old per-page vectors took 8 GiB here
	[ ! -x /usr/bin/time ] || [ "$(cat "$BATS_TEST_TMPDIR/peak")" -lt 65536 ]
	run shmtool pages --json /big
	echo "$output" | jq -e '.pages[0] | .pages == 4294967296 and .resident == 1 and .resident_pages == [2147483648]'
}

@test "pages: up to 8 equal lines in full, more as a count; a short last line stays" {
	local id
	id=$(shmtool create -s 64M)
	printf x | ns "$SHMTOOL_BIN" write -o 1M "$id"
	run shmtool pages "$id"
	assert_success
	assert_line --index 3 "$(printf '.%.0s' $(seq 64))"
	assert_line --index 4 "#$(printf '.%.0s' $(seq 63))"
	assert_line --index 5 "$(printf '.%.0s' $(seq 64))"
	assert_line --index 6 '* 250 more lines the same'
	assert_line --index 7 '1 of 16384 pages resident (0.00 %), page size 4K'
	id=$(shmtool create -s $((9 * 64 * 4096 + 4096)))
	run shmtool pages "$id"
	assert_line --index 0 "$(printf '.%.0s' $(seq 64))"
	assert_line --index 1 '* 8 more lines the same'
	assert_line --index 2 '.'
	id=$(shmtool create -s $((8 * 64 * 4096)))
	run shmtool pages "$id"
	[ "$(grep -c '^\.\{64\}$' <<<"$output")" -eq 8 ]
}
