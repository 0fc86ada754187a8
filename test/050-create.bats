#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later

setup() { load 'test_helper/common-setup'; _common_setup; }
teardown() { _common_teardown; }

@test "create: no SEGMENT makes a private segment and prints its id only" {
	run --separate-stderr shmtool create -s 1M
	assert_success
	assert_output --regexp '^[0-9]+$'
	[ "$stderr" = "" ]
	local id=$output
	ns ipcs -m | grep -E "^0x00000000 +$id +root +600 +1048576 "
	run ns ipcs -m -i "$id"
	assert_output --partial 'bytes=1048576'
}

@test "create: every size suffix" {
	local s want
	while read -r s want; do
		run shmtool create -s "$s"
		assert_success
		[ "$(ns ipcs -m -i "$output" | sed -n 's/.*bytes=\([0-9]*\).*/\1/p')" = "$want" ]
	done <<-'T'
	100 100
	7B 7
	2K 2048
	2KiB 2048
	2KB 2000
	3M 3145728
	3MiB 3145728
	3MB 3000000
	1G 1073741824
	1GiB 1073741824
	1GB 1000000000
	T
}

@test "create: keyed by 0x, key: and ftok:, and ipcs agrees" {
	local key f="$BATS_TEST_TMPDIR/f"
	touch "$f"
	run shmtool create -s 4K 0x1234abcd
	assert_success
	local id=$output
	ns ipcs -m | grep -E "^0x1234abcd +$id "
	run shmtool create -s 4K key:4660
	assert_success
	ns ipcs -m | grep -E "^0x00001234 +$output "
	key=$("$HELPERS/ftok-ref" "$f" 7)
	run shmtool create -s 4K "ftok:$f:7"
	assert_success
	ns ipcs -m | grep -E "^$key +$output "
}

@test "create: -m is applied exactly, whatever the umask" {
	run ns sh -c "umask 077; exec $SHMTOOL_BIN create -m 0640 -s 4K 0x51"
	assert_success
	local id=$output
	ns ipcs -m | grep -E "^0x00000051 +$id +root +640 "
	run shmtool ls -n --raw -o MODE --sysv
	assert_output '0640'
	run ns sh -c "umask 077; exec $SHMTOOL_BIN create -m 0664 -s 4K /obj"
	assert_success
	assert_output '/obj'
	[ "$(ns stat -c %a /dev/shm/obj)" = 664 ]
	[ "$(ns stat -c %s /dev/shm/obj)" = 4096 ]
	run shmtool create -m 755 -s 1 /x
	[ "$(ns stat -c %a /dev/shm/x)" = 755 ]
	run shmtool create -s 1 /y
	[ "$(ns stat -c %a /dev/shm/y)" = 600 ]
}

@test "create: -x on an existing key exits 1; without -x the same id is reused" {
	run shmtool create -s 8K 0x77
	local id=$output
	run --separate-stderr shmtool create -x -s 8K 0x77
	assert_failure 1
	[[ "$stderr" == "shmtool: create: 0x77: already exists"* ]]
	run shmtool create -s 8K 0x77
	assert_success
	assert_output "$id"
	run shmtool create -s 1K 0x77
	assert_output "$id"
	[ "$(ns ipcs -m | grep -c '^0x00000077')" -eq 1 ]
}

@test "create: an existing smaller segment is an error, never resized" {
	run shmtool create -s 4K 0x78
	local id=$output
	run --separate-stderr shmtool create -s 8K 0x78
	assert_failure 1
	[[ "$stderr" == *"smaller than the size asked for"* ]]
	ns ipcs -m -i "$id" | grep -q 'bytes=4096'
	shmtool create -s 10 /small
	run shmtool create -s 11 /small
	assert_failure 1
	[ "$(ns stat -c %s /dev/shm/small)" = 10 ]
	run shmtool create -x -s 10 /small
	assert_failure 1
	run shmtool create -s 10 /small
	assert_success
	assert_output '/small'
}

