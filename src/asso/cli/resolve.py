"""``asso resolve [--profile P] [--json]``: what the active (or given) profile resolves to.

On the prompt path's side: no boto3, no botocore.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse


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

    config = load_config()
    if args.profile == "":
        raise UsageError("--profile needs a profile name")
    if args.profile is not None:
        from asso.aws.names import resolve_name

        name = resolve_name(config, args.profile)  # exact, alias, unique prefix or substring
    else:
        name = active_profile()[0]
    res = resolve_profile(config, name)
    if res.error:
        raise ConfigError(f"profile {name!r}: {res.error}")
    data = res.to_json()
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
    else:
        for key, value in data.items():
            print(f"{key}: {'' if value is None else value}")
    return 0
