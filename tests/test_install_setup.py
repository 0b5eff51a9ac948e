"""`aws-sso-ext setup | doctor | uninstall` against the real AWS CLI v1 and Debian's v2."""

from __future__ import annotations

import pytest
from install_machine import CONFIG, Machine

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("v1_site_left_clean")]


def test_v1_and_v2_share_one_config_install_twice_and_undo(home, toolbox, v1_elsewhere, v2_only):
    machine = Machine(home, v1_elsewhere, v2_only, toolbox)
    before = machine.snapshot()
    out = machine.tool("setup", "--shell", "bash").stdout
    assert "AWS CLI v1 1." in out and "AWS CLI v2 2." in out and "NOT registered" not in out
    assert (home / ".cache" / "awscli-sso-ext" / "switch.bash").is_file()  # the fast switch's
    assert machine.sso_env_works(v1_elsewhere / "aws")
    assert machine.sso_env_works(v2_only / "aws")
    text = machine.config.read_text()
    assert text.startswith(
        CONFIG + "\n\n[plugins]\nsso_ext = awscli_sso_ext\ncli_legacy_plugin_path = "
    )
    assert (machine.config.stat().st_mode & 0o777) == 0o640
    assert (home / ".aws" / "config.awscli-sso-ext.bak").read_text() == CONFIG
    assert f"copied {machine.config} to {machine.config}.awscli-sso-ext.bak" in out
    # A real interactive bash loads the hook from ~/.bashrc and switches.
    shell = machine.run("bash", "-i", "-c", 'aws sso-switch p && echo "[$AWS_PROFILE $AWS_REGION]"')
    assert "[p us-east-1]" in shell.stdout, shell.stderr
    installed = machine.snapshot()
    again = machine.tool("setup", "--shell", "bash").stdout
    assert "Nothing to change" in again
    assert machine.snapshot() == installed
    doctor = machine.tool("doctor", "--shell", "bash")
    assert "FAIL" not in doctor.stdout
    machine.tool("uninstall")
    assert machine.snapshot() == before
    assert not list((v1_elsewhere.parent / "lib").rglob("awscli-sso-ext.pth"))


@pytest.mark.parametrize("which", ["v1", "v2"])
def test_one_cli_alone(which, home, toolbox, v1_elsewhere, v2_only):
    folder = v1_elsewhere if which == "v1" else v2_only
    machine = Machine(home, folder, toolbox)
    machine.tool("setup", "--no-modify-rc")
    assert machine.sso_env_works(folder / "aws")
    settings = machine.config.read_text().split("[plugins]")[1]
    # v1 alone never gets the v2-only setting; v2 can't work without it.
    assert ("cli_legacy_plugin_path" in settings) == (which == "v2")
    assert not (home / ".bashrc").read_text().count("awscli-sso-ext")
    machine.tool("uninstall")
    assert machine.config.read_text() == CONFIG


def test_doctor_names_each_breakage_and_its_fix(home, toolbox, v1_elsewhere, v2_only):
    machine = Machine(home, v1_elsewhere, v2_only, toolbox)
    machine.tool("setup", "--shell", "bash")
    # v1 without the shim, reading the v2 setting: the crash and its fix.
    for pth in (v1_elsewhere.parent / "lib").rglob("awscli-sso-ext.pth"):
        pth.write_text(str(home / ".local/share/awscli-sso-ext/plugins") + "\n")
    out = machine.tool("doctor", "--shell", "bash", check_rc=1).stdout
    assert "v1 reads the v2-only `cli_legacy_plugin_path` as a module name and crashes" in out
    assert "fix: run `aws-sso-ext setup` (it teaches this v1 to ignore that setting)" in out
    assert out.count("FAIL") == 1
    # The plugin folder gone: v2 can't import the module.
    plugins = home / ".local/share/awscli-sso-ext/plugins"
    plugins.rename(plugins.with_name("moved"))
    (plugins.with_name("moved") / "awscli_sso_ext").rename(plugins.with_name("moved") / "x")
    plugins.with_name("moved").rename(plugins)
    # The hook not wired any more.
    (home / ".bashrc").write_text("# my bashrc\n")
    out = machine.tool("doctor", "--shell", "bash", check_rc=1).stdout
    assert "the plugin module is missing" in out
    assert "doesn't load the hook" in out and "fix: aws-sso-ext setup --shell bash" in out


