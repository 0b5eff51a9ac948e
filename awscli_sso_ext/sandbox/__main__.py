"""`python -m awscli_sso_ext.sandbox`: run the sandbox in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from ..errors import EXIT_FAILED, EXIT_INTERRUPTED
from ..shells import FORMATS
from . import Sandbox, company_organisation, default_organisation


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m awscli_sso_ext.sandbox",
        description="Run a local IAM Identity Center; print the variables that point to it.",
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any)")
    parser.add_argument(
        "--approve-after",
        type=float,
        metavar="SECONDS",
        help="approve each login this long after it starts "
        "(default: when its verification URL is opened)",
    )
    parser.add_argument(
        "--organisation",
        choices=("default", "company"),
        default="default",
        help="five accounts (default), or a company's 33 accounts, one with 45 roles",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = _arguments(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="sandbox: %(message)s")
    organisation = {"default": default_organisation, "company": company_organisation}[
        arguments.organisation
    ]()
    sandbox = Sandbox(organisation, approve_after=arguments.approve_after, port=arguments.port)
    try:
        sandbox.start()
    except OSError as error:
        print(f"sandbox: can't listen on 127.0.0.1:{arguments.port}: {error}", file=sys.stderr)
        return EXIT_FAILED
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        print(FORMATS["bash"].render(sandbox.endpoint_environment()), end="", flush=True)
        organisation = sandbox.organisation
        print(
            f"Sandbox Identity Center at {sandbox.url} (start URL {organisation.start_url}, "
            f"region {organisation.region}). Ctrl-C stops it.",
            file=sys.stderr,
            flush=True,
        )
        stop.wait()
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        return EXIT_INTERRUPTED
    finally:
        sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
