#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later

setup() { load 'test_helper/common-setup'; _common_setup; }
teardown() { _common_teardown; }

field() { # field NAME: the value of "NAME:" in $output
	awk -v f="$1:" '$1 == f { sub(/^[^:]*: */, ""); print; exit }' <<<"$output"
}

@test "stat: by id shows the shmid_ds fields" {
	local id
	id=$(mkseg 65536 0x1234abcd 640)
	attach "$id"
	run shmtool stat "$id"
	assert_success
	[ "$(field id)" = "$id" ]
	[ "$(field key)" = "0x1234abcd" ]
	[ "$(field type)" = "sysv" ]
	[ "$(field mode)" = "0640 (rw-r-----)" ]
	[ "$(field size)" = "65536 (64K)" ]
	[ "$(field nattch)" = "1" ]
	[ "$(field uid)" = "0 (root)" ]
	[ "$(field cgid)" = "0 (root)" ]
	[[ "$(field lpid)" == *"(attach)" ]]
	[[ "$(field cpid)" == *"(gone)" ]]
	[ "$(field dtime)" = "never" ]
	[[ "$(field atime)" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T ]]
	[ "$(field rss)" = "0 (0B)" ]
}

@test "stat: by key, key:, id: and ftok: name the same segment" {
	local file="$BATS_TEST_TMPDIR/keyfile" key id
	touch "$file"
	key=$("$HELPERS/ftok-ref" "$file" 65)
	id=$(mkseg 4096 "$key")
	for ref in "$id" "id:$id" "$key" "key:$key" "key:$((key))" "ftok:$file:A" "ftok:$file:65" "ftok:$file:0x41" "ftok:$file:0101"; do
		run shmtool stat "$ref"
		assert_success
		[ "$(field id)" = "$id" ]
		[ "$(field key)" = "$key" ]
	done
}

@test "stat: key: accepts the signed decimal /proc prints" {
	local id
	id=$(mkseg 4096 0xaa4f0e97)
	run shmtool stat key:-1437659497
	assert_success
	[ "$(field id)" = "$id" ]
}

@test "stat: a POSIX object shows path, sizes and times" {
	ns sh -c 'head -c 10000 /dev/urandom > /dev/shm/data; chmod 604 /dev/shm/data'
	run shmtool stat /data
	assert_success
	[ "$(field type)" = "posix" ]
	[ "$(field id)" = "/data" ]
	[ "$(field path)" = "/dev/shm/data" ]
	[ "$(field mode)" = "0604 (rw----r--)" ]
	[ "$(field size)" = "10000 (9.8K)" ]
	[ "$(field alloc)" = "12288 (12K)" ]
	[ -z "$(field key)" ]
}

@test "stat: a missing segment is reported, the others still print, exit 1" {
	local id
	id=$(mkseg 4096)
	run --separate-stderr shmtool stat 999 "$id" 0x0badbeef /nope
	assert_failure 1
	[ "$(field id)" = "$id" ]
	[ "$(grep -c '^type:' <<<"$output")" -eq 1 ]
	[[ "$stderr" == *"shmtool: stat: 999: no such segment"* ]]
	[[ "$stderr" == *"shmtool: stat: 0x0badbeef: no such segment"* ]]
	[[ "$stderr" == *"shmtool: stat: /nope: no such segment"* ]]
}

@test "stat: malformed SEGMENTs are usage errors and print nothing" {
	local id
	id=$(mkseg 4096)
	for bad in abc -1 id: key:zz 0x 0xZZ key:0x100000000 99999999999 ftok:/etc/passwd ftok:/etc/passwd:0 ftok:/etc/passwd:256 ftok:/etc/passwd:AB / /a/b /.. /. "/$(printf 'x%.0s' $(seq 256))"; do
		run --separate-stderr shmtool stat "$id" "$bad"
		assert_failure 2
		assert_output ''
		[[ "$stderr" == "shmtool: stat: $bad: "* ]]
	done
}

@test "stat: key 0 is IPC_PRIVATE: refused with a hint to use the id" {
	run --separate-stderr shmtool stat 0x00000000
	assert_failure 2
	[[ "$stderr" == *"IPC_PRIVATE"*"shmid"* ]]
	run shmtool stat key:0
	assert_failure 2
}

@test "stat: ftok PATH that does not exist is a failure, not a usage error" {
	run --separate-stderr shmtool stat ftok:/nonexistent/file:1
	assert_failure 1
	[[ "$stderr" == "shmtool: stat: ftok:/nonexistent/file:1: ftok PATH does not exist"* ]]
}

@test "stat: --json has typed values and agrees with ls --json" {
	local id
	id=$(mkseg 8192 0x51)
	attach "$id"
	ns touch /dev/shm/j
	run shmtool stat --json "$id" /j
	assert_success
	echo "$output" | jq -e '.segments | length == 2'
	echo "$output" | jq -e '.segments[0] | .id == 0 and .key == "0x00000051" and .size == 8192 and .nattch == 1 and (.lpid|type=="number") and .rss == 0'
	echo "$output" | jq -e '.segments[1] | .id == "/j" and .key == null'
	local all
	all=$(shmtool ls --help | awk '/^Columns:/ {on=1; next} on && /^  [A-Z]/ {print $1}' | paste -sd,)
	diff <(jq -cS '.segments[0] | del(.atime,.dtime,.ctime,.attached,.hidden_processes,.unseen_processes)' <<<"$output") \
		<(shmtool ls --sysv --json -o "$all" | jq -cS '.segments[0] | del(.atime,.dtime,.ctime)')
}

@test "stat: a dest-marked segment shows status dest" {
	local id
	id=$(mkseg 4096 0x66)
	attach "$id"
	ns ipcrm -m "$id"
	run shmtool stat "$id"
	assert_success
	[ "$(field status)" = "dest" ]
	[ "$(field key)" = "0x00000000" ]
}

@test "stat: reads a segment it may not IPC_STAT through /proc" {
	local id
	id=$(mkseg 4096 0x67 600)
	run ns setpriv --reuid=65534 --regid=65534 --clear-groups "$SHMTOOL_BIN" stat "$id"
	assert_success
	[ "$(field size)" = "4096 (4K)" ]
	[ "$(field mode)" = "0600 (rw-------)" ]
}

@test "stat: symlinks, directories and FIFOs in /dev/shm are refused" {
	ns sh -c 'ln -s /etc/passwd /dev/shm/link; mkdir /dev/shm/d; mkfifo /dev/shm/f'
	for n in link d f; do
		run --separate-stderr shmtool stat "/$n"
		assert_failure 1
		[[ "$stderr" == "shmtool: stat: /$n: not a shared memory object"* ]]
	done
}

@test "stat: no SEGMENT is a usage error" {
	run shmtool stat
	assert_failure 2
}

@test "stat: spaces in values are escaped, as the page says" {
	ns sh -c ': > "/dev/shm/a b"'
	run shmtool stat '/a b'
	assert_success
	assert_line 'id:     /a\x20b'
	assert_line 'path:   /dev/shm/a\x20b'
}
