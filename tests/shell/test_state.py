"""asso.shell.state: the records the plugin reads, their encoding, keys and file names."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from asso.errors import ConfigError, LocalIOError, ProfileNotFoundError, UsageError
from asso.shell import facts
from asso.shell.state import (
    KEY_SEPARATOR,
    STAMP_NAMES_KEPT,
    build_state,
    canonical_out,
    decode_records,
    encode_fields,
    encode_records,
    rekey,
    state_file_name,
    write_stamped,
    write_state,
)

from ..support.samples import ORG_CONFIG


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("ASSO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ASSO_CONFIG_DIR", str(tmp_path / "asso"))
    (tmp_path / "config").write_text(ORG_CONFIG)
    return {"HOME": str(tmp_path), "AWS_CONFIG_FILE": str(tmp_path / "config"), "TERM": "dumb"}


def test_encoding_round_trips_awkward_values() -> None:
    records = [("profile", "a b"), ("prompt", "%F{red}$(x)`y`\n;é"), ("error", "")]
    assert decode_records(encode_records(records)) == records
    assert encode_fields(["a\0b"]) == "a\ufffdb".encode() + b"\0"  # NUL cannot travel


def test_only_known_record_names_are_written() -> None:
    with pytest.raises(AssertionError):
        encode_records([("not-a-record", "x")])


def test_build_state_for_the_active_profile(env: dict[str, str]) -> None:
    records = build_state(
        {**env, "AWS_PROFILE": "dev"}, key="k", shell="zsh", fmt="{profile}", region_mode="env"
    )
    names = [name for name, _ in records]
    assert set(names) <= set(facts.RECORD_NAMES)
    assert records[0] == ("key", "k") and records[-1] == ("end", "1")
    values = dict(records)
    assert (values["profile"], values["account_id"], values["prompt"]) == ("dev", "444455556666", "dev")
    assert values["token_state"] == "missing"


def test_problems_become_records_without_validate(env: dict[str, str]) -> None:
    records = dict(
        build_state({**env, "AWS_PROFILE": "gone"}, key="k", shell="bash", fmt="", region_mode="env")
    )
    assert records["missing"] == "1" and "not found" in records["error"]


def test_validate_raises_and_selects_the_canonical_profile(env: dict[str, str]) -> None:
    key = KEY_SEPARATOR.join(["depl", "depl", "rest"])
    records = dict(build_state(env, key=key, shell="zsh", fmt="", region_mode="env", validate="depl"))
    assert records["profile"] == "deployer"
    assert records["key"] == KEY_SEPARATOR.join(["deployer", "deployer", "rest"])
    with pytest.raises(UsageError):
        build_state(env, key="k", shell="zsh", fmt="", region_mode="env", validate="")
    with pytest.raises(ProfileNotFoundError):
        build_state(env, key="k", shell="zsh", fmt="", region_mode="env", validate="zzz-none")


def test_a_broken_config_is_a_record_or_an_error(env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "config").write_text("[profile x\n")
    records = dict(build_state(env, key="k", shell="zsh", fmt="", region_mode="env"))
    assert "config error" in records["prompt"] and records["error"]
    with pytest.raises(ConfigError):
        build_state(env, key="k", shell="zsh", fmt="", region_mode="env", validate="x")


def test_rekey_only_touches_the_leading_pair() -> None:
    sep = KEY_SEPARATOR
    assert rekey(f"a{sep}a{sep}r", "a", "b") == f"b{sep}b{sep}r"
    assert rekey(f"x{sep}x{sep}r", "a", "b") == f"x{sep}x{sep}r"


@pytest.mark.parametrize(
    ("name", "file"),
    [("", "zsh-default"), ("prod.admin_1-x", "zsh-prod.admin_1-x"), ("a b", "zsh-_other"),
     ("é", "zsh-_other"), ("x" * 101, "zsh-_other")],
)
def test_state_file_names(name: str, file: str) -> None:
    assert state_file_name("zsh", name) == file


def test_canonical_out(tmp_path: Path) -> None:
    out = str(tmp_path / "zsh-depl")
    assert canonical_out(out, "zsh", "depl", "deployer") == str(tmp_path / "zsh-deployer")
    assert canonical_out(out, "zsh", "depl", "depl") == out


def _stamp_names(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name + "@"))


def test_a_state_is_also_named_by_its_generation_until_the_next_write(tmp_path: Path) -> None:
    """PATH@GEN: the same file, dated like it; the next write removes the name (see
    _asso_set_stamp: bash compares the watched files with it and reads nothing)."""
    path = tmp_path / "prompt" / "bash-one"
    write_state(str(path), [("key", "k"), ("end", "1")], started_ns=1_700_000_000_000_000_000)
    first = dict(decode_records(path.read_bytes()))["gen"]
    assert _stamp_names(path) == [f"bash-one{facts.STAMP_MARK}{first}"]
    stamp = path.parent / _stamp_names(path)[0]
    assert stamp.samefile(path)
    assert path.stat().st_mtime_ns == 1_700_000_000_000_000_000 - 1
    write_state(str(path), [("key", "k"), ("end", "1")], started_ns=1_700_000_000_000_000_001)
    second = dict(decode_records(path.read_bytes()))["gen"]
    assert second != first
    assert _stamp_names(path) == [f"bash-one{facts.STAMP_MARK}{second}"]
    assert not stamp.exists()
    # Another state file's names are not its own, even when one name starts like the other.
    write_state(str(tmp_path / "prompt" / "bash-one-more"), [("end", "1")], started_ns=1)
    assert len(_stamp_names(path)) == 1


def test_the_second_name_replaces_a_planted_link_without_following_it(tmp_path: Path) -> None:
    path = tmp_path / "bash-one"
    victim = tmp_path / "victim"
    victim.write_text("keep")
    (tmp_path / "bash-one@7.1").symlink_to(victim)
    write_stamped(str(path), b"gen\x007.1\x00", "7.1", stamp_ns=5)
    assert victim.read_text() == "keep"
    assert not (tmp_path / "bash-one@7.1").is_symlink()
    assert (tmp_path / "bash-one@7.1").samefile(path)


def test_a_second_name_that_cannot_be_made_is_left_out(tmp_path: Path) -> None:
    """The state is written all the same; the shell then reads its gen back (as without hard
    links)."""
    path = tmp_path / "bash-one"
    (tmp_path / "bash-one@7.1").mkdir()
    write_stamped(str(path), b"gen\x007.1\x00", "7.1", stamp_ns=5)
    assert path.read_bytes() == b"gen\x007.1\x00"
    assert not (tmp_path / "bash-one@7.1").samefile(path)
    assert os.stat(path).st_mtime_ns == 5


def test_the_state_dir_is_kept_private_for_the_shells(tmp_path: Path) -> None:
    """bash reads state files with builtins that cannot check a mode: the directory stands for
    them. One open to others is narrowed; one that is not the user's is refused."""
    prompt = tmp_path / "prompt"
    prompt.mkdir(mode=0o777)
    prompt.chmod(0o777)
    write_state(str(prompt / "bash-one"), [("end", "1")], started_ns=1)
    assert prompt.stat().st_mode & 0o777 == 0o700
    os.chown(prompt, 65534, 65534)
    with pytest.raises(LocalIOError, match="not a directory of yours"):
        write_state(str(prompt / "bash-one"), [("end", "1")], started_ns=2)


