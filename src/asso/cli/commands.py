"""``asso _commands``: the command list for shell completion, from the parser itself.

NUL-ended quintuples: name, description, options (space-separated), ``profile`` when the
command's arguments are profiles, ``profile-first`` when its first one only is, and what
completes the value of each option that takes one (space-separated ``OPTION=KIND``, KIND from
VALUE_KINDS: ``profile``, ``region``, a list of ``asso _choices KIND``, or empty: nothing).
The first quintuple has an empty name: the options of ``asso`` itself. Building it imports
every command module, so the answer is cached under the cache dir, keyed on the version and
the modules' stat; the shells keep it for their lifetime.
"""

from __future__ import annotations

import os

from asso import __version__, paths
from asso.digest import sha1_hex
from asso.fs import make_private_dirs, read_own, write_atomic

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse


#: What completes an option's value, by the option's dest: profile names, region names, or the
#: list ``asso _choices KIND`` prints (asso.shell.completion.CHOICES). Any other option that
#: takes a value gets nothing offered.
VALUE_KINDS = {"profile": "profile", "region": "region", "service": "service"}


def _options(parser: argparse.ArgumentParser) -> str:
    return " ".join(o for action in parser._actions for o in action.option_strings)


def _values(parser: argparse.ArgumentParser) -> str:
    return " ".join(
        f"{o}={VALUE_KINDS.get(action.dest, '')}"
        for action in parser._actions
        if action.nargs != 0
        for o in action.option_strings
    )


def build() -> bytes:
    import argparse

    from asso.cli.parser import (
        COMMANDS,
        HELP_COMMAND,
        PROFILE_COMMANDS,
        PROFILE_FIRST_COMMANDS,
        build_parser,
    )

    fields: list[str] = []
    selected = [name for name, _, _ in COMMANDS]
    parser = build_parser(None)
    fields += ["", "", _options(parser), "", _values(parser)]
    subparsers: dict[str, argparse.ArgumentParser] = {}
    for name in [*selected, HELP_COMMAND[0]]:
        sub_parser = build_parser(name)
        for action in sub_parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                subparsers[name] = action.choices[name]
    helps = {name: text for name, _, text in COMMANDS}
    helps[HELP_COMMAND[0]] = HELP_COMMAND[1]
    for name, sub in subparsers.items():
        flag = "profile" if name in PROFILE_COMMANDS else ""
        flag = "profile-first" if name in PROFILE_FIRST_COMMANDS else flag
        fields += [name, helps[name], _options(sub), flag, _values(sub)]
    return b"".join(f.encode("utf-8") + b"\0" for f in fields)


def _cache_key() -> str:
    here = os.path.dirname(os.path.abspath(__file__))
    stamps = [__version__]
    for entry in sorted(os.listdir(here)):
        if entry.endswith(".py"):
            st = os.stat(os.path.join(here, entry))
            stamps.append(f"{entry}:{st.st_mtime_ns}:{st.st_size}")
    return sha1_hex("\n".join(stamps))


def cache_path() -> str:
    return os.path.join(paths.user_cache_dir(), "completion", f"commands-{_cache_key()}")


def main() -> int:
    path = cache_path()
    cached = read_own(path, 1 << 20)  # only a private regular file of the user's
    if cached is not None:
        data = cached
    else:
        data = build()
        try:
            make_private_dirs(os.path.dirname(path))
            write_atomic(path, data, mode=0o600, durable=False)
        except OSError:
            pass  # a cache: answer anyway
    os.write(1, data)
    return 0
