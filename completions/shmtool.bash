# shmtool(1) completion for bash                          -*- shell-script -*-
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Needs bash-completion (2.x). Install as
# $(pkg-config --variable=completionsdir bash-completion)/shmtool.

# COMPREPLY=($(compgen ...)) is the bash-completion idiom; words never hold blanks.
# shellcheck disable=SC2207

# The table: one line per command (a command may take several lines; their
# options add up). Adding a command is adding its line.
#
#   COMMAND  OPERANDS  OPTION...
#
# OPERANDS is what each operand is, comma-separated and in order: segment
# (a live System V segment or POSIX object), segment+memfd (those, a memfd
# a process holds open, memfd:PID:FD, or a mapping, anon:PID:0xADDR and
# file:PID:0xADDR), file, command (a shmtool command), mode (a chmod MODE),
# owner (USER[:GROUP]) or - (nothing to offer); a trailing ... repeats the last one. A
# lone - means nothing to offer for any operand (no operands, or only ones
# to type, as create's).
# An OPTION that takes a value is written OPTION=KIND, KIND being what to
# offer for the value: cols (comma-separated column names, optionally after
# a +), col (one column name), user, file, or nothing (a value to type).
_shmtool_table='
create  -                   -s= --size= -m= --mode= -x --exclusive --hugetlb --noreserve -h --help
ls      -                   --sysv --posix --sem --memfd -o=cols --output=cols -O --output-all
ls      -                   -s=col --sort=col --reverse
ls      -                   --anon --files --every -A --all-namespaces
ls      -                   -J --json -r --raw -P --export -n --noheadings -b --bytes -h --help
ls      -                   --user=user --dest --orphaned --min-size= --unused-for=
stat    segment+memfd...    -J --json --explain -h --help
cat     segment+memfd       -o= --offset= -l= --length= -x --hex -h --help
write   segment,file        -o= --offset= -h --help
attach  segment+memfd       -r --read-only -h --help
rm      segment...          -n --dry-run -q --quiet --all --sysv --posix -A --all-namespaces -h --help
rm      segment...          --user=user --dest --orphaned --min-size= --unused-for=
chmod   mode,segment+memfd...  -n --dry-run -h --help
chown   owner,segment+memfd... -n --dry-run -h --help
lock    segment...          -h --help
unlock  segment...          -h --help
truncate segment+memfd...   -s= --size= -n --dry-run -f --force -h --help
ftok    file,-              --explain -h --help
usage   -                   -J --json -b --bytes -A --all-namespaces --mounts -h --help
limits  -                   -J --json -b --bytes --explain -h --help
pages   segment+memfd       -w= --width= -J --json -h --help
metrics -                   --min-size= -o=file --output=file -A --all-namespaces -h --help
help    command
'

# Sets opts (every option of command $1, as in the table) and args (its
# operand kinds, one per element); fails for an unknown command.
_shmtool_spec()
{
    local cmd operands rest found=''
    opts='' args=()
    while read -r cmd operands rest; do
        [[ $cmd == "$1" ]] || continue
        found=1
        opts+=" $rest"
        [[ $operands == - ]] || IFS=, read -ra args <<<"$operands"
    done <<<"$_shmtool_table"
    [[ $found ]]
}

_shmtool_commands()
{
    local cmd rest
    while read -r cmd rest; do
        [[ $cmd ]] && printf '%s\n' "$cmd"
    done <<<"$_shmtool_table" | uniq
}

# The kind of value option $1 takes: prints it (possibly empty) and succeeds,
# or fails when $1 is not an option taking a value.
_shmtool_optkind()
{
    local o
    for o in $opts; do
        [[ $o == "$1"=* ]] && printf '%s\n' "${o#*=}" && return 0
    done
    return 1
}

# The options of $opts as offered: long ones taking a value as --option=.
_shmtool_optnames()
{
    local o
    for o in $opts; do
        case $o in
        --*=*) printf '%s\n' "${o%%=*}=" ;;
        *) printf '%s\n' "${o%%=*}" ;;
        esac
    done
}

