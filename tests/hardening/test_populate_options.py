"""Options that reach the config file are validated: populate --prefix/--template/--region."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from asso.aws import populate
from asso.errors import UsageError

HELPER = Path(sys.executable).parent / "asso"
CONFIG = """\
[sso-session corp]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = us-east-1
"""


@pytest.mark.parametrize(
    "template",
    [
        "{account_name:>300000000}",
        "{account_name:x<99999999999999999999}",
        "{role_name:.{account_id}}",
        "{account_name:{role_name}}",
        "x{account_name}\n[profile injected]",
        "{account_name}" * 100,
    ],
)
def test_unbounded_or_multiline_templates_are_refused(template: str) -> None:
    with pytest.raises(UsageError):
        populate.check_template(template)


def test_bounded_format_specs_still_work() -> None:
    populate.check_template("{account_name:.20}-{role_name:>5}")
    assert (
        populate.profile_name("{account_name:.4}-{role_name}", "", "1" * 12, "Production", "R", "s")
        == "Prod-R"
    )


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--prefix", "x\n[profile injected]\ncredential_process = evil\n#"),
        ("--prefix", "x\r[default]"),
        ("--prefix", "x\u2028y"),
        ("--template", "{account_name}\n[x]"),
        ("--template", "{account_name:>300000000}"),
        ("--region", "eu-west-1\ncredential_process = evil"),
        ("--region", "EU WEST"),
    ],
)
def test_populate_refuses_options_that_would_break_the_file(
    tmp_path: Path, option: str, value: str
) -> None:
    config = tmp_path / "config"
    config.write_text(CONFIG)
    env = {
        "HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "LC_ALL": "C.UTF-8",
        "AWS_CONFIG_FILE": str(config),
        "ASSO_CACHE_DIR": str(tmp_path / "cache"),
        "ASSO_STATE_DIR": str(tmp_path / "state"),
    }

    # Memory bounded: a template that allocated would fail loudly, not swap.
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    started = time.monotonic()
    proc = subprocess.run(
        [str(HELPER), "populate", option, value],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=limit,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert time.monotonic() - started < 30
    assert config.read_text() == CONFIG


def test_options_comment_edited_into_nonsense_falls_back_to_defaults(tmp_path: Path) -> None:
    text = (
        "# >>> asso populate: corp >>>\n"
        "# asso populate options: --template '{account_name:>300000000}' --region 'Bad Region'"
        " --prefix ok-\n"
        "# <<< asso populate: corp <<<\n"
    )
    options = populate.ConfigText("config", "corp", text.encode()).previous_options()
    assert options == {"prefix": "ok-"}
