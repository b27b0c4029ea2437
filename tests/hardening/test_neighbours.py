"""Other local users get nothing: private directories whatever the umask, no write through a
planted link, and asso's own files read back only when they are private regular files."""

from __future__ import annotations

import os
import stat
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Callable, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asso import fs
from asso.aws import accounts, parsecache, tokens
from asso.aws.config import SsoSession
from asso.lock import FileLock
from asso.shell import completion, recent
from asso.shell.state import write_state
from asso.sso import oidc

from ..conftest import HELPER, START_URL, AwsHome, run_shell

PATH = "/usr/bin:/bin"
VICTIM_TEXT = b"a neighbour's file: must stay as it is\n"


def _modes(root: Path) -> Iterator[tuple[Path, int]]:
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            yield path, os.lstat(path).st_mode


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(umask=st.integers(min_value=0, max_value=0o777))
def test_nothing_created_is_open_to_others_whatever_the_umask(
    umask: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("umask")
    old = os.umask(umask)
    try:
        fs.write_atomic(str(root / "a" / "b" / "c" / "file"), b"x")
        lock = FileLock(str(root / "l1" / "l2" / "x.lock"))
        lock.acquire(5)
        lock.release()
        fs.make_private_dirs(str(root / "d1" / "d2"))
    finally:
        os.umask(old)
    for path, mode in _modes(root):
        if stat.S_ISDIR(mode):
            assert stat.S_IMODE(mode) == 0o700, path
        else:
            assert stat.S_IMODE(mode) == 0o600, path


@pytest.mark.parametrize("umask", [0o000, 0o002, 0o022, 0o077])
def test_the_helper_creates_every_missing_parent_private(tmp_path: Path, umask: int) -> None:
    """XDG base dirs too: ~/.local/state, ~/.cache are created 0700 when missing."""
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "config").write_text("[profile p]\nregion = eu-west-1\n" * 1)
    env = {"HOME": str(home), "PATH": PATH, "LC_ALL": "C.UTF-8", "ASSO_REMEMBER_PROFILE": "1"}
    out = home / ".local" / "state" / "asso" / "zsh-p"
    proc = subprocess.run(
        [str(HELPER), "_shell-state", "--shell=zsh", "--key=k", f"--out={out}", "--validate=p"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: os.umask(umask),
    )
    assert proc.returncode == 0, proc.stderr
    for directory in (home / ".local", home / ".local" / "state", out.parent):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory
    for path, mode in _modes(home / ".local"):
        assert not mode & 0o077, path


# -- planted links ---------------------------------------------------------------------------


@pytest.fixture
def env_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith(("AWS_", "ASSO_", "XDG_")):
            monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "config"))
    monkeypatch.setenv("ASSO_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("ASSO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ASSO_CONFIG_DIR", str(tmp_path / "asso-config"))
    accounts.clear_memo()
    return home


SESSION = SsoSession(START_URL, "us-east-1", "corp", None)


def _write_lock(path: str) -> None:
    lock = FileLock(path)
    try:
        lock.acquire(2)
    finally:
        lock.release()


def _write_directory_cache(_: str) -> None:
    accounts.save(accounts.Directory("corp", START_URL, "us-east-1", 0.0, []), SESSION.cache_key)


def _write_token(path: str) -> None:
    tokens.write_token(path, {"accessToken": "t", "expiresAt": "2030-01-01T00:00:00Z"})


def _write_parse_cache(_: str) -> None:
    config = os.path.join(os.environ["HOME"], "config")
    with open(config, "w") as handle:
        handle.write("[profile p]\n" + "# pad\n" * 20000)
    parsecache.load_cached(config, lambda text: "parsed")


def _parse_cache_path() -> str:
    from asso.digest import sha1_hex

    config = os.path.join(os.environ["HOME"], "config")
    return os.path.join(os.environ["ASSO_CACHE_DIR"], "parsed", sha1_hex(config))


def _completion_cache_path() -> str:
    return completion.cache_file()


def _write_completion_cache(_: str) -> None:
    with open(os.environ["AWS_CONFIG_FILE"], "w") as handle:
        handle.write("[profile p]\nregion = eu-west-1\n")
    os.utime(os.environ["AWS_CONFIG_FILE"], (1e9, 1e9))  # older than the run: it caches
    completion.completion_output()


def _directory_refresh_lock() -> str:
    from asso.sso import directory

    return directory._lock_path(SESSION.cache_key)


def _run_background_refresh(_: str) -> None:
    from asso.sso import directory

    directory._background_refresh(SESSION)  # no token: it fails, after taking its lock


def _commands_cache_path() -> str:
    from asso.cli import commands

    return commands.cache_path()


def _write_commands_cache(_: str) -> None:
    from asso.cli import commands

    commands.main()


WRITERS: dict[str, tuple[Callable[[], str], Callable[[str], None]]] = {
    "parse cache": (_parse_cache_path, _write_parse_cache),
    "commands cache": (_commands_cache_path, _write_commands_cache),
    "completion cache": (_completion_cache_path, _write_completion_cache),
    "directory refresh lock": (_directory_refresh_lock, _run_background_refresh),
    "directory error": (
        lambda: accounts.error_path(SESSION.cache_key),
        _run_background_refresh,
    ),
    "login lock": (lambda: os.path.join(os.environ["ASSO_STATE_DIR"], "x.lock"), _write_lock),
    "shell state": (
        lambda: os.path.join(os.environ["ASSO_STATE_DIR"], "zsh-p"),
        lambda p: write_state(p, [("key", "k"), ("end", "1")], fs.file_clock_ns()),
    ),
    "recent profiles": (recent.recent_path, lambda _: recent.note_selected("p", remember=False)),
    "remembered profile": (
        recent.remembered_path,
        lambda _: recent.note_selected("p", remember=True),
    ),
    "directory cache": (lambda: accounts.cache_path(SESSION.cache_key), _write_directory_cache),
    "token": (lambda: str(Path.home() / ".aws/sso/cache/t.json"), _write_token),
    "registration": (
        lambda: str(Path.home() / ".aws/sso/cache/r.json"),
        lambda p: oidc.save_registration(p, {"clientId": "c", "clientSecret": "s"}),
    ),
}


@pytest.mark.parametrize("what", list(WRITERS))
def test_no_write_follows_a_planted_link(env_home: Path, tmp_path: Path, what: str) -> None:
    path_of, write = WRITERS[what]
    path = Path(path_of())
    path.parent.mkdir(parents=True, exist_ok=True)
    victim = tmp_path / "victim"
    victim.write_bytes(VICTIM_TEXT)
    path.symlink_to(victim)
    try:
        write(str(path))
    except OSError:
        pass  # refusing is fine too: what matters is the victim
    assert victim.read_bytes() == VICTIM_TEXT
    if path.is_symlink():  # still the planted link: then asso must have refused to write
        assert what in ("login lock", "directory refresh lock")


def test_the_lock_refuses_a_planted_link_and_a_fifo(env_home: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(VICTIM_TEXT)
    link = tmp_path / "locks" / "a.lock"
    link.parent.mkdir()
    link.symlink_to(victim)
    with pytest.raises(OSError):
        FileLock(str(link)).acquire(1)
    fifo = tmp_path / "locks" / "b.lock"
    os.mkfifo(fifo)
    with pytest.raises(OSError):
        FileLock(str(fifo)).acquire(1)
    assert victim.read_bytes() == VICTIM_TEXT


def test_the_shell_never_clears_through_a_planted_link(
    shell: str, aws_home: AwsHome, tmp_path: Path
) -> None:
    """asp with no name forgets the remembered profile: never by truncating a link's target."""
    aws_home.write_config("[profile p]\nregion = eu-west-1\n")
    aws_home.state_dir.mkdir(parents=True, exist_ok=True)
    victim = tmp_path / "victim"
    victim.write_bytes(VICTIM_TEXT)
    (aws_home.state_dir / "remembered-profile").symlink_to(victim)
    env = {**aws_home.env, "PATH": PATH, "ASSO_REMEMBER_PROFILE": "1"}
    proc = run_shell(shell, "asp p >/dev/null 2>&1; asp; _asso_forget; echo done", env)
    assert "done" in proc.stdout, proc.stderr
    assert victim.read_bytes() == VICTIM_TEXT


@pytest.mark.parametrize("planted", ["link", "fifo"])
def test_forgetting_never_writes_through_what_is_planted_after_the_shells_check(
    shell: str, aws_home: AwsHome, tmp_path: Path, planted: str
) -> None:
    """The shell only checks (a builtin test); the helper writes. Something planted at the
    remembered profile after that check (here by a wrapper, just before the helper starts) is
    neither followed nor waited on."""
    aws_home.write_config("[profile p]\nregion = eu-west-1\n")
    victim = tmp_path / "victim"
    victim.write_bytes(VICTIM_TEXT)
    remembered = aws_home.state_dir / "remembered-profile"
    plant = f"ln -s {str(victim)!r}" if planted == "link" else "mkfifo"
    wrapper = tmp_path / "planting-helper"
    wrapper.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = _forget-profile ]; then rm -f {str(remembered)!r}; '
        f"{plant} {str(remembered)!r}; fi\n"
        f'exec {str(HELPER)!r} "$@"\n'
    )
    wrapper.chmod(0o755)
    env = {**aws_home.env, "PATH": PATH, "ASSO_REMEMBER_PROFILE": "1", "ASSO_HELPER": str(wrapper)}
    started = time.monotonic()
    proc = run_shell(shell, "asp p >/dev/null; asp; echo done", env, timeout=60)
    assert time.monotonic() - started < 30
    assert proc.stdout.splitlines()[-1:] == ["done"], proc.stderr
    assert "Traceback" not in proc.stderr
    assert victim.read_bytes() == VICTIM_TEXT
    mode = os.lstat(remembered).st_mode
    assert stat.S_ISLNK(mode) if planted == "link" else stat.S_ISFIFO(mode)


