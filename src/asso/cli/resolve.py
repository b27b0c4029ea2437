"""``asso resolve [--profile P] [--json]``: what the active (or given) profile resolves to.

On the prompt path's side: no boto3, no botocore.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Mapping


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile",
        help="resolve this profile instead of the active one (a name, alias, unique prefix or"
        " substring)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    import json

    from asso.aws.config import load_config
    from asso.aws.resolve import active_profile, resolve_profile
    from asso.errors import ConfigError, UsageError
    from asso.text import printable

    config = load_config()
    if args.profile == "":
        raise UsageError("--profile needs a profile name")
    if args.profile is not None:
        from asso.aws.names import resolve_name

        name = resolve_name(config, args.profile)  # exact, alias, unique prefix or substring
    else:
        name = active_profile()[0]
    env: Mapping[str, str] = os.environ
    if args.profile is not None:
        # As `aws --profile NAME`: a profile given explicitly wins over keys in the environment.
        from asso.aws.resolve import ENV_KEY_VARIABLES

        env = {k: v for k, v in os.environ.items() if k not in ENV_KEY_VARIABLES}
    res = resolve_profile(config, name, env)
    if res.error:
        raise ConfigError(f"profile {name!r}: {res.error}")
    data = res.to_json()
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
    else:
        for key, value in data.items():
            print(f"{key}: {'' if value is None else printable(str(value))}")
    return 0
