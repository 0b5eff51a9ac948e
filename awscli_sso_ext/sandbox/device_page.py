"""The verification page a browser opens: visiting it with a user code approves that login."""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import parse_qs

from .errors import ServiceError
from .identity import IdentityCenter
from .oidc import DEVICE_PAGE
from .wire import Request, Response

_FORM = (
    f'<form method="get" action="{DEVICE_PAGE}"><label>Code <input name="user_code"></label>'
    '<button type="submit">Allow</button></form>'
)


def html_page(status: int, title: str, text: str, error: str | None = None) -> Response:
    page = (
        f"<!doctype html><html><head><meta charset=utf-8><title>{escape(title)}</title></head>"
        f"<body><h1>{escape(title)}</h1>{text}</body></html>"
    )
    return Response(status, page.encode(), "text/html; charset=utf-8", error=error)


class WebPage:
    """What the sandbox's pages share: GET query parameters, errors as an HTML page."""

    def parameters(self, operation: str, request: Request) -> dict[str, Any]:
        return {name: values[0] for name, values in parse_qs(request.query).items()}

    def error(self, error: ServiceError) -> Response:
        message = f"<p>{escape(error.message)}</p>"
        return html_page(error.status, "Sandbox Identity Center", message, error.code)


class DevicePage(WebPage):
    """`GET /device?user_code=XXXX-XXXX` approves as the organisation's first user."""

    operations: tuple[str, ...] = ("ApproveDevice",)

    def __init__(self, center: IdentityCenter):
        self._center = center

    def operation(self, request: Request) -> str | None:
        return "ApproveDevice" if (request.method, request.path) == ("GET", DEVICE_PAGE) else None

    def call(self, operation: str, params: dict[str, Any], request: Request) -> Response:
        user_code = params.get("user_code")
        if not user_code:
            return html_page(200, "Authorize request", _FORM)
        try:
            self._center.approve(user_code)
        except LookupError:
            raise ServiceError(404, "NotFound", "This code is unknown or already used.") from None
        return html_page(200, "Request approved", "<p>You can close this window.</p>")