def test_forgetting_replaces_a_link_planted_between_read_and_write(
    env_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(VICTIM_TEXT)
    path = Path(recent.remembered_path())
    path.parent.mkdir(parents=True)
    path.write_bytes(b"p\n")
    path.chmod(0o644)
    real_read = recent.read_own

    def read_then_plant(*args: object, **kwargs: bool) -> object:
        data = real_read(*args, **kwargs)  # type: ignore[arg-type]
        path.unlink()
        path.symlink_to(victim)  # the neighbour wins the race
        return data

    monkeypatch.setattr(recent, "read_own", read_then_plant)
    assert recent.forget_remembered("p")
    assert victim.read_bytes() == VICTIM_TEXT
    assert not path.is_symlink() and path.read_bytes() == b""
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("content", "name", "forgotten"),
    [(b"p\n", None, True), (b"p\n", "p", True), (b"q\n", "p", False), (b"", None, False)],
)
def test_forgetting_only_what_is_named(
    env_home: Path, content: bytes, name: Optional[str], forgotten: bool
) -> None:
    path = Path(recent.remembered_path())
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    path.chmod(0o666)  # a mode others could write: emptied all the same, and made private
    assert recent.forget_remembered(name) is forgotten
    assert path.read_bytes() == (b"" if forgotten else content)
    if forgotten:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


