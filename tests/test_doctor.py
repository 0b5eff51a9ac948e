"""doctor tells the truth: completion as the real hooks register it, one failure for one problem."""

from __future__ import annotations

import io
import subprocess

import pytest
from conftest import hook_file, require_program
from install_machine import Machine

from awscli_sso_ext import doctor
from awscli_sso_ext.hooks import hook_path


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "powershell"])
def test_doctor_sees_the_completion_each_real_hook_registers(shell, home, monkeypatch):
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PATH", "/nonexistent")  # no aws: only the shell lines matter here
    monkeypatch.delenv("AWS_CONFIG_FILE", raising=False)
    out = io.StringIO()
    doctor.run(shell, out)
    assert f"ok   {shell}: profile completion comes with the hook" in out.getvalue()
    assert "not yet available" not in out.getvalue()
    # Only commands count: the same file with its code commented out registers nothing.
    commented = "".join(f"# {line}\n" for line in hook_path(shell).read_text().splitlines())
    assert not doctor._registers_completion(commented)


COMPLETION_OF_AWS = {
    # Each shell asked, after loading the hook, which completer `aws` has.
    "bash": ["bash", "--norc", "-i", "-c", 'source "$1"; complete -p aws', "bash"],
    "zsh": [
        "zsh",
        "-f",
        "-i",
        "-c",
        'autoload -Uz compinit; compinit -u -D; source "$1"; print -r -- $_comps[aws]',
        "zsh",
    ],
    "fish": ["fish", "--no-config", "-c", "source $argv[1]; complete -c aws"],
}


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_what_doctor_says_is_what_the_real_shell_does(shell, home):
    require_program(shell)
    command = COMPLETION_OF_AWS[shell]
    result = subprocess.run(
        [*command, str(hook_file(shell))],
        env={"HOME": str(home), "PATH": "/usr/bin:/bin", "TERM": "dumb"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "__awscli_sso_ext" in result.stdout, result.stdout + result.stderr
    assert doctor._registers_completion(hook_file(shell).read_text())


@pytest.mark.slow
@pytest.mark.usefixtures("v1_site_left_clean")
def test_an_unparsable_config_is_one_failure_naming_the_file_and_the_fix(
    home, toolbox, v1_elsewhere, v2_only
):
    machine = Machine(home, v1_elsewhere, v2_only, toolbox)
    machine.tool("setup", "--shell", "bash")
    machine.config.write_text(machine.config_text() + "[default]\nduplicate = section\n")
    out = machine.tool("doctor", "--shell", "bash", check_rc=1).stdout
    assert out.count("FAIL") == 1, out
    assert f"FAIL config {machine.config} does not parse" in out and "fix that line by hand" in out
    assert "cli_legacy_plugin_path" not in out  # no knock-on failure about v2's setting
    assert out.count("plugin not checked: the config must parse first") == 2
    machine.config.write_text(machine.config_text().replace("[default]\nduplicate = section\n", ""))
    machine.tool("uninstall")
