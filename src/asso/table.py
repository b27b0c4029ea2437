"""Shared leaf: plain-text tables for listings, with optional colour on terminals."""

from __future__ import annotations

import os
import sys

from asso.text import printable, width

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; mypy alone needs it
    from collections.abc import Sequence
    from typing import Optional, TextIO

STATE_COLOURS = {"valid": "32", "refreshable": "33", "expired": "31", "missing": "31"}


def use_colour(stream: TextIO = sys.stdout) -> bool:
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return stream.isatty()


def cell_text(value: Optional[str]) -> str:
    """A cell: ``-`` when empty; control characters (newlines in a profile name...) as '?'."""
    return printable(value) if value else "-"


def format_table(
    header: Sequence[str],
    rows: Sequence[Sequence[Optional[str]]],
    *,
    colour: bool = False,
    colour_column: Optional[int] = None,
) -> str:
    cells = [[cell_text(c) for c in row] for row in rows]
    widths = [width(h) for h in header]
    for row in cells:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], width(cell))
    lines = []
    for index, row in enumerate([list(header), *cells]):
        parts = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - width(cell)) if i < len(row) - 1 else ""
            code = STATE_COLOURS.get(cell) if colour and index and i == colour_column else None
            parts.append(f"\x1b[{code}m{cell}\x1b[0m{pad}" if code else cell + pad)
        line = "  ".join(parts)
        lines.append(f"\x1b[1m{line}\x1b[0m" if colour and index == 0 else line)
    return "\n".join(lines) + "\n"
