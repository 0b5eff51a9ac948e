"""A throwaway machine for installer tests: a HOME, a PATH holding exactly the CLIs asked for."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import clean_environment

AWS_SSO_EXT = Path(sys.prefix) / "bin" / "aws-sso-ext"
CONFIG = (
    "# team config\n[default]\nregion=eu-west-1   ; odd\n\n[profile p]\nregion = us-east-1\n# end"
)


def tool_folder(home: Path) -> Path:
    """~/.local/bin with aws-sso-ext linked in, as install.sh leaves it (and nothing else)."""
    folder = home / ".local" / "bin"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "aws-sso-ext").symlink_to(AWS_SSO_EXT)
    return folder


class Machine:
    """A throwaway HOME with a PATH holding exactly the CLIs a test asks for."""

    def __init__(self, home: Path, *bins: Path, config: str | None = CONFIG, **env: str):
        self.home = home
        path = os.pathsep.join(str(b) for b in (*bins, tool_folder(home)))
        self.env = clean_environment(home, PATH=path, SHELL="/bin/bash", **env)
        for key in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "ZDOTDIR"):
            self.env.pop(key, None)
        self.config = home / ".aws" / "config"
        if config is not None:
            self.config.parent.mkdir()
            self.config.write_bytes(config.encode("utf-8"))
            self.config.chmod(0o640)
        (home / ".bashrc").write_text("# my bashrc\nalias ll='ls -l'")

    def run(self, *args, check_rc=None, timeout=120, env=None):
        result = subprocess.run(
            [str(arg) for arg in args],
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            cwd=self.home,
            timeout=timeout,
        )
        if check_rc is not None:
            assert result.returncode == check_rc, result.stdout + result.stderr
        return result

    def tool(self, *args, check_rc=0, env=None):
        return self.run(AWS_SSO_EXT, *args, check_rc=check_rc, env=env)

    def config_text(self) -> str:
        return self.config.read_bytes().decode("utf-8")

    def snapshot(self) -> dict:
        """Every file and folder under HOME: bytes and mode (folders: mode only)."""
        files = {}
        for path in sorted(self.home.rglob("*")):
            if "__pycache__" in path.parts:
                continue
            if path.is_symlink():
                files[str(path.relative_to(self.home))] = ("link", os.readlink(path))
            elif path.is_file():
                files[str(path.relative_to(self.home))] = (path.read_bytes(), path.stat().st_mode)
            else:
                files[str(path.relative_to(self.home)) + "/"] = path.stat().st_mode
        return files

    def sso_env_works(self, aws: Path) -> bool:
        result = self.run(aws, "sso-env", "--unset", "--format", "json")
        return result.returncode == 0 and "AWS_PROFILE" in json.loads(result.stdout)

    def plain_aws_works(self, aws: Path) -> bool:
        """`aws configure list` runs (every command fails when a plugin can't load)."""
        return self.run(aws, "configure", "list").returncode == 0
