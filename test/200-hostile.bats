#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Root meets what an unprivileged user (nobody) planted in /dev/shm: symlinks
# to /etc/shadow and to a root-owned file outside /dev/shm, a dangling symlink,
# a FIFO, a directory, a socket, and regular files whose names carry newlines,
# quotes, $(...), backticks, invalid UTF-8 and terminal escapes.
#
# shmtool must list only the regular files, with their names escaped in every
# mode, never follow, block on or remove anything else, and never change a file
# outside /dev/shm. The namespace's /etc/shadow is a copy bind-mounted over the
# real one, so even a bug that followed a link could not reach the host's file;
# the host's file is checked too.
#
# Every shmtool run against a hostile object counts as a case; each test
# prints its count and the file prints the total.

setup_file() {
	: > "$BATS_FILE_TMPDIR/cases"
}

teardown_file() {
	local n
	n=$(awk '{ s += $1 } END { print s + 0 }' "$BATS_FILE_TMPDIR/cases")
	echo "# hostile: $n cases run" >&3
}

# Regular files nobody plants; shmtool lists them, escaped.
REGULAR=(
	$'nl\nx' "q\"uote's" '$(touch m1)' '`touch m2`' '"; touch m3; "'
	'${PATH:+$(touch m4)}' 'a" PATH="evil" B="' $'bad\xff\xfeutf' $'esc\e[31mred'
	$'osc\e]0;title\a' $'cls\e[2J\e[H' $'c1\xc2\x9bx' $'del\x7fx' $'tab\tx' $'cr\rx'
	'back\slash' 'sp ace' '-rf' 'ok-ütf8'
)
# What else nobody plants: never listed, never followed.
OTHER=(shadowlink rootlink dangle dirlink innerlink fifo dir sock sem.link $'evil\nlink')

setup() {
	load 'test_helper/common-setup'
	_common_setup
	[ "$(id -u)" = 0 ] || skip "needs root: objects are planted by another user"
	ROOTFILE="$BATS_TEST_TMPDIR/rootfile"
	printf 'root only\n' > "$ROOTFILE"
	chmod 600 "$ROOTFILE"
	CREATED="$BATS_TEST_TMPDIR/made-through-a-symlink" # must never appear
	DATA="$BATS_TEST_TMPDIR/data"
	printf 'pwned\n' > "$DATA"
	cp -p /etc/shadow "$BATS_TEST_TMPDIR/shadow"
	ns mount --bind "$BATS_TEST_TMPDIR/shadow" /etc/shadow
	plant
	BEFORE=$(fingerprint)
	HOST_BEFORE=$(host_fingerprint)
	CASES=0
}

teardown() {
	local host_changed=0
	# Whatever happened in the test, the host's /etc/shadow never changes.
	if [ -n "${HOST_BEFORE:-}" ] && [ "$(host_fingerprint)" != "$HOST_BEFORE" ]; then
		echo "the host's /etc/shadow changed"
		host_changed=1
	fi
	echo "${CASES:-0}" >> "$BATS_FILE_TMPDIR/cases"
	echo "# ${CASES:-0} hostile cases" >&3
	_common_teardown
	return "$host_changed"
}

