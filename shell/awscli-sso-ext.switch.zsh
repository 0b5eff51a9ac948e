# awscli-sso-ext: `aws sso-switch` without starting the plugin, for zsh; loaded by
# awscli-sso-ext.zsh at the first switch.
#
# Every run of the plugin rewrites an index in $XDG_CACHE_HOME/awscli-sso-ext (or
# ~/.cache/awscli-sso-ext): for each profile, the code it would print, rendered and quoted by
# the plugin itself, and what that code depends on. A switch evaluates that code, starting no
# process, only when, with builtins and zsh's own modules only (zsh/stat, zsh/system,
# zsh/datetime: loaded without a process):
# - the folder, the index, the code file and the seal are ours, no links, and writable by no
#   one else, and the seal (written last, just after the rest) is newer than the index and
#   the code file, so no one wrote either since;
# - the index was built for this HOME and the same config and credentials files, and is
#   newer than both (or they are still absent);
# - the profile is in it, by exact comparison of the whole name (the `e` subscript flag);
# - for an SSO profile, the index is newer than the login's token file and the clock is at
#   most at the last second at which the plugin would not log in (at least 15 minutes left,
#   or renewable by botocore until its client registration expires).
# Otherwise it fails, having changed nothing, and the hook runs the plugin. What depends on
# this shell, AWS_SSO_EXT_PREVIOUS_PROFILE (the profile being left), is done here exactly as
# the plugin does it, from the exported AWS_PROFILE or else AWS_DEFAULT_PROFILE.
#
# The index is data: its lines are compared, never evaluated; only a code file is.

