"""The one exception the sandbox's services raise: an AWS error with its HTTP status and code."""

from __future__ import annotations


class ServiceError(Exception):
    """An error as AWS would answer it; each service's module renders it in its own format."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


def invalid_request(message: str) -> ServiceError:
    return ServiceError(400, "InvalidRequestException", message)


def unauthorized() -> ServiceError:
    return ServiceError(401, "UnauthorizedException", "Session token not found or invalid")
