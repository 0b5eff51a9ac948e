# awscli-sso-ext shell hook for zsh.
#
# `aws sso-switch PROFILE` is a program, and a program can't change the shell that started
# it. So this file defines a shell function named `aws` that stands in front of the real
# `aws`: for `aws sso-switch ...` it runs the real command with AWS_SSO_EXT_SHELL=zsh (so
# the plugin prints zsh code on stdout), and evaluates that code only when the command
# succeeded. Everything else - every other command, its arguments, stdin, stdout, stderr
# and exit status - goes to the real `aws` untouched. Messages, login URLs and prompts are
# on stderr and stdin, which are never captured.
#
# Load it from ~/.zshrc (or $ZDOTDIR/.zshrc; the exact line is at the end of this file, and
# `aws-sso-ext hook zsh` prints it):
#
#     source /path/to/awscli-sso-ext.zsh
#
# Promises: sourcing starts no process and prints nothing; sourcing it again only redefines
# the same functions; it works under `setopt no_unset err_exit pipe_fail`; each function
# starts with `emulate -L zsh`, so the user's options (sh_word_split, ksh_arrays, ...) can't
# change what it does; everything private is named __awscli_sso_ext_*; `builtin` and
# `command` keep user aliases and functions out of the way.

# Run as a program (`zsh awscli-sso-ext.zsh`), it could only change a shell that exits
# straight away: say how to load it instead. ZSH_EVAL_CONTEXT is `toplevel` in a script,
# and names `file` (or `eval`) when this is sourced.
if [[ ${ZSH_EVAL_CONTEXT-} == toplevel && ! -o interactive ]]; then
    builtin print -r -l -u2 -- \
        "awscli-sso-ext: this file must be sourced into a running zsh, not run." \
        "Add this line to ~/.zshrc, then open a new shell:" \
        "    source ${${(%):-%x}:A}"
    builtin exit 2
fi

# Global options of the AWS CLI that take a value: skipping them (and their value) finds
# the command in `aws --region eu-west-1 sso-switch prod`. Any other word starting with `-`
# is a flag (--debug, --no-verify-ssl, --no-paginate, --no-sign-request, --no-cli-pager,
# --region=VALUE ...).
#
# Succeeds when the arguments ask for `sso-switch`, and not for its help or the version:
# `aws sso-switch help` prints a manual page on stdout, which must never reach eval.
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
# failed switch (unknown profile, refused login, Ctrl-C) leaves every variable as it was.
# The plugin quotes every value for zsh (`export` is global in zsh even inside a function);
# stdin and stderr stay the terminal's.
#
# `aws sso-switch PROFILE`, `aws sso-switch -` and `aws sso-switch --unset`, with nothing
# else on the line, first ask the index the plugin keeps (awscli-sso-ext.switch.zsh): when
# it proves the plugin would print the code it holds, that code is evaluated and no process
# starts. On any doubt the plugin runs. AWS_SSO_SWITCH_FAST=0 always runs the plugin.
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

# `function NAME` rather than `NAME()`, so an alias named aws can't break the definition.
function aws {
    builtin emulate -L zsh
    if __awscli_sso_ext_is_switch "$@"; then
        __awscli_sso_ext_switch "$@"
    else
        command aws "$@"
    fi
}

# The parts loaded at first use live beside this file: awscli-sso-ext.switch.zsh (the
# switch without the plugin), .prompt.zsh (the segment's rendering) and .complete.zsh
# (profile completion); parsing them here would slow every shell start. Each loader's body
# holds its file's absolute path, quoted, so no variable is left behind.
builtin eval "function __awscli_sso_ext_switch_load {
    builtin source ${(q)${${(%):-%x}:A:h}}/awscli-sso-ext.switch.zsh
}
function __awscli_sso_ext_prompt_load {
    builtin source ${(q)${${(%):-%x}:A:h}}/awscli-sso-ext.prompt.zsh
}
function __awscli_sso_ext_complete_load {
    builtin source ${(q)${${(%):-%x}:A:h}}/awscli-sso-ext.complete.zsh
}"

# Until the first fast switch: load, then ask the real function the file defines.
function __awscli_sso_ext_switch_code {
    __awscli_sso_ext_switch_load && __awscli_sso_ext_switch_code "$@"
}

# --- Prompt segment -------------------------------------------------------------------
# `aws_sso_prompt` prints the segment (profile, role@account, region, time left of the SSO
# session), and AWS_SSO_PROMPT holds it, refreshed before every prompt by a precmd hook
# (first in precmd_functions, added once), so `setopt prompt_subst` and
# `RPROMPT='${AWS_SSO_PROMPT}'` cost no subshell. AWS_SSO_PROMPT_TEXT holds the same without
# colours or escapes, AWS_SSO_PROMPT_STATE one of ok, warn, expired, renews, plain (no SSO)
# or nothing (no profile). `prompt_aws_sso` is a powerlevel10k segment. docs/prompt.md
# lists the options. Builtins only, and names are data; awscli-sso-ext.prompt.zsh says how.
#
# The rendering lives in awscli-sso-ext.prompt.zsh beside this file, sourced the first time
# a segment is rendered (a shell that never has a profile never loads it). Until then these
# stand-ins load it, which replaces them, and call the real function.
function aws_sso_prompt {
    __awscli_sso_ext_prompt_load && aws_sso_prompt "$@"
}

