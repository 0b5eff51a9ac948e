#!/bin/sh
# install.sh: installs awscli-sso-ext from this clone for the current user, or removes it.
#
#   ./install.sh [--shell bash|zsh|fish|powershell] [--no-modify-rc] [--dry-run] [--demo]
#   ./install.sh --uninstall [--dry-run]
#
# It creates its own virtual environment in ${XDG_DATA_HOME:-~/.local/share}/awscli-sso-ext,
# links `aws-sso-ext` into ~/.local/bin, brings AWS CLI v1 from PyPI when there is no `aws`
# at all, then runs `aws-sso-ext setup`, which registers the plugin with every `aws` on PATH
# and wires the shell. Everything it adds is recorded; --uninstall removes exactly that.
# --demo then starts `aws-sso-ext demo`: a throwaway shell against a local Identity Center.
# Environment: AWS_SSO_EXT_PYTHON (the python3 to use), AWS_SSO_EXT_PACKAGE (what to
# pip-install instead of this clone, e.g. a built wheel).
set -eu

say() { printf '%s\n' "$*"; }
fail() {
    printf 'install.sh: %s\n' "$1" >&2
    [ $# -gt 1 ] && printf '%s\n' "$2" >&2
    exit "${3:-1}"
}

uninstall='' dry_run='' shell_name='' modify_rc=1 demo=''
while [ $# -gt 0 ]; do
    case $1 in
        --uninstall) uninstall=1 ;;
        --dry-run) dry_run=1 ;;
        --shell)
            [ $# -gt 1 ] || fail '--shell needs a value' 'Use --shell bash|zsh|fish|powershell.' 2
            shell_name=$2
            shift
            ;;
        --shell=*) shell_name=${1#--shell=} ;;
        --no-modify-rc) modify_rc='' ;;
        --demo) demo=1 ;;
        -h | --help)
            sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *) fail "unknown option: $1" 'Options: --uninstall --dry-run --shell NAME --no-modify-rc --demo' 2 ;;
    esac
    shift
done
case $shell_name in
    '' | bash | zsh | fish | powershell | pwsh) ;;
    *) fail "unknown shell: $shell_name" 'Use --shell bash|zsh|fish|powershell.' 2 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}/awscli-sso-ext
venv=$data/venv
bin=$HOME/.local/bin
links=$data/install-sh-links # the symlinks this script made, one path a line
made_dirs=$data/install-sh-dirs # the folders this script made, one path a line
made='' # what this run changed, for the message when setup fails

run() {
    if [ -n "$dry_run" ]; then
        say "would run: $*"
    else
        "$@"
    fi
}

