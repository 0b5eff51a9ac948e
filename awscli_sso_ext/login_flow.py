"""Which login fits here: PKCE needs a browser that reaches this machine's 127.0.0.1."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

from awscli_sso_ext.browser import can_show_a_browser
from awscli_sso_ext.profiles import SsoTarget

# Files container runtimes leave behind (Docker, Podman); `container` is set by systemd-nspawn,
# Podman and LXC; Kubernetes sets KUBERNETES_SERVICE_HOST in every pod.
CONTAINER_FILES = ("/.dockerenv", "/run/.containerenv")
CONTAINER_VARIABLES = ("container", "KUBERNETES_SERVICE_HOST")


def in_container(environ: Mapping[str, str], marker_files: Sequence[str] = CONTAINER_FILES) -> bool:
    """Whether this process seems to run in a container."""
    if any(environ.get(name) for name in CONTAINER_VARIABLES):
        return True
    return any(os.path.exists(path) for path in marker_files)


def device_code_reason(
    target: SsoTarget,
    *,
    use_device_code: bool,
    environ: Mapping[str, str] | None = None,
    platform: str = sys.platform,
    marker_files: Sequence[str] = CONTAINER_FILES,
) -> str | None:
    """None when the PKCE flow can work here, else why the device code is used instead.

    A BROWSER the user set is trusted to reach this machine (it runs here, or forwards
    ports, as remote editors' helpers do), except over SSH."""
    environ = os.environ if environ is None else environ
    if target.session_name is None:
        return (
            "the profile has legacy SSO settings (sso_start_url in the profile, no "
            "sso-session), which log in with a code only"
        )
    if use_device_code:
        return "--use-device-code was given"
    if environ.get("SSH_CONNECTION") or environ.get("SSH_TTY"):
        return (
            "this is an SSH session (SSH_CONNECTION or SSH_TTY is set), where a browser can't "
            "reach this machine's 127.0.0.1"
        )
    if environ.get("BROWSER", "").strip():
        return None
    if not can_show_a_browser(environ, platform):
        return "there is no graphical display (DISPLAY and WAYLAND_DISPLAY are unset)"
    if in_container(environ, marker_files):
        return "this runs in a container, whose 127.0.0.1 a browser outside can't reach"
    return None
