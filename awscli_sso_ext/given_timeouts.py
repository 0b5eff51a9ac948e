"""Which timeout options the user typed to `aws`, noted before the CLI fills in its defaults."""

GIVEN_TIMEOUTS = "sso_ext_given_timeouts"
"""The attribute our plugin adds to the CLI's parsed globals: the timeout options typed."""


def note_given_timeouts(parsed_args, **kwargs):
    """Runs before the CLI fills in its 60 s defaults: notes which timeouts the user typed."""
    typed = [
        name
        for name in ("connect_timeout", "read_timeout")
        if getattr(parsed_args, name, None) is not None
    ]
    setattr(parsed_args, GIVEN_TIMEOUTS, tuple(typed))
