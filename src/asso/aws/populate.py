"""Generate a profile for every account and role an SSO session reaches, in a block asso owns.

The config file is edited only between two marker lines::

    # >>> asso populate: <session> >>>
    ...
    # <<< asso populate: <session> <<<

Every byte outside the block stays as it was. A run that changes nothing writes nothing.

Names: the template is filled with sanitised fields, then sanitised as a whole, so each name is
one shell word that needs no quoting and a valid section name (``[A-Za-z0-9._-]``, no leading
or trailing separator). Clashes are settled deterministically: a name a profile already had in
the block is kept while it still fits the template; names that several new profiles would share,
or that one of the user's own profiles has, get ``-<account id>``, then ``-2``, ``-3``...
A user's profile with the same name and the same account and role means the generated one is
skipped. Comparisons ignore case, so no two profiles differ by case alone.
"""

from __future__ import annotations

import os
import re
import shlex
import string
import unicodedata
from typing import TYPE_CHECKING, Optional

from asso.aws.config import AwsConfig, build_profile_map, text
from asso.aws.ini import parse_ini, split_section_name
from asso.errors import ConfigError, IniParseError, InvalidValueError, LocalIOError, UsageError
from asso.text import printable
from asso.validate import account_id as validate_account_id
from asso.validate import role_name as validate_role_name

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from asso.aws.accounts import Directory, DirectoryAccount
    from asso.aws.config import SsoSession
    from asso.aws.ini import Section
    from asso.aws.sessions import SessionEntry

DEFAULT_TEMPLATE = "{account_name}-{role_name}"
TEMPLATE_FIELDS = ("account_name", "account_id", "role_name", "session")
MAX_NAME = 64
RESERVED = ("default",)  # [profile default] would be the default profile
BACKUP_SUFFIX = ".asso-backup"


# -- names --------------------------------------------------------------------------------------


# Latin letters that have no decomposition to an ASCII base letter.
_TRANSLITERATE = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ß": "ss",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ł": "l",
        "Ł": "L",
        "\u0131": "i",  # dotless i
    }
)


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_DOTS = re.compile(r"\.{2,}")
_DASHES = re.compile(r"[-.]*-[-.]*")


def sanitize_name(value: str) -> str:
    """A shell word and section name: ASCII letters, digits, ``.``, ``_``, ``-``."""
    if value.isascii():
        joined = _UNSAFE.sub("-", value)
    else:
        out = []
        for char in unicodedata.normalize("NFKD", value.translate(_TRANSLITERATE)):
            if unicodedata.combining(char):
                continue  # é -> e
            out.append(char if char.isascii() and (char.isalnum() or char in "._-") else "-")
        joined = "".join(out)
    name = _DOTS.sub(".", joined)
    name = _DASHES.sub("-", name)  # "a -.b" -> "a-b"
    name = name.strip("-._")
    if len(name) > MAX_NAME:
        name = name[:MAX_NAME].rstrip("-._")
    return name


MAX_TEMPLATE = 200  # characters: a name is at most MAX_NAME; room for literal text
_NUMBERS = re.compile(r"[0-9]+")


def check_template(template: str) -> None:
    check_option("template", template)
    if len(template) > MAX_TEMPLATE:
        raise UsageError(f"--template is longer than {MAX_TEMPLATE} characters")
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as error:
        raise UsageError(f"--template {template!r}: {error}") from None
    fields = [f for _, f, _, _ in parsed if f is not None]
    for _, field, spec, _ in parsed:
        # A format spec is applied before the name is cut to MAX_NAME: bound it, so that
        # {account_name:>300000000} cannot allocate gigabytes, and allow no nested field.
        if spec and ("{" in spec or any(int(n) > MAX_NAME for n in _NUMBERS.findall(spec))):
            raise UsageError(
                f"--template: the format of {{{field}}} may not exceed width {MAX_NAME}"
            )
    unknown = [f for f in fields if f not in TEMPLATE_FIELDS]
    if unknown:
        known = ", ".join("{" + f + "}" for f in TEMPLATE_FIELDS)
        raise UsageError(f"--template: unknown field {{{unknown[0]}}} (fields: {known})")
    if not fields:
        raise UsageError("--template needs at least one field, e.g. {account_name}-{role_name}")


