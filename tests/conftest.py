"""Shared test fixtures: the real AWS CLIs and shells, throwaway homes, and CI strictness."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
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


# --- Shell hooks (shell/awscli-sso-ext.*): shared by tests/test_hook_*.py ---------------

HOOK_SHELLS = ("bash", "zsh", "fish")
HOOK_EXTENSIONS = {"bash": "bash", "zsh": "zsh", "fish": "fish", "powershell": "ps1"}
VENV_BIN = Path(sys.prefix) / "bin"


def hook_file(shell: str) -> Path:
    """The hook file of `shell` in this checkout."""
    return ROOT / "shell" / f"awscli-sso-ext.{HOOK_EXTENSIONS[shell]}"


def strict_command(shell: str) -> list:
    """`shell` started non-interactively in its strictest mode, without any user config."""
    path = require_program(shell)
    return {
        "bash": [path, "--noprofile", "--norc", "-euo", "pipefail", "-c"],
        "zsh": [path, "-f", "-euo", "pipefail", "-c"],
        "fish": [path, "--no-config", "--private", "-c"],
    }[shell]


def hook_environment(home: Path, *first_on_path: Path, **extra: str) -> dict:
    """clean_environment with this venv's `aws` (and `first_on_path`) first on PATH."""
    path = [str(folder) for folder in (*first_on_path, VENV_BIN)]
    return clean_environment(home, PATH=os.pathsep.join([*path, os.environ["PATH"]]), **extra)


# Left over from earlier work in a shell: a switch clears all of STALE.
STALE = {
    "AWS_DEFAULT_PROFILE": "my team",
    "AWS_ACCESS_KEY_ID": "AKIAOLD",
    "AWS_SECRET_ACCESS_KEY": "old-secret",
    "AWS_SESSION_TOKEN": "old-token",
}


