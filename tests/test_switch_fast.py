"""The fast switch in real shells: the same environment as the plugin, no process, every fallback."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from aws_config import (
    PLUGINS,
    config,
    corp_session,
    legacy_profile,
    profile,
    section,
    session_profile,
)
from conftest import (
    HOOK_SHELLS,
    STALE,
    START_URL,
    V1_AWS,
    clean_environment,
    hook_environment,
    require,
    strict_command,
    traced_processes,
    write_token,
)
from hostile import HOSTILE_NAME
from shell_harness import Typist, driver, hook_shell, read_env

from awscli_sso_ext import tokens

HOSTILE_SSO = HOSTILE_NAME + " sso"
CONFIG = config(
    PLUGINS,
    section("[default]", region="us-east-1"),
    session_profile("staging", "205938475610"),
    legacy_profile("legacy", "222222222222"),
    section('[profile "my team"]', region="ap-southeast-2"),
    profile("scratch", output="json"),
    profile("=ls", region="eu-south-1"),
    profile(HOSTILE_NAME, region="eu-north-1"),
    session_profile(
        HOSTILE_SSO,
        "333333333333",
        "it's-$(touch pwned-role)",
        region="`touch pwned-region` %n",
    ),
    corp_session(),
)
CREDENTIALS = """[creds-only]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = secret
region = sa-east-1

[scratch]
region = af-south-1
"""
PROFILES = ["staging", "legacy", "my team", "scratch", "default", "=ls", "creds-only"]
PROFILES += [HOSTILE_NAME, HOSTILE_SSO]
SESSION_TOKEN = tokens.token_cache_key(START_URL, "corp") + ".json"


def prepare(home: Path) -> None:
    """The config and credentials above and both logins, valid until 2099."""
    (home / ".aws").mkdir(exist_ok=True)
    (home / ".aws" / "config").write_text(CONFIG, encoding="utf-8")
    (home / ".aws" / "credentials").write_text(CREDENTIALS, encoding="utf-8")
    write_token(home, "corp")
    write_token(home, None)


def run_plugin(home: Path, **env) -> None:
    """One real run of the plugin (AWS CLI v1), which rewrites the index."""
    require(V1_AWS.exists(), "AWS CLI v1 in the test environment")
    result = subprocess.run(
        [str(V1_AWS), "sso-env", "--profile", "my team", "--format", "json"],
        env=clean_environment(home, **env),
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode()


def index_folder(home: Path) -> Path:
    return home / ".cache" / "awscli-sso-ext"


@pytest.fixture
def stub_aws(tmp_path) -> Path:
    """A folder whose `aws` only records that it was called, and fails."""
    folder = tmp_path / "stub-bin"
    folder.mkdir()
    (folder / "aws").write_text('#!/bin/sh\necho "$*" >> "$STUB_CALLS"\nexit 97\n')
    (folder / "aws").chmod(0o755)
    return folder


@pytest.fixture
def logged_aws(tmp_path) -> Path:
    """A folder whose `aws` records that it was called, then runs the real AWS CLI v1."""
    require(V1_AWS.exists(), "AWS CLI v1 in the test environment")
    folder = tmp_path / "logged-bin"
    folder.mkdir()
    (folder / "aws").write_text(f'#!/bin/sh\necho "$*" >> "$STUB_CALLS"\nexec {V1_AWS} "$@"\n')
    (folder / "aws").chmod(0o755)
    return folder


def calls(tmp_path: Path) -> list:
    log = tmp_path / "calls.log"
    return log.read_text().splitlines() if log.exists() else []


# --- The same environment as the plugin, variable for variable ------------------------------


def unexported_profile(shell: str) -> str:
    """A shell variable AWS_PROFILE that the plugin, a child process, can't see."""
    if shell == "fish":
        return "set -e AWS_PROFILE; set -g AWS_PROFILE staging"
    return "unset AWS_PROFILE; AWS_PROFILE=staging"


def steps(shell: str) -> list:
    quoted = [driver(shell).quote(name) for name in PROFILES]
    return [
        *(f"aws sso-switch {name}" for name in quoted),
        "aws sso-switch -",
        "aws sso-switch --unset",
        "aws sso-switch -",
        "aws sso-switch --unset",
        "aws sso-switch --unset",  # nothing to leave now: the previous profile goes too
        unexported_profile(shell),
        "aws sso-switch legacy",
    ]


