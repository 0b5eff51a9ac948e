# awscli-sso-ext shell hook for bash.
#
# `aws sso-switch PROFILE` is a program, and a program can't change the shell that started
# it. So this file defines a shell function named `aws` that stands in front of the real
# `aws`: for `aws sso-switch ...` it runs the real command with AWS_SSO_EXT_SHELL=bash (so
# the plugin prints bash code on stdout), and evaluates that code only when the command
# succeeded. Everything else - every other command, its arguments, stdin, stdout, stderr
# and exit status - goes to the real `aws` untouched. Messages, login URLs and prompts are
# on stderr and stdin, which are never captured.
#
# Load it from ~/.bashrc (the exact line is at the end of this file, and
# `aws-sso-ext hook bash` prints it):
#
#     source /path/to/awscli-sso-ext.bash
#
# Promises: sourcing starts no process and prints nothing; sourcing it again only redefines
# the same functions; it works under `set -euo pipefail`; everything private is named
# __awscli_sso_ext_*; `builtin` and `command` keep user aliases and functions out of the way.

# Run as a program (`bash awscli-sso-ext.bash`), it could only change a shell that exits
# straight away: say how to load it instead. BASH_SOURCE is the file and $0 the shell when
# sourced; both are the file when run. (No `(return 0)` probe: that would fork.)
if [[ ${BASH_SOURCE[0]-} == "${0-}" ]]; then
    __awscli_sso_ext_file=${BASH_SOURCE[0]}
    [[ $__awscli_sso_ext_file == /* ]] || __awscli_sso_ext_file=$PWD/$__awscli_sso_ext_file
    builtin printf '%s\n' \
        "awscli-sso-ext: this file must be sourced into a running bash, not run." \
        "Add this line to ~/.bashrc, then open a new shell:" \
        "    source $__awscli_sso_ext_file" >&2
    builtin exit 2
fi

# Global options of the AWS CLI that take a value: skipping them (and their value) finds
# the command in `aws --region eu-west-1 sso-switch prod`. Any other word starting with `-`
# is a flag (--debug, --no-verify-ssl, --no-paginate, --no-sign-request, --no-cli-pager,
# --region=VALUE ...).
#
# Succeeds when the arguments ask for `sso-switch`, and not for its help or the version:
# `aws sso-switch help` prints a manual page on stdout, which must never reach eval.
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
# failed switch (unknown profile, refused login, Ctrl-C) leaves every variable as it was.
# The plugin quotes every value for bash; stdin and stderr stay the terminal's.
#
# `aws sso-switch PROFILE`, `aws sso-switch -` and `aws sso-switch --unset`, with nothing
# else on the line, first ask the index the plugin keeps (awscli-sso-ext.switch.bash): when
# it proves the plugin would print the code it holds, that code is evaluated and no process
# starts. On any doubt the plugin runs. AWS_SSO_SWITCH_FAST=0 always runs the plugin.
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

# `function NAME` rather than `NAME()`, so an alias named aws can't break the definition.
function aws {
    if __awscli_sso_ext_is_switch "$@"; then
        __awscli_sso_ext_switch "$@"
    else
        command aws "$@"
    fi
}

# The parts loaded at first use live beside this file: awscli-sso-ext.switch.bash (the
# switch without the plugin), .prompt.bash (the segment's rendering) and .complete.bash
# (profile completion); parsing them here would slow every shell start. Each loader's body
# holds its file's path, quoted by printf %q, so no variable is left behind.
__awscli_sso_ext_file=${BASH_SOURCE[0]%/*}
[[ ${BASH_SOURCE[0]} == */* ]] || __awscli_sso_ext_file=.
[[ $__awscli_sso_ext_file == /* ]] || __awscli_sso_ext_file=$PWD/$__awscli_sso_ext_file
builtin printf -v __awscli_sso_ext_file %q "$__awscli_sso_ext_file"
builtin eval "__awscli_sso_ext_switch_load() { builtin source $__awscli_sso_ext_file/awscli-sso-ext.switch.bash; }
__awscli_sso_ext_prompt_load() { builtin source $__awscli_sso_ext_file/awscli-sso-ext.prompt.bash; }
__awscli_sso_ext_complete_load() { builtin source $__awscli_sso_ext_file/awscli-sso-ext.complete.bash; }"
builtin unset -v __awscli_sso_ext_file

# Until the first fast switch: load, then ask the real function the file defines.
__awscli_sso_ext_switch_code() {
    __awscli_sso_ext_switch_load && __awscli_sso_ext_switch_code "$@"
}

# --- Prompt segment -------------------------------------------------------------------
# `aws_sso_prompt` prints the segment (profile, role@account, region, time left of the SSO
# session), and AWS_SSO_PROMPT holds it, refreshed before every prompt through
# PROMPT_COMMAND, so `PS1='${AWS_SSO_PROMPT:+$AWS_SSO_PROMPT }\w \$ '` costs no subshell.
# AWS_SSO_PROMPT_TEXT holds the same without colours, AWS_SSO_PROMPT_STATE one of ok, warn,
# expired, renews, plain (no SSO) or nothing (no profile). docs/prompt.md lists the options.
# Builtins only, and names are data; awscli-sso-ext.prompt.bash says how.
#
# The rendering lives in awscli-sso-ext.prompt.bash beside this file, sourced the first time
# a segment is rendered (a shell that never has a profile never loads it). Until then these
# stand-ins load it, which replaces them, and call the real function.
aws_sso_prompt() {
    __awscli_sso_ext_prompt_load && aws_sso_prompt "$@"
}

__awscli_sso_ext_prompt_render() {
    __awscli_sso_ext_prompt_load && __awscli_sso_ext_prompt_render "$@"
}

__awscli_sso_ext_prompt_place() {
    __awscli_sso_ext_prompt_load && __awscli_sso_ext_prompt_place "$@"
}

# Runs before every prompt (first in PROMPT_COMMAND) and leaves $? as it found it. Each
# builtin costs microseconds here, so the usual prompt does only this: read the token file
# up to its expiresAt (`mapfile -n`: what follows, the longer secrets, is never read), and
# compare that and the AWS variables with the last render's. The full render runs when
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

# Registered in interactive shells only (only they run PROMPT_COMMAND), first, and once:
# PROMPT_COMMAND may be a string or (bash 5.1+) an array.
if [[ $- == *i* ]]; then
    if [[ ${PROMPT_COMMAND@a} == *a* ]]; then
        [[ " ${PROMPT_COMMAND[*]} " == *' __awscli_sso_ext_prompt_update '* ]] ||
            PROMPT_COMMAND=(__awscli_sso_ext_prompt_update "${PROMPT_COMMAND[@]}")
    elif [[ ${PROMPT_COMMAND-} != *__awscli_sso_ext_prompt_update* ]]; then
        # shellcheck disable=SC2128,SC2178 # a string here, checked above
        PROMPT_COMMAND="__awscli_sso_ext_prompt_update${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
    fi
    [[ ${AWS_SSO_PROMPT_AUTO-} != 1 ]] || __awscli_sso_ext_auto=1
fi

# --- Profile completion ---------------------------------------------------------------
# TAB after `aws sso-switch`, `aws sso-env --profile` or `aws ANYTHING --profile` lists the
# profiles botocore sees: `[default]` and `[profile NAME]` of AWS_CONFIG_FILE (NAME split
# shell-style like botocore does: `[profile "my team"]` is `my team`; a header it can't
# split, or with more words, is no profile), and every section of
# AWS_SHARED_CREDENTIALS_FILE; never `[sso-session ...]`, `[services ...]`, `[plugins]` or
# configparser's `[DEFAULT]`. Our own options and the --format values complete too, and
# `aws sso-<TAB>` adds sso-switch, sso-env and sso-status to what the CLI's completer says
# (v2's never knows plugin commands); sso-status completes its options and --output values.
# Everything else goes to the completer the user had for `aws`, or else to the CLI's own
# `aws_completer` found next to the `aws` on PATH.
#
# Speed: no process per TAB for profiles (bash can't even stat a file without one). Each TAB
# reads both files with `mapfile` (C code, in blocks) and keeps their section headers only,
# which are the cache key: the parsed and quoted names are reused while no header changed,
# an edit shows at the next TAB, and no key, token or other text of the files stays in a
# variable. Matching is a loop with a literal prefix, never `compgen -W`
# (which would expand `$(...)` in a name). A name comes back quoted for where the cursor
# is: `my\ team` in a bare word, `my team` after an opening quote (readline closes it).
#
# A `complete ... aws` line in ~/.bashrc before or after this file's is kept: at the first
# prompt (once, one subshell) the registration found is remembered as the delegate and ours
# is put in front. To complete `aws-sso-ext` itself, add to ~/.bashrc (argcomplete):
#
#     eval "$(register-python-argcomplete aws-sso-ext)"

# The completion functions live in awscli-sso-ext.complete.bash (loaded at the first TAB,
# or by __awscli_sso_ext_complete_load).
# Until the first TAB: load, then complete with the real function the file defines.
__awscli_sso_ext_complete() {
    __awscli_sso_ext_complete_load && __awscli_sso_ext_complete "$@"
}

# Remembers the registration for `aws` found now (another completion function or command)
# as the delegate, and registers ours in its place.
__awscli_sso_ext_complete_adopt() {
    builtin local spec
    spec=$(builtin complete -p aws 2>/dev/null) || spec=''
    case $spec in
        *' -F __awscli_sso_ext_complete '*) ;;
        *' -F '*)
            spec=${spec#* -F }
            __awscli_sso_ext_delegate_function=${spec%% *}
            __awscli_sso_ext_delegate_command=''
            ;;
        *' -C '*)
            spec=${spec#* -C }
            spec=${spec% aws}
            __awscli_sso_ext_delegate_command=$spec
            __awscli_sso_ext_delegate_function=''
            ;;
    esac
    builtin complete -F __awscli_sso_ext_complete aws
}

# Runs once, before the first prompt (after ~/.bashrc is read whole), then leaves
# PROMPT_COMMAND as it found it.
__awscli_sso_ext_complete_first_prompt() {
    builtin local __awscli_sso_ext_status=$? i
    __awscli_sso_ext_complete_adopt
    # shellcheck disable=SC2128,SC2178 # an array or a string, as checked
    if [[ ${PROMPT_COMMAND@a} == *a* ]]; then
        for i in "${!PROMPT_COMMAND[@]}"; do
            [[ ${PROMPT_COMMAND[i]} != __awscli_sso_ext_complete_first_prompt ]] ||
                builtin unset -v 'PROMPT_COMMAND[i]'
        done
    else
        PROMPT_COMMAND=${PROMPT_COMMAND/;__awscli_sso_ext_complete_first_prompt/}
        PROMPT_COMMAND=${PROMPT_COMMAND/#__awscli_sso_ext_complete_first_prompt;/}
        [[ $PROMPT_COMMAND != __awscli_sso_ext_complete_first_prompt ]] || PROMPT_COMMAND=''

    fi
    builtin return "$__awscli_sso_ext_status"
}

# No process while sourcing: register now, unless an interactive shell already has a
# registration for `aws` (it is adopted at the first prompt, as is one made after this line).
if [[ $- != *i* ]] || ! builtin complete -p aws >/dev/null 2>&1; then
    builtin complete -F __awscli_sso_ext_complete aws
fi
if [[ $- == *i* ]]; then
    if [[ ${PROMPT_COMMAND@a} == *a* ]]; then
        [[ " ${PROMPT_COMMAND[*]} " == *' __awscli_sso_ext_complete_first_prompt '* ]] ||
            PROMPT_COMMAND+=(__awscli_sso_ext_complete_first_prompt)
    elif [[ ${PROMPT_COMMAND-} != *__awscli_sso_ext_complete_first_prompt* ]]; then
        # shellcheck disable=SC2128,SC2178 # a string here, checked above
        PROMPT_COMMAND="${PROMPT_COMMAND:+$PROMPT_COMMAND;}__awscli_sso_ext_complete_first_prompt"
    fi
fi

# To load this hook in every new bash, add this line to ~/.bashrc
# (`aws-sso-ext hook bash` prints it with this file's installed path):
#
#     source /path/to/awscli-sso-ext.bash
