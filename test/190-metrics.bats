#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later

setup() { load 'test_helper/common-setup'; _common_setup; }
teardown() { _common_teardown; }

metric() { awk -v m="$1" '$1 == m { print $2 }' <<<"$output"; }

# promtool comes with CI's extra packages (.ci/deps --ci), not the plain ones:
# a test checks everything else first, then this skips when it is missing.
promtool_check() {
	command -v promtool >/dev/null ||
		skip "promtool is not installed (apt-get install prometheus, or .ci/deps --ci)"
	promtool check metrics < "$1"
}

@test "metrics: promtool accepts the output and its totals equal ls -b" {
	shmtool create -s 2M 0x10 >/dev/null
	shmtool create -s 4K >/dev/null
	shmtool create -s 3M '/we"ird\name' >/dev/null
	shmtool create -s 10 /small >/dev/null
	start_helper memfd metered
	run shmtool metrics
	assert_success
	printf '%s\n' "$output" > "$BATS_TEST_TMPDIR/metrics"
	local kind sum
	for kind in sysv posix memfd; do
		sum=$(shmtool ls --memfd -b -n --raw -o TYPE,SIZE | awk -v k="$kind" '$1 == k { s += $2 } END { print s + 0 }')
		[ "$(metric "shmtool_size_bytes{type=\"$kind\"}")" = "$sum" ]
		[ "$(metric "shmtool_objects{type=\"$kind\"}")" = "$(shmtool ls --memfd -n --raw -o TYPE | grep -cx "$kind")" ]
	done
	# a gauge per object of at least 1M, label values escaped
	[ "$(grep -c '^shmtool_segment_size_bytes{' <<<"$output")" -eq 2 ]
	assert_line 'shmtool_segment_size_bytes{type="sysv",id="0",key="0x00000010",owner="root"} 2097152'
	assert_line 'shmtool_segment_size_bytes{type="posix",id="/we\"ird\\name",key="",owner="root"} 3145728'
	[ "$(metric shmtool_limit_segments)" = "$(ns cat /proc/sys/kernel/shmmni)" ]
	[ "$(metric shmtool_limit_pages)" = "$(ns cat /proc/sys/kernel/shmall)" ]
	# every metric has HELP and TYPE
	for m in $(grep -v '^#' <<<"$output" | sed 's/[{ ].*//' | sort -u); do
		grep -qx "# HELP $m .*" <<<"$output"
		grep -qx "# TYPE $m gauge" <<<"$output"
	done
	promtool_check "$BATS_TEST_TMPDIR/metrics"
}

@test "metrics: orphaned and dest counts" {
	local held dest
	shmtool create -s 4K >/dev/null
	held=$(shmtool create -s 4K)
	attach "$held"
	dest=$(shmtool create -s 4K)
	attach "$dest"
	shmtool rm "$dest" >/dev/null
	shmtool create -s 1 /lost >/dev/null
	run shmtool metrics
	[ "$(metric 'shmtool_orphaned_objects{type="sysv"}')" = 1 ]
	[ "$(metric 'shmtool_orphaned_objects{type="posix"}')" = 1 ]
	[ "$(metric shmtool_dest_segments)" = 1 ]
	run shmtool metrics --min-size 1
	[ "$(grep -c '^shmtool_segment_attached{' <<<"$output")" -eq 4 ]
}

@test "metrics: --output writes the file atomically" {
	local dir="$BATS_TEST_TMPDIR/textfile"
	mkdir "$dir"
	shmtool create -s 4K >/dev/null
	run shmtool metrics --output "$dir/shm.prom"
	assert_success
	assert_output ''
	[ "$(ls -A "$dir")" = shm.prom ]
	[ "$(stat -c %a "$dir/shm.prom")" = 644 ]
	run shmtool metrics --output /nonexistent/dir/x.prom
	assert_failure 1
	run shmtool metrics --min-size 1Q
	assert_failure 2
	promtool_check "$dir/shm.prom"
}
