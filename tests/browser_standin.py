"""Stands in for a browser: follows a login address with a real HTTP client (urllib)."""

# BROWSER="python browser_standin.py" runs it with the address. Environment:
#   STANDIN_RECORD    a file where each page it ends on is appended (status, then the body)
#   STANDIN_TAMPER    "state": changes the state on the way back to the listener;
#                     "challenge": swaps the code challenge before the authorize page sees it
#   STANDIN_DECISION  "allow" (default) or "deny", clicked on a consent page

from __future__ import annotations

import html
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request


class _Manual(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # every redirect is followed by hand, to tamper with it when asked


def _get(opener, url: str) -> tuple[int, dict, str]:
    try:
        with opener.open(url, timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def _replace(url: str, name: str, value: str) -> str:
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query)
    query = [(key, value if key == name else old) for key, old in query]
    return parts._replace(query=urllib.parse.urlencode(query)).geturl()


def main(url: str) -> None:
    tamper = os.environ.get("STANDIN_TAMPER", "")
    decision = os.environ.get("STANDIN_DECISION", "allow")
    if tamper == "challenge":
        url = _replace(url, "code_challenge", "A" * 43)
    opener = urllib.request.build_opener(_Manual)
    for _ in range(5):
        status, headers, body = _get(opener, url)
        if status in (301, 302, 303, 307, 308):
            url = urllib.parse.urljoin(url, headers["Location"])
            if tamper == "state" and "/oauth/callback" in url:
                url = _replace(url, "state", "someone-elses-state")
            continue
        link = re.search(rf'id="{decision}" href="([^"]+)"', body)
        if status == 200 and link:
            url = urllib.parse.urljoin(url, html.unescape(link.group(1)))
            continue
        break
    record = os.environ.get("STANDIN_RECORD")
    if record:
        with open(record, "a", encoding="utf-8") as file:
            file.write(f"{status}\n{body}\n")


if __name__ == "__main__":
    main(sys.argv[1])
