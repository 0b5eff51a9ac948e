# awscli-sso-ext: the prompt segment's rendering for zsh, loaded by awscli-sso-ext.zsh.
#
# A shell that never has a profile never needs these functions: the hook defines small
# stand-ins that source this file (a builtin: no process) the first time a prompt has a
# profile to show (or AWS_SSO_PROMPT_AUTO is set) or `aws_sso_prompt` runs; parsing them at
# every shell start would cost more than the rest of the hook.
#
# `aws_sso_prompt` prints the segment (profile, role@account, region, time left of the SSO
# session), and AWS_SSO_PROMPT holds it, refreshed before every prompt by a precmd hook
# (first in precmd_functions, added once), so `setopt prompt_subst` and
# `RPROMPT='${AWS_SSO_PROMPT}'` cost no subshell. AWS_SSO_PROMPT_TEXT holds the same without
# colours or escapes, AWS_SSO_PROMPT_STATE one of ok, warn, expired, renews, plain (no SSO)
# or nothing (no profile). `prompt_aws_sso` is a powerlevel10k segment. docs/prompt.md
# lists the options; the look and the meaning are the bash hook's.
#
# Builtins only: $(<file) reads the token file without a fork, zsh/datetime gives the clock
# ($EPOCHSECONDS) and `strftime -r` parses the expiry (with TZ=UTC for that call: it reads
# local time). The modules load at the first render, not when this file is sourced.
#
# Names are data. Control characters are stripped; in AWS_SSO_PROMPT every `%` is doubled
# and the colours are wrapped in %{ %}, so prompt expansion shows the text as it is and
# counts its width right. With prompt_subst, ${AWS_SSO_PROMPT} in PROMPT is expanded once:
# the `$(...)` or backticks in the value that comes out are never expanded again.

