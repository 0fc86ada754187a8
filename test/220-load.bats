#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Many objects: 32,000 System V segments (kernel.shmmni raised inside the
# test's IPC namespace) and 10,000 POSIX objects, made by one C helper each.
# ls counts them exactly and agrees with ipcs, stat finds any of them, and
# the peak RSS of `shmtool ls` stays under 16 MiB (measured with GNU time,
# from the `time` package). Each test prints the figures it measured.

NSYSV=32000
NPOSIX=10000
KEYBASE=0x10000000
RSS_LIMIT_KIB=16384

setup() {
	load 'test_helper/common-setup'
	_common_setup
	[ -x /usr/bin/time ] || fail "needs GNU time at /usr/bin/time (apt-get install time)"
}
teardown() { _common_teardown; }

make_sysv() {
	ns sysctl -q -w kernel.shmmni=32768
	read -r FIRST LAST < <(ns "$HELPERS/mkmany" sysv "$NSYSV" "$KEYBASE")
	[ -n "$LAST" ]
}

make_posix() {
	read -r PFIRST PLAST < <(ns "$HELPERS/mkmany" posix "$NPOSIX" obj.)
	[ -n "$PLAST" ]
}

# Peak RSS in KiB of shmtool ARGS... (its output is thrown away).
peak_rss() {
	local f="$BATS_TEST_TMPDIR/rss"
	ns /usr/bin/time -f %M -o "$f" "$SHMTOOL_BIN" "$@" > /dev/null
	cat "$f"
}

# Peak RSS of ls in every output mode; each under the limit.
check_rss() {
	local what=$1 args kib report=""
	# A sanitizer's shadow memory is not the tool's: no bound to check there.
	if "$SHMTOOL_BIN" --version | grep -q Sanitizer; then
		echo "# peak RSS not checked: sanitizer build" >&3
		return 0
	fi
	for args in "" "--raw" "--json" "--export" "-b -o +GROUP,MODE,CPID,LPID,ATIME,CTIME"; do
		# shellcheck disable=SC2086
		kib=$(peak_rss ls $args)
		report+=" ls${args:+ $args}: $kib KiB;"
		[ "$kib" -lt "$RSS_LIMIT_KIB" ] || { echo "$what: ls $args peaked at $kib KiB"; return 1; }
	done
	echo "# peak RSS with $what:$report" >&3
}

stat_id() {
	local id=$1 key=$2
	run --separate-stderr shmtool stat "$id"
	assert_success
	assert_line --regexp "^id: +$id$"
	assert_line --regexp "^key: +$key$"
	run --separate-stderr shmtool stat "$key"
	assert_success
	assert_line --regexp "^id: +$id$"
}

@test "load: 32,000 System V segments: ls counts them, agrees with ipcs, stat finds any" {
	local t0=$SECONDS
	make_sysv
	[ "$(ns cat /proc/sys/kernel/shmmni)" = 32768 ]
	local out="$BATS_TEST_TMPDIR/ls" ipcs="$BATS_TEST_TMPDIR/ipcs"
	ns "$SHMTOOL_BIN" ls -n --raw -o ID -b > "$out"
	[ "$(wc -l < "$out")" -eq "$NSYSV" ]
	# Ascending ids, the same set ipcs sees.
	sort -n -c "$out"
	ns ipcs -m | awk '/^0x/ { print $2 }' | sort -n > "$ipcs"
	[ "$(wc -l < "$ipcs")" -eq "$NSYSV" ]
	cmp "$out" "$ipcs"
	[ "$(head -n 1 "$out")" = "$FIRST" ] && [ "$(tail -n 1 "$out")" = "$LAST" ]
	# Keys in order, every one of them.
	ns "$SHMTOOL_BIN" ls -n --raw -o KEY --sysv > "$out"
	[ "$(wc -l < "$out")" -eq "$NSYSV" ]
	[ "$(sort -u "$out" | wc -l)" -eq "$NSYSV" ]
	[ "$(head -n 1 "$out")" = 0x10000000 ] && [ "$(tail -n 1 "$out")" = 0x10007cff ]
	# JSON says the same.
	ns "$SHMTOOL_BIN" ls --json --sysv -o ID > "$out"
	[ "$(jq '.segments | length' "$out")" -eq "$NSYSV" ]
	# stat: the first, the last and one in the middle, by id and by key.
	local mid
	mid=$(sed -n "$((NSYSV / 2 + 1))p" "$ipcs")
	stat_id "$FIRST" 0x10000000
	stat_id "$LAST" 0x10007cff
	stat_id "$mid" "$(printf '0x%08x' $((KEYBASE + NSYSV / 2)))"
	run --separate-stderr shmtool stat --json "$FIRST" "$mid" "$LAST"
	assert_success
	[ "$(jq -c '[.segments[].id]' <<<"$output")" = "[$FIRST,$mid,$LAST]" ]
	check_rss "$NSYSV System V segments"
	echo "# $NSYSV segments: made, listed and checked in $((SECONDS - t0)) s" >&3
}

