# awscli-sso-ext shell hook for PowerShell (pwsh 7 and Windows PowerShell 5.1).
#
# `aws sso-switch PROFILE` is a program, and a program can't change the shell that started
# it. So this file defines a function named `aws` that stands in front of the real `aws`
# (the first application of that name on PATH: aws.exe, aws.cmd or the aws script): for
# `aws sso-switch ...` it runs the real command with AWS_SSO_EXT_SHELL=powershell (so the
# plugin prints PowerShell code on stdout), and runs that code with Invoke-Expression only
# when $LASTEXITCODE says the command succeeded. Everything else - every other command, its
# arguments, pipeline input, output and $LASTEXITCODE - goes to the real `aws` untouched.
# Messages, login URLs and prompts are on stderr and the console, which are never captured.
#
# Load it by dot-sourcing it from your $PROFILE (the exact line is at the end of this file,
# and `aws-sso-ext hook powershell` prints it):
#
#     . /path/to/awscli-sso-ext.ps1
#
# Promises: dot-sourcing starts no process and prints nothing; doing it again only
# redefines the same functions (the `aws` function never captures an earlier `aws`, so it
# can't wrap itself); everything private is named __awscli_sso_ext_*. The plugin quotes
# every value in single quotes (doubling every kind of single quote), so nothing in a
# profile name is expanded. This file is pure ASCII, so Windows PowerShell 5.1 reads it
# the same whatever the code page.

# Guard: run as a script (`pwsh -File awscli-sso-ext.ps1`, `& ./awscli-sso-ext.ps1`), it
# could only change a scope that ends straight away. Only dot-sourcing defines anything.
if ($MyInvocation.InvocationName -ne '.') {
    [Console]::Error.WriteLine('awscli-sso-ext: this file must be dot-sourced into PowerShell, not run.')
    [Console]::Error.WriteLine('Add this line to your $PROFILE, then open a new shell:')
    [Console]::Error.WriteLine('    . ' + $PSCommandPath)
    exit 2
}

# Global options of the AWS CLI that take a value: skipping them (and their value) finds
# the command in `aws --region eu-west-1 sso-switch prod`. Any other word starting with `-`
# is a flag (--debug, --no-verify-ssl, --no-paginate, --no-sign-request, --no-cli-pager,
# --region=VALUE ...). Comparisons are case-sensitive, like the CLI's own parser.
#
# True when the arguments ask for `sso-switch`, and not for its help or the version:
# `aws sso-switch help` prints a manual page on stdout, which must never reach
# Invoke-Expression.
function global:__awscli_sso_ext_is_switch {
    param([object[]] $Words)
    $takesValue = @(
        '--region', '--profile', '--output', '--endpoint-url', '--query', '--color',
        '--ca-bundle', '--cli-read-timeout', '--cli-connect-timeout', '--cli-binary-format'
    )
    $index = 0
    while ($index -lt $Words.Count) {
        $word = [string] $Words[$index]
        if ($takesValue -ccontains $word) {
            if ($index + 1 -ge $Words.Count) { return $false }
            $index += 2
        } elseif ($word -ceq '--version') {
            return $false
        } elseif ($word.StartsWith('-')) {
            $index += 1
        } elseif ($word -ceq 'sso-switch') {
            $rest = @($Words | Microsoft.PowerShell.Utility\Select-Object -Skip ($index + 1) | Microsoft.PowerShell.Core\ForEach-Object { [string] $_ })
            return -not (($rest -ccontains 'help') -or ($rest -ccontains '--version'))
        } else {
            return $false
        }
    }
    return $false
}

# The real aws, found on each call (a virtual environment may change PATH): an application,
# never this function or an alias.
function global:__awscli_sso_ext_real_aws {
    Microsoft.PowerShell.Core\Get-Command -Name 'aws' -CommandType Application -TotalCount 1 -ErrorAction Stop
}

# Capture, check, then Invoke-Expression: the code runs whole and only when $LASTEXITCODE is
# 0, so a failed switch (unknown profile, refused login, Ctrl-C) leaves every variable as it
# was. AWS_SSO_EXT_SHELL and the console's output encoding (the plugin writes UTF-8) are set
# for this one command and restored however it ends. `aws sso-switch PROFILE`, `-` and
# `--unset`, with nothing else on the line, first ask the index (no process when it proves
# the plugin would print the code it holds); AWS_SSO_SWITCH_FAST=0 always runs the plugin.
function global:__awscli_sso_ext_switch {
    param([object[]] $Words)
    $text = $null
    $__awscli_sso_ext_previous = $null
    if ($Words.Count -eq 2 -and [string] $Words[0] -ceq 'sso-switch' -and $env:AWS_SSO_SWITCH_FAST -cne '0') {
        $fast = __awscli_sso_ext_switch_code ([string] $Words[1])
        if ($null -ne $fast) {
            $text = $fast.Code
            $__awscli_sso_ext_previous = $fast.Previous
        }
    }
    if ($null -eq $text) {
        $real = __awscli_sso_ext_real_aws
        $savedShell = $env:AWS_SSO_EXT_SHELL
        $savedEncoding = [Console]::OutputEncoding
        $code = $null
        try {
            $env:AWS_SSO_EXT_SHELL = 'powershell'
            try { [Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false) } catch { }
            $code = & $real @Words
        } finally {
            try { [Console]::OutputEncoding = $savedEncoding } catch { }
            if ($null -eq $savedShell) {
                Microsoft.PowerShell.Management\Remove-Item -LiteralPath 'Env:AWS_SSO_EXT_SHELL' -ErrorAction SilentlyContinue
            } else {
                $env:AWS_SSO_EXT_SHELL = $savedShell
            }
        }
        if ($LASTEXITCODE -ne 0) { return }
        $text = @($code) -join [Environment]::NewLine
    }
    if ($text) { Microsoft.PowerShell.Utility\Invoke-Expression -Command $text }
}

