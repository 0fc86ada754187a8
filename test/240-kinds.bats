#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Every kind of shared memory: anon, file, tmpfs mounts, GPU buffers, and a usage that adds up.

setup() { load 'test_helper/common-setup'; _common_setup; }
teardown() { _common_teardown; }

MIB=1048576

# The one anon row's ID, from ls --anon.
anon_id() {
	shmtool --pidns-only ls --anon -n --raw -o ID
}

@test "kinds: shared anonymous memory mapped by 4 processes is one anon row, RSS counted once" {
	start_helper anonzone share 64 10 3
	run shmtool --pidns-only ls --anon -b -n --raw -o TYPE,SIZE,NATTCH,RSS
	assert_success
	assert_output "anon $((64 * MIB)) 4 $((10 * MIB))"
	# the default listing stays System V + POSIX
	run shmtool ls -n --raw -o TYPE
	refute_output --partial anon
	local id
	id=$(anon_id)
	[[ "$id" =~ ^anon:[0-9]+:0x[0-9a-f]+$ ]]
	run shmtool --pidns-only stat "$id"
	assert_success
	assert_line --regexp '^type: +anon$'
	assert_line --regexp '^mapped: +4 processes$'
	[ "$(grep -c ' anonzone$' <<<"$output")" -eq 4 ]
	run shmtool --pidns-only cat -l 16 "$id"
	assert_success
	assert_output "anonzone says hi"
	run shmtool --pidns-only pages -J "$id"
	assert_success
	[ "$(jq '.pages[0].resident' <<<"$output")" -eq $((10 * MIB / $(getconf PAGESIZE))) ]
	run shmtool --pidns-only rm "$id"
	assert_failure 1
	assert_output --partial "shared anonymous memory has no name to remove"
	run shmtool --pidns-only ls --anon -n --raw -o NATTCH
	assert_output 4
	# its bytes are the processes': read, never written
	run ns sh -c "printf x | '$SHMTOOL_BIN' write '$id' -"
	assert_failure 1
	assert_output --partial "shared anonymous memory is only read by shmtool"
	run shmtool attach "$id"
	assert_failure 1
	assert_output --partial "attach it with -r"
	run shmtool --pidns-only cat -l 16 "$id"
	assert_output "anonzone says hi"
}

