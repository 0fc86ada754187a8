#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later

setup() { load 'test_helper/common-setup'; _common_setup; }
teardown() { _common_teardown; }

ipcs_rows() {
	# key shmid owner perms bytes nattch [status]
	ns ipcs -m | awk '$1 ~ /^0x/ { print $2, $1, $3, $5, $6 }' | sort -n
}

@test "ls: agrees with ipcs -m for 50 mixed segments" {
	local i id ids=()
	for i in $(seq 1 50); do
		if [ $((i % 3)) -eq 0 ]; then
			id=$(mkseg $((i * 1000 + 1)))
		elif [ $((i % 5)) -eq 0 ]; then
			id=$(ns ipcmk -M $((i * 512)) -p 0600 | awk '{print $NF}')
		else
			id=$(mkseg $((i * 4096)) $((0x5000 + i * 7919)))
		fi
		ids+=("$id")
	done
	attach "${ids[4]}"
	attach "${ids[9]}"
	attach "${ids[9]}" ro
	attach "${ids[30]}"
	attach "${ids[49]}"
	attach "${ids[49]}"
	attach "${ids[49]}"
	run shmtool ls -b -o ID,KEY,OWNER,SIZE,NATTCH --raw -n
	assert_success
	[ "${#lines[@]}" -eq 50 ]
	diff <(ipcs_rows) <(printf '%s\n' "${lines[@]}" | sort -n)
	# and the attach counts really were mixed
	run shmtool ls -b -o NATTCH --raw -n
	assert_line '3'
	assert_line '2'
}

@test "ls: default table has headings and human sizes" {
	mkseg 1048576 0x1234 >/dev/null
	mkseg 1536 >/dev/null
	run shmtool ls
	assert_success
	assert_line --index 0 --regexp '^TYPE +ID +KEY +OWNER +PERMS +SIZE +NATTCH +STATUS$'
	assert_line --index 1 --regexp '^sysv +0 +0x00001234 +root +rw-r--r-- +1M +0 +-$'
	assert_line --index 2 --regexp '^sysv +1 +0x00000000 +root +rw-r--r-- +1.5K +0 +-$'
}

@test "ls: --json parses and has typed values" {
	local id
	id=$(mkseg 8192 0xabcd 600)
	attach "$id"
	ns touch /dev/shm/obj
	# Processes outside the test's PID namespace are unseen: an unmapped object's NATTCH is unknown.
	run shmtool ls --json -o ID,NATTCH
	echo "$output" | jq -e '.segments[1] | .id=="/obj" and .nattch==null'
	run shmtool ls -n -o ID,NATTCH
	assert_line --regexp '^/obj +\?$'
	run shmtool --pidns-only ls --json -o TYPE,ID,KEY,SIZE,NATTCH,STATUS,CTIME,ATIME,DTIME,MODE,UID
	assert_success
	echo "$output" | jq -e '.segments[0].size|type=="number"'
	echo "$output" | jq -e '.segments[0] | .type=="sysv" and .id==0 and .key=="0x0000abcd"
		and .size==8192 and .nattch==1 and .status==[] and .mode==384 and .uid==0'
	echo "$output" | jq -e '.segments[0].ctime | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}$")'
	echo "$output" | jq -e '.segments[0].dtime == null and (.segments[0].atime|type=="string")'
	echo "$output" | jq -e '.segments[1] | .type=="posix" and .id=="/obj" and .key==null and .nattch==0 and .status==null'
}

@test "ls: no rows is not an error" {
	run shmtool ls --json
	assert_success
	assert_output '{"segments":[]}'
	run shmtool ls -n
	assert_success
	assert_output ''
}