function global:aws {
    if (__awscli_sso_ext_is_switch $args) {
        __awscli_sso_ext_switch $args
        return
    }
    $real = __awscli_sso_ext_real_aws
    if ($MyInvocation.ExpectingInput) {
        $input | & $real @args
    } else {
        & $real @args
    }
}

# Whether $Path is ours, a folder or a file as $Folder says, no link, and writable by no one
# else (pwsh 7.3 and later on Linux and macOS: UnixFileMode and User; anywhere else, false).
function global:__awscli_sso_ext_private {
    param([string] $Path, [bool] $Folder)
    $item = Microsoft.PowerShell.Management\Get-Item -LiteralPath $Path -Force -ErrorAction SilentlyContinue
    if ($null -eq $item -or $item.LinkType -or $item.PSIsContainer -ne $Folder) { return $false }
    if ($null -eq $item.UnixFileMode -or $item.User -cne [Environment]::UserName) { return $false }
    return (([int] $item.UnixFileMode) -band 18) -eq 0 # 18: written by the group (16) or others (2)
}

# Whether the file $Newer was written after the file $Older.
function global:__awscli_sso_ext_newer {
    param([string] $Newer, [string] $Older)
    $a = Microsoft.PowerShell.Management\Get-Item -LiteralPath $Newer -Force -ErrorAction SilentlyContinue
    $b = Microsoft.PowerShell.Management\Get-Item -LiteralPath $Older -Force -ErrorAction SilentlyContinue
    return $null -ne $a -and $null -ne $b -and $a.LastWriteTimeUtc -gt $b.LastWriteTimeUtc
}

# Whether the index $Index covers the file $Path recorded as $State (present or absent): an
# index newer than the file, or a file still absent.
function global:__awscli_sso_ext_index_covers {
    param([string] $Index, [string] $Path, [string] $State)
    if ($State -ceq 'present') {
        return (Microsoft.PowerShell.Management\Test-Path -LiteralPath $Path -PathType Leaf) -and (__awscli_sso_ext_newer $Index $Path)
    }
    return $State -ceq 'absent' -and -not (Microsoft.PowerShell.Management\Test-Path -LiteralPath $Path)
}

