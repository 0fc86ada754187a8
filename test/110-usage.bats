#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later

setup() { load 'test_helper/common-setup'; _common_setup; }
teardown() { _common_teardown; }

@test "usage: totals per kind equal the sums of ls -b sizes" {
	shmtool create -s 16K >/dev/null
	shmtool create -s 1M 0x10 >/dev/null
	shmtool create -s 3000 /a >/dev/null
	shmtool create -s 5000 /b >/dev/null
	start_helper memfd m1
	run shmtool usage --json
	assert_success
	local kind sum
	for kind in sysv posix memfd; do
		sum=$(shmtool ls --memfd -b -n --raw -o TYPE,SIZE | awk -v k="$kind" '$1 == k { s += $2 } END { print s + 0 }')
		[ "$(jq ".usage[] | select(.kind == \"$kind\") | .size" <<<"$output")" = "$sum" ]
	done
	echo "$output" | jq -e '.usage[] | select(.kind == "sysv") | .objects == 2'
	echo "$output" | jq -e '.usage[] | select(.kind == "posix") | .objects == 2'
	echo "$output" | jq -e '.usage[] | select(.kind == "memfd") | .objects >= 1'
	echo "$output" | jq -e '.usage[] | select(.kind == "Shmem") | .rss > 0'
	echo "$output" | jq -e '.top | length <= 5 and .[0].size == 1048576 and .[0].type == "sysv"'
}

@test "usage: Shmem is /proc/meminfo's and the remainder is what no kind explains" {
	local id
	id=$(shmtool create -s 4M)
	head -c 4M /dev/zero | ns "$SHMTOOL_BIN" write "$id"
	run shmtool usage -b --json
	local shmem rss
	shmem=$(jq '.usage[] | select(.kind == "Shmem") | .rss' <<<"$output")
	rss=$(jq '.usage[] | select(.kind == "sysv") | .rss' <<<"$output")
	[ "$rss" -eq 4194304 ]
	[ "$shmem" -ge "$rss" ]
	local want=$(( $(awk '/^Shmem:/ {print $2}' /proc/meminfo) * 1024 ))
	# meminfo moves on its own: within 64 MiB of what we read a moment later
	[ $(( shmem - want )) -lt 67108864 ] && [ $(( want - shmem )) -lt 67108864 ]
	run shmtool usage
	assert_success
	assert_line --index 0 --regexp '^KIND +OBJECTS +SIZE +RSS +SWAP$'
	assert_line --regexp '^unexplained '
}

@test "usage: stray arguments are usage errors" {
	run shmtool usage foo
	assert_failure 2
	run shmtool usage --frob
	assert_failure 2
}

@test "usage: totals of huge sparse objects saturate instead of wrapping" {
	# three sparse files of 2^63-1 bytes (the largest a file may be) sum past 2^64
	ns truncate -s 9223372036854775807 /dev/shm/a /dev/shm/b /dev/shm/c
	run shmtool usage --json
	assert_success
	# jq reads numbers as doubles: look at the text
	assert_output --partial '{"kind":"posix","objects":3,"size":18446744073709551615,'
	[ "$(jq '.usage[] | select(.kind == "posix") | .objects' <<<"$output")" = 3 ]
	run shmtool usage
	assert_line --regexp '^posix +3 +16E '
}