@test "load: 10,000 POSIX objects: ls counts them, stat finds any" {
	local t0=$SECONDS
	make_posix
	local out="$BATS_TEST_TMPDIR/ls" mid
	ns "$SHMTOOL_BIN" ls -n --raw -o ID -b > "$out"
	[ "$(wc -l < "$out")" -eq "$NPOSIX" ]
	[ "$(head -n 1 "$out")" = "$PFIRST" ] && [ "$(tail -n 1 "$out")" = "$PLAST" ]
	diff "$out" <(ns ls /dev/shm | sed 's|^|/|')
	ns "$SHMTOOL_BIN" ls --json -o ID,SIZE > "$out"
	[ "$(jq '[.segments[] | select(.size == 0)] | length' "$out")" -eq "$NPOSIX" ]
	mid=/obj.0$((NPOSIX / 2))
	for id in "$PFIRST" "$mid" "$PLAST"; do
		run --separate-stderr shmtool stat "$id"
		assert_success
		assert_line --regexp "^id: +$id$"
	done
	run --separate-stderr shmtool stat --json "$PFIRST" "$mid" "$PLAST"
	assert_success
	[ "$(jq -c '[.segments[].id]' <<<"$output")" = "[\"$PFIRST\",\"$mid\",\"$PLAST\"]" ]
	check_rss "$NPOSIX POSIX objects"
	echo "# $NPOSIX objects: made, listed and checked in $((SECONDS - t0)) s" >&3
}

@test "load: both at once: counts add up, memory stays bounded" {
	local t0=$SECONDS
	make_sysv
	make_posix
	local out="$BATS_TEST_TMPDIR/ls"
	ns "$SHMTOOL_BIN" ls -n --raw -o TYPE -b > "$out"
	[ "$(grep -c '^sysv$' "$out")" -eq "$NSYSV" ]
	[ "$(grep -c '^posix$' "$out")" -eq "$NPOSIX" ]
	[ "$(wc -l < "$out")" -eq $((NSYSV + NPOSIX)) ]
	run --separate-stderr shmtool usage --json
	assert_success
	[ "$(jq '.usage[] | select(.kind == "sysv") | .objects' <<<"$output")" -eq "$NSYSV" ]
	[ "$(jq '.usage[] | select(.kind == "posix") | .objects' <<<"$output")" -eq "$NPOSIX" ]
	run --separate-stderr shmtool rm -n --all
	assert_success
	[ "${#lines[@]}" -eq $((NSYSV + NPOSIX)) ]
	check_rss "$NSYSV segments and $NPOSIX objects"
	local kib
	kib=$(peak_rss metrics --min-size 0)
	echo "# peak RSS of metrics --min-size 0: $kib KiB; usage: $(peak_rss usage) KiB" >&3
	"$SHMTOOL_BIN" --version | grep -q Sanitizer || [ "$kib" -lt "$RSS_LIMIT_KIB" ]
	echo "# both: made, listed and checked in $((SECONDS - t0)) s" >&3
}
