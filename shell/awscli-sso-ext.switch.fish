# awscli-sso-ext: `aws sso-switch` without starting the plugin, for fish; loaded by
# awscli-sso-ext.fish at the first switch.
#
# Every run of the plugin rewrites an index in $XDG_CACHE_HOME/awscli-sso-ext (or
# ~/.cache/awscli-sso-ext): for each profile, the code it would print, rendered and quoted by
# the plugin itself, and what that code depends on. A switch sources that code, starting no
# process, only when, with builtins only:
# - the folder, the index, the code file and the seal are ours and no links, and the seal
#   (written last, just after the rest) is newer than the index and the code file, so no
#   one wrote either since;
# - the index was built for this HOME and the same config and credentials files, and is
#   newer than both (or they are still absent);
# - the profile is in it, by exact comparison of the whole name (`contains`);
# - for an SSO profile, the index is newer than the login's token file and the clock (with a
#   second to spare) is at most at the last second at which the plugin would not log in (at
#   least 15 minutes left, or renewable by botocore until its client registration expires).
# Otherwise it fails, having changed nothing, and the hook runs the plugin. What depends on
# this shell, AWS_SSO_EXT_PREVIOUS_PROFILE (the profile being left), is done here exactly as
# the plugin does it, from the exported AWS_PROFILE or else AWS_DEFAULT_PROFILE.
#
# The index is data: its lines are compared, never evaluated; only a code file is. fish
# reads a long line into a list at once (`read -a -d \t`), so each list is one line there.

# Whether aws's arguments ask for sso-switch (global options and their values skipped), and
# not for its help or the version, whose text must never be sourced.
function __awscli_sso_ext_is_switch
    while set -q argv[1]
        switch $argv[1]
            case --region --profile --output --endpoint-url --query --color --ca-bundle \
                --cli-read-timeout --cli-connect-timeout --cli-binary-format
                set -q argv[2]; or return 1
                set -e argv[1..2]
            case --version
                return 1
            case '-*'
                set -e argv[1]
            case sso-switch
                set -e argv[1]
                builtin contains -- help $argv; and return 1
                builtin contains -- --version $argv; and return 1
                return 0
            case '*'
                return 1
        end
    end
    return 1
end

# Capture, check, then source: the code runs whole and only when `aws` exited 0. It comes
# through a pipe into `read -z` (byte for byte) rather than a command substitution, which
# would get no stdin when ours is redirected (a login may read it). `aws sso-switch NAME`,
# `-` or `--unset` alone first try the index the plugin keeps (AWS_SSO_SWITCH_FAST=0: never).
function __awscli_sso_ext_switch
    if test (count $argv) -eq 2 -a "$argv[1]" = sso-switch -a "$AWS_SSO_SWITCH_FAST" != 0
        and __awscli_sso_ext_switch_fast $argv[2]
        return 0
    end
    AWS_SSO_EXT_SHELL=fish command aws $argv | read -lz __awscli_sso_ext_code
    set -l __awscli_sso_ext_status $pipestatus[1]
    if test $__awscli_sso_ext_status -ne 0
        return $__awscli_sso_ext_status
    end
    builtin printf '%s' $__awscli_sso_ext_code | builtin source
end

# What `aws` runs when its arguments hold the word sso-switch.
function __awscli_sso_ext_aws
    if __awscli_sso_ext_is_switch $argv
        __awscli_sso_ext_switch $argv
    else
        command aws $argv
    end
end

# Whether the index $argv[1] covers the file $argv[2] recorded as $argv[3] (present or
# absent): an index newer than the file, or a file still absent.
function __awscli_sso_ext_index_covers --description 'Whether the switch index is newer than a file'
    switch $argv[3]
        case present
            test -f $argv[2]; and test $argv[1] -nt $argv[2]
        case absent
            not test -e $argv[2]; and not test -L $argv[2]
        case '*'
            return 1
    end
end