# Whether $1 is ours, of type $2 (d: folder, f: file), no link and writable by no one else.
function __awscli_sso_ext_private {
    builtin emulate -L zsh
    builtin local -A st
    builtin zstat -L -H st -- $1 2>/dev/null || builtin return 1
    (( st[uid] == EUID && (st[mode] & 8#022) == 0 )) || builtin return 1
    case $2 in
        (d) (( (st[mode] & 8#170000) == 8#040000 )) ;;
        (*) (( (st[mode] & 8#170000) == 8#100000 )) ;;
    esac
}

# Whether aws's arguments ask for sso-switch (global options and their values skipped), and
# not for its help or the version: `aws sso-switch help` prints a manual, never for eval.
function __awscli_sso_ext_is_switch {
    builtin emulate -L zsh
    while (( $# > 0 )); do
        case $1 in
            (--region|--profile|--output|--endpoint-url|--query|--color|--ca-bundle|--cli-read-timeout|--cli-connect-timeout|--cli-binary-format)
                (( $# > 1 )) || builtin return 1
                builtin shift 2
                ;;
            (--version) builtin return 1 ;;
            (-*) builtin shift ;;
            (sso-switch) break ;;
            (*) builtin return 1 ;;
        esac
    done
    (( $# > 0 )) || builtin return 1
    builtin shift
    while (( $# > 0 )); do
        case $1 in
            (help|--version) builtin return 1 ;;
        esac
        builtin shift
    done
    builtin return 0
}

# Capture, check, then eval: the code reaches eval whole and only when `aws` exited 0, so a
# failed switch leaves every variable as it was (`export` is global in zsh even here).
# `aws sso-switch NAME`, `-` or `--unset` alone first ask the index the plugin keeps
# (AWS_SSO_SWITCH_FAST=0: never).
function __awscli_sso_ext_switch {
    builtin emulate -L zsh
    builtin local __awscli_sso_ext_code __awscli_sso_ext_previous
    if (( $# == 2 )) && [[ $1 == sso-switch && ${AWS_SSO_SWITCH_FAST-} != 0 ]] &&
        __awscli_sso_ext_switch_code "$2"; then
        builtin eval "$__awscli_sso_ext_code"
        builtin return
    fi
    __awscli_sso_ext_code=$(AWS_SSO_EXT_SHELL=zsh command aws "$@") || builtin return
    builtin eval "$__awscli_sso_ext_code"
}

# What `aws` runs when its arguments hold the word sso-switch.
function __awscli_sso_ext_aws {
    builtin emulate -L zsh
    if __awscli_sso_ext_is_switch "$@"; then
        __awscli_sso_ext_switch "$@"
    else
        command aws "$@"
    fi
}

# Whether the index $1 covers the file $2 recorded as $3 (present or absent): an index newer
# than the file, or a file still absent.
function __awscli_sso_ext_index_covers {
    case $3 in
        (present) [[ -f $2 && $1 -nt $2 ]] ;;
        (absent) [[ ! -e $2 && ! -L $2 ]] ;;
        (*) builtin return 1 ;;
    esac
}

# The text of the file $1 (no link followed) into __awscli_sso_ext_text: sysread reads in
# blocks, and $(<file) costs several times more on a large index.
function __awscli_sso_ext_read {
    builtin emulate -L zsh
    builtin local fd chunk
    builtin integer read_status
    __awscli_sso_ext_text=''
    builtin sysopen -r -o nofollow -u fd -- $1 2>/dev/null || builtin return 1
    while :; do
        builtin sysread -i $fd -s 65536 chunk
        read_status=$?
        (( read_status == 0 )) || break
        __awscli_sso_ext_text+=$chunk
    done
    builtin exec {fd}<&-
    (( read_status == 5 )) # 5: the end of the file; anything else is a failed read
}

# The code `aws sso-switch $1` would print now ($1: a profile, `-` or `--unset`), into
# __awscli_sso_ext_code, ready for eval, and the profile being left into
# __awscli_sso_ext_previous (the code refers to it); fails when the index can't prove it.
function __awscli_sso_ext_switch_code {
    builtin emulate -L zsh
    builtin local target=$1 name='' current='' home=${HOME-} folder index seal config credentials
    builtin local data file number until token __awscli_sso_ext_text
    builtin local -a lines
    builtin integer tokens first count at now
    [[ $home == /* ]] || builtin return 1
    if [[ -n ${AWS_PROFILE-} && ${(t)AWS_PROFILE} == *export* ]]; then
        current=$AWS_PROFILE
    elif [[ -n ${AWS_DEFAULT_PROFILE-} && ${(t)AWS_DEFAULT_PROFILE} == *export* ]]; then
        current=$AWS_DEFAULT_PROFILE
    fi
    case $target in
        (--unset) ;;
        (-)
            [[ -n ${AWS_SSO_EXT_PREVIOUS_PROFILE-} && ${(t)AWS_SSO_EXT_PREVIOUS_PROFILE} == *export* ]] ||
                builtin return 1
            name=$AWS_SSO_EXT_PREVIOUS_PROFILE
            ;;
        (''|-*) builtin return 1 ;;
        (*) name=$target ;;
    esac
    (( ${+builtins[zstat]} )) || builtin zmodload -F zsh/stat b:zstat || builtin return 1
    (( ${+builtins[sysread]} )) || builtin zmodload -F zsh/system b:sysopen b:sysread ||
        builtin return 1
    folder=${XDG_CACHE_HOME-}
    [[ $folder == /* ]] || folder=$home/.cache
    folder+=/awscli-sso-ext index=$folder/switch.zsh seal=$folder/switch.seal
    __awscli_sso_ext_private $folder d && __awscli_sso_ext_private $index f &&
        __awscli_sso_ext_private $seal f && [[ $seal -nt $index ]] &&
        __awscli_sso_ext_read $index || builtin return 1
    lines=("${(@f)${__awscli_sso_ext_text%$'\n'}}")
    __awscli_sso_ext_text=''
    # Lines (counted from 0): 0-7 the header, 8 the number T of token files, T lines "last
    # second<TAB>path", the number N of names, N names, N lines "code file<TAB>token
    # number", `end`. zsh arrays count from 1.
    [[ ${lines[9]-} == <-> ]] || builtin return 1
    tokens=$lines[9] first=$(( 11 + tokens ))
    [[ ${lines[10+tokens]-} == <-> ]] || builtin return 1
    count=${lines[10+tokens]}
    (( $#lines == first + 2 * count )) && [[ $lines[-1] == end ]] || builtin return 1
    config=${AWS_CONFIG_FILE-$home/.aws/config}
    credentials=${AWS_SHARED_CREDENTIALS_FILE-$home/.aws/credentials}
    [[ $lines[1] == 'awscli-sso-ext switch index 1' && $lines[2] == zsh && $lines[3] == $home &&
        $lines[4] == $config && $lines[6] == $credentials ]] &&
        __awscli_sso_ext_index_covers $index $config $lines[5] &&
        __awscli_sso_ext_index_covers $index $credentials $lines[7] || builtin return 1
    if [[ -z $name ]]; then
        file=$lines[8] number=0
    else
        (( count > 0 )) || builtin return 1
        at=${${(@)lines[first,first+count-1]}[(ie)$name]}
        (( at <= count )) || builtin return 1
        data=${lines[first+count+at-1]}
        file=${data%%$'\t'*} number=${data#*$'\t'}
    fi
    if [[ $number != 0 ]]; then
        [[ $number == <1-> ]] && (( number <= tokens )) || builtin return 1
        data=${lines[9+number]}
        until=${data%%$'\t'*} token=${data#*$'\t'}
        [[ $until == <-> && -f $token && $index -nt $token ]] || builtin return 1
        (( ${+EPOCHSECONDS} )) || builtin zmodload zsh/datetime
        now=$EPOCHSECONDS
        (( now <= until )) || builtin return 1
    fi
    [[ $file == code-?* && $file != *[^0-9a-z-]* ]] || builtin return 1
    file=$folder/$file
    __awscli_sso_ext_private $file f && [[ $seal -nt $file ]] && __awscli_sso_ext_read $file &&
        [[ $__awscli_sso_ext_text == *$'\n' ]] || builtin return 1
    if [[ -n $current && $current != $name ]]; then
        __awscli_sso_ext_text+='export AWS_SSO_EXT_PREVIOUS_PROFILE="$__awscli_sso_ext_previous"'$'\n'
    elif [[ -z $name ]]; then
        __awscli_sso_ext_text+=$'unset AWS_SSO_EXT_PREVIOUS_PROFILE\n'
    fi
    typeset -g __awscli_sso_ext_code=$__awscli_sso_ext_text __awscli_sso_ext_previous=$current
}
