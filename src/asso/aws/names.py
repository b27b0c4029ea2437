"""Which profile a name typed by the user means: ``asp NAME``, ``asso resolve --profile NAME``.

First match wins:

1. a profile whose name is exactly NAME;
2. an alias from the aliases file (``aliases`` in the config dir, e.g. ~/.config/asso/aliases);
3. the one profile whose name starts with NAME (case-sensitive);
4. when no name starts with NAME: the one profile whose name contains NAME, in any case.

Two or more profiles at step 3 or 4 is ambiguous (AmbiguousProfileError lists them); none is
"not found", with close matches. The aliases file is read only when NAME is not a profile, so an
exact name costs nothing more.

The aliases file: UTF-8 text, one ``alias = profile`` per line. Spaces and tabs around either
side are dropped; the alias is everything before the first ``=``, the profile everything after
it. Blank lines and lines starting with ``#`` or ``;`` are ignored; there are no inline comments
(a profile name may hold ``#``). The profile must be a profile's exact name (not another alias,
not a prefix). A later line for the same alias replaces an earlier one. Any other line is a
config error naming the file and line.
"""

from __future__ import annotations

import os

from asso import paths
from asso.aws.config import suggest
from asso.errors import (
    AliasTargetError,
    AmbiguousProfileError,
    ConfigError,
    ProfileNotFoundError,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from asso.aws.config import AwsConfig

ALIASES_FILE = "aliases"


def aliases_path() -> str:
    return os.path.join(paths.user_config_dir(), ALIASES_FILE)


def load_aliases(path: str) -> dict[str, str]:
    """The aliases in ``path`` (none when the file does not exist); ConfigError if malformed."""
    from asso.fs import read_regular

    try:
        data = read_regular(path, 16 * 1024 * 1024)  # a FIFO must not block the prompt
    except (FileNotFoundError, NotADirectoryError):
        return {}
    except OSError as error:
        raise ConfigError(f"cannot read the aliases file {path}: {error.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"the aliases file {path} is not UTF-8 text") from None
    aliases: dict[str, str] = {}
    for number, line in enumerate(text.removeprefix("\ufeff").split("\n"), 1):
        line = line.strip(" \t\r")
        if not line or line[0] in "#;":
            continue
        alias, sep, target = line.partition("=")
        alias, target = alias.strip(" \t"), target.strip(" \t")
        if not sep or not alias or not target:
            raise ConfigError(f"{path} line {number}: expected 'alias = profile'")
        aliases[alias] = target
    return aliases


def resolve_name(config: AwsConfig, name: str) -> str:
    """The profile ``name`` means (see the module's docstring), or an error saying why none."""
    profiles = config.profiles
    if name in profiles:
        return name
    if name:
        path = aliases_path()
        target = load_aliases(path).get(name)
        if target is not None:
            if target in profiles:
                return target
            close = suggest(target, profiles)
            message = (
                f"alias {name!r} in {path}: profile {target!r} not found in {config.config_file}"
            )
            if close:
                message += " (did you mean: " + ", ".join(close) + "?)"
            raise AliasTargetError(message)
        matches = [p for p in profiles if p.startswith(name)]
        if not matches:
            folded = name.casefold()
            matches = [p for p in profiles if folded in p.casefold()]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise AmbiguousProfileError(name, sorted(matches))
    raise ProfileNotFoundError(name, config.config_file, suggest(name, profiles))
