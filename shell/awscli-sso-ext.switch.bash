# awscli-sso-ext: `aws sso-switch` without starting the plugin, for bash; loaded by
# awscli-sso-ext.bash at the first switch.
#
# Every run of the plugin rewrites an index in $XDG_CACHE_HOME/awscli-sso-ext (or
# ~/.cache/awscli-sso-ext): for each profile, the code it would print, rendered and quoted by
# the plugin itself, and what that code depends on. A switch evaluates that code, starting no
# process, only when, with builtins only:
# - the folder, the index, the code file and the seal are ours and no links, and the seal
#   (written last, just after the rest) is newer than the index and the code file, so no
#   one wrote either since;
# - the index was built for this HOME and the same config and credentials files, and is
#   newer than both (or they are still absent);
# - the profile is in it, by exact comparison of the whole name (a binary search over names
#   sorted by their bytes, under LC_ALL=C);
# - for an SSO profile, the index is newer than the login's token file and the clock is at
#   most at the last second at which the plugin would not log in (at least 15 minutes left,
#   or renewable by botocore until its client registration expires).
# Otherwise it fails, having changed nothing, and the hook runs the plugin. What depends on
# this shell, AWS_SSO_EXT_PREVIOUS_PROFILE (the profile being left), is done here exactly as
# the plugin does it, from the exported AWS_PROFILE or else AWS_DEFAULT_PROFILE.
#
# The index is data: its lines are compared, never evaluated; only a code file is.

