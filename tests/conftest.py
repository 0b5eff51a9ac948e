"""Shared test fixtures: the real AWS CLIs and shells, throwaway homes, and CI strictness."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import awscli.clidriver  # noqa: F401 -- first, so `import botocore` is the CLI's own, as in `aws`
import pytest

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
V1_AWS = Path(sys.prefix) / "bin" / "aws"
V2_AWS = Path("/usr/bin/aws")


def require(found: bool, what: str) -> None:
    """Skip visibly when `what` is missing here; in CI (CI=true) a missing tool is a failure."""
    if found:
        return
    if IN_CI:
        pytest.fail(f"{what} is missing in CI: .ci/run must install it", pytrace=False)
    pytest.skip(f"{what} is not installed here")


def require_program(name: str) -> str:
    """The path of a program on PATH (skip locally, fail in CI, when it is missing)."""
    path = shutil.which(name)
    require(path is not None, name)
    return path


def clean_environment(home: Path, **extra: str) -> dict:
    """A minimal environment for a child process: no AWS_* leaking in from the machine."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AWS_") and key not in ("BOTO_CONFIG", "PYTHONPATH")
    }
    environment.update(HOME=str(home), LC_ALL="C.UTF-8", LANG="C.UTF-8")
    environment.update(extra)
    return environment


@pytest.fixture(scope="session")
def v2_plugin_folder(tmp_path_factory) -> Path:
    """This project installed with `pip install --target`, as AWS CLI v2 needs it."""
    require(V2_AWS.exists(), "Debian's AWS CLI v2 (/usr/bin/aws)")
    folder = tmp_path_factory.mktemp("v2-plugins")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--target", str(folder), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return folder


class AwsCli:
    """One real AWS CLI with this plugin registered in a throwaway config."""

    def __init__(self, label: str, executable: Path, plugin_settings: str):
        self.label = label
        self.executable = executable
        self.plugin_settings = plugin_settings

    def write_config(self, home: Path, body: str) -> Path:
        """~/.aws/config with our [plugins] section, then `body`."""
        config = home / ".aws" / "config"
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(f"[plugins]\n{self.plugin_settings}\n{body}", encoding="utf-8")
        return config

    def run(self, home: Path, *args: str, env: dict | None = None, **kwargs):
        return subprocess.run(
            [str(self.executable), *args],
            env=clean_environment(home, **(env or {})),
            capture_output=True,
            cwd=home,
            timeout=60,
            **kwargs,
        )


@pytest.fixture(params=["v1", "v2"])
def aws_cli(request) -> AwsCli:
    """Each real AWS CLI in turn: v1 from this test environment, Debian's v2."""
    if request.param == "v1":
        require(V1_AWS.exists(), "AWS CLI v1 in the test environment")
        return AwsCli("v1", V1_AWS, "sso_ext = awscli_sso_ext")
    folder = request.getfixturevalue("v2_plugin_folder")
    return AwsCli("v2", V2_AWS, f"sso_ext = awscli_sso_ext\ncli_legacy_plugin_path = {folder}")


@pytest.fixture
def home(tmp_path) -> Path:
    """An empty HOME for one test."""
    path = tmp_path / "home"
    path.mkdir()
    return path
