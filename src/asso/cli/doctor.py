"""``asso doctor`` (arguments and glue): check the installation and the configuration.

Each check gives ok, warn or fail with a one-line finding and, when something is wrong, what to
do about it. The exit status is 1 when any check fails (0 with warnings only; ``--strict``
makes warnings fail too).

What only the shell knows (which shell, whether the prompt hook is installed once, whose ``asp``
is active) comes from ``ASSO_DOCTOR_*`` variables that the plugin's ``_asso_doctor`` sets for
this one command; run plainly, those checks say they were skipped.
"""

from __future__ import annotations

import os
import sys

from asso.checks import FAIL, WARN, Check, format_report, marks

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Mapping


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from asso.aws.checks import DEFAULT_MAX_SESSION_HOURS

    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--strict", action="store_true", help="exit non-zero on warnings too, not only failures"
    )
    parser.add_argument(
        "--max-session-hours",
        type=float,
        default=DEFAULT_MAX_SESSION_HOURS,
        metavar="H",
        help="a token expiring more than H hours from now means a wrong clock (default: 12)",
    )


def run_checks(env: Mapping[str, str], max_session_hours: float) -> list[Check]:
    """Every check, each from the layer whose facts it looks at."""
    from asso.aws.checks import check_clock, check_config
    from asso.shell.checks import check_helper, check_shell, check_state_dir
    from asso.sso.checks import check_aws_cli, check_browser

    checks: list[Check] = []
    checks += check_helper(env)
    checks += check_shell(env)
    checks += check_state_dir()
    checks += check_config(env)
    checks += check_clock(max_session_hours)
    checks += check_aws_cli(env)
    checks += check_browser(env)
    return checks


def run(args: argparse.Namespace) -> int:
    import json

    from asso.table import use_colour

    checks = run_checks(os.environ, args.max_session_hours)
    failed = any(c.status == FAIL for c in checks) or (
        args.strict and any(c.status == WARN for c in checks)
    )
    if args.json:
        print(
            json.dumps(
                {"ok": not failed, "checks": [c.to_json() for c in checks]}, ensure_ascii=False
            )
        )
    else:
        sys.stdout.write(format_report(checks, use_colour(), marks(sys.stdout)))
    return 1 if failed else 0
