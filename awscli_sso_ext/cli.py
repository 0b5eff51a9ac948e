# PYTHON_ARGCOMPLETE_OK
"""The `aws-sso-ext` console script: `hook SHELL` now; setup, uninstall, doctor and demo later."""

from __future__ import annotations

import argparse
import os
import sys

# Only argparse at start-up: TAB completion (argcomplete) runs this script on every key press.


def build_parser() -> argparse.ArgumentParser:
    from awscli_sso_ext.hooks import SHELL_NAMES

    parser = argparse.ArgumentParser(
        prog="aws-sso-ext",
        description="Set up and inspect awscli-sso-ext, the `aws sso-switch` plugin.",
    )
    commands = parser.add_subparsers(dest="command", title="commands")
    commands.required = True
    # Later: setup, uninstall, doctor, demo (one add_parser each, handler in set_defaults).
    hook = commands.add_parser(
        "hook",
        help="print where a shell's hook file is, and the line that loads it",
        description=(
            "Prints the path of the hook file for SHELL on stdout, and on stderr the line to "
            "add to that shell's rc file. With --print, prints the file's text instead."
        ),
    )
    hook.add_argument("shell", metavar="SHELL", choices=SHELL_NAMES, help=", ".join(SHELL_NAMES))
    hook.add_argument(
        "--print", dest="print_text", action="store_true", help="print the hook's text"
    )
    hook.set_defaults(handler=run_hook)
    return parser


def run_hook(args, stdout, stderr) -> int:
    from awscli_sso_ext.hooks import hook_for, hook_path

    hook = hook_for(args.shell)
    try:
        path = hook_path(args.shell)
    except FileNotFoundError as error:
        stderr.write(f"aws-sso-ext hook: {error}\n")
        return 1
    if args.print_text:
        stdout.write(path.read_text(encoding="utf-8"))
        return 0
    stdout.write(f"{path}\n")
    stderr.write(
        f"To switch profiles in this shell with `aws sso-switch`, add this line to "
        f"{hook.rc_file} and open a new shell:\n\n    {hook.rc_line(path)}\n"
    )
    return 0


def main(argv=None, stdout=None, stderr=None) -> int:
    stdout = stdout if stdout is not None else sys.stdout
    stderr = stderr if stderr is not None else sys.stderr
    parser = build_parser()
    if "_ARGCOMPLETE" in os.environ:
        import argcomplete

        argcomplete.autocomplete(parser)
    args = parser.parse_args(argv)
    return args.handler(args, stdout, stderr)


if __name__ == "__main__":
    sys.exit(main())
