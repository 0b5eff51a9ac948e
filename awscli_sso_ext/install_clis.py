"""Finds every `aws` on PATH and the real CLI behind each shim or wrapper, and what it runs on."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from awscli_sso_ext import install_files

PTH_NAME = "awscli-sso-ext.pth"
# A .pth line (Python runs lines that start with `import`): loads the shim only while the
# package can be found, so a .pth left behind never makes Python print errors at start-up.
SHIM_IMPORT = (
    "import importlib.util as _u; "
    '_u.find_spec("awscli_sso_ext") and __import__("awscli_sso_ext.install_v1_shim")'
)
# What the plugin imports inside `aws`, copied into the plugin folder with it.
PLUGIN_PACKAGES = ("awscli_sso_ext", "shellingham")
_VERSION = re.compile(r"aws-cli/(\d+)\.(\d+)\.(\d+)\S*\s+Python/(\d+)\.(\d+)")
# Version managers whose shims run `TOOL exec PROGRAM` (pyenv, asdf) or are links to the tool
# itself (mise): each answers `TOOL which PROGRAM` with the program it would run here.
VERSION_MANAGERS = ("pyenv", "asdf", "mise", "rtx")
SHELLS = ("sh", "bash", "dash", "zsh", "ksh", "mksh", "ash")
_MAX_HOPS = 8


class Unresolved(Exception):
    """A shim or wrapper whose real program can't be found (the message says why)."""


@dataclass
class FoundCli:
    """One `aws` on PATH: the real CLI behind it, which CLI it is and what Python it runs on."""

    path: str
    real_path: str
    via: list = field(default_factory=list)  # how the real CLI was found, for messages
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
    """Every distinct real `aws` behind the ones on PATH, first one first."""
    seen = set()
    found = []
    search = path_variable if path_variable is not None else os.environ.get("PATH", "")
    for folder in search.split(os.pathsep):
        candidate = os.path.abspath(os.path.join(folder or ".", "aws"))
        if not (os.path.isfile(candidate) and os.access(candidate, os.X_OK)):
            continue
        try:
            real, via = resolve_program(candidate, "aws", timeout)
        except Unresolved as error:
            if os.path.realpath(candidate) not in seen:
                seen.add(os.path.realpath(candidate))
                found.append(FoundCli(candidate, os.path.realpath(candidate), problem=str(error)))
            continue
        key = os.path.realpath(real)
        if key in seen:
            continue
        seen.add(key)
        found.append(describe(candidate, real, via, timeout))
    return found


def describe_path(path: str, timeout: float = 30) -> FoundCli:
    """describe() the real CLI behind one `aws` (a problem when it can't be found)."""
    try:
        real, via = resolve_program(path, "aws", timeout)
    except Unresolved as error:
        return FoundCli(os.path.abspath(path), os.path.realpath(path), problem=str(error))
    return describe(os.path.abspath(path), real, via, timeout)


# --- Behind shims and wrappers ----------------------------------------------------------


def resolve_program(path: str, name: str, timeout: float = 30, hops: int = 0):
    """(the program `path` really runs, the steps taken): follows a version manager's shim by
    asking the manager, and a shell wrapper whose last command is `exec PROGRAM ...`.

    The result keeps its own name (a venv's python is a link whose target is another Python).
    """
    if hops > _MAX_HOPS:
        raise Unresolved(f"{path}: too many wrappers in a row")
    real = os.path.realpath(path)
    tool = os.path.basename(real)
    if tool in VERSION_MANAGERS:  # mise: every shim is a link to mise itself
        return _ask_manager(real, path, name, {}, timeout, hops)
    head = _read_head(real)
    words = _shebang(head)
    if not words or not _is_shell(words) or _is_pip_launcher(head):
        return path, []
    command = _last_command(head)
    if command is None:
        return path, []  # a shell script that is the CLI itself, or one we can't follow
    environment, argv = command
    target = os.path.expanduser(argv[0])
    if os.path.basename(target) in VERSION_MANAGERS and argv[1:2] in (["exec"], ["x"]):
        return _ask_manager(_which(target, path), path, name, environment, timeout, hops)
    if "$" in target:
        raise Unresolved(f"{path} runs {argv[0]}, a path this installer can't work out")
    program = _which(target, path)
    real_program, steps = resolve_program(program, name, timeout, hops + 1)
    return real_program, [f"{path} runs {program}", *steps]


def _read_head(path: str) -> str:
    try:
        with open(path, "rb") as file:
            return file.read(8192).decode("utf-8", "replace")
    except OSError:
        return ""


def _shebang(head: str) -> list[str]:
    first = head.split("\n", 1)[0]
    return first[2:].split() if first.startswith("#!") else []