@pytest.fixture
def fake_aws(tmp_path) -> Path:
    """A folder holding a stand-in `aws` (POSIX sh) that records what it is given.

    Every call appends its AWS_SSO_EXT_SHELL, arguments and stdin to $FAKE_AWS_LOG. For
    `sso-switch NAME` it asks for a line on stderr, reads it from stdin, says so on stderr and prints code setting
    AWS_PROFILE to NAME-LINE in the syntax AWS_SSO_EXT_SHELL names; `sso-switch fail` then
    exits 1, and `sso-switch interrupt` waits to be interrupted. Anything else exits 3.
    """
    folder = tmp_path / "fake-bin"
    folder.mkdir()
    script = folder / "aws"
    script.write_text(
        r"""#!/bin/sh
{
    printf 'shell=%s\n' "${AWS_SSO_EXT_SHELL-<unset>}"
    for word in "$@"; do printf 'arg=[%s]\n' "$word"; done
} >>"$FAKE_AWS_LOG"
found='' name=''
for word in "$@"; do
    if [ -n "$found" ]; then name=$word; break; fi
    if [ "$word" = sso-switch ]; then found=1; fi
done
if [ -z "$found" ]; then
    printf 'stdin=[%s]\n' "$(cat)" >>"$FAKE_AWS_LOG"
    exit 3
fi
echo 'fake aws: code?' >&2
IFS= read -r line || line=''
printf 'fake aws: login prompt read [%s]\n' "$line" >&2
case $AWS_SSO_EXT_SHELL in
    fish) printf "set -gx AWS_PROFILE '%s-%s'\n" "$name" "$line" ;;
    powershell) printf "\$env:AWS_PROFILE = '%s-%s'\n" "$name" "$line" ;;
    *) printf "export AWS_PROFILE='%s-%s'\n" "$name" "$line" ;;
esac
case $name in
    fail) exit 1 ;;
    interrupt) echo $$ >"$FAKE_AWS_LOG.pid"; echo 'fake aws: waiting' >&2; sleep 30 </dev/null >/dev/null 2>&1; exit 0 ;;
esac
exit 0
""",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return folder


# A stand-in fzf (tests/test_picker*.py): records its argv, FZF_DEFAULT_OPTS and stdin in
# $FAKE_FZF_LOG and picks the last line holding $FAKE_FZF_ANSWER.
FAKE_FZF = """#!{python}
import os, sys
log = os.environ["FAKE_FZF_LOG"]
given = sys.stdin.buffer.read()
with open(log, "w", encoding="utf-8") as out:
    out.write(repr({{"argv": sys.argv[1:], "opts": os.environ.get("FZF_DEFAULT_OPTS"),
        "stdin": given.decode("utf-8"), "stdin_is_tty": os.isatty(0)}}))
answer = os.environ.get("FAKE_FZF_ANSWER", "")
pick = [line for line in given.decode().splitlines() if answer and answer in line]
if os.environ.get("FAKE_FZF_EXIT"):
    sys.stdout.write(os.environ.get("FAKE_FZF_OUT", ""))
    sys.exit(int(os.environ["FAKE_FZF_EXIT"]))
sys.stdout.write(pick[-1] + "\\n" if pick else "")
sys.exit(0 if pick else 1)
"""


@pytest.fixture
def fake_fzf(tmp_path) -> tuple[Path, Path]:
    """(folder with a fake fzf that records what it gets and answers a line, its log)."""
    folder = tmp_path / "fzf-bin"
    folder.mkdir()
    script = folder / "fzf"
    script.write_text(FAKE_FZF.format(python=sys.executable))
    script.chmod(0o755)
    return folder, tmp_path / "fzf.log"


START_URL = "https://d-1234567890.awsapps.com/start"
FAR_FUTURE = "2099-01-01T00:00:00Z"


def write_token(home: Path, session_name: str | None, start_url: str = START_URL, **fields) -> Path:
    """A cached SSO login under `home`, valid until 2099 unless `fields` say otherwise."""
    from awscli_sso_ext import tokens

    key = tokens.token_cache_key(start_url, session_name)
    path = home / ".aws" / "sso" / "cache" / f"{key}.json"
    data = {"startUrl": start_url, "region": "eu-west-1", "accessToken": "cached-access-token"}
    data["expiresAt"] = FAR_FUTURE
    data.update(fields)
    tokens.write_json_atomically(str(path), data)
    return path


# Put on PYTHONPATH as sitecustomize.py of a real CLI: any request that would leave this
# machine fails at name resolution (a proxy can't be the guard: botocore chooses the proxy
# from the service's AWS host name even when the endpoint is the sandbox).
LOOPBACK_GUARD = """\
import socket
_resolve = socket.getaddrinfo
def _loopback_only(host, *args, **kwargs):
    if host not in ("127.0.0.1", "localhost"):
        raise OSError("test guard: no traffic to " + str(host))
    return _resolve(host, *args, **kwargs)
socket.getaddrinfo = _loopback_only
"""


# No browser and no display: logins use the device code (the sandbox approves it at once)
# and nothing is opened. Tests of the browser and of PKCE set BROWSER themselves.
HEADLESS = {"BROWSER": "", "DISPLAY": "", "WAYLAND_DISPLAY": ""}


@pytest.fixture
def sandbox_environment(tmp_path):
    """(sandbox, environment) for real CLIs: endpoints on loopback for v1 and Debian's v2."""
    from awscli_sso_ext.sandbox import Sandbox

    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(LOOPBACK_GUARD)
    with Sandbox(approve_after=0) as sandbox:
        environment = dict(sandbox.endpoint_environment())
        environment["AWS_DATA_PATH"] = str(sandbox.write_data_path(tmp_path / "data"))
        environment.update(PYTHONPATH=str(guard), AWS_EC2_METADATA_DISABLED="true")
        environment.update(HEADLESS)
        yield sandbox, environment


@pytest.fixture
def world(aws_cli, home, sandbox_environment):
    """A home configured for the sandbox (tests/login_world.py), and a function running the
    CLI there."""
    from login_world import CONFIG

    sandbox, environment = sandbox_environment
    # credential_process runs the same CLI: v1 can't read the v2 config (cli_legacy_plugin_path).
    aws_cli.write_config(home, CONFIG.replace("AWS sso-env", f"{aws_cli.executable} sso-env"))

    def run(*args, cli=aws_cli, **extra):
        return cli.run(home, *args, env={**environment, **extra})

    run.sandbox, run.home, run.environment, run.cli = sandbox, home, environment, aws_cli
    return run


# --- Terminals (tests/test_demo.py, tests/test_prompt_auto.py) ---------------------------


class Tmux:
    """One private tmux server running one command in a window (220x60 unless told)."""

    def __init__(self, folder: Path):
        self.tmux = require_program("tmux")
        self.socket = folder / "tmux.sock"
        self.conf = folder / "tmux.conf"
        self.conf.write_text(
            "set -g remain-on-exit on\nset -g history-limit 5000\nset -g default-shell /bin/sh\n"
        )

    def __call__(self, *args: str) -> str:
        result = subprocess.run(
            [self.tmux, "-S", str(self.socket), *args],
            capture_output=True,
            text=True,
            timeout=20,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def start(self, command: str, env: dict, width: int = 220, height: int = 60) -> None:
        server = (self.tmux, "-S", str(self.socket), "-f", str(self.conf))
        subprocess.run(
            [*server, "new-session", "-d", "-x", str(width), "-y", str(height), command],
            env=env,
            check=True,
            timeout=20,
        )

    def keys(self, *keys: str) -> None:
        self("send-keys", *keys)

    def line(self, text: str) -> None:
        self("send-keys", "-l", text)
        self("send-keys", "Enter")

    def screen(self) -> str:
        """Everything shown so far (blank lines below the cursor left out)."""
        return self("capture-pane", "-p", "-J", "-S", "-").rstrip()

    def value(self, name: str) -> str:
        return self("display-message", "-p", f"#{{{name}}}").strip()

    def wait(self, pattern: str, timeout: float = 30, after: int = 0) -> re.Match:
        """The first match of `pattern` (multiline) in the screen after offset `after`."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            match = re.compile(pattern, re.M).search(screen, after)
            if match:
                return match
            if time.monotonic() > deadline:
                pytest.fail(f"no {pattern!r} on the screen in {timeout} s:\n{screen}")
            time.sleep(0.2)

    def stop(self) -> None:
        subprocess.run(
            [self.tmux, "-S", str(self.socket), "kill-server"], capture_output=True, timeout=20
        )


# --- Installer (tests/test_install_*.py) ------------------------------------------------

TOOLS = (
    "sh",
    "bash",
    "zsh",
    "fish",
    "env",
    "dirname",
    "basename",
    "mkdir",
    "ln",
    "rm",
    "rmdir",
    "cat",
    "readlink",
    "ls",
    "uname",
    "sed",
    "grep",
    "cp",
    "mv",
    "chmod",
    "date",
    "sleep",
    "tty",
    "stty",
    "id",
    "head",
    "tr",
    "sort",
)


@pytest.fixture(scope="session")
def toolbox(tmp_path_factory) -> Path:
    """A bin folder with the usual tools and a python3, but no `aws`: PATH under control."""
    folder = tmp_path_factory.mktemp("toolbox")
    for tool in TOOLS:
        found = shutil.which(tool)
        if found:
            (folder / tool).symlink_to(found)
    (folder / "python3").symlink_to(sys.executable)
    return folder


@pytest.fixture(scope="session")
def v1_elsewhere(tmp_path_factory) -> Path:
    """A bin folder holding an AWS CLI v1 whose own Python can't import awscli_sso_ext.

    A venv without pip whose site folder reaches this environment's packages through a
    plain path .pth (editable installs are .pth-based, so awscli_sso_ext is not visible).
    """
    require(V1_AWS.exists(), "AWS CLI v1 in the test environment")
    root = tmp_path_factory.mktemp("v1-elsewhere") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    purelib = subprocess.run(
        [
            str(root / "bin" / "python"),
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    import sysconfig

    Path(purelib, "test-environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    script = V1_AWS.read_text(encoding="utf-8").split("\n", 1)[1]
    aws = root / "bin" / "aws"
    aws.write_text(f"#!{root / 'bin' / 'python'}\n{script}", encoding="utf-8")
    aws.chmod(0o755)
    return root / "bin"


@pytest.fixture
def v1_site_left_clean(v1_elsewhere):
    """The v1 environment is shared by the session: no test leaves our .pth in it."""
    yield
    for pth in (v1_elsewhere.parent / "lib").rglob("awscli-sso-ext.pth"):
        pth.unlink()


@pytest.fixture(scope="session")
def v2_only(tmp_path_factory) -> Path:
    """A bin folder with Debian's AWS CLI v2 as its only `aws`."""
    require(V2_AWS.exists(), "Debian's AWS CLI v2 (/usr/bin/aws)")
    folder = tmp_path_factory.mktemp("v2-bin")
    (folder / "aws").symlink_to(V2_AWS)
    return folder


@pytest.fixture(scope="session")
def built_wheel(tmp_path_factory) -> Path:
    """This project as a wheel, built once: install.sh installs it instead of the clone."""
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(folder),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    return next(folder.glob("*.whl"))


def traced_processes(command: list, tmp_path: Path, env: dict | None = None, timeout: float = 60):
    """(the finished run of `command`, the processes it started) under strace: execve,
    fork, vfork and clone, a clone with CLONE_THREAD being a thread (fish has some)."""
    strace = require_program("strace")
    trace = tmp_path / "strace.out"
    calls = "trace=execve,clone,clone3,fork,vfork"
    result = subprocess.run(
        [strace, "-f", "-qq", "-e", calls, "-o", str(trace), *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    processes = []
    for line in trace.read_text().splitlines():
        call = line.split(None, 1)[1] if " " in line else ""
        if call.startswith(("execve", "clone", "fork", "vfork")) and "CLONE_THREAD" not in call:
            processes.append(call.split("(")[0])
    return result, processes
