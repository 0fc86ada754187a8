#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Who holds the memory: attachments, mappings, open fds, memfds.

setup() { load 'test_helper/common-setup'; _common_setup; }
teardown() { _common_teardown; }

# The pids `stat SEGMENT --json` lists under KEY, one per line.
holder_pids() {
	shmtool stat --json "$1" | jq -r ".segments[0].$2[].pid"
}

@test "holders: two attachers listed with their command, then one, then the last after rm" {
	local id first second
	id=$(shmtool create -s 64K)
	attach "$id"
	first=$(ns_pid_of attach)
	attach "$id" ro
	second=$(ns_pid_of attach)
	run shmtool stat "$id"
	assert_success
	assert_line 'attached: 2 processes'
	assert_line --regexp "^  $first +0x[0-9a-f]+-0x[0-9a-f]+ rw attach$"
	assert_line --regexp "^  $second +0x[0-9a-f]+-0x[0-9a-f]+ r- attach$"
	run shmtool stat --json "$id"
	echo "$output" | jq -e --argjson a "$first" --argjson b "$second" '.segments[0] |
		.hidden_processes == 0 and (.attached | length == 2) and
		(.attached | map(.pid) | sort == ([$a, $b] | sort)) and
		all(.attached[]; .command == "attach" and (.start | test("^0x[0-9a-f]+$")) and (.end | test("^0x"))) and
		(.attached[] | select(.pid == $a) | .writable == true) and
		(.attached[] | select(.pid == $b) | .writable == false)'
	ns kill "$first"
	sleep 0.2
	[ "$(holder_pids "$id" attached)" = "$second" ]
	run shmtool ls -n --raw -o ID,NATTCH,PIDS
	assert_output "$id 1 $second"
	shmtool rm "$id" >/dev/null
	[ "$(holder_pids "$id" attached)" = "$second" ]
	run shmtool ls -n --raw -o STATUS,PIDS
	assert_output "dest $second"
}

@test "holders: a process in another IPC namespace with the same shmid is not listed" {
	local id mine
	id=$(shmtool create -s 4K)
	attach "$id"
	mine=$(ns_pid_of attach)
	# a nested IPC namespace: its first segment has the same id, attached there
	local ready="$BATS_TEST_TMPDIR/nested"
	ns unshare --ipc sh -c "id=\$($HELPERS/mkseg 4096); [ \"\$id\" = $id ] && exec $HELPERS/attach \$id rw $ready" 3>&- &
	BG_PIDS+=($!)
	for i in $(seq 300); do [ -e "$ready" ] && break; sleep 0.01; done
	[ -e "$ready" ]
	[ "$(ns pgrep -x attach | wc -l)" -eq 2 ]
	[ "$(holder_pids "$id" attached)" = "$mine" ]
	run shmtool ls -n --raw -o PIDS --sysv
	assert_output "$mine"
}

@test "holders: a POSIX object mapped by one and open in another; the mapper is found after unlink" {
	shmtool create -s 8K /obj >/dev/null
	start_helper hold map /dev/shm/obj
	local mapper
	mapper=$(ns_pid_of hold)
	start_helper hold fd /dev/shm/obj
	local opener
	opener=$(ns pgrep -x hold | grep -vx "$mapper")
	run shmtool stat /obj
	assert_line 'mapped:  1 process'
	assert_line --regexp "^  $mapper +0x[0-9a-f]+-0x[0-9a-f]+ rw hold$"
	assert_line 'open:    1 process'
	assert_line --regexp "^  $opener +fd [0-9]+ +hold$"
	run shmtool ls -n --raw -o ID,NATTCH,PIDS
	assert_output "/obj 1 $mapper,$opener"
	run shmtool --pidns-only ls --orphaned -n --raw -o ID
	assert_output ''
	run shmtool rm /obj
	assert_output 'unlinked posix /obj: 1 process still maps it'
	# gone from /dev/shm, still held: the (deleted) mapping is found by device and inode
	run shmtool usage --json
	echo "$output" | jq -e '.usage[] | select(.kind == "posix") | .objects == 0'
}

@test "holders: an unheld POSIX object is orphaned and rm --orphaned takes it" {
	shmtool create -s 8K /lost >/dev/null
	shmtool create -s 8K /kept >/dev/null
	start_helper hold fd /dev/shm/kept
	run shmtool --pidns-only ls --orphaned --posix -n --raw -o ID,NATTCH
	assert_output '/lost 0'
	run shmtool --pidns-only rm --orphaned --posix
	assert_output 'removed posix /lost'
	ns test -e /dev/shm/kept
}

