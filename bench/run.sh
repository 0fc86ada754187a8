#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/run.sh SHMTOOL HELPERDIR: shmtool against the usual tools.
#
# `make bench` runs this as root inside a private IPC and mount namespace
# (unshare --ipc --mount --propagation private), so the segments it makes and
# the tmpfs it mounts on /dev/shm are its own and go away with it.
# HELPERDIR holds the compiled bench/*.c: timeit, mkmany, attachwait, probe.
#
# Every case runs its commands BENCH_RUNS times (default 11) after one
# untimed warm-up round, alternating the commands within each round (and
# rotating which goes first). The table on stdout gives each command's median
# and each peer's ratio to shmtool in the same case (peer / shmtool: above 1
# means shmtool is faster). Progress goes to stderr.
set -euo pipefail

if [ $# -ne 2 ]; then
	echo "usage: bench/run.sh SHMTOOL HELPERDIR (as root, in a private IPC and mount namespace)" >&2
	exit 2
fi
SHMTOOL=$(realpath "$1")
H=$(realpath "$2")
RUNS=${BENCH_RUNS:-11}
export LC_ALL=C

die() { echo "bench: $*" >&2; exit 1; }
say() { echo "bench: $*" >&2; }

[ "$(id -u)" = 0 ] || die "needs root (unshare, mount, sysctl kernel.shmmni)"
# Refuse to wipe the machine's own segments: the IPC namespace must be private.
[ "$(readlink /proc/self/ns/ipc)" != "$(readlink /proc/1/ns/ipc)" ] ||
	die "not in a private IPC namespace; run it with 'make bench'"
for t in timeit mkmany attachwait probe; do
	[ -x "$H/$t" ] || die "missing helper $H/$t"
done

# What a system call and a page fault cost here: the machine's exchange rate.
PROBE=$("$H/probe") || die "probe failed"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
awk '{exit !($1 > 0.5)}' /proc/loadavg &&
	say "warning: load average $LOAD0 before the start; other work on the machine skews the numbers"
mount -t tmpfs -o mode=1777,size=3g shmtool-bench /dev/shm
sysctl -qw kernel.shmmni=32768

ATTACHERS=()
cleanup() {
	local pid
	for pid in "${ATTACHERS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
}
trap cleanup EXIT

nsysv() { echo $(($(wc -l < /proc/sysvipc/shm) - 1)); }
wipe_sysv() { ipcrm --all=shm; [ "$(nsysv)" = 0 ] || die "segments left after ipcrm --all=shm"; }
make_sysv() { "$H/mkmany" "$1" || die "mkmany $1 failed"; [ "$(nsysv)" = "$1" ] || die "mkmany $1 made $(nsysv)"; }

# --- one case: its commands, how to time them, the rows it adds -------------

# Rows of the final table.
ROW_CASE=() ROW_CMD=() ROW_MED=() ROW_RSS=() ROW_R1=() ROW_R2=() ROW_USR=() ROW_SYS=() ROW_FLT=()
# Medians (wall, user, system, minor faults) and peak RSS by "case|command", for the targets.
declare -A MED PEAK USR SYS FLT

CASE= PREP= POST=
C_LABEL=() C_ROLE=() C_ARGS=() C_OK=()

case_begin() { CASE=$1 PREP= POST= C_LABEL=() C_ROLE=() C_ARGS=() C_OK=(); }

# add ROLE LABEL [-ok CODES] [TIMEIT_OPTION...] -- COMMAND [ARG...]
# ROLE: 1 or 2 for the case's shmtool command(s), p for a peer.
# CODES: exit statuses that count as success (comma-separated; default 0).
add() {
	local role=$1 label=$2 ok=0
	shift 2
	if [ "$1" = -ok ]; then ok=$2; shift 2; fi
	C_ROLE+=("$role") C_LABEL+=("$label") C_OK+=(",$ok,")
	C_ARGS+=("$(printf '%q ' "$@")")
}

median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

measure() {
	local n=${#C_LABEL[@]} r k i out t rss st usr sys flt
	local -a times peak usrs syss flts
	say "$CASE: ${n} commands x ${RUNS} runs"
	for ((i = 0; i < n; i++)); do times[i]= peak[i]=0 usrs[i]= syss[i]= flts[i]=; done
	for ((r = 0; r <= RUNS; r++)); do # round 0 is the warm-up
		for ((k = 0; k < n; k++)); do
			i=$(((k + r) % n))
			[ -z "$PREP" ] || $PREP
			eval "out=\$(\"\$H/timeit\" ${C_ARGS[i]})"
			read -r t rss st usr sys flt <<<"$out"
			[[ ${C_OK[i]} == *",$st,"* ]] || die "$CASE: '${C_LABEL[i]}' exited $st"
			[ -z "$POST" ] || $POST
			((r > 0)) || continue
			times[i]+=" $t" usrs[i]+=" $usr" syss[i]+=" $sys" flts[i]+=" $flt"
			((rss <= peak[i])) || peak[i]=$rss
		done
	done
	local s1= s2= m
	for ((i = 0; i < n; i++)); do
		m=$(median <<<"${times[i]}")
		MED["$CASE|${C_LABEL[i]}"]=$m
		PEAK["$CASE|${C_LABEL[i]}"]=${peak[i]}
		USR["$CASE|${C_LABEL[i]}"]=$(median <<<"${usrs[i]}")
		SYS["$CASE|${C_LABEL[i]}"]=$(median <<<"${syss[i]}")
		FLT["$CASE|${C_LABEL[i]}"]=$(median <<<"${flts[i]}")
		case ${C_ROLE[i]} in 1) s1=$m ;; 2) s2=$m ;; esac
	done
	for ((i = 0; i < n; i++)); do
		m=${MED["$CASE|${C_LABEL[i]}"]}
		ROW_CASE+=("$CASE") ROW_MED+=("$m") ROW_RSS+=("${peak[i]}")
		ROW_USR+=("${USR["$CASE|${C_LABEL[i]}"]}") ROW_SYS+=("${SYS["$CASE|${C_LABEL[i]}"]}")
		ROW_FLT+=("${FLT["$CASE|${C_LABEL[i]}"]}")
		case ${C_ROLE[i]} in
		1) ROW_CMD+=("[1] ${C_LABEL[i]}") ROW_R1+=("") ROW_R2+=("") ;;
		2) ROW_CMD+=("[2] ${C_LABEL[i]}") ROW_R1+=("") ROW_R2+=("") ;;
		*)
			ROW_CMD+=("${C_LABEL[i]}")
			ROW_R1+=("$(awk -v p="$m" -v s="$s1" 'BEGIN {printf "%.2f", p / s}')")
			if [ -n "$s2" ]; then
				ROW_R2+=("$(awk -v p="$m" -v s="$s2" 'BEGIN {printf "%.2f", p / s}')")
			else
				ROW_R2+=("")
			fi
			;;
		esac
	done
}

