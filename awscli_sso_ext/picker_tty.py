"""The built-in picker: a filtered list drawn in raw mode on /dev/tty, never on stdout."""

from __future__ import annotations

import codecs
import contextlib
import os
import select
import signal
import termios
from collections.abc import Iterator

from awscli_sso_ext.display import fit, printable, width
from awscli_sso_ext.errors import Cancelled

ESCAPE_WAIT = 0.05  # seconds after a lone ESC for the rest of an arrow key's sequence
RESIZE_POLL = 0.25  # seconds between looks at the terminal's size while no key comes
TITLE = "Switch this shell to (type to filter, Up/Down move, Enter choose, Esc cancel):"
PROMPT = "> "
CANCEL = "cancel"

_KEYS = {
    b"\r": "enter",
    b"\n": "enter",
    b"\x03": CANCEL,  # Ctrl-C (ISIG is off: it arrives as a byte)
    b"\x07": CANCEL,  # Ctrl-G
    b"\x04": CANCEL,  # Ctrl-D
    b"\x7f": "backspace",
    b"\x08": "backspace",
    b"\x15": "clear",  # Ctrl-U
    b"\x17": "word",  # Ctrl-W
    b"\x10": "up",  # Ctrl-P
    b"\x0e": "down",  # Ctrl-N
    b"\x1b[A": "up",
    b"\x1bOA": "up",
    b"\x1b[B": "down",
    b"\x1bOB": "down",
    b"\x1b[5~": "page-up",
    b"\x1b[6~": "page-down",
}


class PickerState:
    """What the picker shows: the query, the entries matching it, the highlighted one."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self._folded = [line.casefold() for line in lines]
        self.query = ""
        self.matches = list(range(len(lines)))
        self.selected = 0  # index into matches
        self.offset = 0  # first match shown

    def _filter(self) -> None:
        """Entries holding every word of the query (case-insensitive); the first is
        highlighted again, since Enter takes the first match."""
        words = self.query.casefold().split()
        self.matches = [
            i for i, text in enumerate(self._folded) if all(word in text for word in words)
        ]
        self.selected = self.offset = 0

    def type(self, text: str) -> None:
        self.query += text
        self._filter()

    def key(self, name: str, page: int = 10) -> int | None:
        """Apply one key; the chosen entry's index for Enter (None while there is no match)."""
        if name == CANCEL:  # Esc, Ctrl-C, Ctrl-G or Ctrl-D
            raise Cancelled("No profile was chosen; nothing was changed.")
        if name == "enter":
            return self.matches[self.selected] if self.matches else None
        if name == "backspace":
            self.query = self.query[:-1]
        elif name == "clear":
            self.query = ""
        elif name == "word":
            self.query = self.query.rstrip()
            self.query = self.query[: self.query.rfind(" ") + 1]
        else:
            moves = {"up": -1, "down": 1, "page-up": -page, "page-down": page}
            if name in moves and self.matches:
                self.selected = max(0, min(len(self.matches) - 1, self.selected + moves[name]))
            return None
        self._filter()
        return None

    def frame(self, header: str, columns: int, rows: int) -> list[str]:
        """The screen as lines of at most columns - 1 columns (so nothing wraps); the
        highlighted entry starts with PROMPT and is the only one in reverse video."""
        room = max(1, rows - 4)
        if self.selected < self.offset:
            self.offset = self.selected
        elif self.selected >= self.offset + room:
            self.offset = self.selected - room + 1
        width = max(1, columns - 1)
        lines = [fit(TITLE, width), fit(PROMPT + self.query, width), fit("  " + header, width)]
        for position in range(self.offset, min(len(self.matches), self.offset + room)):
            text = self.lines[self.matches[position]]
            if position == self.selected:
                lines.append("\x1b[7m" + fit(PROMPT + text, width) + "\x1b[0m")
            else:
                lines.append(fit("  " + text, width))
        lines.append(fit(f"  {len(self.matches)}/{len(self.lines)}", width))
        return lines


def decode_keys(data: bytes) -> tuple[list[tuple[str, str]], bytes]:
    """(keys, bytes left over): each key is ("key", name) or ("text", characters); an
    incomplete escape sequence or UTF-8 character is left over for the next read."""
    keys: list[tuple[str, str]] = []
    text = codecs.getincrementaldecoder("utf-8")(errors="replace")
    index = 0
    while index < len(data):
        byte = data[index : index + 1]
        if byte == b"\x1b":
            end = _sequence_end(data, index)
            if end is None:
                break
            sequence = data[index:end]
            if sequence == b"\x1b":
                keys.append(("key", CANCEL))
            elif sequence in _KEYS:
                keys.append(("key", _KEYS[sequence]))
            index = end
        elif byte in _KEYS:
            keys.append(("key", _KEYS[byte]))
            index += 1
        elif byte < b" ":
            index += 1  # other control keys do nothing
        else:
            end = index
            while end < len(data) and data[end] >= 0x20 and data[end] != 0x7F:
                end += 1
            chars = printable(text.decode(data[index:end]))
            pending = text.getstate()[0]
            if chars:
                keys.append(("text", chars))
            if pending:  # a character cut by the read: keep its bytes for the next one
                return keys, data[end - len(pending) :]
            index = end
    return keys, data[index:]