# Switches this shell as `aws sso-switch $argv[1]` would ($argv[1]: a profile, `-` or
# `--unset`), from the index the plugin keeps; fails, having changed nothing, when the
# index can't prove that the plugin would print the code it holds.
function __awscli_sso_ext_switch_fast --description 'Switch from the index, without a process'
    set -l target $argv[1]
    set -l home "$HOME"
    builtin string match -q -- '/*' "$home"; or return 1
    set -l current ''
    if set -qx AWS_PROFILE; and test -n "$AWS_PROFILE"
        set current "$AWS_PROFILE"
    else if set -qx AWS_DEFAULT_PROFILE; and test -n "$AWS_DEFAULT_PROFILE"
        set current "$AWS_DEFAULT_PROFILE"
    end
    set -l name ''
    switch $target
        case --unset
        case -
            set -qx AWS_SSO_EXT_PREVIOUS_PROFILE; and test -n "$AWS_SSO_EXT_PREVIOUS_PROFILE"
            or return 1
            set name "$AWS_SSO_EXT_PREVIOUS_PROFILE"
        case '' '-*'
            return 1
        case '*'
            set name $target
    end
    set -l folder "$XDG_CACHE_HOME"
    builtin string match -q -- '/*' "$folder"; or set folder $home/.cache
    set folder $folder/awscli-sso-ext
    set -l index $folder/switch.fish
    set -l seal $folder/switch.seal
    test -d $folder -a ! -L $folder -a -O $folder -a -f $index -a ! -L $index -a -O $index \
        -a -f $seal -a ! -L $seal -a -O $seal; and test $seal -nt $index; or return 1
    # The lines: the format, the shell, HOME, the config file and its state, the credentials
    # file and its state, the code file of --unset, then lists: the token files' last
    # seconds, their paths, the number of names, the names, their code files, their token
    # numbers (0: none), and `end`. One open file: all of it is one version of the index.
    set -l format
    set -l shell
    set -l index_home
    set -l config
    set -l config_state
    set -l credentials
    set -l credentials_state
    set -l unset_code
    set -l untils
    set -l token_files
    set -l count
    set -l names
    set -l codes
    set -l numbers
    set -l last
    begin
        builtin read format; and builtin read shell; and builtin read index_home
        and builtin read config; and builtin read config_state
        and builtin read credentials; and builtin read credentials_state
        and builtin read unset_code; and builtin read -a -d \t untils
        and builtin read -a -d \t token_files; and builtin read count
        and builtin read -a -d \t names; and builtin read -a -d \t codes
        and builtin read -a -d \t numbers; and builtin read last
    end <$index 2>/dev/null; or return 1
    set -l wanted_config $home/.aws/config
    set -q AWS_CONFIG_FILE; and set wanted_config "$AWS_CONFIG_FILE"
    set -l wanted_credentials $home/.aws/credentials
    set -q AWS_SHARED_CREDENTIALS_FILE; and set wanted_credentials "$AWS_SHARED_CREDENTIALS_FILE"
    test "$format" = 'awscli-sso-ext switch index 1' -a "$shell" = fish -a "$last" = end \
        -a "$index_home" = "$home" -a "$config" = "$wanted_config" \
        -a "$credentials" = "$wanted_credentials"; or return 1
    builtin string match -qr -- '^[0-9]+$' "$count"; or return 1
    test (count $names) -eq $count -a (count $codes) -eq $count -a (count $numbers) -eq $count \
        -a (count $untils) -eq (count $token_files); or return 1
    __awscli_sso_ext_index_covers $index $config $config_state
    and __awscli_sso_ext_index_covers $index $credentials $credentials_state
    or return 1
    set -l file $unset_code
    set -l number 0
    if test -n "$name"
        set -l at (builtin contains -i -- "$name" $names); or return 1
        set file $codes[$at]
        set number $numbers[$at]
    end
    if test "$number" != 0
        builtin string match -qr -- '^[1-9][0-9]*$' "$number"; and test $number -le (count $token_files)
        or return 1
        set -l until $untils[$number]
        set -l token $token_files[$number]
        builtin string match -qr -- '^[0-9]+$' "$until"; and test -f $token; and test $index -nt $token
        or return 1
        set -l now (__awscli_sso_ext_now); or return 1
        test (builtin math $now + 1) -le $until; or return 1
    end
    builtin string match -qr -- '^code-[0-9a-f]+$' "$file"; or return 1
    set file $folder/$file
    test -f $file -a ! -L $file -a -O $file; and test $seal -nt $file; or return 1
    set -l code
    builtin read -z code <$file 2>/dev/null
    builtin string match -q -- '*'\n "$code"; or return 1
    builtin printf '%s' $code | builtin source
    if test -n "$current" -a "$current" != "$name"
        set -gx AWS_SSO_EXT_PREVIOUS_PROFILE $current
    else if test -z "$name"
        set -e AWS_SSO_EXT_PREVIOUS_PROFILE
    end
    return 0
end
