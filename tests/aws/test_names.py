"""asso.aws.names: which profile a typed name means (exact, alias, prefix, substring)."""

from __future__ import annotations

from pathlib import Path

import pytest

from asso.aws.config import load_config
from asso.aws.names import load_aliases, resolve_name
from asso.errors import (
    AliasTargetError,
    AmbiguousProfileError,
    ConfigError,
    ExitCode,
    ProfileNotFoundError,
)

from ..support.samples import ORG_CONFIG


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    path = tmp_path / "config"
    path.write_text(ORG_CONFIG)
    monkeypatch.setenv("ASSO_CONFIG_DIR", str(tmp_path / "asso"))
    return load_config({"AWS_CONFIG_FILE": str(path), "HOME": str(tmp_path)})


def test_exact_prefix_and_substring(config) -> None:  # type: ignore[no-untyped-def]
    assert resolve_name(config, "dev") == "dev"
    assert resolve_name(config, "depl") == "deployer"
    assert resolve_name(config, "READONLY") == "prod-readonly"  # substring, any case


def test_ambiguous_and_unknown(config) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AmbiguousProfileError) as ambiguous:
        resolve_name(config, "prod")
    assert ambiguous.value.exit_code == ExitCode.PROFILE_AMBIGUOUS
    assert ambiguous.value.candidates == ["prod-admin", "prod-readonly"]
    with pytest.raises(ProfileNotFoundError) as missing:
        resolve_name(config, "nothing-like-it")
    assert missing.value.exit_code == ExitCode.PROFILE_NOT_FOUND


def test_aliases(config, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    aliases = tmp_path / "asso" / "aliases"
    aliases.parent.mkdir()
    aliases.write_text("# mine\np = prod-admin\n gone = no-such-profile \n")
    assert resolve_name(config, "p") == "prod-admin"
    with pytest.raises(AliasTargetError):
        resolve_name(config, "gone")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a = b\n", {"a": "b"}),
        ("\ufeffa=b # not a comment\n", {"a": "b # not a comment"}),
        ("; c\n\n a = b \na = c\n", {"a": "c"}),
        ("é = prod $(x)\n", {"é": "prod $(x)"}),
    ],
)
def test_load_aliases(tmp_path: Path, text: str, expected: dict[str, str]) -> None:
    path = tmp_path / "aliases"
    path.write_text(text, encoding="utf-8")
    assert load_aliases(str(path)) == expected


@pytest.mark.parametrize("text", ["no equals sign\n", "= target\n", "alias =\n"])
def test_load_aliases_refuses_malformed_lines(tmp_path: Path, text: str) -> None:
    path = tmp_path / "aliases"
    path.write_text(text)
    with pytest.raises(ConfigError, match="line 1"):
        load_aliases(str(path))


def test_missing_aliases_file_is_empty(tmp_path: Path) -> None:
    assert load_aliases(str(tmp_path / "none")) == {}
