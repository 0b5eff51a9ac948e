# awscli-sso-ext shell hook for fish.
#
# `aws sso-switch PROFILE` is a program, and a program can't change the shell that started
# it. So this file defines a function named `aws` that stands in front of the real `aws`:
# for `aws sso-switch ...` it runs the real command with AWS_SSO_EXT_SHELL=fish (so the
# plugin prints fish code on stdout), and sources that code only when the command
# succeeded. Everything else - every other command, its arguments, stdin, stdout, stderr
# and exit status - goes to the real `aws` untouched. Messages, login URLs and prompts are
# on stderr and stdin, which are never captured.
#
# Load it from ~/.config/fish/config.fish (the exact line is at the end of this file, and
# `aws-sso-ext hook fish` prints it), or copy it into ~/.config/fish/conf.d/:
#
#     source /path/to/awscli-sso-ext.fish
#
# Promises: sourcing starts no process and prints nothing (fish runs builtins in command
# substitutions without forking); sourcing it again only redefines the same functions;
# everything private is named __awscli_sso_ext_*; `builtin` and `command` keep user
# functions out of the way. Needs fish 3.1 or later (`NAME=value command` prefixes).

# Run as a program (`fish awscli-sso-ext.fish`), it could only change a shell that exits
# straight away: say how to load it instead. Sourced (from config.fish, conf.d or a pipe),
# the stack trace has a "from sourcing file" frame; run as a script, it has none.
if not status is-interactive
    if not builtin string match -q -- 'from sourcing *' (status stack-trace)
        builtin printf '%s\n' \
            "awscli-sso-ext: this file must be sourced into a running fish, not run." \
            "Add this line to ~/.config/fish/config.fish, then open a new shell:" \
            "    source "(builtin realpath (status current-filename)) >&2
        exit 2
    end
end

# Global options of the AWS CLI that take a value: skipping them (and their value) finds
# the command in `aws --region eu-west-1 sso-switch prod`. Any other word starting with `-`
# is a flag (--debug, --no-verify-ssl, --no-paginate, --no-sign-request, --no-cli-pager,
# --region=VALUE ...).
#
# Succeeds when the arguments ask for `sso-switch`, and not for its help or the version:
# `aws sso-switch help` prints a manual page on stdout, which must never be sourced.
function __awscli_sso_ext_is_switch --description 'Whether aws arguments ask for sso-switch'
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

# Capture, check, then source: the code runs whole and only when `aws` exited 0, so a
# failed switch (unknown profile, refused login, Ctrl-C) leaves every variable as it was.
# The output goes through a pipe into `read -z` (the whole text, byte for byte) rather than
# a command substitution, because fish gives a command substitution no stdin when the
# function's own stdin is redirected, and a login may read stdin. The plugin quotes every
# value for fish; stdin and stderr stay the caller's.
function __awscli_sso_ext_switch --description 'Run aws sso-switch and source its output'
    AWS_SSO_EXT_SHELL=fish command aws $argv | read -lz __awscli_sso_ext_code
    set -l __awscli_sso_ext_status $pipestatus[1]
    if test $__awscli_sso_ext_status -ne 0
        return $__awscli_sso_ext_status
    end
    builtin printf '%s' $__awscli_sso_ext_code | builtin source
end

function aws --description 'aws, where `aws sso-switch` moves this shell (awscli-sso-ext)'
    if __awscli_sso_ext_is_switch $argv
        __awscli_sso_ext_switch $argv
    else
        command aws $argv
    end
end

# --- Prompt segment (issue 5) ---------------------------------------------------------
# `aws_sso_prompt` prints the segment (profile, role@account, region, time left of the SSO
# session), and AWS_SSO_PROMPT holds it, refreshed before every prompt by a handler of the
# fish_prompt event, so a fish_prompt or fish_right_prompt can print it with
# `printf '%s ' $AWS_SSO_PROMPT`. AWS_SSO_PROMPT_TEXT holds the same without colours,
# AWS_SSO_PROMPT_STATE one of ok, warn, expired, renews, plain (no SSO) or nothing (no
# profile). docs/prompt.md lists the options; the look and the meaning are the bash hook's.
#
# Builtins only (`read`, `string`, `math`), except the clock: fish has no builtin one, so a
# prompt with an SSO profile runs one `date +%s`. A half-written token file (AWS CLI v2
# writes in place) keeps the last good value.
#
# Names are data: control characters are stripped, and fish prints a prompt's text as it is
# (it never expands it again) and measures the width of the colour codes right.

