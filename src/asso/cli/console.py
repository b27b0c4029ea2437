"""``asso console [PROFILE] [--service NAME | --destination URL] [--region R] [--print]
[--browser CMD] [--portal]``: the AWS web console as a profile's role, in the right browser."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Mapping
    from typing import Optional

    from asso.aws.config import AwsConfig, ProfileInfo
    from asso.aws.console import Partition

BROWSER_VARIABLE = "ASSO_BROWSER"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    import argparse

    parser.add_argument(
        "profile",
        nargs="?",
        help="the profile whose role to sign in as (default: the active profile); a name, "
        "alias, unique prefix or substring",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--service", metavar="NAME", help="open this service's page (e.g. s3, ec2, logs)"
    )
    where.add_argument(
        "--destination", metavar="URL", help="open this console URL (https, the console's)"
    )
    parser.add_argument(
        "--region",
        help="the region of the service page (default: AWS_REGION, AWS_DEFAULT_REGION, then "
        "the profile's)",
    )
    parser.add_argument(
        "--print",
        action="store_true",
        dest="print_url",
        help="print the URL on stdout instead of opening it (the sign-in URL is a secret for "
        "15 minutes)",
    )
    parser.add_argument(
        "--browser",
        metavar="CMD",
        help="browser command template, '{url}' is replaced (default: $ASSO_BROWSER, else "
        "$BROWSER or the system's opener)",
    )
    parser.add_argument(
        "--portal",
        action="store_true",
        help="open the access portal's shortcut link for the profile's account and role "
        "(SSO profiles; no credentials needed)",
    )
    parser.add_argument("--services", action="store_true", help=argparse.SUPPRESS)
    parser.epilog = (
        "The sign-in URL opens from a private temporary page, so it does not appear in "
        "process arguments. ASSO_FEDERATION_URL overrides the sign-in endpoint."
    )


def run(args: argparse.Namespace) -> int:
    import os
    import sys

    from asso import log
    from asso.aws.config import describe, load_config
    from asso.aws.console import home_url, partition_of, service_url
    from asso.aws.names import resolve_name
    from asso.aws.resolve import active_profile, region_of
    from asso.errors import ConfigError, UsageError

    env = os.environ
    if args.services:
        from asso.shell.completion import services_output

        sys.stdout.buffer.write(services_output())
        return 0
    if args.profile == "":
        raise UsageError("the profile name is empty")
    config = load_config(env)
    name = (
        resolve_name(config, args.profile) if args.profile is not None else active_profile(env)[0]
    )
    info = describe(config, name)  # ProfileNotFoundError (exit 4) with close matches
    if info.error:
        raise ConfigError(f"profile {name!r}: {info.error}")
    if args.region:
        from asso.aws.regions import check_region

        warning = check_region(args.region)  # UsageError when it is no region name at all
        if warning:
            log.error(warning)
    region = args.region or region_of(info, env)[0]
    partition = partition_of(region)
    if args.service:
        destination = service_url(args.service, region, partition)
    elif args.destination:
        destination = _destination(args.destination, partition)
    else:
        destination = home_url(region, partition)
    if args.portal:
        chosen = destination if (args.service or args.destination) else None
        url = _portal(info, chosen)
        return _deliver(url, args, env, secret=False, what=f"the access portal for {_label(info)}")
    url = _signin_url(config, info, destination, partition, env)
    return _deliver(url, args, env, secret=True, what=f"the AWS console as {_label(info)}")


def _destination(url: str, partition: Partition) -> str:
    from asso.aws.console import check_destination

    return check_destination(url, partition)


def _label(info: ProfileInfo) -> str:
    from asso.text import printable

    account = info.account_name or info.account_id
    if account and info.role:
        return printable(f"{info.name} ({account}/{info.role})")
    return printable(info.name)


def _portal(info: ProfileInfo, destination: Optional[str]) -> str:
    from asso.aws.console import portal_url
    from asso.errors import ConfigError

    if info.kind != "sso" or info.sso is None or not info.account_id or not info.role:
        raise ConfigError(
            f"profile {info.name!r} is not an IAM Identity Center profile: --portal needs its "
            "account and role (sso_account_id, sso_role_name)"
        )
    return portal_url(info.sso.start_url, info.account_id, info.role, destination or None)


def _chained(config: AwsConfig, info: ProfileInfo) -> bool:
    """A role assumed with a role's credentials (AWS caps such sessions at an hour)."""
    from asso.aws.config import describe

    if info.kind != "role" or not info.chain:
        return False
    # chain: this profile first, the one that supplies credentials last.
    if len(info.chain) > 2:
        return True
    source = describe(config, info.chain[-1])
    return source.kind in ("sso", "role", "web_identity", "process")


def _signin_url(
    config: AwsConfig,
    info: ProfileInfo,
    destination: str,
    partition: Partition,
    env: Mapping[str, str],
) -> str:
    import sys

    from asso.aws.console import federation_url
    from asso.sso import console
    from asso.sso.credentials import get_credentials
    from asso.sso.settings import http_settings

    interactive = sys.stdin.isatty() and sys.stderr.isatty()
    credentials = get_credentials(info.name, interactive=interactive, env=env)
    return console.signin_url(
        credentials,
        destination,
        endpoint=federation_url(partition, env),
        chained=_chained(config, info),
        region=info.region,
        timeout=http_settings(env).read_timeout,
    )


def _deliver(
    url: str, args: argparse.Namespace, env: Mapping[str, str], *, secret: bool, what: str
) -> int:
    import sys

    from asso import log
    from asso.errors import AssoError
    from asso.sso.browser import browser_commands, start_detached, template_command

    if args.print_url:
        sys.stdout.write(url + "\n")
        sys.stdout.flush()
        return 0
    target = url
    page: Optional[str] = None
    if secret:
        from asso.sso import signin_page

        lifetime = signin_page.page_lifetime(env)
        try:
            page = signin_page.write_page(url, lifetime=lifetime)
        except OSError as error:  # its message names the page's path, never the URL
            raise AssoError(
                f"cannot write the sign-in page: {error.strerror or error} (--print writes "
                "the URL instead)"
            ) from None
        target = signin_page.file_url(page)
    template = args.browser if args.browser is not None else env.get(BROWSER_VARIABLE, "")
    if template.strip():
        commands = [template_command(template, target)]
    else:
        commands = browser_commands(target, env)
    if not start_detached(commands, env):
        if page is not None:
            import os

            os.unlink(page)
        how = "the browser command failed to start" if template.strip() else "no browser found"
        raise AssoError(f"cannot open {what}: {how} (--print writes the URL instead)")
    if page is not None:
        from asso.sso import signin_page

        signin_page.remove_later(page, signin_page.page_lifetime(env))
    log.info(f"asso: opened {what} in the browser")
    return 0
