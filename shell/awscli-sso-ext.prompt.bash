# awscli-sso-ext: the prompt segment's rendering for bash, loaded by awscli-sso-ext.bash.
#
# A shell that never has a profile never needs these functions: the hook defines small
# stand-ins that source this file (a builtin: no process) the first time a prompt has a
# profile to show (or AWS_SSO_PROMPT_AUTO=1) or `aws_sso_prompt` runs; parsing them at every
# shell start would cost more than the rest of the hook.
#
# `aws_sso_prompt` prints the segment (profile, role@account, region, time left of the SSO
# session), and AWS_SSO_PROMPT holds it, refreshed before every prompt through
# PROMPT_COMMAND, so `PS1='${AWS_SSO_PROMPT:+$AWS_SSO_PROMPT }\w \$ '` costs no subshell.
# AWS_SSO_PROMPT_TEXT holds the same without colours, AWS_SSO_PROMPT_STATE one of ok, warn,
# expired, renews, plain (no SSO) or nothing (no profile). docs/prompt.md lists the options.
#
# The time left is read at every prompt from the login's token cache file, so a login in
# another terminal or a refresh by an SDK shows at once; with builtins only: `read` of the
# file, parameter expansion for the JSON fields (patterns that start with a literal, which
# bash matches in linear time), arithmetic for the date, $EPOCHSECONDS for the clock. A
# half-written file (AWS CLI v2 writes in place) keeps the last good value.
#
# Names are data: control characters are stripped, and the colours are wrapped in \001 \002
# (what \[ \] become), so readline counts the width right. A PS1 with `promptvars` (the
# default) expands ${AWS_SSO_PROMPT} once, and never expands the text that comes out.

