"""asso.aws.regions: the region names botocore ships, read without importing botocore."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from asso.aws.regions import check_region, known_regions
from asso.errors import ExitCode, UsageError


def test_known_regions_are_botocore_s_own() -> None:
    from botocore.loaders import create_loader

    loader = create_loader()
    try:
        partitions = loader.load_data("partitions")["partitions"]
        reference = [name for p in partitions for name in p.get("regions", {})]
    except Exception:  # an older botocore: endpoints.json only
        partitions = loader.load_data("endpoints")["partitions"]
        reference = [name for p in partitions for name in p.get("regions", {})]
    names = known_regions()
    assert names == list(dict.fromkeys(reference))  # botocore's order, each once
    assert len(names) == len(set(names))
    for region in ("us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1"):
        assert region in names  # every partition, not only aws


def test_botocore_is_not_imported() -> None:
    code = (
        "import json, sys\n"
        "from asso.aws.regions import known_regions\n"
        "names = known_regions()\n"
        "print(json.dumps([len(names), sorted(m for m in sys.modules if m.startswith(('botocore', 'boto3')))]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    count, loaded = json.loads(result.stdout)
    assert count > 20
    assert loaded == []


@pytest.mark.parametrize("name", ["us-east-1", "eu-west-1", "cn-northwest-1"])
def test_a_known_region_passes_silently(name: str) -> None:
    assert check_region(name) is None


@pytest.mark.parametrize("name", ["xx-future-9", "mars-north-1", "eu-west-99", "local"])
def test_a_newer_looking_region_warns_and_names_it(name: str) -> None:
    warning = check_region(name)
    assert warning is not None
    assert repr(name) in warning and "not known" in warning


@pytest.mark.parametrize(
    "name",
    [
        "",
        "EU-WEST-1",
        "eu west 1",
        "eu-west-1 ",
        "eu-west-1\n",
        "eu--west-1",
        "-eu-west-1",
        "eu-west-1-",
        "eu_west_1",
        "$(touch x)",
        "it's",
        '"eu-west-1"',
        "eu-west-1%",
        "%F{red}",
        "日本-1",
        "eu-west-1/../x",
    ],
)
def test_anything_else_is_a_usage_error(name: str) -> None:
    with pytest.raises(UsageError) as raised:
        check_region(name)
    assert raised.value.exit_code == ExitCode.USAGE
    assert repr(name) in str(raised.value)
