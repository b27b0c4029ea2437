"""``asso export [PROFILE] [--format FORMAT]``: a profile's credentials for tools that want keys.

The formats are the AWS CLI's ``configure export-credentials`` ones plus ``dotenv``; the default
is ``process``, as in the CLI. Keys go to stdout only: ``eval "$(asso export dev --format env)"``.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    import argparse

    from asso.cli.credformat import DEFAULT_FORMAT, FORMATS

    parser.add_argument(
        "profile", nargs="?", help="the profile (default: the active profile); an alias or prefix"
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=DEFAULT_FORMAT,
        help=f"output format (default: {DEFAULT_FORMAT}, the credential_process JSON)",
    )
    # For the shell plugin (asp -x): NUL-ended name, value pairs it reads with builtins.
    parser.add_argument("--nul", action="store_true", help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    import sys

    from asso.cli.credformat import render
    from asso.cli.profilearg import profile_and_region
    from asso.sso.credentials import get_credentials

    profile, region = profile_and_region(args.profile)
    creds = get_credentials(profile, interactive=sys.stdin.isatty())
    if args.nul:
        from asso.cli.credformat import variables
        from asso.shell.state import encode_fields

        sys.stdout.buffer.write(encode_fields(f for pair in variables(creds) for f in pair))
        sys.stdout.flush()
        return 0
    sys.stdout.write(render(creds, args.format, region))
    sys.stdout.flush()
    return 0