@test "create: usage errors exit 2 and make nothing" {
	for args in "" "-s" "-s 0" "-s 12Q" "-s -5" "-s 99999999999999999999" "-s 20000000T" \
		"-s 4K -m 0999" "-s 4K -m rwx" "-s 4K -m 017777" "-s 4K 12" "-s 4K 0x0" \
		"-s 4K key:0" "-s 4K /a/b" "-s 4K /.." "-s 4K /" "-s 4K --hugetlb /obj" \
		"-s 4K --noreserve /obj" "-s 4K 0x10 0x11" "-s 4K ftok:/etc/passwd:0"; do
		run shmtool create $args
		[ "$status" -eq 2 ] || { echo "create $args: $status $output"; false; }
	done
	[ -z "$(ns ipcs -m | grep '^0x')" ]
	[ -z "$(ns ls /dev/shm)" ]
}

@test "create: --hugetlb says plainly when there are no huge pages" {
	if [ "$(cat /proc/sys/vm/nr_hugepages)" -eq 0 ]; then
		run --separate-stderr shmtool create --hugetlb -s 2M
		assert_failure 1
		[[ "$stderr" == *"no huge pages are reserved"* ]]
	else
		run shmtool create --hugetlb -s 2M
		assert_success
	fi
	run shmtool create --noreserve -s 2M
	assert_success
}

@test "create: a symlink planted in /dev/shm is not followed" {
	echo secret > "$BATS_TEST_TMPDIR/outside"
	ns ln -s "$BATS_TEST_TMPDIR/outside" /dev/shm/link
	run shmtool create -s 100 /link
	assert_failure 1
	[ "$(cat "$BATS_TEST_TMPDIR/outside")" = secret ]
	[ -L "$(ns readlink -f /dev/shm)/link" ] || ns test -L /dev/shm/link
}

@test "create: reusing a key checks access as shmget does; nobody cannot take root's segment" {
	local id
	id=$(shmtool create -s 4K 0x1)
	run --separate-stderr ns runuser -u nobody -- "$SHMTOOL_BIN" create -s 4K 0x1
	assert_failure 1
	assert_output ''
	[ "$stderr" = "shmtool: create: 0x1: permission denied" ]
	# what the mode asks for is what is checked: read-only suffices for 0444
	ns "$HELPERS/mkseg" 4096 0x2 0644 >/dev/null
	run --separate-stderr ns runuser -u nobody -- "$SHMTOOL_BIN" create -m 0444 -s 4K 0x2
	assert_success
	run --separate-stderr ns runuser -u nobody -- "$SHMTOOL_BIN" create -s 4K 0x2
	assert_failure 1
	[ "$stderr" = "shmtool: create: 0x2: permission denied" ]
	# the same for a /NAME
	shmtool create -s 4K /rootonly >/dev/null
	run --separate-stderr ns runuser -u nobody -- "$SHMTOOL_BIN" create -s 4K /rootonly
	assert_failure 1
	[ "$stderr" = "shmtool: create: /rootonly: permission denied" ]
	# root itself may (CAP_IPC_OWNER)
	run shmtool create -s 4K 0x1
	assert_success
	assert_output "$id"
}

@test "create: when stdout fails, says so and removes what it made, never what it reused" {
	run --separate-stderr ns sh -c 'exec "$0" create -s 4K >/dev/full' "$SHMTOOL_BIN"
	assert_failure 1
	[ "$stderr" = "shmtool: create: stdout: no space left on device; the new segment was removed again" ]
	run --separate-stderr ns sh -c 'exec "$0" create -s 4K 0x42 >/dev/full' "$SHMTOOL_BIN"
	assert_failure 1
	run --separate-stderr ns sh -c 'exec "$0" create -s 4K /obj >/dev/full' "$SHMTOOL_BIN"
	assert_failure 1
	[ "$stderr" = "shmtool: create: stdout: no space left on device; the new object was removed again" ]
	run shmtool ls -n --raw -o ID
	assert_output ''
	[ -z "$(ns ipcs -m | grep '^0x')" ]
	# a reused one stays
	shmtool create -s 4K 0x42 >/dev/null
	shmtool create -s 4K /obj >/dev/null
	run --separate-stderr ns sh -c 'exec "$0" create -s 4K 0x42 >&-' "$SHMTOOL_BIN"
	assert_failure 1
	[ "$stderr" = "shmtool: create: stdout: bad file descriptor" ]
	run --separate-stderr ns sh -c 'exec "$0" create -s 4K /obj >/dev/full' "$SHMTOOL_BIN"
	assert_failure 1
	[ "$stderr" = "shmtool: create: stdout: no space left on device" ]
	run shmtool ls -n --raw -o KEY,ID
	assert_line --regexp '^0x00000042 [0-9]+$'
	assert_line -- '- /obj'
}

