#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# chmod, chown, lock, unlock and truncate: what they change, what they refuse,
# and that a refusal changes nothing. ls -O shows every column.

setup() { load 'test_helper/common-setup'; _common_setup; }
teardown() { _common_teardown; }

as_nobody() {
	ns setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

# The access permissions ipcs shows for shmid $1, e.g. 640.
ipcs_perms() {
	ns ipcs -m -i "$1" | sed -n 's/.*access_perms=0*\([0-7]*\).*/\1/p'
}

@test "chmod: octal and symbolic, on System V and POSIX; ipcs and stat agree" {
	local id
	id=$(shmtool create -s 4K -m 600 0x77)
	shmtool create -s 4K -m 600 /obj >/dev/null
	run --separate-stderr shmtool chmod 640 "$id" /obj
	assert_success
	assert_output "sysv $id: mode 0600 -> 0640
posix /obj: mode 0600 -> 0640"
	[ "$(ipcs_perms "$id")" = 640 ]
	[ "$(ns stat -c %a /dev/shm/obj)" = 640 ]

	run shmtool chmod g+w,o=r "$id" /obj
	assert_success
	assert_line "sysv $id: mode 0640 -> 0664"
	assert_line "posix /obj: mode 0640 -> 0664"
	[ "$(ipcs_perms "$id")" = 664 ]
	[ "$(ns stat -c %a /dev/shm/obj)" = 664 ]

	run shmtool chmod u=rw,go-rwx 0x77 /obj
	assert_success
	[ "$(ipcs_perms "$id")" = 600 ]
	[ "$(ns stat -c %a /dev/shm/obj)" = 600 ]
}

@test "chmod: symbolic MODEs as chmod(1) reads them" {
	shmtool create -s 1 -m 600 /t >/dev/null
	local line mode old want
	while IFS='|' read -r old mode want; do
		[ -n "$old" ] || continue
		ns chmod "$old" /dev/shm/t
		run shmtool chmod -n "$mode" /t
		assert_success
		assert_output "would change posix /t: mode 0$old -> 0$want"
		# the same as chmod(1) on a file (whose umask matters only without WHO)
		ns chmod "$old" /dev/shm/t
		ns sh -c 'umask 022 && chmod -- "$1" /dev/shm/t' sh "$mode"
		[ "$(ns stat -c %a /dev/shm/t)" = "$((10#$want))" ] || fail "chmod(1) $mode on $old is not $want"
	done <<-'T'
	600|640|640
	600|0|000
	600|00755|755
	600|g+r|640
	640|o-rwx|640
	777|o-rwx|770
	600|u=rw,g=r|640
	600|a+r|644
	600|+r|644
	644|a-r|200
	640|g=u|660
	750|o=g|755
	700|go=u|777
	755|u-x,g+w|675
	644|=|000
	640|u=|040
	600|u+x,g+X|710
	600|g+X|600
	600|ug+rw-x|660
	600|a=rw,o-w,o+r|664
	T
}

@test "chmod: bad MODEs are usage errors and change nothing" {
	local id before m
	id=$(shmtool create -s 4K -m 600 0x77)
	before=$(ns ipcs -m -i "$id")
	for m in 888 1777 4755 01000 7777 99999999999999999999999 u+s +t g+z 'u' 'u=rw,' ',u+r' 'x+r' 'g=ur' ''; do
		run --separate-stderr shmtool chmod -- "$m" "$id"
		assert_failure 2
		assert_output ''
		[[ $stderr == "shmtool: chmod: $m: "* ]] || fail "chmod '$m': $stderr"
	done
	run --separate-stderr shmtool chmod 1777 "$id"
	[[ $stderr == *"nine permission bits"* ]]
	run --separate-stderr shmtool chmod u+z "$id"
	[[ $stderr == *"not a mode"* ]]
	[ "$before" = "$(ns ipcs -m -i "$id")" ]
}

@test "chmod: dest and locked survive a chmod" {
	local id
	id=$(shmtool create -s 4K -m 600)
	attach "$id"
	shmtool lock "$id" >/dev/null
	shmtool rm "$id" >/dev/null
	run shmtool ls -n --raw -o ID,STATUS
	assert_output "$id dest,locked"
	run shmtool chmod 644 "$id"
	assert_success
	assert_output "sysv $id: mode 0600 -> 0644"
	run shmtool ls -n --raw -o ID,STATUS,MODE
	assert_output "$id dest,locked 0644"
}

@test "chmod: --dry-run changes nothing; a missing segment fails after the others" {
	local id
	id=$(shmtool create -s 4K -m 600)
	shmtool create -s 4K -m 600 /obj >/dev/null
	run shmtool chmod --dry-run 666 "$id" /obj
	assert_success
	assert_output "would change sysv $id: mode 0600 -> 0666
would change posix /obj: mode 0600 -> 0666"
	[ "$(ipcs_perms "$id")" = 600 ]
	[ "$(ns stat -c %a /dev/shm/obj)" = 600 ]

	run --separate-stderr shmtool chmod 640 /gone "$id" 0x999 /obj
	assert_failure 1
	assert_output "sysv $id: mode 0600 -> 0640
posix /obj: mode 0600 -> 0640"
	[[ $stderr == *"shmtool: chmod: /gone: no such segment"* ]]
	[[ $stderr == *"shmtool: chmod: 0x999: no such segment"* ]]

	# a SEGMENT that is no segment at all: nothing is touched
	run --separate-stderr shmtool chmod 600 "$id" /a/b
	assert_failure 2
	assert_output ''
	[ "$(ipcs_perms "$id")" = 640 ]
}

@test "chown: by name and by id, user and group, on System V and POSIX" {
	local id
	id=$(shmtool create -s 4K)
	shmtool create -s 4K /obj >/dev/null
	run shmtool chown nobody:nogroup "$id" /obj
	assert_success
	assert_output "sysv $id: owner root:root -> nobody:nogroup
posix /obj: owner root:root -> nobody:nogroup"
	ns ipcs -m -i "$id" | grep -q 'uid=65534.*gid=65534'
	[ "$(ns stat -c %u:%g /dev/shm/obj)" = 65534:65534 ]
	# cuid and cgid never change
	ns ipcs -m -i "$id" | grep -q 'cuid=0.*cgid=0'

	run shmtool chown :0 "$id" /obj
	assert_success
	assert_line "sysv $id: owner nobody:nogroup -> nobody:root"
	[ "$(ns stat -c %u:%g /dev/shm/obj)" = 65534:0 ]

	run shmtool chown 0 "$id" /obj
	assert_success
	assert_line "posix /obj: owner nobody:root -> root:root"
	[ "$(ns stat -c %u:%g /dev/shm/obj)" = 0:0 ]

	run shmtool chown 4242:4343 "$id"
	assert_success
	assert_output "sysv $id: owner root:root -> 4242:4343"
	ns ipcs -m -i "$id" | grep -q 'uid=4242.*gid=4343'

	run shmtool chown -n nobody: "$id"
	assert_success
	assert_output "would change sysv $id: owner 4242:4343 -> nobody:nogroup"
	ns ipcs -m -i "$id" | grep -q 'uid=4242.*gid=4343'
}

@test "chown: unknown users and groups are usage errors" {
	local id
	id=$(shmtool create -s 4K)
	for a in nosuchuserxyz nosuchuserxyz:root root:nosuchgroupxyz :nosuchgroupxyz : ''; do
		run --separate-stderr shmtool chown "$a" "$id"
		assert_failure 2
		assert_output ''
		[[ $stderr == "shmtool: chown: "* ]]
	done
	run --separate-stderr shmtool chown root:nosuchgroupxyz "$id"
	[[ $stderr == *"nosuchgroupxyz: no such group" ]]
	ns ipcs -m -i "$id" | grep -q 'uid=0.*gid=0'
}

@test "chown and chmod: an unprivileged non-owner gets EPERM, nothing changes, exit 1" {
	local id before
	id=$(shmtool create -s 4K -m 644)
	shmtool create -s 4K -m 644 /obj >/dev/null
	before=$(ns ipcs -m -i "$id"; ns stat -c '%a %u %g' /dev/shm/obj)
	run --separate-stderr as_nobody "$SHMTOOL_BIN" chown nobody "$id" /obj
	assert_failure 1
	assert_output ''
	[[ $stderr == *"shmtool: chown: $id: permission denied"* ]]
	[[ $stderr == *"shmtool: chown: /obj: permission denied"* ]]
	run --separate-stderr as_nobody "$SHMTOOL_BIN" chmod 666 "$id" /obj
	assert_failure 1
	[[ $stderr == *"shmtool: chmod: $id: permission denied"* ]]
	[[ $stderr == *"shmtool: chmod: /obj: permission denied"* ]]
	[ "$before" = "$(ns ipcs -m -i "$id"; ns stat -c '%a %u %g' /dev/shm/obj)" ]
}

@test "chmod: an owner without read permission still changes the mode" {
	local id
	id=$(as_nobody "$HELPERS/mkseg" 4096 0 000)
	run as_nobody "$SHMTOOL_BIN" chmod 600 "$id"
	assert_success
	assert_output "sysv $id: mode 0000 -> 0600"
	[ "$(ipcs_perms "$id")" = 600 ]
}

@test "lock, unlock: ls STATUS shows and clears locked" {
	local id
	id=$(shmtool create -s 64K)
	run shmtool lock "$id"
	assert_success
	assert_output "sysv $id: locked"
	run shmtool ls -n --raw -o ID,STATUS
	assert_output "$id locked"
	run shmtool lock "$id"
	assert_output "sysv $id: locked (it already was)"
	run shmtool unlock "$id"
	assert_success
	assert_output "sysv $id: unlocked"
	run shmtool ls -n --raw -o ID,STATUS
	assert_output "$id -"
}

@test "lock: POSIX objects and memfds are refused with the reason" {
	local id mfd
	id=$(shmtool create -s 4K)
	shmtool create -s 4K /obj >/dev/null
	start_helper memfd m1
	mfd=$(shmtool ls --memfd --raw -n -o ID,NAME | awk '$2 == "m1" { print $1 }')
	run --separate-stderr shmtool lock /obj "$mfd" "$id"
	assert_failure 1
	assert_output "sysv $id: locked"
	[[ $stderr == *"shmtool: lock: /obj: only System V segments have SHM_LOCK"*"mlock(2)"* ]]
	[[ $stderr == *"shmtool: lock: $mfd: only System V"* ]]
	run --separate-stderr shmtool unlock /obj
	assert_failure 1
	[[ $stderr == *"mlock(2)"* ]]
}

@test "lock: the error names the limit that stopped it" {
	local mine root
	mine=$(as_nobody "$HELPERS/mkseg" 65536)
	root=$(shmtool create -s 4K)
	# an owner with RLIMIT_MEMLOCK 0 may not lock at all
	run --separate-stderr as_nobody bash -c 'ulimit -l 0 && exec "$@"' sh "$SHMTOOL_BIN" lock "$mine"
	assert_failure 1
	[[ $stderr == "shmtool: lock: $mine: permission denied: RLIMIT_MEMLOCK is 0 bytes"* ]]
	# an owner under a small one may lock no more than it
	run --separate-stderr as_nobody bash -c 'ulimit -l 4 && exec "$@"' sh "$SHMTOOL_BIN" lock "$mine"
	assert_failure 1
	[[ $stderr == *"$mine: locking its 65536 bytes would pass RLIMIT_MEMLOCK (4096 bytes"* ]]
	# not the owner: ownership or CAP_IPC_LOCK
	run --separate-stderr as_nobody "$SHMTOOL_BIN" lock "$root"
	assert_failure 1
	[[ $stderr == *"$root: permission denied: locking needs CAP_IPC_LOCK or to be the segment's owner"* ]]
	run shmtool ls -n --raw -o ID,STATUS
	assert_line "$mine -"
	assert_line "$root -"
}

@test "truncate: grows and shrinks a POSIX object" {
	shmtool create -s 4K /obj >/dev/null
	printf 'hello' | shmtool write /obj
	run shmtool truncate -s 1M /obj
	assert_success
	assert_output 'posix /obj: size 4096 -> 1048576'
	[ "$(ns stat -c %s /dev/shm/obj)" = 1048576 ]
	run shmtool truncate --size 3 /obj
	assert_success
	assert_output 'posix /obj: size 1048576 -> 3'
	[ "$(shmtool cat /obj)" = hel ]
	run shmtool truncate -n -s 0 /obj
	assert_success
	assert_output 'would change posix /obj: size 3 -> 0'
	[ "$(ns stat -c %s /dev/shm/obj)" = 3 ]
}

@test "truncate: a mapped object is not shrunk without --force, and the mappers are named" {
	local pid
	shmtool create -s 8K /obj >/dev/null
	start_helper hold map /dev/shm/obj
	pid=$(ns_pid_of hold)
	run --separate-stderr shmtool truncate -s 4K /obj
	assert_failure 1
	assert_output ''
	[[ $stderr == "shmtool: truncate: /obj: mapped by process $pid, which would get SIGBUS"*"--force" ]]
	[ "$(ns stat -c %s /dev/shm/obj)" = 8192 ]
	# growing is harmless
	run shmtool truncate -s 16K /obj
	assert_success
	run shmtool truncate -f -s 4K /obj
	assert_success
	assert_output 'posix /obj: size 16384 -> 4096'
	[ "$(ns stat -c %s /dev/shm/obj)" = 4096 ]
}

@test "truncate: memfds resize; a sealed one reports its seal; System V is refused" {
	local m s id
	start_helper memfd plain
	start_helper sealed tight
	m=$(shmtool ls --memfd --raw -n -o ID,NAME | awk '$2 == "plain" { print $1 }')
	s=$(shmtool ls --memfd --raw -n -o ID,NAME | awk '$2 == "tight" { print $1 }')
	id=$(shmtool create -s 4K)
	run --separate-stderr shmtool truncate -s 8K "$m" "$s" "$id"
	assert_failure 1
	assert_output "memfd $m: size 3 -> 8192"
	[[ $stderr == *"shmtool: truncate: $s: sealed (F_GET_SEALS: F_SEAL_SHRINK F_SEAL_GROW)"* ]]
	[[ $stderr == *"shmtool: truncate: $id: a System V segment's size is fixed when shmget makes it"* ]]
	run shmtool ls --memfd --raw -n -b -o TYPE,NAME,SIZE
	[ "$(awk '$1 == "memfd" { print $2, $3 }' <<<"$output" | sort)" = "plain 8192
tight 4096" ]
}

@test "truncate: -s is required, and sizes are checked" {
	shmtool create -s 4K /obj >/dev/null
	for a in "/obj" "-s 1Q /obj" "-s -1 /obj" "-s 9223372036854775808 /obj" "-s 4K"; do
		run --separate-stderr shmtool truncate $a
		assert_failure 2
		assert_output ''
		[[ $stderr == "shmtool: truncate: "* ]]
	done
	[ "$(ns stat -c %s /dev/shm/obj)" = 4096 ]
}

# The column names ls --help lists.
help_columns() {
	"$SHMTOOL_BIN" ls --help | awk '/^Columns:/{on=1;next} on && /^  [A-Z]/{print $1}'
}

@test "ls -O: every column in every output mode; JSON has every key" {
	shmtool create -s 4K 0x10 >/dev/null
	shmtool create -s 4K /obj >/dev/null
	local want
	want=$(help_columns | tr '\n' ' ')
	run shmtool ls -O
	assert_success
	[ "$(head -1 <<<"$output" | tr -s ' ' ' ')" = "${want% }" ]
	[ "${#lines[@]}" = 3 ]
	run shmtool ls --output-all --raw
	[ "$(head -1 <<<"$output")" = "${want% }" ]
	run shmtool ls -O --json
	assert_success
	diff <(help_columns | tr 'A-Z' 'a-z' | sort) <(jq -r '.segments[0] | keys[]' <<<"$output")
	diff <(help_columns | tr 'A-Z' 'a-z' | sort) <(jq -r '.segments[1] | keys[]' <<<"$output")
	run shmtool ls -O -P
	[ "$(head -1 <<<"$output" | grep -o '[A-Z_]*=' | tr -d '=_' | tr '\n' ' ')" = "$want" ]
	run --separate-stderr shmtool ls -O -o ID
	assert_failure 2
	[[ $stderr == *"--output and --output-all exclude each other"* ]]
}

@test "chmod, chown, truncate: a symlink or FIFO planted in /dev/shm is never followed" {
	local canary="$BATS_TEST_TMPDIR/canary" before
	printf 'root only' > "$canary"
	chmod 600 "$canary"
	as_nobody ln -s "$canary" /dev/shm/link
	as_nobody mkfifo /dev/shm/fifo
	before=$(stat -c '%a %u %g %s' "$canary")
	for args in "chmod 666" "chown nobody" "truncate -s 0" "truncate -f -s 1M"; do
		run --separate-stderr shmtool $args /link /fifo
		assert_failure 1
		assert_output ''
		[[ $stderr == *"/link: not a shared memory object"* ]]
		[[ $stderr == *"/fifo: not a shared memory object"* ]]
	done
	[ "$(stat -c '%a %u %g %s' "$canary")" = "$before" ]
	[ "$(cat "$canary")" = 'root only' ]
}

@test "chmod: a MODE starting with - is a MODE, as chmod(1) takes it" {
	local id
	id=$(shmtool create -s 4K -m 666)
	run shmtool chmod -w "$id"
	assert_success
	assert_output "sysv $id: mode 0666 -> 0444"
	run shmtool chmod -n -x,o-r "$id"
	assert_success
	assert_output "would change sysv $id: mode 0444 -> 0440"
	run shmtool chmod -- -r "$id"
	assert_success
	assert_output "sysv $id: mode 0444 -> 0000"
	run --separate-stderr shmtool chmod -Z "$id"
	assert_failure 2
	[[ $stderr == *"-Z: unknown option"* ]]
}