# Whether aws's arguments ask for sso-switch (global options and their values skipped), and
# not for its help or the version: `aws sso-switch help` prints a manual, never for eval.
__awscli_sso_ext_is_switch() {
    while (($# > 0)); do
        case $1 in
            --region | --profile | --output | --endpoint-url | --query | --color | --ca-bundle | \
                --cli-read-timeout | --cli-connect-timeout | --cli-binary-format)
                (($# > 1)) || builtin return 1
                builtin shift 2
                ;;
            --version) builtin return 1 ;;
            -*) builtin shift ;;
            sso-switch) break ;;
            *) builtin return 1 ;;
        esac
    done
    (($# > 0)) || builtin return 1
    builtin shift
    while (($# > 0)); do
        case $1 in
            help | --version) builtin return 1 ;;
        esac
        builtin shift
    done
    builtin return 0
}

# Capture, check, then eval: the code reaches eval whole and only when `aws` exited 0, so a
# failed switch leaves every variable as it was. `aws sso-switch NAME`, `-` or `--unset`
# alone first ask the index the plugin keeps (AWS_SSO_SWITCH_FAST=0: never).
__awscli_sso_ext_switch() {
    builtin local __awscli_sso_ext_code __awscli_sso_ext_previous
    if (($# == 2)) && [[ $1 == sso-switch && ${AWS_SSO_SWITCH_FAST-} != 0 ]] &&
        __awscli_sso_ext_switch_code "$2"; then
        builtin eval "$__awscli_sso_ext_code"
        builtin return
    fi
    __awscli_sso_ext_code=$(AWS_SSO_EXT_SHELL=bash command aws "$@") || builtin return
    builtin eval "$__awscli_sso_ext_code"
}

# What `aws` runs when its arguments hold the word sso-switch.
__awscli_sso_ext_aws() {
    if __awscli_sso_ext_is_switch "$@"; then
        __awscli_sso_ext_switch "$@"
    else
        command aws "$@"
    fi
}

# Whether the index $1 covers the file $2 recorded as $3 (present or absent): an index newer
# than the file, or a file still absent.
__awscli_sso_ext_index_covers() {
    case $3 in
        present) [[ -f $2 && $1 -nt $2 ]] ;;
        absent) [[ ! -e $2 && ! -L $2 ]] ;;
        *) builtin return 1 ;;
    esac
}

# The code `aws sso-switch $1` would print now ($1: a profile, `-` or `--unset`), into
# __awscli_sso_ext_code, ready for eval, and the profile being left into
# __awscli_sso_ext_previous (the code refers to it); fails when the index can't prove it.
__awscli_sso_ext_switch_code() {
    builtin local LC_ALL=C target="$1" name='' current='' home="${HOME-}" folder index seal
    builtin local config credentials tokens first count data file number until token now code
    builtin local lo hi mid
    builtin local -a lines parts
    [[ $home == /* ]] || builtin return 1
    if [[ -n ${AWS_PROFILE-} && ${AWS_PROFILE@a} == *x* ]]; then
        current=$AWS_PROFILE
    elif [[ -n ${AWS_DEFAULT_PROFILE-} && ${AWS_DEFAULT_PROFILE@a} == *x* ]]; then
        current=$AWS_DEFAULT_PROFILE
    fi
    case $target in
        --unset) ;;
        -)
            [[ -n ${AWS_SSO_EXT_PREVIOUS_PROFILE-} && ${AWS_SSO_EXT_PREVIOUS_PROFILE@a} == *x* ]] ||
                builtin return 1
            name=$AWS_SSO_EXT_PREVIOUS_PROFILE
            ;;
        '' | -*) builtin return 1 ;;
        *) name=$target ;;
    esac
    folder=${XDG_CACHE_HOME-}
    [[ $folder == /* ]] || folder=$home/.cache
    folder+=/awscli-sso-ext index=$folder/switch.bash seal=$folder/switch.seal
    [[ -d $folder && ! -L $folder && -O $folder && -f $index && ! -L $index && -O $index &&
        -f $seal && ! -L $seal && -O $seal && $seal -nt $index ]] || builtin return 1
    builtin mapfile -t lines 2>/dev/null <"$index" || builtin return 1
    # Lines: 0-7 the header, 8 the number T of token files, T lines "last second<TAB>path",
    # the number N of names, N names, N lines "code file<TAB>token number", `end`.
    tokens=${lines[8]-}
    [[ $tokens == [0-9]* && $tokens != *[!0-9]* ]] || builtin return 1
    first=$((10 + tokens)) count=${lines[9 + tokens]-}
    [[ $count == [0-9]* && $count != *[!0-9]* ]] && ((${#lines[@]} == first + 2 * count + 1)) &&
        [[ ${lines[first + 2 * count]} == end ]] || builtin return 1
    config=${AWS_CONFIG_FILE-$home/.aws/config}
    credentials=${AWS_SHARED_CREDENTIALS_FILE-$home/.aws/credentials}
    [[ ${lines[0]} == 'awscli-sso-ext switch index 1' && ${lines[1]} == bash &&
        ${lines[2]} == "$home" && ${lines[3]} == "$config" && ${lines[5]} == "$credentials" ]] &&
        __awscli_sso_ext_index_covers "$index" "$config" "${lines[4]}" &&
        __awscli_sso_ext_index_covers "$index" "$credentials" "${lines[6]}" || builtin return 1
    if [[ -z $name ]]; then
        file=${lines[7]} number=0
    else
        lo=$first hi=$((first + count))
        while ((lo < hi)); do
            mid=$(((lo + hi) / 2))
            if [[ ${lines[mid]} < "$name" ]]; then
                lo=$((mid + 1))
            else
                hi=$mid
            fi
        done
        ((lo < first + count)) && [[ ${lines[lo]} == "$name" ]] || builtin return 1
        data=${lines[lo + count]}
        file=${data%%$'\t'*} number=${data#*$'\t'}
    fi
    if [[ $number != 0 ]]; then
        [[ $number == [1-9]* && $number != *[!0-9]* ]] && ((number <= tokens)) ||
            builtin return 1
        data=${lines[8 + number]}
        until=${data%%$'\t'*} token=${data#*$'\t'}
        [[ $until == [0-9]* && $until != *[!0-9]* && -f $token && $index -nt $token ]] ||
            builtin return 1
        now=${EPOCHSECONDS-}
        [[ -n $now ]] || builtin printf -v now '%(%s)T' -1
        ((now <= until)) || builtin return 1
    fi
    [[ $file == code-?* && $file != *[!0-9a-z-]* ]] || builtin return 1
    file=$folder/$file
    [[ -f $file && ! -L $file && -O $file && $seal -nt $file ]] || builtin return 1
    # `mapfile` reads in blocks (`read -d ''` would read byte by byte); the lines keep their ends.
    builtin mapfile parts 2>/dev/null <"$file" || builtin return 1
    builtin printf -v code '%s' "${parts[@]}"
    [[ $code == *$'\n' ]] || builtin return 1
    # shellcheck disable=SC2016 # expanded by the eval, from __awscli_sso_ext_previous
    if [[ -n $current && $current != "$name" ]]; then
        code+='export AWS_SSO_EXT_PREVIOUS_PROFILE="$__awscli_sso_ext_previous"'$'\n'
    elif [[ -z $name ]]; then
        code+=$'unset AWS_SSO_EXT_PREVIOUS_PROFILE\n'
    fi
    __awscli_sso_ext_code=$code __awscli_sso_ext_previous=$current
}
