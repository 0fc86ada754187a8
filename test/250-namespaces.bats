#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Containers: IPC namespaces and shm directories of other processes, reached
# with --ns PID and -A, never leading to a host file.

setup() { load 'test_helper/common-setup'; _common_setup; }
teardown() { _common_teardown; }

# Starts a "container" inside the test's namespace: its own IPC, mount and PID
# namespaces and a tmpfs on /dev/shm. Sets CPID to its process (as the test's
# /proc numbers it).
container() {
	local ready="$BATS_TEST_TMPDIR/c-$RANDOM$RANDOM"
	ns unshare --ipc --mount --pid --fork --propagation private sh -c \
		'mount -t tmpfs -o mode=1777,size=16m c /dev/shm && : > "$1" && exec sleep 100000' \
		sh "$ready" 3>&- &
	BG_PIDS+=($!)
	wait_for_file "$ready" container
	CPID=$(ns pgrep -n -x sleep)
}

# Runs shmtool inside container $1 (as a process of it would).
in_c() {
	local pid=$1
	shift
	ns nsenter -t "$pid" --ipc --mount -- "$SHMTOOL_BIN" "$@"
}

ns_of() {
	ns readlink "/proc/$1/ns/ipc" | tr -dc 0-9
}

@test "namespaces: ls -A lists every container's objects once with its NS, and our own" {
	local c1 c2
	container; c1=$CPID
	container; c2=$CPID
	in_c "$c1" create -s 4K 0x10 >/dev/null
	in_c "$c1" create -s 8K /one >/dev/null
	in_c "$c2" create -s 4K 0x10 >/dev/null
	in_c "$c2" create -s 12K /two >/dev/null
	shmtool create -s 16K 0x20 >/dev/null
	local home n1 n2
	home=$(ns readlink /proc/self/ns/ipc | tr -dc 0-9)
	n1=$(ns_of "$c1")
	n2=$(ns_of "$c2")
	[ "$n1" != "$n2" ] && [ "$n1" != "$home" ]
	run shmtool ls -A -b -n --raw -o NS,TYPE,ID,KEY,SIZE
	assert_success
	[ "${#lines[@]}" -eq 5 ]
	assert_line "$home sysv 0 0x00000020 16384"
	assert_line "$n1 sysv 0 0x00000010 4096"
	assert_line "$n1 posix /one - 8192"
	assert_line "$n2 sysv 0 0x00000010 4096"
	assert_line "$n2 posix /two - 12288"
	# The default table has NS, NSPID and CONTAINER first; JSON has their keys.
	run shmtool ls -A
	[[ "${lines[0]}" == "        NS NSPID CONTAINER TYPE"* ]]
	run shmtool ls -A --json
	jq -e --arg n1 "$n1" '[.segments[] | select(.ns == ($n1 | tonumber))] | length == 2 and
		all(.nspid | type == "number") and all(has("container"))' <<<"$output"
	# --ns: exactly one container's, as it sees them.
	run shmtool --ns "$c1" ls -b -n --raw -o TYPE,ID,KEY,SIZE
	assert_output $'sysv 0 0x00000010 4096\nposix /one - 8192'
	run shmtool ls --ns "$c2" -n --raw -o ID
	assert_output $'0\n/two'
}

@test "namespaces: --ns PID rm --orphaned acts only there; rm -A --dry-run changes nothing" {
	local c1 c2
	container; c1=$CPID
	container; c2=$CPID
	in_c "$c1" create -s 4K >/dev/null
	in_c "$c2" create -s 4K >/dev/null
	shmtool create -s 4K >/dev/null
	run shmtool rm -A --orphaned --sysv --dry-run
	assert_success
	[ "$(grep -c '^would remove sysv 0 (key 0x00000000) in ns [0-9]*$' <<<"$output")" -eq 3 ]
	[ "$(in_c "$c1" ls -n --raw -o ID --sysv)" = 0 ]
	[ "$(in_c "$c2" ls -n --raw -o ID --sysv)" = 0 ]
	run shmtool --ns "$c1" rm --orphaned --sysv
	assert_output 'removed sysv 0 (key 0x00000000)'
	[ -z "$(in_c "$c1" ls -n --raw -o ID --sysv)" ]
	[ "$(in_c "$c2" ls -n --raw -o ID --sysv)" = 0 ]
	[ "$(shmtool ls -n --raw -o ID --sysv)" = 0 ]
	# -A then removes in each namespace what is left, each where it lives.
	run shmtool rm -A --all --sysv
	[ "${#lines[@]}" -eq 2 ]
	[ -z "$(in_c "$c2" ls -n --raw -o ID --sysv)" ]
	[ -z "$(shmtool ls -n --raw -o ID --sysv)" ]
}