def replay(shell: str, rc_home: Path, env: dict, dumps: Path) -> list:
    """Runs steps() in an interactive shell, dumping the environment after each one."""
    dumps.mkdir()
    rc_home.mkdir(exist_ok=True)
    typist = Typist(hook_shell(shell, rc_home, env))
    typist.run(f"env -0 > {dumps}/start")
    for number, line in enumerate(steps(shell)):
        typist.run(line)
        typist.run(f"env -0 > {dumps}/{number}")
    typist.close()
    return [read_env(dumps / "start")] + [
        read_env(dumps / str(n)) for n in range(len(steps(shell)))
    ]


def aws_variables(env: dict) -> dict:
    return {k: v for k, v in env.items() if k.startswith("AWS_") and k != "AWS_SSO_SWITCH_FAST"}


@pytest.mark.slow
@pytest.mark.parametrize("shell", HOOK_SHELLS)
def test_a_fast_switch_leaves_the_environment_the_plugin_leaves(shell, home, tmp_path, stub_aws):
    prepare(home)
    base = hook_environment(home, STUB_CALLS=str(tmp_path / "calls.log"), **STALE)
    plugin = replay(
        shell, tmp_path / "rc-plugin", dict(base, AWS_SSO_SWITCH_FAST="0"), tmp_path / "plugin"
    )
    assert calls(tmp_path) == []
    # Every run of the plugin above rewrote the index; now any `aws` at all would fail.
    fast_env = hook_environment(home, stub_aws, STUB_CALLS=str(tmp_path / "calls.log"), **STALE)
    fast = replay(shell, tmp_path / "rc-fast", fast_env, tmp_path / "fast")
    assert calls(tmp_path) == [], "the fast path started the plugin"
    assert len(plugin) == len(fast) == len(steps(shell)) + 1
    for step, (by_plugin, by_index) in enumerate(zip(plugin, fast)):
        assert aws_variables(by_index) == aws_variables(by_plugin), (step, steps(shell)[step - 1])
        others = {k: v for k, v in by_index.items() if not k.startswith("AWS_") and k != "PATH"}
        assert others == {
            k: v for k, v in fast[0].items() if not k.startswith("AWS_") and k != "PATH"
        }
    # The plugin did what it should: a sample of the values, and nothing ran.
    hostile_sso = aws_variables(plugin[PROFILES.index(HOSTILE_SSO) + 1])
    assert hostile_sso["AWS_PROFILE"] == HOSTILE_SSO
    assert hostile_sso["AWS_REGION"] == "`touch pwned-region` %n"
    assert hostile_sso["AWS_SSO_EXT_ROLE"] == "it's-$(touch pwned-role)"
    assert hostile_sso["AWS_SSO_EXT_PREVIOUS_PROFILE"] == HOSTILE_NAME
    assert aws_variables(plugin[1])["AWS_SSO_EXT_PREVIOUS_PROFILE"] == "my team"  # the default
    assert aws_variables(plugin[PROFILES.index("scratch") + 1])["AWS_REGION"] == "af-south-1"
    unset_twice = aws_variables(plugin[len(PROFILES) + 5])
    assert unset_twice == {}
    after_unexported = aws_variables(plugin[-1])
    assert "AWS_SSO_EXT_PREVIOUS_PROFILE" not in after_unexported
    assert not list(home.rglob("pwned*")) and not list(tmp_path.rglob("pwned*"))


# --- No process ------------------------------------------------------------------------------


