"""The emulator's route registry: a service in its own mixin extends the emulator."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from asso.emulator.idc import IdentityCenterEmulator
from asso.emulator.wire import ApiError, Request, Response, form_action, json_bytes, route


def _xml_error(error: ApiError) -> Response:
    body = f"<ErrorResponse><Error><Code>{error.error_type}</Code></Error></ErrorResponse>"
    return Response(error.status, body.encode(), content_type="text/xml")


class _EchoService(IdentityCenterEmulator):
    """A query-protocol service sharing ``POST /`` with nothing else, as STS would."""

    @route("POST", "/", "Echo", body="form", when=form_action("Echo"), errors=_xml_error)
    def _op_echo(self, request: Request) -> Response:
        if "Fail" in request.body:
            raise ApiError("ValidationError", "asked to fail")
        return Response(200, json_bytes({"said": request.body.get("Text", "")}))


def _post(url: str, data: bytes) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=data, method="POST")
    req.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(req, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_a_mixin_route_is_served_logged_and_uses_its_error_style() -> None:
    with _EchoService() as emu:
        status, body = _post(emu.url + "/", b"Action=Echo&Text=hi%20there")
        assert (status, json.loads(body)) == (200, {"said": "hi there"})
        status, body = _post(emu.url + "/", b"Action=Echo&Fail=1")
        assert status == 400 and b"<Code>ValidationError</Code>" in body
        # Another Action on the same path is not this route: the path is known, so 405.
        status, _ = _post(emu.url + "/", b"Action=Other")
        assert status == 405
        assert emu.operations() == ["Echo", "Echo", "Unknown"]
        emu.inject("Echo", status=503)
        assert _post(emu.url + "/", b"Action=Echo")[0] == 503


def test_the_stock_routes_still_answer_in_the_subclass() -> None:
    with _EchoService() as emu, urllib.request.urlopen(emu.url + "/", timeout=30) as answer:
        assert json.loads(answer.read())["url"] == emu.url
