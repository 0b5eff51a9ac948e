"""Setup, then an edit by the real CLI or by hand, then uninstall: original + edit, and aws runs."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import config_strategies as cs
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from install_machine import Machine

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("v1_site_left_clean")]

# Each CLI run costs ~0.4 s and one example runs six or seven: a few generated examples,
# always the same ones (derandomized, no database), and one row for each reported case.
REAL_EDITS = st.one_of(
    st.tuples(
        st.just("cli"),
        st.sampled_from(["v1", "v2"]),
        st.sampled_from(["profile.{first}.region", "profile.added.region", "plugins.other"]),
    ),
    st.tuples(st.just("hand"), st.sampled_from(["crlf", "drop final newline", "respace", "swap"])),
    st.tuples(st.just("hand"), st.just("append"), st.sampled_from(["", "\n"])),
    st.tuples(st.just("hand"), st.just("comment"), st.sampled_from(["after header", "after ours"])),
)


@pytest.fixture(scope="module")
def other_plugin(tmp_path_factory) -> Path:
    """A folder with `otherplug`, another tool's plugin both CLIs can import (PYTHONPATH)."""
    folder = tmp_path_factory.mktemp("other-plugin")
    (folder / f"{cs.OTHER_PLUGIN}.py").write_text("def awscli_initialize(cli):\n    pass\n")
    return folder


def first_profile(text: str) -> str:
    match = re.search(r"^\[profile ([^\]]+)\]", text, re.M)
    return match.group(1) if match else "added"


def cli_edit(machine: Machine, aws: Path, name: str, text: str, setup: str) -> tuple[str, str]:
    """Run `aws configure set NAME VALUE` on the set-up config; the expectation is the same
    command run on a copy of the original (or, when only the set-up file has [plugins], that
    file as the CLI rewrites it: every line break "\\n")."""
    name = name.format(first=first_profile(text))
    value = cs.OTHER_PLUGIN if name.startswith("plugins.") else "eu-north-1"
    machine.run(aws, "configure", "set", name, value, check_rc=0)
    edited = machine.config_text()
    if name.startswith("plugins.") and not cs_has_plugins(text):
        head = cs.to_lf(text) + ("\n" if text and not text.endswith("\n") else "")
        return edited, f"{head}[plugins]\nother = {value}\n"
    copy = machine.home / "original-config"
    copy.write_bytes(text.encode("utf-8"))
    machine.run(aws, "configure", "set", name, value, check_rc=0, env={"AWS_CONFIG_FILE": copy})
    expected = copy.read_bytes().decode("utf-8")
    copy.unlink()
    return edited, expected


def cs_has_plugins(text: str) -> bool:
    return re.search(r"^\[plugins\]", text, re.M) is not None


def hand_edit(kind: tuple, original: str, setup: str) -> tuple[str, str]:
    name = kind[1]
    if name == "crlf":
        return cs.to_crlf(setup), cs.to_crlf(original)
    if name == "drop final newline":
        return cs.drop_final_newline(original, setup)
    if name == "respace":
        return cs.respace_ours(original, setup)
    if name == "swap":
        return cs.swap_ours(original, setup)
    if name == "append":
        newline = cs.newline_of(original)
        return cs.append(
            original, setup, f"{kind[2]}[profile later]{newline}output = json{newline}"
        )
    return cs.into_plugins(original, setup, "# mine", kind[2])


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # shrinking would rerun the CLIs for minutes
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(config=cs.configs(bom=st.sampled_from([False] * 9 + [True])), kind=REAL_EDITS)
# No final newline, then a profile added (what `aws configure sso` / `configure set` do).
@example(
    config=cs.Config("[default]\nregion = us-east-1", False, "\n"),
    kind=("cli", "v1", "profile.added.region"),
)
@example(
    config=cs.Config("[default]\nregion = us-east-1", False, "\n"),
    kind=("cli", "v2", "profile.added.region"),
)
# Another tool's plugin added to our [plugins] section.
@example(
    config=cs.Config("[default]\nregion = us-east-1", False, "\n"),
    kind=("cli", "v1", "plugins.other"),
)
@example(
    config=cs.Config("[plugins]\nother=otherplug\n[default]\nregion = a\n", True, "\n"),
    kind=("cli", "v2", "plugins.other"),
)
# [plugins] touched by hand after setup: CRLF, a comment, `sso_ext=...` without spaces.
@example(config=cs.Config("[default]\nregion = a\n", False, "\n"), kind=("hand", "crlf"))
@example(
    config=cs.Config("[default]\nregion = a\n", False, "\n"),
    kind=("hand", "comment", "after header"),
)
@example(config=cs.Config("[default]\nregion = a", False, "\n"), kind=("hand", "respace"))
# A CRLF file edited by the CLI, which rewrites it with "\n".
@example(
    config=cs.Config("[profile x]\r\nregion = a\r\n", False, "\r\n"),
    kind=("cli", "v2", "profile.{first}.region"),
)
def test_setup_edit_uninstall_with_the_real_clis(
    config, kind, toolbox, v1_elsewhere, v2_only, other_plugin
):
    with tempfile.TemporaryDirectory(prefix="awscli-sso-ext-edits-") as top:
        home = Path(top) / "home"
        home.mkdir()
        machine = Machine(
            home, v1_elsewhere, v2_only, toolbox, config=config.text, PYTHONPATH=str(other_plugin)
        )
        before = machine.snapshot()
        clis = {"v1": v1_elsewhere / "aws", "v2": v2_only / "aws"}
        if config.text.startswith("\ufeff"):
            result = machine.tool("setup", "--no-modify-rc", check_rc=2)
            assert "byte order mark" in result.stderr and "sed -i" in result.stderr
            assert machine.snapshot() == before
            return
        out = machine.tool("setup", "--no-modify-rc").stdout
        assert out.count(": registered") == 2, out
        setup = machine.config_text()
        if kind[0] == "cli":
            edited, expected = cli_edit(machine, clis[kind[1]], kind[2], config.text, setup)
        else:
            edited, expected = hand_edit(kind, config.text, setup)
            machine.config.write_bytes(edited.encode("utf-8"))
        machine.tool("uninstall")
        assert machine.config_text() == expected
        after = machine.snapshot()
        assert {k: v for k, v in after.items() if k != ".aws/config"} == {
            k: v for k, v in before.items() if k != ".aws/config"
        }
        for aws in clis.values():
            assert machine.plain_aws_works(aws), (aws, edited)
