"""Credentials as text: the AWS CLI's ``configure export-credentials`` formats, plus dotenv.

Same variable names and layouts as the CLI (``AWS_CREDENTIAL_EXPIRATION`` included); ``process``
is the ``credential_process`` JSON (``Version: 1``). Values are safe unquoted: asso.aws.rolecreds
accepts only base64 and alphanumeric keys.
"""

from __future__ import annotations

import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

    from asso.aws.rolecreds import Credentials

# name -> per-line template (None: the JSON of credential_process)
_LINE_FORMATS: dict[str, Optional[str]] = {
    "process": None,
    "env": "export {name}={value}",
    "env-no-export": "{name}={value}",
    "fish": 'set -gx {name} "{value}"',
    "powershell": '$Env:{name}="{value}"',
    "windows-cmd": "set {name}={value}",
    "dotenv": "{name}={value}",
}
FORMATS = tuple(_LINE_FORMATS)
DEFAULT_FORMAT = "process"  # as the CLI's

KEY_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
)


def iso_expiration(epoch: float) -> str:
    """As the CLI prints it: ``datetime.isoformat()`` of a UTC time, ``+00:00``."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(int(epoch)))


def variables(creds: Credentials) -> list[tuple[str, str]]:
    """The environment variables of ``creds``, in the CLI's order."""
    pairs = [
        ("AWS_ACCESS_KEY_ID", creds.access_key_id),
        ("AWS_SECRET_ACCESS_KEY", creds.secret_access_key),
    ]
    if creds.session_token is not None:
        pairs.append(("AWS_SESSION_TOKEN", creds.session_token))
    if creds.expiration is not None:
        pairs.append(("AWS_CREDENTIAL_EXPIRATION", iso_expiration(creds.expiration)))
    return pairs


def process_json(creds: Credentials) -> str:
    """``json.dumps(..., indent=2, separators=(",", ": "))`` as the CLI prints it, by hand:
    importing json costs a cached ``credential-process`` a third of its time."""
    fields = [
        ("AccessKeyId", creds.access_key_id),
        ("SecretAccessKey", creds.secret_access_key),
    ]
    if creds.session_token is not None:
        fields.append(("SessionToken", creds.session_token))
    if creds.expiration is not None:
        fields.append(("Expiration", iso_expiration(creds.expiration)))
    lines = ['  "Version": 1'] + [f'  "{name}": {_string(value)}' for name, value in fields]
    return "{\n" + ",\n".join(lines) + "\n}\n"


_PLAIN = frozenset(chr(c) for c in range(0x20, 0x7F)) - {'"', "\\"}


def _string(value: str) -> str:
    if _PLAIN.issuperset(value):
        return '"' + value + '"'
    import json

    return json.dumps(value)


def render(creds: Credentials, fmt: str, region: Optional[str] = None) -> str:
    """``creds`` in ``fmt``; dotenv (for ``docker --env-file``) also carries the region."""
    template = _LINE_FORMATS[fmt]
    if template is None:
        return process_json(creds)
    pairs = variables(creds)
    if fmt == "dotenv" and region:
        pairs += [("AWS_REGION", region), ("AWS_DEFAULT_REGION", region)]
    return lines(pairs, fmt)


def lines(pairs: list[tuple[str, str]], fmt: str) -> str:
    """Variable assignments in a per-line format (every format but ``process``)."""
    template = _LINE_FORMATS[fmt]
    if template is None:
        raise ValueError(f"{fmt} is not a per-line format")
    return "".join(template.format(name=name, value=value) + "\n" for name, value in pairs)
