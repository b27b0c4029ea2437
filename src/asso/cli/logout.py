"""``asso logout [PROFILE | --all]``.

With a profile (default: the active one) it logs out of that profile's SSO session only: the
Logout API, then the session's token file and the role credentials the AWS CLI cached for the
session's profiles. ``--all`` does what ``aws sso logout`` does: every cached SSO token of every
tool, and every SSO role credential the CLI cached.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

#: What Ctrl-C says (main turns the interrupt into this one line, exit 130).
CANCELLED = "logout cancelled"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "profile",
        nargs="?",
        help="log out of this profile's SSO session (default: the active profile's)",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="log out of every SSO session, as `aws sso logout` does",
    )


def run(args: argparse.Namespace) -> int:
    import os

    from asso.errors import UsageError
    from asso.sso.logout import logout, logout_all
    from asso.sso.target import resolve_target

    if args.all and args.profile:
        raise UsageError("logout: give a PROFILE or --all, not both")
    if args.all:
        return logout_all(os.environ)
    from asso.aws.config import load_config
    from asso.aws.resolve import active_profile

    config = load_config()
    name = args.profile or active_profile()[0]
    return logout(config, resolve_target(config, name, "log out of"), os.environ)