# Epoch seconds of an ISO 8601 time (the CLI's `2024-01-31T12:00:00Z`, with fractional
# seconds, `+00:00`-style offsets or `UTC` tolerated), or failure.
function __awscli_sso_ext_epoch_of --description 'Epoch seconds of an ISO 8601 time'
    set -l t (builtin string match -r -- '^(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.\d+)? *(Z|z|UTC|[+-]\d\d:?\d\d|)$' $argv[1])
    or return 1
    set -l off 0
    if builtin string match -rq -- '^[+-]' $t[8]
        set -l z (builtin string replace -- : '' $t[8])
        set off (builtin math -s0 (builtin string sub -s 1 -l 1 -- $z)1 \* \( (builtin string sub -s 2 -l 2 -- $z) \* 60 + (builtin string sub -s 4 -l 2 -- $z) \) \* 60)
    end
    # Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    set -l y (builtin math -s0 $t[2])
    set -l m (builtin math -s0 $t[3])
    set -l d (builtin math -s0 $t[4])
    if test $m -le 2
        set y (builtin math $y - 1)
        set m (builtin math $m + 9)
    else
        set m (builtin math $m - 3)
    end
    set -l yoe (builtin math $y % 400)
    builtin math -s0 "((floor($y / 400) * 146097 + $yoe * 365 + floor($yoe / 4) - floor($yoe / 100) + floor((153 * $m + 2) / 5) + $d - 1 - 719468) * 86400 + $t[5] * 3600 + $t[6] * 60 + $t[7]) - $off"
end

# The string value of field $argv[1] of the token text $argv[2], or failure.
function __awscli_sso_ext_json_field --description 'A string field of a JSON text'
    builtin string match -r --groups-only -- '"'$argv[1]'"\s*:\s*"([^"]*)"' $argv[2]
end

# The active login's expiry into __awscli_sso_ext_expiry (epoch seconds; empty when the
# token file is gone, e.g. after `aws sso logout`) and until when it renews itself into
# __awscli_sso_ext_renews_until (0: never). Parsed times are remembered while the fields
# they come from are unchanged; a torn read (no closing brace yet) keeps the last good
# values of the file. The token text is dropped straight away.
function __awscli_sso_ext_token_times --description 'Expiry of the active SSO login'
    set -l file "$AWS_SSO_EXT_TOKEN_FILE"
    set -l expires ''
    set -l registration ''
    set -l refresh ''
    if test -z "$file"
        set expires "$AWS_SSO_EXT_EXPIRATION"
    else if not test -e "$file"
        set -g __awscli_sso_ext_expiry ''
        set -g __awscli_sso_ext_renews_until 0
        return 0
    else
        set -l data ''
        if test -r "$file" -a ! -d "$file"
            builtin read -z data <$file
        end
        if builtin string match -rq -- '\}\s*$' "$data"; and set expires (__awscli_sso_ext_json_field expiresAt "$data")
            if builtin string match -q -- '?*' "$AWS_SSO_EXT_SESSION"; and not builtin string match -q -- '*://*' "$AWS_SSO_EXT_SESSION"
                and builtin string match -rq -- '"refreshToken"\s*:\s*"[^"]' "$data"
                and builtin string match -rq -- '"clientId"\s*:\s*"[^"]' "$data"
                and builtin string match -rq -- '"clientSecret"\s*:\s*"[^"]' "$data"
                and set registration (__awscli_sso_ext_json_field registrationExpiresAt "$data")
                set refresh 1
            end
        else if builtin string match -q -- "$file|*" "$__awscli_sso_ext_token_key"
            return 0 # torn or unreadable: the last good values of this file
        else
            set expires "$AWS_SSO_EXT_EXPIRATION"
        end
    end
    set -l key "$file|$expires|$refresh|$registration"
    test "$key" != "$__awscli_sso_ext_token_key"; or return 0
    set -g __awscli_sso_ext_expiry ''
    set -g __awscli_sso_ext_renews_until 0
    if set -l epoch (__awscli_sso_ext_epoch_of "$expires")
        set __awscli_sso_ext_expiry $epoch
        if test -n "$refresh"; and set epoch (__awscli_sso_ext_epoch_of "$registration")
            set __awscli_sso_ext_renews_until $epoch
        end
    end
    set -g __awscli_sso_ext_token_key $key
