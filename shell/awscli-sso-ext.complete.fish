# awscli-sso-ext: profile completion for fish, loaded by awscli-sso-ext.fish at the first TAB.
#
# Parsing these functions costs start-up time that every fish would pay if the hook defined
# them itself; the hook's entries call one stand-in, which sources this file at the first TAB
# (`source` is a builtin: no process).
#
# TAB after `aws sso-switch`, `aws sso-env --profile` or `aws ANYTHING --profile` lists the
# profiles botocore sees: `[default]` and `[profile NAME]` of AWS_CONFIG_FILE (NAME split
# shell-style like botocore: `[profile "my team"]` is `my team`; a header it can't split,
# or with more words, is no profile) and every section of AWS_SHARED_CREDENTIALS_FILE;
# never `[sso-session ...]`, `[services ...]`, `[plugins]` or `[DEFAULT]`. Our options and
# the --format and sso-status --output values complete too, `aws sso-<TAB>` offers
# sso-switch, sso-env and sso-status, and what is none of ours goes to the CLI's own
# `aws_completer` (next to the `aws` on PATH).
# These are `complete -c aws` entries with conditions: fish's own aws completion stays.
#
# No process per TAB for profiles: `read -z` and `string` are builtins, the section headers
# of both files are the cache key (an edit shows at the next TAB; no other text of the
# files is kept), and fish quotes each name for the line (`my\ team`). To complete
# `aws-sso-ext` itself (argcomplete), add to config.fish:
#
#     register-python-argcomplete --shell fish aws-sso-ext | source

# Python's shlex.split of $argv[1] (posix mode, no comments), one word a line; fails where
# shlex raises (an unclosed quote, a backslash at the end).
function __awscli_sso_ext_shlex_split
    set -l text (builtin string split -- '' $argv[1])
    set -l word ''
    set -l quote ''
    set -l have ''
    set -l words
    set -l i 1
    set -l n (builtin count $text)
    while test $i -le $n
        set -l c $text[$i]
        if test "$quote" = "'"
            if test "$c" = "'"
                set quote ''
            else
                set word "$word$c"
            end
        else if test "$quote" = '"'
            if test "$c" = '"'
                set quote ''
            else if test "$c" = '\\'; and test $i -lt $n; and builtin contains -- $text[(math $i + 1)] '"' '\\'
                set i (math $i + 1)
                set word "$word$text[$i]"
            else
                set word "$word$c"
            end
        else if builtin contains -- "$c" ' ' \t \r \n
            test -z "$have"; or set -a words $word
            set word ''
            set have ''
        else if builtin contains -- "$c" "'" '"'
            set quote $c
            set have 1
        else if test "$c" = '\\'
            test $i -lt $n; or return 1
            set i (math $i + 1)
            set word "$word$text[$i]"
            set have 1
        else
            set word "$word$c"
            set have 1
        end
        set i (math $i + 1)
    end
    test -z "$quote"; or return 1
    test -z "$have"; or set -a words $word
    builtin printf '%s\n' $words
end

