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

# True while completing the options and operands of command $argv[1]. (The
# word after "help" is a command name, not the start of that command.)
function __fish_shmtool_using -a cmd
    __fish_seen_subcommand_from $cmd; and not __fish_seen_subcommand_from help
end

# How many operands of the command precede the cursor.
function __fish_shmtool_nargs
    set -l n -1
    for t in (commandline -opc)[2..-1]
        string match -q -- '-*' $t; or set n (math $n + 1)
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
# nothing) and every POSIX /NAME, as ls --raw prints them.
function __fish_shmtool_segments
    __fish_shmtool_run ls --raw -n -o ID,KEY | while read -l id key
        if string match -q -- '/*' $id
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

# Global options and commands.
complete -c shmtool -n __fish_use_subcommand -s h -l help -d 'show help and exit'
complete -c shmtool -n __fish_use_subcommand -s V -l version -d 'show the version and exit'

# ls
complete -c shmtool -n __fish_use_subcommand -a ls -d 'list System V segments and POSIX objects'
set -l c '__fish_shmtool_using ls'
complete -c shmtool -n $c -l sysv -d 'System V segments only'
complete -c shmtool -n $c -l posix -d 'POSIX objects only'
complete -c shmtool -n $c -l sem -d 'also list POSIX semaphores (sem.NAME)'
complete -c shmtool -n $c -s o -l output -x -a '(__fish_shmtool_columns list)' -d 'columns to show, comma-separated; +COL,... adds to the default'
complete -c shmtool -n $c -s J -l json -d 'JSON output'
complete -c shmtool -n $c -s r -l raw -d 'raw output: no padding, one space'
complete -c shmtool -n $c -s P -l export -d 'NAME="value" pairs, safe to eval'
complete -c shmtool -n $c -s n -l noheadings -d 'no heading line'
complete -c shmtool -n $c -s b -l bytes -d 'sizes in bytes'
complete -c shmtool -n $c -s s -l sort -x -a '(__fish_shmtool_columns)' -d 'sort by column COL'
complete -c shmtool -n $c -l reverse -d 'reverse the order'
complete -c shmtool -n $c -l user -x -a '(__fish_complete_users)' -d 'owned by USER (name or uid)'
complete -c shmtool -n $c -l dest -d 'marked for removal'
complete -c shmtool -n $c -l orphaned -d 'not attached and creator gone'
complete -c shmtool -n $c -l min-size -x -d 'at least SIZE bytes'
complete -c shmtool -n $c -l unused-for -x -d 'no attach, detach or change for DURATION'
complete -c shmtool -n $c -s h -l help -d 'show this help and exit'

# stat
complete -c shmtool -n __fish_use_subcommand -a stat -d 'show everything about segments'
set c '__fish_shmtool_using stat'
complete -c shmtool -n $c -a '(__fish_shmtool_segments)'
complete -c shmtool -n $c -s J -l json -d 'JSON output'
complete -c shmtool -n $c -s h -l help -d 'show this help and exit'

# ftok PATH PROJ
complete -c shmtool -n __fish_use_subcommand -a ftok -d 'compute the System V key ftok(3) gives for a file'
set c '__fish_shmtool_using ftok'
complete -c shmtool -n "$c; and test (__fish_shmtool_nargs) -eq 0" -F
complete -c shmtool -n $c -s h -l help -d 'show this help and exit'

# help COMMAND
complete -c shmtool -n __fish_use_subcommand -a help -d "show a command's manual page"
complete -c shmtool -n '__fish_seen_subcommand_from help; and test (__fish_shmtool_nargs) -eq 0' -a '(complete -C "shmtool " | string match -v -- "-*")'
