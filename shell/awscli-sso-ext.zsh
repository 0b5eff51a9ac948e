# awscli-sso-ext shell hook for zsh: `aws sso-switch PROFILE` moves this shell to a profile.
#
# A program can't change the shell that started it, so `aws` here is a function: for
# `aws sso-switch ...` it runs the real command with AWS_SSO_EXT_SHELL=zsh and evaluates what
# it prints only when it succeeded; anything else (arguments, stdin, stdout, stderr, exit
# status) goes to the real `aws` untouched. It also keeps AWS_SSO_PROMPT (the prompt segment)
# current and completes profile names.
#
# Load it from ~/.zshrc (or $ZDOTDIR/.zshrc; `aws-sso-ext hook zsh` prints the line):
#
#     source /path/to/awscli-sso-ext.zsh
#
# Sourcing starts no process, prints nothing, leaves no variable, works under
# `setopt no_unset err_exit pipe_fail`, and defines only what must exist before the first
# use; the rest (the fast switch, the prompt's rendering, completion) is in
# awscli-sso-ext.{switch,prompt,complete}.zsh beside this file, sourced at first use, where
# each part is explained. Functions start with `emulate -L zsh`, so the user's options can't
# change what they do; private names are __awscli_sso_ext_*.

# Run as a program it could only change a shell that exits at once: say how to load it.
# (ZSH_EVAL_CONTEXT is `toplevel` in a script, and names `file` when this is sourced.)
if [[ ${ZSH_EVAL_CONTEXT-} == toplevel && ! -o interactive ]]; then
    builtin print -r -l -u2 -- \
        "awscli-sso-ext: this file must be sourced into a running zsh, not run." \
        "Add this line to ~/.zshrc, then open a new shell:" \
        "    source ${${(%):-%x}:A}"
    builtin exit 2
fi

# `aws ... sso-switch ...` (the word anywhere: awscli-sso-ext.switch.zsh tells for sure)
# loads the switch; anything else goes to the real `aws` at once. `function NAME` rather than
# `NAME()`, so an alias named aws can't break the definition.
function aws {
    builtin emulate -L zsh
    if (( ${argv[(Ie)sso-switch]} )); then
        __awscli_sso_ext_switch_load && __awscli_sso_ext_aws "$@"
    else
        command aws "$@"
    fi
}

# Loaders of the parts beside this file; each body holds the folder's absolute path, quoted.
() {
    builtin local folder=${(q)${${(%):-%x}:A:h}}
    builtin eval "function __awscli_sso_ext_switch_load { builtin source $folder/awscli-sso-ext.switch.zsh; }
function __awscli_sso_ext_prompt_load { builtin source $folder/awscli-sso-ext.prompt.zsh; }
function __awscli_sso_ext_complete_load { builtin source $folder/awscli-sso-ext.complete.zsh; }"
}

# Stand-ins until their file is sourced, which replaces them: load, then call the real one.
# --- Prompt segment --- (the rest: awscli-sso-ext.prompt.zsh)
function aws_sso_prompt {
    __awscli_sso_ext_prompt_load && aws_sso_prompt "$@"
}

function prompt_aws_sso {
    __awscli_sso_ext_prompt_load && prompt_aws_sso "$@"
}

# --- Profile completion --- (the rest: awscli-sso-ext.complete.zsh)
function __awscli_sso_ext_complete {
    __awscli_sso_ext_complete_load && __awscli_sso_ext_complete "$@"
}

# First in precmd_functions, $? kept: with no profile (and no AWS_SSO_PROMPT_AUTO) there is
# nothing to show or to load; otherwise the real one in awscli-sso-ext.prompt.zsh runs. (No
# `emulate` here: the real one reads the user's prompt options first.)
function __awscli_sso_ext_prompt_update {
    builtin local -i __awscli_sso_ext_status=$?
    if [[ -n ${AWS_PROFILE-}${__awscli_sso_ext_auto-} ]]; then
        __awscli_sso_ext_prompt_load && __awscli_sso_ext_prompt_update
    else
        typeset -g AWS_SSO_PROMPT='' AWS_SSO_PROMPT_TEXT='' AWS_SSO_PROMPT_STATE=''
        typeset -g __awscli_sso_ext_rendered=''
    fi
    builtin return __awscli_sso_ext_status
}

# Completion needs compinit: ours is registered now when compinit already ran, and again
# before the first prompt (once), so what completes `aws` then (`complete ... aws` through
# bashcompinit, Debian's `_aws`, a later compdef) is adopted as the delegate.
function __awscli_sso_ext_complete_adopt {
    (( ${+functions[compdef]} )) || builtin return 0
    if [[ -n ${_comps[aws]-} && ${_comps[aws]} != __awscli_sso_ext_complete ]]; then
        typeset -g __awscli_sso_ext_delegate=${_comps[aws]}
    fi
    compdef __awscli_sso_ext_complete aws
}

function __awscli_sso_ext_complete_first_prompt {
    builtin local status_=$?
    __awscli_sso_ext_complete_adopt
    precmd_functions=(${precmd_functions:#__awscli_sso_ext_complete_first_prompt})
    builtin return $status_
}

__awscli_sso_ext_complete_adopt
# Interactive shells: the prompt update first in precmd_functions (so a theme's own precmd,
# p10k's too, sees the new values), the adoption last, each once.
if [[ -o interactive ]]; then
    () {
        builtin emulate -L zsh
        (( ${+precmd_functions} )) || typeset -ga precmd_functions
        (( ${precmd_functions[(Ie)__awscli_sso_ext_prompt_update]} )) ||
            precmd_functions=(__awscli_sso_ext_prompt_update $precmd_functions)
        (( ${precmd_functions[(Ie)__awscli_sso_ext_complete_first_prompt]} )) ||
            precmd_functions+=(__awscli_sso_ext_complete_first_prompt)
        [[ ${AWS_SSO_PROMPT_AUTO-} != (1|left|right) ]] || typeset -g __awscli_sso_ext_auto=1
    }
fi

# To load this hook in every new zsh, add this line to ~/.zshrc:
#
#     source /path/to/awscli-sso-ext.zsh
