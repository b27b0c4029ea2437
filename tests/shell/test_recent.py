"""asso.shell.recent: recently used profiles and the remembered one, in the state dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from asso.shell import recent


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASSO_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


def test_most_recent_first_without_repeats(state_dir: Path) -> None:
    assert recent.read_recent() == []
    for name in ("a", "b b", "é $(x)", "a"):
        recent.note_selected(name, remember=False)
    assert recent.read_recent() == ["a", "é $(x)", "b b"]
    assert not (state_dir / recent.REMEMBERED_FILE).exists()


def test_the_list_is_bounded(state_dir: Path) -> None:
    for i in range(recent.RECENT_MAX + 5):
        recent.note_selected(f"p{i}", remember=False)
    names = recent.read_recent()
    assert len(names) == recent.RECENT_MAX and names[0] == f"p{recent.RECENT_MAX + 4}"


def test_remember_writes_one_line(state_dir: Path) -> None:
    recent.note_selected("prod-admin", remember=True)
    assert (state_dir / recent.REMEMBERED_FILE).read_bytes() == b"prod-admin\n"
    assert (state_dir / recent.REMEMBERED_FILE).stat().st_mode & 0o777 == 0o600


def test_the_remembered_profile_is_read_only_from_a_private_file(state_dir: Path) -> None:
    assert recent.read_remembered() is None
    recent.note_selected("é $(x) %d", remember=True)
    path = state_dir / recent.REMEMBERED_FILE
    assert recent.read_remembered() == "é $(x) %d"
    for mode in (0o620, 0o602):
        path.chmod(mode)
        assert recent.read_remembered() is None, oct(mode)
    path.chmod(0o600)
    path.rename(state_dir / "elsewhere")
    path.symlink_to(state_dir / "elsewhere")
    assert recent.read_remembered() is None
    path.unlink()
    path.write_bytes(b"")
    path.chmod(0o600)
    assert recent.read_remembered() is None  # emptied: nothing remembered