def _is_shell(words: list[str]) -> bool:
    program = os.path.basename(words[0])
    if program == "env" and len(words) > 1:
        program = os.path.basename(next((w for w in words[1:] if not w.startswith("-")), ""))
    return program in SHELLS


def _is_pip_launcher(head: str) -> bool:
    """pip's `#!/bin/sh` + `'''exec' python "$0"` form: a Python script that runs itself."""
    lines = head.split("\n")
    return len(lines) > 1 and lines[1].startswith("'''exec'")


def _last_command(head: str):
    """({NAME: value} exported before it, argv) of a script's last line when it is
    `exec PROGRAM "$@"` (after assignments or `env`), else None."""
    environment = {}
    last = None
    for line in head.split("\n")[1:]:
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            continue
        if not words:
            continue
        last = words
        if words[0] == "export" and len(words) == 2 and "=" in words[1]:
            name, value = words[1].split("=", 1)
            if "$" not in value:
                environment[name] = value
    if not last:
        return None
    while last and re.match(r"[A-Za-z_][A-Za-z0-9_]*=", last[0]):
        last = last[1:]
    if not last or last[0] != "exec":
        return None
    argv = last[1:]
    while argv and argv[0].startswith("-"):  # exec -a NAME, -c, -l
        argv = argv[2:] if argv[0] == "-a" else argv[1:]
    if argv and os.path.basename(argv[0]) == "env":
        argv = argv[1:]
        while argv and (argv[0].startswith("-") or "=" in argv[0]):
            argv = argv[1:]
    argv = [_expand_home(word) for word in argv]
    return (environment, argv) if argv else None


def _expand_home(word: str) -> str:
    home = os.path.expanduser("~")
    return word.replace("${HOME}", home).replace("$HOME", home)


def _which(program: str, script: str) -> str:
    if os.sep in program:
        if os.path.isfile(program) and os.access(program, os.X_OK):
            return program
        raise Unresolved(f"{script} runs {program}, which doesn't exist")
    found = shutil.which(program)
    if found is None:
        raise Unresolved(f"{script} runs `{program}`, which is not on PATH")
    return found


def _ask_manager(manager: str, shim: str, name: str, environment, timeout: float, hops: int):
    tool = os.path.basename(os.path.realpath(manager))
    command = [manager, "which", name]
    try:
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, **environment},
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        why = f"{shim} is a {tool} shim; `{tool} which {name}` failed: {error}"
        raise Unresolved(why) from None
    answer = result.stdout.strip().splitlines()[-1:] if result.returncode == 0 else []
    if not answer or not os.path.isfile(answer[0]):
        why = (result.stderr.strip().splitlines() or [f"exit {result.returncode}"])[0]
        raise Unresolved(f"{shim} is a {tool} shim, and `{tool} which {name}` says: {why}")
    real, steps = resolve_program(answer[0], name, timeout, hops + 1)
    return real, [f"{shim} is a {tool} shim for {answer[0]}", *steps]


# --- Which CLI, on which Python ---------------------------------------------------------


