"""A start URL on a custom domain for the sandbox: https on localhost, redirecting to the portal."""

from __future__ import annotations

import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def write_certificate(folder: Path) -> tuple[Path, Path]:
    """(certificate, key): self-signed for `localhost`, made by the openssl command."""
    folder.mkdir(parents=True, exist_ok=True)
    certificate, key = folder / "vanity-cert.pem", folder / "vanity-key.pem"
    subject = ["-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"]
    files = ["-keyout", str(key), "-out", str(certificate)]
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            *subject,
            *files,
        ],
        check=True,
        capture_output=True,
    )
    return certificate, key


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _redirect(self) -> None:
        self.server.requests.append((self.command, self.path))
        if self.command == "HEAD" and not self.server.allow_head:
            self.send_response(405)
        else:
            self.send_response(302)
            self.send_header("Location", self.server.target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = do_GET = _redirect

    def log_message(self, format: str, *args: object) -> None:
        """Silent, as the sandbox is."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    target = ""
    allow_head = True
    requests: list[tuple[str, str]]


class VanityHost:
    """`https://localhost:PORT/start` answering every HEAD and GET with a redirect to
    `target` (with `allow_head=False`, HEAD is refused with 405, as some proxies do)."""

    def __init__(self, folder: Path, target: str, allow_head: bool = True):
        certificate, key = write_certificate(folder)
        self.ca_bundle = str(certificate)
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.target, self._server.allow_head, self._server.requests = target, allow_head, []
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificate, key)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        return f"https://localhost:{self._server.server_address[1]}/start"

    @property
    def requests(self) -> list[tuple[str, str]]:
        """(method, path) of each request received, oldest first."""
        return list(self._server.requests)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