def check_option(name: str, value: str) -> None:
    """An option kept in the config file (``--prefix``, ``--template``, ``--region``): one
    line without control characters, so it cannot end the options comment."""
    from asso.validate import file_text

    try:
        file_text(value, f"--{name}")
    except InvalidValueError as error:
        raise UsageError(str(error)) from None


def check_region_option(region: str) -> None:
    check_option("region", region)
    if not _REGION.fullmatch(region):
        raise UsageError(f"--region {region!r} is not a region name (expected e.g. eu-west-1)")


_REGION = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def profile_name(
    template: str,
    prefix: str,
    account_id: str,
    account_name: str,
    role_name: str,
    session_label: str,
) -> str:
    """The name the template gives, before clashes are settled."""
    fields = {
        "account_name": sanitize_name(account_name) or account_id,
        "account_id": account_id,
        "role_name": sanitize_name(role_name) or "role",
        "session": sanitize_name(session_label) or "sso",
    }
    try:
        filled = template.format(**fields)
    except (ValueError, KeyError, IndexError) as error:
        raise UsageError(f"--template {template!r}: {error}") from None
    return sanitize_name(prefix + filled) or sanitize_name(f"{prefix}{account_id}-{role_name}")


# -- the plan -----------------------------------------------------------------------------------


class Entry:
    """One generated profile."""

    __slots__ = ("account_id", "account_name", "base", "gone", "name", "previous", "region", "role")

    def __init__(
        self,
        account_id: str,
        account_name: str,
        role: str,
        region: str,
        base: str,
        previous: Optional[str] = None,
        gone: bool = False,
    ) -> None:
        self.account_id = account_id
        self.account_name = account_name
        self.role = role
        self.region = region
        self.base = base  # the template's name
        self.previous = previous  # its name in the block before this run
        self.gone = gone  # no longer in the directory, kept because --prune was not given
        self.name = ""

    @property
    def pair(self) -> tuple[str, str]:
        return (self.account_id, self.role)


class Plan:
    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.renamed: list[tuple[Entry, str]] = []  # entry, why it is not named its base
        self.skipped: list[tuple[str, str, str]] = []  # name, account id, role
        self.pruned: list[str] = []
        self.kept_gone: list[str] = []
        self.invalid: list[str] = []  # server values that could not be written: skipped


class PreviousEntry:
    __slots__ = ("account_id", "account_name", "name", "region", "role")

    def __init__(self, name: str, account_id: str, role: str, account_name: str, region: str):
        self.name = name
        self.account_id = account_id
        self.role = role
        self.account_name = account_name
        self.region = region


def _valid(value: str, check: Callable[[object], str]) -> bool:
    try:
        check(value)
    except InvalidValueError:
        return False
    return True


def _derives_from(previous: str, base: str, account_id: str) -> bool:
    """Whether an earlier name is this template's name with clash suffixes: ``base``,
    ``base-<account id>``, ``base-<account id>-N`` or ``base-N``."""
    if previous == base:
        return True
    if not previous.startswith(base + "-"):
        return False
    rest = previous[len(base) + 1 :]
    if rest == account_id:
        return True
    if rest.startswith(account_id + "-"):
        rest = rest[len(account_id) + 1 :]
    return rest.isdigit() and rest.isascii()