def _sequence_end(data: bytes, start: int) -> int | None:
    """Where the escape sequence at `start` ends; a lone ESC is one byte when nothing
    follows it in this read (the caller waited for the rest); None when it is cut."""
    if start + 1 >= len(data):
        return start + 1
    kind = data[start + 1 : start + 2]
    if kind == b"O":
        return start + 3 if start + 2 < len(data) else None
    if kind != b"[":
        return start + 2  # Alt and a key: ignored
    for end in range(start + 2, len(data)):
        if 0x40 <= data[end] <= 0x7E:
            return end + 1
    return None


class Tty:
    """The controlling terminal, opened as /dev/tty: the picker reads keys and draws here."""

    def __init__(self, fd: int):
        self.fd = fd

    @classmethod
    def open(cls) -> Tty | None:
        try:
            fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY | os.O_CLOEXEC)
        except OSError:
            return None
        if not os.isatty(fd):
            os.close(fd)
            return None
        return cls(fd)

    def close(self) -> None:
        os.close(self.fd)

    def size(self) -> tuple[int, int]:
        try:
            size = os.get_terminal_size(self.fd)
        except OSError:
            return 80, 24
        return size.columns or 80, size.lines or 24

    def write(self, text: str) -> None:
        data = text.encode("utf-8", errors="replace")
        while data:
            data = data[os.write(self.fd, data) :]

    def readable(self, timeout: float) -> bool:
        return bool(select.select([self.fd], [], [], timeout)[0])

    def read(self) -> bytes:
        return os.read(self.fd, 1024)

    @contextlib.contextmanager
    def raw(self) -> Iterator[None]:
        """Raw mode (no echo, no line editing, no signal keys) on the alternate screen; the
        terminal's modes and screen come back however the block ends, SIGTERM and SIGHUP
        included (they become KeyboardInterrupt here)."""
        saved = termios.tcgetattr(self.fd)
        mode = termios.tcgetattr(self.fd)
        mode[0] &= ~(termios.ICRNL | termios.INLCR | termios.IXON)
        mode[3] &= ~(termios.ECHO | termios.ICANON | termios.ISIG | termios.IEXTEN)
        mode[6][termios.VMIN], mode[6][termios.VTIME] = 1, 0
        handlers = {}
        with contextlib.suppress(ValueError):  # signals can only be caught in the main thread
            for signum in (signal.SIGTERM, signal.SIGHUP):
                handlers[signum] = signal.signal(signum, _interrupt)
        try:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, mode)
            self.write("\x1b[?1049h\x1b[H\x1b[2J")
            yield
        finally:
            with contextlib.suppress(OSError):
                self.write("\x1b[0m\x1b[?1049l")
            with contextlib.suppress(OSError, termios.error):
                termios.tcsetattr(self.fd, termios.TCSADRAIN, saved)
            for signum, handler in handlers.items():
                signal.signal(signum, handler)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt()


def run(tty: Tty, header: str, lines: list[str]) -> int:
    """Shows the picker until Enter (the index of the chosen line) or a cancel (Cancelled:
    Esc, Ctrl-C, Ctrl-G, Ctrl-D)."""
    state = PickerState(lines)
    pending = b""
    with tty.raw():
        shown = None  # (size, query, selected) last drawn
        while True:
            size = tty.size()
            if shown != (size, state.query, state.selected, state.offset):
                _draw(tty, state, header, size)
                shown = (size, state.query, state.selected, state.offset)
            if not tty.readable(RESIZE_POLL):
                continue
            pending += tty.read()
            if pending.endswith(b"\x1b") and tty.readable(ESCAPE_WAIT):
                pending += tty.read()  # the rest of an arrow key's sequence, most likely
            keys, pending = decode_keys(pending)
            for kind, value in keys:
                if kind == "text":
                    state.type(value)
                    continue
                chosen = state.key(value, page=max(1, size[1] - 4))
                if chosen is not None:
                    return chosen


def _draw(tty: Tty, state: PickerState, header: str, size: tuple[int, int]) -> None:
    columns, rows = size
    lines = state.frame(header, columns, rows)
    cursor = min(columns, width(fit(PROMPT + state.query, columns - 1)) + 1)
    text = "\x1b[H" + "".join(line + "\x1b[K\r\n" for line in lines[:-1]) + lines[-1]
    tty.write(text + f"\x1b[K\x1b[J\x1b[2;{cursor}H")
