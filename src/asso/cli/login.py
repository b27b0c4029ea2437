"""``asso login [PROFILE | --session NAME] [--force] [--no-browser] [--use-device-code]``.

The shell's ``asso PROFILE`` comes here too. ``--refresh-only`` (hidden) is for ``asp``: refresh
a token inside botocore's refresh window silently, or fail quietly (exit 7) without a browser.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

#: What Ctrl-C says (main turns the interrupt into this one line, exit 130).
CANCELLED = "login cancelled; the token cache is as it was"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    import argparse

    parser.add_argument(
        "profile",
        nargs="?",
        help="the profile whose SSO session to log in to (default: the active profile)",
    )
    parser.add_argument(
        "--session",
        metavar="NAME",
        help="log in to this [sso-session NAME] directly, e.g. before any profile uses it",
    )
    parser.add_argument(
        "--force", action="store_true", help="log in even when the token is still valid"
    )
    parser.add_argument(
        "--no-browser",
        action="store_true",
        help="do not open a browser: print the URL (and the code) to open yourself",
    )
    parser.add_argument(
        "--use-device-code",
        action="store_true",
        help="use the device code flow instead of the authorization code (PKCE) flow",
    )
    parser.add_argument("--refresh-only", action="store_true", help=argparse.SUPPRESS)
    parser.epilog = (
        "ASSO_LOGIN_BACKEND=auto|native|cli chooses who logs in (auto: asso itself; the AWS "
        "CLI v2 only if botocore is unusable). ASSO_LOGIN_TIMEOUT bounds the whole login "
        "(seconds, default 600)."
    )


def run(args: argparse.Namespace) -> int:
    import os

    from asso.aws.config import load_config
    from asso.aws.resolve import active_profile
    from asso.errors import UsageError
    from asso.sso.login import (
        login,
        refresh_directory,
    )
    from asso.sso.settings import LoginOptions, backend_setting
    from asso.sso.target import resolve_session_target, resolve_target

    config = load_config()
    if args.session is not None:
        if args.profile:
            raise UsageError("give a profile or --session, not both")
        target = resolve_session_target(config, args.session)
    else:
        target = resolve_target(config, args.profile or active_profile()[0])
    options = LoginOptions(
        force=args.force,
        no_browser=args.no_browser,
        use_device_code=args.use_device_code,
        refresh_only=args.refresh_only,
        backend=backend_setting(os.environ),
        quiet=args.refresh_only,
    )
    outcome = login(target, options, os.environ)
    refresh_directory(target, outcome)
    return 0