@test "holders: memfd objects are listed by ls --memfd and read by cat memfd:PID:FD" {
	start_helper memfd demo-mem
	local pid
	pid=$(ns_pid_of memfd)
	run shmtool ls --memfd -n --raw -o TYPE,ID,NAME,SIZE,NATTCH,PIDS -b
	assert_success
	assert_output --regexp "^memfd memfd:$pid:[0-9]+ demo-mem 3 1 $pid$"
	local mid
	mid=$(shmtool ls --memfd -n --raw -o ID | grep "^memfd:$pid:")
	run shmtool cat "$mid"
	assert_output 'abc'
	run shmtool stat "$mid"
	assert_success
	assert_line 'name:   demo-mem'
	assert_line 'size:   3 (3B)'
	run shmtool stat --json "$mid"
	echo "$output" | jq -e --argjson p "$pid" '.segments[0] | .type == "memfd" and .size == 3 and (.open_by | map(.pid) == [$p])'
	# not listed without --memfd
	run shmtool ls -n --raw -o TYPE
	assert_output ''
}

@test "holders: memfd:PID:FD that is not a memfd, or gone, is refused" {
	start_helper hold fd /dev/null
	local pid
	pid=$(ns_pid_of hold)
	run --separate-stderr shmtool stat "memfd:$pid:0"
	assert_failure 1
	[[ "$stderr" == *"not a shared memory object"* ]]
	run shmtool stat memfd:999999:3
	assert_failure 1
	run shmtool stat memfd:abc:3
	assert_failure 2
	run shmtool stat memfd:1
	assert_failure 2
}

@test "holders: as an unprivileged user nothing crashes and hidden processes are counted" {
	local id
	id=$(shmtool create -s 4K -m 0644)
	attach "$id"
	run ns setpriv --reuid=65534 --regid=65534 --clear-groups "$SHMTOOL_BIN" stat --json "$id"
	assert_success
	echo "$output" | jq -e '.segments[0].hidden_processes >= 1 and (.segments[0].attached | length == 0)'
	run ns setpriv --reuid=65534 --regid=65534 --clear-groups "$SHMTOOL_BIN" stat "$id"
	assert_line --regexp '^hidden: +[0-9]+ process(es)? not visible'
	run ns setpriv --reuid=65534 --regid=65534 --clear-groups "$SHMTOOL_BIN" ls --memfd -o +PIDS
	assert_success
	run ns setpriv --reuid=65534 --regid=65534 --clear-groups "$SHMTOOL_BIN" usage
	assert_success
}

# Starts the attach helper as nobody, its ready file where nobody may write: the
# namespace's own /dev/shm, so it is looked for from inside.
attach_as_nobody() {
	local ready=/dev/shm/.ready-$RANDOM$RANDOM i
	ns setpriv --reuid=65534 --regid=65534 --clear-groups "$HELPERS/attach" "$@" "$ready" 3>&- &
	BG_PIDS+=($!)
	for i in $(seq 300); do
		ns rm "$ready" 2>/dev/null && return 0
		sleep 0.02
	done
	echo "attach did not come up" >&2
	return 1
}

@test "holders: stat finds all nattch attachments in the last attacher, and then no process is hidden" {
	local id pid
	id=$(shmtool create -s 8K -m 0666)
	attach_as_nobody "$id" rw 2
	pid=$(ns_pid_of attach)
	# nobody cannot read root's maps, but the two attachments nattch counts are both found
	run ns setpriv --reuid=65534 --regid=65534 --clear-groups "$SHMTOOL_BIN" stat "$id"
	assert_success
	assert_line 'attached: 1 process'
	[ "$(grep -cE "^  $pid +0x[0-9a-f]+-0x[0-9a-f]+ rw attach$" <<<"$output")" -eq 2 ]
	refute_line --regexp '^hidden:'
	run ns setpriv --reuid=65534 --regid=65534 --clear-groups "$SHMTOOL_BIN" stat --json "$id"
	echo "$output" | jq -e --argjson p "$pid" '.segments[0] | .nattch == 2 and
		.hidden_processes == 0 and (.attached | length == 2) and all(.attached[]; .pid == $p)'
}

@test "holders: an attacher stat cannot see makes it scan every process and say so, never guess" {
	local id mine
	id=$(shmtool create -s 8K -m 0666)
	attach "$id"
	attach_as_nobody "$id" ro
	mine=$(ns_pid_of attach)
	run ns setpriv --reuid=65534 --regid=65534 --clear-groups "$SHMTOOL_BIN" stat "$id"
	assert_success
	assert_line 'attached: 1 process'
	assert_line --regexp "^  $mine +0x[0-9a-f]+-0x[0-9a-f]+ r- attach$"
	assert_line --regexp '^hidden: +[0-9]+ process(es)? not visible'
	# as root both are found, the first one by the scan of every process
	run shmtool stat --json "$id"
	echo "$output" | jq -e '.segments[0] | .nattch == 2 and (.attached | length == 2)'
}
