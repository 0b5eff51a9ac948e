"""What the AWS access portal says the signed-in user may do: accounts and roles (paginated)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from awscli_sso_ext.profiles import SsoTarget

ROLE_WORKERS = 8  # ListAccountRoles calls in flight at once: enough to hide latency, polite
THROTTLE_RETRIES = 9  # retries per call when the user set none (throttling backs off)


@dataclass(frozen=True)
class Assignment:
    """One role the user may take in one account."""

    account_id: str
    account_name: str
    role_name: str


@dataclass(frozen=True)
class Listing:
    """Every account (id -> name) and every assignment, sorted by account name, id, role."""

    accounts: dict[str, str]
    assignments: tuple[Assignment, ...]


def portal_client(session, sso_region: str):
    """An unsigned `sso` client for `sso_region` with the user's retry settings, or standard
    mode and more retries when none are configured, so throttling is waited out."""
    from botocore import UNSIGNED
    from botocore.config import Config

    # Only what the user didn't configure is set here (asked of the environment and the file:
    # get_config_variable would also give the CLI's own defaults, v1's legacy mode or v2's 3
    # attempts). `max_attempts` in `Config` counts retries, not attempts.
    scoped = session.get_scoped_config()
    retries: dict = {}
    if not (os.environ.get("AWS_RETRY_MODE") or scoped.get("retry_mode")):
        retries["mode"] = "standard"
    if not (os.environ.get("AWS_MAX_ATTEMPTS") or scoped.get("max_attempts")):
        retries["max_attempts"] = THROTTLE_RETRIES
    config = Config(
        signature_version=UNSIGNED,
        retries=retries or None,
        max_pool_connections=ROLE_WORKERS + 2,
    )
    return session.create_client("sso", region_name=sso_region, config=config)


def _pages(call, key: str, **params) -> list[dict]:
    items: list[dict] = []
    while True:
        answer = call(**params)
        items += answer.get(key) or []
        token = answer.get("nextToken")
        if not token:
            return items
        params["nextToken"] = token


def list_assignments(
    client, access_token: str, progress: Callable[[int, int], None] | None = None
) -> Listing:
    """Every account and role, the roles of each account asked for while the accounts are
    still being listed, at most ROLE_WORKERS at a time. `progress(done, known)` is called
    as accounts are finished."""
    accounts: dict[str, str] = {}
    futures: dict[str, Future] = {}
    done = [0]
    counting = threading.Lock()

    def roles_of(account_id: str) -> list[dict]:
        roles = _pages(
            client.list_account_roles, "roleList", accessToken=access_token, accountId=account_id
        )
        with counting:
            done[0] += 1
            if progress is not None:
                progress(done[0], len(accounts))
        return roles

    executor = ThreadPoolExecutor(max_workers=ROLE_WORKERS)
    try:
        params = {"accessToken": access_token}
        while True:
            answer = client.list_accounts(**params)
            for account in answer.get("accountList") or []:
                account_id = account["accountId"]
                if account_id not in accounts:
                    accounts[account_id] = account.get("accountName") or account_id
                    futures[account_id] = executor.submit(roles_of, account_id)
            if not answer.get("nextToken"):
                break
            params["nextToken"] = answer["nextToken"]
        assignments = [
            Assignment(account_id, accounts[account_id], role["roleName"])
            for account_id, future in futures.items()
            for role in future.result()
        ]
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
    assignments.sort(key=lambda a: (a.account_name.casefold(), a.account_id, a.role_name))
    return Listing(accounts, tuple(assignments))


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
