"""``asso populate``: a profile for every account and role of an SSO session."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from asso import log, paths

if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    import argparse

    from asso.aws.populate import DEFAULT_TEMPLATE, TEMPLATE_FIELDS

    fields = ", ".join("{" + f + "}" for f in TEMPLATE_FIELDS)
    parser.add_argument(
        "--session",
        metavar="NAME",
        help="the sso-session name, or a legacy start URL (default: the only session)",
    )
    parser.add_argument(
        "--template",
        help=f"profile name template (default: {DEFAULT_TEMPLATE}; fields: {fields})",
    )
    parser.add_argument("--prefix", metavar="P", help="put P before every name")
    parser.add_argument(
        "--region", metavar="R", help="the profiles' region (default: the session's region)"
    )
    parser.epilog = (
        "--template, --prefix and --region are kept in the generated block: a later run "
        "without them uses the same ones."
    )
    parser.add_argument(
        "--prune",
        action="store_true",
        help="remove generated profiles whose account or role is gone (default: keep them)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print a unified diff; write nothing"
    )
    parser.add_argument(
        "--credential-process",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also write NAME-process profiles that get their keys from `asso credential-process`"
        ", for tools that read the config but not SSO (kept for later runs)",
    )


def run(args: argparse.Namespace) -> int:
    from asso.aws import populate
    from asso.aws.sessions import find_session
    from asso.sso import directory

    for name in ("prefix", "template", "region"):
        value = getattr(args, name)
        if value is not None:
            populate.check_option(name, value)
    if args.region is not None:
        from asso.aws.regions import check_region

        populate.check_region_option(args.region)
        warning = check_region(args.region)
        if warning:
            log.error(warning)
    if args.template is not None:
        populate.check_template(args.template)
    path = paths.aws_config_file()
    config = populate.session_config(path, paths.aws_credentials_file())
    entry = find_session(config, args.session)
    session = entry.session
    token = directory.access_token_for(session, entry.profiles)
    if sys.stderr.isatty():
        log.info(f"Fetching the accounts and roles of {session.label}...")
    # Fresh every time; a dry run writes nothing at all, not even the directory cache.
    fetched = (directory.fetch if args.dry_run else directory.refresh)(session, token)
    current = populate.read_config(path, session.label)
    outcome = populate.generate(
        current,
        entry,
        fetched,
        template=args.template,
        prefix=args.prefix,
        region=args.region,
        prune=args.prune,
        credential_process=args.credential_process,
        process_command=helper_command(),
    )
    plan = outcome.plan
    for name, account_id, role in plan.skipped:
        log.info(f"skipped {name}: your own profile of that name is already {account_id}/{role}")
    for item, why in plan.renamed:
        log.info(f"named {item.name} ({item.account_id}/{item.role}): {why}")
    for what in plan.invalid:
        log.error(f"skipped {what} from Identity Center: not a valid name to write")
    if args.dry_run:
        sys.stdout.write(outcome.diff())
        log.info(_summary(outcome, session.label, path, "would be") + " (dry run: nothing written)")
        return 0
    if outcome.unchanged:
        log.info(_summary(outcome, session.label, path, "are") + "; no change")
        return 0
    backup = populate.write(outcome)
    message = _summary(outcome, session.label, path, "are")
    if backup:
        message += f"; the previous file is in {backup}"
    log.info(message)
    return 0


def helper_command() -> str:
    """This helper as a credential_process command: an absolute path, quoted for shlex.split
    (botocore's reading of the line)."""
    import os
    import shlex

    for candidate in (os.environ.get("ASSO_HELPER", ""), sys.argv[0]):
        if os.path.isabs(candidate) and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return shlex.quote(candidate)
    return f"{shlex.quote(sys.executable)} -m asso"


def _summary(outcome: object, label: str, path: str, verb: str) -> str:
    from asso.aws.populate import Outcome

    assert isinstance(outcome, Outcome)
    plan = outcome.plan
    parts = [f"{len(outcome.added)} new", f"{len(outcome.changed)} changed"]
    if outcome.removed:
        parts.append(f"{len(outcome.removed)} removed")
    if plan.kept_gone:
        parts.append(f"{len(plan.kept_gone)} kept though gone from the directory (--prune removes)")
    count = len(plan.entries)
    noun = "profile" if count == 1 else "profiles"
    return f"{count} {noun} for SSO session {label} {verb} in {path}: " + ", ".join(parts)
