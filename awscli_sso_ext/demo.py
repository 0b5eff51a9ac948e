"""`aws-sso-ext demo`: a throwaway shell against the sandbox Identity Center on 127.0.0.1."""

# The sandbox runs in a thread of this process; the shell is a child with its own home under
# one temporary folder. However the demo ends (`exit`, a killed shell, Ctrl-C before the
# shell starts, SIGTERM or SIGHUP to this process), the server stops and the folder is
# deleted. Ctrl-C while the shell runs is the shell's: it never ends the demo.

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from awscli_sso_ext import demo_home, install_clis
from awscli_sso_ext.errors import EXIT_INTERRUPTED, UsageError
from awscli_sso_ext.shells import DEMO_SHELLS

FOLDER_PREFIX = "aws-sso-ext-demo-"
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
SHELL_EXIT_WAIT = 5  # seconds a hung-up shell gets before SIGKILL


class Stopped(Exception):
    """This process got SIGTERM or SIGHUP: end the shell and clean up."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _stop(signum, frame) -> None:
    raise Stopped(signum)


def _pass(signum, frame) -> None:
    """SIGINT while the shell runs belongs to the shell (Ctrl-C at its prompt)."""


def choose_shell(requested: str | None) -> tuple[str, str, str]:
    """(name, path, how it was chosen): --shell, else the running shell, else bash."""
    if requested:
        how = "--shell"
        name = requested
    else:
        from awscli_sso_ext.detection import detect_shell

        detected, how = detect_shell()
        name = detected or ""
        if name not in DEMO_SHELLS:
            how = f"bash, since the demo has no {name or 'detected'} shell ({how})"
            name = "bash"
        else:
            how = f"detected: {how}"
    path = shutil.which(name)
    if path is None:
        raise UsageError(
            f"{name} is not installed here.", f"Pick another: --shell {'|'.join(DEMO_SHELLS)}."
        )
    return name, path, how


def choose_cli(requested: str | None) -> install_clis.FoundCli:
    """--aws PATH, else the first usable `aws` on PATH (the one you would run yourself)."""
    if requested:
        path = shutil.which(requested) if os.sep not in requested else requested
        if not path or not os.access(path, os.X_OK):
            raise UsageError(f"No AWS CLI at {requested}.", "Name an executable `aws`.")
        candidates = [path]
    else:
        candidates = []
        for folder in os.environ.get("PATH", "").split(os.pathsep):
            path = os.path.join(folder or ".", "aws")
            if os.path.isfile(path) and os.access(path, os.X_OK):
                candidates.append(path)
    problems = []
    for path in candidates:
        cli = install_clis.describe_path(path)
        if cli.problem or cli.major not in (1, 2):
            problems.append(f"{path}: {cli.problem or 'not AWS CLI v1 or v2'}")
        elif cli.major == 2 and cli.build == "exe" and cli.python_version < (3, 9):
            problems.append(f"{path}: this v2 build runs Python < 3.9; the plugin needs 3.9+")
        else:
            return cli
    raise UsageError(
        "No usable AWS CLI for the demo" + (f" ({'; '.join(problems)})." if problems else "."),
        "Install AWS CLI v1 (`pip install awscli`) or v2, or run ./install.sh --demo.",
    )


def plugin_registration(cli: install_clis.FoundCli, folder: Path) -> tuple[dict, str | None]:
    """([plugins] settings, PYTHONPATH entry or None) that make `cli` load this plugin.

    v2 loads it from `folder` (cli_legacy_plugin_path); a v1 that can't import the package
    finds `folder` on the demo shell's PYTHONPATH (nothing is written into its environment).
    """
    settings = {"sso_ext": "awscli_sso_ext"}
    install_clis.build_plugin_folder(str(folder))
    if cli.major == 2:
        settings["cli_legacy_plugin_path"] = str(folder)
        return settings, None
    probe = install_clis.inspect_v1(cli.python or "python3", str(folder))
    return settings, None if probe.importable else str(folder)


def banner(world: demo_home.DemoHome, sandbox, cli, how_shell: str) -> str:
    organisation = sandbox.organisation
    approve = sandbox.approve_after
    when = "when its address is opened" if approve is None else f"{approve:g} s after it starts"
    names = " ".join(profile.name for profile in world.profiles)
    return f"""\
