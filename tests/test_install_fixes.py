"""Every "fix:" setup prints is a command that works here: run it, and setup then succeeds."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sysconfig
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT, V1_AWS, require, require_program

pytestmark = pytest.mark.slow
NOBODY = 65534
DEBIAN_PYTHON = Path("/usr/bin/python3")


@pytest.fixture
def world():
    """A folder anyone may enter (pytest's tmp is root-only), removed afterwards."""
    top = Path(tempfile.mkdtemp(prefix="awscli-sso-ext-fix-"))
    top.chmod(0o755)
    yield top
    shutil.rmtree(top)


def venv(folder: Path, *site_paths: str, pip: bool) -> Path:
    """A root-owned venv of Debian's python3 that also sees `site_paths` (a plain .pth)."""
    args = [] if pip else ["--without-pip"]
    subprocess.run([str(DEBIAN_PYTHON), "-m", "venv", *args, str(folder)], check=True)
    purelib = subprocess.run(
        [
            str(folder / "bin" / "python"),
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(purelib, "paths.pth").write_text("".join(f"{path}\n" for path in site_paths))
    return folder


def test_a_v1_this_user_cant_prepare_gets_a_fix_that_works(world):
    require_program("setpriv")
    require(DEBIAN_PYTHON.exists(), "Debian's python3")
    packages = sysconfig.get_paths()["purelib"]  # awscli v1, shellingham, argcomplete
    # AWS CLI v1 in an environment of root's: another user can run it but not write to it.
    v1 = venv(world / "v1", packages, pip=True)
    script = V1_AWS.read_text(encoding="utf-8").split("\n", 1)[1]
    (v1 / "bin" / "aws").write_text(f"#!{v1 / 'bin' / 'python'}\n{script}")
    (v1 / "bin" / "aws").chmod(0o755)
    bin_folder = world / "bin"
    bin_folder.mkdir()
    (bin_folder / "aws").symlink_to(v1 / "bin" / "aws")
    # This checkout, runnable by that user.
    tool = venv(world / "tool", str(ROOT), packages, pip=False)
    home = world / "home"
    home.mkdir()
    os.chown(home, NOBODY, NOBODY)
    env = {
        "HOME": str(home),
        "PATH": f"{bin_folder}:/usr/bin:/bin",
        "LC_ALL": "C.UTF-8",
        "SHELL": "/bin/bash",
    }

    def as_nobody(*args: str, check_rc: int):
        result = subprocess.run(
            ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *args],
            env=env,
            cwd=home,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == check_rc, result.stdout + result.stderr
        return result.stdout + result.stderr

    setup = [str(tool / "bin" / "python"), "-m", "awscli_sso_ext.cli", "setup", "--no-modify-rc"]
    out = as_nobody(*setup, check_rc=1)
    assert "NOT registered" in out and "can't import awscli_sso_ext" in out
    assert "pip install awscli-sso-ext" not in out
    fix = re.search(r"fix: `([^`]+)`", out)
    assert fix, out
    words = shlex.split(fix.group(1))
    assert words[:4] == [str(v1 / "bin" / "python"), "-m", "pip", "install"], words
    assert Path(words[4]) == ROOT
    assert f"as root, who owns {v1}" in out
    assert not (home / ".aws").exists()  # nothing changed
    # doctor gives the same verdict and the same fix.
    doctor = [setup[0], "-m", "awscli_sso_ext.cli", "doctor", "--shell", "bash"]
    report = as_nobody(*doctor, check_rc=1)
    assert f"fix: `{fix.group(1)}`" in report and "can't import awscli_sso_ext" in report, report
    # The owner runs the fix. v1 now imports the plugin; Debian's v2 on PATH needs the
    # v2-only setting, which that v1 must be taught to ignore: the next fix.
    subprocess.run(words, check=True, capture_output=True, timeout=300)
    out = as_nobody(*setup, check_rc=1)
    assert "/usr/bin/aws: AWS CLI v2" in out and "NOT registered" in out
    fix = re.search(r"fix: `([^`]+)`", out)
    assert fix and "| tee " in fix.group(1), out
    subprocess.run(["/bin/sh", "-c", fix.group(1)], check=True, capture_output=True)
    out = as_nobody(*setup, check_rc=0)
    assert out.count(": registered") == 2 and "NOT registered" not in out, out
    for aws in (bin_folder / "aws", Path("/usr/bin/aws")):
        check = as_nobody(str(aws), "sso-env", "--unset", "--format", "json", check_rc=0)
        assert '"AWS_PROFILE": null' in check
    as_nobody(setup[0], "-m", "awscli_sso_ext.cli", "uninstall", check_rc=0)
    as_nobody("/usr/bin/aws", "configure", "list", check_rc=0)
    as_nobody(str(bin_folder / "aws"), "configure", "list", check_rc=0)
