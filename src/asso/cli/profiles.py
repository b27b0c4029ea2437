"""``asso profiles``: every profile with its account, role, region and token state; also the
NUL-separated lists completion and the picker read. No boto3, no botocore.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    parser.add_argument("--names", action="store_true", help="print profile names only")
    parser.add_argument(
        "-0", "--null", action="store_true", help="with --names: end names with NUL"
    )
    parser.add_argument(
        "--completion",
        action="store_true",
        help="for shell completion: NUL-ended name, description, group triples (cached)",
    )
    parser.add_argument(
        "--picker",
        action="store_true",
        help="for asp -i: NUL-ended name, line pairs, a header first, recently used first",
    )


def run(args: argparse.Namespace) -> int:
    import json

    from asso.aws.config import load_config
    from asso.aws.resolve import TokenStates, resolve_profile

    if args.completion:
        from asso.shell.completion import main as completion_main

        return completion_main()
    if args.picker:
        from asso.shell.picker import output

        sys.stdout.buffer.write(output())
        sys.stdout.buffer.flush()
        return 0
    config = load_config()
    if args.names:
        end = "\0" if args.null else "\n"
        names = list(config.profiles)
        if not args.null and sys.stdout.isatty():
            from asso.text import printable

            names = [printable(name) for name in names]  # a terminal: no control characters
        sys.stdout.write("".join(name + end for name in names))
        return 0
    states = TokenStates()
    listing = [resolve_profile(config, name, token_states=states) for name in config.profiles]
    if args.json:
        print(json.dumps([r.to_json() for r in listing], ensure_ascii=False))
        return 0
    from asso.table import format_table, use_colour

    rows = [
        (r.profile, r.kind, r.account_name or r.account_id, r.role, r.region, r.token_state)
        for r in listing
    ]
    header = ("PROFILE", "KIND", "ACCOUNT", "ROLE", "REGION", "TOKEN")
    sys.stdout.write(format_table(header, rows, colour=use_colour(), colour_column=5))
    return 0
