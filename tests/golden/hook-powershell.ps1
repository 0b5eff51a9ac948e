if ($MyInvocation.InvocationName -ne '.') {
    [Console]::Error.WriteLine('awscli-sso-ext: this file must be dot-sourced into PowerShell, not run.')
    [Console]::Error.WriteLine('Add this line to your $PROFILE, then open a new shell:')
    [Console]::Error.WriteLine('    . ' + $PSCommandPath)
    exit 2
}
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
function global:__awscli_sso_ext_real_aws {
    Get-Command -Name 'aws' -CommandType Application -TotalCount 1 -ErrorAction Stop
}
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
