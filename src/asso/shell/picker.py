"""Rows for ``asp``'s picker: ``asso profiles --picker``.

Output: NUL-terminated pairs ``name``, ``line``. The first pair is the header (an empty name);
then every profile, recently used ones first (most recent first), then the rest in config
order. ``name`` is the profile's exact name, for the shell to select; ``line`` is what the user
sees: profile, account (name, else id), role and token state in aligned columns, one line with
no control characters and no tabs (the shell puts an index and a tab before it for fzf).
"""

from __future__ import annotations

import os

from asso.shell.state import encode_fields
from asso.table import cell_text
from asso.text import width

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Optional

HEADER = ("PROFILE", "ACCOUNT", "ROLE", "TOKEN")
MAX_WIDTH = 40


def _cell(text: Optional[str]) -> str:
    text = cell_text(text)  # "-" when empty; control characters (and tabs) as "?"
    return text if len(text) <= MAX_WIDTH else text[: MAX_WIDTH - 1] + "…"


def rows(env: Mapping[str, str] = os.environ) -> list[tuple[str, tuple[str, ...]]]:
    """(name, cells) per profile, recently used first."""
    from asso.aws.config import load_config
    from asso.aws.resolve import TokenStates, resolve_profile
    from asso.shell.recent import read_recent

    config = load_config(env)
    recent = [name for name in read_recent() if name in config.profiles]
    seen = set(recent)
    order = recent + [name for name in config.profiles if name not in seen]
    states = TokenStates()
    out: list[tuple[str, tuple[str, ...]]] = []
    for name in order:
        # The profile's own region, not AWS_REGION: the line is about the profile.
        res = resolve_profile(config, name, {}, states)
        token = res.token_state or ("error" if res.error else None)
        cells = (name, res.account_name or res.account_id, res.role, token)
        out.append((name, tuple(_cell(c) for c in cells)))
    return out


def format_lines(table: list[tuple[str, ...]]) -> list[str]:
    """Aligned columns, by display width (wide characters take two)."""
    widths = [max(width(row[i]) for row in table) for i in range(len(HEADER))]
    return [
        "  ".join(cell + " " * (w - width(cell)) for cell, w in zip(row, widths)).rstrip()
        for row in table
    ]


def output(env: Mapping[str, str] = os.environ) -> bytes:
    listing = rows(env)
    lines = format_lines([HEADER, *(cells for _, cells in listing)])
    names = ["", *(name for name, _ in listing)]
    return encode_fields(field for pair in zip(names, lines) for field in pair)
