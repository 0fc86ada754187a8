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
	# Processes of the parent PID namespaces are unseen: no POSIX object is orphaned.
	run shmtool metrics
	[ "$(metric 'shmtool_orphaned_objects{type="posix"}')" = 0 ]
	run shmtool --pidns-only metrics
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

@test "metrics: -o refuses a device node, a symlink, a FIFO and a directory; -o - is stdout" {
	local dir="$BATS_TEST_TMPDIR/textfile" t
	mkdir "$dir"
	mknod "$dir/null" c 1 3
	echo keep > "$dir/target"
	ln -s target "$dir/link"
	ln -s /dev/null "$dir/devnull"
	mkfifo "$dir/fifo"
	mkdir "$dir/sub"
	for t in null link devnull fifo sub; do
		run --separate-stderr shmtool metrics -o "$dir/$t"
		assert_failure 1
		assert_output ''
		[[ "$stderr" == "shmtool: metrics: $dir/$t: is a "*"; -o replaces only a regular file or makes a new one (use -o - for standard output)" ]]
	done
	[ -c "$dir/null" ]
	[ -L "$dir/link" ] && [ "$(cat "$dir/target")" = keep ]
	[ "$(readlink "$dir/devnull")" = /dev/null ] && [ -c /dev/null ]
	[ -p "$dir/fifo" ]
	[ -d "$dir/sub" ] && [ -z "$(ls -A "$dir/sub")" ]
	# no temporary file is left behind
	[ "$(ls -A "$dir" | sort | tr '\n' ' ')" = "devnull fifo link null sub target " ]
	# a regular file is replaced, not written through
	ln "$dir/target" "$dir/hard"
	run shmtool metrics -o "$dir/target"
	assert_success
	[ "$(cat "$dir/hard")" = keep ]
	grep -q '^shmtool_objects{type="sysv"} 0$' "$dir/target"
	cd "$dir"
	run --separate-stderr shmtool metrics -o -
	assert_success
	assert_line 'shmtool_objects{type="sysv"} 0'
	[ ! -e "$dir/-" ]
}

@test "metrics: size totals of huge sparse objects saturate instead of wrapping" {
	ns truncate -s 9223372036854775807 /dev/shm/a /dev/shm/b /dev/shm/c
	run shmtool metrics
	assert_success
	[ "$(metric 'shmtool_size_bytes{type="posix"}')" = 18446744073709551615 ]
	[ "$(metric 'shmtool_segment_size_bytes{type="posix",id="/a",key="",owner="root"}')" = 9223372036854775807 ]
}

@test "metrics: label values never collide: a newline is \\n, other odd bytes \\\\xHH, a backslash before x \\\\x5c" {
	command -v promtool
	ns sh -c 'cd /dev/shm && : > "$(printf "a\nb")" && : > "a\\x0ab" && : > "$(printf "a\001b")" &&
		: > "$(printf "c\302\205d")" && : > "$(printf "e\342\200\256f")" && : > "g\\h"'
	run --separate-stderr shmtool metrics --min-size 0
	assert_success
	promtool check metrics <<<"$output"
	local m='shmtool_segment_size_bytes{type="posix",id='
	assert_line "$m\"/a\\nb\",key=\"\",owner=\"root\"} 0"
	assert_line "$m\"/a\\\\x5cx0ab\",key=\"\",owner=\"root\"} 0"
	assert_line "$m\"/a\\\\x01b\",key=\"\",owner=\"root\"} 0"
	assert_line "$m\"/c\\\\xc2\\\\x85d\",key=\"\",owner=\"root\"} 0"
	assert_line "$m\"/e\\\\xe2\\\\x80\\\\xaef\",key=\"\",owner=\"root\"} 0"
	assert_line "$m\"/g\\\\h\",key=\"\",owner=\"root\"} 0"
	[ "$(grep -c "^$m" <<<"$output")" -eq 6 ]
	# nothing misleading reaches a terminal raw
	[ "$(LC_ALL=C grep -c -P '[\x01-\x09\x0b-\x1f\x7f]|\xc2\x85|\xe2\x80\xae' <<<"$output")" = 0 ]
}