# The code `aws sso-switch $Target` would print now ($Target: a profile, `-` or `--unset`),
# from the index the plugin keeps in $XDG_CACHE_HOME/awscli-sso-ext (or ~/.cache/...), with
# the profile being left (the code refers to it as $__awscli_sso_ext_previous); $null when
# the index can't prove it: then the plugin runs. The rules are the bash hook's
# (awscli-sso-ext.switch.bash): ours, sealed, built for this HOME and the same config and
# credentials files and newer than both, the name found by exact (ordinal) comparison, and
# for an SSO profile an index newer than the token file and a clock at most at the last
# second at which the plugin would not log in. The index is data: only a code file runs.
function global:__awscli_sso_ext_switch_code {
    param([string] $Target)
    $home_ = $env:HOME
    if ($IsWindows -or $PSVersionTable.PSEdition -ceq 'Desktop' -or -not $home_ -or -not $home_.StartsWith('/')) { return $null }
    $current = $env:AWS_PROFILE
    if (-not $current) { $current = $env:AWS_DEFAULT_PROFILE }
    if ($Target -ceq '--unset') {
        $name = ''
    } elseif ($Target -ceq '-') {
        $name = $env:AWS_SSO_EXT_PREVIOUS_PROFILE
        if (-not $name) { return $null }
    } elseif (-not $Target -or $Target.StartsWith('-')) {
        return $null
    } else {
        $name = $Target
    }
    $folder = $env:XDG_CACHE_HOME
    if (-not $folder -or -not $folder.StartsWith('/')) { $folder = $home_ + '/.cache' }
    $folder = $folder + '/awscli-sso-ext'
    $index = $folder + '/switch.ps1'
    $seal = $folder + '/switch.seal'
    if (-not ((__awscli_sso_ext_private $folder $true) -and (__awscli_sso_ext_private $index $false) -and
            (__awscli_sso_ext_private $seal $false) -and (__awscli_sso_ext_newer $seal $index))) { return $null }
    try { $lines = [System.IO.File]::ReadAllLines($index) } catch { return $null }
    # Lines: 0-7 the header, 8 the number T of token files, T lines "last second<TAB>path",
    # the number N of names, N names, N lines "code file<TAB>token number", `end`.
    $tab = [char] 9
    $tokens = 0
    $count = 0
    if ($lines.Count -lt 11 -or -not [int]::TryParse($lines[8], [ref] $tokens) -or $tokens -lt 0 -or
        -not [int]::TryParse($lines[9 + $tokens], [ref] $count) -or $count -lt 0) { return $null }
    $first = 10 + $tokens
    $config = $home_ + '/.aws/config'
    if ($null -ne $env:AWS_CONFIG_FILE) { $config = $env:AWS_CONFIG_FILE }
    $credentials = $home_ + '/.aws/credentials'
    if ($null -ne $env:AWS_SHARED_CREDENTIALS_FILE) { $credentials = $env:AWS_SHARED_CREDENTIALS_FILE }
    if ($lines.Count -ne $first + 2 * $count + 1 -or $lines[-1] -cne 'end' -or
        $lines[0] -cne 'awscli-sso-ext switch index 1' -or $lines[1] -cne 'powershell' -or
        $lines[2] -cne $home_ -or $lines[3] -cne $config -or $lines[5] -cne $credentials -or
        -not (__awscli_sso_ext_index_covers $index $config $lines[4]) -or
        -not (__awscli_sso_ext_index_covers $index $credentials $lines[6])) { return $null }
    $file = $lines[7]
    $number = 0
    if ($name) {
        if ($count -eq 0) { return $null }
        $at = [Array]::IndexOf([string[]] $lines[$first..($first + $count - 1)], [string] $name)
        if ($at -lt 0) { return $null }
        $data = $lines[$first + $count + $at].Split($tab, 2)
        $file = $data[0]
        if ($data.Count -ne 2 -or -not [int]::TryParse($data[1], [ref] $number)) { return $null }
    }
    if ($number -ne 0) {
        if ($number -lt 1 -or $number -gt $tokens) { return $null }
        $login = $lines[8 + $number].Split($tab, 2)
        $until = [long] 0
        if ($login.Count -ne 2 -or -not [long]::TryParse($login[0], [ref] $until) -or
            -not (Microsoft.PowerShell.Management\Test-Path -LiteralPath $login[1] -PathType Leaf) -or
            -not (__awscli_sso_ext_newer $index $login[1]) -or
            [DateTimeOffset]::UtcNow.ToUnixTimeSeconds() -gt $until) { return $null }
    }
    if ($file -cnotmatch '^code-[0-9a-f]+$') { return $null }
    $file = $folder + '/' + $file
    if (-not ((__awscli_sso_ext_private $file $false) -and (__awscli_sso_ext_newer $seal $file))) { return $null }
    try { $code = [System.IO.File]::ReadAllText($file) } catch { return $null }
    if (-not $code.EndsWith([string] [char] 10)) { return $null }
    if ($current -and $current -cne $name) {
        $code += '$env:AWS_SSO_EXT_PREVIOUS_PROFILE = $__awscli_sso_ext_previous' + [char] 10
    } elseif (-not $name) {
        $code += 'Remove-Item -LiteralPath Env:AWS_SSO_EXT_PREVIOUS_PROFILE -ErrorAction SilentlyContinue' + [char] 10
    }
    return @{ Code = $code; Previous = $current }
}

# --- Prompt segment -------------------------------------------------------------------
# `aws_sso_prompt` returns the segment (profile, role@account, region, time left of the SSO
# session) and sets $env:AWS_SSO_PROMPT (with colours), $env:AWS_SSO_PROMPT_TEXT (without)
# and $env:AWS_SSO_PROMPT_STATE (ok, warn, expired, renews, plain for no SSO, or nothing
# for no profile), so a prompt function or starship can show it. docs/prompt.md lists the
# options; the look and the meaning are the bash hook's. PowerShell runs .NET in process:
# the clock, the file read and the date parsing start no process.
#
# AWS_SSO_PROMPT_AUTO=1 when this file is dot-sourced: `prompt` is wrapped once (a guard
# variable keeps the user's own prompt, so dot-sourcing again can't wrap the wrapper) to
# put the segment in front of it, and $? and $LASTEXITCODE are put back as they were, the
# user's prompt seeing them too.
#
# Names are data: control characters are stripped, and the text is returned, never
# expanded or run. The time is read from the token cache file at each render, so a login in
# another terminal shows at once; a half-written file keeps the last good value.