@test "ls: --export round-trips through eval" {
	mkseg 4096 0x1111 >/dev/null
	mkseg 12288 >/dev/null
	ns sh -c 'head -c 100 /dev/zero > "/dev/shm/we\"ird \$(echo pwned) \`x\` \\ name"'
	run shmtool --pidns-only ls -P -b -n -o TYPE,ID,KEY,SIZE,UID,GID,NATTCH
	assert_success
	[ "${#lines[@]}" -eq 3 ]
	local line got=()
	for line in "${lines[@]}"; do
		eval "$line"
		got+=("$TYPE|$ID|$KEY|$SIZE|$UID_|$GID_|$NATTCH")
	done
	[ "${got[0]}" = "sysv|0|0x00001111|4096|0|0|0" ]
	[ "${got[1]}" = "sysv|1|0x00000000|12288|0|0|0" ]
	[ "${got[2]}" = "posix|/we\"ird \$(echo pwned) \`x\` \\ name||100|0|0|0" ]
}

@test "ls: every column works in every output mode" {
	local id col mode
	id=$(mkseg 4096 0x77)
	attach "$id"
	ns touch /dev/shm/p
	local cols
	cols=$(shmtool ls --help | awk '/^Columns:/ {on=1; next} on && /^  [A-Z]/ {print $1}')
	[ "$(wc -w <<<"$cols")" -ge 22 ]
	for col in $cols; do
		for mode in "" --raw --export --json; do
			run shmtool ls -o "$col" $mode
			assert_success
		done
		run shmtool ls -o "$col" --json
		local key=${col,,}
		echo "$output" | jq -e --arg k "$key" '.segments | length == 2 and all(has($k))'
		run shmtool ls -n --raw -o "$col"
		[ "${#lines[@]}" -eq 2 ]
	done
	for col in TYPE ID KEY OWNER GROUP PERMS MODE SIZE RSS SWAP NATTCH STATUS CPID LPID COMMAND UID GID CUID CGID ATIME DTIME CTIME; do
		grep -qx "$col" <<<"$cols"
	done
}

@test "ls: -o is case-insensitive, +COL adds to the default" {
	mkseg 4096 0x10 >/dev/null
	run shmtool ls -o id,Size -b
	assert_success
	assert_line --index 0 --regexp '^ID +SIZE$'
	run shmtool ls -o +cpid -n --raw
	assert_success
	assert_output --regexp '^sysv 0 0x00000010 root rw-r--r-- 4K 0 - [0-9]+$'
}

@test "ls: unknown column is a usage error naming it" {
	run --separate-stderr shmtool ls -o ID,NOPE
	assert_failure 2
	assert_output ''
	[[ "$stderr" == "shmtool: ls: NOPE: unknown column"* ]]
	run shmtool ls -s NOPE
	assert_failure 2
	run shmtool ls -o ''
	assert_failure 2
}

@test "ls: conflicting output modes and stray arguments are usage errors" {
	run shmtool ls --json --raw
	assert_failure 2
	run shmtool ls 0
	assert_failure 2
}

@test "ls: a dest-marked segment shows status dest and key 0" {
	local id
	id=$(mkseg 4096 0x4242)
	attach "$id"
	ns ipcrm -m "$id"
	run shmtool ls -n --raw -o ID,KEY,STATUS,NATTCH
	assert_success
	assert_output "$id 0x00000000 dest 1"
	ns ipcs -m | grep -q dest
	run shmtool ls --json -o STATUS
	echo "$output" | jq -e '.segments[0].status == ["dest"]'
	run shmtool ls --dest -n --raw -o ID
	assert_output "$id"
}

@test "ls: --sort orders by value, --reverse reverses" {
	mkseg 3000 >/dev/null
	mkseg 1000000 >/dev/null
	mkseg 20 >/dev/null
	run shmtool ls -n --raw -o ID -s SIZE
	assert_output $'2\n0\n1'
	run shmtool ls -n --raw -o ID -s size --reverse
	assert_output $'1\n0\n2'
	run shmtool ls -n --raw -o ID --reverse
	assert_output $'2\n1\n0'
}

@test "ls: POSIX objects by name; semaphores only with --sem; non-files skipped" {
	ns sh -c 'head -c 5000 /dev/zero > /dev/shm/b; touch /dev/shm/a /dev/shm/sem.lock;
		mkdir /dev/shm/dir; mkfifo /dev/shm/fifo; ln -s /etc/passwd /dev/shm/link'
	run shmtool ls -n --raw -o TYPE,ID,SIZE -b
	assert_success
	assert_output $'posix /a 0\nposix /b 5000'
	run shmtool ls --sem --posix -n --raw -o TYPE,ID
	assert_output $'posix /a\nposix /b\nsem /sem.lock'
	mkseg 10 >/dev/null
	run shmtool ls --sysv -n --raw -o TYPE
	assert_output 'sysv'
}

