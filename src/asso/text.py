"""Shared leaf: text for a terminal: printable (control characters as '?'), one line (bounded),
display width, durations and ages. Standard library only; cheap to import (the prompt path uses
it)."""

from __future__ import annotations

# C0 and C1 control characters (a terminal would act on them) and the Unicode line and
# paragraph separators (they would forge a line).
_CONTROL = {c: "?" for c in (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)}


# The translation tables printable has used, by (keep, replacement): the profile table calls
# it for every field of thousands of profiles.
_TABLES: dict[tuple[str, str], dict[int, str]] = {("", "?"): _CONTROL}


def printable(text: str, keep: str = "", replacement: str = "?") -> str:
    """One line for a terminal: every control character (newline, tab, ESC...) shown as '?'
    (or ``replacement``), except those in ``keep`` (``"\\n"`` for a message that spans lines on
    purpose)."""
    table = _TABLES.get((keep, replacement))
    if table is None:
        table = {c: replacement for c in _CONTROL if chr(c) not in keep}
        _TABLES[(keep, replacement)] = table
    return text.translate(table)


def one_line(value: object, limit: int = 200, replacement: str = "?") -> str:
    """Any value (an error, a server's message) as one line of at most ``limit`` characters
    (0: unbounded), the last one '…' when cut.

    With ``replacement="?"`` every control character is shown as '?' (see ``printable``) and
    blanks stay as they are. With ``replacement=" "`` (for prose: an error message) every
    character that does not print (controls, format characters) is a blank, and each run of
    blanks folds into one.
    """
    text = value if isinstance(value, str) else str(value)
    if replacement == " ":
        text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    else:
        text = printable(text, replacement=replacement)
    return text if not limit or len(text) <= limit else text[: limit - 1] + "…"


def has_control(text: str) -> bool:
    """Whether ``text`` holds a character that breaks a line or drives a terminal."""
    return any(ord(c) in _CONTROL for c in text)


def width(text: str) -> int:
    """Columns ``text`` takes on a terminal: wide and full-width characters take two."""
    import unicodedata  # only tables need it, not the prompt

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def time_left(seconds: float) -> str:
    """``7h12m``, ``45m``, ``<1m``, ``expired``: how the prompt says how long a token lasts."""
    if seconds <= 0:
        return "expired"
    if seconds < 60:
        return "<1m"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes}m"
    return f"{minutes // 60}h{minutes % 60:02d}m"


def span(seconds: float) -> str:
    """A length of time either way, for messages: ``12m``, ``3h05m``, ``40 days``."""
    seconds = abs(seconds)
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:.0f} days"
    if seconds >= 3600:
        return f"{int(seconds // 3600)}h{int(seconds % 3600 // 60):02d}m"
    return f"{int(seconds // 60)}m"


def age(seconds: float) -> str:
    """How long ago: ``just now``, ``5m ago``, ``3h ago``, ``2d ago``."""
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m ago"
    if seconds < 2 * 86400:
        return f"{int(seconds // 3600)}h ago"
    return f"{int(seconds // 86400)}d ago"
