"""``asso console``: the sign-in URL from real credentials, the emulator's federation endpoint
over real HTTP, the browser (fake_browser.py through $BROWSER or a template), and its secrets."""

from __future__ import annotations

import os
import stat
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from asso.aws.rolecreds import Credentials
from asso.errors import ExitCode

from ..conftest import START_URL
from .loginkit import FAKE_BROWSER, PYTHON, LoginHome

DEADLINE = 30.0


def wait_for(condition: object, what: str) -> None:
    assert callable(condition)
    deadline = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def follow(url: str) -> int:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=10) as response:
        return int(response.status)


def secrets_of(home: LoginHome) -> list[str]:
    issued = home.emu.issued_role_credentials
    return [c[k] for c in issued for k in ("secretAccessKey", "sessionToken")]


def assert_no_traceback(*texts: str) -> None:
    for text in texts:
        assert "Traceback" not in text


def test_print_gives_a_login_url_that_signs_in_as_the_profile_role(home: LoginHome) -> None:
    assert home.asso("login", "prod").returncode == 0
    result = home.asso("console", "prod", "--print")
    assert result.returncode == 0, result.stderr
    url = result.stdout.strip()
    assert result.stdout.count("\n") == 1 and url.startswith(home.emu.federation_url + "?")
    query = query_of(url)
    assert query["Action"] == "login" and query["Issuer"] == "asso"
    # The profile's region (eu-west-1): the console's home there.
    assert query["Destination"] == (
        "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"
    )
    assert follow(url) == 200
    (sign_in,) = home.emu.console_sign_ins
    assert (sign_in.account_id, sign_in.role_name, sign_in.error) == (
        "222222222222",
        "ReadOnlyAccess",
        None,
    )
    # No longer than the role credentials last (an hour in the emulator), at least 15 minutes.
    assert sign_in.session_duration is not None
    assert 900 <= sign_in.session_duration <= home.emu.role_credentials_ttl
    assert query["SigninToken"] not in result.stderr
    assert_no_traceback(result.stderr)


def test_service_and_region_choose_the_destination(home: LoginHome) -> None:
    assert home.asso("login", "prod").returncode == 0
    result = home.asso("console", "prod", "--service", "lambda", "--print", AWS_REGION="us-west-2")
    assert result.returncode == 0, result.stderr
    assert query_of(result.stdout.strip())["Destination"] == (
        "https://us-west-2.console.aws.amazon.com/lambda/home?region=us-west-2"
    )
    result = home.asso(
        "console", "prod", "--service", "s3", "--region", "ap-south-1", "--print",
        AWS_REGION="us-west-2",
    )  # fmt: skip
    assert query_of(result.stdout.strip())["Destination"].startswith(
        "https://ap-south-1.console.aws.amazon.com/s3/"
    )
    destination = "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:"
    result = home.asso("console", "prod", "--destination", destination, "--print")
    assert query_of(result.stdout.strip())["Destination"] == destination
    # The role credentials were fetched once and reused from the CLI's cache.
    assert len(home.emu.issued_role_credentials) == 1


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (("--service", "lamda"), ExitCode.USAGE, "did you mean: lambda"),
        (("--destination", "https://evil.example.com/"), ExitCode.USAGE, "console"),
        (("--service", "s3", "--destination", "https://console.aws.amazon.com/"), 2, "not allowed"),
        (("--region", "eu west $(x)"), ExitCode.USAGE, "not a region name"),
        (("",), ExitCode.USAGE, "empty"),
    ],
)
def test_bad_destinations_are_refused_before_any_network(
    home: LoginHome, args: tuple[str, ...], code: int, said: str
) -> None:
    profile = () if args == ("",) else ("prod",)
    result = home.asso("console", *profile, *args, "--print")
    assert result.returncode == code and said in result.stderr
    assert result.stdout == "" and home.emu.requests == []
    assert_no_traceback(result.stderr)


def test_unknown_profile_exits_4_with_close_matches(home: LoginHome) -> None:
    result = home.asso("console", "prdo", "--print")
    assert result.returncode == ExitCode.PROFILE_NOT_FOUND
    assert "did you mean" in result.stderr and "prod" in result.stderr
    assert result.stderr.count("\n") == 1


def test_not_logged_in_without_a_terminal_exits_7(home: LoginHome) -> None:
    result = home.asso("console", "prod", "--print")
    assert result.returncode == ExitCode.NOT_LOGGED_IN
    assert result.stderr.count("\n") == 1 and "asso login prod" in result.stderr
    assert home.emu.operations().count("GetRoleCredentials") == 0