end

# One SGR colour (`1;33`) as terminal bytes; nothing unless digits and semicolons (so no
# variable can smuggle other escapes in), or when NO_COLOR is set.
function __awscli_sso_ext_colour --description 'Terminal bytes of one SGR colour'
    if test -n "$argv[1]" -a -z "$NO_COLOR"; and builtin string match -rq -- '^[0-9;]+$' "$argv[1]"
        builtin printf '\e[%sm' $argv[1]
    end
end

# The text without control characters (C0, DEL and C1).
function __awscli_sso_ext_clean --description 'Text without control characters'
    builtin string replace -ra -- '[\x00-\x1f\x7f-\x9f]' '' "$argv[1]"
end

# Sets AWS_SSO_PROMPT, AWS_SSO_PROMPT_TEXT and AWS_SSO_PROMPT_STATE from the environment,
# and __awscli_sso_ext_next: when the text is due to change. $argv[1]: the clock, if read.
function __awscli_sso_ext_prompt_render --description 'Render the AWS SSO prompt segment'
    set -l now $argv[1]
    set -g __awscli_sso_ext_next ''
    set -l profile "$AWS_PROFILE"
    set -l state plain
    set -l left ''
    if test -z "$profile"
        set -g AWS_SSO_PROMPT ''
        set -g AWS_SSO_PROMPT_TEXT ''
        set -g AWS_SSO_PROMPT_STATE ''
        return 0
    end
    # Only a segment with a time needs the clock (a process): no `date` otherwise.
    if test -n "$AWS_SSO_EXT_TOKEN_FILE$AWS_SSO_EXT_EXPIRATION"
        set -q now[1]; or set now (command date +%s)
        set __awscli_sso_ext_next (builtin math $now + 60)
        __awscli_sso_ext_token_times
        set -l warn 15
        set -q AWS_SSO_PROMPT_WARN_MINUTES; and set warn "$AWS_SSO_PROMPT_WARN_MINUTES"
        builtin string match -rq -- '^[0-9]+$' "$warn"; or set warn 15
        set warn (builtin math -s0 $warn \* 60)
        set -l expiry $__awscli_sso_ext_expiry
        test -n "$expiry"; or set expiry 0
        set -l seconds (builtin math $expiry - $now)
        if test $__awscli_sso_ext_renews_until -gt $now
            set state renews
            set left renews
            set -q AWS_SSO_PROMPT_RENEWS_TEXT; and set left "$AWS_SSO_PROMPT_RENEWS_TEXT"
        else if test -z "$__awscli_sso_ext_expiry" -o $seconds -le 0
            set state expired
            set left expired
            set -q AWS_SSO_PROMPT_EXPIRED_TEXT; and set left "$AWS_SSO_PROMPT_EXPIRED_TEXT"
        else if test $seconds -lt $warn
            set state warn
        else
            set state ok
        end
        # The text changes when a whole minute is used up, at the warning, at expiry, or
        # when the session stops renewing: render again then.
        if test $seconds -gt 0 -a $state != expired
            if test $seconds -ge 86400
                set left (builtin math -s0 $seconds / 86400)d(builtin math -s0 $seconds % 86400 / 3600)h
            else if test $seconds -ge 3600
                set left (builtin math -s0 $seconds / 3600)h(builtin math -s0 $seconds % 3600 / 60)m
            else if test $seconds -ge 60
                set left (builtin math -s0 $seconds / 60)m
            else
                set left '<1m'
            end
            set __awscli_sso_ext_next (builtin math $now + $seconds % 60 + 1)
            if test $seconds -gt $warn; and test (builtin math $now + $seconds - $warn) -lt $__awscli_sso_ext_next
                set __awscli_sso_ext_next (builtin math $now + $seconds - $warn)
            end
            if test $state = renews
                if set -q AWS_SSO_PROMPT_RENEWS_MARK
                    set left "$left$AWS_SSO_PROMPT_RENEWS_MARK"
                else
                    set left "$left+"
                end
            end
        end
        if test $__awscli_sso_ext_renews_until -gt $now -a $__awscli_sso_ext_renews_until -lt $__awscli_sso_ext_next
            set __awscli_sso_ext_next $__awscli_sso_ext_renews_until
        end
    end
    set -l base (__awscli_sso_ext_colour "$AWS_SSO_PROMPT_COLOR")
    set -l reset ''
    test -z "$base"; or set reset (builtin printf '\e[0m')
    set -l colours ok 32 warn 33 expired '1;31' renews 36
    set -l sgr ''
    if set -l i (builtin contains -i -- $state $colours)
        set -l name AWS_SSO_PROMPT_COLOR_(builtin string upper -- $state)
        set -l colour $colours[(builtin math $i + 1)]
        set -q $name; and set colour "$$name"
        set sgr (__awscli_sso_ext_colour "$colour")
    end
    # The format: {name} fields between literal text. The text before a field shows only
    # when the field is not empty, so `{role}@{account}` vanishes for a profile without SSO;
    # the text before the first field and after the last always shows.
    set -l format '{profile} {role}@{account} {region} {left}'
    set -q AWS_SSO_PROMPT_FORMAT; and set format "$AWS_SSO_PROMPT_FORMAT"
    set -l text ''
    set -l prompt ''
    set -l first 1
    set -l rest "$format"
    while true
        set -l parts (builtin string split -m1 -- '{' "$rest")
        if not set -q parts[2]
            set rest (__awscli_sso_ext_clean "$rest")
            set text "$text$rest"
            set prompt "$prompt$rest"
            break
        end
        set -l literal $parts[1]
        set -l field (builtin string split -m1 -- '}' "$parts[2]")
        if not set -q field[2]
            set rest (__awscli_sso_ext_clean "$literal{$parts[2]")
            set text "$text$rest"
            set prompt "$prompt$rest"
            break
        end
        set rest $field[2]
        set -l value ''
        switch $field[1]
            case profile
                set value "$profile"
            case role
                set value "$AWS_SSO_EXT_ROLE"
            case account
                set value "$AWS_SSO_EXT_ACCOUNT"
            case region
                set value "$AWS_REGION"
                test -n "$value"; or set value "$AWS_DEFAULT_REGION"
            case left
                set value "$left"
            case '*'
                set value "{$field[1]}"
        end
        set value (__awscli_sso_ext_clean "$value")
        if test -n "$value" -o -n "$first"
            set literal (__awscli_sso_ext_clean "$literal")
            set text "$text$literal"
            set prompt "$prompt$literal"
        end
        set first ''
        test -n "$value"; or continue
        set text "$text$value"
        if test $field[1] = left -a -n "$sgr"
            set prompt "$prompt$sgr$value"(builtin printf '\e[0m')"$base"
        else
            set prompt "$prompt$value"
        end
    end
    set -g AWS_SSO_PROMPT_TEXT "$text"
    set -g AWS_SSO_PROMPT "$base$prompt$reset"
    set -g AWS_SSO_PROMPT_STATE $state