@test "kinds: anon:PID:0xADDR of any holder and any address inside names the same object" {
	start_helper anonzone share 4 1 1
	local id pid addr
	id=$(anon_id)
	pid=${id#anon:}; pid=${pid%%:*}
	addr=${id##*:}
	run shmtool --pidns-only stat -J "anon:$pid:$(printf '0x%x' $((addr + 4096)))"
	assert_success
	[ "$(jq -r '.segments[0].id' <<<"$output")" = "$id" ]
	run shmtool stat "anon:$pid:0x10"
	assert_failure 1
	run shmtool stat "anon:$pid:zz"
	assert_failure 2
	run shmtool stat "anon:0:0x10"
	assert_failure 2
}

@test "kinds: a disk file mapped MAP_SHARED by two processes is one file row, outside Shmem" {
	local f="$BATS_TEST_TMPDIR/mapped.db"
	head -c 3M /dev/urandom >"$f"
	[ "$(stat -f -c %T "$f")" != tmpfs ] || skip "the test directory is on a tmpfs"
	start_helper hold map "$f"
	start_helper hold map "$f"
	run shmtool --pidns-only ls --files -b -n --raw -o TYPE,SIZE,NATTCH,NAME
	assert_success
	assert_line "file $((3 * MIB)) 2 $f"
	local id
	id=$(shmtool --pidns-only ls --files -n --raw -o ID,NAME | awk -v f="$f" '$2 == f { print $1 }')
	[[ "$id" =~ ^file:[0-9]+:0x[0-9a-f]+$ ]]
	run shmtool --pidns-only cat -l 3 "$id"
	assert_output "$(head -c 3 "$f")"
	run shmtool --pidns-only rm "$id"
	assert_failure 1
	assert_output --partial "a mapped file is not shared memory to remove"
	run shmtool --pidns-only usage -b -J
	assert_success
	jq -e '.usage[] | select(.kind == "file") | .objects >= 1 and .size >= 3145728' <<<"$output"
	# the unexplained rest is Shmem minus the kinds in Shmem, file not among them
	jq -e '([.usage[] | select(.kind | IN("sysv","posix","memfd","anon","tmpfs","gpu")) | .rss] | add) as $in
		| (.usage[] | select(.kind == "Shmem") | .rss) as $shmem
		| (.usage[] | select(.kind == "unexplained") | .rss) == (if $shmem > $in then $shmem - $in else 0 end)' <<<"$output"
}

# usage -b -J as "kind=rss" lines, plus shmem=.
usage_rss() {
	shmtool --pidns-only usage -b -J | jq -r '.usage[] | "\(.kind)=\(.rss)"'
}

@test "kinds: usage grows by 32 MiB in each kind and the unexplained rest stays" {
	local dir="$BATS_TEST_TMPDIR/tz"
	mkdir "$dir"
	ns mount -t tmpfs -o size=64m kindzone "$dir"
	local try ok=0 k d
	# Shmem is the whole machine's: other work moves it, so a quiet moment is waited for.
	for try in 1 2 3 4 5 6; do
		declare -A before=() after=()
		while IFS== read -r k v; do before[$k]=$v; done < <(usage_rss)
		start_helper anonzone each 32 "$dir"
		while IFS== read -r k v; do after[$k]=$v; done < <(usage_rss)
		ns pkill -x anonzone
		ns sh -c 'while pgrep -x anonzone >/dev/null; do sleep 0.05; done'
		ns rm -f "$dir/anonzone" /dev/shm/anonzone
		for k in sysv posix memfd anon tmpfs; do
			d=$(( after[$k] - before[$k] - 32 * MIB ))
			[ "${d#-}" -le "$MIB" ] || { echo "$k grew by $(( after[$k] - before[$k] ))"; return 1; }
		done
		d=$(( after[Shmem] - before[Shmem] ))
		local u=$(( after[unexplained] - before[unexplained] ))
		echo "try $try: Shmem +$d, unexplained ${u}" >&3
		if [ "${u#-}" -lt "$MIB" ] && [ "$d" -ge $(( 160 * MIB - MIB )) ]; then
			ok=1
			break
		fi
	done
	[ "$ok" = 1 ]
}

@test "kinds: a captured /proc with DRM buffers gives the gpu line; an unreachable mount is named" {
	run "$SHMTOOL_BIN" --pidns-only --proc "$BATS_TEST_DIRNAME/data/proc-gpu" usage -b -J
	assert_success
	# 8 MiB "drm mm object" mapped by two processes counts once; 2 MiB i915;
	# 1 MiB + 64 KiB through /dev/dri; a private mapping is not shared
	[ "$(jq -c '.usage[] | select(.kind == "gpu") | [.objects, .rss]' <<<"$output")" = "[4,11599872]" ]
	jq -e '.notes[] | select(.note == "tmpfs 0:99 under /nonexistent/shmtool-captured cannot be reached: not measured")' <<<"$output"
	jq -e '.usage[] | select(.kind == "tmpfs") | .objects == 0' <<<"$output"
}

@test "kinds: a tmpfs hidden under another mount is named, not counted" {
	local dir="$BATS_TEST_TMPDIR/stack"
	mkdir "$dir"
	ns mount -t tmpfs -o size=8m under "$dir"
	ns dd if=/dev/zero of="$dir/f" bs=1M count=4 status=none
	local lower
	lower=$(ns stat -c '%d' "$dir")
	ns mount -t tmpfs -o size=8m over "$dir"
	local upper
	upper=$(ns stat -c '%d' "$dir")
	lower="$((lower >> 8 & 0xfff)):$(( (lower & 0xff) | (lower >> 12 & 0xfff00) ))"
	upper="$((upper >> 8 & 0xfff)):$(( (upper & 0xff) | (upper >> 12 & 0xfff00) ))"
	run shmtool --pidns-only usage --mounts
	assert_success
	assert_line "  tmpfs $lower under $dir, hidden by $upper: not measured"
	assert_line --regexp "^$lower +tmpfs +- +- +hidden by $upper +$dir\$"
	run shmtool --pidns-only usage -J --mounts
	jq -e --arg d "$lower" '.mounts[] | select(.device == $d) | .used == null' <<<"$output"
}

@test "kinds: ls --every lists every kind; metrics has them and the unexplained bytes" {
	start_helper anonzone each 1 -
	run shmtool --pidns-only ls --every -n --raw -o TYPE
	assert_success
	for k in sysv posix memfd anon; do
		assert_line "$k"
	done
	run shmtool --pidns-only metrics
	assert_success
	for k in sysv posix memfd anon tmpfs gpu file HugePages; do
		assert_line --regexp "^shmtool_resident_bytes\{type=\"$k\"\} [0-9]+$"
	done
	assert_line --regexp '^shmtool_unexplained_bytes [0-9]+$'
	assert_line --regexp '^shmtool_segment_size_bytes\{type="anon",id="anon:[0-9]+:0x[0-9a-f]+",'
}

@test "kinds: a System V segment on huge pages counts in HugePages, not in sysv" {
	local free size
	free=$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)
	size=$(awk '/^Hugepagesize:/ { print $2 * 1024 }' /proc/meminfo)
	[ "${free:-0}" -ge 1 ] || skip "no free huge page on this machine"
	local id
	id=$(shmtool create --hugetlb -s "$size") || skip "no huge page for System V here"
	attach "$id"
	run shmtool --pidns-only usage -b -J
	assert_success
	jq -e '.usage[] | select(.kind == "sysv") | .objects == 0' <<<"$output"
	jq -e '.usage[] | select(.kind == "HugePages") | .objects >= 1' <<<"$output"
}