def describe(path: str, real: str, via: list, timeout: float = 30) -> FoundCli:
    """Run `REAL --version` (with an empty config, so a broken one can't hide the version)."""
    cli = FoundCli(path=path, real_path=os.path.realpath(real), via=via)
    environment = dict(os.environ, AWS_CONFIG_FILE=os.devnull)
    try:
        result = subprocess.run(
            [real, "--version"],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=environment,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        cli.problem = f"`{real} --version` failed: {error}"
        return cli
    output = result.stdout + result.stderr
    match = _VERSION.search(output)
    if not match:
        cli.problem = f"`{real} --version` printed no version: {output.strip()[:200]!r}"
        return cli
    cli.major = int(match.group(1))
    cli.version = ".".join(match.group(1, 2, 3))
    cli.python_version = (int(match.group(4)), int(match.group(5)))
    cli.build = "exe" if " exe/" in output else "source"
    if cli.major == 1:
        try:
            cli.python = script_interpreter(real, timeout)
        except Unresolved as error:
            cli.problem = f"can't tell which Python runs {real}: {error}"
    return cli


def script_interpreter(path: str, timeout: float = 30) -> str:
    """The Python a script runs on, from its #! line (pip's `#!/bin/sh` + `'''exec'` form
    and `#!/usr/bin/env python3` too), behind any shim; Unresolved unless it is a Python."""
    head = _read_head(path)
    words = _shebang(head)
    if not words:
        raise Unresolved(f"{path} has no #! line")
    if _is_pip_launcher(head):
        line = head.split("\n")[1]
        match = re.match(r"'''exec' (\"[^\"]+\"|\S+)", line)
        python = match.group(1).strip('"') if match else ""
    elif os.path.basename(words[0]) == "env":
        name = next((w for w in words[1:] if not w.startswith("-") and "=" not in w), "")
        python = _which(name, path) if name else ""
    else:
        python = words[0]
    if not python:
        raise Unresolved(f"{path}'s #! line names no program")
    python, _steps = resolve_program(python, os.path.basename(python), timeout)
    if not is_python(python):
        raise Unresolved(f"its #! line leads to {python}, which is not a Python")
    return python


def is_python(path: str) -> bool:
    """Whether `path` is a Python interpreter (by its name or its target's), not a shell."""
    names = {os.path.basename(path), os.path.basename(os.path.realpath(path))}
    return any(re.fullmatch(r"(python|pypy)[0-9.]*[a-z]?(\.exe)?", name) for name in names)


@dataclass
class V1Environment:
    """Where a v1's Python looks for modules, and whether it already finds ours."""

    python: str
    site_dir: str | None  # where our .pth goes: the environment's own, else the user's
    importable: bool
    problem: str | None = None
    purelib: str = ""
    has_pip: bool = False
    shim_active: bool = False  # a .pth already loads install_v1_shim (written by its owner)


_PROBE = r"""
import os, site, sys, sysconfig
purelib = sysconfig.get_paths()["purelib"]
user = site.getusersitepackages() if site.ENABLE_USER_SITE else ""
try:
    import awscli_sso_ext
    importable = os.path.realpath(awscli_sso_ext.__file__)
except Exception:
    importable = ""
import importlib.util
pip = importlib.util.find_spec("pip") is not None
shim = "awscli_sso_ext.install_v1_shim" in sys.modules
print(purelib, user, importable, pip, shim, sep="\n")
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
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return V1Environment(python, None, False, f"{python} can't run: {error}")
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or [f"exit {result.returncode}"])[-1]
        return V1Environment(python, None, False, f"{python} failed: {last}")
    purelib, user, importable, pip, shim = [*result.stdout.splitlines(), "", "", "", "", ""][:5]
    site_dir = None
    for folder in (purelib, user):
        if folder and _can_write_into(folder):
            site_dir = folder
            break
    ours = os.path.realpath(plugin_folder) + os.sep
    return V1Environment(
        python,
        site_dir,
        bool(importable and not importable.startswith(ours)),
        None,
        purelib,
        pip == "True",
        shim == "True",
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


# --- The plugin folder (what v2, and a v1 that can't import us, load the plugin from) ----


def build_plugin_folder(folder: str) -> None:
    """Copy the pure-Python packages the plugin runs on into `folder` (what `pip install
    --target` would put there, without a network or a build), swapping it in whole."""
    import tempfile

    target = Path(folder)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}-new-"))
    for name in PLUGIN_PACKAGES:
        package = _package_folder(name)
        shutil.copytree(
            package, staging / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    ours = staging / "awscli_sso_ext"
    if not (ours / "shell").is_dir():  # an editable install keeps the hooks beside the package
        hooks = _package_folder("awscli_sso_ext").parent
        if (hooks / "shell").is_dir():
            shutil.copytree(hooks / "shell", ours / "shell")
    os.chmod(staging, 0o755)
    install_files.write_point()
    if target.exists():
        old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}-old-"))
        os.rename(target, old)  # onto the empty folder mkdtemp reserved
        install_files.write_point()
        os.rename(staging, target)
        shutil.rmtree(old)
    else:
        os.rename(staging, target)


def _package_folder(name: str) -> Path:
    """The folder the installed package `name` is imported from."""
    import importlib

    return Path(str(importlib.import_module(name).__file__)).resolve().parent


def recover_plugin_folder(folder: str) -> None:
    """After a stop halfway through build_plugin_folder(): the old folder back in place if
    the new one never arrived, and no half-copied folder left."""
    target = Path(folder)
    if not target.parent.is_dir():
        return
    for leftover in sorted(target.parent.glob(f".{target.name}-*-*")):
        if not leftover.is_dir() or leftover.is_symlink():
            continue
        if leftover.name.startswith(f".{target.name}-old-") and not target.exists():
            os.rename(leftover, target)
        else:
            shutil.rmtree(leftover)


def folder_digest(folder: Path) -> dict[str, str]:
    """{relative path: sha256} of the plugin folder, to tell whether it needs rebuilding."""
    import hashlib

    result = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            result[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return result


def wanted_digest() -> dict[str, str]:
    """folder_digest() of the folder build_plugin_folder() would make now."""
    result = {}
    for name in PLUGIN_PACKAGES:
        package = _package_folder(name)
        for key, value in folder_digest(package).items():
            if not key.endswith(".pyc"):
                result[f"{name}/{key}"] = value
    if "awscli_sso_ext/shell/awscli-sso-ext.bash" not in result:
        hooks = _package_folder("awscli_sso_ext").parent
        if (hooks / "shell").is_dir():
            for key, value in folder_digest(hooks / "shell").items():
                result[f"awscli_sso_ext/shell/{key}"] = value
    return result