# Epoch seconds of an ISO 8601 time (the CLI's `2024-01-31T12:00:00Z`, with fractional
# seconds, `+00:00`-style offsets or `UTC` tolerated), or $null.
function global:__awscli_sso_ext_epoch_of {
    param([string] $Text)
    $pattern = '^(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.\d+)? *(Z|z|UTC|[+-]\d\d:?\d\d|)$'
    $found = [regex]::Match($Text, $pattern)
    if (-not $found.Success) { return $null }
    $g = $found.Groups
    $offset = [TimeSpan]::Zero
    $zone = $g[7].Value -replace ':', ''
    if ($zone.Length -eq 5) {
        $offset = [TimeSpan]::new([int] $zone.Substring(1, 2), [int] $zone.Substring(3, 2), 0)
        if ($zone[0] -eq '-') { $offset = $offset.Negate() }
    }
    try {
        $moment = [DateTimeOffset]::new([int] $g[1].Value, [int] $g[2].Value, [int] $g[3].Value,
            [int] $g[4].Value, [int] $g[5].Value, [int] $g[6].Value, $offset)
        return $moment.ToUnixTimeSeconds()
    } catch {
        return $null
    }
}

# The string value of field $Name of the token text $Json, or $null.
function global:__awscli_sso_ext_json_field {
    param([string] $Json, [string] $Name)
    $quote = [string] [char] 34
    $pattern = $quote + [regex]::Escape($Name) + $quote + '\s*:\s*' + $quote + '([^' + $quote + ']*)' + $quote
    $found = [regex]::Match($Json, $pattern)
    if ($found.Success) { return $found.Groups[1].Value }
    return $null
}

# The active login's expiry (epoch seconds, or $null when the token file is gone, e.g.
# after `aws sso logout`) and until when it renews itself (0: never), as a two-element
# array. A torn read (no closing brace yet: AWS CLI v2 writes in place) keeps the last good
# values of the file.
function global:__awscli_sso_ext_token_times {
    $file = $env:AWS_SSO_EXT_TOKEN_FILE
    $expires = $env:AWS_SSO_EXT_EXPIRATION
    $registration = $null
    if ($file) {
        if (-not [System.IO.File]::Exists($file)) { return @($null, 0) }
        $json = ''
        try { $json = [System.IO.File]::ReadAllText($file) } catch { $json = '' }
        $whole = $json -match '\}\s*$'
        $expiresAt = $null
        if ($whole) { $expiresAt = __awscli_sso_ext_json_field $json 'expiresAt' }
        if ($null -ne $expiresAt) {
            $expires = $expiresAt
            $session = [string] $env:AWS_SSO_EXT_SESSION
            if ($session -and -not $session.Contains('://') -and
                (__awscli_sso_ext_json_field $json 'refreshToken') -and
                (__awscli_sso_ext_json_field $json 'clientId') -and
                (__awscli_sso_ext_json_field $json 'clientSecret')) {
                $registration = __awscli_sso_ext_json_field $json 'registrationExpiresAt'
            }
        } elseif ($global:__awscli_sso_ext_token_file -eq $file) {
            return $global:__awscli_sso_ext_token_times
        }
        $json = $null
    }
    $expiry = __awscli_sso_ext_epoch_of ([string] $expires)
    $renewsUntil = 0
    if ($null -ne $expiry -and $null -ne $registration) {
        $until = __awscli_sso_ext_epoch_of $registration
        if ($null -ne $until) { $renewsUntil = $until }
    }
    $global:__awscli_sso_ext_token_file = $file
    $global:__awscli_sso_ext_token_times = @($expiry, $renewsUntil)
    return @($expiry, $renewsUntil)
}

# One SGR colour (`1;33`) as terminal bytes; nothing unless digits and semicolons (so no
# variable can smuggle other escapes in), or when NO_COLOR is set.
function global:__awscli_sso_ext_colour {
    param([string] $Sgr)
    if (-not $Sgr -or $Sgr -notmatch '^[0-9;]+$' -or $env:NO_COLOR) { return '' }
    return [string] [char] 27 + '[' + $Sgr + 'm'
}

# An environment variable's value, or $Default when it is not set at all.
function global:__awscli_sso_ext_option {
    param([string] $Name, [string] $Default)
    $item = Microsoft.PowerShell.Management\Get-Item -LiteralPath ('Env:' + $Name) -ErrorAction SilentlyContinue
    if ($null -eq $item) { return $Default }
    return [string] $item.Value
}