end

# Returns its argument: how $status is put back.
function __awscli_sso_ext_return --description 'Return the given status'
    return $argv[1]
end

# Runs before every prompt (the fish_prompt event) and leaves $status as it found it. The
# usual prompt reads the clock and the token file's expiresAt and compares them and the AWS
# variables with the last render's; the full render runs when one of them changed or when
# the text is due to change (the minute, the warning, the expiry), and at least once a
# minute, which is when changed AWS_SSO_PROMPT_* options show.
function __awscli_sso_ext_prompt_update --on-event fish_prompt --description 'Refresh AWS_SSO_PROMPT'
    set -l __awscli_sso_ext_status $status
    set -l key -
    set -l now
    if test -n "$AWS_SSO_EXT_TOKEN_FILE" -a -r "$AWS_SSO_EXT_TOKEN_FILE" -a ! -d "$AWS_SSO_EXT_TOKEN_FILE"
        set -l data ''
        builtin read -z data <$AWS_SSO_EXT_TOKEN_FILE
        # Whole when the closing brace came; else a torn read: render (it keeps the last).
        # The length tells a file that gained or lost its refresh token with the same
        # expiresAt (the secrets themselves are never kept).
        if builtin string match -rq -- '\}\s*$' "$data"; and set key (__awscli_sso_ext_json_field expiresAt "$data")
            set key "$key|"(builtin string length -- "$data")
        else
            set key '?'
        end
    end
    if test -n "$AWS_PROFILE"; and test -n "$AWS_SSO_EXT_TOKEN_FILE$AWS_SSO_EXT_EXPIRATION"
        set now (command date +%s)
    end
    set key "$key|$AWS_SSO_EXT_TOKEN_FILE|$AWS_PROFILE|$AWS_SSO_EXT_ROLE|$AWS_SSO_EXT_ACCOUNT|$AWS_REGION|$AWS_DEFAULT_REGION|$AWS_SSO_EXT_SESSION|$AWS_SSO_EXT_EXPIRATION"
    set -l due ''
    if test -n "$now" -a -n "$__awscli_sso_ext_next"; and test $now -ge $__awscli_sso_ext_next
        set due 1
    end
    if test "$key" != "$__awscli_sso_ext_rendered" -o -n "$due"; or builtin string match -q -- '\?|*' "$key"
        __awscli_sso_ext_prompt_render $now
        set -g __awscli_sso_ext_rendered $key
    end
    if test "$AWS_SSO_PROMPT_AUTO" = 1; and not set -q __awscli_sso_ext_placed
        __awscli_sso_ext_prompt_place
    end
    return $__awscli_sso_ext_status