@test "ls: hostile names are escaped in table, raw and JSON" {
	ns sh -c "touch \"/dev/shm/\$(printf 'a b\\033[31mred\\nnl\\377')\""
	run shmtool ls -n --raw -o ID
	assert_output '/a\x20b\x1b[31mred\x0anl\xff'
	run shmtool ls -n -o ID
	assert_output '/a b\x1b[31mred\x0anl\xff'
	run shmtool ls --json -o ID
	echo "$output" | jq -e '.segments[0].id == "/a b\u001b[31mred\nnl\ufffd"'
}

@test "ls: filters --min-size, --user, --unused-for, --orphaned combine" {
	mkseg 100 >/dev/null
	local big
	big=$(mkseg 2000000 0x99)
	ns setpriv --reuid=65534 --regid=65534 --clear-groups "$HELPERS/mkseg" 5000000 >/dev/null
	run shmtool ls -n --raw -o ID --min-size 1M
	assert_output $'1\n2'
	run shmtool ls -n --raw -o ID --min-size 1M --user 65534
	assert_output '2'
	run shmtool ls -n --raw -o ID --user nobody
	assert_output '2'
	run shmtool ls -n --raw -o ID --unused-for 1h
	assert_output ''
	run shmtool ls -n --raw -o ID --unused-for 0s
	assert_output $'0\n1\n2'
	# the creators (mkseg) are gone; an attached one is not orphaned
	attach "$big"
	# --pidns-only: the test's PID namespace is all there is (see 100-holders)
	run shmtool --pidns-only ls -n --raw -o ID --orphaned
	assert_output $'0\n2'
}

@test "ls: bad filter values are usage errors naming the value" {
	run --separate-stderr shmtool ls --min-size 12Q
	assert_failure 2
	[[ "$stderr" == "shmtool: ls: 12Q: not a valid size"* ]]
	run --separate-stderr shmtool ls --min-size 99999999999999999999
	assert_failure 2
	[[ "$stderr" == *"too large"* ]]
	run shmtool ls --min-size 20000000T
	assert_failure 2
	run --separate-stderr shmtool ls --unused-for 3y
	assert_failure 2
	[[ "$stderr" == "shmtool: ls: 3y: not a valid duration"* ]]
	run --separate-stderr shmtool ls --user no-such-user-xyz
	assert_failure 2
	[[ "$stderr" == "shmtool: ls: no-such-user-xyz: no such user" ]]
}

@test "ls: size suffixes are powers of 1024 and 1000" {
	mkseg 1000 >/dev/null
	mkseg 1024 >/dev/null
	run shmtool ls -n --raw -o ID --min-size 1KB
	assert_output $'0\n1'
	run shmtool ls -n --raw -o ID --min-size 1K
	assert_output '1'
	run shmtool ls -n --raw -o ID --min-size 1KiB
	assert_output '1'
}

@test "ls: COMMAND names a live creator only" {
	ns sh -c 'exec ipcmk -M 4096' >/dev/null
	run shmtool ls -n --raw -o COMMAND,CPID
	assert_output --regexp '^- [0-9]+$'
}

@test "ls: 64-bit sizes print exactly" {
	cat > "$BATS_TEST_TMPDIR/shm" <<-'T'
	       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap
	         1          1   600  18446744073692774399     1     1      0     0     0     0     0          0          0          1                     0                     0
	T
	mkdir -p "$BATS_TEST_TMPDIR/p/sysvipc"
	mv "$BATS_TEST_TMPDIR/shm" "$BATS_TEST_TMPDIR/p/sysvipc/shm"
	run "$SHMTOOL_BIN" --proc "$BATS_TEST_TMPDIR/p" ls --sysv --json -o SIZE
	assert_success
	[[ "$output" == *'"size":18446744073692774399}'* ]]
	run "$SHMTOOL_BIN" --proc "$BATS_TEST_TMPDIR/p" ls --sysv -n -o SIZE
	assert_output '16E'
}

