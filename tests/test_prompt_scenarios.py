"""One table of prompt scenarios (tests/data/prompt_scenarios.json) rendered by every real shell."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import HOOK_SHELLS, ROOT, hook_environment, require_program
from hostile import HOSTILE_NAME
from prompt_helpers import SHOWN, UPDATE, sso_env
from shell_harness import driver

from awscli_sso_ext import hook_spec

TABLE = ROOT / "tests" / "data" / "prompt_scenarios.json"
SCENARIOS = json.loads(TABLE.read_text(encoding="utf-8"))
SHELLS = ("bash", "zsh", "fish", "powershell")
ESCAPE = re.compile(r"(\x1b\[[0-9;]*m)")
HOSTILE = "@HOSTILE@"  # stands for tests/hostile.py's name in the table
# A switch to an SSO profile, its login (token file or expiry) up to each scenario.
SSO = {
    name: setting
    for name, setting in sso_env(Path("unused")).items()
    if name not in ("AWS_SSO_EXT_TOKEN_FILE", "AWS_SSO_EXT_EXPIRATION")
}


def value(raw, now: datetime):
    """A table value: text (the hostile name put in), a time from now, or a repeated letter."""
    if isinstance(raw, str):
        return raw.replace(HOSTILE, HOSTILE_NAME)
    if "repeat" in raw:
        return raw["repeat"] * raw["times"]
    delta = {unit: amount for unit, amount in raw.items() if unit != "iso"}
    moment = now + timedelta(**delta)
    return moment.isoformat() if raw.get("iso") else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def scenario_environment(name: str, folder: Path, now: datetime) -> dict:
    """The environment of one scenario, its token file written under `folder`."""
    scenario = SCENARIOS[name]
    env = dict(SSO) if scenario.get("sso") else {}
    if "token" in scenario:
        path = folder / f"{name}.json"
        env["AWS_SSO_EXT_TOKEN_FILE"] = str(path)
        if scenario["token"] is not None:  # None: the file is gone (`aws sso logout`)
            fields = {"startUrl": "u", "region": "eu-west-1", "accessToken": "a"}
            fields.update(scenario["token"])
            data = {k: value(v, now) for k, v in fields.items() if v is not None}
            path.write_text(json.dumps(data), encoding="utf-8")
    env.update({k: value(v, now) for k, v in scenario.get("env", {}).items()})
    return env


def expected(name: str, shell: str) -> dict:
    """What `shell` must set: raw colours in fish and PowerShell, readline's \\001 \\002 around
    them in bash, zsh's %{ %} around them and every other % doubled."""
    scenario = SCENARIOS[name]
    text, prompt = (scenario[key].replace(HOSTILE, HOSTILE_NAME) for key in ("text", "prompt"))
    parts = ESCAPE.split(prompt)
    if shell == "bash":
        prompt = "".join(f"\x01{p}\x02" if ESCAPE.fullmatch(p) else p for p in parts)
    elif shell == "zsh":
        prompt = "".join(
            f"%{{{p}%}}" if ESCAPE.fullmatch(p) else p.replace("%", "%%") for p in parts
        )
    return {"text": text, "state": scenario["state"], "prompt": prompt}


def render_script(shell: str) -> str:
    """Source the hook, render after a failed command (its status must survive), print what
    was set, then what aws_sso_prompt prints."""
    harness = driver(shell)
    if shell == "powershell":
        return "\n".join(
            [
                harness.source_line(),
                "$null = aws_sso_prompt",
                "@($env:AWS_SSO_PROMPT_TEXT, $env:AWS_SSO_PROMPT_STATE, $env:AWS_SSO_PROMPT) |"
                " ConvertTo-Json -Compress",
            ]
        )
    return "\n".join(
        [
            harness.source_line(),
            UPDATE[shell],
            harness.print_lines(*SHOWN),
            "aws_sso_prompt --text; echo",
            "aws_sso_prompt; echo",
        ]
    )


def parse(shell: str, stdout: str) -> dict:
    if shell == "powershell":
        text, state, prompt = (v or "" for v in json.loads(stdout))
        return {"text": text, "state": state, "prompt": prompt}
    status, text, state, prompt, printed_text, printed, _ = stdout.split("\n")
    assert (printed_text, printed) == (text, prompt)  # aws_sso_prompt prints what was set
    return {"status": status, "text": text, "state": state, "prompt": prompt}


@pytest.fixture(scope="module")
def renders(tmp_path_factory) -> dict:
    """{(shell, scenario): what the shell set}: every scenario of a shell at once, each in its
    own strict-mode process (zsh in Tokyo: expiresAt is UTC whatever TZ says)."""
    found = {}
    for shell in SHELLS:
        if shutil.which("pwsh" if shell == "powershell" else shell) is None:
            continue  # each test says what is missing
        harness = driver(shell)
        home = tmp_path_factory.mktemp(f"prompt-{shell}")
        now = datetime.now(timezone.utc)
        runs = {}
        for name in SCENARIOS:
            env = scenario_environment(name, home, now)
            if shell == "zsh":
                env["TZ"] = "Asia/Tokyo"
            runs[name] = subprocess.Popen(
                [*harness.strict_command(), render_script(shell)],
                env=hook_environment(home, **env),
                cwd=home,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        for name, run in runs.items():
            stdout, stderr = run.communicate(timeout=60)
            assert (run.returncode, stderr) == (0, ""), (shell, name, stderr)
            found[(shell, name)] = parse(shell, stdout)
        assert not list(home.rglob("pwned*"))
    return found


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("shell", HOOK_SHELLS)
def test_every_shell_renders_the_scenario(renders, shell, name):
    require_program(shell)
    rendered = dict(renders[(shell, name)])
    assert rendered.pop("status") == "status=1"  # $? of the command before the prompt survives
    assert rendered == expected(name, shell)


@pytest.mark.skipif(shutil.which("pwsh") is None, reason="pwsh is not installed here")
def test_pwsh_renders_every_scenario(renders):
    rendered = {name: renders[("powershell", name)] for name in SCENARIOS}
    assert rendered == {name: expected(name, "powershell") for name in SCENARIOS}


def test_the_table_covers_every_state_and_option():
    states = {scenario["state"] for scenario in SCENARIOS.values()}
    assert states == {*hook_spec.PROMPT_STATES, ""}
    named = {name for scenario in SCENARIOS.values() for name in scenario.get("env", {})}
    assert {"AWS_SSO_PROMPT_FORMAT", "AWS_SSO_PROMPT_COLOR", "NO_COLOR"} <= named
