#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The /proc/sysvipc/shm parser, fed captured and damaged text through --proc.

setup() {
	load 'test_helper/common-setup'
	_common_setup
	FAKE="$BATS_TEST_TMPDIR/proc"
	mkdir -p "$FAKE/sysvipc"
}
teardown() { _common_teardown; }

fake_ls() {
	run --separate-stderr "$SHMTOOL_BIN" --proc "$FAKE" ls --sysv "$@"
}

@test "parser: captured 6.18 text gives every row and field" {
	cp "$BATS_TEST_DIRNAME/data/proc-sysvipc-shm-6.18.txt" "$FAKE/sysvipc/shm"
	fake_ls -b -n --raw -o ID,KEY,MODE,SIZE,CPID,NATTCH,UID,CTIME,RSS
	assert_success
	[ "$stderr" = "" ]
	[ "${#lines[@]}" -eq 5 ]
	[[ "${lines[0]}" == "0 0x44a06595 0644 4096 4333 0 0 "*" 0" ]]
	[[ "${lines[1]}" == "1 0xaa4f0e97 0600 1048576 4334 0 0 "* ]]
	[[ "${lines[2]}" == "2 0x00000000 0640 65536 "* ]]
	[[ "${lines[3]}" == "3 0x7fffffff 0644 123 "* ]]
	[[ "${lines[4]}" == "4 0x80000001 0644 1 "* ]]
}

@test "parser: dest and locked bits in perms become status" {
	cat > "$FAKE/sysvipc/shm" <<-'T'
	       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap
	         0          7  1600                  4096   100   101      1     0     0     0     0 1795708213          0 1795708213                  4096                     0
	         0          8  3600                  4096   100   101      2     0     0     0     0 1795708213          0 1795708213                  4096                  8192
	       123          9  2600                  4096   100   101      0     0     0     0     0          0          0 1795708213                     0                     0
	T
	fake_ls --json -o ID,STATUS,MODE,SWAP
	assert_success
	run jq -c '.segments[] | [.id, .status, .mode, .swap]' <<<"$output"
	assert_output $'[7,["dest"],384,0]\n[8,["dest","locked"],384,8192]\n[9,["locked"],384,0]'
}

@test "parser: an older kernel without rss and swap columns" {
	cat > "$FAKE/sysvipc/shm" <<-'T'
	       key      shmid perms       size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime
	      4660          5   666       8192   100   101      0  1000  1000  1000  1000          0          0 1795708213
	T
	fake_ls -b -n --raw -o ID,KEY,SIZE,UID,RSS,SWAP
	assert_success
	assert_output '5 0x00001234 8192 1000 - -'
}

@test "parser: columns found by name, whatever their order or extras" {
	cat > "$FAKE/sysvipc/shm" <<-'T'
	     shmid        key  size perms  newcol nattch   uid   gid  cuid  cgid  cpid  lpid atime dtime ctime rss swap future
	        42       4660  8192   600    xyz       3     0     0     0     0   10    11     0     0     5   0    0   abc
	T
	fake_ls -b -n --raw -o ID,KEY,SIZE,MODE,NATTCH
	assert_success
	assert_output '42 0x00001234 8192 0600 3'
}

@test "parser: truncated and garbage lines are skipped and counted" {
	{
		head -n 3 "$BATS_TEST_DIRNAME/data/proc-sysvipc-shm-6.18.txt"
		echo '1234 notanumber 644 4096 1 1 0 0 0 0 0 0 0 0 0 0'
		echo '99999999999999999999999 5 644 4096 1 1 0 0 0 0 0 0 0 0 0 0'
		printf '\001\002\377 garbage\n'
		tail -n 1 "$BATS_TEST_DIRNAME/data/proc-sysvipc-shm-6.18.txt" | cut -c1-40
	} > "$FAKE/sysvipc/shm"
	fake_ls -n --raw -o ID
	assert_success
	assert_output $'0\n1'
	[[ "$stderr" == *"skipped 4 malformed lines"* ]]
}

@test "parser: a file without the needed header fails with exit 1" {
	printf 'hello world\n1 2 3\n' > "$FAKE/sysvipc/shm"
	fake_ls
	assert_failure 1
	[[ "$stderr" == *"sysvipc/shm: unreadable /proc/sysvipc/shm format"* ]]
}

@test "parser: empty file and binary noise do not crash" {
	: > "$FAKE/sysvipc/shm"
	fake_ls
	assert_failure 1
	head -c 100000 /dev/urandom > "$FAKE/sysvipc/shm"
	fake_ls
	[ "$status" -le 1 ]
}

@test "parser: /proc without sysvipc is reported, POSIX rows still print" {
	rmdir "$FAKE/sysvipc"
	ns touch /dev/shm/still-here
	run --separate-stderr ns "$SHMTOOL_BIN" --proc "$FAKE" ls -n --raw -o ID
	assert_failure 1
	assert_output '/still-here'
	[[ "$stderr" == *"sysvipc/shm: no such file or directory"* ]]
}