# --- 1. listing 1,000 / 10,000 / 30,000 segments -------------------------------

for N in 1000 10000 30000; do
	wipe_sysv
	make_sysv "$N"
	case_begin "1 list $N sysv"
	add 1 "shmtool ls" "$SHMTOOL" ls
	add 2 "shmtool ls --json" "$SHMTOOL" ls --json
	add p "ipcs -m" ipcs -m
	add p "lsipc -m" lsipc -m
	add p "lsipc -m --json" lsipc -m --json
	add p "cat /proc/sysvipc/shm (floor)" cat /proc/sysvipc/shm
	measure
done

# --- 2. one segment by id among 30,000 (still there from case 1) ----------------

# Ids are the second column; rows come in slot order.
MID_ID=$(awk 'NR == 15002 {print $2}' /proc/sysvipc/shm)
LAST_ID=$(awk 'END {print $2}' /proc/sysvipc/shm)
for which in middle last; do
	[ "$which" = middle ] && ID=$MID_ID || ID=$LAST_ID
	case_begin "2 stat $which id of 30000"
	add 1 "shmtool stat $ID" "$SHMTOOL" stat "$ID"
	add p "ipcs -m -i $ID" ipcs -m -i "$ID"
	add p "lsipc -m -i $ID" lsipc -m -i "$ID"
	measure
done

# --- 3. removing 30,000 ----------------------------------------------------------

remake_30000() { wipe_sysv; make_sysv 30000; }
all_gone() { [ "$(nsysv)" = 0 ] || die "$CASE: $(nsysv) segments left after removal"; }
case_begin "3 rm 30000 sysv"
PREP=remake_30000 POST=all_gone
add 1 "shmtool rm -q --all" "$SHMTOOL" rm -q --all
add p "ipcrm --all=shm" ipcrm --all=shm
measure
wipe_sysv

