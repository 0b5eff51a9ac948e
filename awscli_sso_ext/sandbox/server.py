"""An HTTP/1.1 server on 127.0.0.1 in a background thread that stops without leaving threads."""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .wire import Request, Response

Answer = Callable[[Request], Response]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore's connection pool expects
    wbufsize = 64 * 1024  # one send per answer (headers + body) avoids a 40 ms Nagle stall
    server: _Server

    def _handle_request(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        path, _, query = self.path.partition("?")
        request = Request(
            method=self.command,
            path=path,
            query=query,
            headers={name.lower(): value for name, value in self.headers.items()},
            body=self.rfile.read(length),
        )
        response = self.server.answer(request)
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_DELETE = _handle_request

    def log_message(self, format: str, *args: object) -> None:
        """Silent: the dispatcher logs each request, without its secrets."""


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins every handler thread

    answer: Answer

    def __init__(self, port: int):
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", port), _Handler)

    def process_request(self, request, client_address) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def drop_connections(self) -> None:
        """Wake handler threads waiting on idle keep-alive connections."""
        with self._connections_lock:
            for connection in self._connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request, client_address) -> None:
        """Quiet when a client hangs up (or stop() drops it); a traceback for anything else."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class LoopbackServer:
    """Binds http://127.0.0.1:PORT (PORT 0: the OS chooses), then serves until stop()."""

    def __init__(self, port: int = 0):
        self._server = _Server(port)
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            args=(0.05,),  # poll interval: how long stop() waits for the loop to notice
            name=f"sandbox-{self.port}",
            daemon=True,
        )

    def serve(self, answer: Answer) -> None:
        """Start answering requests with `answer` in a background thread."""
        self._server.answer = answer
        self._thread.start()

    def stop(self) -> None:
        """Close the port and end every thread; also closes a server that never served."""
        serving = self._thread.ident is not None
        if serving:
            self._server.shutdown()
            self._server.drop_connections()
        self._server.server_close()
        if serving:
            self._thread.join()
