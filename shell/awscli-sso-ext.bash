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
__awscli_sso_ext_switch() {
    builtin local __awscli_sso_ext_code
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

# --- Prompt segment (issue 5) ---------------------------------------------------------
# Reserved: __awscli_sso_ext_prompt (builtins only) and its opt-in PROMPT_COMMAND
# registration go here, registered idempotently.

# --- Profile completion (issue 6) -----------------------------------------------------
# Reserved: completion of profile names for `sso-switch`, `sso-env` and `--profile`,
# delegating everything else to the AWS CLI's own completer.

# To load this hook in every new bash, add this line to ~/.bashrc
# (`aws-sso-ext hook bash` prints it with this file's installed path):
#
#     source /path/to/awscli-sso-ext.bash
