"""The native sign-in flows with botocore's sso-oidc client: PKCE, device code, refresh."""

from __future__ import annotations

from asso import log
from asso.aws import tokens
from asso.errors import (
    InvalidClientError,
    NotLoggedInError,
)
from asso.sso import oidc
from asso.sso.browser import loopback_browser_possible, open_browser
from asso.sso.settings import LoginOptions, http_settings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, Optional

    from asso.sso.target import Target


def native_login(
    target: Target,
    options: LoginOptions,
    env: Mapping[str, str],
    deadline: oidc.Deadline,
    *,
    new_registration: bool = False,
) -> dict[str, Any]:
    """A new token by PKCE or device code, written to the cache; returns it."""
    session = target.session
    scopes = oidc.parse_scopes(session.scopes)
    use_pkce = session.name is not None and not options.use_device_code
    if use_pkce and not loopback_browser_possible(env):
        use_pkce = False
        if not options.quiet:
            log.info("asso: no local browser can complete a sign-in here: using a device code")
    client = oidc.create_client(
        "sso-oidc",
        session.region,
        http_settings(env),
        profile=target.sso_profile,
        deadline=deadline,
    )
    if use_pkce:
        response, registration = _pkce_flow(
            target, client, scopes, options, env, deadline, new_registration
        )
    else:
        response, registration = _device_flow(
            target, client, scopes, options, env, deadline, new_registration
        )
    token = oidc.make_token(session.start_url, session.region, response, registration)
    tokens.write_token(target.path, token)
    return token


def _registration(
    target: Target, client: Any, scopes: Optional[list[str]], *, auth_code: bool, force: bool
) -> dict[str, Any]:
    return oidc.registration_for(
        client,
        start_url=target.session.start_url,
        region=target.session.region,
        session_name=target.session.name,
        scopes=scopes,
        auth_code=auth_code,
        force=force,
    )


def _device_flow(
    target: Target,
    client: Any,
    scopes: Optional[list[str]],
    options: LoginOptions,
    env: Mapping[str, str],
    deadline: oidc.Deadline,
    new_registration: bool,
) -> tuple[dict[str, Any], dict[str, Any]]:
    registration = _registration(target, client, scopes, auth_code=False, force=new_registration)
    try:
        authorization = oidc.start_device_authorization(
            client, registration, target.session.start_url
        )
    except InvalidClientError:
        # Expired or deleted on the server before its time: register again, once.
        registration = _registration(target, client, scopes, auth_code=False, force=True)
        authorization = oidc.start_device_authorization(
            client, registration, target.session.start_url
        )

    def show() -> None:
        auth = authorization
        opened = False
        if not options.no_browser:
            log.info(
                "Attempting to automatically open the SSO authorization page in your default "
                "browser.\nIf the browser does not open or you wish to use a different device "
                "to authorize this request, open the following URL:\n\n"
                f"{auth.verification_uri}\n\nThen enter the code:\n\n{auth.user_code}\n"
            )
            opened = open_browser(auth.verification_uri_complete, env)
            if not opened:
                log.info("(No browser could be started here: open the URL on any device.)\n")
        else:
            log.info(
                "Browser will not be automatically opened.\nPlease visit the following URL:\n\n"
                f"{auth.verification_uri}\n\nThen enter the code:\n\n{auth.user_code}\n\n"
                "Alternatively, you may visit the following URL which will autofill the code "
                f"upon loading:\n{auth.verification_uri_complete}\n"
            )

    response = oidc.poll_device_token(
        client, registration, authorization, deadline, on_pending=show
    )
    return response, registration


def _pkce_flow(
    target: Target,
    client: Any,
    scopes: Optional[list[str]],
    options: LoginOptions,
    env: Mapping[str, str],
    deadline: oidc.Deadline,
    new_registration: bool,
) -> tuple[dict[str, Any], dict[str, Any]]:
    import uuid

    registration = _registration(target, client, scopes, auth_code=True, force=new_registration)
    verifier, challenge = oidc.pkce_pair()
    state = str(uuid.uuid4())
    with oidc.CallbackServer() as server:
        redirect_uri = server.redirect_uri
        url = oidc.authorization_url(
            oidc.endpoint_of(client),
            client_id=registration["clientId"],
            redirect_uri=redirect_uri,
            state=state,
            challenge=challenge,
            scopes=scopes,
        )
        if options.no_browser:
            log.info(
                "Browser will not be automatically opened.\n"
                f"Please visit the following URL:\n\n{url}\n"
            )
        else:
            log.info(
                "Attempting to automatically open the SSO authorization page in your default "
                "browser.\nIf the browser does not open, open the following URL on this "
                f"machine:\n\n{url}\n"
            )
            if not open_browser(url, env):
                log.info(
                    "(No browser could be started: open the URL yourself, "
                    "or use --use-device-code.)\n"
                )
        code = server.wait(deadline, state)
    response = oidc.exchange_code(client, registration, code, verifier, redirect_uri)
    return response, registration


def refresh(target: Target, env: Mapping[str, str], deadline: oidc.Deadline) -> Optional[float]:
    """Refresh the token with its refresh token, as botocore does; returns the new expiry."""
    data, _ = tokens.read_token(target.path)
    if data is None:
        raise NotLoggedInError(f"no token for {target.label}")
    session = target.session
    client = oidc.create_client(
        "sso-oidc",
        session.region,
        http_settings(env),
        profile=target.sso_profile,
        deadline=deadline,
    )
    response = oidc.refresh_token(client, data)
    registration = {
        "clientId": data["clientId"],
        "clientSecret": data["clientSecret"],
        "expiresAt": data.get("registrationExpiresAt"),
    }
    token = oidc.make_token(session.start_url, session.region, response, registration)
    if "refreshToken" not in token and isinstance(data.get("refreshToken"), str):
        token["refreshToken"] = data["refreshToken"]  # not rotated: the old one still serves
    tokens.write_token(target.path, token)
    return tokens.parse_time(token["expiresAt"])
