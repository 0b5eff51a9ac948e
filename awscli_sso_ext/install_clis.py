"""Finds every `aws` on PATH, tells v1 from v2 builds, and prepares what each needs to load us."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

PTH_NAME = "awscli-sso-ext.pth"
SHIM_IMPORT = "import awscli_sso_ext.install_v1_shim"
# What the plugin imports inside `aws`, copied into the plugin folder with it.
PLUGIN_PACKAGES = ("awscli_sso_ext", "shellingham")
_VERSION = re.compile(r"aws-cli/(\d+)\.(\d+)\.(\d+)\S*\s+Python/(\d+)\.(\d+)")


@dataclass
class FoundCli:
    """One `aws` on PATH: which CLI it is and, for v1, the Python it runs on."""

    path: str
    real_path: str
    version: str = ""
    major: int = 0
    build: str = ""  # "source" (distro, pip, source) or "exe" (official installer)
    python_version: tuple = ()
    python: str | None = None  # v1 only: its interpreter
    problem: str | None = None

    @property
    def label(self) -> str:
        if self.major == 1:
            return f"AWS CLI v1 {self.version}"
        if self.major == 2:
            kind = "installer build" if self.build == "exe" else "distro/source build"
            return f"AWS CLI v2 {self.version} ({kind})"
        return "aws (unknown version)"


def find_clis(path_variable: str | None = None, timeout: float = 30) -> list[FoundCli]:
    """Every distinct `aws` on PATH, first one first, each asked for its version."""
    seen = set()
    found = []
    search = path_variable if path_variable is not None else os.environ.get("PATH", "")
    for folder in search.split(os.pathsep):
        candidate = os.path.join(folder or ".", "aws")
        if not (os.path.isfile(candidate) and os.access(candidate, os.X_OK)):
            continue
        real = os.path.realpath(candidate)
        if real in seen:
            continue
        seen.add(real)
        found.append(describe(candidate, timeout))
    return found


def describe(path: str, timeout: float = 30) -> FoundCli:
    """Run `aws --version` (with an empty config, so a broken one can't hide the version)."""
    cli = FoundCli(path=os.path.abspath(path), real_path=os.path.realpath(path))
    environment = dict(os.environ, AWS_CONFIG_FILE=os.devnull)
    try:
        result = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=timeout, env=environment
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        cli.problem = f"`{path} --version` failed: {error}"
        return cli
    output = result.stdout + result.stderr
    match = _VERSION.search(output)
    if not match:
        cli.problem = f"`{path} --version` printed no version: {output.strip()[:200]!r}"
        return cli
    cli.major = int(match.group(1))
    cli.version = ".".join(match.group(1, 2, 3))
    cli.python_version = (int(match.group(4)), int(match.group(5)))
    cli.build = "exe" if " exe/" in output else "source"
    if cli.major == 1:
        cli.python = script_interpreter(cli.real_path)
        if cli.python is None:
            cli.problem = f"can't tell which Python runs {cli.real_path} (no #! line)"
    return cli


def script_interpreter(path: str) -> str | None:
    """The Python named by a script's #! line (pip's `#!/bin/sh` + `'''exec'` form too)."""
    try:
        with open(path, "rb") as file:
            head = file.read(1024).decode("utf-8", "replace").splitlines()
    except OSError:
        return None
    if not head or not head[0].startswith("#!"):
        return None
    words = head[0][2:].split()
    if words and os.path.basename(words[0]) == "sh" and len(head) > 1:
        exec_line = re.match(r"'''exec' (\"[^\"]+\"|\S+)", head[1])
        return exec_line.group(1).strip('"') if exec_line else None
    if words and os.path.basename(words[0]) == "env" and len(words) > 1:
        return shutil.which(words[1])
    return words[0] if words else None


@dataclass
class V1Environment:
    """Where a v1's Python looks for modules, and whether it already finds ours."""

    python: str
    site_dir: str | None  # where our .pth goes: the environment's own, else the user's
    importable: bool
    problem: str | None = None


_PROBE = r"""
import os, site, sys, sysconfig
purelib = sysconfig.get_paths()["purelib"]
user = site.getusersitepackages() if site.ENABLE_USER_SITE else ""
try:
    import awscli_sso_ext
    importable = os.path.realpath(awscli_sso_ext.__file__)
except Exception:
    importable = ""
print(purelib, user, importable, sep="\n")
"""


def inspect_v1(python: str, plugin_folder: str, timeout: float = 30) -> V1Environment:
    """Ask v1's own Python where its site folder is and whether it imports awscli_sso_ext
    (from anywhere but `plugin_folder`, which only our own .pth puts on its path)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    try:
        result = subprocess.run(
            [python, "-c", _PROBE],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=environment,
            cwd="/",
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return V1Environment(python, None, False, f"{python} can't run: {error}")
    if result.returncode != 0:
        return V1Environment(python, None, False, f"{python} failed: {result.stderr[-300:]}")
    purelib, user, importable = [*result.stdout.splitlines(), "", "", ""][:3]
    site_dir = None
    for folder in (purelib, user):
        if folder and _can_write_into(folder):
            site_dir = folder
            break
    problem = None
    if site_dir is None:
        problem = f"neither {purelib} nor a user site folder of {python} is writable"
    ours = os.path.realpath(plugin_folder) + os.sep
    return V1Environment(
        python, site_dir, bool(importable and not importable.startswith(ours)), problem
    )


def _can_write_into(folder: str) -> bool:
    probe = folder
    while not os.path.isdir(probe):
        parent = os.path.dirname(probe)
        if parent == probe:
            return False
        probe = parent
    return os.access(probe, os.W_OK | os.X_OK)


def pth_text(plugin_folder: str | None) -> str:
    """The .pth for v1: our plugin folder on sys.path (when needed), then the shim."""
    lines = [plugin_folder] if plugin_folder else []
    return "".join(f"{line}\n" for line in [*lines, SHIM_IMPORT])


def build_plugin_folder(folder: Path) -> list[str]:
    """Copy the pure-Python packages the plugin runs on into `folder` (what `pip install
    --target` would put there, without a network or a build); returns what was copied."""
    import importlib

    staging = folder.with_name(folder.name + ".new")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    copied = []
    for name in PLUGIN_PACKAGES:
        package = Path(importlib.import_module(name).__file__).resolve().parent
        shutil.copytree(
            package, staging / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
        copied.append(name)
    ours = staging / "awscli_sso_ext"
    if not (ours / "shell").is_dir():  # an editable install keeps the hooks beside the package
        hooks = Path(importlib.import_module("awscli_sso_ext").__file__).resolve().parent.parent
        if (hooks / "shell").is_dir():
            shutil.copytree(hooks / "shell", ours / "shell")
    if folder.exists():
        old = folder.with_name(folder.name + ".old")
        if old.exists():
            shutil.rmtree(old)
        folder.rename(old)
        staging.rename(folder)
        shutil.rmtree(old)
    else:
        staging.rename(folder)
    return copied


def folder_digest(folder: Path) -> dict[str, str]:
    """{relative path: sha256} of the plugin folder, to tell whether it needs rebuilding."""
    import hashlib

    result = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            result[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return result
