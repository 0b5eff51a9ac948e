"""Where the installer's files are, and the commands that reach this installation from a shell."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

from awscli_sso_ext.shells import command_line

PLUGIN_NAME = "sso_ext"
PLUGIN_MODULE = "awscli_sso_ext"
DISTRIBUTION = "awscli-sso-ext"


def data_dir() -> Path:
    """${XDG_DATA_HOME:-~/.local/share}/awscli-sso-ext: plugin folder, state, install.sh's venv."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return Path(base) / "awscli-sso-ext"


def plugin_folder() -> Path:
    """The folder AWS CLI v2 (and a v1 that can't import us) loads the plugin from."""
    return data_dir() / "plugins"


def state_file() -> Path:
    """The journal of what setup changed, so that uninstall removes exactly that."""
    return data_dir() / "state.json"


def lock_file() -> Path:
    """Held by setup and uninstall while they run: one at a time."""
    return data_dir() / "lock"


def config_file() -> str:
    """The AWS config both CLIs read: $AWS_CONFIG_FILE, else ~/.aws/config."""
    return os.path.expanduser(os.environ.get("AWS_CONFIG_FILE") or "~/.aws/config")


def own_command(*args: str) -> str:
    """The command line that runs this aws-sso-ext with `args` from a shell here: its name
    when PATH finds this installation, else its full path."""
    script = Path(sys.prefix) / "bin" / "aws-sso-ext"
    found = shutil.which("aws-sso-ext")
    if found and script.exists() and os.path.samefile(found, script):
        words = ["aws-sso-ext"]
    elif script.exists():
        words = [str(script)]
    else:
        words = [sys.executable, "-m", "awscli_sso_ext.cli"]
    return command_line([*words, *args])


def package_source() -> str | None:
    """Where this installation came from, as `pip install` takes it again: the checkout or the
    wheel it was installed from, when that is still there."""
    from importlib import metadata

    try:
        recorded = metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        recorded = None
    if recorded:
        url = urlparse(json.loads(recorded).get("url", ""))
        if url.scheme == "file" and os.path.exists(unquote(url.path)):
            return unquote(url.path)
    checkout = Path(__file__).resolve().parent.parent
    return str(checkout) if (checkout / "pyproject.toml").is_file() else None


def pip_install_command(python: str) -> str | None:
    """The command that installs this package into `python`'s environment, or None."""
    source = package_source()
    if source is None:
        return None
    return command_line([python, "-m", "pip", "install", source])
