"""``asso serve [PROFILE] [--port N] [--bind ADDR]``: a container credential endpoint.

Prints the two variables to give a container or a tool, then serves until Ctrl-C. When the SSO
session ends and this runs in a terminal, the next request logs in once, here on the host.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from asso.cli.credformat import FORMATS
    from asso.sso.endpoint import DEFAULT_BIND

    parser.add_argument("profile", nargs="?", help="the profile (default: the active profile)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: any)")
    parser.add_argument(
        "--bind",
        default=DEFAULT_BIND,
        metavar="ADDR",
        help=f"address to listen on (default: {DEFAULT_BIND}; others are warned about)",
    )
    parser.add_argument(
        "--format",
        choices=[f for f in FORMATS if f != "process"],
        default="env",
        help="how to print the variables to set (default: env)",
    )


def run(args: argparse.Namespace) -> int:
    import sys

    from asso.cli.credformat import lines
    from asso.cli.profilearg import profile_and_region
    from asso.errors import ExitCode
    from asso.sso.credentials import get_credentials
    from asso.sso.endpoint import Endpoint, Supplier, check_bind, wait_forever

    profile, _ = profile_and_region(args.profile)
    interactive = sys.stdin.isatty()
    supplier = Supplier(lambda: get_credentials(profile, interactive=interactive))
    endpoint = Endpoint(supplier, args.bind, args.port)  # bad --bind/--port: fail first
    try:
        supplier.get()  # fail now, not at the first request, when the profile cannot be used
    except BaseException:
        endpoint.close()
        raise
    check_bind(args.bind)
    endpoint.start()
    sys.stdout.write(lines(endpoint.variables(), args.format))
    sys.stdout.flush()
    sys.stderr.write(f"asso: serving the credentials of {profile!r}; Ctrl-C stops\n")
    try:
        wait_forever(endpoint)
    except KeyboardInterrupt:
        return ExitCode.OK
    return ExitCode.OK
