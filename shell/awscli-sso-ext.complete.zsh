# awscli-sso-ext: profile completion for zsh, loaded by awscli-sso-ext.zsh at the first TAB.
#
# Parsing these functions costs start-up time that every shell would pay if the hook
# defined them itself; the hook defines a stand-in instead (`source` is a builtin: no
# process), and the first TAB sources this file.
#
# TAB after `aws sso-switch`, `aws sso-env --profile` or `aws ANYTHING --profile` lists the
# profiles botocore sees: `[default]` and `[profile NAME]` of AWS_CONFIG_FILE (NAME split
# shell-style like botocore: `[profile "my team"]` is `my team`; a header it can't split,
# or with more words, is no profile) and every section of AWS_SHARED_CREDENTIALS_FILE;
# never `[sso-session ...]`, `[services ...]`, `[plugins]` or `[DEFAULT]`. Our options and
# the --format and sso-status --output values complete too, and `aws sso-<TAB>` adds
# sso-switch, sso-env and sso-status to what the CLI's completer offers. Everything else
# goes to the completer registered for `aws` before ours (`complete -C aws_completer aws`
# through bashcompinit, Debian's `_aws`), or else to the CLI's own `aws_completer` next to
# the `aws` on PATH.
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

# Python's shlex.split of $1 (posix mode, no comments) into reply; fails where shlex raises.
function __awscli_sso_ext_shlex_split {
    builtin emulate -L zsh
    builtin local text=$1 word='' quote='' c have=''
    builtin integer i=1
    reply=()
    while (( i <= $#text )); do
        c=$text[i]
        if [[ $quote == "'" ]]; then
            if [[ $c == "'" ]]; then quote=''; else word+=$c; fi
        elif [[ $quote == '"' ]]; then
            if [[ $c == '"' ]]; then
                quote=''
            elif [[ $c == '\' && $text[i+1] == [\"\\] ]]; then
                (( i++ )); word+=$text[i]
            else
                word+=$c
            fi
        else
            case $c in
                ([$' \t\r\n'])
                    [[ -z $have ]] || reply+=("$word")
                    word='' have=''
                    ;;
                ([\'\"]) quote=$c have=1 ;;
                ('\')
                    (( i < $#text )) || builtin return 1
                    (( i++ )); word+=$text[i]; have=1
                    ;;
                (*) word+=$c; have=1 ;;
            esac
        fi
        (( i++ ))
    done
    [[ -z $quote ]] || builtin return 1
    [[ -z $have ]] || reply+=("$word")
}

# The profile names into __awscli_sso_ext_profiles (config first, then credentials, each
# once), parsed again only when either file changed. The cache key is what zstat says of
# both files (device, inode, size, mtime, ctime), never their text: no key, token or other
# text of them stays in a variable. A write changes the ctime to the time of the write,
# which no one can set back, so a file whose ctime is at least two seconds older than the
# last read (the clock of a file system may lag a little) is the file read then; one
# written since is read again at every TAB until it is that old.
function __awscli_sso_ext_profile_names {
    builtin emulate -L zsh
    builtin setopt extended_glob
    builtin local config=${AWS_CONFIG_FILE:-$HOME/.aws/config} text='' more='' header name
    builtin local credentials=${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials} key=''
    builtin local file
    builtin local -a lines names reply words stat
    builtin local -A seen
    builtin integer newest=0
    [[ $config != \~/* ]] || config=$HOME/${config#\~/}
    [[ $credentials != \~/* ]] || credentials=$HOME/${credentials#\~/}
    (( ${+EPOCHSECONDS} )) || builtin zmodload zsh/datetime
    (( ${+builtins[zstat]} )) || builtin zmodload -F zsh/stat b:zstat 2>/dev/null
    for file in $config $credentials; do
        stat=()
        [[ ! -f $file || ! -r $file ]] || builtin zstat -A stat -- $file 2>/dev/null
        (( $#stat < 11 )) || (( newest = stat[11] > newest ? stat[11] : newest ))
        key+="$file|$stat[1]|$stat[2]|$stat[8]|$stat[10]|$stat[11]"$'\0'
    done
    if [[ $key == "${__awscli_sso_ext_profiles_key-}" ]] && (( newest + 2 <= ${__awscli_sso_ext_profiles_read_at:-0} )) &&
        (( ${+builtins[zstat]} )); then
        builtin return 0
    fi
    [[ ! -f $config || ! -r $config ]] || text=$(<$config)
    [[ ! -f $credentials || ! -r $credentials ]] || more=$(<$credentials)
    # Headers: lines that start with `[`, up to the last `]` (indented ones are left out).
    lines=(${(M)${(f)text}:#\[?*\]*})
    for header in ${${lines#\[}%\]*}; do
        case $header in
            (default) name=default ;;
            (profile*)
                if [[ $header == *[\'\"\\]* ]]; then
                    __awscli_sso_ext_shlex_split $header || builtin continue
                    words=("${reply[@]}")
                else
                    words=(${(s: :)${header//[$'\t\r']/ }})
                fi
                (( $#words == 2 )) || builtin continue
                name=$words[2]
                ;;
            (*) builtin continue ;;
        esac
        (( ! ${+seen[x$name]} )) || builtin continue
        seen[x$name]=1
        names+=("$name")
    done
    lines=(${(M)${(f)more}:#\[?*\]*})
    for name in ${${lines#\[}%\]*}; do
        [[ $name != DEFAULT ]] && (( ! ${+seen[x$name]} )) || builtin continue
        seen[x$name]=1
        names+=("$name")
    done
    typeset -ga __awscli_sso_ext_profiles
    __awscli_sso_ext_profiles=("${names[@]}")
    typeset -g __awscli_sso_ext_profiles_key=$key
    typeset -gi __awscli_sso_ext_profiles_read_at=$EPOCHSECONDS
}

# Runs the completer for `aws` that was there before ours, or else the CLI's own
# `aws_completer`, the way `complete -C` does (COMP_LINE and COMP_POINT).
function __awscli_sso_ext_complete_delegate {
    builtin local delegate=${__awscli_sso_ext_delegate-} aws completer line point
    builtin local -a found
    if [[ -n $delegate ]]; then
        builtin eval "$delegate"
        # Debian's `_aws` registers `complete -C ...` in our place on its first call.
        if [[ ${_comps[aws]-} != __awscli_sso_ext_complete ]]; then
            __awscli_sso_ext_delegate=${_comps[aws]-}
            _comps[aws]=__awscli_sso_ext_complete
            [[ -z $__awscli_sso_ext_delegate || $__awscli_sso_ext_delegate == "$delegate" ]] ||
                builtin eval "$__awscli_sso_ext_delegate"
        fi
        builtin return
    fi
    aws=${commands[aws]-}
    if [[ -n $aws && -x ${aws:h}/aws_completer ]]; then
        completer=${aws:h}/aws_completer
    elif [[ -n $aws && -x ${aws:h:h}/libexec/aws_completer ]]; then
        completer=${aws:h:h}/libexec/aws_completer
    else
        completer=${commands[aws_completer]-}
    fi
    [[ -n $completer ]] || builtin return 1
    line=${(j: :)words[1,CURRENT-1]}
    line+=" $PREFIX"
    found=(${(f)"$(COMP_LINE=$line COMP_POINT=${#line} command $completer 2>/dev/null)"})
    found=(${found%% #})
    (( $#found )) && compadd -Q -a found
}

# The completion function for `aws` (in _comps): words, CURRENT and PREFIX say where.
function __awscli_sso_ext_complete {
    builtin emulate -L zsh
    builtin local prev=${words[CURRENT-1]-} command='' word
    builtin integer i positional=0
    for (( i = 2; i < CURRENT; i++ )); do
        word=$words[i]
        case $word in
            (--region|--profile|--output|--endpoint-url|--query|--color|--ca-bundle|--cli-read-timeout|--cli-connect-timeout|--cli-binary-format|--format)
                (( i++ )) ;;
            (-*) ;;
            (*) if [[ -z $command ]]; then command=$word; else (( positional++ )); fi ;;
        esac
    done
    if [[ $prev == --profile ]] ||
        [[ $command == sso-switch && $positional == 0 && $PREFIX != -* ]]; then
        __awscli_sso_ext_profile_names
        compadd -a __awscli_sso_ext_profiles
    elif [[ $command == sso-env && $prev == --format ]]; then
        compadd bash zsh fish powershell dotenv json process
    elif [[ $command == sso-status && $prev == --output ]]; then
        compadd table json text
    elif [[ $command == sso-switch && $PREFIX == -* ]]; then
        compadd -- --unset --verify --no-login --no-browser --use-device-code
    elif [[ $command == sso-env && $PREFIX == -* ]]; then
        compadd -- --profile --format --credentials --unset --no-login --no-browser \
            --use-device-code
    elif [[ $command == sso-status && $PREFIX == -* ]]; then
        compadd -- --profile --output
    elif [[ -z $command && $PREFIX != -* ]]; then
        __awscli_sso_ext_complete_delegate
        compadd sso-switch sso-env sso-status
    else
        __awscli_sso_ext_complete_delegate
    fi
}