def make_plan(
    accounts: Iterable[DirectoryAccount],
    session: SsoSession,
    *,
    template: str = DEFAULT_TEMPLATE,
    prefix: str = "",
    region: str,
    user_profiles: dict[str, Section],
    previous: Sequence[PreviousEntry] = (),
    prune: bool = False,
) -> Plan:
    """Name every (account, role) pair; settle clashes as the module docstring says."""
    check_template(template)
    plan = Plan()
    by_pair = {(p.account_id, p.role): p for p in previous}
    candidates: list[Entry] = []
    ordered = sorted(
        accounts, key=lambda a: (a.account_name.casefold(), a.account_name, a.account_id)
    )
    for account in ordered:
        if not _valid(account.account_id, validate_account_id):
            plan.invalid.append(f"account id {account.account_id!r}")
            continue
        for role in sorted(set(account.roles)):
            if not _valid(role, validate_role_name):
                plan.invalid.append(f"role {role!r} of account {account.account_id}")
                continue
            base = profile_name(
                template, prefix, account.account_id, account.account_name, role, session.label
            )
            old = by_pair.get((account.account_id, role))
            candidates.append(
                Entry(
                    account.account_id,
                    account.account_name,
                    role,
                    region,
                    base,
                    old.name if old else None,
                )
            )
    current = {c.pair for c in candidates}
    for old in sorted(previous, key=lambda p: p.name):
        if (old.account_id, old.role) in current:
            continue
        if not (
            _valid(old.account_id, validate_account_id) and _valid(old.role, validate_role_name)
        ):
            continue  # an edited block: not carried into the new one
        if prune:
            plan.pruned.append(old.name)
            continue
        base = sanitize_name(old.name) or sanitize_name(f"{old.account_id}-{old.role}")
        candidates.append(
            Entry(old.account_id, old.account_name, old.role, old.region, base, old.name, gone=True)
        )
        plan.kept_gone.append(old.name)

    users = {name.casefold(): values for name, values in user_profiles.items()}
    taken = set(users) | set(RESERVED)
    remaining: list[Entry] = []
    for entry in candidates:
        mine = users.get(entry.base.casefold())
        if (
            mine is not None
            and not entry.gone
            and text(mine, "sso_account_id") == entry.account_id
            and text(mine, "sso_role_name") == entry.role
        ):
            plan.skipped.append((entry.base, entry.account_id, entry.role))
            continue
        remaining.append(entry)
    # Pass 1: keep the names profiles already had, while they still fit the template.
    fresh: list[Entry] = []
    for entry in remaining:
        previous_name = entry.previous
        if (
            previous_name
            and _derives_from(previous_name, entry.base, entry.account_id)
            and previous_name.casefold() not in taken
        ):
            entry.name = previous_name
            taken.add(previous_name.casefold())
        else:
            fresh.append(entry)
    # Pass 2: new names. A base several new profiles share is suffixed for all of them.
    counts: dict[str, int] = {}
    for entry in fresh:
        counts[entry.base.casefold()] = counts.get(entry.base.casefold(), 0) + 1
    for entry in fresh:
        key = entry.base.casefold()
        if counts[key] == 1 and key not in taken:
            entry.name = entry.base
        else:
            stem = entry.base
            if entry.account_id not in stem:
                stem = f"{stem}-{entry.account_id}"
            name, number = stem, 1
            while name.casefold() in taken:
                number += 1
                name = f"{stem}-{number}"
            entry.name = name
            if key in users or key in RESERVED:
                why = f"a profile of yours is named {entry.base}"
            else:
                why = f"{counts[key]} profiles would be named {entry.base}"
            if entry.name != entry.previous:
                plan.renamed.append((entry, why))
        taken.add(entry.name.casefold())
    plan.entries = sorted(remaining, key=lambda e: (e.name.casefold(), e.name))
    return plan


# -- the config file ------------------------------------------------------------------------------


def markers(label: str) -> tuple[str, str]:
    clean = "".join("?" if ord(c) < 32 or ord(c) == 127 else c for c in label)
    return f"# >>> asso populate: {clean} >>>", f"# <<< asso populate: {clean} <<<"


def split_lines(data: str) -> list[str]:
    """Lines with their endings; joining them gives the text back exactly."""
    parts = data.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