# -- asso's own files, read back ----------------------------------------------------------------


def _parse_cache_file(config: str) -> Path:
    from asso.digest import sha1_hex

    return Path(os.environ["ASSO_CACHE_DIR"]) / "parsed" / sha1_hex(config)


@pytest.mark.parametrize("tamper", ["group-writable", "other-writable", "link", "not mine"])
def test_a_parse_cache_others_could_write_is_not_unmarshalled(
    env_home: Path, tmp_path: Path, tamper: str
) -> None:
    import marshal

    config = tmp_path / "config"
    config.write_text("[profile p]\nregion = eu-west-1\n" * 1 + "# pad\n" * 20000)
    calls: list[str] = []

    def parser(text: str) -> str:
        calls.append(text)
        return "parsed"

    assert parsecache.load_cached(str(config), parser) == "parsed"
    cache = _parse_cache_file(str(config))
    key = marshal.loads(cache.read_bytes())[0]
    forged = marshal.dumps((key, "forged"))
    if tamper == "link":
        target = tmp_path / "elsewhere"
        target.write_bytes(forged)
        os.chmod(target, 0o600)
        cache.unlink()
        cache.symlink_to(target)
    else:
        cache.write_bytes(forged)
        if tamper == "not mine":
            if os.getuid() != 0:
                pytest.skip("needs root to give the file away")
            os.chown(cache, 65534, 65534)
            os.chmod(cache, 0o600)
        else:
            os.chmod(cache, 0o620 if tamper == "group-writable" else 0o602)
    assert parsecache.load_cached(str(config), parser) == "parsed"
    assert len(calls) == 2


