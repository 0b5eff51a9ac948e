"""sso_region set to the portal's region after a login through a vanity URL, as CLI v2 does."""

from __future__ import annotations

from awscli_sso_ext import install_files, sync, tokens
from awscli_sso_ext.errors import SsoExtError
from awscli_sso_ext.sync_config import Editor, sections


def set_sso_region(config_file: str, kind: str, name: str, region: str) -> bool:
    """Give sso_region of the [kind name] section of `config_file` the value `region`: one
    line changed in place, every other byte kept, under sso-sync's lock, the old file backed
    up beside it. False when the section is not found (the file changed meanwhile)."""
    target = install_files.real_target(config_file)
    with tokens.cache_lock(sync.lock_file(target)):
        current = install_files.read_text(target) or ""
        editor = Editor(current)
        found = [s for s in sections(editor.lines) if (s.kind, s.name) == (kind, name)]
        if not found:
            return False
        editor.set_value(found[-1], "sso_region", region)  # the last one wins in botocore
        text = editor.text()
        install_files.check_config_parses(text, target)
        install_files.check_writable(target)
        install_files.write_atomically(target + sync.BACKUP_SUFFIX, current)
        install_files.write_atomically(target, text)
    return True


def fix_region_quietly(config_file: str, kind: str, name: str, region: str) -> str | None:
    """set_sso_region, or why it could not be done (never raises for the login's sake)."""
    try:
        if set_sso_region(config_file, kind, name, region):
            return None
        return "its section is no longer in the file"
    except (OSError, SsoExtError) as error:
        return str(error).splitlines()[0]