# Adds to COMPREPLY the values of kind $1 that start with $2, each behind
# the prefix $3 (the option glued to the value, e.g. -o or --output=).
_shmtool_values()
{
    local kind=$1 cur=$2 prefix=$3 bin=$_shmtool_bin
    local w id key pre='' part=$cur
    local -a seen=()
    case $kind in
    cols | col)
        if [[ $kind == cols ]]; then
            [[ $part == +* ]] && pre=+ part=${part#+}
            if [[ $part == *,* ]]; then
                pre+=${part%,*},
                IFS=, read -ra seen <<<"${part%,*}"
                part=${part##*,}
            fi
        fi
        local -u upart=$part listed=" ${seen[*]} "
        # The Columns list of the tool's own ls --help.
        for w in $("$bin" ls --help 2>/dev/null |
            awk '/^Columns:/{on=1;next} on && /^  [A-Z]/{print $1}'); do
            [[ $w == "$upart"* && $listed != *" $w "* ]] &&
                COMPREPLY+=("$prefix$pre$w")
        done
        ;;
    user)
        [[ $prefix ]] || COMPREPLY+=($(compgen -u -- "$cur"))
        ;;
    file)
        [[ $prefix ]] || _filedir
        ;;
    command)
        COMPREPLY+=($(compgen -W "$(_shmtool_commands)" -- "$cur"))
        ;;
    mode)
        COMPREPLY+=($(compgen -W '600 640 644 660 664 666 u+rw g+r g+rw g-w o+r o-rwx a+r' -- "$cur"))
        ;;
    owner)
        # USER, then GROUP after the colon
        if [[ $cur == *:* ]]; then
            COMPREPLY+=($(compgen -P "${cur%%:*}:" -g -- "${cur#*:}"))
        else
            COMPREPLY+=($(compgen -u -- "$cur"))
        fi
        ;;
    segment | segment+memfd)
        # "ID KEY" per System V segment, "/NAME -" per POSIX object and
        # "memfd:PID:FD -" per memfd held (ls --memfd); names are offered as
        # printed (raw output escapes odd bytes as \xHH). A memfd only
        # mapped, not held open, is "memfd:PID:-", which names nothing.
        local memfd=()
        [[ $kind == segment+memfd ]] && memfd=(--memfd --anon --files)
        while read -r id key; do
            [[ $id == *:- ]] && continue
            [[ $id == "$cur"* ]] && COMPREPLY+=("$id")
            [[ $key == 0x* && $key != 0x00000000 && $key == "$cur"* ]] &&
                COMPREPLY+=("$key")
        done < <("$bin" ls "${memfd[@]}" --raw -n -o ID,KEY 2>/dev/null)
        ;;
    esac
}

# The pids of the processes in an IPC namespace other than ours: what --ns
# can enter (one of them is a container's).
_shmtool_ns_pids()
{
    local self p ns
    self=$(readlink /proc/self/ns/ipc 2>/dev/null) || return
    for p in /proc/[0-9]*; do
        ns=$(readlink "$p/ns/ipc" 2>/dev/null) || continue
        [[ $ns != "$self" ]] && printf '%s\n' "${p#/proc/}"
    done
}

_shmtool()
{
    local cur prev words cword split
    _init_completion -s -n : || return

    local _shmtool_bin=${words[0]} i w cmd='' cmdi=0
    [[ $_shmtool_bin == \~* ]] && _shmtool_bin=${_shmtool_bin/#\~/$HOME}
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        case $w in
        -h | --help | -V | --version) return ;;
        --proc | --shm-dir | -N | --ns) ((i++)) ;; # a global option's value
        -*) ;;
        *) cmd=$w cmdi=$i && break ;;
        esac
    done

    if [[ -z $cmd ]]; then
        if [[ $prev == --proc || $prev == --shm-dir ]]; then
            _filedir -d
        elif [[ $prev == -N || $prev == --ns ]]; then
            COMPREPLY=($(compgen -W "$(_shmtool_ns_pids)" -- "$cur"))
        elif [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W '-h --help -V --version -N --ns --pidns-only --proc --shm-dir' -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$(_shmtool_commands)" -- "$cur"))
        fi
        return
    fi

    local opts args
    _shmtool_spec "$cmd" || return

    # Walk the words before the cursor: count operands, and note an option
    # whose value is the word being completed.
    local nargs=0 dashdash='' valueof='' j c
    for ((i = cmdi + 1; i < cword; i++)); do
        w=${words[i]}
        if [[ $valueof ]]; then
            valueof=''
        elif [[ $dashdash || $w == - || $w != -* ]]; then
            ((nargs++))
        elif [[ $w == -- ]]; then
            dashdash=1
        elif [[ $w == --*=* ]]; then
            :
        elif [[ $w == --* ]]; then
            _shmtool_optkind "$w" >/dev/null && valueof=$w
        else
            # A cluster of short options; the first one taking a value
            # takes the rest of the word, or else the next word.
            for ((j = 1; j < ${#w}; j++)); do
                c=-${w:j:1}
                if _shmtool_optkind "$c" >/dev/null; then
                    ((j == ${#w} - 1)) && valueof=$c
                    break
                fi
            done
        fi
    done

    local kind
    if [[ $valueof ]]; then
        kind=$(_shmtool_optkind "$valueof")
        _shmtool_values "$kind" "$cur" ''
    elif [[ $split == true ]]; then
        # --option=value: bash-completion split it into prev and cur.
        kind=$(_shmtool_optkind "$prev") &&
            _shmtool_values "$kind" "$cur" ''
    elif [[ ! $dashdash && $cur == -?* && $cur != --* ]]; then
        # Short options, perhaps with a value glued on (-oID,SI).
        for ((j = 1; j < ${#cur}; j++)); do
            c=-${cur:j:1}
            if kind=$(_shmtool_optkind "$c"); then
                if ((j < ${#cur} - 1)); then
                    _shmtool_values "$kind" "${cur:j+1}" "${cur:0:j+1}"
                    return
                fi
                break
            fi
        done
        COMPREPLY=($(compgen -W "$(_shmtool_optnames)" -- "$cur"))
    elif [[ ! $dashdash && $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_shmtool_optnames)" -- "$cur"))
        [[ ${COMPREPLY-} == *= ]] && compopt -o nospace
    elif ((${#args[@]})); then
        kind=${args[nargs]-}
        if [[ -z $kind ]]; then
            kind=${args[${#args[@]} - 1]}
            [[ $kind == *... ]] || return
        fi
        _shmtool_values "${kind%...}" "$cur" ''
    fi
    __ltrim_colon_completions "$cur"
} &&
    complete -F _shmtool shmtool

# ex: filetype=sh