class ConfigText:
    """The config file split around this session's block."""

    def __init__(self, path: str, label: str, raw: Optional[bytes]) -> None:
        self.path = path
        self.label = label
        self.raw = raw  # None: the file does not exist
        self.text = raw.decode("utf-8", "surrogateescape") if raw is not None else ""
        self.newline = "\r\n" if "\r\n" in self.text else "\n"
        self.lines = split_lines(self.text)
        self.span = self._find_block()

    def _find_block(self) -> Optional[tuple[int, int]]:
        begin, end = markers(self.label)
        starts = [i for i, line in enumerate(self.lines) if line.strip() == begin]
        ends = [i for i, line in enumerate(self.lines) if line.strip() == end]
        if not starts and not ends:
            return None
        if len(starts) == 1 and len(ends) == 1 and starts[0] < ends[0]:
            return starts[0], ends[0]
        where = ", ".join(str(i + 1) for i in sorted(starts + ends))
        raise ConfigError(
            f"{self.path}: the asso populate block of {self.label} is damaged (marker lines: "
            f"{where}); fix or delete those lines, then run again"
        )

    @property
    def outside(self) -> str:
        if self.span is None:
            return self.text
        start, end = self.span
        return "".join(self.lines[:start] + self.lines[end + 1 :])

    @property
    def inside(self) -> str:
        if self.span is None:
            return ""
        start, end = self.span
        return "".join(self.lines[start + 1 : end])

    def user_profiles(self) -> tuple[dict[str, Section], dict[str, Section]]:
        """Profiles and sso-sessions outside the block, as botocore would read them."""
        try:
            return build_profile_map(parse_ini(self.outside))
        except IniParseError as error:
            raise ConfigError(f"Unable to parse config file: {self.path}: {error}") from None

    def previous_entries(self) -> list[PreviousEntry]:
        """The profiles the block held; a block edited beyond reading counts as empty."""
        try:
            sections = parse_ini(self.inside)
        except IniParseError:
            return []
        entries = []
        for key, values in sections.items():
            parts = split_section_name(key)
            if not parts or len(parts) != 2 or parts[0] != "profile":
                continue
            account_id, role = text(values, "sso_account_id"), text(values, "sso_role_name")
            if account_id and role:
                entries.append(
                    PreviousEntry(
                        parts[1],
                        account_id,
                        role,
                        text(values, "sso_account_name") or account_id,
                        text(values, "region") or "",
                    )
                )
        return entries

    def previous_options(self) -> dict[str, str]:
        """The options an earlier run kept in the block (see options_line)."""
        for line in split_lines(self.inside):
            stripped = line.strip()
            if not stripped.startswith(OPTIONS_PREFIX):
                continue
            try:
                words = shlex.split(stripped[len(OPTIONS_PREFIX) :])
            except ValueError:
                return {}
            found: dict[str, str] = {}
            for flag, value in zip(words[::2], words[1::2]):
                if flag.startswith("--") and flag[2:] in REMEMBERED:
                    try:
                        check_option(flag[2:], value)
                        if flag == "--region":
                            check_region_option(value)
                        elif flag == "--template":
                            check_template(value)
                    except UsageError:
                        continue  # edited beyond use: the default applies
                    found[flag[2:]] = value
            return found
        return {}

    def replaced(self, block: str) -> str:
        """The whole text with the block replaced (or appended; an empty block removes it)."""
        if self.span is not None:
            start, end = self.span
            return "".join(self.lines[:start]) + block + "".join(self.lines[end + 1 :])
        if not block:
            return self.text
        head = self.text
        if head and not head.endswith("\n"):
            head += self.newline
        if head and head.strip("\r\n") and not head.endswith(self.newline * 2):
            head += self.newline  # a blank line before the block
        return head + block


def _value(value: str) -> str:
    # One line; leading/trailing blanks would be stripped by the parser anyway.
    return printable(value, replacement=" ").strip()


OPTIONS_PREFIX = "# asso populate options:"
REMEMBERED = ("template", "prefix", "region", "credential-process")
# --credential-process: each profile gets a twin NAME-process whose only source of credentials
# is `asso credential-process --profile NAME`, for tools that read the config but not SSO. One
# mechanism per profile: with both sso_* and credential_process in one profile, the CLI and
# botocore use sso_* while other SDKs (JavaScript v3) run the process first.
PROCESS_SUFFIX = "-process"


def options_line(options: dict[str, str]) -> Optional[str]:
    """The comment that keeps non-default options, so a plain re-run keeps the same names."""
    if not options:
        return None
    words = [f"--{key} {shlex.quote(options[key])}" for key in REMEMBERED if key in options]
    return f"{OPTIONS_PREFIX} " + " ".join(words)