# The profile names, one a line (config first, then credentials, each once). Both files
# are read at every TAB, so an edit shows at the next one, but only their section headers
# are kept (lines that start with `[`, up to the last `]`; indented ones are left out): the
# list of names depends on nothing else, so they are the cache key, and no key, token or
# other text of the files stays in a variable once the TAB is over.
function __awscli_sso_ext_profiles
    set -l config $AWS_CONFIG_FILE
    test -n "$config"; or set config ~/.aws/config
    set -l credentials $AWS_SHARED_CREDENTIALS_FILE
    test -n "$credentials"; or set credentials ~/.aws/credentials
    set -l files (builtin string replace -r -- '^~/' "$HOME/" $config $credentials)
    # `read -z` takes a file whole (to a NUL, which no config holds).
    set -l text ''
    set -l headers
    set -l credential_headers
    if test -f "$files[2]" -a -r "$files[2]"; and builtin read -z text <$files[2]
        set credential_headers (builtin string match -rag -- '(?m)^\[(.+)\]' $text)
    end
    set text ''
    if test -f "$files[1]" -a -r "$files[1]"; and builtin read -z text <$files[1]
        set headers (builtin string match -rag -- '(?m)^\[(.+)\]' $text)
    end
    set text ''
    # One string, a header a line (none holds a newline); the count tells where the
    # credentials file's end.
    builtin string join -- \n (builtin count $credential_headers) $credential_headers $headers |
        builtin read -lz key
    if set -q __awscli_sso_ext_profiles_key; and test "$key" = "$__awscli_sso_ext_profiles_key"
        builtin printf '%s\n' $__awscli_sso_ext_profiles_cache
        return 0
    end
    set -l names
    for header in $headers
        set -l words
        if test "$header" = default
            set words profile default
        else if builtin string match -q -- 'profile*' $header
            if builtin string match -qr -- '[\'"\\\\]' $header
                set words (__awscli_sso_ext_shlex_split $header); or continue
            else
                set words (builtin string split -n -- ' ' (builtin string replace -ra -- '[\t\r]' ' ' $header))
            end
        end
        test (builtin count $words) -eq 2; or continue
        builtin contains -- $words[2] $names; or set -a names $words[2]
    end
    for name in $credential_headers
        test "$name" != DEFAULT; or continue
        builtin contains -- $name $names; or set -a names $name
    end
    set -g __awscli_sso_ext_profiles_key "$key"
    set -g __awscli_sso_ext_profiles_cache $names
    builtin printf '%s\n' $names
end

# The words before the cursor, without `aws`, and the command among them (the first word
# that is no global option or its value): `command` and `positional` (words after it).
function __awscli_sso_ext_command
    set -l words (commandline -opc)
    set -e words[1]
    set -l command ''
    set -l positional 0
    while set -q words[1]
        switch $words[1]
            case --region --profile --output --endpoint-url --query --color --ca-bundle \
                --cli-read-timeout --cli-connect-timeout --cli-binary-format --format
                set -e words[1]
            case '-*'
            case '*'
                if test -z "$command"
                    set command $words[1]
                else
                    set positional (math $positional + 1)
                end
        end
        set -q words[1]; and set -e words[1]
    end
    builtin printf '%s\n' "$command" $positional
end

# Whether the word at the cursor is the profile of `aws sso-switch`. (After --profile, the
# option's own entry lists the names.)
function __awscli_sso_ext_wants_profile
    set -l found (__awscli_sso_ext_command)
    test "$found[1]" = sso-switch -a "$found[2]" = 0; or return 1
    not builtin string match -q -- '-*' (commandline -ct)
end

# Whether the command is one of $argv.
function __awscli_sso_ext_command_is
    set -l found (__awscli_sso_ext_command)
    builtin contains -- "$found[1]" $argv
end

# Whether the word at the cursor is the command itself.
function __awscli_sso_ext_at_command
    set -l found (__awscli_sso_ext_command)
    test -z "$found[1]"; and not builtin string match -q -- '-*' (commandline -ct)
end

# Whether none of ours applies at the cursor: then the CLI's own completer speaks.
function __awscli_sso_ext_delegates
    set -l before (commandline -opc)
    builtin contains -- "$before[-1]" --profile --format; and return 1
    set -l found (__awscli_sso_ext_command)
    not builtin contains -- "$found[1]" sso-switch sso-env sso-status
end

# The CLI's own completer for the line up to the cursor, the way `complete -C` runs it.
function __awscli_sso_ext_delegate
    set -l aws (command -s aws)
    set -l completer
    if test -n "$aws"
        set -l folder (builtin string replace -r -- '/[^/]*$' '' $aws)
        set -l parent (builtin string replace -r -- '/[^/]*$' '' $folder)
        for candidate in $folder/aws_completer $parent/libexec/aws_completer
            if test -x $candidate
                set completer $candidate
                break
            end
        end
    end
    test -n "$completer"; or set completer (command -s aws_completer); or return 0
    set -l line (commandline -cp)
    COMP_LINE=$line COMP_POINT=(builtin string length -- $line) command $completer 2>/dev/null |
        builtin string trim -r
end

# What the hook's completion entries call: __awscli_sso_ext_complete NAME ARGS... runs
# __awscli_sso_ext_NAME (one stand-in in the hook instead of one per function).
function __awscli_sso_ext_complete
    __awscli_sso_ext_$argv[1] $argv[2..-1]
end