# --- 5. listing 10,000 POSIX objects ---------------------------------------------

for ((i = 0; i < 10000; i++)); do printf x > "/dev/shm/bench.$i"; done
case_begin "5 list 10000 posix"
add 1 "shmtool ls --posix" "$SHMTOOL" ls --posix
add p "ls -l /dev/shm" ls -l /dev/shm
measure
find /dev/shm -mindepth 1 -delete

# --- 4. 1 GiB through cat and write ----------------------------------------------

say "making 1 GiB of random data in /dev/shm/bench.src"
head -c 1G /dev/urandom > /dev/shm/bench.src
cp /dev/shm/bench.src /dev/shm/bench.dst
SRC=/dev/shm/bench.src DST=/dev/shm/bench.dst
SEG=$(ipcmk -M 1073741824 -p 0600 | awk '{print $NF}')
"$SHMTOOL" write "$SEG" "$SRC"
cmp -s <("$SHMTOOL" cat "$SEG") "$SRC" || die "shmtool cat $SEG differs from what was written"
cmp -s <("$SHMTOOL" cat /bench.src) "$SRC" || die "shmtool cat /bench.src differs from $SRC"

for how in null pipe; do
	if [ "$how" = null ]; then
		case_begin "4 cat 1GiB >/dev/null"
		P=() sfx=
	else
		case_begin "4 cat 1GiB, piped to cat"
		P=(-p) sfx=", piped to cat"
	fi
	add 1 "shmtool cat $SEG (sysv)$sfx" "${P[@]}" "$SHMTOOL" cat "$SEG"
	add 2 "shmtool cat /bench.src (posix)$sfx" "${P[@]}" "$SHMTOOL" cat /bench.src
	add p "cat $SRC$sfx" "${P[@]}" cat "$SRC"
	add p "dd bs=1M if=$SRC$sfx" "${P[@]}" dd bs=1M if="$SRC" status=none
	measure
done

case_begin "4 write 1GiB"
add 1 "shmtool write $SEG $SRC (sysv)" "$SHMTOOL" write "$SEG" "$SRC"
add 2 "shmtool write /bench.dst $SRC (posix)" "$SHMTOOL" write /bench.dst "$SRC"
add p "cat $SRC 1<> $DST" -w "$DST" cat "$SRC"
add p "cp $SRC $DST" cp "$SRC" "$DST"
add p "dd bs=1M conv=notrunc of=$DST" dd bs=1M if="$SRC" of="$DST" conv=notrunc status=none
measure
cmp -s <("$SHMTOOL" cat "$SEG") "$SRC" || die "segment $SEG differs from $SRC after the writes"
cmp -s "$DST" "$SRC" || die "$DST differs from $SRC after the writes"
find /dev/shm -mindepth 1 -delete
wipe_sysv

# --- 6. who has a segment attached: 200 processes x 20 segments ------------------

make_sysv 1000
mapfile -t IDS < <(awk 'NR > 1 {print $2}' /proc/sysvipc/shm)
# Process p attaches ids[(5p + j) % 1000] for j < 20: every segment has 4 attachers.
for ((p = 0; p < 200; p++)); do
	args=()
	for ((j = 0; j < 20; j++)); do args+=("${IDS[(5 * p + j) % 1000]}"); done
	"$H/attachwait" "${args[@]}" &
	ATTACHERS+=($!)
done
for ((tries = 0; ; tries++)); do
	total=$(awk 'NR > 1 {s += $7} END {print s + 0}' /proc/sysvipc/shm)
	[ "$total" = 4000 ] && break
	((tries < 500)) || die "attachers reached only $total attaches"
	sleep 0.02
done
ID=${IDS[500]}
GREP="grep -lsE '^[^ ]+ [^ ]+ [^ ]+ [^ ]+ $ID +/SYSV' /proc/[0-9]*/maps"
# grep exits 2 when a process of the glob is gone before it reads its maps.
n_grep=$( (sh -c "$GREP" || true) | wc -l)
n_stat=$("$SHMTOOL" stat "$ID" | awk '/^attached:/ {print $2}')
say "segment $ID: grep finds $n_grep processes, shmtool stat says ${n_stat:-?} attached (4 expected)"
case_begin "6 attachers of 1 of 1000 (200 procs)"
add 1 "shmtool stat $ID" "$SHMTOOL" stat "$ID"
add p "sh -c \"grep -l ' $ID +/SYSV' /proc/*/maps\"" -ok 0,2 sh -c "$GREP"
measure
cleanup
ATTACHERS=()

