"""Start-up fixes for AWS CLI v1: skip v2's plugin-path setting; a bad config, no traceback."""

# `aws-sso-ext setup` imports this module from a `.pth` file in AWS CLI v1's own environment, at
# interpreter start. v1 reads every `[plugins]` entry as a module to import, so the v2-only
# `cli_legacy_plugin_path = /abs/dir` would make every v1 command die with ModuleNotFoundError.
# No real module name is an absolute path: this finder answers only for such names, with an
# empty module whose `awscli_initialize` does nothing. Every other import never reaches it
# (it is last in sys.meta_path), so it costs nothing after start-up. Python 3.9 compatible.

import os
import sys
from importlib.machinery import ModuleSpec


class _IgnoredPluginPath:
    """Loader for a module named like a path: an empty package with a no-op plugin hook."""

    @staticmethod
    def create_module(spec):
        return None

    @staticmethod
    def exec_module(module):
        module.__path__ = []
        module.awscli_initialize = _ignore


def _ignore(cli):
    """What v2 does with cli_legacy_plugin_path as a plugin: nothing."""


class PluginPathFinder:
    """A meta path finder that resolves absolute-path module names (v1 reading a v2 setting)."""

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        if not os.path.isabs(fullname.split(os.pathsep)[0]):
            return None
        return ModuleSpec(fullname, _IgnoredPluginPath, is_package=True)


def _config_error_hook(kind, error, trace, previous=sys.excepthook):
    """v1 parses the config before it loads any plugin, and a file it can't parse ends in a
    traceback (exit 1). Say instead which file, what is wrong, and how to fix it (exit 2)."""
    if kind.__name__ != "ConfigParseError" or not kind.__module__.endswith("botocore.exceptions"):
        previous(kind, error, trace)
        return
    sys.stderr.write(
        f"aws: {error}.\n"
        "The file must hold only [sections] with `name = value` lines (comments start with #);"
        " fix that line, or point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE elsewhere.\n"
    )
    sys.stderr.flush()
    os._exit(2)  # the exit status of a usage or configuration error; nothing else is running


def install():
    """Append the finder and the error hook once, however often the .pth is processed."""
    if not any(type(finder).__name__ == "PluginPathFinder" for finder in sys.meta_path):
        sys.meta_path.append(PluginPathFinder())
    if getattr(sys.excepthook, "__name__", "") != "_config_error_hook":
        sys.excepthook = _config_error_hook


install()
