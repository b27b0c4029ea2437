"""The state the shell plugin reads: NUL-separated name/value records, never evaluated.

The plugin reads this file with shell builtins (zsh ``$(<file)``, bash ``read -d ''``) and copies
values whose names it knows into its variables, so any byte a config file holds reaches the
shell exactly and none is run. The file's mtime is set to the moment before the inputs were
read: any watched file newer than it has changed since, and the plugin asks again.

``asp NAME`` runs ``_shell-state --validate=NAME``: NAME may be an alias, a prefix or a substring
(asso.aws.names); the state written is the canonical profile's, under its key and file name, and the
canonical name is printed on stdout (one line) for the shell to export.

When the state file cannot be written (a read-only or full disk), the plugin asks again with
``--fallback=stdout``: the same records, on stdout (asso.cli.main), read by the same reader.
"""

from __future__ import annotations

import os
import time

from asso import paths
from asso.aws import accounts, tokens
from asso.aws.config import load_config
from asso.aws.names import resolve_name
from asso.aws.resolve import DEFAULT_PROFILE, TokenStates, active_profile, resolve_profile
from asso.digest import sha1_hex
from asso.errors import ConfigError, LocalIOError, UsageError
from asso.fs import keep_private_dir, read_own, write_all, write_atomic
from asso.shell import facts, render

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Optional

    from asso.aws.config import AwsConfig
    from asso.aws.resolve import Resolution

# Names the plugin accepts (anything else in the file is ignored by it): asso.shell.facts.
RECORD_NAMES = facts.RECORD_NAMES

# The plugin's key: fields joined by this (see _asso_inputs); the profile comes first, twice.
KEY_SEPARATOR = facts.KEY_SEPARATOR
# Names the plugin uses in file names as they are (_asso_file_word); others share one file.
_PLAIN = frozenset(facts.FILE_NAME_CHARS)


def encode_fields(fields: Iterable[str]) -> bytes:
    """Each field NUL-terminated, for the shell's ``read -d ''``. NUL is the separator, so a
    field cannot carry one (environment strings cannot either): it becomes U+FFFD."""
    return b"".join(
        f.replace("\0", "\ufffd").encode("utf-8", "surrogateescape") + b"\0" for f in fields
    )


def encode_records(records: Iterable[tuple[str, str]]) -> bytes:
    pairs = list(records)
    assert all(name in RECORD_NAMES for name, _ in pairs), pairs
    return encode_fields(field for pair in pairs for field in pair)


def decode_records(data: bytes) -> list[tuple[str, str]]:
    """The inverse of encode_records, for tests and tools."""
    parts = data.split(b"\0")
    if parts and parts[-1] == b"":
        parts.pop()
    return [
        (parts[i].decode(), parts[i + 1].decode("utf-8", "surrogateescape"))
        for i in range(0, len(parts) - 1, 2)
    ]


def _epoch(moment: Optional[float]) -> str:
    return str(int(moment)) if moment is not None else ""


def next_check(token: Optional[tokens.TokenStatus], now: float) -> str:
    """When the token's state will change by the clock alone: the shell re-resolves then."""
    return _epoch(token.next_change(now)) if token is not None else ""


def watched_files(config: AwsConfig, res: Optional[Resolution]) -> list[str]:
    files = [config.config_file, config.credentials_file]
    if res is not None and res.token is not None:
        files.append(res.token.path)
    if res is not None and res.account_id:
        # Where the account name may come from: a background directory fetch lands here.
        files.append(accounts.overrides_path())
        if res.sso_session or res.start_url:
            files.append(accounts.cache_path(sha1_hex(res.sso_session or res.start_url or "")))
    return ["+" + f if os.path.exists(f) else "-" + f for f in files]


