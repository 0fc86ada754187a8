# shmtool(1) completion for fish
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install as $(pkg-config --variable=completionsdir fish)/shmtool.fish, or in
# ~/.config/fish/completions. Adding a command is adding its block below.

# Runs the shmtool being completed (the command word as typed).
function __fish_shmtool_run
    set -l bin (commandline -opc)[1]
    command -q -- $bin; or set bin shmtool
    command $bin $argv 2>/dev/null
end

# True until the command word: the words so far are global options, and the
# values of those that take one (--ns PID, --proc DIR).
function __fish_shmtool_no_command
    set -l value
    for t in (commandline -opc)[2..-1]
        if set -q value[1]
            set -e value
            continue
        end
        switch $t
            case -N --ns --proc --shm-dir
                set value 1
            case '-*'
            case '*'
                return 1
        end
    end
    return 0
end

# True while completing the options and operands of command $argv[1]. (The
# word after "help" is a command name, not the start of that command.)
function __fish_shmtool_using -a cmd
    __fish_seen_subcommand_from $cmd; and not __fish_seen_subcommand_from help
end

# How many operands of the command precede the cursor. $argv are the
# command's options that take a value (-o --offset): the word after one of
# them, or after a cluster of short options ending in one, is its value.
function __fish_shmtool_nargs
    set -l n -1
    set -l value
    set -l dashdash
    for t in (commandline -opc)[2..-1]
        if set -q value[1]
            set -e value
        else if set -q dashdash[1]; or test "$t" = -; or not string match -q -- '-*' $t
            set n (math $n + 1)
        else if test "$t" = --
            set dashdash 1
        else if string match -q -- '--*' $t
            contains -- $t $argv; and set value 1
        else
            # -xo: the first short option taking a value takes the rest
            for c in (string sub -s 2 -- $t | string split '')
                if contains -- -$c $argv
                    string match -q -- "*$c" $t; and set value 1
                    break
                end
            end
        end
    end
    echo $n
end

# Column names, from the Columns list of the tool's own ls --help.
# With "list": a comma-separated list, optionally after a + (ls -o).
function __fish_shmtool_columns
    set -l pre
    set -l listed
    if test "$argv[1]" = list
        # The value typed so far, without the option glued to it.
        set -l tok (string replace -r -- '^(--[^=]*=|-[A-Za-z]*?o)' '' (commandline -ct))
        set pre (string match -r -- '^\+?(?:.*,)?' $tok)
        set listed (string split , -- (string upper -- (string trim -l -c + -- $pre)))
    end
    set -l on
    for line in (__fish_shmtool_run ls --help)
        if string match -q -- 'Columns:*' $line
            set on 1
        else if set -q on[1]; and string match -qr -- '^  [A-Z]' $line
            set -l f (string split -m 1 -n ' ' -- (string trim -- $line))
            contains -- $f[1] $listed
            or printf '%s%s\t%s\n' "$pre" $f[1] (string trim -- $f[2])
        end
    end
end

# Live segments: every System V id and key (but IPC_PRIVATE, which names
# nothing) and every POSIX /NAME, as ls --raw prints them. With "memfd":
# also every memfd a process holds open, memfd:PID:FD (ls --memfd; one only
# mapped is memfd:PID:-, which names nothing), and every shared anonymous
# mapping and MAP_SHARED file, anon:PID:0xADDR and file:PID:0xADDR.
function __fish_shmtool_segments
    set -l ls ls
    test "$argv[1]" = memfd; and set ls ls --memfd --anon --files
    __fish_shmtool_run $ls --raw -n -o ID,KEY | while read -l id key
        if string match -q -- 'anon:*' $id
            printf '%s\t%s\n' $id "shared anonymous memory mapped by process "(string split : -- $id)[2]
        else if string match -q -- 'file:*' $id
            printf '%s\t%s\n' $id "file mapped by process "(string split : -- $id)[2]
        else if string match -q -- 'memfd:*' $id
            set -l f (string split : -- $id)
            test "$f[3]" = -; or printf '%s\t%s\n' $id "memfd held by process $f[2], fd $f[3]"
        else if string match -q -- '/*' $id
            printf '%s\t%s\n' $id 'POSIX object'
        else
            printf '%s\t%s\n' $id "System V shmid, key $key"
            if string match -q -- '0x*' $key; and test $key != 0x00000000
                printf '%s\t%s\n' $key "System V key of shmid $id"
            end
        end
    end
end

complete -c shmtool -f

