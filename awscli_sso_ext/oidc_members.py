"""OIDC calls with request members the host's botocore model may not know yet (PKCE's)."""

from __future__ import annotations

import json
from typing import Any

_HANDLER_ID = "awscli-sso-ext-members"


def call(client: Any, operation: str, params: dict[str, Any], newer: dict[str, Any]) -> Any:
    """`operation` of the OIDC `client` with `params` and the `newer` members.

    Those of `newer` its model lacks (an older botocore, like Debian's AWS CLI v2 2.9, has no
    grantTypes, redirectUris, issuerUrl or codeVerifier) join the REST-JSON body botocore
    built, just before it is sent: the endpoint, timeouts, retries, answer checks and errors
    stay botocore's."""
    from botocore import xform_name

    operation_model = client.meta.service_model.operation_model(operation)
    known = operation_model.input_shape.members
    arguments = {**params, **{name: value for name, value in newer.items() if name in known}}
    extra = {name: value for name, value in newer.items() if name not in known}
    method = getattr(client, xform_name(operation))
    if not extra:
        return method(**arguments)
    service_id = client.meta.service_model.service_id.hyphenize()
    event = f"before-call.{service_id}.{operation}"

    def add_members(params: dict[str, Any], **_: Any) -> None:
        body = json.loads(params["body"] or b"{}")
        body.update(extra)
        params["body"] = json.dumps(body).encode()

    client.meta.events.register_first(event, add_members, unique_id=_HANDLER_ID)
    try:
        return method(**arguments)
    finally:
        client.meta.events.unregister(event, unique_id=_HANDLER_ID)