def test_a_private_parse_cache_is_still_used(env_home: Path, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text("[profile p]\n" + "# pad\n" * 20000)
    calls: list[str] = []

    def parser(text: str) -> str:
        calls.append(text)
        return "parsed"

    for _ in range(3):
        assert parsecache.load_cached(str(config), parser) == "parsed"
    assert len(calls) == 1


def test_a_commands_cache_others_could_write_is_not_served(
    env_home: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    from asso.cli import commands

    path = Path(commands.cache_path())
    path.parent.mkdir(parents=True)
    path.write_bytes(b"planted\0")
    os.chmod(path, 0o666)
    commands.main()
    served = capfd.readouterr().out
    assert "planted" not in served and "login" in served


def test_completion_cache_and_directory_cache_open_to_others_are_ignored(
    env_home: Path,
) -> None:
    path = Path(completion.cache_file())
    path.parent.mkdir(parents=True)
    path.write_bytes(b"anything")
    os.chmod(path, 0o666)
    assert fs.read_own(str(path)) is None
    os.chmod(path, 0o600)
    assert fs.read_own(str(path)) == b"anything"
    directory = Path(accounts.cache_path(SESSION.cache_key))
    _write_directory_cache("")
    assert accounts.load(SESSION) is not None
    os.chmod(directory, 0o646)
    accounts.clear_memo()
    assert accounts._read_raw(str(directory)) is None


def _a_state_file_alone(shell: str, aws_home: AwsHome) -> tuple[Path, dict[str, str], str]:
    """Profile "one" (region eu-west-1) resolved once by ``shell``'s prompt, its profile table
    removed so that the next prompt reads the state file: that file, the env and the hook."""
    aws_home.write_config(
        "[profile one]\naws_access_key_id = AKIAEXAMPLEEXAMPLE00\n"
        "aws_secret_access_key = x\nregion = eu-west-1\n"
    )
    env = {**aws_home.env, "AWS_PROFILE": "one"}
    hook = "_asso_precmd" if shell == "zsh" else "_asso_prompt_command"
    run_shell(shell, hook, env)
    prompt_dir = Path(aws_home.env["ASSO_STATE_DIR"]) / "prompt"
    for path in prompt_dir.iterdir():  # the table would answer first
        if ".profiles" in path.name:
            subprocess.run(["rm", "-rf", str(path)], check=True)
    return prompt_dir / f"{shell}-one", env, hook


@pytest.mark.parametrize("change", ["owner", "mode"])
def test_a_state_file_others_could_have_written_is_not_shown(
    shell: str, aws_home: AwsHome, change: str
) -> None:
    """A state file the prompt would show is read only when it is the user's (both shells) and
    no one else may write it (zsh reads modes with zstat; bash has no builtin for that and
    relies on the state dir being private)."""
    if change == "mode" and shell == "bash":
        pytest.skip("bash has no builtin that reads a mode")
    state, env, hook = _a_state_file_alone(shell, aws_home)
    with open(state, "r+b") as file:  # in place: the same file, its second name still valid
        forged = file.read().replace(b"eu-west-1", b"FORGED-01")
        file.seek(0)
        file.write(forged)
    shown = run_shell(shell, f'{hook}; printf "%s" "$ASSO_REGION"', env)
    assert shown.stdout == "FORGED-01"  # the set-up: a file of ours, 0600, is read
    if change == "owner":
        os.chown(state, 65534, 65534)
    else:
        os.chmod(state, 0o620)
    shown = run_shell(shell, f'{hook}; printf "%s" "$ASSO_REGION"', env)
    assert shown.stdout == "eu-west-1"


@pytest.mark.parametrize("record", [b"next_check", b"expires_at"])
def test_a_state_number_that_is_no_number_never_reaches_arithmetic(
    shell: str, aws_home: AwsHome, tmp_path: Path, record: bytes
) -> None:
    """Shell arithmetic evaluates a variable's text (bash runs a $( ) in a subscript there): a
    state file whose numbers are not digits is refused and the helper asked, whoever wrote it."""
    state, env, hook = _a_state_file_alone(shell, aws_home)
    pwned = tmp_path / "pwned"
    data = state.read_bytes()
    start = data.index(record + b"\0") + len(record) + 1
    end = data.index(b"\0", start)
    evil = f"x[$(touch {pwned})]+1".encode()
    with open(state, "r+b") as file:  # in place: the same file, its second name still valid
        file.write(data[:start] + evil + data[end:])
    shown = run_shell(shell, f'{hook}; _asso_render; printf "%s" "$ASSO_REGION"', env)
    assert not pwned.exists()
    assert shown.stdout == "eu-west-1"
    assert evil.decode() not in state.read_text()  # the helper wrote it anew
