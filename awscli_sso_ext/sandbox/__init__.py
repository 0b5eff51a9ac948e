"""A local fake of IAM Identity Center (SSO OIDC, SSO portal, STS) for tests and the demo."""

from .calls import Call
from .faults import FAULTS, REMOVE, Faults
from .organisation import (
    Account,
    Lifetimes,
    Organisation,
    User,
    company_organisation,
    default_organisation,
    generated_organisation,
)
from .sandbox import Sandbox

__all__ = [
    "FAULTS",
    "REMOVE",
    "Account",
    "Call",
    "Faults",
    "Lifetimes",
    "Organisation",
    "Sandbox",
    "User",
    "company_organisation",
    "default_organisation",
    "generated_organisation",
]
