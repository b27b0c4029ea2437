"""Completion data for the shells: ``asso profiles --completion``.

Output: NUL-terminated triples ``name``, ``description``, ``group`` for every profile, grouped
by SSO session (sessions in config order, then profiles without one). The description says what
the profile is: account, role, region and token state.

The output is cached under the cache dir, keyed on the stat of every file it was built from
(config, credentials, token files, account directories) and valid until the first token changes
state by the clock. A hit reads one file and stats a few: no config parsing, no argparse, so
completing from 5,000 profiles costs about what the interpreter's start-up does.
"""

from __future__ import annotations

import marshal
import os
import sys
import time

from asso import __version__, paths
from asso.digest import sha1_hex
from asso.fs import read_own
from asso.text import printable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Optional

    from asso.aws.resolve import Resolution

_FORMAT = 2  # bump when the output changes: old entries are then rebuilt
OTHER_GROUP = "other profiles"
# What the description says about a profile's kind (SSO and roles show account and role).
_KINDS = {
    "sso": "",
    "role": "",
    "none": "",
    "static": "static keys",
    "web_identity": "web identity",
    "process": "credential_process",
}


def _signature(path: str) -> Optional[tuple[int, int, int, int]]:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


def cache_file(env: Mapping[str, str] = os.environ) -> str:
    basis = "\0".join(
        (paths.aws_config_file(env), paths.aws_credentials_file(env), env.get("HOME", ""))
    )
    return os.path.join(paths.user_cache_dir(), "completion", sha1_hex(basis))


def cached_output(path: str, now: float) -> Optional[bytes]:
    """The cached triples if every input is unchanged and no token changed state since."""
    data = read_own(path)  # marshal input: only a private regular file of the user's
    if data is None:
        return None
    try:
        fmt, watched, valid_until, payload = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return None
    if fmt != (_FORMAT, __version__) or (valid_until is not None and now >= valid_until):
        return None
    for file, signature in watched:
        if _signature(file) != signature:
            return None
    return bytes(payload)


def describe(res: Resolution, region: Optional[str] = None) -> str:
    """One line: account (name and id), role, region (``region``, else the resolution's), token
    state."""
    if res.error:
        return printable("error: " + " ".join(res.error.split()))
    parts: list[str] = []
    if res.account_name and res.account_id:
        parts.append(f"{res.account_name} ({res.account_id})")
    elif res.account_name or res.account_id:
        parts.append(res.account_name or res.account_id or "")
    if res.role:
        parts.append(res.role)
    kind = _KINDS.get(res.kind, res.kind)
    if kind:
        parts.append(kind)
    region = region or res.region
    if region:
        parts.append(region)
    if res.token_state:
        parts.append("token " + res.token_state)
    text = ", ".join(parts)
    return printable(text)  # one line: a terminal would act on control characters


def group_of(res: Resolution) -> str:
    if res.sso_session:
        return "sso-session " + res.sso_session
    if res.start_url:
        return "start URL " + res.start_url
    return OTHER_GROUP


def entry(res: Resolution, region: Optional[str] = None) -> Optional[tuple[str, str, str]]:
    """A profile's name, description and group as completion lists it; None for a name with
    control characters (listing it would drive the terminal)."""
    if printable(res.profile) != res.profile:
        return None
    return res.profile, describe(res, region), printable(group_of(res))


def watch(
    res: Resolution,
    now: float,
    watched: list[str],
    earliest: Optional[float],
    directories: Optional[dict[str, str]] = None,
) -> Optional[float]:
    """Add to ``watched`` the files whose change changes ``res``'s entry (its token, its
    session's account directory); return the earlier of ``earliest`` and the moment its token
    next changes state. ``directories``: the account directories found so far, by session (for
    thousands of profiles on a few sessions)."""
    from asso.aws import accounts

    token = res.token
    if token is not None and token.path not in watched:
        watched.append(token.path)
        moment = token.next_change(now)
        if moment is not None and (earliest is None or moment < earliest):
            earliest = moment
    session = res.sso_session or res.start_url
    if session and (directories is None or session not in directories):
        path = accounts.cache_path(sha1_hex(session))
        if directories is not None:
            directories[session] = path
        if path not in watched:
            watched.append(path)
    return earliest


def build(env: Mapping[str, str], now: float) -> tuple[bytes, list[str], Optional[float]]:
    """The triples, the files they came from, and when a token's state next changes."""
    from asso.aws import accounts
    from asso.aws.config import load_config
    from asso.aws.resolve import TokenStates, resolve_profile
    from asso.shell.state import encode_fields

    config = load_config(env)
    states = TokenStates(now)
    # The profile's own region, not AWS_REGION: the description is about the profile.
    listing = [resolve_profile(config, name, {}, states) for name in config.profiles]
    groups: dict[str, list[Resolution]] = {}
    for res in listing:
        groups.setdefault(group_of(res), []).append(res)
    order = sorted(groups, key=lambda g: (g == OTHER_GROUP, list(groups).index(g)))
    out = bytearray()
    for group in order:
        for res in groups[group]:
            listed = entry(res)
            if listed is not None:
                out += encode_fields(listed)
    watched = [config.config_file, config.credentials_file, accounts.overrides_path()]
    valid_until: Optional[float] = None
    for res in listing:
        valid_until = watch(res, now, watched, valid_until)
    return bytes(out), watched, valid_until


def completion_output(env: Mapping[str, str] = os.environ) -> bytes:
    now = time.time()
    path = cache_file(env)
    cached = cached_output(path, now)
    if cached is not None:
        return cached
    from asso.fs import file_clock_ns, write_atomic

    started_ns = file_clock_ns()
    payload, watched, valid_until = build(env, now)
    entry = [(file, _signature(file)) for file in watched]
    # A file written while we read it may be newer than what we read: keep no entry then.
    if all(sig is None or sig[0] < started_ns for _, sig in entry):
        try:
            data = marshal.dumps(((_FORMAT, __version__), entry, valid_until, payload))
            write_atomic(path, data, mode=0o600, durable=False)
        except OSError:
            pass  # a read-only cache dir only costs speed
    return payload


def services_output() -> bytes:
    """``asso console --services`` and ``asso _choices service``: NUL-ended name, description
    pairs of the console's short names (the shells keep them for the session: the list changes
    only with asso)."""
    from asso.aws.console import SERVICES
    from asso.shell.state import encode_fields

    out = bytearray()
    for name, (_, description) in SERVICES.items():
        out += encode_fields((name, description))
    return bytes(out)


#: The lists ``asso _choices NAME`` prints, for option values (asso.cli.commands.VALUE_KINDS
#: says which option takes which).
CHOICES = {"service": services_output}


def choices_main(argv: list[str]) -> int:
    """``asso _choices NAME``: a list's NUL-ended name, description pairs (no argparse)."""
    from asso.errors import UsageError

    if len(argv) != 1 or argv[0] not in CHOICES:
        raise UsageError(f"_choices: one of {', '.join(sorted(CHOICES))} is required")
    sys.stdout.buffer.write(CHOICES[argv[0]]())
    sys.stdout.buffer.flush()
    return 0


def main() -> int:
    """``asso profiles --completion`` without argparse: this runs on every Tab."""
    sys.stdout.buffer.write(completion_output())
    sys.stdout.buffer.flush()
    return 0
