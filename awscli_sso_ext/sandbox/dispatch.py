"""Routes each request to its service, logging it and applying the injected faults."""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
import time
from collections.abc import Sequence
from typing import Any, Protocol

from .calls import Call, RequestLog
from .errors import ServiceError
from .faults import Faults
from .wire import Request, Response, json_error

logger = logging.getLogger("awscli_sso_ext.sandbox")


class Service(Protocol):
    operations: tuple[str, ...]

    def operation(self, request: Request) -> str | None: ...

    def parameters(self, operation: str, request: Request) -> dict[str, Any]: ...

    def call(self, operation: str, params: dict[str, Any], request: Request) -> Response: ...

    def error(self, error: ServiceError) -> Response: ...


class Dispatcher:
    """Answers one request: route, log, delay, injected error or the service's own answer."""

    def __init__(self, services: Sequence[Service], faults: Faults, log: RequestLog):
        self._services = services
        self._faults = faults
        self._log = log
        self.stopping = threading.Event()  # wakes delayed requests when the server stops

    def answer(self, request: Request) -> Response:
        for service in self._services:
            operation = service.operation(request)
            if operation is not None:
                return self._answer(service, operation, request)
        error = ServiceError(404, "UnknownOperationException", f"No route for {request.path}")
        self._log.record(Call("Unknown", {}, request.headers, time.time(), 404, error.code))
        logger.info("%s %s -> 404 %s", request.method, request.path, error.code)
        return json_error(error, {"message": error.message})

    def _answer(self, service: Service, operation: str, request: Request) -> Response:
        try:
            params, bad_request = service.parameters(operation, request), None
        except ServiceError as error:
            params, bad_request = {}, error
        call = Call(operation, params, request.headers, time.time())
        self._log.record(call)
        try:
            if bad_request is not None:
                raise bad_request
            self.stopping.wait(self._faults.delay(operation))
            injected = self._faults.take(operation)
            if injected is not None:
                raise injected
            response = self._malformed(operation, service.call(operation, params, request))
        except ServiceError as error:
            response = service.error(error)
        except Exception:
            logger.exception("the sandbox failed to answer %s", operation)
            response = service.error(ServiceError(500, "InternalServerException", "Sandbox bug"))
        self._log.finish(call, response.status, response.error)
        suffix = f" {response.error}" if response.error else ""
        logger.info("%s -> %d%s", operation, response.status, suffix)
        return response

    def _malformed(self, operation: str, response: Response) -> Response:
        """The answer with any malformation injected for `operation` applied to its JSON."""
        if response.status != 200 or response.content_type != "application/json":
            return response
        answer = json.loads(response.body or b"{}")
        changed = self._faults.malformed(operation, answer)
        return dataclasses.replace(response, body=json.dumps(changed).encode())
