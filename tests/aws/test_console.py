"""asso.aws.console: partitions, service pages, destinations and portal links (no network)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from asso.aws.console import (
    PARTITIONS,
    SERVICES,
    check_destination,
    federation_url,
    home_url,
    partition_of,
    portal_url,
    service_url,
)
from asso.errors import ExitCode, UsageError

AWS = PARTITIONS["aws"]


def test_the_issue_short_names_are_all_there() -> None:
    wanted = [
        "s3",
        "ec2",
        "iam",
        "lambda",
        "cloudwatch",
        "logs",
        "cloudformation",
        "dynamodb",
        "rds",
        "ecs",
        "eks",
        "sqs",
        "sns",
        "kms",
        "secretsmanager",
        "ssm",
        "billing",
    ]
    assert set(wanted) <= set(SERVICES)
    assert all(name == name.lower() and name.isalnum() for name in SERVICES)


@pytest.mark.parametrize(
    ("region", "partition", "federation"),
    [
        ("eu-west-1", "aws", "https://signin.aws.amazon.com/federation"),
        (None, "aws", "https://signin.aws.amazon.com/federation"),
        ("cn-north-1", "aws-cn", "https://signin.amazonaws.cn/federation"),
        ("us-gov-west-1", "aws-us-gov", "https://signin.amazonaws-us-gov.com/federation"),
    ],
)
def test_the_partition_follows_the_region(
    region: str | None, partition: str, federation: str
) -> None:
    found = partition_of(region)
    assert found.name == partition
    assert federation_url(found, {}) == federation
    # ASSO_FEDERATION_URL overrides every partition's (the emulator, tests).
    assert federation_url(found, {"ASSO_FEDERATION_URL": "http://127.0.0.1:9/f"}) == (
        "http://127.0.0.1:9/f"
    )


def test_regional_and_global_service_pages() -> None:
    assert service_url("ec2", "eu-west-1", AWS) == (
        "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1"
    )
    assert service_url("S3", "us-east-2", AWS).startswith("https://us-east-2.console.aws.amazon")
    # A global service ignores the region; without a region the console picks one.
    assert service_url("iam", "eu-west-1", AWS) == "https://console.aws.amazon.com/iam/home"
    assert service_url("lambda", None, AWS) == "https://console.aws.amazon.com/lambda/home"
    assert service_url("logs", "eu-west-1", AWS).endswith("#logsV2:log-groups")
    cn = partition_of("cn-north-1")
    assert service_url("ec2", "cn-north-1", cn) == (
        "https://console.amazonaws.cn/ec2/home?region=cn-north-1"
    )
    gov = partition_of("us-gov-west-1")
    assert home_url("us-gov-west-1", gov).startswith("https://console.amazonaws-us-gov.com/")


def test_every_service_url_is_a_destination_of_its_partition() -> None:
    for partition in PARTITIONS.values():
        region = {"aws": "eu-west-1", "aws-cn": "cn-north-1"}.get(partition.name, "us-gov-east-1")
        for name in SERVICES:
            url = service_url(name, region, partition)
            assert check_destination(url, partition) == url


def test_an_unknown_service_is_a_usage_error_with_close_names() -> None:
    with pytest.raises(UsageError, match="did you mean: lambda") as caught:
        service_url("lamda", "eu-west-1", AWS)
    assert caught.value.exit_code == ExitCode.USAGE


@pytest.mark.parametrize(
    "url",
    [
        "https://console.aws.amazon.com/ec2/home",
        "https://eu-west-1.console.aws.amazon.com/s3/buckets/x?region=eu-west-1&tab=objects",
        "https://s3.console.aws.amazon.com/s3/home",
    ],
)
def test_console_urls_are_accepted(url: str) -> None:
    assert check_destination(url, AWS) == url


@pytest.mark.parametrize(
    "url",
    [
        "http://console.aws.amazon.com/",  # not https
        "https://evil.example.com/",
        "https://console.aws.amazon.com.evil.example.com/",
        "https://evilconsole.aws.amazon.com/",
        "https://user@console.aws.amazon.com/",
        "https://console.aws.amazon.com:8443/",
        "https://console.amazonaws.cn/",  # another partition's
        "https://console.aws.amazon.com/ec2 home",
        "https://console.aws.amazon.com/\nx",
        "javascript:alert(1)//console.aws.amazon.com",
        "",
    ],
)
def test_other_urls_are_refused(url: str) -> None:
    with pytest.raises(UsageError):
        check_destination(url, AWS)


def test_portal_link_with_and_without_a_destination() -> None:
    start = "https://d-1234567890.awsapps.com/start/"
    assert portal_url(start, "222222222222", "ReadOnlyAccess") == (
        "https://d-1234567890.awsapps.com/start/#/console?account_id=222222222222"
        "&role_name=ReadOnlyAccess"
    )
    destination = "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#x"
    url = portal_url(start.rstrip("/"), "222222222222", "Role Name+&", destination)
    fragment = urlsplit(url).fragment
    assert fragment.startswith("/console?")
    query = parse_qs(fragment.split("?", 1)[1])
    assert query == {
        "account_id": ["222222222222"],
        "role_name": ["Role Name+&"],
        "destination": [destination],
    }


@pytest.mark.parametrize(
    "override",
    [
        "http://signin.example.com/federation",  # the keys in clear over the network
        "ftp://127.0.0.1/federation",
        "notaurl",
        "https://127.0.0.1/federation?Action=login",
        "https://user@signin.example.com/federation",
        "https://[::1/federation",
    ],
)
def test_a_federation_override_must_be_safe_to_send_keys_to(override: str) -> None:
    with pytest.raises(UsageError, match="ASSO_FEDERATION_URL"):
        federation_url(AWS, {"ASSO_FEDERATION_URL": override})


def test_federation_overrides_that_are_accepted() -> None:
    for override in ("http://127.0.0.1:8080/federation", "https://signin.example.com/f"):
        assert federation_url(AWS, {"ASSO_FEDERATION_URL": override}) == override