function prompt_aws_sso {
    __awscli_sso_ext_prompt_load && prompt_aws_sso "$@"
}

function __awscli_sso_ext_prompt_render {
    __awscli_sso_ext_prompt_load && __awscli_sso_ext_prompt_render "$@"
}

function __awscli_sso_ext_prompt_place {
    __awscli_sso_ext_prompt_load && __awscli_sso_ext_prompt_place "$@"
}

# Runs before every prompt (first in precmd_functions) and leaves $? as it found it. The
# usual prompt reads the token file's expiresAt and compares it and the AWS variables with
# the last render's; the full render runs when one of them changed or when the text is due
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

# Registered in interactive shells only, first (so a theme's own precmd, p10k's too, sees
# the new values), and once however often this file is sourced.
if [[ -o interactive ]]; then
    () {
        builtin emulate -L zsh
        if (( ! ${+precmd_functions} )); then
            typeset -ga precmd_functions
        fi
        (( ${precmd_functions[(Ie)__awscli_sso_ext_prompt_update]} )) ||
            precmd_functions=(__awscli_sso_ext_prompt_update $precmd_functions)
        [[ ${AWS_SSO_PROMPT_AUTO-} != (1|left|right) ]] || typeset -g __awscli_sso_ext_auto=1
    }
fi

# --- Profile completion ---------------------------------------------------------------
# TAB after `aws sso-switch`, `aws sso-env --profile` or `aws ANYTHING --profile` lists the
# profiles botocore sees: `[default]` and `[profile NAME]` of AWS_CONFIG_FILE (NAME split
# shell-style like botocore: `[profile "my team"]` is `my team`; a header it can't split,
# or with more words, is no profile) and every section of AWS_SHARED_CREDENTIALS_FILE;
# never `[sso-session ...]`, `[services ...]`, `[plugins]` or `[DEFAULT]`. Our options and
# the --format and sso-status --output values complete too, and `aws sso-<TAB>` adds
# sso-switch, sso-env and sso-status to what the CLI's completer offers. Everything else goes to the completer registered for `aws`
# before ours (`complete -C aws_completer aws` through bashcompinit, Debian's `_aws`), or
# else to the CLI's own `aws_completer` next to the `aws` on PATH.
#
# No process per TAB for profiles: zstat (zsh/stat) tells whether either file changed (the
# cache key holds what it says, never the text), `$(<file)` reads a changed file without
# forking, an edit shows at the next TAB, and compadd quotes each name for the line
# (`my\ team`) and matches it against what was typed.
#
# Needs compinit. Registered now when compinit already ran, and again before the first
# prompt (once), so a `complete ... aws` or `compdef` later in ~/.zshrc is adopted as the
# delegate. To complete `aws-sso-ext` itself (argcomplete), add after compinit:
#
#     eval "$(register-python-argcomplete aws-sso-ext)"

# The completion functions live in awscli-sso-ext.complete.zsh (loaded at the first TAB,
# or by __awscli_sso_ext_complete_load).
# Until the first TAB: load, then complete with the real function the file defines.
function __awscli_sso_ext_complete {
    __awscli_sso_ext_complete_load && __awscli_sso_ext_complete "$@"
}

# Remembers what completes `aws` now, if it isn't ours, and puts ours in its place.
function __awscli_sso_ext_complete_adopt {
    (( ${+functions[compdef]} )) || builtin return 0
    if [[ -n ${_comps[aws]-} && ${_comps[aws]} != __awscli_sso_ext_complete ]]; then
        typeset -g __awscli_sso_ext_delegate=${_comps[aws]}
    fi
    compdef __awscli_sso_ext_complete aws
}

# Once, before the first prompt (after ~/.zshrc is read whole).
function __awscli_sso_ext_complete_first_prompt {
    builtin local status_=$?
    __awscli_sso_ext_complete_adopt
    precmd_functions=(${precmd_functions:#__awscli_sso_ext_complete_first_prompt})
    builtin return $status_
}

__awscli_sso_ext_complete_adopt
if [[ -o interactive && ${precmd_functions[(Ie)__awscli_sso_ext_complete_first_prompt]} == 0 ]]; then
    precmd_functions+=(__awscli_sso_ext_complete_first_prompt)
fi

# To load this hook in every new zsh, add this line to ~/.zshrc
# (`aws-sso-ext hook zsh` prints it with this file's installed path):
#
#     source /path/to/awscli-sso-ext.zsh