end

# AWS_SSO_PROMPT_AUTO=1: the segment goes in front of the user's own fish_right_prompt,
# which is kept (copied to __awscli_sso_ext_user_right_prompt), once, at the first prompt,
# so a right prompt that config.fish defines after sourcing this file is kept too.
function __awscli_sso_ext_prompt_place --description 'Put the AWS SSO segment in fish_right_prompt'
    set -g __awscli_sso_ext_placed 1
    functions -e __awscli_sso_ext_user_right_prompt
    if functions -q fish_right_prompt
        functions --copy fish_right_prompt __awscli_sso_ext_user_right_prompt
        functions -e fish_right_prompt
    end
    functions --copy __awscli_sso_ext_right_prompt fish_right_prompt
end

# What fish_right_prompt becomes with AWS_SSO_PROMPT_AUTO=1: the segment, then the user's
# right prompt (with $status as the command left it).
function __awscli_sso_ext_right_prompt --description 'The AWS SSO segment, then the right prompt'
    set -l __awscli_sso_ext_status $status
    if test -n "$AWS_SSO_PROMPT"
        builtin printf '%s' "$AWS_SSO_PROMPT"
        functions -q __awscli_sso_ext_user_right_prompt; and builtin printf ' '
    end
    if functions -q __awscli_sso_ext_user_right_prompt
        __awscli_sso_ext_return $__awscli_sso_ext_status
        __awscli_sso_ext_user_right_prompt
    end
end

# Prints the segment as AWS_SSO_PROMPT holds it; `--text` prints it plain.
function aws_sso_prompt --description 'Print the AWS SSO prompt segment (awscli-sso-ext)'
    set -l __awscli_sso_ext_status $status
    __awscli_sso_ext_prompt_render
    if test "$argv[1]" = --text
        builtin printf '%s' "$AWS_SSO_PROMPT_TEXT"
    else
        builtin printf '%s' "$AWS_SSO_PROMPT"
    end
    return $__awscli_sso_ext_status
end