def test_a_federation_error_exits_6_in_one_line_without_secrets(home: LoginHome) -> None:
    assert home.asso("login", "prod").returncode == 0
    home.emu.inject("GetSigninToken", status=500, times=-1)
    result = home.asso("console", "prod", "--print")
    assert result.returncode == ExitCode.NETWORK
    assert result.stderr.count("\n") == 1 and "HTTP 500" in result.stderr
    assert home.emu.federation_url in result.stderr  # where, without the query
    for secret in secrets_of(home):
        assert secret not in result.stderr
    assert "Session" not in result.stderr and result.stdout == ""
    home.emu.clear_faults()
    # Credentials the endpoint does not accept: the same one line.
    home.emu.inject("GetSigninToken", status=401, times=-1)
    result = home.asso("console", "prod", "--print")
    assert result.returncode == ExitCode.NETWORK and "HTTP 401" in result.stderr
    # An endpoint nobody listens on.
    result = home.asso("console", "prod", "--print", ASSO_FEDERATION_URL="http://127.0.0.1:9/f")
    assert result.returncode == ExitCode.NETWORK and result.stderr.count("\n") == 1
    assert_no_traceback(result.stderr)


def test_a_malformed_token_answer_is_not_used(home: LoginHome) -> None:
    assert home.asso("login", "prod").returncode == 0
    home.emu.inject("GetSigninToken", status=200, body=b'{"SigninToken": "a b\\n<script>"}')
    result = home.asso("console", "prod", "--print")
    assert result.returncode == ExitCode.NETWORK and "without a valid token" in result.stderr
    assert result.stdout == ""


def test_portal_needs_no_credentials(home: LoginHome) -> None:
    result = home.asso("console", "prod", "--portal", "--print")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"{START_URL}/#/console?account_id=222222222222&role_name=ReadOnlyAccess\n"
    )
    result = home.asso("console", "prod", "--portal", "--service", "s3", "--print")
    fragment = urlsplit(result.stdout.strip()).fragment
    assert parse_qs(fragment.split("?", 1)[1])["destination"] == [
        "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1"
    ]
    assert home.emu.requests == []  # no token, no credentials, no network
    result = home.asso("console", "keys", "--portal", "--print")
    assert result.returncode == ExitCode.CONFIG and "--portal" in result.stderr


def test_static_keys_sign_in_through_a_federation_token(home: LoginHome) -> None:
    result = home.asso("console", "keys", "--print")
    assert result.returncode == 0, result.stderr
    (federated,) = home.emu.issued_federation_tokens
    assert federated["caller"] == "AKIAEXAMPLEEXAMPLE00" and federated["Name"] == "asso-console"
    assert '"Action":"*"' in federated["Policy"]  # else the session could do nothing
    assert follow(result.stdout.strip()) == 200
    sign_in = home.emu.console_sign_ins[-1]
    assert sign_in.error is None and sign_in.session_duration is None  # refused for these
    # Keys without the permission: one line that says why.
    home.emu.federation_denied = True
    result = home.asso("console", "keys", "--print")
    assert result.returncode == ExitCode.CREDENTIALS and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "GetFederationToken" in result.stderr
    assert "AccessDenied" in result.stderr and "not-a-real-secret" not in result.stderr
    assert_no_traceback(result.stderr)


def test_a_role_chain_signs_in_as_the_assumed_role_for_at_most_an_hour(home: LoginHome) -> None:
    assert home.asso("login", "prod").returncode == 0
    result = home.asso("console", "deployer", "--service", "cloudformation", "--print")
    assert result.returncode == 0, result.stderr
    (assumed,) = home.emu.assumed_roles
    assert assumed["RoleArn"] == "arn:aws:iam::999988887777:role/Deployer"
    assert follow(result.stdout.strip()) == 200
    sign_in = home.emu.console_sign_ins[-1]
    assert (sign_in.account_id, sign_in.role_name, sign_in.error) == (
        "999988887777",
        "Deployer",
        None,
    )
    # Role chaining (a role assumed with SSO role credentials): AWS allows an hour at most.
    assert sign_in.session_duration is not None and 900 <= sign_in.session_duration <= 3600
    # deployer has no region of its own (the order is --region, the environment, the
    # profile): the console chooses.
    assert sign_in.destination == "https://console.aws.amazon.com/cloudformation/home"


def page_files(home: LoginHome) -> list[Path]:
    directory = home.cache_dir / "console"
    return sorted(directory.iterdir()) if directory.exists() else []