# (`builtin local NAME="$value"`: quoted, because `builtin` makes `local` an ordinary command
# whose words are split.)
#
# Epoch seconds of an ISO 8601 time (the CLI's `2024-01-31T12:00:00Z`, with fractional
# seconds, `+00:00`-style offsets or `UTC` tolerated) into __awscli_sso_ext_epoch.
__awscli_sso_ext_epoch_of() {
    builtin local t="$1" zone off=0 y m d era yoe doy
    [[ $t == [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][Tt\ ][0-9][0-9]:[0-9][0-9]:[0-9][0-9]* ]] ||
        builtin return 1
    zone=${t:19}
    if [[ $zone == .[0-9]* ]]; then
        zone=${zone:1}
        zone=${zone#"${zone%%[!0-9]*}"}
    fi
    zone=${zone#"${zone%%[! ]*}"}
    case $zone in
        '' | [Zz] | [Uu][Tt][Cc]) ;;
        [+-][0-9][0-9]:[0-9][0-9]) off=$(((10#${zone:1:2} * 60 + 10#${zone:4:2}) * 60)) ;;
        [+-][0-9][0-9][0-9][0-9]) off=$(((10#${zone:1:2} * 60 + 10#${zone:3:2}) * 60)) ;;
        *) builtin return 1 ;;
    esac
    [[ $zone != -* ]] || off=$((-off))
    # Days since 1970-01-01 (Howard Hinnant's days_from_civil, for years from 1 on).
    y=$((10#${t:0:4})) m=$((10#${t:5:2})) d=$((10#${t:8:2}))
    ((m > 2)) || y=$((y - 1))
    era=$((y / 400)) yoe=$((y % 400))
    doy=$(((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1))
    __awscli_sso_ext_epoch=$(((era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468) * 86400 \
        + 10#${t:11:2} * 3600 + 10#${t:14:2} * 60 + 10#${t:17:2} - off))
}

# The string value of field "$1" of the token file read into __awscli_sso_ext_parts (the
# file split at each `"`: keys sit at odd places, with `: ` after and the value next) into
# __awscli_sso_ext_value; fails when the field is absent. The place of each field is
# remembered, so the usual file costs a look at three small elements, and the long tokens
# in the file are never copied; a file laid out differently costs one scan.
__awscli_sso_ext_json_field() {
    builtin local -n __awscli_sso_ext_at=__awscli_sso_ext_at_$1
    builtin local i="${__awscli_sso_ext_at:-1}" n=${#__awscli_sso_ext_parts[@]}
    if [[ ${__awscli_sso_ext_parts[i]-} != "$1" ||
        ${__awscli_sso_ext_parts[i + 1]//[[:space:]]/} != : ]]; then
        for ((i = 1; i + 2 < n; i += 1)); do
            [[ ${__awscli_sso_ext_parts[i]} != "$1" ||
                ${__awscli_sso_ext_parts[i + 1]//[[:space:]]/} != : ]] || builtin break
        done
        ((i + 2 < n)) || builtin return 1
        __awscli_sso_ext_at=$i
    fi
    __awscli_sso_ext_value=${__awscli_sso_ext_parts[i + 2]}
}

# The active login's expiry into __awscli_sso_ext_expiry (epoch seconds; empty when the
# token file is gone, e.g. after `aws sso logout`) and until when it renews itself into
# __awscli_sso_ext_renews_until (0: never). `mapfile` reads the file in blocks (`read`
# goes byte by byte); parsed times are remembered while the fields they come from are
# unchanged, and a torn read (no closing brace yet) keeps the last good values of the file.
__awscli_sso_ext_token_times() {
    builtin local file="${AWS_SSO_EXT_TOKEN_FILE-}" expires='' registration='' refresh='' key
    # Local, so no text of the file (tokens, the client secret) outlives this call.
    builtin local -a __awscli_sso_ext_parts
    builtin local __awscli_sso_ext_value
    if [[ -z $file ]]; then
        expires=${AWS_SSO_EXT_EXPIRATION-}
    elif [[ ! -e $file ]]; then
        __awscli_sso_ext_expiry='' __awscli_sso_ext_renews_until=0
        builtin return 0
    else
        builtin mapfile -t -d '"' __awscli_sso_ext_parts 2>/dev/null <"$file" || :
        if ((${#__awscli_sso_ext_parts[@]} > 3)) &&
            [[ ${__awscli_sso_ext_parts[-1]//[[:space:]]/} == \} ]] &&
            __awscli_sso_ext_json_field expiresAt; then
            expires=$__awscli_sso_ext_value
            if [[ ${AWS_SSO_EXT_SESSION-} == ?* && $AWS_SSO_EXT_SESSION != *://* ]] &&
                __awscli_sso_ext_json_field refreshToken && [[ -n $__awscli_sso_ext_value ]] &&
                __awscli_sso_ext_json_field clientId && [[ -n $__awscli_sso_ext_value ]] &&
                __awscli_sso_ext_json_field clientSecret && [[ -n $__awscli_sso_ext_value ]] &&
                __awscli_sso_ext_json_field registrationExpiresAt; then
                registration=$__awscli_sso_ext_value refresh=1
            fi
        elif [[ ${__awscli_sso_ext_token_key-} == "$file|"* ]]; then
            builtin return 0 # torn or unreadable: the last good values of this file
        else
            expires=${AWS_SSO_EXT_EXPIRATION-}
        fi
    fi
    key="$file|$expires|$refresh|$registration"
    [[ $key != "${__awscli_sso_ext_token_key-}" ]] || builtin return 0
    __awscli_sso_ext_expiry='' __awscli_sso_ext_renews_until=0
    if __awscli_sso_ext_epoch_of "$expires"; then
        __awscli_sso_ext_expiry=$__awscli_sso_ext_epoch
        if [[ -n $refresh ]] && __awscli_sso_ext_epoch_of "$registration"; then
            __awscli_sso_ext_renews_until=$__awscli_sso_ext_epoch
        fi
    fi
    __awscli_sso_ext_token_key=$key
}

# One SGR colour (`1;33`) as terminal bytes wrapped for readline; nothing unless digits
# and semicolons (so no variable can smuggle other escapes in), or when NO_COLOR is set.
__awscli_sso_ext_colour() {
    __awscli_sso_ext_sgr=''
    [[ -n $1 && $1 != *[!0-9\;]* && -z ${NO_COLOR-} ]] || builtin return 0
    __awscli_sso_ext_sgr=$'\001\e['"$1"$'m\002'
}

# Sets AWS_SSO_PROMPT, AWS_SSO_PROMPT_TEXT and AWS_SSO_PROMPT_STATE from the environment.
__awscli_sso_ext_prompt_render() {
    builtin local profile="${AWS_PROFILE-}" state=plain left='' now seconds warn
    builtin local format rest literal key value text='' prompt='' first=1 base reset='' sgr
    now=${EPOCHSECONDS-}
    [[ -n $now ]] || builtin printf -v now '%(%s)T' -1
    __awscli_sso_ext_next=$((now + 60))
    if [[ -z $profile ]]; then
        AWS_SSO_PROMPT='' AWS_SSO_PROMPT_TEXT='' AWS_SSO_PROMPT_STATE=''
        builtin return 0
    fi
    if [[ -n ${AWS_SSO_EXT_TOKEN_FILE-}${AWS_SSO_EXT_EXPIRATION-} ]]; then
        __awscli_sso_ext_token_times
        warn=${AWS_SSO_PROMPT_WARN_MINUTES-15}
        [[ -n $warn && $warn != *[!0-9]* ]] || warn=15
        seconds=$((${__awscli_sso_ext_expiry:-0} - now))
        if ((__awscli_sso_ext_renews_until > now)); then
            state=renews left=${AWS_SSO_PROMPT_RENEWS_TEXT-renews}
        elif [[ -z $__awscli_sso_ext_expiry ]] || ((seconds <= 0)); then
            state=expired left=${AWS_SSO_PROMPT_EXPIRED_TEXT-expired}
        elif ((seconds < 10#$warn * 60)); then
            state=warn
        else
            state=ok
        fi
        # The text changes when a whole minute is used up, at the warning, at expiry, or
        # when the session stops renewing: render again then.
        if ((seconds > 0)) && [[ $state != expired ]]; then
            if ((seconds >= 86400)); then
                left="$((seconds / 86400))d$((seconds % 86400 / 3600))h"
            elif ((seconds >= 3600)); then
                left="$((seconds / 3600))h$((seconds % 3600 / 60))m"
            elif ((seconds >= 60)); then
                left="$((seconds / 60))m"
            else
                left='<1m'
            fi
            __awscli_sso_ext_next=$((now + seconds % 60 + 1))
            if ((seconds > 10#$warn * 60 && now + seconds - 10#$warn * 60 < __awscli_sso_ext_next)); then
                __awscli_sso_ext_next=$((now + seconds - 10#$warn * 60))
            fi
            [[ $state != renews ]] || left+=${AWS_SSO_PROMPT_RENEWS_MARK-+}
        fi
        if ((__awscli_sso_ext_renews_until > now && __awscli_sso_ext_renews_until < __awscli_sso_ext_next)); then
            __awscli_sso_ext_next=$__awscli_sso_ext_renews_until
        fi
    fi
    __awscli_sso_ext_colour "${AWS_SSO_PROMPT_COLOR-}"
    base=$__awscli_sso_ext_sgr
    [[ -z $base ]] || reset=$'\001\e[0m\002'
    case $state in
        ok) __awscli_sso_ext_colour "${AWS_SSO_PROMPT_COLOR_OK-32}" ;;
        warn) __awscli_sso_ext_colour "${AWS_SSO_PROMPT_COLOR_WARN-33}" ;;
        expired) __awscli_sso_ext_colour "${AWS_SSO_PROMPT_COLOR_EXPIRED-1;31}" ;;
        renews) __awscli_sso_ext_colour "${AWS_SSO_PROMPT_COLOR_RENEWS-36}" ;;
        *) __awscli_sso_ext_sgr='' ;;
    esac
    sgr=$__awscli_sso_ext_sgr
    # The format: {name} fields between literal text. The text before a field shows only
    # when the field is not empty, so `{role}@{account}` vanishes for a profile without SSO;
    # the text before the first field and after the last always shows.
    format=${AWS_SSO_PROMPT_FORMAT-'{profile} {role}@{account} {region} {left}'}
    rest=$format
    while :; do
        literal=${rest%%\{*}
        if ((${#literal} == ${#rest})); then
            rest=${rest//[[:cntrl:]]/}
            text+=$rest prompt+=$rest
            builtin break
        fi
        rest=${rest:${#literal}+1}
        key=${rest%%\}*}
        if ((${#key} == ${#rest})); then
            rest=${literal//[[:cntrl:]]/}'{'${rest//[[:cntrl:]]/}
            text+=$rest prompt+=$rest
            builtin break
        fi
        rest=${rest:${#key}+1}
        case $key in
            profile) value=$profile ;;
            role) value=${AWS_SSO_EXT_ROLE-} ;;
            account) value=${AWS_SSO_EXT_ACCOUNT-} ;;
            region) value=${AWS_REGION:-${AWS_DEFAULT_REGION-}} ;;
            left) value=$left ;;
            *) value="{$key}" ;;
        esac
        value=${value//[[:cntrl:]]/}
        if [[ -n $value || -n $first ]]; then
            literal=${literal//[[:cntrl:]]/}
            text+=$literal prompt+=$literal
        fi
        first=''
        [[ -n $value ]] || builtin continue
        text+=$value
        if [[ $key == left && -n $sgr ]]; then
            prompt+="$sgr$value"$'\001\e[0m\002'"$base"
        else
            prompt+=$value
        fi
    done
    AWS_SSO_PROMPT_TEXT=$text
    AWS_SSO_PROMPT=$base$prompt$reset
    # shellcheck disable=SC2034 # read by the user's prompt and by other tools
    AWS_SSO_PROMPT_STATE=$state
}

# AWS_SSO_PROMPT_AUTO=1: the segment goes in front of the user's own PS1, which is kept.
# With `promptvars` (the default) PS1 gets a reference, `${AWS_SSO_PROMPT:+...}`, which
# bash expands once per prompt: no text of the segment is ever in PS1. Without it PS1 can
# only hold the text itself, and it must stay inert if promptvars is turned on before it
# is drawn or later (a theme's hook after ours, by hand): every piece of text goes inside
# `\D{...}`, whose strftime result bash quotes whenever it expands PS1 (bash 3.2 and
# later), so `$(...)`, backticks, `\` and `!` show as they are with promptvars on or off.
# The colours go in as `\[\e[...m\]` (digits and `;` only). What was placed last, text or
# reference, is taken off first wherever it is now, so nothing piles up.
__awscli_sso_ext_prompt_place() {
    # shellcheck disable=SC2016 # a reference, expanded by PS1 at each prompt
    builtin local reference='${AWS_SSO_PROMPT:+$AWS_SSO_PROMPT }' placed
    if builtin shopt -q promptvars; then
        placed=$reference
    else
        [[ ${__awscli_sso_ext_inert_of-} == "$AWS_SSO_PROMPT" && -n ${__awscli_sso_ext_inert_of+1} ]] ||
            __awscli_sso_ext_inert_text
        placed=$__awscli_sso_ext_inert
    fi
    [[ $placed != "${__awscli_sso_ext_placed-}" || ${PS1:0:${#placed}} != "$placed" ]] ||
        builtin return 0
    [[ -z ${__awscli_sso_ext_placed-} ]] || PS1=${PS1/"$__awscli_sso_ext_placed"/}
    # A reference the user wrote into PS1 already shows the segment.
    [[ $placed != "$reference" || $PS1 != *"$reference"* ]] || placed=''
    PS1=$placed$PS1
    __awscli_sso_ext_placed=$placed
}

# AWS_SSO_PROMPT made inert for PS1 (see above), with a space after, into
# __awscli_sso_ext_inert. strftime gets the text in pieces of at most 24 characters
# (bash's buffer holds 127 bytes), each `%` doubled; a `}` ends `\D{`, so it goes between.
__awscli_sso_ext_inert_text() {
    builtin local rest="$AWS_SSO_PROMPT" text piece out='' colour
    while [[ -n $rest ]]; do
        text=${rest%%$'\001'*}
        rest=${rest:${#text}}
        while [[ -n $text ]]; do
            piece=${text%%\}*}
            if ((${#piece} > 24)); then
                piece=${piece:0:24}
            elif [[ -z $piece ]]; then
                out+='}' text=${text:1}
                builtin continue
            fi
            text=${text:${#piece}}
            out+='\D{'"${piece//'%'/%%}"'}'
        done
        [[ -n $rest ]] || builtin break
        colour=${rest%%$'\002'*}
        rest=${rest:${#colour}+1}
        colour=${colour:1}
        out+='\['"${colour/$'\e'/\\e}"'\]'
    done
    [[ -z $out ]] || out+=' '
    __awscli_sso_ext_inert=$out
    __awscli_sso_ext_inert_of=$AWS_SSO_PROMPT
}

# Prints the segment as AWS_SSO_PROMPT holds it (colours wrapped for readline, so it also
# works as PS1='$(aws_sso_prompt)', at the price of a subshell); `--text` prints it plain.
aws_sso_prompt() {
    builtin local __awscli_sso_ext_status=$?
    __awscli_sso_ext_prompt_render
    if [[ ${1-} == --text ]]; then
        builtin printf '%s' "$AWS_SSO_PROMPT_TEXT"
    else
        builtin printf '%s' "$AWS_SSO_PROMPT"
    fi
    builtin return "$__awscli_sso_ext_status"
}

# Runs before every prompt (first in PROMPT_COMMAND, in place of the hook's stand-in) and
# leaves $? as it found it. Each builtin costs microseconds here, so the usual prompt does
# only this: read the token file up to its expiresAt (`mapfile -n`: what follows, the longer
# secrets, is never read), and compare that and the AWS variables with the last render's. The full render runs when
# one of them changed or when the text is due to change (the minute, the warning, the
# expiry), and at least once a minute, which is when changed AWS_SSO_PROMPT_* options show
# (`aws_sso_prompt` renders at once). The token text read is held in local variables only:
# no secret outlives the call.
__awscli_sso_ext_prompt_update() {
    builtin local __awscli_sso_ext_status=$? __awscli_sso_ext_key=- __awscli_sso_ext_i
    builtin local -a __awscli_sso_ext_parts
    if [[ -n ${AWS_SSO_EXT_TOKEN_FILE-} && -r $AWS_SSO_EXT_TOKEN_FILE && ! -d $AWS_SSO_EXT_TOKEN_FILE ]]; then
        __awscli_sso_ext_i=${__awscli_sso_ext_at_expiresAt:-13}
        builtin mapfile -t -d '"' -n $((__awscli_sso_ext_i + 4)) __awscli_sso_ext_parts \
            <"$AWS_SSO_EXT_TOKEN_FILE"
        # Whole when a quote closed the value: a fourth element follows it.
        if [[ ${__awscli_sso_ext_parts[__awscli_sso_ext_i]-} == expiresAt &&
            -n ${__awscli_sso_ext_parts[__awscli_sso_ext_i + 3]+1} ]]; then
            __awscli_sso_ext_key=${__awscli_sso_ext_parts[__awscli_sso_ext_i + 2]}
        else
            __awscli_sso_ext_key='?'
        fi
    fi
    if [[ -z ${AWS_PROFILE-} ]]; then
        # No profile, no segment: nothing to render (or to load).
        # shellcheck disable=SC2034 # read by the user's prompt and by other tools
        AWS_SSO_PROMPT='' AWS_SSO_PROMPT_TEXT='' AWS_SSO_PROMPT_STATE='' __awscli_sso_ext_rendered=''
        [[ -z ${__awscli_sso_ext_auto-} ]] || __awscli_sso_ext_prompt_place
        builtin return "$__awscli_sso_ext_status"
    fi
    __awscli_sso_ext_key+="|${AWS_SSO_EXT_TOKEN_FILE-}|${AWS_PROFILE-}|${AWS_SSO_EXT_ROLE-}|${AWS_SSO_EXT_ACCOUNT-}|${AWS_REGION-}|${AWS_DEFAULT_REGION-}|${AWS_SSO_EXT_SESSION-}|${AWS_SSO_EXT_EXPIRATION-}"
    if [[ $__awscli_sso_ext_key != "${__awscli_sso_ext_rendered-}" || $__awscli_sso_ext_key == '?'* ]] ||
        ((EPOCHSECONDS >= ${__awscli_sso_ext_next:-0})); then
        __awscli_sso_ext_prompt_render
        __awscli_sso_ext_rendered=$__awscli_sso_ext_key
    fi
    [[ -z ${__awscli_sso_ext_auto-} ]] || __awscli_sso_ext_prompt_place
    builtin return "$__awscli_sso_ext_status"
}