# Sets $env:AWS_SSO_PROMPT, $env:AWS_SSO_PROMPT_TEXT and $env:AWS_SSO_PROMPT_STATE from
# the environment.
function global:__awscli_sso_ext_prompt_render {
    $control = '[\x00-\x1f\x7f-\x9f]'
    $awsProfile = [string] $env:AWS_PROFILE
    $state = 'plain'
    $left = ''
    if (-not $awsProfile) {
        $env:AWS_SSO_PROMPT = ''
        $env:AWS_SSO_PROMPT_TEXT = ''
        $env:AWS_SSO_PROMPT_STATE = ''
        return
    }
    if ($env:AWS_SSO_EXT_TOKEN_FILE -or $env:AWS_SSO_EXT_EXPIRATION) {
        $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
        $times = __awscli_sso_ext_token_times
        $expiry = $times[0]
        $renewsUntil = $times[1]
        $warn = __awscli_sso_ext_option 'AWS_SSO_PROMPT_WARN_MINUTES' '15'
        if ($warn -notmatch '^[0-9]+$') { $warn = '15' }
        $warn = [long] $warn * 60
        $seconds = 0
        if ($null -ne $expiry) { $seconds = $expiry - $now }
        if ($renewsUntil -gt $now) {
            $state = 'renews'
            $left = __awscli_sso_ext_option 'AWS_SSO_PROMPT_RENEWS_TEXT' 'renews'
        } elseif ($null -eq $expiry -or $seconds -le 0) {
            $state = 'expired'
            $left = __awscli_sso_ext_option 'AWS_SSO_PROMPT_EXPIRED_TEXT' 'expired'
        } elseif ($seconds -lt $warn) {
            $state = 'warn'
        } else {
            $state = 'ok'
        }
        if ($seconds -gt 0 -and $state -ne 'expired') {
            $s = [long] $seconds
            if ($s -ge 86400) {
                $left = [string] [math]::Floor($s / 86400) + 'd' + [math]::Floor(($s % 86400) / 3600) + 'h'
            } elseif ($s -ge 3600) {
                $left = [string] [math]::Floor($s / 3600) + 'h' + [math]::Floor(($s % 3600) / 60) + 'm'
            } elseif ($s -ge 60) {
                $left = [string] [math]::Floor($s / 60) + 'm'
            } else {
                $left = '<1m'
            }
            if ($state -eq 'renews') { $left += __awscli_sso_ext_option 'AWS_SSO_PROMPT_RENEWS_MARK' '+' }
        }
    }
    $escape = [string] [char] 27
    $base = __awscli_sso_ext_colour (__awscli_sso_ext_option 'AWS_SSO_PROMPT_COLOR' '')
    $reset = ''
    if ($base) { $reset = $escape + '[0m' }
    $defaults = @{ ok = '32'; warn = '33'; expired = '1;31'; renews = '36' }
    $sgr = ''
    if ($defaults.ContainsKey($state)) {
        $name = 'AWS_SSO_PROMPT_COLOR_' + $state.ToUpperInvariant()
        $sgr = __awscli_sso_ext_colour (__awscli_sso_ext_option $name $defaults[$state])
    }
    # The format: {name} fields between literal text. The text before a field shows only
    # when the field is not empty, so `{role}@{account}` vanishes for a profile without SSO;
    # the text before the first field and after the last always shows.
    $rest = __awscli_sso_ext_option 'AWS_SSO_PROMPT_FORMAT' '{profile} {role}@{account} {region} {left}'
    $text = ''
    $prompt = ''
    $first = $true
    while ($true) {
        $open = $rest.IndexOf('{')
        if ($open -lt 0) {
            $rest = $rest -replace $control, ''
            $text += $rest
            $prompt += $rest
            break
        }
        $literal = $rest.Substring(0, $open)
        $close = $rest.IndexOf('}', $open)
        if ($close -lt 0) {
            $rest = $rest -replace $control, ''
            $text += $rest
            $prompt += $rest
            break
        }
        $key = $rest.Substring($open + 1, $close - $open - 1)
        $rest = $rest.Substring($close + 1)
        switch -CaseSensitive ($key) {
            'profile' { $value = $awsProfile }
            'role' { $value = [string] $env:AWS_SSO_EXT_ROLE }
            'account' { $value = [string] $env:AWS_SSO_EXT_ACCOUNT }
            'region' {
                $value = [string] $env:AWS_REGION
                if (-not $value) { $value = [string] $env:AWS_DEFAULT_REGION }
            }
            'left' { $value = $left }
            default { $value = '{' + $key + '}' }
        }
        $value = $value -replace $control, ''
        if ($value -or $first) {
            $literal = $literal -replace $control, ''
            $text += $literal
            $prompt += $literal
        }
        $first = $false
        if (-not $value) { continue }
        $text += $value
        if ($key -ceq 'left' -and $sgr) {
            $prompt += $sgr + $value + $escape + '[0m' + $base
        } else {
            $prompt += $value
        }
    }
    $env:AWS_SSO_PROMPT_TEXT = $text
    $env:AWS_SSO_PROMPT = $base + $prompt + $reset
    $env:AWS_SSO_PROMPT_STATE = $state
}

# Renders and returns the segment as $env:AWS_SSO_PROMPT holds it (`-Text`: plain), for a
# prompt function: `function prompt { (aws_sso_prompt) + ' PS ' + $PWD + '> ' }`.
# $LASTEXITCODE is left as it was.
function global:aws_sso_prompt {
    param([switch] $Text)
    $savedExitCode = $global:LASTEXITCODE
    try {
        __awscli_sso_ext_prompt_render
    } finally {
        $global:LASTEXITCODE = $savedExitCode
    }
    if ($Text) { return [string] $env:AWS_SSO_PROMPT_TEXT }
    return [string] $env:AWS_SSO_PROMPT
}

