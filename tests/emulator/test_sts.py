"""The emulator's STS: real boto3 clients through AWS_ENDPOINT_URL_STS, query API, XML."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import botocore.exceptions
import pytest

from asso.emulator.idc import IdentityCenterEmulator


@pytest.fixture
def sts(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[IdentityCenterEmulator, object]]:
    with IdentityCenterEmulator() as emu:
        client = boto3.client(
            "sts",
            region_name="us-east-1",
            endpoint_url=emu.env()["AWS_ENDPOINT_URL_STS"],
            aws_access_key_id="AKIACALLERCALLER0000",
            aws_secret_access_key="secret",
        )
        yield emu, client


def test_assume_role_answers_credentials_and_records_the_caller(sts: tuple) -> None:  # type: ignore[type-arg]
    emu, client = sts
    answer = client.assume_role(
        RoleArn="arn:aws:iam::999988887777:role/team/Deployer", RoleSessionName="me@example"
    )
    creds = answer["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and creds["SessionToken"]
    assert answer["AssumedRoleUser"]["Arn"] == (
        "arn:aws:sts::999988887777:assumed-role/Deployer/me@example"
    )
    (record,) = emu.assumed_roles
    assert record["caller"] == "AKIACALLERCALLER0000"
    who = boto3.client(
        "sts",
        region_name="us-east-1",
        endpoint_url=emu.url,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    ).get_caller_identity()
    assert who["Account"] == "999988887777"
    # The MFA code never reaches the request log.
    client.assume_role(
        RoleArn="arn:aws:iam::999988887777:role/X",
        RoleSessionName="s1",
        SerialNumber="arn:aws:iam::1:mfa/me",
        TokenCode="123456",
    )
    assert "123456" not in repr(emu.requests)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        (
            {"RoleArn": "arn:aws:iam::999988887777:user/NotARole", "RoleSessionName": "s1"},
            "ValidationError",
        ),
        (
            {"RoleArn": "arn:aws:iam::999988887777:role/X", "RoleSessionName": "a b"},
            "ValidationError",
        ),
        (
            {
                "RoleArn": "arn:aws:iam::999988887777:role/X",
                "RoleSessionName": "s1",
                "SerialNumber": "arn:aws:iam::1:mfa/me",
            },
            "AccessDenied",
        ),
    ],
)
def test_bad_assume_role_requests_get_sts_errors(sts: tuple, params: dict, code: str) -> None:  # type: ignore[type-arg]
    _, client = sts
    with pytest.raises(botocore.exceptions.ClientError) as failure:
        client.assume_role(**params)
    assert failure.value.response["Error"]["Code"] == code
