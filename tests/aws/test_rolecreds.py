"""The role-credential cache reader and the credential_process JSON, without the json module."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from asso.aws import rolecreds
from asso.aws.rolecreds import Credentials
from asso.cli.credformat import process_json


@pytest.mark.parametrize(
    "text",
    [
        '{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIA", "Expiration": "x"}}',
        '  {"a": [1, 2.5, -3e2, true, false, null, "\\u00e9\\n"]}\n',
        "[]",
        '"s"',
    ],
)
def test_loads_agrees_with_json(text: str) -> None:
    assert rolecreds.loads(text) == json.loads(text)


@pytest.mark.parametrize("text", ["", "   ", "{", '{"a": 1} x', "{'a': 1}", '{"a": NaN'])
def test_loads_rejects_what_json_rejects(text: str) -> None:
    with pytest.raises((ValueError, StopIteration)):
        rolecreds.loads(text)


def test_process_json_is_the_clis_layout() -> None:
    creds = Credentials("ASIAEXAMPLE", "se+cr/et=", "to/ken+", 1_900_000_000.0, "sso")
    expected = {
        "Version": 1,
        "AccessKeyId": "ASIAEXAMPLE",
        "SecretAccessKey": "se+cr/et=",
        "SessionToken": "to/ken+",
        "Expiration": "2030-03-17T17:46:40+00:00",
    }
    assert process_json(creds) == json.dumps(expected, indent=2, separators=(",", ": ")) + "\n"
    static = Credentials("AKIAEXAMPLE", 'odd"\\value')
    assert json.loads(process_json(static)) == {
        "Version": 1,
        "AccessKeyId": "AKIAEXAMPLE",
        "SecretAccessKey": 'odd"\\value',
    }


def test_cache_files_that_are_links_or_malformed_are_not_used(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text('{"Credentials": {}}')
    link = tmp_path / "link.json"
    link.symlink_to(good)
    assert rolecreds.read_cached(str(good))[0] == {"Credentials": {}}
    data, problem = rolecreds.read_cached(str(link))
    assert data is None and problem
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert rolecreds.read_cached(str(bad))[0] is None
    assert rolecreds.read_cached(str(tmp_path / "missing.json")) == (None, None)
    # Keys with characters no AWS key has are never handed out (they may reach an eval).
    shady = {
        "Credentials": {
            "AccessKeyId": "ASIA$(touch x)",
            "SecretAccessKey": "s",
            "SessionToken": "t",
            "Expiration": "2099-01-01T00:00:00Z",
        }
    }
    assert rolecreds.from_cache(shady, "sso") is None
    assert os.path.exists(good)