# --- 7. one attacher among 500 processes; 8. every holder of every segment -----

wipe_sysv
make_sysv 1000
mapfile -t IDS < <(awk 'NR > 1 {print $2}' /proc/sysvipc/shm)
ID7=${IDS[500]}
"$H/attachwait" "$ID7" &
ATTACHERS+=($!)
for ((p = 1; p < 500; p++)); do
	sleep 3600 &
	ATTACHERS+=($!)
done
for ((tries = 0; ; tries++)); do
	total=$(awk 'NR > 1 {s += $7} END {print s + 0}' /proc/sysvipc/shm)
	[ "$total" = 1 ] && break
	((tries < 500)) || die "the attacher did not attach"
	sleep 0.02
done
GREP7="grep -lsE '^[^ ]+ [^ ]+ [^ ]+ [^ ]+ $ID7 +/SYSV' /proc/[0-9]*/maps"
n_grep=$( (sh -c "$GREP7" || true) | wc -l)
n_stat=$("$SHMTOOL" stat "$ID7" | awk '/^attached:/ {print $2}')
say "segment $ID7: grep finds $n_grep processes, shmtool stat says ${n_stat:-?} attached (1 expected)"
case_begin "7 attacher of 1 of 1000 (500 procs)"
add 1 "shmtool stat $ID7" "$SHMTOOL" stat "$ID7"
add p "sh -c \"grep -l ' $ID7 +/SYSV' /proc/*/maps\"" -ok 0,2 sh -c "$GREP7"
measure
# cat exits 1 when a process of the glob is gone before it reads its maps.
case_begin "8 holder scan, 1000 segments (500 procs)"
add 1 "shmtool ls --sysv -o +PIDS" "$SHMTOOL" ls --sysv -o +PIDS
add p "sh -c \"cat /proc/[0-9]*/maps > /dev/null\"" -ok 0,1 sh -c "cat /proc/[0-9]*/maps > /dev/null"
measure
cleanup
ATTACHERS=()
wipe_sysv

# --- the table and the targets ---------------------------------------------------

read -r _ SC_NS _ PF_NS <<<"$PROBE"
echo "machine: one system call (getppid) ${SC_NS} ns, one minor page fault ${PF_NS} ns (bench/probe)"
echo "shmtool bench: $(date -u '+%Y-%m-%d %H:%M UTC'), nproc $(nproc), kernel $(uname -r)," \
	"$("$SHMTOOL" --version | head -1), $(ipcs -V | sed 's/.*from //'), runs $RUNS (median)"
tree=$(git -C "$(dirname "$SHMTOOL")" describe --always --dirty 2>/dev/null || echo "not a git tree")
echo "binary $SHMTOOL: sha256 $(sha256sum "$SHMTOOL" | cut -c1-12), built from $tree"
echo "load average before: $LOAD0; after: $(cut -d' ' -f1-3 /proc/loadavg)" \
	"(anything else running on the machine skews the numbers)"