def render_block(
    plan: Plan,
    session: SsoSession,
    newline: str = "\n",
    options: Optional[dict[str, str]] = None,
    process_command: Optional[str] = None,
    taken: frozenset[str] = frozenset(),
) -> str:
    """The block's text; with ``process_command`` (the helper, quoted for the config), each
    profile's NAME-process twin too, unless a profile of that name exists (``taken``)."""
    if not plan.entries:
        return ""
    begin, end = markers(session.label)
    lines = [
        begin,
        f"# Written by `asso populate --session {session.label}`; each run rewrites this block.",
        "# Keep your own profiles outside it: they are never changed.",
    ]
    remembered = options_line(options or {})
    if remembered:
        lines.append(remembered)
    for entry in plan.entries:
        lines.append("")
        lines.append(f"[profile {entry.name}]")
        if session.name is not None:
            lines.append(f"sso_session = {session.name}")
        else:
            lines.append(f"sso_start_url = {session.start_url}")
            lines.append(f"sso_region = {session.region}")
        lines.append(f"sso_account_id = {entry.account_id}")
        lines.append(f"sso_account_name = {_value(entry.account_name) or entry.account_id}")
        lines.append(f"sso_role_name = {entry.role}")
        if entry.region:
            lines.append(f"region = {entry.region}")
    names = {e.name for e in plan.entries} | taken
    for entry in plan.entries:
        twin = entry.name + PROCESS_SUFFIX
        if not process_command or twin in names:
            continue
        lines.append("")
        lines.append(f"[profile {twin}]")
        quoted = shlex.quote(entry.name)
        lines.append(
            f"credential_process = {process_command} credential-process --profile {quoted}"
        )
        if entry.region:
            lines.append(f"region = {entry.region}")
    lines.append(end)
    return newline.join(lines) + newline


def section_texts(block: str) -> dict[str, str]:
    """Each ``[profile X]`` of a block and its lines, to tell which profiles changed."""
    result: dict[str, str] = {}
    current: Optional[str] = None
    for line in split_lines(block):
        stripped = line.strip()
        if stripped.startswith("[profile ") and stripped.endswith("]"):
            current = stripped[len("[profile ") : -1]
            result[current] = ""
        elif current is not None and stripped and not stripped.startswith("#"):
            result[current] += stripped + "\n"
    return result


class Outcome:
    def __init__(self, config: ConfigText, plan: Plan, new_text: str) -> None:
        self.config = config
        self.plan = plan
        self.new_text = new_text
        old = section_texts(config.inside)
        new = section_texts(_block_of(new_text, config.label))
        self.added = sorted(set(new) - set(old))
        self.removed = sorted(set(old) - set(new))
        self.changed = sorted(n for n in set(new) & set(old) if new[n] != old[n])

    @property
    def new_bytes(self) -> bytes:
        return self.new_text.encode("utf-8", "surrogateescape")

    @property
    def unchanged(self) -> bool:
        return self.config.raw is not None and self.new_bytes == self.config.raw

    def diff(self) -> str:
        import difflib

        path = self.config.path
        old = self.config.lines if self.config.raw is not None else []
        return "".join(
            _ensure_newline(line)
            for line in difflib.unified_diff(
                old, split_lines(self.new_text), fromfile=path, tofile=path + " (asso populate)"
            )
        )


def _ensure_newline(line: str) -> str:
    return line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"


def _block_of(full: str, label: str) -> str:
    begin, end = markers(label)
    lines = split_lines(full)
    starts = [i for i, line in enumerate(lines) if line.strip() == begin]
    ends = [i for i, line in enumerate(lines) if line.strip() == end]
    if not starts or not ends:
        return ""
    return "".join(lines[starts[0] + 1 : ends[0]])


def read_config(path: str, label: str) -> ConfigText:
    try:
        with open(path, "rb") as handle:
            raw: Optional[bytes] = handle.read()
    except FileNotFoundError:
        raw = None
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from None
    return ConfigText(path, label, raw)


