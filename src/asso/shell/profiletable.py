"""The profile table: every profile's state, so ``asp`` and completion run in the shell alone.

Beside the state file it writes, ``_shell-state --table=FILE`` writes (or keeps, when still
current) a table for the inputs the shell passed in ``--key`` minus the profile. The plugin
answers ``asp NAME`` (an exact name or an alias) and ``asp <TAB>`` from it while it is current;
anything else (a prefix, a substring, an unknown name, a profile with an error, a token whose
state changed by the clock) goes to the helper as before, so the helper stays the one judge.

Files, all NUL-terminated fields read with builtins and never evaluated:

- FILE, the header: ``gen GEN  rest REST  next_check EPOCH  buckets B  watch +PATH ...  end 1``.
  Its mtime is set to the moment before the inputs were read (as a state file's): a watched
  file newer than it, or a "-" file that now exists, means the table is stale. REST is the
  plugin's key (``_asso_inputs``) without its first two fields, the profile names.
- FILE.d/K for K in 0..B-1, a bucket: ``gen GEN`` then name/record pairs for the names whose
  bucket_of() is K. A record is RECORD_FIELDS joined by RS; an alias's record is ``alias`` RS
  PROFILE. The shell reads the one bucket a name needs: the first ``asp`` in a new shell reads a
  few kilobytes however many profiles there are.
- FILE.d/names: ``gen GEN`` then name, description, group triples for completion, grouped by
  SSO session (as ``asso profiles --completion``).

Buckets and names are written first, the header last (each file atomically): a reader that
finds a bucket's gen different from the header's is reading mid-write and asks the helper.
"""

from __future__ import annotations

import os
import time

