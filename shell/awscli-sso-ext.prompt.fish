# awscli-sso-ext: the prompt segment for fish, loaded by awscli-sso-ext.fish the first time a
# prompt has a profile to show (or AWS_SSO_PROMPT_AUTO=1), or `aws_sso_prompt` runs.
#
# `aws_sso_prompt` prints the segment (profile, role@account, region, time left of the SSO
# session), and AWS_SSO_PROMPT holds it, refreshed before every prompt by a handler of the
# fish_prompt event, so a fish_prompt or fish_right_prompt can print it with
# `printf '%s ' $AWS_SSO_PROMPT`. AWS_SSO_PROMPT_TEXT holds the same without colours,
# AWS_SSO_PROMPT_STATE one of ok, warn, expired, renews, plain (no SSO) or nothing (no
# profile). docs/prompt.md lists the options; the look and the meaning are the bash hook's.
#
# Builtins only, and no process per prompt where the platform gives the time through a file
# (Linux: /proc). A command substitution costs fish a pipe and a hand-over to its reader
# thread, about as much as the rest of a prompt's work together, so the usual prompt runs
# none: the token file's expiresAt is found again with a glob, the clock is read by `read`,
# and both are compared with what the last render saw. A half-written token file (AWS CLI v2
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
    # Only a segment with a time needs the clock.
    if test -n "$AWS_SSO_EXT_TOKEN_FILE$AWS_SSO_EXT_EXPIRATION"
        set -q now[1]; or set now (__awscli_sso_ext_now)
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

# AWS_SSO_PROMPT_AUTO=1: the segment goes in front of the user's own fish_right_prompt,
# which is kept (copied to __awscli_sso_ext_user_right_prompt), at the first prompt, so a
# right prompt that config.fish defines after sourcing this file is kept too, and again at
# any prompt after fish_right_prompt was replaced. fish prints what a prompt function
# prints as it is: the segment is never expanded or run, whatever it holds.
function __awscli_sso_ext_prompt_place --description 'Put the AWS SSO segment in fish_right_prompt'
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

# The time in epoch seconds. fish has no clock builtin. On Linux the boot time (/proc/stat)
# plus the uptime (/proc/uptime) gives it, within a second; elsewhere `path mtime` (fish 3.5
# and later) gives a file's mtime and its age, which add up to it; else one `date` runs. The
# way is chosen once, at the first call.
function __awscli_sso_ext_now --description 'The time in epoch seconds'
    if not set -q __awscli_sso_ext_clock
        set -g __awscli_sso_ext_clock date
        if test -r /proc/stat -a -r /proc/uptime
            set __awscli_sso_ext_clock proc
        else if builtin contains -- path (builtin -n)
            set __awscli_sso_ext_clock path
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
            set -l rest
            builtin read -d . uptime rest </proc/uptime
            if test -n "$boot"; and builtin string match -qr -- '^\d+$' "$uptime"
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

# The expiresAt of the token text $argv[1], printed; remembers the field as a pattern that
# finds it again with a glob (no regex, no command substitution) while it is unchanged. Only
# a value of the characters a time has is remembered.
function __awscli_sso_ext_token_key --description 'The expiresAt of a token text'
    set -g __awscli_sso_ext_token_glob
    set -l found (builtin string match -r -- '("expiresAt"\s*:\s*"([^"]*)")' $argv[1]); or return 1
    if builtin string match -qr -- '^[0-9A-Za-z:.+ -]*$' $found[3]
        set __awscli_sso_ext_token_glob "*$found[2]*"
        set -g __awscli_sso_ext_token_value $found[3]
    end
    echo $found[3]
end

# Runs before every prompt (the fish_prompt event) and leaves $status as it found it. The
# usual prompt reads the clock's seconds and the token file's expiresAt and compares them and
# the AWS variables with the last render's; the full render runs when one of them changed or
# when the text is due to change (the minute, the warning, the expiry), and at least once a
# minute, which is when changed AWS_SSO_PROMPT_* options show. With /proc the deadline is kept
# in seconds of uptime, so the usual prompt needs neither the boot time nor `math`.
function __awscli_sso_ext_prompt_update --on-event fish_prompt --description 'Refresh AWS_SSO_PROMPT'
    set -l __awscli_sso_ext_status $status
    set -l key -
    set -l tick
    set -l rest
    if test -n "$AWS_SSO_EXT_TOKEN_FILE" -a -r "$AWS_SSO_EXT_TOKEN_FILE" -a ! -d "$AWS_SSO_EXT_TOKEN_FILE"
        set -l data ''
        builtin read -z data <$AWS_SSO_EXT_TOKEN_FILE
        # Whole when the closing brace came; else a torn read: render (it keeps the last).
        # Whether a refresh token is in it is part of the key (the secrets are never kept).
        if builtin string match -q -- '*}' "$data"; or builtin string match -rq -- '\}\s*$' "$data"
            if set -q __awscli_sso_ext_token_glob[1]; and builtin string match -q -- $__awscli_sso_ext_token_glob "$data"
                set key $__awscli_sso_ext_token_value
            else if not set key (__awscli_sso_ext_token_key "$data")
                set key '?'
            end
            builtin string match -q -- '*"refreshToken"*' "$data"; and set key "$key|renewable"
        else
            set key '?'
        end
    end
    if test -n "$AWS_PROFILE" -a -n "$AWS_SSO_EXT_TOKEN_FILE$AWS_SSO_EXT_EXPIRATION"
        set -q __awscli_sso_ext_clock; or __awscli_sso_ext_now >/dev/null
        if test $__awscli_sso_ext_clock = proc
            builtin read -d . tick rest </proc/uptime
        else
            set tick (__awscli_sso_ext_now)
        end
    end
    set key "$key|$AWS_SSO_EXT_TOKEN_FILE|$AWS_PROFILE|$AWS_SSO_EXT_ROLE|$AWS_SSO_EXT_ACCOUNT|$AWS_REGION|$AWS_DEFAULT_REGION|$AWS_SSO_EXT_SESSION|$AWS_SSO_EXT_EXPIRATION"
    set -l due ''
    if test -n "$tick" -a -n "$__awscli_sso_ext_next_tick"; and test "$tick" -ge $__awscli_sso_ext_next_tick
        set due 1
    end
    if test -z "$AWS_PROFILE"
        # No profile, no segment: nothing to render.
        set -g AWS_SSO_PROMPT ''
        set -g AWS_SSO_PROMPT_TEXT ''
        set -g AWS_SSO_PROMPT_STATE ''
        set -g __awscli_sso_ext_rendered $key
    else if test "$key" != "$__awscli_sso_ext_rendered" -o -n "$due"; or builtin string match -q -- '\?|*' "$key"
        set -l now $tick
        if test -n "$tick" -a "$__awscli_sso_ext_clock" = proc
            set now (__awscli_sso_ext_now)
        end
        __awscli_sso_ext_prompt_render $now
        set -g __awscli_sso_ext_rendered $key
        set -g __awscli_sso_ext_next_tick
        if test -n "$now" -a -n "$__awscli_sso_ext_next"
            set __awscli_sso_ext_next_tick (builtin math $__awscli_sso_ext_next - $now + $tick)
        end
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