@test "create: with kernel.shm_rmid_forced=1 a new segment is an error naming it, not a dead id" {
	local id
	id=$(shmtool create -s 4K 0x61)
	attach "$id" # attached, it outlives the sysctl, which destroys unattached ones
	ns sh -c 'echo 1 > /proc/sys/kernel/shm_rmid_forced'
	run --separate-stderr shmtool create -s 4K
	assert_failure 1
	assert_output ''
	[ "$stderr" = "shmtool: create: IPC_PRIVATE: kernel.shm_rmid_forced is 1: the kernel destroys a new segment as soon as create exits, since nothing attaches it; none made" ]
	run --separate-stderr shmtool create -s 4K 0x62
	assert_failure 1
	[[ "$stderr" == "shmtool: create: 0x62: kernel.shm_rmid_forced is 1"* ]]
	# reused, not made: its id is printed
	run shmtool create -s 4K 0x61
	assert_success
	assert_output "$id"
	run shmtool ls -n --raw -o KEY --sysv
	assert_output '0x00000061'
	# POSIX objects are not System V segments
	run shmtool create -s 4K /p
	assert_success
}

@test "create: -m is applied exactly: special bits are refused for System V, kept for POSIX" {
	run --separate-stderr shmtool create -m 04755 -s 4K
	assert_failure 2
	[ "$stderr" = "shmtool: create: 04755: a System V segment has only permission bits (at most 0777): no set-user-ID, set-group-ID or sticky bit" ]
	run shmtool create -m 1600 -s 4K 0x5
	assert_failure 2
	run shmtool ls -n --raw -o ID --sysv
	assert_output ''
	shmtool create -m 04755 -s 4K /root-made
	[ "$(ns stat -c %a /dev/shm/root-made)" = 4755 ]
	# without CAP_FSETID the size set after the mode would drop set-user-ID and set-group-ID
	ns runuser -u nobody -- "$SHMTOOL_BIN" create -m 07750 -s 4K /nobody-made
	[ "$(ns stat -c %a /dev/shm/nobody-made)" = 7750 ]
}

@test "create: SHMMNI and SHMALL exhaustion name the limit; SHMMAX points to shmtool limits" {
	ns sh -c 'echo 1 > /proc/sys/kernel/shmmni'
	shmtool create -s 4K >/dev/null
	run --separate-stderr shmtool create -s 4K
	assert_failure 1
	[ "$stderr" = "shmtool: create: IPC_PRIVATE: the limit kernel.shmmni of 1 segment is reached (see 'shmtool limits')" ]
	ns sh -c 'echo 4096 > /proc/sys/kernel/shmmni; echo 10 > /proc/sys/kernel/shmall'
	run --separate-stderr shmtool create -s 64K 0x7
	assert_failure 1
	[ "$stderr" = "shmtool: create: 0x7: the limit kernel.shmall of 10 pages of 4K for all segments together would be passed: 1 in use, 16 more asked (see 'shmtool limits')" ]
	ns sh -c 'echo 1000 > /proc/sys/kernel/shmmax'
	run --separate-stderr shmtool create -s 4K
	assert_failure 1
	[ "$stderr" = "shmtool: create: IPC_PRIVATE: size out of the kernel's limits (see SHMMIN and SHMMAX in 'shmtool limits')" ]
}

@test "create: a /sem.NAME is refused: it would be a semaphore to ls and rm" {
	run --separate-stderr shmtool create -s 32 /sem.foo
	assert_failure 1
	[ "$stderr" = "shmtool: create: /sem.foo: sem.NAME is where sem_open(3) keeps a POSIX semaphore: ls shows it only with --sem and rm --all leaves it; choose another name" ]
	run ns ls /dev/shm
	assert_output ''
	run shmtool create -s 32 /semfoo
	assert_success
}