def test_a_write_for_other_inputs_leaves_the_other_shells_name(tmp_path: Path) -> None:
    """Shells whose keys differ (another TERM, another region) share a profile's state file. A
    write for one key keeps the names of writes for other keys, so that the shell that loaded
    one keeps comparing with it and starts no helper; a later write for the same key removes
    that key's older name. At most STAMP_NAMES_KEPT names of other keys stay, the newest."""
    path = tmp_path / "prompt" / "bash-one"

    def write(key: str, started_ns: int) -> str:
        write_state(str(path), [("key", key), ("end", "1")], started_ns=started_ns)
        return f"bash-one{facts.STAMP_MARK}" + dict(decode_records(path.read_bytes()))["gen"]

    first = write("xterm", 1_700_000_000_000_000_000)
    other = write("screen", 1_700_000_000_000_000_001)
    assert _stamp_names(path) == sorted([first, other])
    assert (path.parent / first).stat().st_mtime_ns == 1_700_000_000_000_000_000 - 1
    again = write("xterm", 1_700_000_000_000_000_002)
    assert _stamp_names(path) == sorted([other, again])
    names = [write(f"key{n}", 1_700_000_000_000_000_010 + n) for n in range(STAMP_NAMES_KEPT + 3)]
    assert _stamp_names(path) == sorted(names[-STAMP_NAMES_KEPT - 1 :])