def test_bad_config_changes_nothing(home, toolbox, v1_elsewhere, v2_only):
    machine = Machine(home, v1_elsewhere, v2_only, toolbox)
    machine.config.write_text("region = x\n[default\n")
    before = machine.snapshot()
    result = machine.tool("setup", "--shell", "bash", check_rc=2)
    assert "can't be parsed" in result.stderr
    assert machine.snapshot() == before
    assert not list((v1_elsewhere.parent / "lib").rglob("awscli-sso-ext.pth"))
    machine.config.write_text(CONFIG)
    machine.config.chmod(0o440)
    before = machine.snapshot()
    result = machine.tool("setup", "--shell", "bash", check_rc=2)
    assert "read-only" in result.stderr
    assert machine.snapshot() == before


def test_doctor_sees_completion_only_where_a_hook_registers_one():
    from awscli_sso_ext.doctor import _registers_completion

    assert not _registers_completion("# --- Profile completion\n# complete -C ...\n")
    assert _registers_completion("  complete -F __awscli_sso_ext_complete aws\n")
    assert _registers_completion(
        "Register-ArgumentCompleter -Native -CommandName aws -ScriptBlock {\n"
    )


def test_doctor_names_an_unparsable_config_and_the_fix(home, monkeypatch):
    import io

    from awscli_sso_ext import doctor

    config = home / ".aws" / "config"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[plugins]\nsso_ext = awscli_sso_ext\nthis line is no setting\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("PATH", "/nonexistent")  # no `aws` to run: the config check is the point
    out = io.StringIO()
    assert doctor.run("bash", out) == 1
    report = out.getvalue()
    assert f"config {config} does not parse" in report and "this line is no setting" in report
    assert "fix that line by hand" in report


def test_dry_run_says_what_it_would_do_and_does_nothing(home, toolbox, v1_elsewhere, v2_only):
    machine = Machine(home, v1_elsewhere, v2_only, toolbox)
    before = machine.snapshot()
    out = machine.tool("setup", "--shell", "bash", "--dry-run").stdout
    assert "Would change:" in out and "would wrote" not in out
    for change in ("would build the plugin folder", "would write ", "would add to ", "would copy "):
        assert change in out, (change, out)
    assert machine.snapshot() == before
    assert not list((v1_elsewhere.parent / "lib").rglob("awscli-sso-ext.pth"))
    out = machine.tool("uninstall", "--dry-run").stdout
    assert "Nothing to undo" in out and machine.snapshot() == before


def test_folders_setup_made_go_with_uninstall_and_no_backup_is_named_that_wasnt_made(
    home, toolbox, v2_only
):
    machine = Machine(home, v2_only, toolbox, config=None)
    (home / ".bashrc").unlink()
    before = machine.snapshot()
    out = machine.tool("setup", "--shell", "bash").stdout
    assert "backup" not in out and ".bak" not in out, out
    assert f"created {machine.config}: [plugins] sso_ext = awscli_sso_ext" in out
    assert not list(home.rglob("*.bak"))
    assert (home / ".aws").stat().st_mode & 0o777 == 0o700
    assert machine.config.stat().st_mode & 0o777 == 0o600
    out = machine.tool("uninstall").stdout
    assert f"deleted {machine.config} (setup created it)" in out
    assert machine.snapshot() == before  # ~/.aws and ~/.local/share are gone again
    # Folders that were there before stay, empty or not.
    (home / ".aws").mkdir()
    (home / ".local" / "share").mkdir()
    before = machine.snapshot()
    machine.tool("setup", "--no-modify-rc")
    machine.tool("uninstall")
    assert machine.snapshot() == before


def test_the_plugin_stays_while_a_config_line_still_loads_it(home, toolbox, v1_elsewhere):
    machine = Machine(home, v1_elsewhere, toolbox)
    before = machine.snapshot()
    machine.tool("setup", "--no-modify-rc")
    # A second line of the user's own loads the module too: removing the package would
    # make every v1 command fail with ModuleNotFoundError.
    text = machine.config_text().replace("[plugins]\n", "[plugins]\nmine=awscli_sso_ext\n")
    machine.config.write_text(text)
    result = machine.tool("uninstall", check_rc=1)
    assert f"kept the plugin installed: {machine.config} line" in result.stdout
    assert "`mine=awscli_sso_ext` still registers it" in result.stdout
    assert "fix: remove that line, then run `aws-sso-ext uninstall` again." in result.stdout
    assert "sso_ext = " not in machine.config_text()
    assert machine.plain_aws_works(v1_elsewhere / "aws")
    assert machine.sso_env_works(v1_elsewhere / "aws")
    machine.config.write_text(machine.config_text().replace("mine=awscli_sso_ext\n", ""))
    machine.tool("uninstall")
    assert machine.snapshot() == before
    assert not list((v1_elsewhere.parent / "lib").rglob("awscli-sso-ext.pth"))
