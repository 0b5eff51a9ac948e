"""Start URLs on a custom domain ("vanity" URLs): resolved to the AWS portal, as CLI v2 does."""

from __future__ import annotations

import re
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from awscli_sso_ext.errors import ConfigError, OperationFailed

_AWS_SUFFIXES = (
    ".app.aws",
    ".portal.amazonaws.com",
    ".portal.amazonaws.com.cn",
    ".awsapps.com",
    ".awsapps.cn",
)
_AWS_HOSTS = ("identitycenter.amazonaws.com", "identitycenter.amazonaws.com.cn")
# Where the region is in a portal's host name.
_REGION_IN_HOST = (
    re.compile(r"^[^.]+\.portal\.(?P<region>[a-z0-9-]+)\.app\.aws$"),
    re.compile(r"^[^.]+\.(?P<region>[a-z0-9-]+)\.portal\.amazonaws\.com(\.cn)?$"),
)
_REDIRECTS = (301, 302, 303, 307, 308)
_DEFAULT_PORTS = {"https": 443, "http": 80}


@dataclass(frozen=True)
class Resolved:
    """The start URL to send IAM Identity Center, and the region its portal is in."""

    start_url: str
    region: str


def is_aws_host(hostname: str) -> bool:
    name = hostname.lower().rstrip(".")
    if name in _AWS_HOSTS:
        return True
    return any(name == suffix[1:] or name.endswith(suffix) for suffix in _AWS_SUFFIXES)


def region_of(hostname: str) -> str | None:
    name = hostname.lower().rstrip(".")
    for pattern in _REGION_IN_HOST:
        match = pattern.match(name)
        if match:
            return match.group("region")
    return None


def _normalized(url: str) -> str:
    """Scheme, host, a port that isn't the default and the path without a trailing slash."""
    parts = urllib.parse.urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port and parts.port != _DEFAULT_PORTS.get(parts.scheme):
        netloc = f"{netloc}:{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


class _Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # the redirect is the answer we want, not a page to fetch


def _location(url: str, timeout: float | None, ca_bundle: str | None) -> str | None:
    """Where `url` redirects to (HEAD, or GET when HEAD isn't allowed); None: nowhere."""
    context = ssl.create_default_context(cafile=ca_bundle)
    opener = urllib.request.build_opener(_Stay, urllib.request.HTTPSHandler(context=context))
    for method in ("HEAD", "GET"):
        try:
            opener.open(urllib.request.Request(url, method=method), timeout=timeout).close()
            return None
        except urllib.error.HTTPError as error:
            error.close()
            if error.code in _REDIRECTS:
                location = error.headers.get("Location")
                if not location:
                    raise OperationFailed(
                        f"The start URL {url} redirects without saying where (no Location).",
                        "Check the start URL with your administrator.",
                    ) from None
                return urllib.parse.urljoin(url, location)
            if error.code not in (405, 501) or method == "GET":
                raise OperationFailed(
                    f"The start URL {url} answered HTTP {error.code} instead of redirecting to "
                    "the AWS access portal.",
                    "Check sso_start_url with your administrator.",
                ) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise OperationFailed(
                f"The start URL {url} can't be reached to find its AWS access portal ({reason}).",
                "Check your network connection and sso_start_url, then run the command again.",
            ) from None
    return None


def resolve(
    start_url: str,
    configured_region: str,
    *,
    where: str,
    timeout: float | None = 10,
    ca_bundle: str | None = None,
) -> Resolved:
    """The AWS portal URL and region behind `start_url`: itself for an AWS host, else where
    its one redirect leads. `where` names the setting's section and file for messages."""
    parts = urllib.parse.urlsplit(start_url)
    if parts.scheme != "https" or not parts.hostname:
        raise ConfigError(
            f"sso_start_url = {start_url} in {where} is not an https:// address.",
            "Set it to the https:// start URL of your AWS access portal.",
        )
    if is_aws_host(parts.hostname):
        return Resolved(start_url, configured_region)
    target = _location(start_url, timeout, ca_bundle) or start_url
    resolved = _normalized(target)
    host = urllib.parse.urlsplit(resolved).hostname or ""
    if not is_aws_host(host) or not resolved.startswith("https://"):
        raise OperationFailed(
            f"The start URL {start_url} (in {where}) leads to {resolved}, which is not an "
            "https:// address of the AWS access portal.",
            "Set sso_start_url to your portal's address (https://d-....awsapps.com/start or "
            "the custom domain your administrator gave you).",
        )
    return Resolved(resolved, region_of(host) or configured_region)
