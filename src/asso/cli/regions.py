"""``asso regions [--check REGION]``: the regions botocore's data knows (read without botocore)."""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--check", metavar="REGION", help="warn if REGION is unknown; fail if malformed"
    )


def run(args: argparse.Namespace) -> int:
    from asso import log
    from asso.aws.regions import check_region, known_regions

    if args.check is not None:
        warning = check_region(args.check)
        if warning:
            log.error(warning)
        return 0
    sys.stdout.write("".join(name + "\n" for name in known_regions()))
    return 0
