"""The browser of a login never touches stdout and is never waited for; the waiting line."""

from __future__ import annotations

import io
import os
import re
import shlex
import signal
import time
from pathlib import Path

import pytest
from conftest import Tmux, clean_environment
from login_world import DEV, START_URL

CONSOLE_BROWSERS = (
    "www-browser",
    "x-www-browser",
    "sensible-browser",
    "xdg-open",
    "gio",
    "lynx",
    "w3m",
    "links",
    "elinks",
    "firefox",
)
NO_DISPLAY = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "SSH_CONNECTION": "", "SSH_TTY": ""}


def fake_browsers(folder: Path, record: Path) -> Path:
    """A bin folder where each browser a system could run records its own name in `record`."""
    folder.mkdir()
    for name in CONSOLE_BROWSERS:
        script = folder / name
        script.write_text(f"#!/bin/sh\necho {name} >>{record}\necho '\033[1mlynx screen'\n")
        script.chmod(0o755)
    return folder


def switch_code_only(stdout: bytes) -> bool:
    """Whether stdout is nothing but the shell code of a switch (export/unset lines)."""
    lines = stdout.decode().splitlines()
    return bool(lines) and all(line.startswith(("export ", "unset ")) for line in lines)


def test_a_browser_command_that_prints_and_lingers_is_neither_seen_nor_waited_for(world, tmp_path):
    pid_file = tmp_path / "browser.pid"
    browser = tmp_path / "noisy-browser"
    browser.write_text(
        f"#!/bin/sh\necho $$ >{pid_file}\necho 'BROWSER ON STDOUT'\n"
        "echo 'BROWSER ON STDERR' >&2\nexec sleep 30\n"
    )
    browser.chmod(0o755)
    began = time.monotonic()
    try:
        result = world(
            "sso-switch", "dev", "--use-device-code", AWS_SSO_EXT_SHELL="bash", BROWSER=str(browser)
        )
        elapsed = time.monotonic() - began
    finally:
        deadline = time.monotonic() + 10
        while not pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        if pid_file.exists():
            os.kill(int(pid_file.read_text()), signal.SIGKILL)
    assert result.returncode == 0, result.stderr.decode()
    assert elapsed < 20, elapsed  # the 30 s browser was not waited for
    assert switch_code_only(result.stdout), result.stdout
    assert b"BROWSER ON" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "session",
    [
        {},  # a Linux console: no DISPLAY, no WAYLAND_DISPLAY
        {"DISPLAY": ":0", "SSH_CONNECTION": "10.0.0.1 50000 10.0.0.2 22"},  # SSH, X forwarded
        {"WAYLAND_DISPLAY": "wayland-0", "SSH_TTY": "/dev/pts/3"},
    ],
)
def test_without_a_graphical_display_no_browser_is_started(world, tmp_path, session):
    record = tmp_path / "started"
    browsers = fake_browsers(tmp_path / "browsers", record)
    path = f"{browsers}{os.pathsep}{os.environ['PATH']}"
    result = world(
        "sso-switch",
        "dev",
        AWS_SSO_EXT_SHELL="bash",
        PATH=path,
        **{**NO_DISPLAY, "BROWSER": "", **session},
    )
    stderr = result.stderr.decode()
    assert result.returncode == 0, stderr
    assert switch_code_only(result.stdout), result.stdout
    assert not record.exists(), record.read_text()
    assert "/device?user_code=" in stderr and "check that the code shown there is" in stderr
    assert "no graphical display" in stderr


def test_with_a_display_the_desktop_opener_is_started_detached(world, tmp_path):
    record = tmp_path / "started"
    browsers = fake_browsers(tmp_path / "browsers", record)
    result = world(
        "sso-switch",
        "dev",
        "--use-device-code",
        AWS_SSO_EXT_SHELL="bash",
        PATH=f"{browsers}{os.pathsep}{os.environ['PATH']}",
        **{**NO_DISPLAY, "BROWSER": "", "DISPLAY": ":0"},
    )
    assert result.returncode == 0, result.stderr.decode()
    assert switch_code_only(result.stdout), result.stdout
    deadline = time.monotonic() + 10
    while not record.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert record.read_text().split() == ["xdg-open"]