@test "namespaces: stat --ns PID lists the process attached inside the container" {
	local c
	container; c=$CPID
	local id
	id=$(in_c "$c" create -s 64K)
	local ready="$BATS_TEST_TMPDIR/attached"
	ns nsenter -t "$c" --ipc --mount -- "$HELPERS/attach" "$id" rw "$ready" 3>&- &
	BG_PIDS+=($!)
	wait_for_file "$ready" attach
	local attacher
	attacher=$(ns pgrep -n -x attach)
	run shmtool stat --ns "$c" "$id"
	assert_success
	assert_line 'attached: 1 process'
	assert_line --regexp "^  $attacher +0x[0-9a-f]+-0x[0-9a-f]+ rw attach$"
	# From our own namespace the same id is another (absent) segment.
	run shmtool stat "$id"
	assert_failure 1
}

# A container whose root is a directory of ours, with /usr bound in so it can run sleep.
rooted_container() {
	local root=$1 ready="$BATS_TEST_TMPDIR/r-$RANDOM$RANDOM"
	mkdir -p "$root/usr" "$root/proc"
	ln -sfn usr/bin "$root/bin"
	ln -sfn usr/lib "$root/lib"
	[ -e /lib64 ] && ln -sfn usr/lib64 "$root/lib64"
	ns unshare --ipc --mount --pid --fork --propagation private sh -c \
		'mount --bind /usr "$1/usr" && : > "$2" && exec chroot "$1" /bin/sleep 100000' \
		sh "$root" "$ready" 3>&- &
	BG_PIDS+=($!)
	wait_for_file "$ready" "rooted container"
	local i
	for i in $(seq 100); do
		CPID=$(ns pgrep -n -x sleep)
		[ "$(ns readlink "/proc/$CPID/root")" = "$root" ] && return 0
		sleep 0.02
	done
	return 1
}

@test "namespaces: a container's /dev/shm that is, or holds, a symlink to a host file never reaches it" {
	local host="$BATS_TEST_TMPDIR/hostdir" canary sum
	mkdir -p "$host"
	canary="$host/victim"
	printf 'host secret\n' > "$canary"
	chmod 0600 "$canary"
	sum=$(sha256sum < "$canary")
	# One container's /dev/shm is a symlink to the host directory ...
	local r1="$BATS_TEST_TMPDIR/root1" r2="$BATS_TEST_TMPDIR/root2" c1 c2
	mkdir -p "$r1/dev"
	ln -s "$host" "$r1/dev/shm"
	rooted_container "$r1"; c1=$CPID
	# ... and the other's holds symlinks to the canary and its directory.
	mkdir -p "$r2/dev/shm"
	ln -s "$canary" "$r2/dev/shm/victim"
	ln -s "$host" "$r2/dev/shm/dir"
	rooted_container "$r2"; c2=$CPID
	local c args
	for c in "$c1" "$c2"; do
		run --separate-stderr shmtool --ns "$c" ls -n --raw -o ID --posix
		refute_output --partial victim
		for args in "cat /victim" "cat -x /victim" "pages /victim" "stat /victim"; do
			run --separate-stderr shmtool --ns "$c" $args
			assert_failure
			[[ "$output" != *secret* ]]
		done
		run --separate-stderr bash -c "printf OVERWRITTEN | $NS_CMD $SHMTOOL_BIN --ns $c write /victim"
		assert_failure
		run --separate-stderr shmtool --ns "$c" rm --all --posix
		run --separate-stderr shmtool --ns "$c" rm /victim
		assert_failure
		[ -e "$canary" ] && [ "$(sha256sum < "$canary")" = "$sum" ]
	done
	# The host directory was never taken for a shm directory, -A included.
	run --separate-stderr shmtool ls -A -n --raw -o ID --posix
	refute_output --partial victim
	[ "$(sha256sum < "$canary")" = "$sum" ]
}

@test "namespaces: container ids from cgroup paths, shortened to 12 hex digits" {
	local h=64fa0c7b2e9d4c1a8b3f5e6d7c8b9a0f1e2d3c4b5a6978877665544332211000 cases line want text
	cases=(
		"64fa0c7b2e9d|0::/system.slice/docker-$h.scope"
		"64fa0c7b2e9d|0::/kubepods/burstable/pod1234abcd-5678-90ab-cdef-1234567890ab/$h"
		"64fa0c7b2e9d|0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod12.slice/cri-containerd-$h.scope"
		"64fa0c7b2e9d|0::/system.slice/containerd.service/kubepods-pod1.slice:cri-containerd:$h"
		"64fa0c7b2e9d|0::/machine.slice/libpod-$h.scope/container"
		"64fa0c7b2e9d|0::/system.slice/crio-$h.scope"
		"64fa0c7b2e9d|12:memory:/docker/$h"
		"nginx.service|0::/system.slice/nginx.service"
		"session-3.scope|0::/user.slice/user-1000.slice/session-3.scope"
		"-|0::/"
		"docker-${h:0:63}.scope|0::/system.slice/docker-${h:0:63}.scope"
	)
	for line in "${cases[@]}"; do
		want=${line%%|*}
		text=${line#*|}
		[ "$(printf '%s\n' "$text" | "$HELPERS/cgroupid")" = "$want" ] || { echo "$text"; false; }
	done
	# A v1 line with the id wins over a unified line without one.
	[ "$(printf '12:memory:/docker/%s\n0::/\n' "$h" | "$HELPERS/cgroupid")" = 64fa0c7b2e9d ]
}

@test "namespaces: --ns and -A need CAP_SYS_ADMIN and say so; a bad PID is named" {
	local c
	container; c=$CPID
	local as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups "$SHMTOOL_BIN")
	run --separate-stderr ns "${as_nobody[@]}" --ns "$c" ls
	assert_failure 1
	assert_output ''
	[ "$stderr" = "shmtool: ls: --ns $c: needs CAP_SYS_ADMIN to enter other namespaces (run as root)" ]
	local cmd
	for cmd in ls usage metrics "rm --all"; do
		run --separate-stderr ns "${as_nobody[@]}" $cmd -A
		assert_failure 1
		assert_output ''
		[ "$stderr" = "shmtool: ${cmd%% *}: --all-namespaces: needs CAP_SYS_ADMIN to enter other namespaces (run as root)" ]
	done
	run --separate-stderr shmtool --ns abc ls
	assert_failure 2
	[ "$stderr" = "shmtool: ls: --ns abc: not a process id" ]
	run --separate-stderr shmtool --ns 999999 ls
	assert_failure 1
	[ "$stderr" = "shmtool: ls: --ns 999999: no such process" ]
	run --separate-stderr shmtool rm -A /x
	assert_failure 2
}

