"""install.sh refuses bad situations before changing anything: no python3, no write access."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from conftest import ROOT, require_program

INSTALL = ROOT / "install.sh"


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_no_python3_is_a_clear_message_and_nothing_changes(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    tools = tmp_path / "tools"  # the few programs install.sh needs before it looks for Python
    tools.mkdir()
    for name in ("dirname", "readlink"):
        (tools / name).symlink_to(shutil.which(name))
    result = subprocess.run(
        ["/bin/sh", str(INSTALL)],
        env={"HOME": str(home), "PATH": str(tools)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "no python3 (3.9 or newer, with the venv module) found on PATH." in result.stderr
    assert "AWS_SSO_EXT_PYTHON" in result.stderr
    assert files_under(home) == []


def test_no_write_access_is_a_clear_message_and_nothing_changes():
    setpriv = require_program("setpriv")
    # A home an unprivileged user can enter but not write (pytest's tmp is root-only).
    top = Path(tempfile.mkdtemp(prefix="awscli-sso-ext-"))
    try:
        home = top / "home"
        home.mkdir()
        (home / ".bashrc").write_text("# mine\n")
        top.chmod(0o755)
        home.chmod(0o755)
        result = subprocess.run(
            [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "/bin/sh", str(INSTALL)],
            env={
                "HOME": str(home),
                "PATH": "/usr/bin:/bin",
                "AWS_SSO_EXT_PYTHON": "/usr/bin/python3",
            },
            capture_output=True,
            text=True,
        )
        assert result.returncode == 1, result.stdout + result.stderr
        assert f"can't write to {home}" in result.stderr
        assert "nothing was changed" in result.stderr
        assert files_under(home) == [".bashrc"]
        assert (home / ".bashrc").read_text() == "# mine\n"
    finally:
        shutil.rmtree(top)