def test_browser_set_by_the_user_is_used_even_without_a_display(world, tmp_path):
    record = tmp_path / "started"
    browser = tmp_path / "my-browser"
    browser.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" >{record}\n')
    browser.chmod(0o755)
    result = world(
        "sso-switch",
        "dev",
        "--use-device-code",
        AWS_SSO_EXT_SHELL="bash",
        **{**NO_DISPLAY, "BROWSER": f"{browser} --new-tab %s"},
    )
    assert result.returncode == 0, result.stderr.decode()
    deadline = time.monotonic() + 10
    while not record.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    arguments = record.read_text().splitlines()
    assert arguments[0] == "--new-tab" and "/device?user_code=" in arguments[1]


def test_browser_commands_are_split_like_the_standard_library_does():
    from awscli_sso_ext.browser import browser_commands

    url = "http://127.0.0.1:1/device?user_code=BCDF-GHJK"
    assert browser_commands(f"firefox{os.pathsep}chromium --incognito %s", url) == [
        ["firefox", url],
        ["chromium", "--incognito", url],
    ]
    assert browser_commands("'/opt/My Browser/run' &", url) == [["/opt/My Browser/run", url]]
    assert browser_commands("", url) == []


# --- While waiting ------------------------------------------------------------------------


def seconds(clock: str) -> int:
    minutes, rest = clock.split(":")
    return int(minutes) * 60 + int(rest)


def test_the_waiting_line_updates_in_place_in_a_real_terminal(world, tmp_path):
    world.sandbox.approve_after = None  # pending until approved below
    status = tmp_path / "status"
    tmux = Tmux(tmp_path)
    environment = clean_environment(
        world.home, **world.environment, AWS_SSO_EXT_SHELL="bash", TERM="xterm"
    )
    command = f"{shlex.quote(str(world.cli.executable))} sso-switch dev --no-browser >/dev/null"
    tmux.start(f"{command}; echo $? >{status}", environment, width=200)
    try:
        first = tmux.wait(r"Waiting for approval of code (\w{4}-\w{4}) at (\S+): (\d+:\d\d) left")
        code, address, left = first.groups()
        assert address.startswith(world.sandbox.url + "/device")
        assert "Ctrl-C cancels" in tmux.screen()
        time.sleep(2.5)
        screen = tmux.screen()
        assert screen.count("Waiting for approval") == 1, screen  # one line, rewritten
        later = re.search(r"(\d+:\d\d) left", screen).group(1)
        assert seconds(later) < seconds(left), (left, later)  # the time left counts down
        world.sandbox.approve(code)
        deadline = time.monotonic() + 20
        while not status.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert status.read_text().strip() == "0", tmux.screen()
        assert f"Logged in to {START_URL}" in tmux.screen()
    finally:
        tmux.stop()


def test_the_waiting_line_is_plain_when_stderr_is_not_a_terminal(world):
    world.sandbox.approve_after = 2.5
    result = world("sso-switch", "dev", "--no-browser", AWS_SSO_EXT_SHELL="bash")
    stderr = result.stderr.decode()
    assert result.returncode == 0, stderr
    assert "\r" not in stderr and "\033" not in stderr
    assert re.search(
        r"^Waiting for approval of code \w{4}-\w{4} at \S+: \d+:\d\d left", stderr, re.M
    )
    assert "Ctrl-C cancels" in stderr


def test_polling_goes_on_until_the_code_really_expires(sandbox_environment, home, monkeypatch):
    """In-process, on a clock that the recorded sleeps move: the last poll is at expiry."""
    import botocore.session

    from awscli_sso_ext.login import DeviceLogin
    from awscli_sso_ext.profiles import SsoTarget

    sandbox, environment = sandbox_environment
    for name, value in {**environment, "HOME": str(home)}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    sandbox.approve_after = None
    sandbox.lifetimes.device_code = 10
    sandbox.lifetimes.polling_interval = 3
    now = [1000.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    target = SsoTarget(DEV, "ReadOnlyAccess", START_URL, "eu-west-1", None)
    login = DeviceLogin(
        botocore.session.Session(),
        "dev",
        target,
        open_browser=False,
        stderr=io.StringIO(),
        sleep=sleep,
        clock=lambda: now[0],
    )
    from awscli_sso_ext.errors import OperationFailed

    with pytest.raises(OperationFailed, match="expired before it was approved"):
        login.run()
    assert slept == [3, 3, 3, 1]  # polled at 0, 3, 6, 9 and at 10 s, when the code expires
    assert len(sandbox.calls("CreateToken")) == 5
