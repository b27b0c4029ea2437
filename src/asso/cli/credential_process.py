"""``asso credential-process --profile P``: the ``credential_process`` protocol.

For tools that read the AWS config but not the SSO cache. Cached credentials are answered
without argparse or botocore (a few milliseconds): this runs once per tool start.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import Optional


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", required=True, help="the profile whose credentials to print")


def run(args: argparse.Namespace) -> int:
    return answer(args.profile)


def fast_profile(argv: Sequence[str]) -> Optional[str]:
    """The profile of ``--profile P`` or ``--profile=P`` alone; None for anything else."""
    if len(argv) == 2 and argv[0] == "--profile":
        return argv[1]
    if len(argv) == 1 and argv[0].startswith("--profile="):
        return argv[0][len("--profile=") :]
    return None


def answer(name: str) -> int:
    import os
    import sys

    from asso.aws.config import describe, load_config
    from asso.aws.names import resolve_name
    from asso.aws.rolecreds import cached_credentials
    from asso.cli.credformat import process_json
    from asso.errors import UsageError

    if not name:
        raise UsageError("--profile needs a profile name")
    config = load_config()
    profile = resolve_name(config, name)
    info = describe(config, profile)
    creds = None if info.error else cached_credentials(config, info)
    if creds is None:
        from asso.sso.credentials import get_credentials

        creds = get_credentials(profile, interactive=os.isatty(0))
    sys.stdout.write(process_json(creds))
    sys.stdout.flush()
    return 0
