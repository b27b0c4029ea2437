"""``asso init zsh|bash``: the line for the rc file that loads the plugin installed with the helper.

It prints ``source '<absolute path>'``, not shell code to ``eval``: an ``eval "$(asso init zsh)"``
in an rc file would start Python in every new shell, where a ``source`` of a fixed path costs
nothing but reading the plugin.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Optional

ENTRY = {"zsh": "asso.plugin.zsh", "bash": "asso.bash"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("shell", choices=sorted(ENTRY), help="the shell whose rc file loads asso")


def plugin_dir() -> Optional[str]:
    """The plugin installed with this package (``asso/plugin`` in a wheel), else ``plugin/`` of
    the checkout an editable install runs from."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for candidate in (
        os.path.join(package, "plugin"),
        os.path.join(os.path.dirname(os.path.dirname(package)), "plugin"),
    ):
        if all(os.path.isfile(os.path.join(candidate, name)) for name in ENTRY.values()):
            return candidate
    return None


def shell_quote(text: str) -> str:
    """``text`` in single quotes, as zsh and bash read it back (always quoted, for the eye)."""
    return "'" + text.replace("'", "'\\''") + "'"


def run(args: argparse.Namespace) -> int:
    from asso.errors import AssoError

    directory = plugin_dir()
    if directory is None:
        raise AssoError("this installation of asso carries no shell plugin (reinstall it with pip)")
    print("source " + shell_quote(os.path.join(directory, ENTRY[args.shell])))
    return 0
