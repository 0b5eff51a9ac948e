# PYTHON_ARGCOMPLETE_OK
"""The `aws-sso-ext` console script: setup, uninstall, doctor, demo, hook and process."""

from __future__ import annotations

import os
import sys

# Nothing but os and sys at start-up: TAB completion (argcomplete) runs this script on every
# key press, and `process` on every SDK call of a profile that uses it; argparse comes with
# the parser.


def build_parser():
    """The argparse parser of every command."""
    import argparse

    from awscli_sso_ext.demo_command import add_demo_command  # argparse only
    from awscli_sso_ext.hooks import SHELL_NAMES

    parser = argparse.ArgumentParser(
        prog="aws-sso-ext",
        description="Set up and inspect awscli-sso-ext, the `aws sso-switch` plugin.",
    )
    commands = parser.add_subparsers(dest="command", title="commands")
    commands.required = True
    _add_install_commands(commands)
    add_demo_command(commands)
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
    process = commands.add_parser(
        "process",
        help="print a profile's role keys for credential_process (fast when they are cached)",
        description=(
            "Prints the JSON a credential_process prints: the role keys of the SSO profile "
            "PROFILE, from the cache while they are good for 15 minutes more (the standard "
            "library alone: no AWS CLI start), else through `aws sso-env --profile PROFILE "
            "--format process`, which logs in when needed. In ~/.aws/config: "
            "`credential_process = aws-sso-ext process PROFILE`."
        ),
    )
    process.add_argument("profile", metavar="PROFILE", help="an SSO profile of your AWS config")
    process.set_defaults(handler=run_process)
    return parser


def _add_install_commands(commands) -> None:
    import argparse

    from awscli_sso_ext.shells import SHELL_NAMES as shells

    setup = commands.add_parser(
        "setup",
        help="register the plugin with every `aws` on PATH and load the hook from the rc file",
        description=(
            "Registers the plugin for each AWS CLI on PATH the way that CLI needs it, without "
            "writing any setting another CLI sharing the config would choke on, and adds one "
            "block to the rc file of your shell. Running it again changes nothing."
        ),
    )
    setup.add_argument("--shell", choices=shells, help="the shell to wire (default: detected)")
    setup.add_argument(
        "--no-modify-rc", dest="modify_rc", action="store_false", help="leave rc files alone"
    )
    setup.add_argument(
        "--dry-run", action="store_true", help="say what would change, change nothing"
    )
    setup.add_argument("--path-dir", help=argparse.SUPPRESS)  # install.sh: ~/.local/bin on PATH
    setup.set_defaults(handler=run_setup)
    uninstall = commands.add_parser(
        "uninstall",
        help="remove exactly what setup added",
        description="Undoes what setup recorded: config and rc files come back as they were.",
    )
    uninstall.add_argument("--dry-run", action="store_true", help="say what would change")
    uninstall.set_defaults(handler=run_uninstall)
    doctor = commands.add_parser(
        "doctor",
        help="check every `aws`, the config, the shell wiring and the SSO logins",
        description="One line per check, with the fix for each failure; exit 1 when broken.",
    )
    doctor.add_argument("--shell", choices=shells, help="the shell to check (default: detected)")
    doctor.set_defaults(handler=run_doctor)


def _guarded(action, stderr) -> int:
    from awscli_sso_ext.exits import guarded_console

    return guarded_console(action, stderr)


def run_setup(args, stdout, stderr) -> int:
    from awscli_sso_ext import installer

    return _guarded(
        lambda: installer.setup(args.shell, args.modify_rc, args.dry_run, args.path_dir, stdout),
        stderr,
    )


def run_uninstall(args, stdout, stderr) -> int:
    from awscli_sso_ext import installer

    return _guarded(lambda: installer.uninstall(args.dry_run, stdout), stderr)


def run_doctor(args, stdout, stderr) -> int:
    from awscli_sso_ext import doctor

    return _guarded(lambda: doctor.run(args.shell, stdout), stderr)


def run_hook(args, stdout, stderr) -> int:
    from awscli_sso_ext.errors import EXIT_FAILED
    from awscli_sso_ext.hooks import hook_for, hook_path

    hook = hook_for(args.shell)
    try:
        path = hook_path(args.shell)
    except FileNotFoundError as error:
        stderr.write(f"aws-sso-ext hook: {error}\n")
        return EXIT_FAILED
    if args.print_text:
        stdout.write(path.read_text(encoding="utf-8"))
        return 0
    stdout.write(f"{path}\n")
    stderr.write(
        f"To switch profiles in this shell with `aws sso-switch`, add this line to "
        f"{hook.rc_file} and open a new shell:\n\n    {hook.rc_line(path)}\n"
    )
    return 0


def run_process(args, stdout, stderr) -> int:
    from awscli_sso_ext.process_credentials import run

    return run(args.profile, stdout, stderr)


def main(argv=None, stdout=None, stderr=None) -> int:
    stdout = stdout if stdout is not None else sys.stdout
    stderr = stderr if stderr is not None else sys.stderr
    words = sys.argv[1:] if argv is None else list(argv)
    if len(words) == 2 and words[0] == "process" and not words[1].startswith("-"):
        # Every SDK call on such a profile runs this: no parser, nothing more imported.
        from awscli_sso_ext.process_credentials import run

        return run(words[1], stdout, stderr)
    parser = build_parser()
    if "_ARGCOMPLETE" in os.environ:
        import argcomplete

        argcomplete.autocomplete(parser)
    args = parser.parse_args(argv)
    return args.handler(args, stdout, stderr)


if __name__ == "__main__":
    sys.exit(main())
