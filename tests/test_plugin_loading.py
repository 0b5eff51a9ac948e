"""The plugin module is cheap to import and keeps to the Python the oldest CLI builds run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, require

HEAVY = ("botocore", "awscli", "shellingham", "argcomplete", "boto3")


def test_importing_the_plugin_imports_nothing_heavy():
    code = (
        "import sys, awscli_sso_ext; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_registering_adds_the_commands_only_when_the_table_is_built():
    from awscli_sso_ext import awscli_initialize

    registered = []

    class Emitter:
        def register(self, event, handler):
            registered.append((event, handler))

    awscli_initialize(Emitter())
    assert [event for event, _ in registered] == ["building-command-table.main"]
    table = {}
    registered[0][1](command_table=table, session=object())
    assert sorted(table) == ["sso-env", "sso-status", "sso-switch", "sso-sync"]


def python39() -> str | None:
    """A Python 3.9 interpreter: pyenv's (this machine image has one), else python3.9 on PATH."""
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates = sorted(root.glob("versions/3.9*/bin/python3.9"))
    return str(candidates[-1]) if candidates else shutil.which("python3.9")


def test_the_package_compiles_and_imports_under_python_3_9(tmp_path):
    interpreter = python39()
    require(interpreter is not None, "Python 3.9 (the oldest Python an AWS CLI build runs on)")
    files = [str(p) for p in (ROOT / "awscli_sso_ext").rglob("*.py")]
    subprocess.run([interpreter, "-m", "py_compile", *files], check=True)
    # Every module that runs inside `aws` imports there too (botocore is imported lazily).
    modules = [
        "shells",
        "environment",
        "detection",
        "profiles",
        "errors",
        "tokens",
        "login",
        "failures",
        "credentials",
        "portal",
        "sync",
        "sync_config",
    ]
    code = "; ".join(f"import awscli_sso_ext.{name}" for name in modules)
    subprocess.run([interpreter, "-c", code], check=True, cwd=ROOT)
