#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# shmtool while segments and objects come and go under it: a C helper (churn)
# and a shell loop create and remove System V segments and POSIX objects as
# fast as they can, while ls, stat, rm, usage and metrics run again and again.
# Nothing may crash (exit status 0 or 1 only), print a malformed row or JSON
# that does not parse, or report a vanished SEGMENT as anything but gone.
# Each test prints its iteration counts.

setup() {
	load 'test_helper/common-setup'
	_common_setup
}
teardown() { _common_teardown; }

# Churns for SECONDS: the churn helper (64 live segments and objects, some
# attached, replaced in turn) and a shell loop whose segments outlive their
# creator (mkseg exits), so that some are orphaned.
start_churn() {
	local secs=$1 ready="$BATS_TEST_TMPDIR/churn-ready"
	ns "$HELPERS/churn" "$secs" "$ready" > "$BATS_TEST_TMPDIR/churn.out" 3>&- &
	BG_PIDS+=($!)
	CHURN_PID=$!
	ns bash -c '
		end=$((SECONDS + $1)); n=0; ids=()
		while [ "$SECONDS" -lt "$end" ]; do
			ids[n % 16]=$("$2/mkseg" $((4096 * (n % 3 + 1))))
			: > "/dev/shm/sh.$((n % 32))"
			ipcrm -m "${ids[(n + 8) % 16]:-0}" 2>/dev/null
			rm -f "/dev/shm/sh.$(((n + 16) % 32))"
			n=$((n + 1))
		done
		echo "$n" > "$3"
	' churn "$secs" "$HELPERS" "$BATS_TEST_TMPDIR/shell-churn.out" 3>&- &
	BG_PIDS+=($!)
	SHELL_CHURN_PID=$!
	wait_for_file "$ready" churn
}

# Waits for the churn to end; says how much it did.
churn_counts() {
	wait "$CHURN_PID" "$SHELL_CHURN_PID" || true
	CHURNED="churn made $(cat "$BATS_TEST_TMPDIR/churn.out" 2>/dev/null || echo '?') pairs,"
	CHURNED+=" the shell loop $(cat "$BATS_TEST_TMPDIR/shell-churn.out" 2>/dev/null || echo '?')"
}

# Fails, showing them, if lines of $output do not match ERE.
all_lines_match() {
	local bad
	bad=$(grep -vE -- "$1" <<<"$output" || true)
	[ -z "$bad" ] || { echo "$2: $(printf '%q' "$bad")"; return 1; }
}

# Exit status 0 or 1, nothing else (no crash, no hang, no usage error).
ok_status() {
	if [ "$status" -gt 1 ]; then
		echo "shmtool $*: exit status $status"
		echo "stdout: $output"
		echo "stderr: ${stderr:-}"
		return 1
	fi
}

SEG_ROW='^(sysv (0|[1-9][0-9]*)|posix /[^ /]+) (0|[1-9][0-9]*)$'
ALL_COLS=TYPE,ID,KEY,OWNER,GROUP,PERMS,MODE,SIZE,RSS,SWAP,NATTCH,PIDS,STATUS,CPID,LPID,COMMAND,UID,GID,CUID,CGID,ATIME,DTIME,CTIME,MTIME,ALLOC,NAME

