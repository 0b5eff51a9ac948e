# awscli-sso-ext shell hook for fish: `aws sso-switch PROFILE` moves this shell to a profile.
# Load it from ~/.config/fish/config.fish (`aws-sso-ext hook fish` prints the line), or copy it
# into ~/.config/fish/conf.d/:  source /path/to/awscli-sso-ext.fish
#
# `aws` is a function: `aws sso-switch ...` runs the real command with AWS_SSO_EXT_SHELL=fish
# and sources its output only when it succeeded; anything else goes to the real `aws`
# untouched. Sourcing starts no process, prints nothing, leaves no variable and defines only
# the entries (fish parses every line it sources); the fast switch, the prompt and completion
# are in awscli-sso-ext.{switch,prompt,complete}.fish beside it, sourced at first use, where
# each is explained. Private names are __awscli_sso_ext_*. Needs fish 3.1 or later.

# Run as a program it could only change a shell that exits at once: say how to load it.
# (Sourced, the stack trace has a "from sourcing file" frame; run, it has none.)
if not status is-interactive
    if not builtin string match -q -- 'from sourcing *' (status stack-trace)
        builtin printf '%s\n' \
            "awscli-sso-ext: this file must be sourced into a running fish, not run." \
            "Add this line to ~/.config/fish/config.fish, then open a new shell:" \
            "    source "(builtin realpath (status current-filename)) >&2
        exit 2
    end
end

# `aws ... sso-switch ...` (the word anywhere: awscli-sso-ext.switch.fish tells for sure)
# loads the switch; anything else goes to the real `aws` at once.
function aws --description 'aws, where `aws sso-switch` moves this shell (awscli-sso-ext)'
    if builtin contains -- sso-switch $argv
        __awscli_sso_ext_load switch; and __awscli_sso_ext_aws $argv
    else
        command aws $argv
    end
end

# Sources awscli-sso-ext.$argv[1].fish from the folder of the file that defined this function
# (the folder is found at the first use: while sourcing, a command substitution or an `eval`
# would cost more than the rest of this file). A relative path is taken from the directory
# this file was sourced in, kept with the function.
set -l __awscli_sso_ext_pwd $PWD
function __awscli_sso_ext_load --inherit-variable __awscli_sso_ext_pwd
    set -l file (functions --details __awscli_sso_ext_load)
    builtin string match -q -- '/*' $file; or set file $__awscli_sso_ext_pwd/$file
    builtin source (builtin string split -r -m1 -- / $file)[1]/awscli-sso-ext.$argv[1].fish
end

# Stand-ins until their file is sourced, which replaces them: load, then call the real one.
# --- Prompt segment --- (the rest: awscli-sso-ext.prompt.fish)
function __awscli_sso_ext_now
    __awscli_sso_ext_load prompt; and __awscli_sso_ext_now
end

function aws_sso_prompt --description 'Print the AWS SSO prompt segment (awscli-sso-ext)'
    set -l __awscli_sso_ext_status $status
    __awscli_sso_ext_load prompt; or return
    __awscli_sso_ext_return $__awscli_sso_ext_status
    aws_sso_prompt $argv
end

# Before every prompt: with no profile (and no automatic placement) there is nothing to show
# or to load; otherwise the real handler in awscli-sso-ext.prompt.fish takes over, $status kept.
function __awscli_sso_ext_prompt_update --on-event fish_prompt
    set -l __awscli_sso_ext_status $status
    if test -n "$AWS_PROFILE" -o "$AWS_SSO_PROMPT_AUTO" = 1
        if __awscli_sso_ext_load prompt
            __awscli_sso_ext_return $__awscli_sso_ext_status
            __awscli_sso_ext_prompt_update
        end
    else
        set -g AWS_SSO_PROMPT ''
        set -g AWS_SSO_PROMPT_TEXT ''
        set -g AWS_SSO_PROMPT_STATE ''
        set -g __awscli_sso_ext_rendered ''
    end
    return $__awscli_sso_ext_status
end

# --- Profile completion --- (the rest: awscli-sso-ext.complete.fish)
# Completion: entries with conditions (fish's own aws completion stays); what they call goes
# through __awscli_sso_ext_complete, which loads awscli-sso-ext.complete.fish at the first TAB.
function __awscli_sso_ext_complete
    __awscli_sso_ext_load complete; and __awscli_sso_ext_complete $argv
end

complete -c aws -n '__awscli_sso_ext_complete wants_profile' -f -a '(__awscli_sso_ext_complete profiles)' -d profile
complete -c aws -l profile -x -a '(__awscli_sso_ext_complete profiles)' -d 'Profile from the config or credentials file'
complete -c aws -n '__awscli_sso_ext_complete command_is sso-switch' -l unset -d 'Clear everything a switch sets'
complete -c aws -n '__awscli_sso_ext_complete command_is sso-switch' -l verify -d 'Ask STS who the credentials belong to'
complete -c aws -n '__awscli_sso_ext_complete command_is sso-env' -l format -x -a 'bash zsh fish powershell dotenv json process' -d 'Output format'
complete -c aws -n '__awscli_sso_ext_complete command_is sso-env' -l credentials -d 'Add the role\'s temporary keys'
complete -c aws -n '__awscli_sso_ext_complete command_is sso-env' -l unset -d 'Print code that clears the variables'
complete -c aws -n '__awscli_sso_ext_complete command_is sso-switch sso-env' -l no-login -d 'Never start a login'
complete -c aws -n '__awscli_sso_ext_complete command_is sso-switch sso-env' -l no-browser -d 'Open no browser'
complete -c aws -n '__awscli_sso_ext_complete command_is sso-switch sso-env' -l use-device-code -d 'Log in with a code, not the browser'
complete -c aws -n '__awscli_sso_ext_complete at_command' -f -a 'sso-switch\t"Switch this shell to a profile" sso-env\t"Print the variables for a profile" sso-status\t"Show every profile\'s login and time left"'
complete -c aws -n '__awscli_sso_ext_complete command_is sso-status' -l output -x -a 'table json text' -d 'Output format'
complete -c aws -n '__awscli_sso_ext_complete delegates' -a '(__awscli_sso_ext_complete delegate)'

# To load this hook in every new fish, add to ~/.config/fish/config.fish:
#
#     source /path/to/awscli-sso-ext.fish