@pytest.mark.parametrize("shell", HOOK_SHELLS)
def test_a_fast_switch_starts_no_process(shell, home, tmp_path):
    prepare(home)
    run_plugin(home)
    hostile = driver(shell).quote(HOSTILE_SSO)
    script = "\n".join(
        [
            driver(shell).source_line(),
            "aws sso-switch staging",
            f"aws sso-switch {hostile}",
            "aws sso-switch -",
            "aws sso-switch --unset",
            "aws sso-switch -",
            'builtin printf \'%s|%s\\n\' "$AWS_PROFILE" "$AWS_SSO_EXT_PREVIOUS_PROFILE"',
        ]
    )
    result, processes = traced_processes(
        [*strict_command(shell), script], tmp_path, hook_environment(home), timeout=60
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "staging|staging\n"  # back after --unset: the previous stays
    assert processes == ["execve"]  # the shell itself


# --- Every doubt runs the plugin -----------------------------------------------------------


def switch_in(shell: str, home: Path, env: dict, name: str, before: str = "") -> dict:
    """Runs `aws sso-switch NAME` in a strict shell; the variables after it and its status."""
    if shell == "fish":
        show = 'builtin printf \'%s=%s\\n\' status {} region "$AWS_REGION" profile "$AWS_PROFILE" '
        show += 'expiration "$AWS_SSO_EXT_EXPIRATION"'
    else:
        show = "builtin printf '%s=%s\\n' status {} region \"${{AWS_REGION-}}\" "
        show += 'profile "${{AWS_PROFILE-}}" expiration "${{AWS_SSO_EXT_EXPIRATION-}}"'
    if shell == "fish":
        line = f"aws sso-switch {driver(shell).quote(name)}; set -l s $status; {show.format('$s')}"
    else:
        line = f"s=0; aws sso-switch {driver(shell).quote(name)} || s=$?; {show.format('$s')}"
    script = "\n".join(filter(None, [driver(shell).source_line(), before, line]))
    result = driver(shell).run(script, env, timeout=120)
    assert result.returncode == 0, result.stderr
    values = dict(line.split("=", 1) for line in result.stdout.splitlines())
    values["stderr"] = result.stderr
    return values


def at(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + seconds))


def touch_later(home: Path, path: Path) -> None:
    """Give `path` an mtime a second after every file of the index, as a later write would."""
    newest = max(p.stat().st_mtime_ns for p in index_folder(home).iterdir())
    os.utime(path, ns=(newest + 10**9, newest + 10**9), follow_symlinks=False)


def edit_config(home: Path, env: dict, shell: str) -> str:
    config = home / ".aws" / "config"
    config.write_text(CONFIG.replace("region = eu-central-1", "region = ap-northeast-1"))
    touch_later(home, config)
    return "ap-northeast-1"


def edit_credentials(home: Path, env: dict, shell: str) -> str:
    credentials = home / ".aws" / "credentials"
    credentials.write_text(CREDENTIALS + "\n[staging]\nregion = ca-central-1\n")
    touch_later(home, credentials)
    return "ca-central-1"


def config_elsewhere(home: Path, env: dict, shell: str) -> str:
    other = home / "other-config"
    other.write_text(CONFIG.replace("region = eu-central-1", "region = me-south-1"))
    env["AWS_CONFIG_FILE"] = str(other)
    return "me-south-1"


def index_of_another_user(home: Path, env: dict, shell: str) -> str:
    require(os.geteuid() == 0, "root, to hand the index to another user")
    name = {"powershell": "switch.ps1"}.get(shell, f"switch.{shell}")
    os.chown(index_folder(home) / name, 65534, 65534)
    return "eu-central-1"


def folder_of_another_user(home: Path, env: dict, shell: str) -> str:
    require(os.geteuid() == 0, "root, to hand the folder to another user")
    os.chown(index_folder(home), 65534, 65534)
    return "eu-central-1"


def world_writable_and_written(home: Path, env: dict, shell: str) -> str:
    index = index_folder(home) / f"switch.{shell}"
    index.chmod(0o666)
    touch_later(home, index)  # what a write by anyone, which it now allows, does
    return "eu-central-1"


def world_writable_folder_zsh(home: Path, env: dict, shell: str) -> str:
    index_folder(home).chmod(0o777)
    return "eu-central-1"


