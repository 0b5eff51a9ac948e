"""Profile completion in real bash, zsh and fish: names, options, delegation, cost."""

from __future__ import annotations

import configparser
import json
import re
import shlex
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from conftest import (
    V1_AWS,
    hook_environment,
    hook_file,
    require,
    require_program,
    strict_command,
    traced_processes,
)
from hostile import HOSTILE_NAME, profile_header
from shell_harness import driver, hook_shell

from awscli_sso_ext import hook_spec
from awscli_sso_ext.shells import fish_quote, posix_quote

# Headers botocore reads (or ignores) in odd ways, then 1,000 ordinary profiles.
ODD_CONFIG = f"""[plugins]
sso_ext = awscli_sso_ext
[default]
region = us-east-1
[sso-session corp]
sso_start_url = https://example.awsapps.com/start
[services dev]
[profile "my team"]
region = eu-west-1
[profile 'it''s']
[profile bad name]
[profile "unclosed]
[profile trailing\\]
[profiles odd]
[DEFAULT]
[profile x[y]
[[profile bracketed]
[profile  tabbed\t]  # text after the header is ignored
key = [not a header]
{profile_header(HOSTILE_NAME)}
[profile default]
"""
MANY = "".join(
    f"[profile prof-{i}]\nsso_session = corp\nsso_account_id = 123456789012\n"
    f"sso_role_name = ReadOnly\nregion = eu-west-1\n"
    for i in range(1000)
)
CREDENTIALS = "[DEFAULT]\n[creds one]\naws_access_key_id = x\n[default]\n[my team]\n"


def botocore_names(config: str, credentials: str) -> list:
    """The names botocore sees (its build_profile_map), config first, then credentials."""
    names = []
    parser = configparser.RawConfigParser()
    parser.read_string(config)
    for section in parser.sections():
        if section.startswith("profile"):
            try:
                parts = shlex.split(section)
            except ValueError:
                continue
            if len(parts) == 2:
                names.append(parts[1])
        elif section == "default":
            names.append(section)
    parser = configparser.RawConfigParser()
    parser.read_string(credentials)
    names.extend(parser.sections())
    return list(dict.fromkeys(names))


EXPECTED = botocore_names(ODD_CONFIG + MANY, CREDENTIALS)


def test_the_fixture_is_what_botocore_reads(tmp_path):
    import botocore.configloader

    assert EXPECTED[:8] == [
        "default",
        "my team",
        "its",
        "odd",
        "x[y",
        "tabbed",
        HOSTILE_NAME,
        "prof-0",
    ]
    assert len(EXPECTED) == 1008 and EXPECTED[-1] == "creds one"
    config = tmp_path / "config"
    config.write_text(ODD_CONFIG + MANY, encoding="utf-8")
    profiles = botocore.configloader.load_config(str(config))["profiles"]
    assert sorted(profiles) == sorted(EXPECTED[:-1])


@pytest.fixture
def aws_files(home) -> dict:
    """~/.aws/config and credentials with the odd headers and 1,000 profiles."""
    folder = home / ".aws"
    folder.mkdir()
    config = folder / "config"
    config.write_text(ODD_CONFIG + MANY, encoding="utf-8")
    (folder / "credentials").write_text(CREDENTIALS, encoding="utf-8")
    return {"AWS_CONFIG_FILE": str(config), "AWS_SHARED_CREDENTIALS_FILE": "~/.aws/credentials"}


@pytest.fixture
def fake_cli(tmp_path) -> Path:
    """A folder with a stand-in `aws` and, next to it, an `aws_completer` that logs COMP_LINE
    and answers like v1's (candidates that match the last word, a space after some)."""
    folder = tmp_path / "fake-cli"
    folder.mkdir()
    (folder / "aws").write_text("#!/bin/sh\nexit 3\n")
    (folder / "aws_completer").write_text(
        '#!/bin/sh\nprintf "%s|%s\\n" "$COMP_LINE" "$COMP_POINT" >>"$HOME/completer.log"\n'
        "word=${COMP_LINE##* }\n"
        'for c in "s3 " "sso-switch " "sts"; do\n'
        '    case $c in "$word"*) printf "%s\\n" "$c" ;; esac\n'
        "done\n"
    )
    for program in folder.iterdir():
        program.chmod(0o755)
    return folder


