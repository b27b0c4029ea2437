"""Render the prompt segment from a resolution and ``ASSO_PROMPT_FORMAT``.

Format syntax: ``{field}`` inserts a field; ``[ ... ]`` is a group dropped when any field in it
is empty; ``\\`` escapes the next character. Literal text is the user's and passes unchanged
(so it may hold zsh ``%F{red}`` escapes); field values are made safe: control characters
become ``?`` and, for zsh, ``%`` is doubled.

The time left changes every minute, so it is not rendered here: ``{time_left}`` becomes
TIME_LEFT_MARK, which the shell replaces from the epoch clock without forking.
"""

from __future__ import annotations

from . import tokens

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

    from .resolve import Resolution

DEFAULT_FORMAT = "{account}[/{role}][ {region}][ {time_left}]"
TIME_LEFT_MARK = "\x1f"
REGION_MODES = ("env", "always", "never")
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
# C0 and C1 control characters: a terminal would act on them.
_CONTROL = {c: "?" for c in (*range(0x20), *range(0x7F, 0xA0))}


def field_values(res: Resolution, region_mode: str) -> dict[str, str]:
    show_region = region_mode == "always" or (region_mode == "env" and res.region_source == "env")
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
    value = value.translate(_CONTROL)
    return value.replace("%", "%%") if shell == "zsh" else value


def render(res: Optional[Resolution], fmt: str, region_mode: str, shell: str) -> str:
    if res is None:
        return ""
    if res.error:
        return sanitize(res.profile, shell) + " (config error)"
    values = {key: sanitize(value, shell) for key, value in field_values(res, region_mode).items()}
    values["time_left"] = _time_left(res)  # ours: the mark or plain words, never config text
    return render_format(fmt or DEFAULT_FORMAT, values)


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
