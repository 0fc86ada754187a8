#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later

setup() { load 'test_helper/common-setup'; _common_setup; }
teardown() { _common_teardown; }

as_nobody() {
	ns setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

@test "rm: by id, key and name, one line each" {
	local a b
	a=$(shmtool create -s 4K 0xabcd)
	b=$(shmtool create -s 4K)
	shmtool create -s 4K /foo >/dev/null
	run shmtool rm 0xabcd "$b" /foo
	assert_success
	assert_output "removed sysv $a (key 0x0000abcd)
removed sysv $b (key 0x00000000)
removed posix /foo"
	[ -z "$(ns ipcs -m | grep '^0x')" ]
	[ -z "$(ns ls /dev/shm)" ]
}

@test "rm: an attached segment is marked, shows dest, and goes when the attacher exits" {
	local id
	id=$(shmtool create -s 4K 0x42)
	attach "$id"
	attach "$id"
	run shmtool rm "$id"
	assert_success
	assert_output "marked sysv $id for removal: 2 processes attached"
	ns ipcs -m | grep -E "^0x00000000 +$id .* dest"
	kill_attachers
	local i
	for i in $(seq 100); do
		ns ipcs -m | grep -qE "^0x[0-9a-f]+ +$id " || break
		sleep 0.05
	done
	! ns ipcs -m | grep -qE "^0x[0-9a-f]+ +$id "
}

@test "rm: --dry-run --all changes nothing" {
	shmtool create -s 4K 0x1 >/dev/null
	shmtool create -s 8K >/dev/null
	shmtool create -s 1 /p >/dev/null
	local before_ipcs before_ls
	before_ipcs=$(ns ipcs -m)
	before_ls=$(ns ls -l /dev/shm)
	run shmtool rm --dry-run --all
	assert_success
	assert_line 'would remove sysv 0 (key 0x00000001)'
	assert_line 'would remove sysv 1 (key 0x00000000)'
	assert_line 'would remove posix /p'
	[ "$(ns ipcs -m)" = "$before_ipcs" ]
	[ "$(ns ls -l /dev/shm)" = "$before_ls" ]
}

@test "rm: nothing selected is a usage error" {
	shmtool create -s 4K >/dev/null
	run --separate-stderr shmtool rm
	assert_failure 2
	[[ "$stderr" == *"nothing selected"* ]]
	run shmtool rm --sysv
	assert_failure 2
	run shmtool rm -q
	assert_failure 2
	run shmtool rm --all 0
	assert_failure 2
	[ "$(ns ipcs -m | grep -c '^0x')" -eq 1 ]
}

@test "rm: a typo among SEGMENTs removes nothing" {
	local id
	id=$(shmtool create -s 4K)
	run shmtool rm "$id" /bad/name
	assert_failure 2
	run shmtool rm "$id" key:0
	assert_failure 2
	ns ipcs -m | grep -qE " $id "
}

@test "rm: goes on past a missing segment and exits 1" {
	local a b
	a=$(shmtool create -s 4K)
	b=$(shmtool create -s 4K)
	run --separate-stderr shmtool rm "$a" 9999 "$b"
	assert_failure 1
	assert_output "removed sysv $a (key 0x00000000)
removed sysv $b (key 0x00000000)"
	[[ "$stderr" == "shmtool: rm: 9999: no such segment" ]]
}

@test "rm: -q prints nothing" {
	shmtool create -s 4K >/dev/null
	run shmtool rm -q 0
	assert_success
	assert_output ''
	[ -z "$(ns ipcs -m | grep '^0x')" ]
}

@test "rm: filters select from the live list, and --sysv/--posix restrict kinds" {
	local small big
	small=$(shmtool create -s 4K)
	big=$(shmtool create -s 2M)
	shmtool create -s 3M /bigp >/dev/null
	shmtool create -s 1 /smallp >/dev/null
	run shmtool rm --min-size 1M --sysv
	assert_success
	assert_output "removed sysv $big (key 0x00000000)"
	run shmtool rm --min-size 1M
	assert_output 'removed posix /bigp'
	run shmtool ls -n --raw -o ID
	assert_output "$small
/smallp"
}

@test "rm: semaphores are never selected by filters; naming one works" {
	ns touch /dev/shm/sem.lock /dev/shm/plain
	run shmtool rm --all
	assert_output 'removed posix /plain'
	ns test -e /dev/shm/sem.lock
	run shmtool rm /sem.lock
	assert_success
	assert_output 'removed sem /sem.lock'
	! ns test -e /dev/shm/sem.lock
}

@test "rm: --orphaned removes only segments nobody holds and whose creator is gone" {
	local gone held
	gone=$(shmtool create -s 4K)
	held=$(shmtool create -s 4K)
	attach "$held"
	run shmtool --pidns-only rm --orphaned
	assert_success
	assert_output "removed sysv $gone (key 0x00000000)"
	ns ipcs -m | grep -qE " $held "
}

@test "rm: as an unprivileged user: root's segments are refused and untouched" {
	local id
	id=$(shmtool create -s 4K -m 0600 0x99)
	shmtool write "$id" <(printf 'precious')
	shmtool create -s 8 -m 0600 /rootobj >/dev/null
	for cmd in "cat $id" "cat /rootobj" "rm $id" "rm /rootobj"; do
		run --separate-stderr as_nobody "$SHMTOOL_BIN" $cmd
		assert_failure 1
		[[ "$stderr" == *": permission denied" ]]
	done
	run --separate-stderr bash -c "echo x | $NS_CMD setpriv --reuid=65534 --regid=65534 --clear-groups $SHMTOOL_BIN write $id"
	assert_failure 1
	[[ "$stderr" == *": permission denied" ]]
	[ "$(shmtool cat -l 8 "$id")" = precious ]
	ns test -e /dev/shm/rootobj
}

@test "rm: --all as an unprivileged user removes its own and reports the rest" {
	local mine root
	root=$(shmtool create -s 4K)
	mine=$(as_nobody "$HELPERS/mkseg" 4096)
	as_nobody touch /dev/shm/nobodys
	shmtool create -s 1 /roots >/dev/null
	run --separate-stderr as_nobody "$SHMTOOL_BIN" rm --all
	assert_failure 1
	assert_line "removed sysv $mine (key 0x00000000)"
	assert_line 'removed posix /nobodys'
	[[ "$stderr" == *"shmtool: rm: $root: permission denied"* ]]
	[[ "$stderr" == *"shmtool: rm: /roots: permission denied"* ]]
	ns ipcs -m | grep -qE " $root "
	! ns ipcs -m | grep -qE " $mine "
	ns test -e /dev/shm/roots
}

@test "rm: a symlink planted in /dev/shm is not removed, nor its target" {
	echo keep > "$BATS_TEST_TMPDIR/outside"
	ns ln -s "$BATS_TEST_TMPDIR/outside" /dev/shm/link
	run shmtool rm /link
	assert_failure 1
	ns test -L /dev/shm/link
	[ -e "$BATS_TEST_TMPDIR/outside" ]
	run shmtool rm --all
	assert_success
	ns test -L /dev/shm/link
}

@test "rm: by key removes the id the key named when it was resolved" {
	local id
	id=$(shmtool create -s 4K 0x5555)
	run shmtool rm key:0x5555
	assert_output "removed sysv $id (key 0x00005555)"
	run shmtool rm 0x5555
	assert_failure 1
}

@test "rm: counts processes attached, or says attachments when it cannot see them all" {
	local id
	id=$(shmtool create -s 4K)
	start_helper attach "$id" rw 3
	attach "$id"
	[ "$(shmtool ls -n --raw -o NATTCH)" = 4 ]
	run shmtool rm -n "$id"
	assert_success
	assert_output "would mark sysv $id for removal: 2 processes attached"
	# nobody cannot see root's attachments: it says what the kernel counts
	id=$(as_nobody "$HELPERS/mkseg" 4096)
	start_helper attach "$id" rw 2
	run shmtool rm -n "$id"
	assert_output "would mark sysv $id for removal: 1 process attached"
	run as_nobody "$SHMTOOL_BIN" rm "$id"
	assert_success
	assert_output "marked sysv $id for removal: 2 attachments"
}
