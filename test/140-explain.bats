#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later

setup() { load 'test_helper/common-setup'; _common_setup; }
teardown() { _common_teardown; }

# Lines that are fields ("label: value"), and lines that explain one (indented 8).
fields() { grep -cE '^[a-z]+: ' <<<"$1"; }
explanations() { grep -cE '^        [^ ]' <<<"$1"; }

@test "explain: stat gives one explanation line per field, for every kind" {
	local id plain explained
	id=$(shmtool create -s 64K 0x1234)
	attach "$id"
	shmtool create -s 1K /obj >/dev/null
	start_helper hold map /dev/shm/obj
	start_helper memfd learn
	local mid
	mid=$(shmtool ls --memfd -n --raw -o ID | grep '^memfd:')
	for seg in "$id" /obj "$mid"; do
		plain=$(shmtool stat "$seg")
		explained=$(shmtool stat --explain "$seg")
		[ "$(fields "$plain")" -ge 10 ]
		[ "$(fields "$explained")" -eq "$(fields "$plain")" ]
		[ "$(explanations "$explained")" -eq "$(fields "$plain")" ]
		# every field line is followed by its explanation
		awk '/^[a-z]+: / { want = 1; next } want { if ($0 !~ /^        [^ ]/ && $0 !~ /^  [0-9]/) exit 1; if ($0 ~ /^        /) want = 0 }' <<<"$explained"
	done
	run shmtool stat --explain "$id"
	assert_line --index 1 --partial 'System V segment'
	assert_output --partial 'shm_nattch'
	assert_output --partial '/proc/sysvipc/shm "rss"'
}

@test "explain: --json --explain is refused" {
	run --separate-stderr shmtool stat --json --explain 0
	assert_failure 2
	[[ "$stderr" == *"--explain is for people, --json for programs"* ]]
	run shmtool limits --json --explain
	assert_failure 2
}

@test "explain: ftok shows device, inode and PROJ bits and the key they make" {
	local f="$BATS_TEST_TMPDIR/f" key ino dev
	touch "$f"
	key=$("$HELPERS/ftok-ref" "$f" 65)
	ino=$(stat -c %i "$f")
	dev=$(stat -c %d "$f")
	run shmtool ftok --explain "$f" A
	assert_success
	assert_line --regexp "^inode: +$ino = 0x[0-9a-f]+ \(st_ino\): ftok keeps the low 16 bits  0x$(printf %04x $((ino & 0xffff)))$"
	assert_line --regexp "^device: .*low 8 bits  0x$(printf %02x $((dev & 0xff)))$"
	assert_line --regexp "^proj: +65 = 0x41 'A'"
	assert_output --partial 'PROJ(8)      DEV(8)  INO(16)'
	assert_output --partial "= key $key"
	assert_output --partial 'collide'
}

@test "explain: limits adds a line per resource" {
	run shmtool limits --explain
	assert_success
	for r in SHMMNI SHMALL SHMMAX SHMMIN DEVSHM; do
		[ "$(grep -c "^$r " <<<"$output")" -eq 2 ]
	done
}
