"""Checks an AWS Signature Version 4 `Authorization` header against a known secret key."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote

_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256\s+Credential=(?P<key>[^/,\s]+)/(?P<scope>[^,\s]+),\s*"
    r"SignedHeaders=(?P<headers>[^,\s]+),\s*Signature=(?P<signature>[0-9a-f]{64})$"
)


@dataclass(frozen=True)
class Signature:
    """The parts of an `Authorization: AWS4-HMAC-SHA256 ...` header."""

    access_key_id: str
    scope: str  # date/region/service/aws4_request
    signed_headers: tuple[str, ...]
    signature: str


def parse(authorization: str) -> Signature | None:
    match = _AUTHORIZATION.match(authorization.strip())
    if match is None or len(match["scope"].split("/")) != 4:
        return None
    return Signature(
        access_key_id=match["key"],
        scope=match["scope"],
        signed_headers=tuple(match["headers"].split(";")),
        signature=match["signature"],
    )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _canonical_query(query: str) -> str:
    pairs = sorted(
        (quote(name, safe="-_.~"), quote(value, safe="-_.~"))
        for name, value in parse_qsl(query, keep_blank_values=True)
    )
    return "&".join(f"{name}={value}" for name, value in pairs)


def is_valid(
    signature: Signature,
    secret_access_key: str,
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, str],
    body: bytes,
) -> bool:
    """Whether `signature` was made with `secret_access_key` over this request.

    `headers` has lower-case names. `path` is used as received: the client sent it already
    URI-encoded once, which is the canonical form for every service but S3.
    """
    if any(name not in headers for name in signature.signed_headers):
        return False
    canonical_headers = "".join(
        f"{name}:{' '.join(headers[name].split())}\n" for name in signature.signed_headers
    )
    canonical_request = "\n".join(
        (
            method,
            path,
            _canonical_query(query),
            canonical_headers,
            ";".join(signature.signed_headers),
            headers.get("x-amz-content-sha256", _sha256(body)),
        )
    )
    string_to_sign = "\n".join(
        (
            "AWS4-HMAC-SHA256",
            headers.get("x-amz-date", ""),
            signature.scope,
            _sha256(canonical_request.encode()),
        )
    )
    key = ("AWS4" + secret_access_key).encode()
    for part in signature.scope.split("/"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature.signature)
