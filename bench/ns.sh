#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/ns.sh SHMTOOL HELPERDIR: `shmtool ls -A` over NS namespaces (default
# 20) of SEGS System V segments each (default 500), against the loop admins
# run today: for p in PIDS; do nsenter -t $p -i ipcs -m; done. Both are timed
# alternately in the same run, BENCH_RUNS rounds (default 7); medians, and the
# loop's time over shmtool's (above 1: shmtool is faster). `make bench-ns`
# runs it as root in private IPC, mount and PID namespaces.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: bench/ns.sh SHMTOOL HELPERDIR" >&2; exit 2; }
SHMTOOL=$(realpath "$1")
H=$(realpath "$2")
NS=${BENCH_NS:-20}
SEGS=${BENCH_SEGS:-500}
RUNS=${BENCH_RUNS:-7}
[ "$(id -u)" = 0 ] || { echo "bench: needs root" >&2; exit 1; }
[ -x "$H/mkmany" ] || { echo "bench: missing $H/mkmany" >&2; exit 1; }
tmp=$(mktemp -d)
pids=()
targets=()
cleanup() {
	# Each sleeper is init of its PID namespace: only SIGKILL reaches it.
	kill -KILL "${targets[@]}" 2>/dev/null || true
	kill "${pids[@]}" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
for i in $(seq "$NS"); do
	unshare --ipc --mount --pid --fork --propagation private sh -c \
		'mount -t tmpfs -o size=1m c /dev/shm && "$1" "$2" && : > "$3" && exec sleep 100000' \
		sh "$H/mkmany" "$SEGS" "$tmp/ready.$i" 2>"$tmp/err.$i" &
	pids+=($!)
done
for i in $(seq "$NS"); do
	for _ in $(seq 500); do [ -e "$tmp/ready.$i" ] && break; sleep 0.01; done
	[ -e "$tmp/ready.$i" ] || { echo "bench: namespace $i did not come up" >&2; cat "$tmp/err.$i" >&2; exit 1; }
done
# One process of each namespace: the sleepers.
mapfile -t targets < <(for p in "${pids[@]}"; do pgrep -P "$p"; done)
[ "${#targets[@]}" -eq "$NS" ] || { echo "bench: found ${#targets[@]} namespaces, want $NS" >&2; exit 1; }
rows=$("$SHMTOOL" ls -A --sysv -n --raw -o ID | wc -l)
[ "$rows" -ge $((NS * SEGS)) ] || { echo "bench: ls -A listed $rows segments, want $((NS * SEGS))" >&2; exit 1; }

now() { date +%s%N; }
shm_ls() { "$SHMTOOL" ls -A --sysv >/dev/null; }
loop() { for p in "${targets[@]}"; do nsenter -t "$p" -i ipcs -m; done >/dev/null; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
: > "$tmp/a"; : > "$tmp/b"
shm_ls; loop # warm-up
for r in $(seq "$RUNS"); do
	t0=$(now); shm_ls; t1=$(now); loop; t2=$(now)
	echo $(((t1 - t0) / 1000)) >> "$tmp/a"
	echo $(((t2 - t1) / 1000)) >> "$tmp/b"
done
a=$(median < "$tmp/a")
b=$(median < "$tmp/b")
printf '%-44s %10s\n' "case: $NS namespaces x $SEGS segments" "median"
printf '%-44s %8.1f ms\n' "shmtool ls -A --sysv" "$(echo "$a / 1000" | bc -l)"
printf '%-44s %8.1f ms\n' "for p in PIDS; do nsenter -t \$p -i ipcs -m" "$(echo "$b / 1000" | bc -l)"
ratio=$(echo "$b / $a" | bc -l)
printf 'ratio (loop / shmtool): %.1fx, target 5x: %s\n' "$ratio" \
	"$(echo "$ratio >= 5" | bc -l | sed 's/1/PASS/; s/0/MISS/')"
trap - EXIT
cleanup
exit 0