# The pids of the processes in an IPC namespace other than ours, which --ns
# can enter (a container's), each with its command name.
function __fish_shmtool_ns_pids
    set -l self (readlink /proc/self/ns/ipc 2>/dev/null); or return
    for p in (string match -r -- '^/proc/[0-9]+$' /proc/*)
        set -l ns (readlink $p/ns/ipc 2>/dev/null); or continue
        test "$ns" = "$self"; and continue
        set -l comm (cat $p/comm 2>/dev/null)
        printf '%s\t%s\n' (string replace /proc/ '' -- $p) "$comm $ns"
    end
end

# Global options and commands.
complete -c shmtool -n __fish_shmtool_no_command -s h -l help -d 'show help and exit'
complete -c shmtool -n __fish_shmtool_no_command -s V -l version -d 'show the version and exit'
complete -c shmtool -n __fish_shmtool_no_command -s N -l ns -x -a '(__fish_shmtool_ns_pids)' -d 'act in the IPC namespace and /dev/shm of process PID'
complete -c shmtool -n __fish_shmtool_no_command -l pidns-only -d 'trust that no process outside the PID namespace of /proc holds an object'
complete -c shmtool -n __fish_shmtool_no_command -l proc -x -a '(__fish_complete_directories)' -d 'read DIR instead of /proc (for tests)'
complete -c shmtool -n __fish_shmtool_no_command -l shm-dir -x -a '(__fish_complete_directories)' -d 'use DIR instead of /dev/shm (for tests)'

# create [SEGMENT]: a new key or /NAME, typed
complete -c shmtool -n __fish_shmtool_no_command -a create -d 'make a System V segment or a POSIX object'
set -l c '__fish_shmtool_using create'
complete -c shmtool -n $c -s s -l size -x -d 'size (required), e.g. 4096, 64K, 1MiB'
complete -c shmtool -n $c -s m -l mode -x -d 'permissions in octal, applied exactly (default 0600)'
complete -c shmtool -n $c -s x -l exclusive -d 'fail if it exists'
complete -c shmtool -n $c -l hugetlb -d 'use huge pages (System V only)'
complete -c shmtool -n $c -l noreserve -d 'reserve no swap space (System V only)'
complete -c shmtool -n $c -s h -l help -d 'show this help and exit'

# The FILTERS ls and rm share (one option table in the tool: cmd/select.c).
function __fish_shmtool_filters -a cond
    complete -c shmtool -n $cond -l user -x -a '(__fish_complete_users)' -d 'owned by USER (name or uid)'
    complete -c shmtool -n $cond -l dest -d 'marked for removal'
    complete -c shmtool -n $cond -l orphaned -d 'nobody holds it: System V unattached with its creator gone, POSIX unmapped and not open'
    complete -c shmtool -n $cond -l min-size -x -d 'at least SIZE bytes'
    complete -c shmtool -n $cond -l unused-for -x -d 'no attach, detach or change for DURATION'
end

# ls
complete -c shmtool -n __fish_shmtool_no_command -a ls -d 'list System V segments and POSIX objects'
set c '__fish_shmtool_using ls'
complete -c shmtool -n $c -l sysv -d 'System V segments only'
complete -c shmtool -n $c -l posix -d 'POSIX objects only'
complete -c shmtool -n $c -l sem -d 'also list POSIX semaphores (sem.NAME)'
complete -c shmtool -n $c -l memfd -d 'also list memfd objects that processes hold'
complete -c shmtool -n $c -l anon -d 'also list shared anonymous mappings (MAP_SHARED|MAP_ANONYMOUS)'
complete -c shmtool -n $c -l files -d 'also list regular files mapped MAP_SHARED (page cache, not Shmem)'
complete -c shmtool -n $c -l every -d 'every kind: also semaphores, memfd, anon and file'
complete -c shmtool -n $c -s A -l all-namespaces -d 'every IPC namespace and every shm directory on the host (needs CAP_SYS_ADMIN)'
complete -c shmtool -n $c -s o -l output -x -a '(__fish_shmtool_columns list)' -d 'columns to show, comma-separated; +COL,... adds to the default'
complete -c shmtool -n $c -s O -l output-all -d 'every column, in table order'
complete -c shmtool -n $c -s J -l json -d 'JSON output'
complete -c shmtool -n $c -s r -l raw -d 'raw output: no padding, one space'
complete -c shmtool -n $c -s P -l export -d 'NAME="value" pairs, safe to eval'
complete -c shmtool -n $c -s n -l noheadings -d 'no heading line'
complete -c shmtool -n $c -s b -l bytes -d 'sizes in bytes'
complete -c shmtool -n $c -s s -l sort -x -a '(__fish_shmtool_columns)' -d 'sort by column COL'
complete -c shmtool -n $c -l reverse -d 'reverse the order'
__fish_shmtool_filters $c
complete -c shmtool -n $c -s h -l help -d 'show this help and exit'

# stat
complete -c shmtool -n __fish_shmtool_no_command -a stat -d 'show everything about segments'
set c '__fish_shmtool_using stat'
complete -c shmtool -n $c -a '(__fish_shmtool_segments memfd)'
complete -c shmtool -n $c -s J -l json -d 'JSON output'
complete -c shmtool -n $c -l explain -d 'follow each field with a line saying what it means and where it comes from'
complete -c shmtool -n $c -s h -l help -d 'show this help and exit'

# cat SEGMENT
complete -c shmtool -n __fish_shmtool_no_command -a cat -d "write a segment's bytes to stdout"
set c '__fish_shmtool_using cat'
complete -c shmtool -n "$c; and test (__fish_shmtool_nargs -o --offset -l --length) -eq 0" -a '(__fish_shmtool_segments memfd)'
complete -c shmtool -n $c -s o -l offset -x -d 'start at byte OFFSET (default 0)'
complete -c shmtool -n $c -s l -l length -x -d 'write LENGTH bytes (default: to the end)'
complete -c shmtool -n $c -s x -l hex -d 'as hexdump -C would show them'
complete -c shmtool -n $c -s h -l help -d 'show this help and exit'

# write SEGMENT [FILE|-]
complete -c shmtool -n __fish_shmtool_no_command -a write -d 'copy a file or stdin into a segment'
set c '__fish_shmtool_using write'
complete -c shmtool -n "$c; and test (__fish_shmtool_nargs -o --offset) -eq 0" -a '(__fish_shmtool_segments)'
complete -c shmtool -n "$c; and test (__fish_shmtool_nargs -o --offset) -eq 1" -F
complete -c shmtool -n $c -s o -l offset -x -d 'write at byte OFFSET (default 0)'
complete -c shmtool -n $c -s h -l help -d 'show this help and exit'

# attach SEGMENT
complete -c shmtool -n __fish_shmtool_no_command -a attach -d 'hold a segment attached until interrupted'
set c '__fish_shmtool_using attach'
complete -c shmtool -n "$c; and test (__fish_shmtool_nargs) -eq 0" -a '(__fish_shmtool_segments memfd)'
complete -c shmtool -n $c -s r -l read-only -d 'attach read-only (SHM_RDONLY)'
complete -c shmtool -n $c -s h -l help -d 'show this help and exit'

# rm [SEGMENT...]
complete -c shmtool -n __fish_shmtool_no_command -a rm -d 'remove segments (IPC_RMID) and POSIX objects (shm_unlink)'
set c '__fish_shmtool_using rm'
complete -c shmtool -n $c -a '(__fish_shmtool_segments)'
complete -c shmtool -n $c -s n -l dry-run -d 'say what would go; change nothing'
complete -c shmtool -n $c -s q -l quiet -d 'print nothing on success'
complete -c shmtool -n $c -l all -d 'every segment and object (semaphores excepted), or all the FILTERS select'
complete -c shmtool -n $c -l sysv -d 'System V segments only'
complete -c shmtool -n $c -l posix -d 'POSIX objects only'
complete -c shmtool -n $c -s A -l all-namespaces -d 'every IPC namespace and every shm directory on the host (needs CAP_SYS_ADMIN)'
__fish_shmtool_filters $c
complete -c shmtool -n $c -s h -l help -d 'show this help and exit'

# chmod MODE SEGMENT...
complete -c shmtool -n __fish_shmtool_no_command -a chmod -d 'change the permission bits (IPC_SET, fchmod)'
set c '__fish_shmtool_using chmod'
complete -c shmtool -n "$c; and test (__fish_shmtool_nargs) -eq 0" -a '600 640 644 660 664 666 u+rw g+r g+rw g-w o+r o-rwx a+r' -d 'mode'
complete -c shmtool -n "$c; and test (__fish_shmtool_nargs) -ge 1" -a '(__fish_shmtool_segments memfd)'
complete -c shmtool -n $c -s n -l dry-run -d 'say what would change; change nothing'
complete -c shmtool -n $c -s h -l help -d 'show this help and exit'

# USER, or USER:GROUP once a colon is typed.
function __fish_shmtool_owner
    set -l tok (commandline -ct)
    if string match -q -- '*:*' $tok
        set -l user (string split -m 1 : -- $tok)[1]
        __fish_complete_groups | string replace -r -- '^' "$user:"
    else
        __fish_complete_users
    end
end

# chown USER[:GROUP] SEGMENT...
complete -c shmtool -n __fish_shmtool_no_command -a chown -d 'change the owner and group (IPC_SET, fchown)'
set c '__fish_shmtool_using chown'
complete -c shmtool -n "$c; and test (__fish_shmtool_nargs) -eq 0" -a '(__fish_shmtool_owner)'
complete -c shmtool -n "$c; and test (__fish_shmtool_nargs) -ge 1" -a '(__fish_shmtool_segments memfd)'
complete -c shmtool -n $c -s n -l dry-run -d 'say what would change; change nothing'
complete -c shmtool -n $c -s h -l help -d 'show this help and exit'

# lock, unlock SEGMENT...
complete -c shmtool -n __fish_shmtool_no_command -a lock -d "keep System V segments' pages in RAM (SHM_LOCK)"
complete -c shmtool -n __fish_shmtool_no_command -a unlock -d "let System V segments' pages be swapped again (SHM_UNLOCK)"
for cmd in lock unlock
    set c "__fish_shmtool_using $cmd"
    complete -c shmtool -n $c -a '(__fish_shmtool_segments)'
    complete -c shmtool -n $c -s h -l help -d 'show this help and exit'
end

# truncate -s SIZE SEGMENT...
complete -c shmtool -n __fish_shmtool_no_command -a truncate -d 'resize POSIX objects and memfds (ftruncate)'
set c '__fish_shmtool_using truncate'
complete -c shmtool -n $c -a '(__fish_shmtool_segments memfd)'
complete -c shmtool -n $c -s s -l size -x -d 'the new size (required), e.g. 4096, 64K'
complete -c shmtool -n $c -s n -l dry-run -d 'say what would change; change nothing'
complete -c shmtool -n $c -s f -l force -d 'shrink even what processes map (they get SIGBUS past the new end)'
complete -c shmtool -n $c -s h -l help -d 'show this help and exit'

# ftok PATH PROJ
complete -c shmtool -n __fish_shmtool_no_command -a ftok -d 'compute the System V key ftok(3) gives for a file'
set c '__fish_shmtool_using ftok'
complete -c shmtool -n "$c; and test (__fish_shmtool_nargs) -eq 0" -F
complete -c shmtool -n $c -l explain -d 'show the device, inode and PROJ bits and how the key is made of them'
complete -c shmtool -n $c -s h -l help -d 'show this help and exit'

# usage
complete -c shmtool -n __fish_shmtool_no_command -a usage -d "what holds shared memory, by kind, next to the kernel's Shmem"
set c '__fish_shmtool_using usage'
complete -c shmtool -n $c -s J -l json -d 'JSON output'
complete -c shmtool -n $c -s b -l bytes -d 'sizes in bytes'
complete -c shmtool -n $c -s A -l all-namespaces -d 'sum every IPC namespace and shm directory on the host (needs CAP_SYS_ADMIN)'
complete -c shmtool -n $c -l mounts -d 'list every tmpfs, devtmpfs and hugetlbfs mount one by one'
complete -c shmtool -n $c -s h -l help -d 'show this help and exit'

# limits
complete -c shmtool -n __fish_shmtool_no_command -a limits -d "the kernel's shared memory limits and their use"
set c '__fish_shmtool_using limits'
complete -c shmtool -n $c -s J -l json -d 'JSON output'
complete -c shmtool -n $c -s b -l bytes -d 'sizes in bytes'
complete -c shmtool -n $c -l explain -d 'after the table, a line per resource saying what it limits'
complete -c shmtool -n $c -s h -l help -d 'show this help and exit'

# pages SEGMENT
complete -c shmtool -n __fish_shmtool_no_command -a pages -d 'map which pages of a segment are in RAM'
set c '__fish_shmtool_using pages'
complete -c shmtool -n "$c; and test (__fish_shmtool_nargs -w --width) -eq 0" -a '(__fish_shmtool_segments memfd)'
complete -c shmtool -n $c -s w -l width -x -d 'pages per line (default 64)'
complete -c shmtool -n $c -s J -l json -d 'JSON output'
complete -c shmtool -n $c -s h -l help -d 'show this help and exit'

# metrics
complete -c shmtool -n __fish_shmtool_no_command -a metrics -d "Prometheus metrics for node_exporter's textfile collector"
set c '__fish_shmtool_using metrics'
complete -c shmtool -n $c -l min-size -x -d 'a gauge per object of at least SIZE bytes (default 1M)'
complete -c shmtool -n $c -s o -l output -r -F -d 'write to FILE atomically (temp file + rename)'
complete -c shmtool -n $c -s A -l all-namespaces -d 'every IPC namespace and shm directory on the host'
complete -c shmtool -n $c -s h -l help -d 'show this help and exit'

# help COMMAND
complete -c shmtool -n __fish_shmtool_no_command -a help -d "show a command's manual page"
complete -c shmtool -n '__fish_seen_subcommand_from help; and test (__fish_shmtool_nargs) -eq 0' -a '(complete -C "shmtool " | string match -v -- "-*")'