def build_state(
    env: Mapping[str, str],
    *,
    key: str,
    shell: str,
    fmt: str,
    region_mode: str,
    validate: Optional[str] = None,
) -> list[tuple[str, str]]:
    """Resolve the active profile into records.

    With ``validate`` (``asp NAME``) that profile is checked as if it were active and a problem
    raises, so the shell changes nothing. Without it (the prompt hook) every problem becomes
    part of the state and the prompt shows it.
    """
    now = time.time()
    records: list[tuple[str, str]]
    if validate is not None:
        if not validate:
            raise UsageError("an empty profile name cannot be selected")
        config = load_config(env)  # a broken config raises: the shell changes nothing
        name = resolve_name(config, validate)  # raises when none, or several, match
        key = rekey(key, validate, name)
        env = {**env, "AWS_PROFILE": name, "AWS_DEFAULT_PROFILE": name}
        source = "AWS_PROFILE"
    else:
        name, source = active_profile(env)
        try:
            config = load_config(env)
        except ConfigError as error:
            # Say so where the user looks: the prompt (the message itself is in ASSO_ERROR).
            prompt = render.sanitize(name, shell) + " (config error)"
            records = [("key", key), ("profile", name), ("error", str(error)), ("prompt", prompt)]
            for path in config_paths(env):
                records.append(("watch", ("+" if os.path.exists(path) else "-") + path))
            records.append(("end", "1"))
            return records
    records = [("key", key)]
    res: Optional[Resolution] = None
    if name in config.profiles:
        res = resolve_profile(config, name, env, TokenStates(now))
        if validate is not None and res.error:
            raise ConfigError(f"profile {name!r}: {res.error}")
    elif source != "default":
        # Set by hand to a profile that does not exist: say so in the prompt, once. "missing"
        # lets the plugin drop a remembered profile that is gone.
        records += [("profile", name), ("error", f"profile {name!r} not found")]
        records += [("prompt", render.sanitize(name, shell) + " (unknown profile)")]
        records.append(("missing", "1"))
    if res is not None:
        records += profile_records(res, env, shell=shell, fmt=fmt, region_mode=region_mode, now=now)
        if res.error:
            records.append(("error", res.error))
    records += [("watch", entry) for entry in watched_files(config, res)]
    records.append(("end", "1"))
    return records


def profile_records(
    res: Resolution, env: Mapping[str, str], *, shell: str, fmt: str, region_mode: str, now: float
) -> list[tuple[str, str]]:
    """A resolved profile's records (the profile table holds the same, per profile)."""
    source = _mark_exported_keys(res, env)
    # The user's own keys are not the profile: its production colour would mislead.
    prod = source != "env" and render.is_prod(res, render.prod_patterns(env))
    danger = prod and render.colour_enabled(env)
    return [
        ("profile", res.profile),
        ("kind", res.kind),
        ("account_id", res.account_id or ""),
        ("account_name", res.account_name or ""),
        ("role", res.role or ""),
        ("region", res.region or ""),
        ("region_source", res.region_source or ""),
        ("token_state", res.token_state or ""),
        ("expires_at", _epoch(res.keys_expire_at if res.keys_exported else res.expires_at)),
        ("credential_source", source),
        ("next_check", next_check(res.token, now)),
        ("prod", "1" if prod else ""),
        ("prompt", render.render(res, fmt, region_mode, shell, danger=danger)),
    ]


def _mark_exported_keys(res: Resolution, env: Mapping[str, str]) -> str:
    """The shell's ASSO_CREDENTIAL_SOURCE: ``profile``, ``env`` (keys the user set win over the
    profile) or ``exported`` (keys asso exported for it: asp -x; the plugin says so with
    ASSO_KEYS_EXPORTED=1 for this one command). Their expiry is AWS_CREDENTIAL_EXPIRATION."""
    if res.credential_source != "env" or env.get("ASSO_KEYS_EXPORTED") != "1":
        return res.credential_source
    res.keys_exported = True
    res.keys_expire_at = tokens.parse_time(env.get("AWS_CREDENTIAL_EXPIRATION"))
    return "exported"


def rekey(key: str, name: str, canonical: str) -> str:
    """The plugin's key for ``name`` (``_asso_inputs NAME``), made the key for ``canonical``."""
    prefix = name + KEY_SEPARATOR + name + KEY_SEPARATOR
    if canonical == name or not key.startswith(prefix):
        return key
    return canonical + KEY_SEPARATOR + canonical + KEY_SEPARATOR + key[len(prefix) :]


def file_word(name: str) -> str:
    """``name`` as the last part of a file name, as the plugin's _asso_file_word has it: itself
    when it is plain (facts.FILE_NAME_CHARS, at most FILE_NAME_MAX), else FILE_NAME_OTHER."""
    if len(name) > facts.FILE_NAME_MAX or not _PLAIN.issuperset(name):
        return facts.FILE_NAME_OTHER
    return name


def state_file_name(shell: str, name: str) -> str:
    """The plugin's state file name for a profile, as _asso_state_path computes it."""
    return facts.STATE_STEM.format(shell=shell) + file_word(name or DEFAULT_PROFILE)


def canonical_out(out: str, shell: str, name: str, canonical: str) -> str:
    """Where the state of ``canonical`` goes when the shell asked for ``name``'s file."""
    directory, base = os.path.split(out)
    if canonical == name or base != state_file_name(shell, name):
        return out
    return os.path.join(directory, state_file_name(shell, canonical))


def config_paths(env: Mapping[str, str]) -> list[str]:
    return [paths.aws_config_file(env), paths.aws_credentials_file(env)]


