"""`aws-sso-ext process` run as an SDK runs a credential_process: the console script pip wrote."""

from __future__ import annotations

import subprocess
import sys

from conftest import VENV_BIN

CONSOLE_SCRIPT = VENV_BIN / "aws-sso-ext"


def process(env: dict, *args: str, python_flags: tuple = ()) -> subprocess.CompletedProcess:
    """The finished `aws-sso-ext process ARGS...` in `env`, text mode."""
    return subprocess.run(
        [sys.executable, *python_flags, str(CONSOLE_SCRIPT), "process", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
