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
            $rest = @($Words | Select-Object -Skip ($index + 1) | ForEach-Object { [string] $_ })
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
    Get-Command -Name 'aws' -CommandType Application -TotalCount 1 -ErrorAction Stop
}

# Capture, check, then Invoke-Expression: the code runs whole and only when $LASTEXITCODE is
# 0, so a failed switch (unknown profile, refused login, Ctrl-C) leaves every variable as it
# was. AWS_SSO_EXT_SHELL and the console's output encoding (the plugin writes UTF-8) are set
# for this one command and restored however it ends.
function global:__awscli_sso_ext_switch {
    param([object[]] $Words)
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
            Remove-Item -LiteralPath 'Env:AWS_SSO_EXT_SHELL' -ErrorAction SilentlyContinue
        } else {
            $env:AWS_SSO_EXT_SHELL = $savedShell
        }
    }
    if ($LASTEXITCODE -ne 0) { return }
    $text = @($code) -join [Environment]::NewLine
    if ($text) { Invoke-Expression -Command $text }
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

# --- Prompt segment (issue 5) ---------------------------------------------------------
# Reserved: __awscli_sso_ext_prompt and an opt-in wrapper around `prompt`, installed once
# behind a guard, restoring $? and $LASTEXITCODE last.

# --- Profile completion (issue 6) -----------------------------------------------------
# Reserved: Register-ArgumentCompleter for profile names after `sso-switch`, `sso-env`
# and `--profile`.

# To load this hook in every new PowerShell, add this line to your $PROFILE
# (`aws-sso-ext hook powershell` prints it with this file's installed path):
#
#     . /path/to/awscli-sso-ext.ps1