# --- Profile completion (issue 6) -----------------------------------------------------
# TAB after `aws sso-switch`, `aws sso-env --profile` or `aws ANYTHING --profile` lists the
# profiles botocore sees: `[default]` and `[profile NAME]` of AWS_CONFIG_FILE (NAME split
# shell-style like botocore: `[profile "my team"]` is `my team`; a header it can't split,
# or with more words, is no profile) and every section of AWS_SHARED_CREDENTIALS_FILE;
# never `[sso-session ...]`, `[services ...]`, `[plugins]` or `[DEFAULT]`. Our options and
# the --format values complete too, `aws sso-<TAB>` offers sso-switch and sso-env, and what
# is none of ours goes to the CLI's own `aws_completer` (next to the `aws` on PATH).
# These are `complete -c aws` entries with conditions: fish's own aws completion stays.
#
# No process per TAB for profiles: `read -z` and `string` are builtins, the text of both
# files is the cache key (an edit shows at the next TAB), and fish quotes each name for
# the line (`my\ team`). To complete `aws-sso-ext` itself (argcomplete), add to config.fish:
#
#     register-python-argcomplete --shell fish aws-sso-ext | source

# The completion functions live in awscli-sso-ext.complete.fish beside this file: parsing
# them here would slow every fish start. The functions the entries below call are stand-ins
# until the first TAB sources that file, which replaces them (the loader's body holds the
# file's absolute path; the local variable ends with this file).
set -l __awscli_sso_ext_here (builtin status filename)
builtin string match -q -- '/*' $__awscli_sso_ext_here; or set __awscli_sso_ext_here $PWD/$__awscli_sso_ext_here
set __awscli_sso_ext_here (builtin string replace -r -- '/[^/]*$' '' $__awscli_sso_ext_here)
builtin eval "function __awscli_sso_ext_complete_load --description 'Load the awscli-sso-ext completion'
    builtin source "(builtin string escape -- $__awscli_sso_ext_here/awscli-sso-ext.complete.fish)"
end"

function __awscli_sso_ext_wants_profile
    __awscli_sso_ext_complete_load; and __awscli_sso_ext_wants_profile $argv
end

function __awscli_sso_ext_profiles
    __awscli_sso_ext_complete_load; and __awscli_sso_ext_profiles $argv
end

function __awscli_sso_ext_command_is
    __awscli_sso_ext_complete_load; and __awscli_sso_ext_command_is $argv
end

function __awscli_sso_ext_at_command
    __awscli_sso_ext_complete_load; and __awscli_sso_ext_at_command $argv
end

function __awscli_sso_ext_delegates
    __awscli_sso_ext_complete_load; and __awscli_sso_ext_delegates $argv
end

function __awscli_sso_ext_delegate
    __awscli_sso_ext_complete_load; and __awscli_sso_ext_delegate $argv
end

complete -c aws -n __awscli_sso_ext_wants_profile -f -a '(__awscli_sso_ext_profiles)' -d profile
complete -c aws -l profile -x -a '(__awscli_sso_ext_profiles)' -d 'Profile from the config or credentials file'
complete -c aws -n '__awscli_sso_ext_command_is sso-switch' -l unset -d 'Clear everything a switch sets'
complete -c aws -n '__awscli_sso_ext_command_is sso-switch' -l verify -d 'Ask STS who the credentials belong to'
complete -c aws -n '__awscli_sso_ext_command_is sso-env' -l format -x -a 'bash zsh fish powershell dotenv json process' -d 'Output format'
complete -c aws -n '__awscli_sso_ext_command_is sso-env' -l credentials -d 'Add the role\'s temporary keys'
complete -c aws -n '__awscli_sso_ext_command_is sso-env' -l unset -d 'Print code that clears the variables'
complete -c aws -n '__awscli_sso_ext_command_is sso-switch' -l no-login -d 'Never start a login'
complete -c aws -n '__awscli_sso_ext_command_is sso-switch' -l no-browser -d 'Open no browser'
complete -c aws -n '__awscli_sso_ext_command_is sso-env' -l no-login -d 'Never start a login'
complete -c aws -n '__awscli_sso_ext_command_is sso-env' -l no-browser -d 'Open no browser'
complete -c aws -n __awscli_sso_ext_at_command -f -a sso-switch -d 'Switch this shell to a profile'
complete -c aws -n __awscli_sso_ext_at_command -f -a sso-env -d 'Print the variables for a profile'
complete -c aws -n __awscli_sso_ext_delegates -a '(__awscli_sso_ext_delegate)'

# To load this hook in every new fish, add this line to ~/.config/fish/config.fish
# (`aws-sso-ext hook fish` prints it with this file's installed path):
#
#     source /path/to/awscli-sso-ext.fish