@test "races: ls in every mode never crashes or prints a malformed row while objects come and go" {
	start_churn 9
	local end=$((SECONDS + 7)) iters=0 runs=0 failures=0 line first_err=""
	while [ "$SECONDS" -lt "$end" ]; do
		iters=$((iters + 1))

		run --separate-stderr shmtool ls --raw -n -o TYPE,ID,SIZE -b
		runs=$((runs + 1)); ok_status ls --raw; [ "$status" = 0 ] || failures=$((failures + 1))
		[ "$status" = 0 ] || first_err=${first_err:-$stderr}
		[ -z "$output" ] || all_lines_match "$SEG_ROW" "malformed row"

		run --separate-stderr shmtool ls --json
		runs=$((runs + 1)); ok_status ls --json; [ "$status" = 0 ] || failures=$((failures + 1))
		jq -e '.segments | all(.type == "sysv" or .type == "posix")' <<<"$output" >/dev/null ||
			{ echo "bad JSON: $output"; return 1; }

		run --separate-stderr shmtool ls --raw -o "$ALL_COLS"
		runs=$((runs + 1)); ok_status ls --raw -o ALL; [ "$status" = 0 ] || failures=$((failures + 1))
		[ "$(awk '{ print NF }' <<<"$output" | sort -u)" = 26 ] ||
			{ echo "rows of the wrong width: $output"; return 1; }

		run --separate-stderr shmtool ls -b
		runs=$((runs + 1)); ok_status ls; [ "$status" = 0 ] || failures=$((failures + 1))
		[[ "${lines[0]}" == "TYPE "*" STATUS" ]] || { echo "no header: $output"; return 1; }
		[ "$(awk 'NR > 1 { print NF }' <<<"$output" | sort -u)" = 8 ] ||
			{ echo "table rows of the wrong width: $output"; return 1; }

		run --separate-stderr shmtool ls --export -o TYPE,ID,SIZE,NATTCH
		runs=$((runs + 1)); ok_status ls --export; [ "$status" = 0 ] || failures=$((failures + 1))
		[ -z "$output" ] || all_lines_match \
			'^TYPE="(sysv|posix)" ID="[^"]+" SIZE="[0-9.]+[KMGT]?B?" NATTCH="([0-9]+|\?)"$' "export line"
	done
	churn_counts
	echo "# ls: $iters rounds, $runs runs, $failures exited 1 ($CHURNED)" >&3
	[ -z "$first_err" ] || echo "# first error: $first_err" >&3
}

