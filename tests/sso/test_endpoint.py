"""asso.sso.endpoint in-process: when the served credentials are fetched again."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest

from asso.aws.rolecreds import REUSE_MARGIN, Credentials
from asso.errors import NotLoggedInError
from asso.sso.endpoint import Endpoint, Supplier


def test_credentials_are_fetched_again_inside_the_margin() -> None:
    fetched: list[Credentials] = []

    def fetch() -> Credentials:
        left = REUSE_MARGIN + 5 if not fetched else 3600
        creds = Credentials(f"ASIA{len(fetched):016d}", "secret", "token", time.time() + left)
        fetched.append(creds)
        return creds

    supplier = Supplier(fetch)
    assert supplier.get().access_key_id.endswith("0")
    due = supplier.next_refresh()
    assert due is not None and 0 < due <= 6
    endpoint = Endpoint(supplier).start()
    try:
        deadline = time.monotonic() + 60
        while len(fetched) < 2:  # the refresher fetches once the margin is reached
            assert time.monotonic() < deadline
            time.sleep(0.1)
        request = urllib.request.Request(endpoint.url, headers={"Authorization": endpoint.token})
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert json.loads(answer.read())["AccessKeyId"] == fetched[1].access_key_id
        assert len(fetched) == 2
    finally:
        endpoint.close()


def test_a_failing_fetch_is_a_503_without_keys() -> None:
    def fetch() -> Credentials:
        raise NotLoggedInError("not logged in")

    endpoint = Endpoint(Supplier(fetch)).start()
    try:
        request = urllib.request.Request(endpoint.url, headers={"Authorization": endpoint.token})
        with pytest.raises(urllib.error.HTTPError) as failure:
            urllib.request.urlopen(request, timeout=10)
        assert failure.value.code == 503
    finally:
        endpoint.close()
