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

    from asso.aws.rolecreds import Credentials


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

    from asso.aws import credkeys
    from asso.aws.rolecreds import cached_by_key
    from asso.errors import UsageError

    if not name:
        raise UsageError("--profile needs a profile name")
    known = credkeys.lookup(name)
    if known is not None:
        _, kind, key = known
        creds = cached_by_key(key, kind)
        if creds is not None:
            return _write(creds)
    from asso import paths
    from asso.aws.config import describe, load_config
    from asso.aws.names import aliases_path, resolve_name
    from asso.aws.rolecreds import cache_key

    before = credkeys.snapshot(
        [paths.aws_config_file(), paths.aws_credentials_file(), aliases_path()]
    )
    config = load_config()
    profile = resolve_name(config, name)
    info = describe(config, profile)
    file_key = None if info.error else cache_key(config, info)
    if file_key is not None:
        credkeys.remember(name, before, (profile, info.kind, file_key))
    from asso.sso.credentials import get_credentials

    return _write(get_credentials(profile, interactive=os.isatty(0)))


def _write(creds: Credentials) -> int:
    import sys

    from asso.cli.credformat import process_json

    sys.stdout.write(process_json(creds))
    sys.stdout.flush()
    return 0