# The wrapped prompt (AWS_SSO_PROMPT_AUTO=1): the segment, then the user's own prompt,
# which sees $? and $LASTEXITCODE as the last command left them; both are put back last.
function global:__awscli_sso_ext_prompt {
    $savedStatus = $global:?
    $savedExitCode = $global:LASTEXITCODE
    $segment = ''
    try { $segment = aws_sso_prompt } catch { $segment = '' }
    $global:LASTEXITCODE = $savedExitCode
    if ($savedStatus) { 1 | Microsoft.PowerShell.Core\Out-Null } else { Microsoft.PowerShell.Utility\Write-Error '' -ErrorAction 'Ignore' }
    $mine = & $global:__awscli_sso_ext_user_prompt
    $global:LASTEXITCODE = $savedExitCode
    $line = (@($mine) | Microsoft.PowerShell.Core\ForEach-Object { [string] $_ }) -join ''
    if ($segment) { $line = $segment + ' ' + $line }
    if ($savedStatus) { 1 | Microsoft.PowerShell.Core\Out-Null } else { Microsoft.PowerShell.Utility\Write-Error '' -ErrorAction 'Ignore' }
    return $line
}

# Wrapped once: the guard variable holds the user's prompt from the first time on.
if ($env:AWS_SSO_PROMPT_AUTO -eq '1' -and $null -eq $global:__awscli_sso_ext_user_prompt) {
    $global:__awscli_sso_ext_user_prompt = $function:prompt
    if ($null -eq $global:__awscli_sso_ext_user_prompt) {
        $global:__awscli_sso_ext_user_prompt = { 'PS ' + $PWD.Path + '> ' }
    }
    Microsoft.PowerShell.Management\Set-Item -Path 'Function:global:prompt' -Value $function:__awscli_sso_ext_prompt
}

# --- Profile completion ---------------------------------------------------------------
# TAB after `aws sso-switch`, `aws sso-env --profile` or `aws ANYTHING --profile` lists the
# profiles botocore sees: `[default]` and `[profile NAME]` of AWS_CONFIG_FILE (NAME split
# shell-style like botocore: `[profile 'my team']` is `my team`; a header it can't split,
# or with more words, is no profile) and every section of AWS_SHARED_CREDENTIALS_FILE;
# never `[sso-session ...]`, `[services ...]`, `[plugins]` or `[DEFAULT]`. Our options and
# the --format and sso-status --output values complete too, `aws sso-<TAB>` adds
# sso-switch, sso-env and sso-status, and everything else goes to the CLI's own
# aws_completer (next to the aws on PATH), as the AWS CLI's documented PowerShell completer
# does. Names are read with .NET, no process; a SHA-256 of both files' text is the cache
# key; each name is inserted single-quoted when it needs quotes (every kind of single quote
# doubled). Registering replaces any earlier native completer for aws, so dot-source this file after such a line. To complete aws-sso-ext
# itself (argcomplete), add to your $PROFILE:
#
#     register-python-argcomplete --shell powershell aws-sso-ext | Out-String | Invoke-Expression

# Python's shlex.split of $Text (posix mode, no comments); $null where shlex raises.
function global:__awscli_sso_ext_shlex_split {
    param([string] $Text)
    $words = [System.Collections.Generic.List[string]]::new()
    $word = [System.Text.StringBuilder]::new()
    $quote = [char] 0
    $have = $false
    $backslash = [char] 92
    $single = [char] 39
    $double = [char] 34
    for ($i = 0; $i -lt $Text.Length; $i++) {
        $c = $Text[$i]
        if ($quote -eq $single) {
            if ($c -eq $single) { $quote = [char] 0 } else { [void] $word.Append($c) }
        } elseif ($quote -eq $double) {
            if ($c -eq $double) {
                $quote = [char] 0
            } elseif ($c -eq $backslash -and $i + 1 -lt $Text.Length -and ($Text[$i + 1] -eq $double -or $Text[$i + 1] -eq $backslash)) {
                $i++
                [void] $word.Append($Text[$i])
            } else {
                [void] $word.Append($c)
            }
        } elseif ($c -eq [char] 32 -or $c -eq [char] 9 -or $c -eq [char] 13 -or $c -eq [char] 10) {
            if ($have) { $words.Add($word.ToString()) }
            [void] $word.Clear()
            $have = $false
        } elseif ($c -eq $single -or $c -eq $double) {
            $quote = $c
            $have = $true
        } elseif ($c -eq $backslash) {
            if ($i + 1 -ge $Text.Length) { return $null }
            $i++
            [void] $word.Append($Text[$i])
            $have = $true
        } else {
            [void] $word.Append($c)
            $have = $true
        }
    }
    if ($quote -ne [char] 0) { return $null }
    if ($have) { $words.Add($word.ToString()) }
    return ,$words.ToArray()
}