echo
echo "| case | command | median s | user s | sys s | minor faults | peak RSS KiB | peer/[1] | peer/[2] |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
for ((i = 0; i < ${#ROW_CASE[@]}; i++)); do
	printf '| %s | %s | %.4f | %.4f | %.4f | %s | %s | %s | %s |\n' "${ROW_CASE[i]}" "${ROW_CMD[i]}" \
		"${ROW_MED[i]}" "${ROW_USR[i]}" "${ROW_SYS[i]}" "${ROW_FLT[i]}" "${ROW_RSS[i]}" \
		"${ROW_R1[i]}" "${ROW_R2[i]}"
done
echo
echo "peer/[n]: the peer's median over the case's shmtool command [n]; above 1 means shmtool is faster."
echo

# target NAME CONDITION-IN-AWK DETAIL... : print PASS or MISS.
target() {
	local name=$1 cond=$2 detail=$3
	if awk "BEGIN {exit !($cond)}"; then
		echo "PASS  $name  ($detail)"
	else
		echo "MISS  $name  ($detail)"
	fi
}
L="1 list 30000 sysv"
ls_t=${MED["$L|shmtool ls"]} json_t=${MED["$L|shmtool ls --json"]}
floor_t=${MED["$L|cat /proc/sysvipc/shm (floor)"]}
ipcs_t=${MED["$L|ipcs -m"]} lsipc_t=${MED["$L|lsipc -m"]}
f() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
target "list 30000: ls <= 1.3x floor" "$ls_t <= 1.3 * $floor_t" "ls/floor = $(f "$ls_t" "$floor_t")"
target "list 30000: ls >= 4x faster than ipcs -m" "$ipcs_t >= 4 * $ls_t" "ipcs/ls = $(f "$ipcs_t" "$ls_t")"
target "list 30000: ls >= 4x faster than lsipc -m" "$lsipc_t >= 4 * $ls_t" "lsipc/ls = $(f "$lsipc_t" "$ls_t")"
target "list 30000: ls --json <= 1.3x floor" "$json_t <= 1.3 * $floor_t" "json/floor = $(f "$json_t" "$floor_t")"
# What makes ls near the floor on any machine: few page faults, little memory, little CPU.
for what in "shmtool ls" "shmtool ls --json"; do
	flt=${FLT["$L|$what"]} usr=${USR["$L|$what"]} kib=${PEAK["$L|$what"]}
	target "list 30000: $what <= 500 minor faults" "$flt <= 500" "median $flt"
	target "list 30000: $what peak RSS <= 4 MiB" "$kib <= 4096" "max over runs $kib KiB"
	target "list 30000: $what user CPU <= 0.3x the floor's wall time" "$usr <= 0.3 * $floor_t" \
		"user/floor = $(f "$usr" "$floor_t")"
done
for which in middle last; do
	[ "$which" = middle ] && ID=$MID_ID || ID=$LAST_ID
	S="2 stat $which id of 30000"
	st_t=${MED["$S|shmtool stat $ID"]} ip_t=${MED["$S|ipcs -m -i $ID"]}
	target "stat $which id of 30000: >= 10x faster than ipcs -m -i" "$ip_t >= 10 * $st_t" \
		"ipcs -i/stat = $(f "$ip_t" "$st_t")"
done
S="3 rm 30000 sysv"
rm_t=${MED["$S|shmtool rm -q --all"]} ipcrm_t=${MED["$S|ipcrm --all=shm"]}
target "rm --all 30000: no slower than ipcrm --all=shm" "$rm_t <= $ipcrm_t" "ipcrm/rm = $(f "$ipcrm_t" "$rm_t")"
for how in null pipe; do
	if [ "$how" = null ]; then S="4 cat 1GiB >/dev/null" sfx=; else S="4 cat 1GiB, piped to cat" sfx=", piped to cat"; fi
	cat_t=${MED["$S|cat $SRC$sfx"]}
	for what in "$SEG (sysv)" "/bench.src (posix)"; do
		t=${MED["$S|shmtool cat $what$sfx"]}
		target "cat 1GiB ${what#* }${sfx:- >/dev/null}: >= 0.9x cat's throughput" "$cat_t >= 0.9 * $t" \
			"throughput shmtool/cat = $(f "$cat_t" "$t")"
	done
done
S="4 write 1GiB"
cat_t=${MED["$S|cat $SRC 1<> $DST"]}
for what in "$SEG $SRC (sysv)" "/bench.dst $SRC (posix)"; do
	t=${MED["$S|shmtool write $what"]}
	target "write 1GiB ${what##* }: >= 0.9x cat's throughput (cat SRC 1<> DST)" "$cat_t >= 0.9 * $t" \
		"throughput shmtool/cat = $(f "$cat_t" "$t")"
done
S="7 attacher of 1 of 1000 (500 procs)"
st_t=${MED["$S|shmtool stat $ID7"]} gr_t=${MED["$S|sh -c \"grep -l ' $ID7 +/SYSV' /proc/*/maps\""]}
target "stat, 1 attacher among 500 processes: >= 5x faster than grep -l over /proc/*/maps" \
	"$gr_t >= 5 * $st_t" "grep/stat = $(f "$gr_t" "$st_t")"
S="8 holder scan, 1000 segments (500 procs)"
ls_t=${MED["$S|shmtool ls --sysv -o +PIDS"]} cat_t=${MED["$S|sh -c \"cat /proc/[0-9]*/maps > /dev/null\""]}
target "holder scan, 500 processes: ls --sysv -o +PIDS <= 1.2x cat /proc/[0-9]*/maps" \
	"$ls_t <= 1.2 * $cat_t" "ls/cat = $(f "$ls_t" "$cat_t")"