def write_state(path: Optional[str], records: list[tuple[str, str]], started_ns: int) -> None:
    """Write the records; ``started_ns`` is file_clock_ns() from before the inputs were read."""
    generation = f"{started_ns}.{os.getpid()}"
    stamp, records = stamp_of(records, started_ns)
    data = encode_records([("gen", generation), *records])
    if path is None:
        write_all(1, data)
        return
    try:
        write_stamped(path, data, generation, stamp)
    except OSError as error:
        raise LocalIOError(f"cannot write shell state {path}: {error.strerror}") from None


#: Names PATH@GEN of writes for other inputs kept beside a new write (the newest ones).
STAMP_NAMES_KEPT = 8


def stamp_of(records: list[tuple[str, str]], started_ns: int) -> tuple[int, list[tuple[str, str]]]:
    """The date for a state file (or a table header) whose inputs were read from ``started_ns``
    on, and its records (with a sooner ``next_check`` when a watched file is in the future)."""
    # Future means after now, not after started_ns: a file edited while the inputs were read is
    # a real change, and the next prompt must ask again.
    future = _future_mtime(records, time.time_ns())
    if future is None:
        return started_ns - 1, records
    # A watched file dated in the future (clock skew, copied times) would look newer than any
    # state forever, and start Python at every prompt. Stamp the state with that time instead,
    # and re-check on the clock within a minute to catch a real change.
    return future, _sooner_check(records, int(time.time()) + FUTURE_RECHECK)


def write_stamped(path: str, data: bytes, generation: str, stamp_ns: int) -> None:
    """Replace ``path`` (a state file or a profile table's header) with ``data``, which starts
    with the ``gen`` record ``generation``, then the record that names its inputs (a state's
    ``key``, a header's ``rest``).

    Dated ``stamp_ns`` (strictly older than any write after the inputs were read, so the
    plugin's -nt tests see every such write) and also named PATH@GENERATION (facts.STAMP_MARK)
    until the next write for the same inputs: a shell compares the watched files with that
    name, whose date no later write moves, and its absence tells the shell another write
    replaced what it loaded. A write for other inputs (another shell's TERM or region on the
    same profile) leaves it: the shell that loaded it keeps its state and starts no helper,
    where each of two such shells would otherwise start one at every prompt. Of those, the
    newest STAMP_NAMES_KEPT stay.
    """
    directory, base = os.path.split(path)
    keep_private_dir(directory)  # the shells trust what is in it (bash can't read modes)
    # A cache: a file lost in a crash lacks its "end" record and the plugin asks again.
    stamp_name = path + facts.STAMP_MARK + generation
    write_atomic(path, data, durable=False, mtime_ns=stamp_ns, also_name=stamp_name)
    prefix = base + facts.STAMP_MARK
    try:
        names = os.listdir(directory)
    except OSError:
        return
    inputs = _inputs_record(data)
    kept: list[tuple[int, str]] = []
    for name in names:
        full = os.path.join(directory, name)
        if not name.startswith(prefix) or full == stamp_name:
            continue
        if inputs is not None and _inputs_record(read_own(full, 1 << 20) or b"") not in (
            None,
            inputs,
        ):
            started = name[len(prefix) :].split(".", 1)[0]
            kept.append((int(started) if started.isdigit() else -1, full))
            continue
        _unlink_quietly(full)
    kept.sort(reverse=True)
    for _, full in kept[STAMP_NAMES_KEPT:]:
        _unlink_quietly(full)


def _inputs_record(data: bytes) -> Optional[bytes]:
    """The second record of a stamped file (name and value), or None when it has none."""
    parts = data.split(b"\0", 4)
    return b"\0".join(parts[2:4]) if len(parts) == 5 else None


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


FUTURE_RECHECK = 60  # seconds between checks while a watched file is dated in the future


def _future_mtime(records: list[tuple[str, str]], now_ns: int) -> Optional[int]:
    """The latest mtime of the watched files when it is after ``now_ns``, else None."""
    latest: Optional[int] = None
    for name, value in records:
        if name != "watch" or not value.startswith("+"):
            continue
        try:
            mtime = os.stat(value[1:]).st_mtime_ns
        except (OSError, ValueError):
            continue
        if mtime > now_ns and (latest is None or mtime > latest):
            latest = mtime
    return latest


def _sooner_check(records: list[tuple[str, str]], moment: int) -> list[tuple[str, str]]:
    result = [(n, v) for n, v in records if n != "next_check"]
    current = next((v for n, v in records if n == "next_check" and v), None)
    when = min(int(current), moment) if current and current.isdigit() else moment
    at = next((i for i, (n, _) in enumerate(result) if n == "watch"), len(result) - 1)
    result.insert(at, ("next_check", str(when)))
    return result