# The text of the file named by $Path (~/ expanded), or an empty string.
function global:__awscli_sso_ext_file_text {
    param([string] $Path)
    if ($Path.StartsWith('~/')) { $Path = Microsoft.PowerShell.Management\Join-Path -Path $HOME -ChildPath $Path.Substring(2) }
    try { return [System.IO.File]::ReadAllText($Path) } catch { return '' }
}

# The profile names (config first, then credentials, each once), parsed again only when
# the text of either file changed (its hash: the texts themselves are local).
function global:__awscli_sso_ext_profiles {
    $config = $env:AWS_CONFIG_FILE
    if (-not $config) { $config = Microsoft.PowerShell.Management\Join-Path -Path $HOME -ChildPath '.aws/config' }
    $credentials = $env:AWS_SHARED_CREDENTIALS_FILE
    if (-not $credentials) { $credentials = Microsoft.PowerShell.Management\Join-Path -Path $HOME -ChildPath '.aws/credentials' }
    $configText = __awscli_sso_ext_file_text $config
    $credentialsText = __awscli_sso_ext_file_text $credentials
    # The cache key is a SHA-256 of both texts, never the texts: no key, token or other
    # text of the files stays in a variable once the TAB is over.
    $sha = [System.Security.Cryptography.SHA256]::Create()
    try {
        $digest = $sha.ComputeHash([System.Text.Encoding]::UTF8.GetBytes($configText + [char] 0 + $credentialsText))
    } finally {
        $sha.Dispose()
    }
    $key = [System.BitConverter]::ToString($digest)
    if ($null -ne $global:__awscli_sso_ext_profiles_key -and $global:__awscli_sso_ext_profiles_key -ceq $key) {
        return $global:__awscli_sso_ext_profiles_cache
    }
    $names = [System.Collections.Generic.List[string]]::new()
    $header = '^\[(.+)\]'
    foreach ($line in ($configText -split '\r?\n')) {
        $found = [regex]::Match($line, $header)
        if (-not $found.Success) { continue }
        $section = $found.Groups[1].Value
        $name = $null
        if ($section -ceq 'default') {
            $name = 'default'
        } elseif ($section.StartsWith('profile', [System.StringComparison]::Ordinal)) {
            $words = __awscli_sso_ext_shlex_split $section
            if ($null -ne $words -and $words.Count -eq 2) { $name = $words[1] }
        }
        if ($null -ne $name -and -not $names.Contains($name)) { $names.Add($name) }
    }
    foreach ($line in ($credentialsText -split '\r?\n')) {
        $found = [regex]::Match($line, $header)
        if (-not $found.Success) { continue }
        $name = $found.Groups[1].Value
        if ($name -cne 'DEFAULT' -and -not $names.Contains($name)) { $names.Add($name) }
    }
    $global:__awscli_sso_ext_profiles_key = $key
    $global:__awscli_sso_ext_profiles_cache = $names.ToArray()
    return $global:__awscli_sso_ext_profiles_cache
}

# A completion result for $Text, single-quoted when it holds anything PowerShell would read.
function global:__awscli_sso_ext_result {
    param([string] $Text, [string] $Kind = 'ParameterValue')
    $insert = $Text
    if ($Text -notmatch '^[A-Za-z0-9_.:/@+-]+$') {
        foreach ($quote in @([char] 39, [char] 0x2018, [char] 0x2019, [char] 0x201A, [char] 0x201B)) {
            $insert = $insert.Replace([string] $quote, [string] $quote + $quote)
        }
        $insert = [string] [char] 39 + $insert + [char] 39
    }
    [System.Management.Automation.CompletionResult]::new($insert, $Text, $Kind, $Text)
}

# The CLI's own completer for the line up to the cursor (COMP_LINE and COMP_POINT).
function global:__awscli_sso_ext_complete_delegate {
    param([string] $Line)
    $real = $null
    try { $real = __awscli_sso_ext_real_aws } catch { }
    $completer = $null
    if ($real) {
        $folder = Microsoft.PowerShell.Management\Split-Path -Path $real.Source -Parent
        $candidates = @(
            (Microsoft.PowerShell.Management\Join-Path -Path $folder -ChildPath 'aws_completer.exe'),
            (Microsoft.PowerShell.Management\Join-Path -Path $folder -ChildPath 'aws_completer'),
            (Microsoft.PowerShell.Management\Join-Path -Path (Microsoft.PowerShell.Management\Split-Path -Path $folder -Parent) -ChildPath 'libexec/aws_completer')
        )
        $completer = $candidates | Microsoft.PowerShell.Core\Where-Object { Microsoft.PowerShell.Management\Test-Path -LiteralPath $_ -PathType Leaf } | Microsoft.PowerShell.Utility\Select-Object -First 1
    }
    if (-not $completer) {
        $completer = $env:PATH -split [System.IO.Path]::PathSeparator | Microsoft.PowerShell.Core\Where-Object { $_ } |
            Microsoft.PowerShell.Core\ForEach-Object { Microsoft.PowerShell.Management\Join-Path -Path $_ -ChildPath 'aws_completer' } |
            Microsoft.PowerShell.Core\Where-Object { Microsoft.PowerShell.Management\Test-Path -LiteralPath $_ -PathType Leaf } | Microsoft.PowerShell.Utility\Select-Object -First 1
        if (-not $completer) { return }
    }
    $savedLine = $env:COMP_LINE
    $savedPoint = $env:COMP_POINT
    try {
        $env:COMP_LINE = $Line
        $env:COMP_POINT = [string] $Line.Length
        & $completer | Microsoft.PowerShell.Core\ForEach-Object { $_.TrimEnd() } | Microsoft.PowerShell.Core\Where-Object { $_ }
    } finally {
        $env:COMP_LINE = $savedLine
        $env:COMP_POINT = $savedPoint
    }
}

