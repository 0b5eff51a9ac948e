"""The line that says a login waits for approval: rewritten in place on a terminal."""

from __future__ import annotations

import os
from typing import Callable, TextIO

PLAIN_LINE_EVERY = 60  # seconds between plain lines when stderr is not a terminal
_CLEAR_LINE = "\r\033[K"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class WaitingLine:
    """What the login waits for (a code's approval at an address, or the browser's return),
    the time left, and how to cancel.

    On a terminal one line is rewritten in place (cut to the terminal's width so it never
    wraps); elsewhere a plain line is written at first and then once a minute."""

    def __init__(
        self,
        stream: TextIO,
        waiting_for: str,
        expires_at: float,
        clock: Callable[[], float],
        ending: str = "the code expires",
    ):
        self._stream = stream
        self._waiting_for = waiting_for
        self._ending = ending
        self._expires_at = expires_at
        self._clock = clock
        self.live = _is_terminal(stream)
        self._last_plain: float | None = None

    def show(self) -> None:
        now = self._clock()
        left = max(0, int(self._expires_at - now))
        text = (
            f"Waiting for {self._waiting_for}: "
            f"{left // 60}:{left % 60:02d} left before {self._ending}. Ctrl-C cancels."
        )
        if self.live:
            self._stream.write(_CLEAR_LINE + text[: self._width()])
        elif self._last_plain is None or now - self._last_plain >= PLAIN_LINE_EVERY:
            self._last_plain = now
            self._stream.write(text + "\n")
        else:
            return
        self._stream.flush()

    def close(self) -> None:
        """Clear the line on a terminal, so what follows starts on a clean one."""
        if self.live:
            self._stream.write(_CLEAR_LINE)
            self._stream.flush()

    def _width(self) -> int:
        try:
            return max(20, os.get_terminal_size(self._stream.fileno()).columns - 1)
        except (OSError, ValueError, AttributeError):
            return 79
