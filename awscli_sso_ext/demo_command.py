"""The `aws-sso-ext demo` arguments (argparse only: cli.py builds its parser on every TAB)."""

from __future__ import annotations

import argparse

from awscli_sso_ext.shells import DEMO_SHELLS

DEFAULT_APPROVE_AFTER = 2.0


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 <= value <= 600:
        raise argparse.ArgumentTypeError("use 0 to 600 seconds")
    return value


def add_demo_command(commands) -> None:
    demo = commands.add_parser(
        "demo",
        help="try it all in a throwaway shell against a local IAM Identity Center",
        description=(
            "Starts a local IAM Identity Center on 127.0.0.1 and a throwaway shell whose home "
            "has an organisation's profiles (dev, staging, prod, ... each with -admin), the "
            "plugin registered with your `aws` and the hook loaded. Logins work as for real "
            "and are approved by the sandbox itself. When the shell exits, the server stops "
            "and every file is deleted; your own ~/.aws and rc files are never used."
        ),
    )
    demo.add_argument("--shell", choices=DEMO_SHELLS, help="the shell to start (default: yours)")
    demo.add_argument(
        "--approve-after",
        type=_seconds,
        default=DEFAULT_APPROVE_AFTER,
        metavar="SECONDS",
        help=f"approve each login this long after it starts (default: {DEFAULT_APPROVE_AFTER:g})",
    )
    demo.add_argument(
        "--aws", metavar="PATH", help="the AWS CLI to use (default: the first `aws` on PATH)"
    )
    demo.set_defaults(handler=run_demo)


def run_demo(args, stdout, stderr) -> int:
    from awscli_sso_ext import demo
    from awscli_sso_ext.exits import guarded_console

    return guarded_console(
        lambda: demo.run(args.shell, args.approve_after, args.aws, stderr=stderr), stderr
    )