function global:__awscli_sso_ext_complete {
    param($WordToComplete, $CommandAst, $CursorPosition)
    $line = $CommandAst.ToString()
    if ($line.Length -gt $CursorPosition - $CommandAst.Extent.StartOffset) {
        $line = $line.Substring(0, [Math]::Max(0, $CursorPosition - $CommandAst.Extent.StartOffset))
    }
    $words = @($CommandAst.CommandElements | Microsoft.PowerShell.Utility\Select-Object -Skip 1 | Microsoft.PowerShell.Core\ForEach-Object { $_.Extent.Text })
    if ($WordToComplete -and $words.Count -gt 0) { $words = @($words | Microsoft.PowerShell.Utility\Select-Object -SkipLast 1) }
    $prefix = [string] $WordToComplete
    $typed = $prefix.Trim([char] 39, [char] 34)
    $prev = if ($words.Count -gt 0) { $words[-1] } else { '' }
    $command = ''
    $positional = 0
    $takesValue = @(
        '--region', '--profile', '--output', '--endpoint-url', '--query', '--color',
        '--ca-bundle', '--cli-read-timeout', '--cli-connect-timeout', '--cli-binary-format',
        '--format'
    )
    for ($i = 0; $i -lt $words.Count; $i++) {
        if ($takesValue -ccontains $words[$i]) { $i++ }
        elseif ($words[$i].StartsWith('-')) { }
        elseif (-not $command) { $command = $words[$i] }
        else { $positional++ }
    }
    $ours = $null
    if ($prev -ceq '--profile' -or ($command -ceq 'sso-switch' -and $positional -eq 0 -and -not $typed.StartsWith('-'))) {
        $ours = __awscli_sso_ext_profiles
    } elseif ($command -ceq 'sso-env' -and $prev -ceq '--format') {
        $ours = @('bash', 'zsh', 'fish', 'powershell', 'dotenv', 'json', 'process')
    } elseif ($command -ceq 'sso-status' -and $prev -ceq '--output') {
        $ours = @('table', 'json', 'text')
    } elseif ($command -ceq 'sso-switch' -and $typed.StartsWith('-')) {
        $ours = @('--unset', '--verify', '--no-login', '--no-browser', '--use-device-code')
    } elseif ($command -ceq 'sso-env' -and $typed.StartsWith('-')) {
        $ours = @('--profile', '--format', '--credentials', '--unset', '--no-login', '--no-browser',
            '--use-device-code')
    } elseif ($command -ceq 'sso-status' -and $typed.StartsWith('-')) {
        $ours = @('--profile', '--output')
    }
    if ($null -ne $ours) {
        $ours | Microsoft.PowerShell.Core\Where-Object { $_.StartsWith($typed, [System.StringComparison]::Ordinal) } |
            Microsoft.PowerShell.Core\ForEach-Object { __awscli_sso_ext_result $_ }
        return
    }
    $delegated = @(__awscli_sso_ext_complete_delegate $line)
    if (-not $command -and -not $typed.StartsWith('-')) {
        $delegated += @('sso-switch', 'sso-env', 'sso-status') | Microsoft.PowerShell.Core\Where-Object {
            $_.StartsWith($typed, [System.StringComparison]::Ordinal) -and $delegated -cnotcontains $_
        }
    }
    $delegated | Microsoft.PowerShell.Core\ForEach-Object { __awscli_sso_ext_result $_ 'ParameterName' }
}

Microsoft.PowerShell.Core\Register-ArgumentCompleter -Native -CommandName 'aws' -ScriptBlock {
    param($WordToComplete, $CommandAst, $CursorPosition)
    __awscli_sso_ext_complete $WordToComplete $CommandAst $CursorPosition
}

# To load this hook in every new PowerShell, add this line to your $PROFILE
# (`aws-sso-ext hook powershell` prints it with this file's installed path):
#
#     . /path/to/awscli-sso-ext.ps1