# Epoch seconds of an ISO 8601 time (the CLI's `2024-01-31T12:00:00Z`, with fractional
# seconds, `+00:00`-style offsets or `UTC` tolerated) into __awscli_sso_ext_epoch.
function __awscli_sso_ext_epoch_of {
    builtin emulate -L zsh
    builtin local t=$1 zone off=0 TZ=UTC
    [[ $t == [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][Tt\ ][0-9][0-9]:[0-9][0-9]:[0-9][0-9]* ]] ||
        builtin return 1
    zone=${t:19}
    if [[ $zone == .[0-9]* ]]; then
        zone=${zone:1}
        zone=${zone#${zone%%[^0-9]*}}
    fi
    zone=${zone#${zone%%[^ ]*}}
    case $zone in
        (''|[Zz]|[Uu][Tt][Cc]) ;;
        ([+-][0-9][0-9]:[0-9][0-9]) off=$(( (10#${zone:1:2} * 60 + 10#${zone:4:2}) * 60 )) ;;
        ([+-][0-9][0-9][0-9][0-9]) off=$(( (10#${zone:1:2} * 60 + 10#${zone:3:2}) * 60 )) ;;
        (*) builtin return 1 ;;
    esac
    [[ $zone != -* ]] || off=$(( -off ))
    builtin strftime -r -s __awscli_sso_ext_epoch '%Y-%m-%d %H:%M:%S' \
        "${t:0:10} ${t:11:8}" 2>/dev/null || builtin return 1
    (( __awscli_sso_ext_epoch -= off ))
}

# The string value of field "$1" of the token text in __awscli_sso_ext_data into
# __awscli_sso_ext_value; fails when the field is absent.
function __awscli_sso_ext_json_field {
    builtin emulate -L zsh -o extended_glob
    builtin local -a match mbegin mend
    [[ $__awscli_sso_ext_data == (#b)*\"$1\"[[:space:]]#:[[:space:]]#\"([^\"]#)\"* ]] ||
        builtin return 1
    __awscli_sso_ext_value=$match[1]
}

# The active login's expiry into __awscli_sso_ext_expiry (epoch seconds; empty when the
# token file is gone, e.g. after `aws sso logout`) and until when it renews itself into
# __awscli_sso_ext_renews_until (0: never). Parsed times are remembered while the fields
# they come from are unchanged; a torn read (no closing brace yet: AWS CLI v2 writes in
# place) keeps the last good values of the file. The token text is dropped straight away.
function __awscli_sso_ext_token_times {
    builtin emulate -L zsh -o extended_glob
    builtin local file=${AWS_SSO_EXT_TOKEN_FILE-} expires='' registration='' refresh='' key
    builtin local __awscli_sso_ext_data='' __awscli_sso_ext_value=''
    if [[ -z $file ]]; then
        expires=${AWS_SSO_EXT_EXPIRATION-}
    elif [[ ! -e $file ]]; then
        __awscli_sso_ext_expiry='' __awscli_sso_ext_renews_until=0
        builtin return 0
    else
        [[ ! -r $file || -d $file ]] || __awscli_sso_ext_data=$(<$file)
        if [[ $__awscli_sso_ext_data == *\}[[:space:]]# ]] && __awscli_sso_ext_json_field expiresAt; then
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

# One SGR colour (`1;33`) as terminal bytes wrapped in %{ %} into __awscli_sso_ext_sgr;
# nothing unless digits and semicolons (so no variable can smuggle other escapes in), or
# when NO_COLOR is set.
function __awscli_sso_ext_colour {
    builtin emulate -L zsh
    __awscli_sso_ext_sgr=''
    [[ -n $1 && $1 != *[^0-9\;]* && -z ${NO_COLOR-} ]] || builtin return 0
    __awscli_sso_ext_sgr=$'%{\e['"$1"$'m%}'
}

# Sets AWS_SSO_PROMPT, AWS_SSO_PROMPT_TEXT and AWS_SSO_PROMPT_STATE from the environment,
# and __awscli_sso_ext_next: when the text is due to change.
function __awscli_sso_ext_prompt_render {
    builtin emulate -L zsh
    (( ${+EPOCHSECONDS} )) || builtin zmodload zsh/datetime
    builtin local profile=${AWS_PROFILE-} state=plain left='' warn format rest literal key value
    builtin local text='' prompt='' first=1 base reset='' sgr
    builtin local -i now=$EPOCHSECONDS seconds
    typeset -g __awscli_sso_ext_next=$(( now + 60 ))
    if [[ -z $profile ]]; then
        typeset -g AWS_SSO_PROMPT='' AWS_SSO_PROMPT_TEXT='' AWS_SSO_PROMPT_STATE=''
        builtin return 0
    fi
    if [[ -n ${AWS_SSO_EXT_TOKEN_FILE-}${AWS_SSO_EXT_EXPIRATION-} ]]; then
        __awscli_sso_ext_token_times
        warn=${AWS_SSO_PROMPT_WARN_MINUTES-15}
        [[ -n $warn && $warn != *[^0-9]* ]] || warn=15
        warn=$(( 10#$warn ))
        seconds=$(( ${__awscli_sso_ext_expiry:-0} - now ))
        if (( __awscli_sso_ext_renews_until > now )); then
            state=renews left=${AWS_SSO_PROMPT_RENEWS_TEXT-renews}
        elif [[ -z $__awscli_sso_ext_expiry ]] || (( seconds <= 0 )); then
            state=expired left=${AWS_SSO_PROMPT_EXPIRED_TEXT-expired}
        elif (( seconds < warn * 60 )); then
            state=warn
        else
            state=ok
        fi
        # The text changes when a whole minute is used up, at the warning, at expiry, or
        # when the session stops renewing: render again then.
        if (( seconds > 0 )) && [[ $state != expired ]]; then
            if (( seconds >= 86400 )); then
                left="$(( seconds / 86400 ))d$(( seconds % 86400 / 3600 ))h"
            elif (( seconds >= 3600 )); then
                left="$(( seconds / 3600 ))h$(( seconds % 3600 / 60 ))m"
            elif (( seconds >= 60 )); then
                left="$(( seconds / 60 ))m"
            else
                left='<1m'
            fi
            __awscli_sso_ext_next=$(( now + seconds % 60 + 1 ))
            if (( seconds > warn * 60 && now + seconds - warn * 60 < __awscli_sso_ext_next )); then
                __awscli_sso_ext_next=$(( now + seconds - warn * 60 ))
            fi
            [[ $state != renews ]] || left+=${AWS_SSO_PROMPT_RENEWS_MARK-+}
        fi
        if (( __awscli_sso_ext_renews_until > now && __awscli_sso_ext_renews_until < __awscli_sso_ext_next )); then
            __awscli_sso_ext_next=$__awscli_sso_ext_renews_until
        fi
    fi
    __awscli_sso_ext_colour "${AWS_SSO_PROMPT_COLOR-}"
    base=$__awscli_sso_ext_sgr
    [[ -z $base ]] || reset=$'%{\e[0m%}'
    case $state in
        (ok) __awscli_sso_ext_colour "${AWS_SSO_PROMPT_COLOR_OK-32}" ;;
        (warn) __awscli_sso_ext_colour "${AWS_SSO_PROMPT_COLOR_WARN-33}" ;;
        (expired) __awscli_sso_ext_colour "${AWS_SSO_PROMPT_COLOR_EXPIRED-1;31}" ;;
        (renews) __awscli_sso_ext_colour "${AWS_SSO_PROMPT_COLOR_RENEWS-36}" ;;
        (*) __awscli_sso_ext_sgr='' ;;
    esac
    sgr=$__awscli_sso_ext_sgr
    # The format: {name} fields between literal text. The text before a field shows only
    # when the field is not empty, so `{role}@{account}` vanishes for a profile without SSO;
    # the text before the first field and after the last always shows. The prompt's copy
    # of each piece has its `%` doubled.
    format=${AWS_SSO_PROMPT_FORMAT-'{profile} {role}@{account} {region} {left}'}
    rest=$format
    while :; do
        literal=${rest%%\{*}
        if (( ${#literal} == ${#rest} )); then
            rest=${rest//[[:cntrl:]]/}
            text+=$rest prompt+=${rest//\%/%%}
            break
        fi
        rest=${rest:${#literal}+1}
        key=${rest%%\}*}
        if (( ${#key} == ${#rest} )); then
            rest=${literal//[[:cntrl:]]/}'{'${rest//[[:cntrl:]]/}
            text+=$rest prompt+=${rest//\%/%%}
            break
        fi
        rest=${rest:${#key}+1}
        case $key in
            (profile) value=$profile ;;
            (role) value=${AWS_SSO_EXT_ROLE-} ;;
            (account) value=${AWS_SSO_EXT_ACCOUNT-} ;;
            (region) value=${AWS_REGION:-${AWS_DEFAULT_REGION-}} ;;
            (left) value=$left ;;
            (*) value="{$key}" ;;
        esac
        value=${value//[[:cntrl:]]/}
        if [[ -n $value || -n $first ]]; then
            literal=${literal//[[:cntrl:]]/}
            text+=$literal prompt+=${literal//\%/%%}
        fi
        first=''
        [[ -n $value ]] || continue
        text+=$value
        if [[ $key == left && -n $sgr ]]; then
            prompt+=$sgr${value//\%/%%}$'%{\e[0m%}'$base
        else
            prompt+=${value//\%/%%}
        fi
    done
    typeset -g AWS_SSO_PROMPT_TEXT=$text AWS_SSO_PROMPT=$base$prompt$reset
    typeset -g AWS_SSO_PROMPT_STATE=$state
}

# AWS_SSO_PROMPT_AUTO=1 (or `right`): the segment goes in front of the user's own RPROMPT;
# `left`: in front of PROMPT. The user's prompt is kept. No text of the segment goes into
# the prompt while it can be avoided, because prompt_subst may be turned on later (a
# theme, zinit's turbo mode, zsh-defer, `prompt THEME`, by hand) and expand it, even in a
# redraw that runs no precmd:
# - prompt_percent on (the default): the text goes into psvar[10] and up, and the prompt
#   gets `%10v` and so on, with the colours as `%{...%}` (digits and `;` only) between;
#   zsh shows a psvar element as it is whatever prompt_subst and prompt_bang say.
# - prompt_percent off, prompt_subst on: a reference to a variable holding the plain text
#   (with `!` doubled when prompt_bang is on).
# - both off, nothing is expanded at all: the plain text itself, with `$`, backticks and
#   `\` shown as `?`, so that turning prompt_subst on can't make it run.
# $1 holds the options: s (prompt_subst), p (prompt_percent), b (prompt_bang). What was
# placed last is taken off first, wherever it is now.
function __awscli_sso_ext_prompt_place {
    builtin emulate -L zsh
    builtin local name=RPROMPT placed='' sep=' ' text rest piece colour
    builtin integer at=10
    [[ ${AWS_SSO_PROMPT_AUTO-} != left ]] || name=PROMPT
    builtin local current=${(P)name-}
    if [[ -n ${__awscli_sso_ext_placed_in-} && -n ${__awscli_sso_ext_placed-} ]]; then
        # Taken off where it was put (the same variable, unless AWS_SSO_PROMPT_AUTO changed).
        if [[ $__awscli_sso_ext_placed_in == $name ]]; then
            __awscli_sso_ext_prompt_unplace current
        else
            rest=${(P)__awscli_sso_ext_placed_in-}
            __awscli_sso_ext_prompt_unplace rest
            typeset -g $__awscli_sso_ext_placed_in=$rest
        fi
    fi
    [[ $name == PROMPT || -n $current ]] || sep=''
    if [[ $1 == *s* && $current == *'${AWS_SSO_PROMPT'* ]]; then
        placed='' # the user's own reference shows it
    elif [[ -z $AWS_SSO_PROMPT_TEXT ]]; then
        placed=''
    elif [[ $1 == *p* ]]; then
        # Text between the colours, as AWS_SSO_PROMPT holds it: an ESC occurs only in a
        # colour, `%{ESC[...m%}`, and every `%` of the text is doubled.
        psvar[10,-1]=()
        rest=$AWS_SSO_PROMPT
        while [[ -n $rest ]]; do
            piece=${rest%%\%\{$'\e'*}
            rest=${rest:${#piece}}
            if [[ -n $piece ]]; then
                psvar[at]=${piece//\%\%/%}
                placed+="%${at}v"
                (( at++ ))
            fi
            [[ -n $rest ]] || break
            colour=${rest%%\%\}*}
            rest=${rest:$(( ${#colour} + 2 ))}
            placed+="$colour%}"
        done
        placed+=$sep
    elif [[ $1 == *s* ]]; then
        text=$AWS_SSO_PROMPT_TEXT$sep
        [[ $1 != *b* ]] || text=${text//\!/!!}
        typeset -g __awscli_sso_ext_plain=$text
        placed='${__awscli_sso_ext_plain}'
    else
        text=${AWS_SSO_PROMPT_TEXT//[\$\`\\]/?}$sep
        [[ $1 != *b* ]] || text=${text//\!/!!}
        placed=$text
    fi
    typeset -g __awscli_sso_ext_placed=$placed __awscli_sso_ext_placed_in=$name
    typeset -g $name="$placed$current"
}

# Takes what was placed last out of the variable named $1, wherever it is in it.
function __awscli_sso_ext_prompt_unplace {
    builtin local value=${(P)1}
    builtin integer at=${value[(ie)$__awscli_sso_ext_placed]} # exact text, no pattern
    (( at > ${#value} )) ||
        : ${(P)1::=${value[1,at-1]}${value[at+${#__awscli_sso_ext_placed},-1]}}
}

# Prints the segment as AWS_SSO_PROMPT holds it (escaped for prompt expansion, so it also
# works as PROMPT='$(aws_sso_prompt)' with prompt_subst, at the price of a subshell);
# `--text` prints it plain.
function aws_sso_prompt {
    builtin local -i __awscli_sso_ext_status=$?
    builtin emulate -L zsh
    __awscli_sso_ext_prompt_render
    if [[ ${1-} == --text ]]; then
        builtin print -rn -- "$AWS_SSO_PROMPT_TEXT"
    else
        builtin print -rn -- "$AWS_SSO_PROMPT"
    fi
    builtin return __awscli_sso_ext_status
}

# A powerlevel10k segment: add `aws_sso` to POWERLEVEL9K_LEFT_PROMPT_ELEMENTS or _RIGHT_.
# p10k expands -t as a prompt (so `%` is doubled) but not as parameters (+e, its default);
# the state (OK, WARN, EXPIRED, RENEWS, PLAIN) picks the colour and can be styled with
# POWERLEVEL9K_AWS_SSO_<STATE>_FOREGROUND.
function prompt_aws_sso {
    builtin emulate -L zsh
    builtin local colour=''
    case ${AWS_SSO_PROMPT_STATE-} in
        (ok) colour=2 ;;
        (warn) colour=3 ;;
        (expired) colour=1 ;;
        (renews) colour=6 ;;
    esac
    p10k segment -s "${(U)${AWS_SSO_PROMPT_STATE:-plain}}" ${colour:+-f} ${colour:+$colour} \
        -t "${${AWS_SSO_PROMPT_TEXT-}//\%/%%}"
}

# Runs before every prompt (first in precmd_functions, in place of the hook's stand-in) and
# leaves $? as it found it. The usual prompt reads the token file's expiresAt and compares it
# and the AWS variables with the last render's; the full render runs when one of them changed or when the text is due
# to change (the minute, the warning, the expiry), and at least once a minute, which is when
# changed AWS_SSO_PROMPT_* options show (`aws_sso_prompt` renders at once). The prompt
# options are read before `emulate` resets them.
function __awscli_sso_ext_prompt_update {
    builtin local -i __awscli_sso_ext_status=$?
    builtin local __awscli_sso_ext_options=''
    [[ ! -o prompt_subst ]] || __awscli_sso_ext_options+=s
    [[ ! -o prompt_percent ]] || __awscli_sso_ext_options+=p
    [[ ! -o prompt_bang ]] || __awscli_sso_ext_options+=b
    builtin emulate -L zsh -o extended_glob
    if [[ -z ${AWS_PROFILE-} ]]; then
        # No profile, no segment: nothing to render (or to load).
        typeset -g AWS_SSO_PROMPT='' AWS_SSO_PROMPT_TEXT='' AWS_SSO_PROMPT_STATE=''
        typeset -g __awscli_sso_ext_rendered=''
        [[ -z ${__awscli_sso_ext_auto-} ]] || __awscli_sso_ext_prompt_place "$__awscli_sso_ext_options"
        builtin return __awscli_sso_ext_status
    fi
    (( ${+EPOCHSECONDS} )) || builtin zmodload zsh/datetime
    builtin local key=- data='' value stamp
    builtin local -a parts stat
    if [[ -n ${AWS_SSO_EXT_TOKEN_FILE-} && -r $AWS_SSO_EXT_TOKEN_FILE && ! -d $AWS_SSO_EXT_TOKEN_FILE ]]; then
        # The file is read only when its inode, size or mtime changed (zstat: ~5 us, the read
        # and split: ~80 us), or when it was written in the second of the last read, which
        # an mtime in whole seconds can't tell apart.
        (( ${+builtins[zstat]} )) || builtin zmodload -F zsh/stat b:zstat
        builtin zstat -A stat -- $AWS_SSO_EXT_TOKEN_FILE
        stamp="$AWS_SSO_EXT_TOKEN_FILE|$stat[2]|$stat[8]|$stat[10]"
        if [[ $stamp == "${__awscli_sso_ext_stamp-}" ]] && (( stat[10] < __awscli_sso_ext_read_at )); then
            key=$__awscli_sso_ext_file_key
        else
            data=$(<$AWS_SSO_EXT_TOKEN_FILE)
            # Whole when the closing brace came; else a torn read: render (it keeps the
            # last). The length tells a file that gained or lost its refresh token with the
            # same expiresAt (the secrets themselves are never kept).
            # (A split at the literal key: a pattern that starts with `*` is far slower.)
            parts=("${(@s:"expiresAt":)data}")
            value=${${parts[2]-}#[[:space:]]#:[[:space:]]#\"}
            value=${value%%\"*}
            if [[ ${data[-8,-1]} == *\}[[:space:]]# && ${#parts} -gt 1 ]]; then
                key="$value|${#data}"
                typeset -g __awscli_sso_ext_stamp=$stamp __awscli_sso_ext_file_key=$key
                typeset -gi __awscli_sso_ext_read_at=$EPOCHSECONDS
            else
                key='?' __awscli_sso_ext_stamp=''
            fi
            data='' parts=()
        fi
    fi
    key+="|${AWS_SSO_EXT_TOKEN_FILE-}|${AWS_PROFILE-}|${AWS_SSO_EXT_ROLE-}|${AWS_SSO_EXT_ACCOUNT-}|${AWS_REGION-}|${AWS_DEFAULT_REGION-}|${AWS_SSO_EXT_SESSION-}|${AWS_SSO_EXT_EXPIRATION-}"
    if [[ $key != "${__awscli_sso_ext_rendered-}" || $key == '?'* ]] ||
        (( EPOCHSECONDS >= ${__awscli_sso_ext_next:-0} )); then
        __awscli_sso_ext_prompt_render
        typeset -g __awscli_sso_ext_rendered=$key
    fi
    [[ -z ${__awscli_sso_ext_auto-} ]] || __awscli_sso_ext_prompt_place "$__awscli_sso_ext_options"
    builtin return __awscli_sso_ext_status
}
