"""Endpoint rule sets that send every client of a service to one URL, through AWS_DATA_PATH."""

from __future__ import annotations

import json
from pathlib import Path

# service -> API version, the same in the venv's botocore and in Debian's AWS CLI v2.
API_VERSIONS = {"sso": "2019-06-10", "sso-oidc": "2019-06-10", "sts": "2011-06-15"}


def rule_set(url: str) -> dict:
    """A rule set with one unconditional rule: the endpoint is `url`."""
    return {
        "version": "1.0",
        "parameters": {},
        "rules": [{"conditions": [], "endpoint": {"url": url}, "type": "endpoint"}],
    }


def write_data_path(directory: str | Path, url: str) -> Path:
    """Write `<service>/<version>/endpoint-rule-set-1.json` for each service under `directory`.

    Point AWS_DATA_PATH at `directory`: botocore then loads these rule sets before its own.
    """
    root = Path(directory)
    for service, version in API_VERSIONS.items():
        folder = root / service / version
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "endpoint-rule-set-1.json").write_text(json.dumps(rule_set(url), indent=2))
    return root
