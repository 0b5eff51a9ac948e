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
#
# `aws sso-switch PROFILE`, `aws sso-switch -` and `aws sso-switch --unset`, with nothing
# else on the line, first ask the index the plugin keeps (awscli-sso-ext.switch.fish): when
# it proves the plugin would print the code it holds, that code is sourced and no process
# starts. On any doubt the plugin runs. AWS_SSO_SWITCH_FAST=0 always runs the plugin.
function __awscli_sso_ext_switch --description 'Run aws sso-switch and source its output'
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

function aws --description 'aws, where `aws sso-switch` moves this shell (awscli-sso-ext)'
    if __awscli_sso_ext_is_switch $argv
        __awscli_sso_ext_switch $argv
    else
        command aws $argv
    end
end

# --- Prompt segment -------------------------------------------------------------------
# `aws_sso_prompt` prints the segment (profile, role@account, region, time left of the SSO
# session), and AWS_SSO_PROMPT holds it, refreshed before every prompt by a handler of the
# fish_prompt event, so a fish_prompt or fish_right_prompt can print it with
# `printf '%s ' $AWS_SSO_PROMPT`. AWS_SSO_PROMPT_TEXT holds the same without colours,
# AWS_SSO_PROMPT_STATE one of ok, warn, expired, renews, plain (no SSO) or nothing (no
# profile). docs/prompt.md lists the options; the look and the meaning are the bash hook's.
#
# Builtins only (`read`, `string`, `math`, and `path` or /proc for the clock: see
# __awscli_sso_ext_now). A half-written token file (AWS CLI v2 writes in place) keeps the
# last good value.
#
# Names are data: control characters are stripped, and fish prints a prompt's text as it is
# (it never expands it again) and measures the width of the colour codes right.

# The folder of this file, for the loaders below (a local variable: gone after sourcing).
set -l __awscli_sso_ext_here (builtin status filename)
builtin string match -q -- '/*' $__awscli_sso_ext_here; or set __awscli_sso_ext_here $PWD/$__awscli_sso_ext_here
# Its folder: split once at the last slash (no regex: the first one costs fish milliseconds).
set __awscli_sso_ext_here (builtin string split -r -m1 -- / $__awscli_sso_ext_here)[1]
builtin eval "function __awscli_sso_ext_prompt_load --description 'Load the awscli-sso-ext prompt code'
    builtin source "(builtin string escape -- $__awscli_sso_ext_here/awscli-sso-ext.prompt.fish)"
end"
builtin eval "function __awscli_sso_ext_switch_load --description 'Load the awscli-sso-ext fast switch'
    builtin source "(builtin string escape -- $__awscli_sso_ext_here/awscli-sso-ext.switch.fish)"
end"

# The fast switch lives in awscli-sso-ext.switch.fish beside this file, sourced at the first
# switch; until then this stand-in loads it, which replaces it, and calls the real function.
function __awscli_sso_ext_switch_fast
    __awscli_sso_ext_switch_load; and __awscli_sso_ext_switch_fast $argv
end

# The rendering functions live in awscli-sso-ext.prompt.fish beside this file, sourced the
# first time a segment is rendered (a shell that never has a profile never loads them):
# parsing them here would slow every fish start. Until then these stand-ins load the file,
# which replaces them, and call the real function.
function __awscli_sso_ext_json_field
    __awscli_sso_ext_prompt_load; and __awscli_sso_ext_json_field $argv
end

function __awscli_sso_ext_prompt_render
    __awscli_sso_ext_prompt_load; and __awscli_sso_ext_prompt_render $argv
end

function __awscli_sso_ext_prompt_place
    __awscli_sso_ext_prompt_load; and __awscli_sso_ext_prompt_place $argv
end

# The time in epoch seconds. fish has no clock builtin, but `path mtime` (fish 3.5 and later)
# gives a file's mtime and its age, which add up to the time now; older fish on Linux reads
# the boot time (/proc/stat) and the uptime (/proc/uptime), within a second; elsewhere one
# `date` runs. The way is chosen once, at the first call.
function __awscli_sso_ext_now --description 'The time in epoch seconds'
    if not set -q __awscli_sso_ext_clock
        set -g __awscli_sso_ext_clock date
        if builtin contains -- path (builtin -n)
            set __awscli_sso_ext_clock path
        else if test -r /proc/stat -a -r /proc/uptime
            set __awscli_sso_ext_clock proc
        end
    end
    switch $__awscli_sso_ext_clock
        case path
            set -l mtime (builtin path mtime -- /)
            set -l age (builtin path mtime -R -- /)
            # The same mtime again: / did not change between the two calls.
            if test -n "$mtime" -a -n "$age"; and test "$mtime" = (builtin path mtime -- /)
                builtin math $mtime + $age
                return
            end
        case proc
            set -l boot (builtin string match -rg -- '^btime (\d+)$' </proc/stat)
            set -l uptime
            builtin read uptime </proc/uptime
            set uptime (builtin string match -rg -- '^(\d+)' "$uptime")
            if test -n "$boot" -a -n "$uptime"
                # Both are rounded down: a second more is the closer guess.
                builtin math $boot + $uptime + 1
                return
            end
    end
    command date +%s
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
        set now (__awscli_sso_ext_now)
    end
    set key "$key|$AWS_SSO_EXT_TOKEN_FILE|$AWS_PROFILE|$AWS_SSO_EXT_ROLE|$AWS_SSO_EXT_ACCOUNT|$AWS_REGION|$AWS_DEFAULT_REGION|$AWS_SSO_EXT_SESSION|$AWS_SSO_EXT_EXPIRATION"
    set -l due ''
    if test -n "$now" -a -n "$__awscli_sso_ext_next"; and test $now -ge $__awscli_sso_ext_next
        set due 1
    end
    if test -z "$AWS_PROFILE"
        # No profile, no segment: nothing to render (or to load).
        set -g AWS_SSO_PROMPT ''
        set -g AWS_SSO_PROMPT_TEXT ''
        set -g AWS_SSO_PROMPT_STATE ''
        set -g __awscli_sso_ext_rendered $key
    else if test "$key" != "$__awscli_sso_ext_rendered" -o -n "$due"; or builtin string match -q -- '\?|*' "$key"
        __awscli_sso_ext_prompt_render $now
        set -g __awscli_sso_ext_rendered $key
    end
    # Wrapped again whenever fish_right_prompt is no longer ours: a theme or the user
    # defined (or erased) it after the last prompt. (A copied function keeps its description.)
    if test "$AWS_SSO_PROMPT_AUTO" = 1
        set -l details (functions --details --verbose fish_right_prompt)
        test "$details[5]" = 'The AWS SSO segment, then the right prompt'; or __awscli_sso_ext_prompt_place
    end
    return $__awscli_sso_ext_status
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

# --- Profile completion ---------------------------------------------------------------
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

# The completion functions live in awscli-sso-ext.complete.fish beside this file: parsing
# them here would slow every fish start. The functions the entries below call are stand-ins
# until the first TAB sources that file, which replaces them (the loader's body holds the
# file's absolute path, from the folder found in the prompt section).
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
complete -c aws -n __awscli_sso_ext_at_command -f -a sso-status -d 'Show every profile\'s login and time left'
complete -c aws -n '__awscli_sso_ext_command_is sso-status' -l output -x -a 'table json text' -d 'Output format'
complete -c aws -n __awscli_sso_ext_delegates -a '(__awscli_sso_ext_delegate)'

# To load this hook in every new fish, add this line to ~/.config/fish/config.fish
# (`aws-sso-ext hook fish` prints it with this file's installed path):
#
#     source /path/to/awscli-sso-ext.fish