# --- uninstall -----------------------------------------------------------------------
if [ -n "$uninstall" ]; then
    if [ -x "$venv/bin/aws-sso-ext" ]; then
        if [ -n "$dry_run" ]; then
            "$venv/bin/aws-sso-ext" uninstall --dry-run
        else
            "$venv/bin/aws-sso-ext" uninstall
        fi
    else
        say "No installation in $venv: nothing for aws-sso-ext to undo."
    fi
    created=''
    [ ! -f "$made_dirs" ] || created=$(sort -r "$made_dirs")
    if [ -f "$links" ]; then
        while IFS= read -r link; do
            # Only links that still point into our environment.
            case $(readlink "$link" 2>/dev/null || true) in
                "$venv"/*) run rm -f "$link" && say "removed $link" ;;
            esac
        done <"$links"
        run rm -f "$links"
    fi
    if [ -d "$venv" ]; then
        run rm -rf "$venv"
        say "removed $venv"
    fi
    run rm -f "$made_dirs"
    # The folders this script made (~/.local/bin, ~/.local/share...), when nothing else is in them.
    printf '%s\n' "$created" | while IFS= read -r folder; do
        if [ -z "$folder" ] || [ ! -d "$folder" ]; then continue; fi
        if [ -n "$dry_run" ]; then
            say "would remove $folder if it is empty"
        elif rmdir "$folder" 2>/dev/null; then
            say "removed $folder"
        fi
    done
    [ -n "$dry_run" ] || rmdir "$data" 2>/dev/null || true
    say 'awscli-sso-ext is uninstalled. Open a new shell.'
    exit 0
fi

# --- python3 >= 3.9 with venv --------------------------------------------------------
python=''
for candidate in ${AWS_SSO_EXT_PYTHON:-} python3 python3.13 python3.12 python3.11 python3.10 python3.9; do
    if command -v "$candidate" >/dev/null 2>&1 &&
        "$candidate" -c 'import sys, venv; sys.exit(sys.version_info < (3, 9))' 2>/dev/null; then
        python=$(command -v "$candidate")
        break
    fi
done
[ -n "$python" ] || fail 'no python3 (3.9 or newer, with the venv module) found on PATH.' \
    'Install one (Debian/Ubuntu: apt install python3 python3-venv; macOS: brew install python), or set AWS_SSO_EXT_PYTHON.'

# --- write access, before anything changes -------------------------------------------
for folder in "$data" "$bin"; do
    probe=$folder
    while [ ! -d "$probe" ]; do probe=$(dirname "$probe"); done
    [ -w "$probe" ] || fail "can't write to $probe (needed for $folder); nothing was changed." \
        'Fix its permissions or set XDG_DATA_HOME to a folder you own.'
done
if [ -e "$bin/aws-sso-ext" ] && [ ! -L "$bin/aws-sso-ext" ]; then
    fail "$bin/aws-sso-ext exists and is not our link; nothing was changed." 'Move it away and run install.sh again.'
fi

package=${AWS_SSO_EXT_PACKAGE:-$here}
had_aws=''
if command -v aws >/dev/null 2>&1; then had_aws=1; fi

mkdirs() { # mkdirs FOLDER: create it and its missing parents (0700), recorded for --uninstall
    missing='' probe=$1
    while [ ! -d "$probe" ]; do
        missing="$probe
$missing"
        probe=$(dirname "$probe")
    done
    [ -n "$missing" ] || return 0
    if [ -n "$dry_run" ]; then
        say "would create $1"
        return 0
    fi
    printf '%s' "$missing" | while IFS= read -r folder; do
        [ -z "$folder" ] || mkdir -m 700 "$folder"
    done
    printf '%s' "$missing" >>"$made_dirs"
}

say "Python: $python"
if [ ! -x "$venv/bin/python" ]; then
    mkdirs "$data"
    run "$python" -m venv "$venv"
    say "created $venv"
    made="$made $venv"
fi
run "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "$package"
say "installed awscli-sso-ext into $venv"
if [ -z "$had_aws" ]; then
    say "No 'aws' on PATH: installing AWS CLI v1 from PyPI into the same environment."
    run "$venv/bin/python" -m pip install --quiet --disable-pip-version-check 'awscli>=1.29'
fi

link() { # link NAME: ~/.local/bin/NAME -> the venv's NAME, recorded for --uninstall
    [ -x "$venv/bin/$1" ] || [ -n "$dry_run" ] || return 0
    if [ "$(readlink "$bin/$1" 2>/dev/null || true)" = "$venv/bin/$1" ]; then return 0; fi
    if [ -e "$bin/$1" ] || [ -L "$bin/$1" ]; then
        say "left $bin/$1 alone (it is not ours)"
        return 0
    fi
    mkdirs "$bin"
    run ln -s "$venv/bin/$1" "$bin/$1"
    [ -n "$dry_run" ] || printf '%s\n' "$bin/$1" >>"$links"
    say "linked $bin/$1"
    made="$made $bin/$1"
}
link aws-sso-ext
if [ -z "$had_aws" ]; then
    link aws
    link aws_completer
fi

# setup sees the `aws` it must register, and knows which shell called this script.
PATH=$bin:$PATH
export PATH
AWS_SSO_EXT_SHELL_PID=$PPID
export AWS_SSO_EXT_SHELL_PID
set -- --path-dir "$bin"
[ -z "$shell_name" ] || set -- "$@" --shell "$shell_name"
[ -n "$modify_rc" ] || set -- "$@" --no-modify-rc
[ -z "$dry_run" ] || set -- "$@" --dry-run
if [ -x "$venv/bin/aws-sso-ext" ]; then
    status=0
    "$venv/bin/aws-sso-ext" setup "$@" || status=$?
    if [ "$status" -ne 0 ]; then
        if [ -n "$made" ]; then
            printf 'install.sh: setup did not finish (exit %s). install.sh itself made:%s; "%s --uninstall" removes them.\n' \
                "$status" "$made" "$0" >&2
        else
            printf 'install.sh: setup did not finish (exit %s); install.sh updated awscli-sso-ext in %s and changed nothing else.\n' \
                "$status" "$venv" >&2
        fi
    fi
    [ -n "$demo" ] || exit "$status"
else
    say "would then run: aws-sso-ext setup $*"
fi
if [ -n "$demo" ]; then
    set -- demo
    case $shell_name in bash | zsh | fish) set -- demo --shell "$shell_name" ;; esac
    if [ -n "$dry_run" ]; then
        say "would then run: aws-sso-ext $*"
    else
        say "Starting the demo (nothing in it touches your own ~/.aws or rc files)."
        exec "$venv/bin/aws-sso-ext" "$@"
    fi
fi
