"""botocore sessions for our calls: the CLI's timeouts and retry settings, every answer checked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from awscli_sso_ext.given_timeouts import GIVEN_TIMEOUTS

# Per attempt, and the attempts when the config and environment say nothing: an endpoint
# that never answers is reported in well under a minute (3 x 10 s plus the back-off).
DEFAULT_CONNECT_TIMEOUT = 10
DEFAULT_READ_TIMEOUT = 10
DEFAULT_MAX_ATTEMPTS = 3


TIMEOUT_OPTIONS = {"connect_timeout": "--cli-connect-timeout", "read_timeout": "--cli-read-timeout"}


@dataclass(frozen=True)
class NetworkSettings:
    """Seconds a connection and an answer may take per attempt (None: no limit, as the CLI's
    0 means). Attempts are the profile's max_attempts (or AWS_MAX_ATTEMPTS), else ours."""

    connect_timeout: float | None = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float | None = DEFAULT_READ_TIMEOUT


def network_settings(parsed_globals: Any) -> NetworkSettings:
    """The timeouts the user gave `aws` (`--cli-connect-timeout`, `--cli-read-timeout`); ours
    for those not given. The CLI fills in 60 s for a missing option before our command runs,
    so the plugin notes what was typed (given_timeouts.note_given_timeouts); without that
    note, what the parsed globals hold counts as given."""
    given = getattr(parsed_globals, GIVEN_TIMEOUTS, None)
    values = {}
    for name, default in (
        ("connect_timeout", DEFAULT_CONNECT_TIMEOUT),
        ("read_timeout", DEFAULT_READ_TIMEOUT),
    ):
        typed = name in given if given is not None else hasattr(parsed_globals, name)
        values[name] = getattr(parsed_globals, name, default) if typed else default
    return NetworkSettings(**values)


def profile_session(profile_name: str, settings: NetworkSettings) -> Any:
    """A botocore session for the profile we act on (not whatever AWS_PROFILE says) whose
    clients, including those botocore's credential and token providers create, wait no
    longer than `settings` allow and check each answer."""
    import botocore.session

    return bounded(botocore.session.Session(profile=profile_name), settings)


def bounded(session: Any, settings: NetworkSettings) -> Any:
    """`session`, its clients made to wait no longer than `settings` allow and to check each
    answer."""
    from botocore.config import Config

    from awscli_sso_ext.answers import check_answers

    options: dict[str, Any] = {
        "connect_timeout": settings.connect_timeout,
        "read_timeout": settings.read_timeout,
    }
    if session.get_config_variable("max_attempts") is None:
        options["retries"] = {"total_max_attempts": DEFAULT_MAX_ATTEMPTS}
    session.set_default_client_config(Config(**options))
    check_answers(session)
    return session
