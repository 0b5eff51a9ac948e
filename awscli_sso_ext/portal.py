"""What the AWS access portal says a user may do: the roles assigned in an account."""

from __future__ import annotations

from awscli_sso_ext.profiles import SsoTarget


def assigned_roles(session, target: SsoTarget, access_token: str) -> list[str]:
    """The names of the roles this login may take in the target's account, sorted (every
    page of ListAccountRoles); none when the portal knows no such account for the user."""
    from botocore import UNSIGNED
    from botocore.config import Config

    client = session.create_client(
        "sso", region_name=target.sso_region, config=Config(signature_version=UNSIGNED)
    )
    pages = client.get_paginator("list_account_roles").paginate(
        accessToken=access_token, accountId=target.account_id
    )
    try:
        return sorted(role["roleName"] for page in pages for role in page["roleList"])
    except client.exceptions.ResourceNotFoundException:
        return []