@test "ls: C1 and bidi controls are escaped bytes in text, U+FFFD per byte in JSON" {
	ns sh -c 'cd /dev/shm && : > "$(printf "c\302\205d")" && : > "$(printf "e\342\200\256f")" &&
		: > "$(printf "g\342\201\246h")"'
	run shmtool ls --posix -n -o ID
	assert_success
	assert_output $'/c\\xc2\\x85d\n/e\\xe2\\x80\\xaef\n/g\\xe2\\x81\\xa6h'
	run shmtool ls --posix -n --raw -o ID
	assert_output $'/c\\xc2\\x85d\n/e\\xe2\\x80\\xaef\n/g\\xe2\\x81\\xa6h'
	run shmtool ls --posix -J -o ID
	assert_output --partial '{"id":"/c\ufffd\ufffdd"}'
	assert_output --partial '{"id":"/e\ufffd\ufffd\ufffdf"}'
	assert_output --partial '{"id":"/g\ufffd\ufffd\ufffdh"}'
	# error messages too
	run --separate-stderr shmtool stat "$(printf '/x\342\200\256y')"
	assert_failure 1
	[ "$stderr" = 'shmtool: stat: /x\xe2\x80\xaey: no such segment' ]
}

@test "ls: an empty text prints - in the table and --raw, so read splits right" {
	start_helper memfd ''
	run shmtool ls --memfd -n --raw -o TYPE,NAME,SIZE -b
	assert_success
	assert_output 'memfd - 3'
	local type name size
	read -r type name size <<<"$output"
	[ "$size" = 3 ]
	run shmtool ls --memfd -n -o NAME,SIZE -b
	assert_output '- 3'
	run shmtool ls --memfd -n -P -o NAME
	assert_output 'NAME=""'
	run shmtool ls --memfd -J -o NAME
	assert_output --partial '{"name":""}'
}

@test "ls: a column given twice is a usage error naming it" {
	shmtool create -s 4K >/dev/null
	run --separate-stderr shmtool ls -J -o ID,SIZE,id
	assert_failure 2
	assert_output ''
	[ "$stderr" = 'shmtool: ls: id: column given twice' ]
	run --separate-stderr shmtool ls -o +TYPE
	assert_failure 2
	[ "$stderr" = 'shmtool: ls: TYPE: column given twice (+COL adds to the default columns)' ]
	run shmtool ls -J -o ID,SIZE
	assert_success
}

@test "ls: wide (CJK) and combining characters keep the table aligned" {
	ns sh -c 'cd /dev/shm && : > 表表 && : > abcd && : > x && : > "$(printf "e\314\201")"'
	run shmtool ls --posix -o ID,SIZE,OWNER
	assert_success
	assert_output "$(printf '%s\n' 'ID    SIZE OWNER' '/abcd   0B root' $'/e\314\201      0B root' \
		'/x      0B root' '/表表   0B root')"
}

@test "ls: --reverse keeps rows the sort column does not apply to last; IDs are left-aligned" {
	shmtool create -s 4K 0x10 >/dev/null
	shmtool create -s 8K 0x20 >/dev/null
	shmtool create -s 1 /p >/dev/null
	local i
	for i in $(seq 2 11); do shmtool create -s 1 >/dev/null; done
	run shmtool ls -n --raw -o ID,KEY -s KEY --reverse
	assert_success
	assert_line --index 0 '1 0x00000020'
	assert_line --index 1 '0 0x00000010'
	assert_line --index 12 '/p -'
	run shmtool ls -n --raw -o ID,KEY -s KEY
	assert_line --index 12 '/p -'
	# ID holds names too: left-aligned, numbers or not
	run shmtool ls -b -o ID,SIZE
	assert_line --index 0 'ID SIZE'
	assert_line --index 1 '0  4096'
	assert_line --index 3 '2     1'
	assert_line --index 12 '11    1'
	assert_line --index 13 '/p    1'
}