as_nobody() {
	ns setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

plant() {
	as_nobody bash -c 'cd /dev/shm && for n; do truncate -s 4096 -- "$n" || exit 1; done' \
		plant "${REGULAR[@]}"
	as_nobody bash -c '
		cd /dev/shm || exit 1
		ln -s /etc/shadow shadowlink
		ln -s "$1" rootlink
		ln -s "$2" dangle
		ln -s /etc dirlink
		ln -s "sp ace" innerlink
		mkfifo fifo
		mkdir dir
		"$3/mksock" /dev/shm/sock
		ln -s /etc/shadow sem.link
		ln -s /etc/shadow "$(printf "evil\nlink")"
	' plant "$ROOTFILE" "$CREATED" "$HELPERS"
	[ "$(ns find /dev/shm -mindepth 1 -maxdepth 1 -user nobody -printf x | wc -c)" -eq $((${#REGULAR[@]} + ${#OTHER[@]})) ]
}

# The files outside /dev/shm, as the namespace sees them, and the planted
# non-regular entries.
fingerprint() {
	ns bash -c '
		sha256sum /etc/shadow "$1"
		stat -c "%n %s %a %u %g %Y %Z" /etc/shadow "$1"
		ls -la "$2" 2>&1
		cd /dev/shm && find . -mindepth 1 ! -type f -printf "%y %m %u %s %l %p\n" | sort
	' fp "$ROOTFILE" "$CREATED"
}

host_fingerprint() {
	sha256sum /etc/shadow
	stat -c "%n %s %a %u %g %Y %Z" /etc/shadow
}

# Text fit for a terminal: valid UTF-8, no control character but newline, no C1 control.
assert_clean() {
	local file=$1
	if LC_ALL=C grep -qa $'[\x01-\x09\x0b-\x1f\x7f]' "$file"; then
		echo "raw control character in:"; cat -v "$file"; return 1
	fi
	if ! iconv -f UTF-8 -t UTF-8 "$file" >/dev/null 2>&1; then
		echo "invalid UTF-8 in:"; cat -v "$file"; return 1
	fi
	if LC_ALL=C grep -qa $'\xc2[\x80-\x9f]' "$file"; then
		echo "C1 control in:"; cat -v "$file"; return 1
	fi
}

refute_other() {
	local file=$1 n
	for n in "${OTHER[@]}"; do
		n=${n%%$'\n'*}
		if LC_ALL=C grep -qaE -- "/${n//./\\.}([[:space:]\"]|\$)" "$file"; then
			echo "non-regular entry $(printf '%q' "$n") listed:"; cat -v "$file"; return 1
		fi
	done
}

assert_unchanged() {
	local now
	now=$(fingerprint)
	if [ "$now" != "$BEFORE" ]; then
		diff <(echo "$BEFORE") <(echo "$now")
		return 1
	fi
	[ "$(host_fingerprint)" = "$HOST_BEFORE" ]
}

ALL_COLS=TYPE,ID,KEY,OWNER,GROUP,PERMS,MODE,SIZE,RSS,SWAP,NATTCH,PIDS,STATUS,CPID,LPID,COMMAND,UID,GID,CUID,CGID,ATIME,DTIME,CTIME,MTIME,ALLOC,NAME

@test "hostile: ls in every mode lists only the regular files, escaped" {
	local out="$BATS_TEST_TMPDIR/out" mode args
	for mode in table raw export json; do
		for args in "" "--sem" "-o $ALL_COLS" "--posix --sem --memfd -b -o $ALL_COLS"; do
			case $mode in
			table) set -- ;;
			raw) set -- --raw ;;
			export) set -- --export ;;
			json) set -- --json ;;
			esac
			# shellcheck disable=SC2086
			run --separate-stderr shmtool ls "$@" $args
			CASES=$((CASES + 1))
			assert_success
			[ -z "$stderr" ]
			printf '%s\n' "$output" > "$out"
			assert_clean "$out"
			refute_other "$out"
			case $mode in
			table | raw)
				[ "$(grep -c '^posix ' "$out")" -eq ${#REGULAR[@]} ]
				[ "$(wc -l < "$out")" -eq $((${#REGULAR[@]} + 1)) ] ;;
			export)
				[ "$(wc -l < "$out")" -eq ${#REGULAR[@]} ] ;;
			json)
				[ "$(jq '.segments | length' "$out")" -eq ${#REGULAR[@]} ] ;;
			esac
		done
	done
	# --raw: a name never splits a row into more fields.
	run shmtool ls --raw -n
	CASES=$((CASES + 1))
	[ "$(awk '{ print NF }' <<<"$output" | sort -u)" = 8 ]
	# The sem.* link is left out with --sem too; no TYPE sem row at all.
	run shmtool ls --sem -n --raw -o TYPE
	CASES=$((CASES + 1))
	refute_line sem
	assert_unchanged
}

@test "hostile: JSON ids are the names, as exactly as JSON allows" {
	run --separate-stderr shmtool ls --json -o ID
	CASES=$((CASES + 1))
	assert_success
	local json=$output name got
	for name in "${REGULAR[@]}"; do
		case $name in
		*$'\xff'* | *$'\xc2\x9b'*)
			continue ;; # not valid UTF-8 / a C1 control: replaced, checked below
		esac
		got=$(jq -r --arg id "/$name" '[.segments[].id | select(. == $id)] | length' <<<"$json")
		[ "$got" = 1 ] || { echo "id for $(printf '%q' "$name") missing"; return 1; }
	done
	jq -e '[.segments[].id | select(startswith("/bad") and contains("\ufffd"))] | length == 1' <<<"$json"
	jq -e '[.segments[].id | select(startswith("/c1"))] | length == 1' <<<"$json"
	jq -e 'all(.segments[].id; startswith("/"))' <<<"$json"
}

@test "hostile: ls --export output evals without running anything" {
	local dir="$BATS_TEST_TMPDIR/eval" out="$BATS_TEST_TMPDIR/export"
	mkdir "$dir"
	run --separate-stderr shmtool ls --export -o "$ALL_COLS"
	CASES=$((CASES + 1))
	assert_success
	printf '%s\n' "$output" > "$out"
	# Line by line, then all at once; in sh and in bash; with nounset.
	(cd "$dir" && while IFS= read -r line; do eval "$line" || exit 1; done < "$out")
	(cd "$dir" && set -u && eval "$(cat "$out")")
	(cd "$dir" && sh -c 'set -u; while IFS= read -r line; do eval "$line" || exit 1; done' < "$out")
	CASES=$((CASES + 3))
	[ -z "$(ls -A "$dir")" ]
	# An eval sets only the columns' variables, to the names it printed.
	local path_before=$PATH ids=()
	while IFS= read -r line; do
		eval "$line"
		ids+=("$ID")
	done < "$out"
	[ "$PATH" = "$path_before" ]
	[ -z "${B+set}" ]
	printf '%s\n' "${ids[@]}" | grep -qxF '/$(touch m1)'
	printf '%s\n' "${ids[@]}" | grep -qxF '/`touch m2`'
	printf '%s\n' "${ids[@]}" | grep -qxF '/"; touch m3; "'
	printf '%s\n' "${ids[@]}" | grep -qxF '/a" PATH="evil" B="'
	printf '%s\n' "${ids[@]}" | grep -qxF "/q\"uote's"
	printf '%s\n' "${ids[@]}" | grep -qxF '/back\slash'
	printf '%s\n' "${ids[@]}" | grep -qxF '/ok-ütf8'
	assert_unchanged
}

@test "hostile: no command follows, blocks on or removes a symlink, FIFO, directory or socket" {
	local ops=(
		"cat SEG" "cat -x SEG" "cat -o 1 -l 1 SEG" "write SEG" "write SEG $DATA"
		"write -o 1 SEG -" "rm SEG" "rm -n SEG" "rm -q SEG" "stat SEG" "stat --json SEG"
		"stat --explain SEG" "pages SEG" "pages --json SEG" "attach SEG" "attach -r SEG"
		"create -s 4K SEG" "create -s 1 SEG" "create -x -s 4K SEG" "create -s 4K -m 0666 SEG"
	)
	local name op argv word bad=0 report="" why
	for name in "${OTHER[@]}"; do
		for op in "${ops[@]}"; do
			argv=()
			for word in $op; do
				[ "$word" = SEG ] && argv+=("/$name") || argv+=("$word")
			done
			run --separate-stderr ns timeout 5 "$SHMTOOL_BIN" "${argv[@]}" < "$DATA"
			CASES=$((CASES + 1))
			why=""
			[ "$status" = 1 ] || why+=" status $status, want 1;"
			[[ "$stderr" == "shmtool: ${argv[0]}: "* ]] || why+=" stderr $(printf '%q' "$stderr");"
			if [ "$op" = "stat --json SEG" ]; then
				[ "$(jq -c . <<<"$output")" = '{"segments":[]}' ] || why+=" stdout $(printf '%q' "$output");"
			else
				[ -z "$output" ] || why+=" stdout $(printf '%q' "$output");"
			fi
			if [ -n "$why" ]; then
				bad=$((bad + 1))
				report+="FAILED: shmtool $(printf '%q ' "${argv[@]}"):$why"$'\n'
			fi
		done
	done
	[ "$bad" = 0 ] || { printf '%s' "$report"; return 1; }
	# Selections never pick them either.
	local out="$BATS_TEST_TMPDIR/out" args
	for args in "rm -n --all" "rm -n --posix --all" "rm -n --orphaned" "rm -n --posix --orphaned --min-size 1" \
		"rm -n --all --min-size 0" "rm -n --all --user nobody"; do
		# shellcheck disable=SC2086
		run --separate-stderr ns timeout 5 "$SHMTOOL_BIN" --pidns-only $args
		CASES=$((CASES + 1))
		assert_success
		printf '%s\n' "$output" > "$out"
		refute_other "$out"
		[ "$(grep -c '^would remove posix /' "$out")" -eq ${#REGULAR[@]} ]
	done
	assert_unchanged
}

@test "hostile: stat, cat, pages and write on every hostile name print it escaped" {
	local name out="$BATS_TEST_TMPDIR/out"
	for name in "${REGULAR[@]}"; do
		for args in "stat" "stat --explain" "pages"; do
			# shellcheck disable=SC2086
			run --separate-stderr shmtool $args "/$name"
			CASES=$((CASES + 1))
			assert_success
			printf '%s\n' "$output" > "$out"
			assert_clean "$out"
		done
		run --separate-stderr shmtool stat --json "/$name"
		CASES=$((CASES + 1))
		assert_success
		jq -e '.segments | length == 1' <<<"$output"
		printf 'data for %s' "$name" | shmtool write "/$name"
		run shmtool cat -l "$(printf 'data for %s' "$name" | wc -c)" "/$name"
		CASES=$((CASES + 2))
		assert_success
		[ "$output" = "data for $name" ]
	done
	assert_unchanged
}

@test "hostile: usage lists the hostile names escaped" {
	local out="$BATS_TEST_TMPDIR/out" args
	as_nobody bash -c 'cd /dev/shm && for n; do head -c 2M /dev/zero > "$n"; done' x "${REGULAR[@]}"
	for args in "" "-b" "--json"; do
		# shellcheck disable=SC2086
		run --separate-stderr shmtool usage $args
		CASES=$((CASES + 1))
		assert_success
		printf '%s\n' "$output" > "$out"
		assert_clean "$out"
		refute_other "$out"
	done
	jq -e . "$out" >/dev/null
	assert_unchanged
}

@test "hostile: metrics label values are valid UTF-8 without control characters" {
	local out="$BATS_TEST_TMPDIR/out"
	run --separate-stderr shmtool metrics --min-size 0
	CASES=$((CASES + 1))
	assert_success
	printf '%s\n' "$output" > "$out"
	assert_clean "$out"
	refute_other "$out"
	[ "$(grep -c '^shmtool_segment_size_bytes{type="posix"' "$out")" -eq ${#REGULAR[@]} ]
}

@test "hostile: rm --all removes every hostile regular file, says so escaped, and nothing else" {
	local out="$BATS_TEST_TMPDIR/out"
	run --separate-stderr shmtool rm -n --all
	CASES=$((CASES + 1))
	assert_success
	printf '%s\n' "$output" > "$out"
	assert_clean "$out"
	refute_other "$out"
	[ "$(grep -c '^would remove posix /' "$out")" -eq ${#REGULAR[@]} ]
	run --separate-stderr shmtool --pidns-only rm --posix --orphaned
	CASES=$((CASES + 1))
	assert_success
	printf '%s\n' "$output" > "$out"
	assert_clean "$out"
	[ "$(grep -c '^removed posix /' "$out")" -eq ${#REGULAR[@]} ]
	[ -z "$(ns find /dev/shm -mindepth 1 -type f)" ]
	[ "$(ns find /dev/shm -mindepth 1 ! -type f -printf x | wc -c)" -eq ${#OTHER[@]} ]
	run --separate-stderr shmtool rm --all
	CASES=$((CASES + 1))
	assert_success
	assert_output ''
	assert_unchanged
}

@test "hostile: errors about listed objects escape their names on stderr" {
	local out="$BATS_TEST_TMPDIR/err"
	run --separate-stderr ns setpriv --reuid=1000 --regid=1000 --clear-groups \
		"$SHMTOOL_BIN" rm --posix --all
	CASES=$((CASES + 1))
	assert_failure 1
	printf '%s\n' "$stderr" > "$out"
	assert_clean "$out"
	[ "$(grep -c '^shmtool: rm: /.*: permission denied$' "$out")" -eq ${#REGULAR[@]} ]
	[ "$(wc -l < "$out")" -eq ${#REGULAR[@]} ]
}

# nobody swaps /dev/shm/victim between a regular file, a symlink to a
# root-owned file and a FIFO as fast as it can, while root works on /victim.
@test "hostile: a name swapped under shmtool never leads it outside /dev/shm" {
	local target
	for target in "$ROOTFILE" /etc/shadow; do
		as_nobody "$HELPERS/flip" /dev/shm/victim "$target" 4 > "$BATS_TEST_TMPDIR/flips" &
		BG_PIDS+=($!)
		local i
		for i in $(seq 200); do
			ns test -e /dev/shm/victim -o -L /dev/shm/victim && break
			sleep 0.01
		done
		local end=$((SECONDS + 3)) runs=0 op
		local ops=("cat /victim" "cat -x /victim" "stat /victim" "stat --json /victim"
			"pages /victim" "create -s 4K -m 0666 /victim" "create -s 1 /victim"
			"rm -n /victim" "ls --posix" "write /victim" "rm /victim")
		while [ "$SECONDS" -lt "$end" ]; do
			for op in "${ops[@]}"; do
				# shellcheck disable=SC2086
				run ns timeout 5 "$SHMTOOL_BIN" $op < "$DATA"
				runs=$((runs + 1))
				[ "$status" -le 1 ] || { echo "shmtool $op: status $status: $output"; return 1; }
			done
		done
		wait "${BG_PIDS[-1]}"
		echo "# $target: $runs runs against $(cat "$BATS_TEST_TMPDIR/flips") swaps" >&3
		CASES=$((CASES + runs))
		ns rm -f /dev/shm/victim /dev/shm/victim.flip
		assert_unchanged
	done
}
