"""Signing in to the AWS console with session credentials: the federation endpoint.

``getSigninToken`` exchanges the role's session credentials for a sign-in token; the
``Action=login`` URL built from it opens the console at a destination. That URL is a bearer
secret for 15 minutes: nothing here logs it or puts it in an error message. Static IAM-user keys
are first exchanged for federated session credentials (``sts:GetFederationToken``).
"""

from __future__ import annotations

import json
import re
import time
from urllib.parse import urlencode, urlsplit

from asso.aws.rolecreds import Credentials
from asso.errors import ConsoleRefusedError, FederationError
from asso.text import one_line

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional


# The endpoint's limits for SessionDuration, and role chaining's (AssumeRole from a role).
MIN_SESSION = 900
MAX_SESSION = 43200
CHAINED_MAX_SESSION = 3600
ISSUER = "asso"
FEDERATION_NAME = "asso-console"
# GetFederationToken's session has the intersection of the user's permissions and this policy:
# without a policy it would have none.
ALLOW_ALL_POLICY = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
)
_FEDERATION_FIELDS = ("AccessKeyId", "SecretAccessKey", "SessionToken")
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9._~+/=-]{16,8192}")


def session_duration(
    credentials: Credentials, *, chained: bool, now: Optional[float] = None
) -> int:
    """How long the console session may last: no longer than the credentials themselves,
    within the endpoint's range (and an hour for a role assumed from a role)."""
    ceiling = CHAINED_MAX_SESSION if chained else MAX_SESSION
    left = credentials.seconds_left(now)
    if left is None:
        return ceiling
    return max(MIN_SESSION, min(ceiling, int(left)))


def _endpoint_label(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def signin_token(
    credentials: Credentials,
    endpoint: str,
    *,
    duration: Optional[int],
    timeout: float,
) -> str:
    """``Action=getSigninToken``: the session credentials for a sign-in token."""
    import http.client
    import urllib.error
    import urllib.request

    if not credentials.session_token:
        raise ConsoleRefusedError("the console needs session credentials, not long-term keys")
    session = json.dumps(
        {
            "sessionId": credentials.access_key_id,
            "sessionKey": credentials.secret_access_key,
            "sessionToken": credentials.session_token,
        },
        separators=(",", ":"),
    )
    query: dict[str, str] = {"Action": "getSigninToken"}
    if duration is not None:
        query["SessionDuration"] = str(duration)
    query["Session"] = session
    where = _endpoint_label(endpoint)
    request = urllib.request.Request(
        endpoint + ("&" if "?" in endpoint else "?") + urlencode(query),
        headers={"Accept": "application/json", "User-Agent": ISSUER},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(65536)
    except urllib.error.HTTPError as error:
        raise FederationError(
            f"the sign-in endpoint {where} refused the credentials (HTTP {error.code})"
        ) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", None) or error
        raise FederationError(
            f"cannot reach the sign-in endpoint {where}: {one_line(reason, replacement=' ')}"
        ) from None
    except (http.client.HTTPException, ValueError):
        # Their messages may quote the request line, which carries the session keys.
        raise FederationError(f"the sign-in endpoint {where} gave no usable answer") from None
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        data = None
    token = data.get("SigninToken") if isinstance(data, dict) else None
    if not isinstance(token, str) or not _TOKEN_CHARS.fullmatch(token):
        raise FederationError(f"the sign-in endpoint {where} answered without a valid token")
    return token


def login_url(endpoint: str, token: str, destination: str, issuer: str = ISSUER) -> str:
    """The ``Action=login`` URL: opening it signs the browser in and goes to ``destination``."""
    query = {
        "Action": "login",
        "Issuer": issuer,
        "Destination": destination,
        "SigninToken": token,
    }
    return endpoint + ("&" if "?" in endpoint else "?") + urlencode(query)


def signin_url(
    credentials: Credentials,
    destination: str,
    *,
    endpoint: str,
    chained: bool,
    region: Optional[str],
    timeout: float,
) -> str:
    """The console sign-in URL for these credentials (a secret: see the module docstring)."""
    duration: Optional[int]
    if not credentials.session_token:
        # Long-term IAM-user keys: getSigninToken takes session credentials only, and refuses
        # SessionDuration for federation tokens (they last as long as they were issued for).
        credentials = federation_token(credentials, region, timeout=timeout)
        duration = None
    else:
        duration = session_duration(credentials, chained=chained)
    token = signin_token(credentials, endpoint, duration=duration, timeout=timeout)
    return login_url(endpoint, token, destination)


def federation_token(
    credentials: Credentials, region: Optional[str], *, timeout: float
) -> Credentials:
    """Static IAM-user keys -> federated session credentials, or one line saying why not."""
    from asso.sso.oidc import _module, error_code

    session_module = _module("botocore.session")
    exceptions = _module("botocore.exceptions")
    parsers = _module("botocore.parsers")  # ResponseParserError is no BotoCoreError
    config = _module("botocore.config").Config(
        region_name=region or "us-east-1",
        connect_timeout=min(10.0, timeout),
        read_timeout=timeout,
        retries={"mode": "standard", "total_max_attempts": 2},
    )
    try:
        session = session_module.Session(session_vars={"profile": (None, None, None, None)})
        client = session.create_client(
            "sts",
            config=config,
            aws_access_key_id=credentials.access_key_id,
            aws_secret_access_key=credentials.secret_access_key,
        )
        answer: Any = client.get_federation_token(
            Name=FEDERATION_NAME, Policy=ALLOW_ALL_POLICY, DurationSeconds=MAX_SESSION
        )
    except exceptions.ClientError as error:
        code = error_code(error) or "an error"
        raise ConsoleRefusedError(
            "static keys sign in to the console through sts:GetFederationToken, which "
            f"answered {code}: use a role or an SSO profile instead"
        ) from None
    except parsers.ResponseParserError:
        # Its message quotes the body, which could hold keys: say less.
        raise FederationError("STS answered GetFederationToken with an unreadable answer") from None
    except exceptions.BotoCoreError as error:
        raise FederationError(
            f"cannot reach STS for a federation token: {one_line(error, replacement=' ')}"
        ) from None
    fed = answer.get("Credentials") if isinstance(answer, dict) else None
    fields = [fed.get(k) for k in _FEDERATION_FIELDS] if isinstance(fed, dict) else []
    if len(fields) != 3 or not all(isinstance(v, str) and v for v in fields):
        raise FederationError("STS answered GetFederationToken without credentials")
    expiry = fed.get("Expiration") if isinstance(fed, dict) else None
    timestamp = getattr(expiry, "timestamp", None)  # botocore parses it to a datetime
    expiration = float(timestamp()) if callable(timestamp) else time.time() + MIN_SESSION
    return Credentials(
        str(fields[0]), str(fields[1]), str(fields[2]), expiration, kind="federation"
    )
