"""asso.aws.credkeys: which role-credentials cache file a typed name means, remembered only
while the config, the credentials file and the aliases file are exactly as they were read."""

from __future__ import annotations

import marshal
import os
import stat
from pathlib import Path

import pytest

from asso.aws.credkeys import lookup, remember, snapshot

RESULT = ("prod-admin", "sso", "0123456789abcdef0123456789abcdef01234567")


class Files:
    def __init__(self, root: Path) -> None:
        self.config = root / "aws config"
        self.credentials = root / "aws credentials"
        self.aliases = root / "aliases"
        self.config.write_text("[profile prod-admin]\nregion = eu-west-1\n")
        self.credentials.write_text("")
        self.env = {
            "AWS_CONFIG_FILE": str(self.config),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.credentials),
            "HOME": str(root),
        }

    @property
    def watched(self) -> list[str]:
        return [str(self.config), str(self.credentials), str(self.aliases)]  # aliases: missing


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "asso cache"
    monkeypatch.setenv("ASSO_CACHE_DIR", str(directory))
    return directory / "credkeys"


@pytest.fixture
def files(tmp_path: Path) -> Files:
    return Files(tmp_path)


def entries(cache: Path) -> list[Path]:
    return sorted(cache.iterdir()) if cache.is_dir() else []


@pytest.mark.parametrize(
    "name", ["prod-admin", "sand box", 'it\'s "q"', "$(touch x)", "50%", "a\nb", "日本"]
)
def test_remembered_answer_comes_back_for_that_name_only(
    cache: Path, files: Files, name: str
) -> None:
    assert lookup(name, files.env) is None
    remember(name, snapshot(files.watched), RESULT, files.env)
    assert lookup(name, files.env) == RESULT
    assert lookup(name + "x", files.env) is None
    assert lookup("prod", files.env) is None


def test_entry_is_private_and_names_no_path_or_secret(cache: Path, files: Files) -> None:
    remember("p", snapshot(files.watched), RESULT, files.env)
    [entry] = entries(cache)
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert len(entry.name) == 40  # a digest: the typed name is not in the file name


@pytest.mark.parametrize(
    "change",
    [
        lambda f: f.config.write_text(f.config.read_text() + "\n"),  # size
        lambda f: f.credentials.write_text("[x]\n"),
        lambda f: f.aliases.write_text("p = prod-admin\n"),  # appears
        lambda f: os.utime(f.config, ns=(1, 1)),  # same bytes, another mtime
        lambda f: os.chmod(f.config, 0o600),  # ctime only
        lambda f: f.config.unlink(),
    ],
    ids=["config-grows", "credentials-written", "aliases-appear", "mtime", "ctime", "deleted"],
)
def test_any_change_to_a_watched_file_forgets(cache: Path, files: Files, change) -> None:  # type: ignore[no-untyped-def]
    remember("p", snapshot(files.watched), RESULT, files.env)
    assert lookup("p", files.env) == RESULT
    change(files)
    assert lookup("p", files.env) is None


def test_replaced_by_an_identical_copy_forgets(cache: Path, files: Files, tmp_path: Path) -> None:
    remember("p", snapshot(files.watched), RESULT, files.env)
    copy = tmp_path / "copy"
    copy.write_bytes(files.config.read_bytes())
    st = files.config.stat()
    os.utime(copy, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(copy, files.config)  # same bytes, same mtime: another inode (and ctime)
    assert lookup("p", files.env) is None


def test_change_while_reading_remembers_nothing(cache: Path, files: Files) -> None:
    before = snapshot(files.watched)
    files.config.write_text("[profile other]\n")  # edited between the snapshot and remember
    remember("p", before, RESULT, files.env)
    assert entries(cache) == []
    assert lookup("p", files.env) is None


def test_entry_belongs_to_one_config_and_credentials_file(
    cache: Path, files: Files, tmp_path: Path
) -> None:
    remember("p", snapshot(files.watched), RESULT, files.env)
    other = {**files.env, "AWS_CONFIG_FILE": str(tmp_path / "other config")}
    assert lookup("p", other) is None
    other = {**files.env, "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "other creds")}
    assert lookup("p", other) is None


def _only_entry(cache: Path, files: Files) -> Path:
    remember("p", snapshot(files.watched), RESULT, files.env)
    [entry] = entries(cache)
    return entry


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00garbage",
        marshal.dumps((1, []))[:-1],  # truncated
        marshal.dumps((2, [], RESULT)),  # another format
        marshal.dumps((1, "not a list", RESULT)),
        marshal.dumps((1, [], ["a", "b", "c"])),
        marshal.dumps((1, [], ("only", "two"))),
        marshal.dumps((1, [("a path and nothing else",)], RESULT)),
        marshal.dumps((1, [(7, None)], RESULT)),
        marshal.dumps(None),
    ],
    ids=lambda data: data[:12].hex() or "empty",
)
def test_a_damaged_entry_is_a_miss_not_a_crash(cache: Path, files: Files, data: bytes) -> None:
    entry = _only_entry(cache, files)
    entry.write_bytes(data)
    assert lookup("p", files.env) is None


def test_entry_that_is_not_asso_own_is_ignored(cache: Path, files: Files, tmp_path: Path) -> None:
    entry = _only_entry(cache, files)
    good = entry.read_bytes()
    # Writable by others: anyone could have chosen the answer.
    os.chmod(entry, 0o622)
    assert lookup("p", files.env) is None
    # A link to a file with a valid answer: not followed.
    elsewhere = tmp_path / "planted"
    elsewhere.write_bytes(good)
    entry.unlink()
    entry.symlink_to(elsewhere)
    assert lookup("p", files.env) is None


def test_remember_replaces_a_planted_link_instead_of_following_it(
    cache: Path, files: Files, tmp_path: Path
) -> None:
    entry = _only_entry(cache, files)
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    entry.unlink()
    entry.symlink_to(victim)
    remember("p", snapshot(files.watched), RESULT, files.env)
    assert victim.read_text() == "keep me"
    assert not entry.is_symlink()
    assert lookup("p", files.env) == RESULT


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_unwritable_cache_only_costs_speed(cache: Path, files: Files) -> None:
    cache.parent.mkdir()
    os.chmod(cache.parent, 0o500)
    try:
        remember("p", snapshot(files.watched), RESULT, files.env)  # no exception
        assert lookup("p", files.env) is None
    finally:
        os.chmod(cache.parent, 0o700)