awscli-sso-ext demo: a throwaway {world.shell} against a local IAM Identity Center.
  Identity Center  {sandbox.url} (start URL {organisation.start_url}, {organisation.region});
                   it approves each login by itself {when} (--approve-after).
  AWS CLI          {cli.path}: {cli.label} (--aws PATH picks another)
  Shell            {world.shell} ({how_shell}), the hook loaded, the prompt segment on
  Home             {world.home}: your own ~/.aws, rc files and logins are not used
  Profiles         {names}

Try:
  aws sso-switch st<TAB>           complete a profile name; Enter logs in and switches
  aws sts get-caller-identity      who this shell is now
  aws sso-env --credentials        role keys for tools that don't speak SSO
  aws sso-switch prod-admin        another account: no second login
  aws sso-switch -                 back to the previous profile
  aws sso-sync --dry-run           a profile per account and role: the diff (drop --dry-run)
  exit                             the sandbox stops and every file above is deleted
"""


def run(
    shell: str | None = None,
    approve_after: float | None = 2.0,
    aws: str | None = None,
    stderr=None,
) -> int:
    """Run the demo until its shell exits; return the shell's exit status (128+N on signal N)."""
    from awscli_sso_ext.hooks import hook_path
    from awscli_sso_ext.sandbox import Sandbox

    stderr = stderr if stderr is not None else sys.stderr
    previous = {signum: signal.signal(signum, _stop) for signum in STOP_SIGNALS}
    previous_int = signal.getsignal(signal.SIGINT)
    root = sandbox = process = None
    reaper = False
    try:
        name, shell_path, how_shell = choose_shell(shell)
        cli = choose_cli(aws)
        root = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX))
        settings, python_path = plugin_registration(cli, root / "plugins")
        sandbox = Sandbox(approve_after=approve_after).start()
        world = demo_home.build(
            root,
            sandbox=sandbox,
            shell=name,
            shell_path=shell_path,
            hook=hook_path(name),
            aws=cli.path,
            plugin_settings=settings,
            python_path=python_path,
            base_environment=dict(os.environ),
        )
        stderr.write(banner(world, sandbox, cli, how_shell))
        stderr.flush()
        signal.signal(signal.SIGINT, _pass)
        reaper = _adopt_orphans(True)
        process = subprocess.Popen(world.argv, env=world.environment, cwd=world.home)
        status = process.wait()
        return status if status >= 0 else 128 - status
    except Stopped as stopped:
        return 128 + stopped.signum
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    finally:
        for signum in (*STOP_SIGNALS, signal.SIGINT):
            signal.signal(signum, _pass)  # nothing interrupts the cleanup
        _end_shell(process)
        if reaper:
            _end_orphans()
            _adopt_orphans(False)
        if sandbox is not None:
            sandbox.stop()
        if root is not None:
            shutil.rmtree(root, ignore_errors=True)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        signal.signal(signal.SIGINT, previous_int)
        if root is not None:
            _say(stderr, "awscli-sso-ext demo: the sandbox is stopped and its files are deleted.\n")


def _end_shell(process: subprocess.Popen | None) -> None:
    """Hang up a shell that is still running (it passes SIGHUP on to its jobs), then wait."""
    if process is None or process.poll() is not None:
        return
    try:
        process.send_signal(signal.SIGHUP)
        process.wait(SHELL_EXIT_WAIT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


PR_SET_CHILD_SUBREAPER = 36


def _adopt_orphans(adopt: bool) -> bool:
    """Linux: become (or stop being) the parent of whatever the shell leaves running (jobs
    left by `exit`, or by a killed shell), so the demo can end them; False elsewhere."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, int(adopt), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _children() -> list[int]:
    me = os.getpid()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as file:
                fields = file.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == me:
            found.append(int(entry))
    return found


def _end_orphans(grace: float = 2) -> None:
    """Hang up the processes the shell left behind; kill those still there after `grace` s."""
    for signum in (signal.SIGHUP, signal.SIGKILL):
        pids = _children()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)
        deadline = time.monotonic() + grace
        while pids and time.monotonic() < deadline:
            pids = [pid for pid in pids if not _reaped(pid)]
            if pids:
                time.sleep(0.05)
        if not pids:
            return


def _reaped(pid: int) -> bool:
    try:
        return os.waitpid(pid, os.WNOHANG)[0] == pid
    except ChildProcessError:
        return True


def _say(stderr, text: str) -> None:
    try:  # the terminal may be gone (SIGHUP)
        stderr.write(text)
        stderr.flush()
    except (OSError, ValueError):
        pass