def test_the_browser_gets_a_private_page_never_the_url(home: LoginHome) -> None:
    assert home.asso("login", "prod").returncode == 0
    home.browser_log.unlink()
    result = home.asso("console", "prod", "--service", "ec2", ASSO_CONSOLE_PAGE_SECONDS="3")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and "opened the AWS console as prod" in result.stderr
    wait_for(lambda: home.emu.console_sign_ins, "the browser to sign in")
    (sign_in,) = home.emu.console_sign_ins
    assert sign_in.error is None and sign_in.destination.startswith(
        "https://eu-west-1.console.aws.amazon.com/ec2/"
    )
    (opened,) = home.browser_log.read_text().splitlines()
    assert opened.startswith("file://" + str(home.cache_dir / "console" / "signin-"))
    assert "SigninToken" not in opened  # what a process listing shows
    assert stat.S_IMODE(os.stat(home.cache_dir / "console").st_mode) == 0o700
    # The page goes once the browser has had its time.
    wait_for(lambda: not page_files(home), "the page to be removed")


def test_a_browser_template_with_spaces_and_quotes(home: LoginHome, tmp_path: Path) -> None:
    assert home.asso("login", "prod").returncode == 0
    odd = tmp_path / "a dir with 'quotes' $(x) %s"
    odd.mkdir()
    browser = odd / "browser.py"
    browser.write_text(
        "import os, stat, sys\n"
        "path = sys.argv[2][len('file://'):]\n"
        "from urllib.parse import unquote\n"
        "mode = stat.S_IMODE(os.stat(unquote(path)).st_mode)\n"
        "open(os.environ['FAKE_BROWSER_LOG'] + '.template', 'w').write(\n"
        "    repr(sys.argv[1:]) + ' ' + oct(mode))\n"
        f"os.execv(sys.executable, [sys.executable, {str(FAKE_BROWSER)!r}, sys.argv[2]])\n"
    )
    quoted = str(browser).replace("'", "'\\''")
    template = f"{PYTHON} '{quoted}' --profile=\"a b\" {{url}}"
    result = home.asso("console", "prod", "--browser", template)
    assert result.returncode == 0, result.stderr
    wait_for(lambda: home.emu.console_sign_ins, "the template's browser to sign in")
    record = Path(str(home.browser_log) + ".template")
    wait_for(record.exists, "the template's record")
    args_text, mode = record.read_text().rsplit(" ", 1)
    assert args_text.startswith("['--profile=a b', 'file://") and mode == "0o600"
    # ASSO_BROWSER is the same template, from the environment.
    result = home.asso("console", "prod", ASSO_BROWSER="/nonexistent/browser {url}")
    assert result.returncode == 1 and "--print" in result.stderr
    assert result.stderr.count("\n") == 1
    assert not page_files(home) or all("signin-" in p.name for p in page_files(home))


def test_no_browser_is_one_line_and_leaves_no_page(home: LoginHome) -> None:
    assert home.asso("login", "prod").returncode == 0
    result = home.asso("console", "prod", BROWSER="", PATH="/nonexistent")
    assert result.returncode == 1 and "no browser found" in result.stderr
    assert page_files(home) == []


def test_session_duration_limits() -> None:
    from asso.sso.console import session_duration

    now = 1_000_000.0
    creds = Credentials("ASIAX", "s", "t", now + 8 * 3600, "sso")
    assert session_duration(creds, chained=False, now=now) == 8 * 3600
    assert session_duration(creds, chained=True, now=now) == 3600
    short = Credentials("ASIAX", "s", "t", now + 100, "sso")
    assert session_duration(short, chained=False, now=now) == 900
    endless = Credentials("ASIAX", "s", "t", None, "process")
    assert session_duration(endless, chained=False, now=now) == 43200


def test_static_keys_become_a_federation_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """GetFederationToken with an allow-all policy (botocore's Stubber stands in for STS)."""
    import datetime

    from botocore.stub import Stubber

    from asso.sso import console, oidc

    expiry = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=12)
    real_module = oidc._module

    def stubbed(name: str) -> object:
        module = real_module(name)
        if name != "botocore.session":
            return module

        class Session(module.Session):  # type: ignore[misc,name-defined]
            def create_client(self, *args: object, **kwargs: object) -> object:
                client = super().create_client(*args, **kwargs)
                stub = Stubber(client)
                stub.add_response(
                    "get_federation_token",
                    {
                        "Credentials": {
                            "AccessKeyId": "ASIAFEDERATED0000000",
                            "SecretAccessKey": "fed-secret",
                            "SessionToken": "fed-token",
                            "Expiration": expiry,
                        }
                    },
                    {
                        "Name": "asso-console",
                        "Policy": console.ALLOW_ALL_POLICY,
                        "DurationSeconds": 43200,
                    },
                )
                stub.activate()
                return client

        return type("M", (), {"Session": Session})

    monkeypatch.setattr(oidc, "_module", stubbed)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    fed = console.federation_token(
        Credentials("AKIASTATIC0000000000", "static-secret"), "eu-west-1", timeout=5
    )
    assert (fed.access_key_id, fed.session_token, fed.kind) == (
        "ASIAFEDERATED0000000",
        "fed-token",
        "federation",
    )
    assert fed.expiration is not None and abs(fed.expiration - expiry.timestamp()) < 1