def corrupt_and_resealed(home: Path, env: dict, shell: str) -> str:
    index = index_folder(home) / f"switch.{shell}"
    lines = index.read_text().split("\n")
    index.write_text("\n".join(lines[: len(lines) // 2]) + "\nend\n")  # counts no longer add up
    reseal(home)
    return "eu-central-1"


def garbage_and_resealed(home: Path, env: dict, shell: str) -> str:
    (index_folder(home) / f"switch.{shell}").write_bytes(b"\x00\xff not an index $(touch pwned)\n")
    reseal(home)
    return "eu-central-1"


def reseal(home: Path) -> None:
    seal = index_folder(home) / "switch.seal"
    touch_later(home, seal)


def index_touched_after_the_seal(home: Path, env: dict, shell: str) -> str:
    touch_later(home, index_folder(home) / f"switch.{shell}")
    return "eu-central-1"


def code_file_rewritten(home: Path, env: dict, shell: str) -> str:
    for code in index_folder(home).glob("code-*"):
        code.write_text(code.read_text())  # the same text, but written after the seal
    return "eu-central-1"


def index_is_a_link(home: Path, env: dict, shell: str) -> str:
    index = index_folder(home) / f"switch.{shell}"
    copy = index_folder(home) / "copy"
    shutil.copy2(index, copy)
    index.unlink()
    index.symlink_to(copy)
    return "eu-central-1"


def turned_off(home: Path, env: dict, shell: str) -> str:
    env["AWS_SSO_SWITCH_FAST"] = "0"
    return "eu-central-1"


def another_home(home: Path, env: dict, shell: str) -> str:
    other = home.parent / "home-copy"
    shutil.copytree(home / ".aws", other / ".aws", symlinks=True)
    env["HOME"] = str(other)
    env["XDG_CACHE_HOME"] = str(home / ".cache")  # the first home's index
    return "eu-central-1"


FALLBACKS = [
    edit_config,
    edit_credentials,
    config_elsewhere,
    index_of_another_user,
    folder_of_another_user,
    world_writable_and_written,
    corrupt_and_resealed,
    garbage_and_resealed,
    index_touched_after_the_seal,
    code_file_rewritten,
    index_is_a_link,
    turned_off,
    another_home,
]


@pytest.mark.slow
@pytest.mark.parametrize("case", FALLBACKS, ids=lambda case: case.__name__)
@pytest.mark.parametrize("shell", HOOK_SHELLS)
def test_any_doubt_runs_the_plugin(shell, case, home, tmp_path, logged_aws):
    prepare(home)
    run_plugin(home)
    env = hook_environment(home, logged_aws, STUB_CALLS=str(tmp_path / "calls.log"))
    region = case(home, env, shell)
    values = switch_in(shell, home, env, "staging")
    assert calls(tmp_path) == ["sso-switch staging"], values["stderr"]
    assert (values["status"], values["region"], values["profile"]) == ("0", region, "staging")
    assert not list(home.rglob("pwned*"))


def test_a_folder_others_can_write_is_ignored_by_zsh(home, tmp_path, logged_aws):
    # bash and fish can't read a mode with builtins: they rely on the seal (a write by anyone
    # after it is seen) and on owners; zsh reads the mode itself (zsh/stat).
    prepare(home)
    run_plugin(home)
    env = hook_environment(home, logged_aws, STUB_CALLS=str(tmp_path / "calls.log"))
    world_writable_folder_zsh(home, env, "zsh")
    assert switch_in("zsh", home, env, "staging")["region"] == "eu-central-1"
    assert calls(tmp_path) == ["sso-switch staging"]


@pytest.mark.parametrize("shell", HOOK_SHELLS)
def test_a_valid_index_answers_without_the_plugin(shell, home, tmp_path, logged_aws):
    prepare(home)
    run_plugin(home)
    env = hook_environment(home, logged_aws, STUB_CALLS=str(tmp_path / "calls.log"))
    values = switch_in(shell, home, env, "staging")
    assert (values["status"], values["region"], values["stderr"]) == ("0", "eu-central-1", "")
    assert calls(tmp_path) == []


@pytest.mark.parametrize("shell", HOOK_SHELLS)
def test_an_unknown_profile_gets_the_plugins_suggestions(shell, home, tmp_path, logged_aws):
    prepare(home)
    run_plugin(home)
    env = hook_environment(home, logged_aws, STUB_CALLS=str(tmp_path / "calls.log"))
    values = switch_in(shell, home, env, "stagin")
    assert calls(tmp_path) == ["sso-switch stagin"]
    assert (values["status"], values["profile"]) == ("2", "")
    assert "Did you mean: 'staging'" in values["stderr"]


@pytest.mark.parametrize("shell", HOOK_SHELLS)
def test_a_renewable_login_is_fast_and_prints_what_the_plugin_prints(
    shell, home, tmp_path, logged_aws
):
    prepare(home)
    expired = at(-300)
    write_token(
        home,
        "corp",
        expiresAt=expired,
        refreshToken="r" * 40,
        clientId="c",
        clientSecret="s" * 40,
        registrationExpiresAt=at(80 * 86400),
    )
    run_plugin(home)
    env = hook_environment(home, logged_aws, STUB_CALLS=str(tmp_path / "calls.log"))
    fast = switch_in(shell, home, env, "staging")
    assert calls(tmp_path) == []
    plugin = switch_in(shell, home, dict(env, AWS_SSO_SWITCH_FAST="0"), "staging")
    assert calls(tmp_path) == ["sso-switch staging"]
    assert fast == plugin
    assert fast["expiration"] == expired


@pytest.mark.slow
@pytest.mark.parametrize("shell", HOOK_SHELLS)
def test_a_lapsed_login_runs_the_plugin_which_logs_in(
    shell, home, tmp_path, logged_aws, sandbox_environment
):
    sandbox, endpoints = sandbox_environment
    prepare(home)
    write_token(home, "corp", expiresAt=at(600))  # 10 minutes left, not renewable
    run_plugin(home)  # the index knows the login is about to lapse
    env = hook_environment(home, logged_aws, STUB_CALLS=str(tmp_path / "calls.log"), **endpoints)
    values = switch_in(shell, home, env, "staging")
    assert calls(tmp_path) == ["sso-switch staging"]
    assert len(sandbox.calls("StartDeviceAuthorization")) == 1
    token = tokens.read_token(str(home / ".aws" / "sso" / "cache" / SESSION_TOKEN))
    assert values["expiration"] == tokens.format_time(token.expires_at) != at(600)
    assert values["status"] == "0"
    # The login rewrote the index: the next switch needs no plugin.
    again = switch_in(shell, home, env, "staging")
    assert calls(tmp_path) == ["sso-switch staging"]
    assert again == dict(values, stderr="")


# --- PowerShell, which can't run here: what its hook would evaluate, statically ------------


def powershell_index(home: Path) -> dict:
    """{name: code text} and the --unset code, from switch.ps1 as its hook reads it."""
    lines = (index_folder(home) / "switch.ps1").read_text("utf-8").split("\n")[:-1]
    count_tokens = int(lines[8])
    count = int(lines[9 + count_tokens])
    first = 10 + count_tokens
    assert len(lines) == first + 2 * count + 1 and lines[-1] == "end"
    names = lines[first : first + count]
    files = [line.split("\t")[0] for line in lines[first + count : -1]]
    codes = {n: (index_folder(home) / f).read_text("utf-8") for n, f in zip(names, files)}
    return codes, (index_folder(home) / lines[7]).read_text("utf-8")


@pytest.mark.slow
def test_the_powershell_hook_would_evaluate_what_the_plugin_prints(home):
    from collections import Counter

    from conftest import hook_file
    from powershell_syntax import statement_shapes

    prepare(home)
    run_plugin(home)
    codes, unset_code = powershell_index(home)
    # What the hook appends for the profile being left: one assignment from its variable.
    appended = "$env:AWS_SSO_EXT_PREVIOUS_PROFILE = $__awscli_sso_ext_previous"
    assert hook_file("powershell").read_text().count(f"'{appended}'") == 1
    assert statement_shapes(appended) == [("set", "$env:AWS_SSO_EXT_PREVIOUS_PROFILE", None)]
    previous = ("set", "$env:AWS_SSO_EXT_PREVIOUS_PROFILE", "my team")
    for name in [*PROFILES, "--unset"]:
        result = subprocess.run(
            [str(V1_AWS), "sso-switch", name],
            env=clean_environment(home, AWS_SSO_EXT_SHELL="powershell", AWS_PROFILE="my team"),
            capture_output=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr.decode()
        printed = Counter(statement_shapes(result.stdout.decode("utf-8")))
        code = unset_code if name == "--unset" else codes[name]
        evaluated = Counter(statement_shapes(code))
        if name != "my team":
            evaluated[previous] += 1
        assert evaluated == printed, name
