"""Render the prompt segment from a resolution and ``ASSO_PROMPT_FORMAT``.

Format syntax: ``{field}`` inserts a field; ``[ ... ]`` is a group dropped when any field in it
is empty; ``\\`` escapes the next character. Literal text is the user's and passes unchanged
(so it may hold zsh ``%F{red}`` escapes); field values are made safe: control characters
become ``?`` and, for zsh, ``%`` is doubled.

The time left changes every minute, so it is not rendered here: ``{time_left}`` becomes
TIME_LEFT_MARK, which the shell replaces from the epoch clock without forking.

Production warning: a profile whose name or account name matches ``ASSO_PROD_PATTERNS``
(space-separated shell globs, case-insensitive; default ``*prod*``) is "prod". Its segment is
wrapped in a danger colour when ``ASSO_PROMPT_COLOR`` allows (``auto``: unless ``NO_COLOR`` is
set or ``TERM`` is dumb): ``%F{red}...%f`` for zsh, ``\\001\\e[31m\\002...\\001\\e[0m\\002``
for bash (readline's invisible-text markers, so the line editor counts the width right).
"""

from __future__ import annotations

import fnmatch

from asso.aws import tokens
from asso.shell.facts import (
    DEFAULT_FORMAT,
    DEFAULT_PROD_PATTERNS,
    DEFAULT_PROMPT_COLOR,
    TIME_LEFT_MARK,
)
from asso.text import printable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Optional

    from asso.aws.resolve import Resolution

FIELDS = (
    "profile",
    "account",
    "account_id",
    "account_name",
    "role",
    "region",
    "time_left",
    "state",
    "session",
    "kind",
)
# Shown instead of the account when keys the user put in the environment override the profile.
ENV_KEYS_LABEL = "env keys"
# The danger colour around a production profile's segment, per shell. bash's \001 and \002
# tell readline the escape sequence takes no room on the line.
DANGER = {
    "zsh": ("%F{red}", "%f"),
    "bash": ("\001\033[31m\002", "\001\033[0m\002"),
}
_COLOUR_ON = ("1", "always", "yes", "on", "true")
_COLOUR_OFF = ("0", "never", "no", "off", "false")


def field_values(res: Resolution, region_mode: str) -> dict[str, str]:
    show_region = region_mode == "always" or (region_mode == "env" and res.region_source == "env")
    if res.credential_source == "env" and not res.keys_exported:
        # The next command uses those keys, not the profile: say so, nothing of the profile.
        return {
            **{name: "" for name in FIELDS},
            "profile": res.profile,
            "account": ENV_KEYS_LABEL,
            "region": (res.region or "") if show_region else "",
            "kind": "env",
        }
    return {
        "profile": res.profile,
        "account": res.account_name or res.account_id or res.profile,
        "account_id": res.account_id or "",
        "account_name": res.account_name or "",
        "role": res.role or "",
        "region": (res.region or "") if show_region else "",
        "time_left": _time_left(res),
        "state": res.token_state or "",
        "session": res.sso_session or res.start_url or "",
        "kind": res.kind,
    }


def _time_left(res: Resolution) -> str:
    if res.credential_source == "env":
        # asso's exported keys last until their own expiration; the user's are not ours to time.
        return TIME_LEFT_MARK if res.keys_exported and res.keys_expire_at is not None else ""
    state = res.token_state
    if state in (tokens.VALID, tokens.REFRESHABLE) and res.expires_at is not None:
        if res.token is not None and res.token.past_expiry:
            return "refresh"  # botocore refreshes it on next use
        return TIME_LEFT_MARK
    if state == tokens.EXPIRED:
        return "expired"
    if state == tokens.MISSING:
        return "no token"
    return ""


def sanitize(value: str, shell: str) -> str:
    value = printable(value, keep="\u2028\u2029")  # C0/C1 only: the line editor shows these
    return value.replace("%", "%%") if shell == "zsh" else value


def render(
    res: Optional[Resolution], fmt: str, region_mode: str, shell: str, *, danger: bool = False
) -> str:
    """The segment; ``danger`` wraps it in the shell's danger colour (see with_danger)."""
    if res is None:
        return ""
    if res.error:
        return with_danger(sanitize(res.profile, shell) + " (config error)", shell, danger)
    values = {key: sanitize(value, shell) for key, value in field_values(res, region_mode).items()}
    values["time_left"] = _time_left(res)  # ours: the mark or plain words, never config text
    return with_danger(render_format(fmt or DEFAULT_FORMAT, values), shell, danger)


def prod_patterns(env: Mapping[str, str]) -> list[str]:
    """ASSO_PROD_PATTERNS as a list; set but empty means no profile is production."""
    raw = env.get("ASSO_PROD_PATTERNS")
    return (DEFAULT_PROD_PATTERNS if raw is None else raw).split()


def is_prod(res: Resolution, patterns: list[str]) -> bool:
    """Whether the profile name, or its account name once known, matches a pattern (any case)."""
    names = [n.lower() for n in (res.profile, res.account_name) if n]
    return any(fnmatch.fnmatchcase(n, p.lower()) for p in patterns for n in names)


def colour_enabled(env: Mapping[str, str]) -> bool:
    """ASSO_PROMPT_COLOR: 1/always, 0/never, or auto (default): off for NO_COLOR or TERM=dumb."""
    value = env.get("ASSO_PROMPT_COLOR", DEFAULT_PROMPT_COLOR).strip().lower()
    if value in _COLOUR_ON:
        return True
    if value in _COLOUR_OFF:
        return False
    return not env.get("NO_COLOR") and env.get("TERM", "") not in ("", "dumb")


def with_danger(text: str, shell: str, danger: bool) -> str:
    if not danger or not text:
        return text
    start, end = DANGER.get(shell, ("", ""))
    return start + text + end


def render_format(fmt: str, values: dict[str, str]) -> str:
    out: list[str] = []
    group: Optional[list[str]] = None
    group_empty = False
    i = 0
    while i < len(fmt):
        char = fmt[i]
        piece: str
        if char == "\\" and i + 1 < len(fmt):
            piece, i = fmt[i + 1], i + 2
        elif char == "[" and group is None:
            group, group_empty, i = [], False, i + 1
            continue
        elif char == "]" and group is not None:
            if not group_empty:
                out.extend(group)
            group, i = None, i + 1
            continue
        elif char == "{":
            end = fmt.find("}", i)
            name = fmt[i + 1 : end] if end > 0 else ""
            if name in values:
                piece, i = values[name], end + 1
                if not piece:
                    group_empty = True
            else:
                piece, i = char, i + 1
        else:
            piece, i = char, i + 1
        (group if group is not None else out).append(piece)
    if group is not None:  # an unclosed group is literal text
        out.append("[")
        out.extend(group)
    return "".join(out)
