"""asso.validate: the checks every server value and file-bound option passes."""

from __future__ import annotations

from typing import Any

import pytest

from asso import validate
from asso.errors import InvalidValueError


@pytest.mark.parametrize("value", ["123456789012", "000000000000"])
def test_account_ids(value: str) -> None:
    assert validate.account_id(value) == value


@pytest.mark.parametrize(
    "value", ["12345678901", "1234567890123", "12345678901a", 123456789012, None, "١٢٣٤٥٦٧٨٩٠١٢"]
)
def test_bad_account_ids(value: Any) -> None:
    with pytest.raises(InvalidValueError):
        validate.account_id(value)


@pytest.mark.parametrize("value", ["Admin", "a+b=c,d.e@f_g-h", "x" * 64])
def test_role_names(value: str) -> None:
    assert validate.role_name(value) == value


@pytest.mark.parametrize(
    "value", ["", "x" * 65, "a b", "a/b", "a\nb", "é", 5, None, ["Admin"], "a]"]
)
def test_bad_role_names(value: Any) -> None:
    with pytest.raises(InvalidValueError):
        validate.role_name(value)


@pytest.mark.parametrize(
    "value",
    [
        "https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD",
        "http://127.0.0.1:8080/x",
        "http://localhost/",
        "http://[::1]:9/",
    ],
)
def test_urls(value: str) -> None:
    assert validate.url(value) == value


@pytest.mark.parametrize(
    "value",
    [
        "http://example.com/",
        "http://127.0.0.1.evil.com/",
        "-https://a",
        "--new-window=https://a",
        "https://a b",
        "https://a\n",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "https://",
        "https://a:port/",
        "x" * 3000,
        17,
        None,
    ],
)
def test_bad_urls(value: Any) -> None:
    with pytest.raises(InvalidValueError):
        validate.url(value)


@pytest.mark.parametrize("value", [0, -1, 90 * 86400 + 1, 10**30, True, 1.5, "60", None])
def test_seconds_out_of_range(value: Any) -> None:
    with pytest.raises(InvalidValueError):
        validate.seconds(value, "expiresIn", validate.TOKEN_LIFETIME)


@pytest.mark.parametrize("value", ["", "a b", "tok\r\nX-Injected: 1", "é", 5, "x" * 70000])
def test_bad_secrets_and_no_value_in_message(value: Any) -> None:
    with pytest.raises(InvalidValueError) as raised:
        validate.secret(value, "the access token")
    if isinstance(value, str) and value:
        assert value not in str(raised.value)