@test "races: stat, cat and pages of ids that come and go: shown whole, or gone" {
	start_churn 8
	local end=$((SECONDS + 6)) iters=0 runs=0 gone=0 changed=0 ids id name n line
	while [ "$SECONDS" -lt "$end" ]; do
		iters=$((iters + 1))
		run shmtool ls --raw -n -o ID
		mapfile -t ids < <(grep -E '^[0-9]+$' <<<"$output" | shuf -n 4)
		[ "${#ids[@]}" -gt 0 ] || continue
		name=$(grep -m1 '^/churn' <<<"$output" || echo /churn.0)
		sleep 0.0$((RANDOM % 10))

		run --separate-stderr shmtool stat "${ids[@]}" "$name"
		runs=$((runs + 1)); ok_status stat
		# Each SEGMENT is either shown (an "id:" line) or reported gone, never both nor neither.
		for id in "${ids[@]}" "$name"; do
			n=$(grep -cxE "id: +$id" <<<"$output" || true)
			if grep -qxF "shmtool: stat: $id: no such segment" <<<"$stderr"; then
				[ "$n" = 0 ] || { echo "$id shown and gone"; return 1; }
				gone=$((gone + 1))
			else
				[ "$n" = 1 ] || { echo "$id neither shown nor gone: $output / $stderr"; return 1; }
			fi
		done
		output=$stderr all_lines_match '^(shmtool: stat: [^:]+: no such segment)?$' "stat stderr"
		if [ "$(grep -c ': no such segment$' <<<"$stderr")" -gt 0 ]; then
			[ "$status" = 1 ]
		else
			[ "$status" = 0 ]
		fi

		run --separate-stderr shmtool stat --json "${ids[@]}"
		runs=$((runs + 1)); ok_status stat --json
		n=$(jq '.segments | length' <<<"$output") || { echo "bad JSON: $output"; return 1; }
		[ $((n + $(grep -c 'no such segment' <<<"$stderr"))) -eq "${#ids[@]}" ] ||
			{ echo "stat --json: $n shown, stderr: $stderr"; return 1; }

		for id in "${ids[0]}" "$name"; do
			# A System V segment is at least 4K; a POSIX object may still be empty.
			if [[ "$id" == /* ]]; then
				run --separate-stderr shmtool cat -x "$id"
			else
				run --separate-stderr shmtool cat -x -l 16 "$id"
			fi
			runs=$((runs + 1)); ok_status cat
			whole_gone_or_changed cat "$id" || return 1
			run --separate-stderr shmtool pages "$id"
			runs=$((runs + 1)); ok_status pages
			whole_gone_or_changed pages "$id" || return 1
		done
	done
	churn_counts
	echo "# stat/cat/pages: $iters rounds, $runs runs, $gone SEGMENTs found gone," \
		"$changed changed while read ($CHURNED)" >&3
}

# What `shmtool CMD ID` (cat -x or pages) may do to an id that comes and goes,
# and nothing else: show it whole (exit 0), say it is gone, or say it changed
# size under the read (exit 1, one line naming it); counts gone and changed.
whole_gone_or_changed() {
	local cmd=$1 id=$2
	case $status:$stderr in
	"1:shmtool: $cmd: $id: no such segment")
		gone=$((gone + 1)); return 0 ;;
	"1:shmtool: $cmd: $id: it shrank while being read or written (another process truncated it)")
		[ -z "$output" ] || [ "$cmd" = cat ] || { echo "$cmd $id: changed, yet printed: $output"; return 1; }
		changed=$((changed + 1)); return 0 ;;
	0:)
		;;
	*)
		echo "$cmd $id: status $status, stderr: $stderr"; return 1 ;;
	esac
	# Whole: churn's objects are 0, 4K, 8K or 12K of zeros, its segments at
	# least 4K (16 bytes read); a hex dump ends with the offset it reached.
	case $cmd:$id in
	cat:/*)
		[ -z "$output" ] || [[ "${lines[-1]}" =~ ^0000[123]000$ ]] ;;
	cat:*)
		[ "${#lines[@]}" = 2 ] && [[ "${lines[0]}" == "00000000  "* ]] && [ "${lines[1]}" = 00000010 ] ;;
	pages:*)
		grep -qE '^[0-9]+ of [1-9][0-9]* pages resident ' <<<"$output" ||
			[[ "$id" == /* && "$output" == *"0 of 0 pages"* ]] ;;
	esac || { echo "$cmd $id: not whole: $output"; return 1; }
}

@test "races: rm --orphaned, usage and metrics while objects come and go" {
	start_churn 8
	local end=$((SECONDS + 6)) iters=0 runs=0 removed=0 line
	local rm_line='^(removed|would remove) (sysv [0-9]+ \(key 0x[0-9a-f]{8}\)|posix /[^ /]+)$'
	while [ "$SECONDS" -lt "$end" ]; do
		iters=$((iters + 1))
		# --pidns-only: the test's PID namespace is all there is (see 105-safety)
		run --separate-stderr shmtool --pidns-only rm -n --orphaned
		runs=$((runs + 1)); ok_status rm -n --orphaned
		[ -z "$output" ] || all_lines_match "$rm_line" "rm -n"

		run --separate-stderr shmtool --pidns-only rm --orphaned
		runs=$((runs + 1)); ok_status rm --orphaned
		[ -z "$output" ] || all_lines_match "$rm_line" "rm"
		[ -z "$output" ] || removed=$((removed + ${#lines[@]}))
		# What rm fails on can only have gone first.
		output=$stderr all_lines_match '^(shmtool: rm: [^:]+: no such segment)?$' "rm stderr"

		run --separate-stderr shmtool usage
		runs=$((runs + 1)); ok_status usage
		[[ "${lines[0]}" == KIND* ]] || { echo "usage: $output"; return 1; }
		run --separate-stderr shmtool usage --json
		runs=$((runs + 1)); ok_status usage --json
		jq -e '.usage | length >= 3' <<<"$output" >/dev/null || { echo "usage --json: $output"; return 1; }

		run --separate-stderr shmtool metrics --min-size 0
		runs=$((runs + 1)); ok_status metrics
		all_lines_match '^(# (HELP|TYPE) .*|shmtool_[a-z_]+(\{[a-z]+="[^"]*"(,[a-z]+="[^"]*")*\})? [0-9]+)$' metrics
	done
	churn_counts
	echo "# rm/usage/metrics: $iters rounds, $runs runs, $removed objects removed ($CHURNED)" >&3
}

# One loop makes and removes key K again and again (its ids written down as
# made); another runs shmtool rm K. Whatever rm says it removed must be a
# segment that held K: rm never resolves K and then removes another segment.
@test "races: rm by key removes only a segment that held the key" {
	local key=0x0000abcd made_ids="$BATS_TEST_TMPDIR/ids" first
	first=$(mkseg 4096 "$key")
	echo "$first" > "$made_ids"
	start_churn 7
	local ready="$BATS_TEST_TMPDIR/keyloop-ready"
	ns "$HELPERS/keyloop" "$key" 6 "$made_ids" "$ready" > "$BATS_TEST_TMPDIR/keyloop.out" 3>&- &
	BG_PIDS+=($!)
	local keyloop=$!
	wait_for_file "$ready" keyloop || true
	local end=$((SECONDS + 5)) tries=0 removed=0 gone=0 out="$BATS_TEST_TMPDIR/rm.out" form
	: > "$out"
	while [ "$SECONDS" -lt "$end" ]; do
		for form in "$key" key:43981 "key:$key"; do
			run --separate-stderr shmtool rm "$form"
			tries=$((tries + 1)); ok_status rm "$form"
			if [ "$status" = 0 ]; then
				[[ "$output" =~ ^removed\ sysv\ [0-9]+\ \(key\ $key\)$ ]] || { echo "rm: $output"; return 1; }
				echo "$output" >> "$out"
				removed=$((removed + 1))
			else
				[ "$stderr" = "shmtool: rm: $form: no such segment" ] || { echo "rm: $stderr"; return 1; }
				gone=$((gone + 1))
			fi
		done
	done
	wait "$keyloop"
	local made wrong
	made=$(cat "$BATS_TEST_TMPDIR/keyloop.out")
	wrong=$(awk 'NR == FNR { held[$1] = 1; next } !($3 in held) { print }' "$made_ids" "$out")
	churn_counts
	echo "# rm by key: $tries tries, $removed removed, $gone found gone; the key loop made $made segments ($CHURNED)" >&3
	[ "$removed" -gt 0 ]
	[ -z "$wrong" ] || { echo "removed a segment that never held $key: $wrong"; return 1; }
}

# The owner of a POSIX object truncates it to 0 and back while root reads and
# writes it: shmtool may fail (exit 1) but never dies of SIGBUS, and names the
# object, not stdout, when it fails.
@test "races: an object shrunk under cat, write and pages never crashes shmtool" {
	shmtool create -s 4M -m 0666 /shrink >/dev/null
	ns chown 65534:65534 /dev/shm/shrink
	ns setpriv --reuid=65534 --regid=65534 --clear-groups bash -c '
		end=$((SECONDS + 6))
		while [ "$SECONDS" -lt "$end" ]; do
			truncate -s 4M /dev/shm/shrink; truncate -s 0 /dev/shm/shrink
		done' 3>&- &
	BG_PIDS+=($!)
	local end=$((SECONDS + 5)) runs=0 failed=0 op
	while [ "$SECONDS" -lt "$end" ]; do
		for op in "cat -x" "cat" "pages" "write"; do
			# shellcheck disable=SC2086
			run --separate-stderr ns bash -c \
				'"$@" /shrink < <(head -c 1M /dev/zero) | wc -c >/dev/null; exit "${PIPESTATUS[0]}"' \
				sh "$SHMTOOL_BIN" $op
			runs=$((runs + 1))
			ok_status "$op"
			[ "$status" = 0 ] && [ -z "$stderr" ] && continue
			# Exit 1 with one line naming the object and the change: it shrank
			# under the read or write, or (write) the input no longer fits.
			local cmd=${op%% *} why
			why=${stderr#"shmtool: $cmd: /shrink: "}
			[ "$status" = 1 ] && [ "$why" != "$stderr" ] && [[ "$why" != *$'\n'* ]] &&
				case $cmd:$why in
				*:"it shrank while being read or written (another process truncated it)") ;;
				write:"input does not fit: "*) ;;
				*) false ;;
				esac || { echo "shmtool $op: status $status: $stderr"; return 1; }
			failed=$((failed + 1))
		done
	done
	echo "# shrinking object: $runs runs, $failed failed cleanly" >&3
}
