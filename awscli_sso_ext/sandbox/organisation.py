"""What the sandbox Identity Center knows: accounts, their roles, users, and lifetimes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_ROLES = ("AdministratorAccess", "ReadOnlyAccess")


@dataclass(frozen=True)
class Account:
    """An AWS account in the organisation and the roles (permission sets) it offers."""

    account_id: str
    name: str
    email: str
    roles: tuple[str, ...] = DEFAULT_ROLES


@dataclass(frozen=True)
class User:
    """A person who can sign in; `assignments` maps account id to roles (None: every role)."""

    name: str
    assignments: Mapping[str, tuple[str, ...]] | None = None


@dataclass(frozen=True)
class Organisation:
    """One IAM Identity Center instance: its start URL, region, accounts and users."""

    start_url: str
    region: str
    accounts: tuple[Account, ...]
    users: tuple[User, ...]

    def __post_init__(self) -> None:
        if not self.users:
            raise ValueError("an organisation needs at least one user")

    def user(self, name: str | None = None) -> User:
        """The user called `name`, or the first user (who approves logins by default)."""
        if name is None:
            return self.users[0]
        for user in self.users:
            if user.name == name:
                return user
        raise LookupError(f"no user called {name!r}")

    def account(self, account_id: str) -> Account | None:
        return next((a for a in self.accounts if a.account_id == account_id), None)

    def roles_of(self, user: User, account: Account) -> tuple[str, ...]:
        """The roles `user` may take in `account`, in the account's order."""
        if user.assignments is None:
            return account.roles
        granted = user.assignments.get(account.account_id, ())
        return tuple(role for role in account.roles if role in granted)

    def accounts_of(self, user: User) -> tuple[Account, ...]:
        """The accounts where `user` has at least one role."""
        return tuple(a for a in self.accounts if self.roles_of(user, a))


@dataclass
class Lifetimes:
    """How long things last, in seconds; the polling interval the service asks for."""

    access_token: int = 8 * 3600
    role_credentials: int = 3600
    device_code: int = 600
    registration: int = 90 * 24 * 3600
    polling_interval: int = 1


def default_organisation() -> Organisation:
    """A realistic organisation: five accounts with two roles each, and two users."""
    accounts = tuple(
        Account(account_id, name, f"aws+{name}@example.com")
        for account_id, name in (
            ("104729384756", "development"),
            ("205938475610", "staging"),
            ("306182736455", "production"),
            ("407263548190", "shared-services"),
            ("508374659201", "security"),
        )
    )
    read_only_dev = {a.account_id: ("ReadOnlyAccess",) for a in accounts[:2]}
    return Organisation(
        start_url="https://d-1234567890.awsapps.com/start",
        region="eu-west-1",
        accounts=accounts,
        users=(User("alice@example.com"), User("bob@example.com", read_only_dev)),
    )


# Business units x environments, as organisations name their accounts: spaces, apostrophes,
# parentheses and an ampersand, and two accounts sharing one name.
_UNITS = ("Payments", "Data Lake", "Bob's Sandbox", "Search & Ads", "Mobile (iOS)", "Identity")
_ENVIRONMENTS = ("dev", "staging", "prod", "sandbox", "qa")
MANY_ROLES = tuple(f"Team{number:02d}Access" for number in range(1, 46))  # 3 pages of 20


def company_organisation(extra_accounts: tuple[Account, ...] = ()) -> Organisation:
    """A company-sized organisation: 33 accounts (names with spaces and apostrophes, one name
    twice), one account with 45 roles (several pages), and a user with fewer assignments."""
    accounts = [
        Account(f"{310000000000 + index:012d}", f"{unit} {environment}", f"aws+{index}@example.com")
        for index, (unit, environment) in enumerate(
            (unit, environment) for unit in _UNITS for environment in _ENVIRONMENTS
        )
    ]
    accounts.append(Account("399999999991", "Bob's Sandbox dev", "aws+again@example.com"))
    accounts.append(Account("399999999992", "Platform", "aws+platform@example.com", MANY_ROLES))
    accounts.append(Account("399999999993", "Audit", "aws+audit@example.com", ("ReadOnlyAccess",)))
    accounts += extra_accounts
    limited = {account.account_id: ("ReadOnlyAccess",) for account in accounts[:4]}
    return Organisation(
        start_url="https://d-1234567890.awsapps.com/start",
        region="eu-west-1",
        accounts=tuple(accounts),
        users=(User("alice@example.com"), User("bob@example.com", limited)),
    )


def generated_organisation(accounts: int, roles: int) -> Organisation:
    """`accounts` accounts with `roles` roles each, for benchmarks."""
    role_names = tuple(f"Role{number}" for number in range(1, roles + 1))
    return Organisation(
        start_url="https://d-1234567890.awsapps.com/start",
        region="eu-west-1",
        accounts=tuple(
            Account(f"{500000000000 + n:012d}", f"account-{n}", f"a{n}@example.com", role_names)
            for n in range(accounts)
        ),
        users=(User("alice@example.com"),),
    )