from asso.aws import accounts
from asso.aws.config import describe as describe_profile
from asso.aws.config import load_config
from asso.aws.names import aliases_path, load_aliases
from asso.aws.resolve import TokenStates, resolve_profile
from asso.errors import ConfigError
from asso.fs import write_atomic
from asso.shell import completion, facts, recent
from asso.shell.state import (
    KEY_SEPARATOR,
    encode_fields,
    profile_records,
    stamp_of,
    write_stamped,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Optional

    from asso.aws.config import AwsConfig

# A record's fields, in order; the plugin reads them by position (plugin/*/table.*).
RECORD_FIELDS = (
    "kind",
    "account_id",
    "account_name",
    "role",
    "region",
    "region_source",
    "token_state",
    "expires_at",
    "next_check",
    "prod",
    "prompt",
    "error",
    "credential_source",
)
ALIAS_KIND = "alias"  # no profile has this kind (asso.aws.config)
# Between a record's fields: the ASCII record separator (asso.shell.facts). A value cannot
# carry one (it would shift the fields): it becomes U+FFFD, as NUL does.
RS = facts.TABLE_SEPARATOR
NAMES_FILE = "names"
# About this many names per bucket (the buckets are a power of two).
_PER_BUCKET = 48
_HEADER_MAX = 1 << 16


def bucket_of(name: str, buckets: int) -> int:
    """The bucket of ``name``: h = (h * 31 + code point) & 0xFFFFFF over its characters, then
    h & (buckets - 1). The plugin computes the same (_asso_table_bucket); with a locale that
    makes the shell see bytes, not characters, a non-ASCII name misses and goes to the helper."""
    h = 0
    for char in name:
        h = (h * 31 + ord(char)) & 0xFFFFFF
    return h & (buckets - 1)


def bucket_count(profiles: int) -> int:
    count = 1
    while count * _PER_BUCKET < profiles:
        count *= 2
    return count


def rest_of_key(key: str) -> Optional[str]:
    """The key without the profile fields; None when the key does not have them."""
    parts = key.split(KEY_SEPARATOR, 2)
    return parts[2] if len(parts) == 3 else None


def _clean(value: str) -> str:
    return value.replace(RS, "\ufffd")


class Table:
    """What the files hold, before encoding."""

    def __init__(self) -> None:
        self.header: list[str] = []
        self.buckets: list[list[str]] = []
        self.names: list[str] = []


def build_table(
    config: AwsConfig, env: Mapping[str, str], *, rest: str, shell: str, fmt: str, region_mode: str
) -> Table:
    now = time.time()
    states = TokenStates(now)
    watch = [config.config_file, config.credentials_file, aliases_path(), accounts.overrides_path()]
    records: dict[str, str] = {}
    triples: dict[str, list[tuple[str, str, str]]] = {}  # group: (name, description, group)
    first_change: Optional[float] = None
    base = dict(env)  # copied once: os.environ decodes every item on each copy
    directories: dict[str, str] = {}  # the account directory cache, by session
    for name in config.profiles:
        env_p = {**base, "AWS_PROFILE": name, "AWS_DEFAULT_PROFILE": name}
        res = resolve_profile(config, name, env_p, states)
        values = dict(
            profile_records(res, env_p, shell=shell, fmt=fmt, region_mode=region_mode, now=now)
        )
        values["error"] = res.error or ""
        records[name] = RS.join(_clean(values.get(field, "")) for field in RECORD_FIELDS)
        # The description is about the profile: its own region, not AWS_REGION.
        own = res.region if res.region_source != "env" else describe_profile(config, name).region
        listed = completion.entry(res, region=own)
        if listed is not None:
            triples.setdefault(completion.group_of(res), []).append(listed)
        first_change = completion.watch(res, now, watch, first_change, directories)
    try:
        aliases = load_aliases(aliases_path())
    except ConfigError:
        aliases = {}  # a malformed file: the helper says so when a name is not a profile
    for alias, target in aliases.items():
        if alias not in records and target in records:
            records[alias] = ALIAS_KIND + RS + target
    table = Table()
    count = bucket_count(len(records))
    table.buckets = [[] for _ in range(count)]
    for name, record in records.items():
        table.buckets[bucket_of(name, count)] += [name, record]
    order = sorted(triples, key=lambda g: (g == completion.OTHER_GROUP, list(triples).index(g)))
    for group in order:
        for listed in triples[group]:
            table.names += listed
    table.header = ["rest", rest, "next_check", str(int(first_change)) if first_change else ""]
    table.header += ["buckets", str(count)]
    for path in watch:
        table.header += ["watch", ("+" if os.path.exists(path) else "-") + path]
    table.header += ["end", "1"]
    return table


def read_header(path: str) -> Optional[dict[str, list[str]]]:
    """The header at ``path`` as name: values, or None when it cannot be read whole."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(_HEADER_MAX)
    except OSError:
        return None
    parts = data.decode("utf-8", "surrogateescape").split("\0")
    header: dict[str, list[str]] = {}
    for i in range(0, len(parts) - 1, 2):
        header.setdefault(parts[i], []).append(parts[i + 1])
    return header if header.get("end") == ["1"] else None


def is_current(path: str, rest: str, now: float) -> bool:
    """Whether the table at ``path`` is for ``rest`` and nothing it depends on changed since."""
    header = read_header(path)
    if header is None or header.get("rest") != [rest]:
        return False
    next_check = header.get("next_check", [""])[0]
    if next_check and now >= int(next_check):
        return False
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        return False
    for entry in header.get("watch", []):
        try:
            changed = entry[0] != "+" or os.stat(entry[1:]).st_mtime_ns > stamp
        except OSError:
            changed = entry[0] == "+"
        if changed:
            return False
    return True


def write_table(
    path: str,
    env: Mapping[str, str],
    *,
    key: str,
    shell: str,
    fmt: str,
    region_mode: str,
    started_ns: int,
    refresh: bool = True,
) -> None:
    """Write the table for ``key``'s inputs unless the one at ``path`` is current. Best effort:
    the table is a cache, and the shell asks the helper whenever it is missing or stale.

    ``refresh=False`` (the prompt's calls) writes only a missing table, or one for other inputs:
    a stale one is left to the next ``asp``, so a prompt after each token change pays nothing.
    """
    rest = rest_of_key(key)
    if rest is None:
        return
    if refresh:
        if is_current(path, rest, time.time()):
            return
    else:
        header = read_header(path)
        if header is not None and header.get("rest") == [rest]:
            return
    try:
        config = load_config(env)
    except ConfigError:
        return  # the state file says what is wrong; the old table fails its watch check
    table = build_table(config, env, rest=rest, shell=shell, fmt=fmt, region_mode=region_mode)
    generation = f"{started_ns}.{os.getpid()}"
    gen = ["gen", generation]
    directory = path + ".d"
    try:
        for number, bucket in enumerate(table.buckets):
            data = encode_fields([*gen, *bucket])
            write_atomic(os.path.join(directory, str(number)), data, durable=False)
        names = encode_fields([*gen, *table.names])
        write_atomic(os.path.join(directory, NAMES_FILE), names, durable=False)
        # Dated as a state is: a watched file in the future must not make it stale for good.
        stamp, pairs = stamp_of(list(zip(table.header[::2], table.header[1::2])), started_ns)
        fields = [field for pair in pairs for field in pair]
        write_stamped(path, encode_fields([*gen, *fields]), generation, stamp)
    except OSError:
        return
    recent.ensure_log()  # where asp notes what it selects from the table
