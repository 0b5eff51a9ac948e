# awscli-sso-ext shell hook for bash: `aws sso-switch PROFILE` moves this shell to a profile.
#
# A program can't change the shell that started it, so `aws` here is a function: for
# `aws sso-switch ...` it runs the real command with AWS_SSO_EXT_SHELL=bash and evaluates what
# it prints only when it succeeded; anything else (arguments, stdin, stdout, stderr, exit
# status) goes to the real `aws` untouched. It also keeps AWS_SSO_PROMPT (the prompt segment)
# current and completes profile names.
#
# Load it from ~/.bashrc (`aws-sso-ext hook bash` prints the line):
#
#     source /path/to/awscli-sso-ext.bash
#
# Sourcing starts no process, prints nothing, leaves no variable, works under
# `set -euo pipefail`, and defines only what must exist before the first use; the rest (the
# fast switch, the prompt's rendering, completion) is in awscli-sso-ext.{switch,prompt,
# complete}.bash beside this file, sourced at first use, where each part is explained.
# Private names are __awscli_sso_ext_*; `builtin` and `command` keep aliases out of the way.

# Run as a program it could only change a shell that exits at once: say how to load it.
# (Sourced, BASH_SOURCE is the file and $0 the shell; no `(return 0)` probe: it would fork.)
if [[ ${BASH_SOURCE[0]-} == "${0-}" ]]; then
    __awscli_sso_ext_file=${BASH_SOURCE[0]}
    [[ $__awscli_sso_ext_file == /* ]] || __awscli_sso_ext_file=$PWD/$__awscli_sso_ext_file
    builtin printf '%s\n' \
        "awscli-sso-ext: this file must be sourced into a running bash, not run." \
        "Add this line to ~/.bashrc, then open a new shell:" \
        "    source $__awscli_sso_ext_file" >&2
    builtin exit 2
fi

# `aws ... sso-switch ...` (the word anywhere: awscli-sso-ext.switch.bash tells for sure)
# loads the switch; anything else goes to the real `aws` at once. `function NAME` rather than
# `NAME()`, so an alias named aws can't break the definition.
function aws {
    builtin local __awscli_sso_ext_word
    for __awscli_sso_ext_word in "$@"; do
        if [[ $__awscli_sso_ext_word == sso-switch ]]; then
            __awscli_sso_ext_switch_load && __awscli_sso_ext_aws "$@"
            builtin return
        fi
    done
    command aws "$@"
}

# Loaders of the parts beside this file; each body holds the folder, quoted by printf %q.
__awscli_sso_ext_file=${BASH_SOURCE[0]%/*}
[[ ${BASH_SOURCE[0]} == */* ]] || __awscli_sso_ext_file=.
[[ $__awscli_sso_ext_file == /* ]] || __awscli_sso_ext_file=$PWD/$__awscli_sso_ext_file
builtin printf -v __awscli_sso_ext_file %q "$__awscli_sso_ext_file"
builtin eval "__awscli_sso_ext_switch_load() { builtin source $__awscli_sso_ext_file/awscli-sso-ext.switch.bash; }
__awscli_sso_ext_prompt_load() { builtin source $__awscli_sso_ext_file/awscli-sso-ext.prompt.bash; }
__awscli_sso_ext_complete_load() { builtin source $__awscli_sso_ext_file/awscli-sso-ext.complete.bash; }"
builtin unset -v __awscli_sso_ext_file

# Stand-ins until their file is sourced, which replaces them: load, then call the real one.
# --- Prompt segment --- (the rest: awscli-sso-ext.prompt.bash)
aws_sso_prompt() {
    __awscli_sso_ext_prompt_load && aws_sso_prompt "$@"
}

# --- Profile completion --- (the rest: awscli-sso-ext.complete.bash)
__awscli_sso_ext_complete() {
    __awscli_sso_ext_complete_load && __awscli_sso_ext_complete "$@"
}

# First in PROMPT_COMMAND, $? kept: with no profile (and no AWS_SSO_PROMPT_AUTO) there is
# nothing to show or to load; otherwise the real one in awscli-sso-ext.prompt.bash runs.
__awscli_sso_ext_prompt_update() {
    builtin local __awscli_sso_ext_status=$?
    if [[ -n ${AWS_PROFILE-}${__awscli_sso_ext_auto-} ]]; then
        __awscli_sso_ext_prompt_load && __awscli_sso_ext_prompt_update
    else
        # shellcheck disable=SC2034 # read by the user's prompt and by other tools
        AWS_SSO_PROMPT='' AWS_SSO_PROMPT_TEXT='' AWS_SSO_PROMPT_STATE='' __awscli_sso_ext_rendered=''
    fi
    builtin return "$__awscli_sso_ext_status"
}

# Once, before the first prompt (after ~/.bashrc is read whole): a registration for `aws`
# found then (another function or command, made before or after this file) is remembered as
# the delegate and ours is put in front; then PROMPT_COMMAND is left as it was.
__awscli_sso_ext_complete_first_prompt() {
    builtin local __awscli_sso_ext_status=$? spec i
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
            __awscli_sso_ext_delegate_command=${spec% aws}
            __awscli_sso_ext_delegate_function=''
            ;;
    esac
    builtin complete -F __awscli_sso_ext_complete aws
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

# No process while sourcing: register completion now, unless an interactive shell already
# has a registration for `aws` (adopted at the first prompt). Interactive shells (only they
# run PROMPT_COMMAND, a string or, in bash 5.1+, an array) get the prompt update first and
# the adoption last, each once.
if [[ $- != *i* ]] || ! builtin complete -p aws >/dev/null 2>&1; then
    builtin complete -F __awscli_sso_ext_complete aws
fi
if [[ $- == *i* ]]; then
    # shellcheck disable=SC2128,SC2178 # an array or a string, as checked
    if [[ ${PROMPT_COMMAND@a} == *a* ]]; then
        [[ " ${PROMPT_COMMAND[*]} " == *' __awscli_sso_ext_prompt_update '* ]] ||
            PROMPT_COMMAND=(__awscli_sso_ext_prompt_update "${PROMPT_COMMAND[@]}")
        [[ " ${PROMPT_COMMAND[*]} " == *' __awscli_sso_ext_complete_first_prompt '* ]] ||
            PROMPT_COMMAND+=(__awscli_sso_ext_complete_first_prompt)
    else
        [[ ${PROMPT_COMMAND-} == *__awscli_sso_ext_prompt_update* ]] ||
            PROMPT_COMMAND="__awscli_sso_ext_prompt_update${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
        [[ $PROMPT_COMMAND == *__awscli_sso_ext_complete_first_prompt* ]] ||
            PROMPT_COMMAND="$PROMPT_COMMAND;__awscli_sso_ext_complete_first_prompt"
    fi
    [[ ${AWS_SSO_PROMPT_AUTO-} != 1 ]] || __awscli_sso_ext_auto=1
fi

# To load this hook in every new bash, add this line to ~/.bashrc:
#
#     source /path/to/awscli-sso-ext.bash