_BEGIN = re.compile(r"# >>> asso populate: (.*) >>>")


def session_config(path: str, credentials_file: str) -> AwsConfig:
    """The profiles and sso-sessions of the config, for finding a session.

    Every asso block is read on its own and the user's own definitions win, so a name the
    user has since given one of their profiles (a duplicate section to botocore) is no obstacle
    to the run that settles it.
    """
    whole = read_config(path, "")
    outside: list[str] = []
    blocks: list[str] = []
    label: Optional[str] = None
    inside: list[str] = []
    for line in whole.lines:
        stripped = line.strip()
        if label is None:
            match = _BEGIN.fullmatch(stripped)
            if match:
                label, inside = match.group(1), []
            else:
                outside.append(line)
        elif stripped == f"# <<< asso populate: {label} <<<":
            blocks.append("".join(inside))
            label = None
        else:
            inside.append(line)
    if label is not None:  # no end marker: not a block
        outside.extend(inside)
    try:
        profiles, sso_sessions = build_profile_map(parse_ini("".join(outside)))
    except IniParseError as error:
        raise ConfigError(f"Unable to parse config file: {path}: {error}") from None
    for block in blocks:
        try:
            block_profiles, _ = build_profile_map(parse_ini(block))
        except IniParseError:
            continue
        for name, values in block_profiles.items():
            profiles.setdefault(name, values)
    return AwsConfig(path, credentials_file, profiles, sso_sessions, [])


def generate(
    config: ConfigText,
    entry: SessionEntry,
    directory: Directory,
    *,
    template: Optional[str] = None,
    prefix: Optional[str] = None,
    region: Optional[str] = None,
    prune: bool = False,
    credential_process: Optional[bool] = None,
    process_command: Optional[str] = None,
) -> Outcome:
    """The new file text for this session's directory; nothing is written.

    An option not given (None) is what the previous run kept in the block, else the default.
    """
    session = entry.session
    process = None if credential_process is None else ("yes" if credential_process else "no")
    given = {
        "template": template,
        "prefix": prefix,
        "region": region,
        "credential-process": process,
    }
    for name, value in given.items():
        if value is not None:
            check_option(name, value)
    if region is not None:
        check_region_option(region)
    options = config.previous_options()
    options.update({k: v for k, v in given.items() if v is not None})
    defaults = {
        "template": DEFAULT_TEMPLATE,
        "prefix": "",
        "region": session.region,
        "credential-process": "no",
    }
    options = {k: v for k, v in options.items() if v != defaults[k]}
    effective = {**defaults, **options}
    user_profiles, _ = config.user_profiles()
    plan = make_plan(
        directory.accounts,
        session,
        template=effective["template"],
        prefix=effective["prefix"],
        region=effective["region"],
        user_profiles=user_profiles,
        previous=config.previous_entries(),
        prune=prune,
    )
    twins = effective["credential-process"] == "yes"
    block = render_block(
        plan,
        session,
        config.newline,
        options,
        process_command if twins else None,
        frozenset(user_profiles),
    )
    return Outcome(config, plan, config.replaced(block))


def write(outcome: Outcome) -> Optional[str]:
    """Write the new text atomically, after a backup of the old; returns the backup's path."""
    from asso.fs import write_atomic

    config = outcome.config
    target = os.path.realpath(config.path)  # a symlinked config stays a symlink
    try:
        with open(target, "rb") as handle:
            now = handle.read()
    except FileNotFoundError:
        now = None
    if now != config.raw:
        raise ConfigError(f"{config.path} changed while asso was reading it; run again")
    backup: Optional[str] = None
    mode = 0o600
    try:
        if config.raw is not None:
            mode = os.stat(target).st_mode & 0o7777
            backup = config.path + BACKUP_SUFFIX
            write_atomic(backup, config.raw, mode=mode)
        write_atomic(target, outcome.new_bytes, mode=mode)
    except OSError as error:
        # A full or read-only disk: the old file is untouched (the write is atomic).
        raise LocalIOError(f"cannot write {error.filename or target}: {error.strerror}") from None
    return backup
