"""Emulator wire layer: requests, responses, API errors, and the route registry services extend.

A service is a mixin class (see ``oidc.py``, ``portal.py``) whose handler methods carry a
:func:`route` decorator; :class:`asso.emulator.core.EmulatorCore` collects the routes of every
class in its MRO. Adding a service (say STS) is one module with one mixin plus one base class
in ``service.py``::

    class StsService(PortalService):
        @route("POST", "/", "AssumeRole", body="form", when=form_action("AssumeRole"),
               errors=my_xml_error)
        def _op_assume_role(self, request: Request) -> Response: ...
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Callable, Literal, Optional, TypeVar
from urllib.parse import parse_qs

__all__ = [
    "REDACTED",
    "ApiError",
    "Request",
    "Response",
    "Route",
    "form_action",
    "html_page",
    "json_bytes",
    "message_error",
    "oidc_error",
    "redact_mapping",
    "route",
]

REDACTED = "<redacted>"
#: Request body / query keys whose values never reach the request log (services may add).
SECRET_KEYS: set[str] = {
    "accessToken",
    "refreshToken",
    "clientSecret",
    "codeVerifier",
    "deviceCode",
    "code",
}
#: Request headers (lower-case) whose values never reach the request log.
SECRET_HEADERS: set[str] = {"x-amz-sso_bearer_token", "authorization", "cookie"}

#: HTTP status of each error type, as in botocore's service models (and ForbiddenException,
#: which the portal really sends for GetRoleCredentials without access but is not modelled).
ERROR_STATUS: dict[str, int] = {
    "AccessDeniedException": 400,
    "AuthorizationPendingException": 400,
    "ExpiredTokenException": 400,
    "InternalServerException": 500,
    "InvalidClientException": 401,
    "InvalidClientMetadataException": 400,
    "InvalidGrantException": 400,
    "InvalidRedirectUriException": 400,
    "InvalidRequestException": 400,
    "InvalidScopeException": 400,
    "SlowDownException": 400,
    "UnauthorizedClientException": 400,
    "UnsupportedGrantTypeException": 400,
    "UnauthorizedException": 401,
    "ForbiddenException": 403,
    "ResourceNotFoundException": 404,
    "TooManyRequestsException": 429,
    "UnknownOperationException": 404,
    "MethodNotAllowedException": 405,
}

BodyKind = Literal["json", "form", "raw"]


@dataclass
class Request:
    """One parsed request. ``body`` is the JSON object or form fields (per the route)."""

    method: str
    path: str
    query: dict[str, str]
    headers: Mapping[str, str]
    raw_body: bytes
    body: dict[str, Any] = field(default_factory=dict)

    def form(self) -> dict[str, str]:
        """The body as ``application/x-www-form-urlencoded`` fields (first value of each)."""
        try:
            text = self.raw_body.decode("utf-8")
        except UnicodeDecodeError:
            return {}
        return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: list[tuple[str, str]] = field(default_factory=list)


class ApiError(Exception):
    """An error answer; the route's ``errors`` function turns it into a body."""

    def __init__(
        self,
        error_type: str,
        message: str,
        *,
        status: Optional[int] = None,
        extra: Optional[Mapping[str, Any]] = None,
    ) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.status = status if status is not None else ERROR_STATUS.get(error_type, 400)
        self.extra = dict(extra or {})


ErrorStyle = Callable[[ApiError], Response]


def json_bytes(data: Mapping[str, Any]) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode("utf-8")


def _snake_error(error_type: str) -> str:
    if error_type == "InternalServerException":
        return "server_error"
    name = error_type[: -len("Exception")] if error_type.endswith("Exception") else error_type
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _typed(error: ApiError, body: dict[str, Any]) -> Response:
    body.update(error.extra)
    return Response(
        status=error.status,
        body=json_bytes(body),
        headers=[("x-amzn-ErrorType", error.error_type)],
    )


def oidc_error(error: ApiError) -> Response:
    """sso-oidc errors carry ``error`` and ``error_description`` (OAuth style)."""
    return _typed(
        error, {"error": _snake_error(error.error_type), "error_description": error.message}
    )


def message_error(error: ApiError) -> Response:
    """Portal (and unrouted) errors carry ``message``."""
    return _typed(error, {"message": error.message})


def redact_mapping(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (REDACTED if k in SECRET_KEYS and v is not None else v) for k, v in data.items()}


def html_page(title: str, message: str) -> bytes:
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></body></html>"
    ).encode()


Handler = Callable[[Any, Request], Response]
_H = TypeVar("_H", bound=Handler)


@dataclass(frozen=True)
class Route:
    """``method path`` answered by ``handler`` as ``operation`` (the name faults and logs use).

    ``when`` narrows a shared path (e.g. by a query key or a form ``Action``); routes with a
    ``when`` are tried before plain ones. ``body`` says how the request body is parsed.
    """

    method: str
    path: str
    operation: str
    handler: Handler
    errors: ErrorStyle = message_error
    body: BodyKind = "json"
    when: Optional[Callable[[Request], bool]] = None


_ROUTE_ATTR = "__emulator_route__"


def route(
    method: str,
    path: str,
    operation: str,
    *,
    errors: ErrorStyle = message_error,
    body: BodyKind = "json",
    when: Optional[Callable[[Request], bool]] = None,
) -> Callable[[_H], _H]:
    """Mark a service method ``(self, request) -> Response`` as the handler of a route."""

    def mark(handler: _H) -> _H:
        setattr(handler, _ROUTE_ATTR, Route(method, path, operation, handler, errors, body, when))
        return handler

    return mark


def routes_of(cls: type) -> list[Route]:
    """Every route declared on ``cls`` and its bases (subclasses override by method name)."""
    found: dict[str, Route] = {}
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            marked = getattr(value, _ROUTE_ATTR, None)
            if isinstance(marked, Route):
                found[name] = marked
    routes = list(found.values())
    routes.sort(key=lambda r: r.when is None)  # narrowed routes first; stable otherwise
    return routes


def form_action(action: str) -> Callable[[Request], bool]:
    """A ``when`` for query-protocol services: the form (or query) field ``Action``."""

    def matches(request: Request) -> bool:
        return (request.query.get("Action") or request.form().get("Action")) == action

    return matches