def test_the_page_escapes_the_url(tmp_path: Path) -> None:
    from asso.sso.signin_page import page_html, write_page

    url = "https://x.example/?a=\"><script>alert(1)</script>&b='</script>"
    page = page_html(url).decode()
    assert "<script>alert" not in page and "</script>&b" not in page
    path = write_page(url, str(tmp_path / "pages"))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "pages").st_mode) == 0o700
    # A planted link in the directory is never written through.
    (tmp_path / "pages2").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "elsewhere").mkdir()
    with pytest.raises(OSError):
        write_page(url, str(tmp_path / "pages2"))


def test_browser_templates_split_into_words() -> None:
    from asso.errors import UsageError
    from asso.sso.browser import template_command

    url = "file:///x y/p.html"
    assert template_command("firefox -P 'work profile' {url}", url) == [
        "firefox",
        "-P",
        "work profile",
        url,
    ]
    assert template_command("open -a Safari", url) == ["open", "-a", "Safari", url]
    assert template_command("x 'ext+container:name=A&url={url}'", url) == [
        "x",
        f"ext+container:name=A&url={url}",
    ]
    for bad in ("", "  ", "firefox 'unclosed"):
        with pytest.raises(UsageError):
            template_command(bad, url)


@pytest.mark.parametrize("shell", ["zsh", "bash"])
def test_the_shells_route_asso_console_to_the_helper(home: LoginHome, shell: str) -> None:
    from tests.conftest import PLUGIN_BASH, PLUGIN_ZSH

    assert home.asso("login", "prod").returncode == 0
    plugin = PLUGIN_ZSH if shell == "zsh" else PLUGIN_BASH
    script = (
        f"set -euo pipefail\nsource '{plugin}'\n"
        "AWS_PROFILE=prod asso console --portal --print\n"
        "export AWS_PROFILE=prod\n"
        "asso console --service s3 --print\n"
    )
    argv = ["zsh", "-f", "-c", script] if shell == "zsh" else ["bash", "--norc", "-c", script]
    result = subprocess.run(argv, env=home.env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    portal, signin = result.stdout.splitlines()
    assert portal == f"{START_URL}/#/console?account_id=222222222222&role_name=ReadOnlyAccess"
    assert query_of(signin)["Destination"].startswith("https://eu-west-1.console.aws.amazon.com/s3")
    assert follow(signin) == 200 and home.emu.console_sign_ins[-1].error is None


def test_an_expired_session_logs_in_first_in_a_terminal(home: LoginHome) -> None:
    import pexpect

    from tests.conftest import HELPER

    child = pexpect.spawn(
        str(HELPER),
        ["console", "prod", "--service", "kms", "--print"],
        env=home.env,
        encoding="utf-8",
        timeout=60,
        dimensions=(24, 2000),  # the URL on one line
    )
    child.expect(r"logged in to sso-session my-sso")
    child.expect(r"(http://127\.0\.0\.1:\d+/federation\?Action=login&\S+)")
    url = child.match.group(1)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert query_of(url)["Destination"].startswith("https://eu-west-1.console.aws.amazon.com/kms/")
    assert follow(url) == 200 and home.emu.console_sign_ins[-1].role_name == "ReadOnlyAccess"


def test_setting_and_filesystem_failures_are_one_line(home: LoginHome) -> None:
    assert home.asso("login", "prod").returncode == 0
    result = home.asso("console", "prod", "--print", ASSO_FEDERATION_URL="notaurl")
    assert result.returncode == ExitCode.USAGE and "ASSO_FEDERATION_URL" in result.stderr
    # The page's directory is a planted link: refused, no page written through it.
    home.cache_dir.mkdir(exist_ok=True)
    elsewhere = home.root / "elsewhere"
    elsewhere.mkdir()
    (home.cache_dir / "console").symlink_to(elsewhere)
    result = home.asso("console", "prod")
    assert result.returncode == 1 and "cannot write the sign-in page" in result.stderr
    assert result.stderr.count("\n") == 1 and list(elsewhere.iterdir()) == []
    for secret in [*secrets_of(home), *home.emu.issued_signin_tokens]:
        assert secret not in result.stderr
    assert_no_traceback(result.stderr)
