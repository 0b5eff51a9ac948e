# awscli-sso-ext: profile completion for bash, loaded by awscli-sso-ext.bash at the first TAB.
#
# Parsing these functions costs about a millisecond, which every shell start would pay if
# the hook defined them itself; the hook defines a stand-in instead (`source` is a builtin:
# no process), and the first TAB sources this file.
#
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

# Refuse to run as a program: only the hook sources this file.
if [[ ${BASH_SOURCE[0]-} == "${0-}" ]]; then
    builtin printf '%s\n' "awscli-sso-ext: this file is loaded by awscli-sso-ext.bash; source that one." >&2
    builtin exit 2
fi

# The header lines of file $1 (`~/` expanded, as botocore does) into
# __awscli_sso_ext_headers: as for configparser, each line that starts with `[`, without
# that `[`; none when the file can't be read. The file is read whole (`mapfile`, in blocks)
# into a local variable. When every `[` in it starts a line (the usual file), splitting the
# text at `[` and keeping the first line of each piece finds them (C code: word splitting
# and one expansion over about one element per section). A `[` inside a value or a `[[`
# would make a piece of a value look like a header, so such a file is split into lines,
# which costs more.
__awscli_sso_ext_header_lines() {
    builtin local - file="$1" IFS
    builtin local -a content
    builtin set -f
    [[ $file != \~/* ]] || file=$HOME/${file:2}
    __awscli_sso_ext_headers=()
    [[ -f $file && -r $file ]] || builtin return 0
    builtin mapfile -t -d '' -n 1 content <"$file" 2>/dev/null || :
    if [[ ${content[0]-} != *[!$'\n']\[* ]]; then
        IFS='['
        # shellcheck disable=SC2206 # splitting is the point; no globbing (set -f)
        __awscli_sso_ext_headers=(${content[0]-})
        __awscli_sso_ext_headers=("${__awscli_sso_ext_headers[@]%%$'\n'*}")
        builtin unset -v '__awscli_sso_ext_headers[0]' # what comes before the first `[`
        builtin return 0
    fi
    IFS=$'\n'
    # shellcheck disable=SC2206 # splitting is the point; no globbing (set -f)
    content=(${content[0]})
    content=("${content[@]##[!\[]*}")
    # shellcheck disable=SC2206 # splitting is the point; no globbing (set -f)
    content=(${content[*]})
    __awscli_sso_ext_headers=("${content[@]#\[}")
}

# The section names in the header lines in __awscli_sso_ext_headers, in place: up to the
# last `]` on the line; a line without one is no header. No loop: a \001 put at the end of
# each line is cut away with the last `]`, so the lines that keep it had none, and word
# splitting on newlines alone (globbing off) drops the emptied ones.
__awscli_sso_ext_headers_of_lines() {
    builtin local - IFS=$'\n'
    builtin set -f
    __awscli_sso_ext_headers=("${__awscli_sso_ext_headers[@]/%/$'\001'}")
    __awscli_sso_ext_headers=("${__awscli_sso_ext_headers[@]%\]*}")
    __awscli_sso_ext_headers=("${__awscli_sso_ext_headers[@]/*$'\001'*/}")
    # shellcheck disable=SC2206 # splitting is the point; no globbing (set -f)
    __awscli_sso_ext_headers=(${__awscli_sso_ext_headers[*]})
}

# Python's shlex.split of $1 (posix mode, no comments) into __awscli_sso_ext_words; fails
# where shlex raises (an unclosed quote, a backslash at the end).
__awscli_sso_ext_shlex_split() {
    builtin local text="$1" word='' quote='' c i have=''
    __awscli_sso_ext_words=()
    for ((i = 0; i < ${#text}; i++)); do
        c=${text:i:1}
        if [[ $quote == "'" ]]; then
            if [[ $c == "'" ]]; then quote=''; else word+=$c; fi
        elif [[ $quote == '"' ]]; then
            if [[ $c == '"' ]]; then
                quote=''
            elif [[ $c == \\ && ${text:i+1:1} == [\"\\] ]]; then
                i=$((i + 1)) word+=${text:i:1}
            else
                word+=$c
            fi
        else
            case $c in
                ' ' | $'\t' | $'\r' | $'\n')
                    [[ -z $have ]] || __awscli_sso_ext_words+=("$word")
                    word='' have=''
                    ;;
                \' | \") quote=$c have=1 ;;
                \\)
                    ((i + 1 < ${#text})) || builtin return 1
                    i=$((i + 1)) word+=${text:i:1} have=1
                    ;;
                *) word+=$c have=1 ;;
            esac
        fi
    done
    [[ -z $quote ]] || builtin return 1
    [[ -z $have ]] || __awscli_sso_ext_words+=("$word")
}

# The profile names into __awscli_sso_ext_profiles (config first, then credentials, each
# once); each followed by \002 and itself quoted by printf %q for a bare word into
# __awscli_sso_ext_profiles_rq, and just quoted into __awscli_sso_ext_profiles_q. Both
# files are read at every TAB (`mapfile`, in blocks), so an edit shows at the next one, but
# only their section headers are kept: the list of names depends on nothing else, and no
# variable holds a key, a token or any other text of the files once the TAB is over. The
# headers are the cache key, the one key of an associative array: a lookup hashes it (C
# code), where comparing two long strings with `[[ ]]` costs milliseconds. So the names are
# parsed again exactly when a header changed since the last TAB.
__awscli_sso_ext_profile_names() {
    builtin local - header name IFS=$'\n' quoted key
    builtin local -a words credentials __awscli_sso_ext_headers __awscli_sso_ext_words
    builtin local -A seen
    builtin set -f
    __awscli_sso_ext_header_lines "${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}"
    credentials=("${__awscli_sso_ext_headers[@]}")
    __awscli_sso_ext_header_lines "${AWS_CONFIG_FILE:-$HOME/.aws/config}"
    # No header line holds a newline: the count tells where the credentials file's end.
    key=${#credentials[@]}$'\n'${credentials[*]}$'\n'${__awscli_sso_ext_headers[*]}
    if [[ -n ${__awscli_sso_ext_profiles_ready-} && -n ${__awscli_sso_ext_profiles_key[$key]-} ]]; then
        builtin return 0
    fi
    builtin unset -v __awscli_sso_ext_profiles_key
    builtin declare -gA __awscli_sso_ext_profiles_key
    __awscli_sso_ext_profiles_key[$key]=1
    __awscli_sso_ext_profiles_ready=1
    __awscli_sso_ext_headers_of_lines
    words=("${__awscli_sso_ext_headers[@]}")
    __awscli_sso_ext_headers=("${credentials[@]}")
    __awscli_sso_ext_headers_of_lines
    credentials=("${__awscli_sso_ext_headers[@]}")
    __awscli_sso_ext_headers=("${words[@]}")
    __awscli_sso_ext_profiles=() __awscli_sso_ext_profiles_q=() __awscli_sso_ext_profiles_rq=()
    IFS=$' \t\r\n'
    for header in "${__awscli_sso_ext_headers[@]}"; do
        case $header in
            default) name=default ;;
            profile*)
                if [[ $header == *[\'\"\\]* ]]; then
                    __awscli_sso_ext_shlex_split "$header" || builtin continue
                    words=("${__awscli_sso_ext_words[@]}")
                else
                    # shellcheck disable=SC2206 # split on blanks; no globbing (set -f)
                    words=($header)
                fi
                ((${#words[@]} == 2)) || builtin continue
                name=${words[1]}
                ;;
            *) builtin continue ;;
        esac
        [[ -z ${seen[x$name]-} ]] || builtin continue
        seen[x$name]=1
        __awscli_sso_ext_profiles+=("$name")
    done
    for name in "${credentials[@]}"; do
        [[ $name != DEFAULT && -z ${seen[x$name]-} ]] || builtin continue
        seen[x$name]=1
        __awscli_sso_ext_profiles+=("$name")
    done
    # \001 and \002 mark matches below: a name holding one is left out.
    for name in "${__awscli_sso_ext_profiles[@]}"; do
        [[ $name != *[$'\001\002']* ]] || builtin continue
        builtin printf -v quoted '%q' "$name"
        __awscli_sso_ext_profiles_q+=("$quoted")
        __awscli_sso_ext_profiles_rq+=("$name"$'\002'"$quoted")
    done
}

# COMPREPLY: the profile names that start with the word being completed ($1, as typed:
# dequoted here, without eval), quoted for where it stands. No loop over the names: one
# expansion marks the matches with \001, one empties the others, word splitting on newlines
# drops those, and the quoted form is cut from behind the \002.
__awscli_sso_ext_complete_profiles() {
    builtin local - typed="$1" prefix='' quote='' c i IFS=$'\n' mark=$'\001'
    builtin local -a found
    builtin set -f
    for ((i = 0; i < ${#typed}; i++)); do
        c=${typed:i:1}
        if [[ $quote == "'" ]]; then
            if [[ $c == "'" ]]; then quote=''; else prefix+=$c; fi
        elif [[ $c == \\ ]]; then
            i=$((i + 1)) c=${typed:i:1}
            [[ $quote == '"' && $c != [\$\`\"\\] ]] && prefix+=\\
            prefix+=$c
        elif [[ $c == [\'\"] && (-z $quote || $c == "$quote") ]]; then
            if [[ -z $quote ]]; then quote=$c; else quote=''; fi
        else
            prefix+=$c
        fi
    done
    __awscli_sso_ext_profile_names
    if [[ -z $prefix$quote ]]; then
        COMPREPLY=("${__awscli_sso_ext_profiles_q[@]}")
        builtin return 0
    elif [[ -z $prefix ]]; then
        found=("${__awscli_sso_ext_profiles_rq[@]}")
    else
        found=("${__awscli_sso_ext_profiles_rq[@]/#"$prefix"/"$mark"}")
        found=("${found[@]/#[!"$mark"]*/}")
        # shellcheck disable=SC2206 # splitting is the point; no globbing (set -f)
        found=(${found[*]})
        found=("${found[@]/#"$mark"/"$prefix"}")
    fi
    case $quote in
        '') COMPREPLY=("${found[@]#*$'\002'}") ;;
        "'")
            found=("${found[@]%%$'\002'*}")
            COMPREPLY=("${found[@]//\'/\'\\\'\'}")
            ;;
        *)
            found=("${found[@]%%$'\002'*}")
            found=("${found[@]//\\/\\\\}")
            found=("${found[@]//\$/\\\$}")
            found=("${found[@]//\`/\\\`}")
            COMPREPLY=("${found[@]//\"/\\\"}")
            ;;
    esac
}

# COMPREPLY: the words in "${@:2}" that start with $1 (our options, formats, commands).
__awscli_sso_ext_complete_words() {
    builtin local prefix="$1" word
    builtin shift
    for word in "$@"; do
        [[ $word != "$prefix"* ]] || COMPREPLY+=("$word")
    done
}

# COMPREPLY from the delegate: the completion function or command registered for `aws`
# before ours (remembered at the first prompt), or else the CLI's own `aws_completer`: next
# to the `aws` on PATH, in the libexec folder beside it (Debian's v2), or on PATH.
__awscli_sso_ext_complete_delegate() {
    builtin local completer="${__awscli_sso_ext_delegate_command-}" aws=''
    builtin local -a lines
    if [[ -n ${__awscli_sso_ext_delegate_function-} ]]; then
        "$__awscli_sso_ext_delegate_function" "$@"
        builtin return
    fi
    if [[ -z $completer ]]; then
        # `hash` finds the path without a subshell; BASH_CMDS holds what it found.
        ! builtin hash aws 2>/dev/null || aws=${BASH_CMDS[aws]-}
        if [[ -n $aws && -x ${aws%/*}/aws_completer ]]; then
            completer=${aws%/*}/aws_completer
        elif [[ -n $aws && -x ${aws%/*/*}/libexec/aws_completer ]]; then
            completer=${aws%/*/*}/libexec/aws_completer
        elif builtin hash aws_completer 2>/dev/null; then
            completer=${BASH_CMDS[aws_completer]}
        else
            builtin return 0
        fi
        builtin printf -v completer '%q' "$completer"
    fi
    # What `complete -C` does: the command (shell code) with the command name, the word and
    # the word before as arguments, COMP_LINE and COMP_POINT in its environment.
    builtin mapfile -t lines < <(COMP_LINE=$COMP_LINE COMP_POINT=$COMP_POINT \
        COMP_TYPE=${COMP_TYPE-} COMP_KEY=${COMP_KEY-} builtin eval "$completer" '"$@"' 2>/dev/null)
    COMPREPLY+=("${lines[@]}")
}

# The completion function for `aws` (complete -F): $2 is the word being completed, $3 the
# one before; COMP_WORDS and COMP_CWORD say where.
__awscli_sso_ext_complete() {
    builtin local cword=${COMP_CWORD:-0} typed prev='' command='' positional=0 i word
    typed=${COMP_WORDS[cword]-}
    ((cword < 1)) || prev=${COMP_WORDS[cword - 1]}
    if [[ $prev == = && $cword -ge 2 && ${COMP_WORDS[cword - 2]} == --profile ]]; then
        prev=--profile
    fi
    # The command (first word that is no global option or value) and positional words after.
    for ((i = 1; i < cword; i++)); do
        word=${COMP_WORDS[i]}
        case $word in
            --region | --profile | --output | --endpoint-url | --query | --color | --ca-bundle | \
                --cli-read-timeout | --cli-connect-timeout | --cli-binary-format | --format)
                i=$((i + 1))
                ;;
            -*) ;;
            *)
                if [[ -z $command ]]; then
                    command=$word
                else
                    positional=$((positional + 1))
                fi
                ;;
        esac
    done
    COMPREPLY=()
    if [[ $prev == --profile ]] ||
        [[ $command == sso-switch && $positional == 0 && $typed != -* ]]; then
        __awscli_sso_ext_complete_profiles "$typed"
    elif [[ $command == sso-env && $prev == --format ]]; then
        __awscli_sso_ext_complete_words "$typed" bash zsh fish powershell dotenv json process
    elif [[ $command == sso-status && $prev == --output ]]; then
        __awscli_sso_ext_complete_words "$typed" table json text
    elif [[ $command == sso-switch && $typed == -* ]]; then
        __awscli_sso_ext_complete_words "$typed" --unset --verify --no-login --no-browser \
            --use-device-code
    elif [[ $command == sso-env && $typed == -* ]]; then
        __awscli_sso_ext_complete_words "$typed" --profile --format --credentials --unset \
            --no-login --no-browser --use-device-code
    elif [[ $command == sso-status && $typed == -* ]]; then
        __awscli_sso_ext_complete_words "$typed" --profile --output
    elif [[ -z $command && $typed != -* ]]; then
        __awscli_sso_ext_complete_delegate "$@"
        for word in sso-switch sso-env sso-status; do
            [[ $word == "$typed"* && " ${COMPREPLY[*]} " != *" $word "* ]] ||
                builtin continue
            COMPREPLY+=("$word")
        done
    else
        __awscli_sso_ext_complete_delegate "$@"
    fi
}
