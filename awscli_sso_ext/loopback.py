"""The one-shot listener on 127.0.0.1 that receives the browser's redirect of a PKCE login."""

from __future__ import annotations

import secrets
import socketserver
from dataclasses import dataclass
from html import escape
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Callable
from urllib.parse import parse_qs, urlsplit

CALLBACK_PATH = "/oauth/callback"
HOST = "127.0.0.1"
_POLL_SECONDS = 0.5  # how often the wait looks at the clock (and Ctrl-C is noticed)
_CLIENT_SECONDS = 5  # a connection that sends no request in this time is dropped


@dataclass(frozen=True)
class Redirect:
    """What the browser brought back: a code whose state matched, or why there is none."""

    code: str | None = None
    error: str | None = None  # the service's OAuth error (access_denied, ...)
    wrong_state: bool = False


_PAGES = {
    "done": ("Signed in", "You are signed in. You can close this tab and return to the terminal."),
    "refused": ("Sign-in refused", "The sign-in was refused. You can close this tab."),
    "wrong_state": (
        "Sign-in not accepted",
        "This answer does not belong to the sign-in waiting in the terminal, so it was not "
        "used. You can close this tab.",
    ),
}


def _page(kind: str) -> bytes:
    title, text = _PAGES[kind]
    return (
        f"<!doctype html><html><head><meta charset=utf-8><title>{escape(title)}</title></head>"
        f"<body><h1>{escape(title)}</h1><p>{escape(text)}</p></body></html>"
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = _CLIENT_SECONDS

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path != CALLBACK_PATH:
            self._answer(404, b"Not found")
            return
        query = {name: values[0] for name, values in parse_qs(url.query).items()}
        result = self.server.read(query)
        if result is None:
            self._answer(400, b"Not a sign-in answer")
            return
        kind = "wrong_state" if result.wrong_state else "refused" if result.error else "done"
        self._answer(200, _page(kind), "text/html; charset=utf-8")

    def _answer(self, status: int, body: bytes, kind: str = "text/plain") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Silent: the query holds the authorization code."""


class _Server(HTTPServer):
    def __init__(self, expected_state: str):
        super().__init__((HOST, 0), _Handler)
        self.timeout = _POLL_SECONDS
        self._expected_state = expected_state
        self.result: Redirect | None = None

    def server_bind(self) -> None:
        # HTTPServer's own would look the host name up (getfqdn): slow, and never needed here.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = HOST, self.server_address[1]

    def read(self, query: dict[str, str]) -> Redirect | None:
        state = query.get("state", "")
        if "code" not in query and "error" not in query:
            return None
        if not secrets.compare_digest(state.encode(), self._expected_state.encode()):
            self.result = Redirect(wrong_state=True)
        elif "error" in query:
            self.result = Redirect(error=query["error"])
        else:
            self.result = Redirect(code=query["code"])
        return self.result

    def handle_error(self, request, client_address) -> None:
        """A browser that hangs up is not our problem; nothing is printed."""


class CallbackListener:
    """Listens on a port the system chooses, for one redirect carrying `expected_state`."""

    def __init__(self, expected_state: str):
        self._server = _Server(expected_state)

    @property
    def redirect_uri(self) -> str:
        return f"http://{HOST}:{self._server.server_address[1]}{CALLBACK_PATH}"

    def wait(
        self, deadline: float, clock: Callable[[], float], tick: Callable[[], None]
    ) -> Redirect | None:
        """The redirect, or None when `clock()` reaches `deadline` first; `tick` runs between
        looks (about twice a second). Ctrl-C interrupts it."""
        while self._server.result is None and clock() < deadline:
            tick()
            self._server.handle_request()
        return self._server.result

    def close(self) -> None:
        self._server.server_close()