@test "namespaces: metrics -A tells namespaces apart by labels; --ns PID CMD --help is only help" {
	local c1 home n1
	container; c1=$CPID
	in_c "$c1" create -s 4K 0x10 >/dev/null
	shmtool create -s 8K 0x10 >/dev/null
	home=$(ns readlink /proc/self/ns/ipc | tr -dc 0-9)
	n1=$(ns_of "$c1")
	run shmtool metrics -A --min-size 0
	assert_success
	assert_line "shmtool_segment_size_bytes{type=\"sysv\",id=\"0\",key=\"0x00000010\",owner=\"root\",ns=\"$n1\",container=\"\"} 4096"
	assert_line "shmtool_segment_size_bytes{type=\"sysv\",id=\"0\",key=\"0x00000010\",owner=\"root\",ns=\"$home\",container=\"\"} 8192"
	# Without -A, one namespace: no ns label.
	run shmtool metrics --min-size 0
	assert_line 'shmtool_segment_size_bytes{type="sysv",id="0",key="0x00000010",owner="root"} 8192'
	# Help needs no namespace, and does not enter one that does not exist.
	run shmtool --ns 999999 ls --help
	assert_success
	assert_line --partial 'Usage: shmtool ls'
	run shmtool --ns "$c1" stat --help
	assert_success
	assert_line --partial 'Usage: shmtool stat'
}

@test "namespaces: ls --help aligns every column's help, CONTAINER too" {
	run shmtool ls --help
	assert_success
	local col rest starts=()
	while read -r col rest; do
		local line
		line=$(grep -m1 "^  $col " <<<"$output")
		local pre=${line%%"$rest"}
		starts+=("${#pre}")
	done < <(sed -n '/^Columns:/,/^Default:/p' <<<"$output" | sed '1d;$d')
	[ "${#starts[@]}" -gt 10 ]
	[ "$(printf '%s\n' "${starts[@]}" | sort -u | wc -l)" -eq 1 ]
}

@test "namespaces: a container /dev/shm the host mounted for it (as docker does) counts once in usage -A" {
	local host_shm="$BATS_TEST_TMPDIR/ctr-shm" ready="$BATS_TEST_TMPDIR/ctr-ready"
	mkdir "$host_shm"
	ns mount -t tmpfs -o size=8m ctr "$host_shm"
	ns unshare --ipc --mount --pid --fork --propagation private sh -c \
		'mount --bind "$1" /dev/shm && head -c 1048576 /dev/urandom > /dev/shm/held &&
		: > "$2" && exec sleep 100000' sh "$host_shm" "$ready" 3>&- &
	BG_PIDS+=($!)
	wait_for_file "$ready" container
	rss() { jq ".usage[] | select(.kind == \"$1\") | .rss" <<<"$2"; }
	local one all
	# From the host alone, the mount is a tmpfs of 1 MiB; with -A its object is
	# POSIX, and the tmpfs line no longer has it: moved, not counted twice.
	one=$(shmtool --pidns-only usage -b -J)
	all=$(shmtool --pidns-only usage -A -b -J)
	[ $(($(rss tmpfs "$one") - $(rss tmpfs "$all"))) -eq 1048576 ]
	[ $(($(rss posix "$all") - $(rss posix "$one"))) -eq 1048576 ]
	run shmtool --pidns-only usage -A --mounts -J
	assert_success
	jq -e --arg m "$host_shm" '.mounts[] | select(.mount == $m) | .counted == "posix"' <<<"$output"
	run shmtool --pidns-only usage --mounts -J
	jq -e --arg m "$host_shm" '.mounts[] | select(.mount == $m) | .counted == "tmpfs"' <<<"$output"
}
