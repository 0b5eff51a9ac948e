"""Where botocore's SSO provider caches a role's keys (~/.aws/cli/cache), standard library only."""

from __future__ import annotations

import json
import os

try:  # CPython's own SHA-1: loading OpenSSL for hashlib costs a credential_process call ~3 ms
    from _sha1 import sha1  # type: ignore[import-not-found]
except ImportError:  # another Python, or one built without it
    from hashlib import sha1


def credential_cache_dir() -> str:
    """~/.aws/cli/cache, where CLI v2 keeps role credentials (and `aws sso logout` clears)."""
    return os.path.expanduser(os.path.join("~", ".aws", "cli", "cache"))


def credential_cache_file(target) -> str:
    """The file in which botocore's SSO provider caches this role's keys (CLI v2 and us);
    `target` has account_id, role_name, start_url and session_name (None: legacy)."""
    args = {"roleName": target.role_name, "accountId": target.account_id}
    if target.session_name:
        args["sessionName"] = target.session_name
    else:
        args["startUrl"] = target.start_url
    text = json.dumps(args, sort_keys=True, separators=(",", ":"))
    return os.path.join(credential_cache_dir(), sha1(text.encode()).hexdigest() + ".json")
