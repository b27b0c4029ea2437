"""The profile a credentials command acts on: a name the user typed, or the active profile."""

from __future__ import annotations

import os

from asso.errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Optional


def profile_and_region(
    name: Optional[str], env: Mapping[str, str] = os.environ
) -> tuple[str, Optional[str]]:
    """The canonical profile name (exact, alias, unique prefix or substring) and its region
    (the profile's own: a command run for a profile gets that profile's region)."""
    from asso.aws.config import describe, load_config
    from asso.aws.names import resolve_name
    from asso.aws.resolve import active_profile

    if name == "":
        raise UsageError("the profile name is empty")
    config = load_config(env)
    profile = resolve_name(config, name) if name is not None else active_profile(env)[0]
    return profile, describe(config, profile).region