def run_script(shell: str, script: str, env: dict, strict: bool = True) -> str:
    command = strict_command(shell) if strict else [require_program(shell), "-c"]
    if shell == "fish" and not strict:
        command = [require_program("fish"), "--no-config", "--private", "-c"]
    result = subprocess.run([*command, script], env=env, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    return result.stdout


# --- bash: the completion function called as readline would --------------------------

BASH_CALL = r"""
complete_line() {
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    __awscli_sso_ext_complete aws "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"
    printf '%s\0' "${COMPREPLY[@]}"; printf '@@\0'
}
"""


def bash_replies(env: dict, *lines: list, between: str = "") -> list:
    calls = ["complete_line " + " ".join(posix_quote(word) for word in line) for line in lines]
    if between:
        calls.insert(1, between)
    out = run_script("bash", "\n".join([driver("bash").source_line(), BASH_CALL, *calls]), env)
    answers = out.split("@@\0")[:-1]
    return [[word for word in answer.split("\0") if word] for answer in answers]


def test_bash_lists_exactly_the_profiles_botocore_sees(home, aws_files, fake_cli):
    env = hook_environment(home, fake_cli, **aws_files)
    (everything, switch, env_profile, spaces, quoted, hostile) = bash_replies(
        env,
        ["aws", "s3", "ls", "--profile", ""],
        ["aws", "sso-switch", ""],
        ["aws", "sso-env", "--profile", "prof-99"],
        ["aws", "--region", "eu-west-1", "sso-switch", "my\\ t"],
        ["aws", "sso-switch", "'my t"],
        ["aws", "sso-switch", "x\\'"],
    )
    assert everything == switch == [_bash_q(name) for name in EXPECTED]
    assert env_profile == ["prof-99", *(f"prof-99{i}" for i in range(10))]
    assert spaces == ["my\\ team"]
    assert quoted == ["my team"]  # after an opening quote readline closes it
    assert len(hostile) == 1
    # Accepted, the word means the name again, and runs nothing.
    check = run_script("bash", f"printf '%s' {hostile[0]}", env)
    assert check == HOSTILE_NAME
    assert not list(home.rglob("pwned*"))


def _bash_q(name: str) -> str:
    """What bash's printf %q gives for the names in the fixture."""
    out = subprocess.run(
        ["bash", "-c", 'printf "%q" "$1"', "-", name],
        capture_output=True,
        text=True,
        env={"LC_ALL": "C.UTF-8"},
    ).stdout
    return out


def test_bash_completes_our_options_formats_and_commands(home, aws_files, fake_cli):
    env = hook_environment(home, fake_cli, **aws_files)
    switch, sso_env, formats, commands, other, status, outputs = bash_replies(
        env,
        ["aws", "sso-switch", "--"],
        ["aws", "sso-env", "--"],
        ["aws", "sso-env", "--format", ""],
        ["aws", "sso-"],
        ["aws", "s3", "l"],
        ["aws", "sso-status", "--"],
        ["aws", "sso-status", "--output", ""],
    )
    assert switch == list(hook_spec.command_options("sso-switch"))
    assert sso_env == list(hook_spec.command_options("sso-env"))
    assert formats == list(hook_spec.option_values()[("sso-env", "--format")])
    # The CLI's completer (next to aws) answers, and sso-env and sso-status are added
    # once: sso-switch was already there.
    assert commands == ["sso-switch ", *hook_spec.COMPLETED_COMMANDS[1:]]
    assert other == []
    assert status == list(hook_spec.command_options("sso-status"))
    assert outputs == list(hook_spec.option_values()[("sso-status", "--output")])
    log = (home / "completer.log").read_text().splitlines()
    assert log == ["aws sso-|8", "aws s3 l|8"]


def test_bash_sees_an_edit_between_two_tabs(home, aws_files, fake_cli):
    env = hook_environment(home, fake_cli, **aws_files)
    config = aws_files["AWS_CONFIG_FILE"]
    edit = f"printf '[profile new one]\\n[profile \"new two\"]\\n' >> {posix_quote(config)}"
    before, after = bash_replies(
        env, ["aws", "sso-switch", "new"], ["aws", "sso-switch", "new"], between=edit
    )
    assert before == []
    assert after == ["new\\ two"]


def spawned(command: list, tmp_path: Path, env: dict) -> list:
    """The processes `command` starts, which must succeed."""
    result, processes = traced_processes(command, tmp_path, env)
    assert result.returncode == 0, result.stderr
    return processes


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completing_profile_names_starts_no_process(shell, home, aws_files, fake_cli, tmp_path):
    env = hook_environment(home, fake_cli, **aws_files)
    edit = f"printf '[profile late]\\n' >> {posix_quote(aws_files['AWS_CONFIG_FILE'])}"
    if shell == "bash":
        calls = [
            BASH_CALL,
            "complete_line aws s3 ls --profile '' >/dev/null",
            "complete_line aws sso-switch prof-9 >/dev/null",
        ]
    elif shell == "zsh":  # compadd works only inside completion: the names themselves
        calls = [
            "__awscli_sso_ext_complete_load",
            "__awscli_sso_ext_profile_names",
            "print -r -- $#__awscli_sso_ext_profiles",
        ]
    else:
        calls = ["complete -C 'aws s3 ls --profile ' >/dev/null", "complete -C 'aws sso-switch p'"]
    # Twice, around an edit made by the shell's own redirection (no process either).
    if shell == "fish":
        edit = f"printf '[profile late]\\n' >> {fish_quote(aws_files['AWS_CONFIG_FILE'])}"
    script = "\n".join([driver(shell).source_line(), *calls, edit, *calls])
    out = run_script(shell, script, env)
    if shell == "zsh":
        assert out.split() == ["1008", "1009"]
    command = [*strict_command(shell), script]
    assert spawned(command, tmp_path, env) == ["execve"]  # the shell itself


# --- zsh and fish: the names and what completion offers ------------------------------


def test_zsh_lists_exactly_the_profiles_botocore_sees(home, aws_files):
    script = "\n".join(
        [
            driver("zsh").source_line(),
            "__awscli_sso_ext_complete_load",
            "__awscli_sso_ext_profile_names",
            "print -rN -- $__awscli_sso_ext_profiles",
        ]
    )
    out = run_script("zsh", script, hook_environment(home, **aws_files))
    assert out.split("\0")[:-1] == EXPECTED


def fish_complete(env: dict, *lines: str, between: str = "") -> list:
    """What fish completes for each line; with its own completions (no --no-config, which
    would empty fish_complete_path), but no user config."""
    calls = [f"complete -C {fish_quote(line)}; printf '@@\\n'" for line in lines]
    if between:
        calls.insert(1, between)
    home = Path(env["HOME"])
    env = dict(env, XDG_CONFIG_HOME=str(home / "xdg-none"), XDG_DATA_HOME=str(home / "xdg-data"))
    result = subprocess.run(
        [
            require_program("fish"),
            "--private",
            "-c",
            "\n".join([driver("fish").source_line(), *calls]),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    out = result.stdout
    return [
        [entry.split("\t")[0] for entry in answer.splitlines() if entry]
        for answer in out.split("@@\n")[:-1]
    ]


def test_fish_lists_exactly_the_profiles_botocore_sees(home, aws_files, fake_cli):
    env = hook_environment(home, fake_cli, **aws_files)
    script = "\n".join([driver("fish").source_line(), "__awscli_sso_ext_complete profiles"])
    assert run_script("fish", script, env).splitlines() == EXPECTED
    switch, env_profile, spaces = fish_complete(
        env, "aws sso-switch my", "aws sso-env --profile prof-99", "aws s3 ls --profile my\\ t"
    )
    assert switch == ["my team"]  # fish escapes it on the line
    assert env_profile == ["prof-99", *(f"prof-99{i}" for i in range(10))]
    assert spaces == ["my team"]


def test_fish_completes_our_options_formats_commands_and_delegates(home, aws_files, fake_cli):
    env = hook_environment(home, fake_cli, **aws_files)
    switch, sso_env, formats, commands, other, outputs = fish_complete(
        env,
        "aws sso-switch --",
        "aws sso-env --",
        "aws sso-env --format ",
        "aws ss",
        "aws s3 l",
        "aws sso-status --output ",
    )
    assert set(switch) >= set(hook_spec.command_options("sso-switch"))
    assert "--credentials" not in switch
    assert set(sso_env) >= set(hook_spec.command_options("sso-env"))
    assert formats == sorted(hook_spec.option_values()[("sso-env", "--format")])
    assert set(hook_spec.COMPLETED_COMMANDS) <= set(commands)
    assert outputs == sorted(hook_spec.option_values()[("sso-status", "--output")])
    assert "ssm" in commands  # fish's own aws completion is still there
    assert other == ["ls"]  # fish's own s3 entry; the completer's answers don't match `l`
    assert "aws s3 l|8" in (home / "completer.log").read_text().splitlines()


def test_fish_sees_an_edit_between_two_tabs(home, aws_files, fake_cli):
    env = hook_environment(home, fake_cli, **aws_files)
    edit = f"printf '[profile qq-one]\\n' >> {fish_quote(aws_files['AWS_CONFIG_FILE'])}"
    before, after = fish_complete(env, "aws sso-switch qq", "aws sso-switch qq", between=edit)
    assert (before, after) == ([], ["qq-one"])


# --- Real TAB in interactive shells ---------------------------------------------------


def interactive(shell: str, home: Path, env: dict, rc_before: str = "", rc_after: str = ""):
    """hook_shell with `ready> ` as its prompt, drawn once."""
    child = hook_shell(shell, home, env, "ready> ", (rc_before,), (rc_after,), size=(50, 200))
    child.expect_exact("ready> ")
    return child


def typed_line_after_tab(child, text: str, marker: str) -> str:
    """Types `text`, TAB, then ` #marker` and Enter: the line as the shell ran it is echoed
    back by `echo`, so the candidate that was inserted is read back exactly."""
    child.send(text)
    child.send("\t")
    time.sleep(0.5)
    child.send(f" {marker}\r")
    child.expect_exact(f"<{marker}>")
    return child.before


ZSH_USUAL = "autoload -Uz compinit && compinit -u"
ZSH_BASHCOMP = "autoload bashcompinit && bashcompinit && complete -C {completer} aws"


@pytest.mark.parametrize(
    ("shell", "rc_before", "rc_after"),
    [
        ("bash", "", ""),
        ("bash", "complete -C {completer} aws", ""),
        ("bash", "", "complete -C {completer} aws"),
        ("zsh", ZSH_USUAL, ""),
        ("zsh", ZSH_USUAL, ZSH_BASHCOMP),
        ("fish", "", ""),
    ],
    ids=["bash", "bash-complete-before", "bash-complete-after", "zsh", "zsh-bashcompinit", "fish"],
)
def test_a_real_tab(shell, rc_before, rc_after, home, aws_files, fake_cli):
    completer = posix_quote(str(fake_cli / "aws_completer"))
    env = hook_environment(home, fake_cli, **aws_files)
    child = interactive(
        shell,
        home,
        env,
        rc_before.format(completer=completer),
        rc_after.format(completer=completer),
    )
    # `echo` stands in for aws on the line: `aws` would run the fake. Completion is for the
    # word `aws`, so the line is `aws ...` and the test reads it from history instead.
    show = {"bash": "fc -ln -1", "zsh": "fc -ln -1", "fish": "history --max 1"}[shell]
    results = []
    for number, text in enumerate(
        [
            "aws sso-switch my",
            "aws s3 ls --profile prof-99",
            "aws sso-env --form",
            "aws sso-sw",
            "aws sso-stat",
            "aws sso-status --output js",
        ]
    ):
        child.send(text + "\t")
        time.sleep(0.6)
        child.send(f" #m{number}\r")
        child.expect_exact("ready> ")
        child.sendline(f"{show} | sed -n 's/^.*\\(aws .*#m{number}\\)$/<\\1>/p'")
        child.expect(r"<(aws [^\r\n]*#m\d)>")
        results.append(child.match.group(1))
        child.expect_exact("ready> ")
    # The config changes between two TABs: a name added is offered at once.
    config = aws_files["AWS_CONFIG_FILE"]
    child.sendline(f"printf '[profile \"zz new\"]\\n' >> {posix_quote(config)}")
    child.expect_exact("ready> ")
    child.send("aws sso-switch zz\t")
    time.sleep(0.6)
    child.send(" #m9\r")
    child.expect_exact("ready> ")
    child.sendline(f"{show} | sed -n 's/^.*\\(aws .*#m9\\)$/<\\1>/p'")
    child.expect(r"<(aws [^\r\n]*#m9)>")
    results.append(child.match.group(1))
    child.sendline("exit")
    child.expect(pytest.importorskip("pexpect").EOF)
    # Spaces collapsed: a unique match adds one, an ambiguous one (prof-99...) none.
    assert [" ".join(result.split()) for result in results] == [
        "aws sso-switch my\\ team #m0",
        "aws s3 ls --profile prof-99 #m1",
        "aws sso-env --format #m2",
        "aws sso-switch #m3",
        "aws sso-status #m4",
        "aws sso-status --output json #m5",
        "aws sso-switch zz\\ new #m9",
    ]


# --- The real CLI's completer, argcomplete, PowerShell ---------------------------------


@pytest.mark.slow
def test_bash_adds_our_commands_to_what_v1s_completer_offers(home, aws_files):
    require(V1_AWS.exists(), "AWS CLI v1 in the test environment")
    env = hook_environment(home, **aws_files)  # this venv's aws and aws_completer first
    (commands,) = bash_replies(env, ["aws", "sso-"])
    offered = [word.strip() for word in commands]
    assert {"sso-admin", "sso-oidc", "sso-switch", "sso-env"} <= set(offered)
    assert len(offered) == len(set(offered))  # sso-switch once: the completer knew it


def test_aws_sso_ext_completes_through_argcomplete_in_a_real_bash(home):
    require_program("register-python-argcomplete")
    env = hook_environment(home)
    child = interactive(
        "bash", home, env, rc_before='eval "$(register-python-argcomplete aws-sso-ext)"'
    )
    child.send("aws-sso-ext hoo\t")
    time.sleep(1.5)
    child.send("--pri\t")
    time.sleep(1.5)
    child.send(" bash #done\r")
    child.expect_exact("ready> ")
    child.sendline("fc -ln -2 | sed -n 's/^.*\\(aws-sso-ext .*#done\\)$/<\\1>/p'")
    child.expect(r"<(aws-sso-ext [^\r\n]*#done)>")
    assert " ".join(child.match.group(1).split()) == "aws-sso-ext hook --print bash #done"
    child.sendline("exit")


def test_powershell_registers_one_native_completer_for_aws():
    text = hook_file("powershell").read_text(encoding="ascii")
    code = [
        line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    joined = "\n".join(code)
    assert joined.count("Register-ArgumentCompleter") == 1
    assert "Register-ArgumentCompleter -Native -CommandName 'aws' -ScriptBlock {" in joined
    # Names are read by .NET and quoted by doubling every kind of single quote; no process
    # starts for them (the only `&` call is the CLI's own completer, in the delegate).
    assert "[System.IO.File]::ReadAllText($Path)" in joined
    assert "[char] 39, [char] 0x2018, [char] 0x2019, [char] 0x201A, [char] 0x201B" in joined
    assert joined.count("& $completer") == 1
    assert "compgen" not in text


def test_powershell_completion_for_real(home, aws_files):
    pwsh = shutil.which("pwsh")
    if not pwsh:  # not installable on these machines, CI included; runs wherever it exists
        pytest.skip("pwsh is not installed here")
    script = (
        f". '{hook_file('powershell')}'\n"
        "$r = TabExpansion2 -inputScript 'aws sso-switch my' -cursorColumn 17\n"
        "$r.CompletionMatches | ForEach-Object { $_.CompletionText }\n"
    )
    result = subprocess.run(
        [pwsh, "-NoProfile", "-Command", script],
        env=hook_environment(home, **aws_files),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.splitlines() == ["'my team'"], result.stderr


# --- No secret of the files stays in a shell variable ----------------------------------

SECRETS = {
    "config key": "CfgSecretKey0a1b2c3d4e5f6g7h8i9j0kLmNoPqRsT",
    "static secret": "StaticSecretQ9w8e7r6t5y4u3i2o1p0aSdFgHjKl",
    "session token": "IQoJSessionTokenZ1x2c3v4b5n6m7" + "Aa0" * 60,
    "access token": "aoaAccessTokenM1n2b3v4c5x6z7" + "Bb1" * 80,
    "refresh token": "aorRefreshTokenP0o9i8u7y6t5" + "Cc2" * 70,
    "client secret": "eyJClientSecretL1k2j3h4g5f6" + "Dd3" * 90,
}


def secret_files(home: Path) -> dict:
    """Config and credentials files full of keys, and a login whose registration expiry is
    missing (so the field read last is the client secret)."""
    folder = home / ".aws"
    (folder / "sso" / "cache").mkdir(parents=True)
    config = folder / "config"
    config.write_text(
        "[sso-session my-sso]\nsso_start_url = https://d-1234567890.awsapps.com/start\n"
        "sso_region = eu-west-1\n"
        "[profile prod-admin]\nsso_session = my-sso\nsso_account_id = 123456789012\n"
        "sso_role_name = Admin\nregion = eu-west-1\n"
        f"[profile keys]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = {SECRETS['config key']}\n"
        "[profile prod-other]\nregion = us-east-1\n"
    )
    (folder / "credentials").write_text(
        f"[static]\naws_access_key_id = AKIASTATIC\naws_secret_access_key = {SECRETS['static secret']}\n"
        f"aws_session_token = {SECRETS['session token']}\n"
    )
    token = folder / "sso" / "cache" / "token.json"
    token.write_text(
        json.dumps(
            {
                "startUrl": "https://d-1234567890.awsapps.com/start",
                "region": "eu-west-1",
                "accessToken": SECRETS["access token"],
                "expiresAt": "2099-01-01T00:00:00Z",
                "clientId": "client-id",
                "clientSecret": SECRETS["client secret"],
                "refreshToken": SECRETS["refresh token"],
            }
        )
    )
    return {
        "AWS_CONFIG_FILE": str(config),
        "AWS_PROFILE": "prod-admin",
        "AWS_REGION": "eu-west-1",
        "AWS_SSO_EXT_ACCOUNT": "123456789012",
        "AWS_SSO_EXT_ROLE": "Admin",
        "AWS_SSO_EXT_SESSION": "my-sso",
        "AWS_SSO_EXT_TOKEN_FILE": str(token),
    }


def leaked(text: str) -> list:
    """The secrets of which any 12-character piece is in `text`."""
    return [
        what
        for what, secret in SECRETS.items()
        if any(secret[i : i + 12] in text for i in range(0, len(secret) - 11, 6))
    ]


DUMPS = {
    "bash": "{ declare -p; set; env; } >{out} 2>&1",
    "zsh": "{ typeset -p; set; env } >{out} 2>&1",
    "fish": "begin; set --show; set; env; end >{out} 2>&1",
}


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_no_secret_stays_in_a_shell_variable_after_tab_and_prompt(shell, home, fake_cli):
    env = hook_environment(home, fake_cli, **secret_files(home))
    child = interactive(shell, home, env, ZSH_USUAL if shell == "zsh" else "")
    dumps = []
    for number, line in enumerate(["aws sso-switch prod-", "aws s3 ls --profile s"]):
        child.send(line + "\t")
        time.sleep(0.6)
        child.send("\x15")  # Ctrl-U: the line is dropped, the completion has run
        out = home / f"dump{number}"
        child.sendline(DUMPS[shell].replace("{out}", posix_quote(str(out))))
        child.expect_exact("ready> ")
        child.sendline("true")  # a prompt in between
        child.expect_exact("ready> ")
        dumps.append(out)
    out = home / "dump-last"
    child.sendline(DUMPS[shell].replace("{out}", posix_quote(str(out))))
    child.expect_exact("ready> ")
    dumps.append(out)
    child.sendline("exit")
    child.expect(pytest.importorskip("pexpect").EOF)
    texts = [path.read_text(errors="replace") for path in dumps]
    # The dumps are real: the prompt rendered from the token file, the names were listed.
    assert all(
        "AWS_SSO_PROMPT" in text and "prod-admin Admin@123456789012" in text for text in texts
    )
    assert all("__awscli_sso_ext_profiles" in text for text in texts)
    assert [leaked(text) for text in texts] == [[], [], []]


def test_powershell_keeps_a_hash_of_the_files_not_their_text():
    code = hook_file("powershell").read_text(encoding="ascii")
    body = code[code.index("function global:__awscli_sso_ext_profiles {") :]
    body = body[: body.index("\n}\n")]
    # Only these globals are set: the key, a hash of both texts, and the names.
    assert re.findall(r"\$global:(\w+) =", body) == [
        "__awscli_sso_ext_profiles_key",
        "__awscli_sso_ext_profiles_cache",
    ]
    assert "$global:__awscli_sso_ext_profiles_key = $key" in body
    assert "$key = [System.BitConverter]::ToString($digest)" in body
    assert "[System.Security.Cryptography.SHA256]::Create()" in body
    assert re.findall(r"\$key = ", body) == ["$key = "]  # nothing else becomes the key
