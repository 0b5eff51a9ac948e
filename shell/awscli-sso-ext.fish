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
# Reserved: __awscli_sso_ext_prompt (builtins only; one `date` at most) for fish_prompt or
# fish_right_prompt, opt-in.

# --- Profile completion (issue 6) -----------------------------------------------------
# Reserved: `complete -c aws` entries for profile names after `sso-switch`, `sso-env` and
# `--profile`, alongside fish's own aws completion.

# To load this hook in every new fish, add this line to ~/.config/fish/config.fish
# (`aws-sso-ext hook fish` prints it with this file's installed path):
#
#     source /path/to/awscli-sso-ext.fish
