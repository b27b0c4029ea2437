"""asp by alias, unique prefix or substring: the helper decides, the shell exports the real name."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from asso.aws.config import AwsConfig
from asso.aws.names import load_aliases, resolve_name
from asso.errors import (
    AliasTargetError,
    AmbiguousProfileError,
    ConfigError,
    ExitCode,
    ProfileNotFoundError,
)
from asso.shell.state import canonical_out, rekey, state_file_name

from ..conftest import HELPER, AwsHome
from ..support.forks import counting_helper
from ..support.samples import (
    DEV,
    PROD_ADMIN,
    PROD_READONLY,
    SAND_BOX,
    STAGING,
    config,
    session,
    sso_profile,
)
from .conftest import run

CONFIG = config(
    session(),
    PROD_ADMIN,
    PROD_READONLY,
    STAGING,
    DEV,
    sso_profile("developer", "444455556666", "PowerUser"),
    SAND_BOX,
    sso_profile("Ünïcode-dev", "888899990000", "Dev"),
)

ALIASES = """\
# asso aliases: alias = profile
prod = prod-admin
  my box	=  sand box
prød = Ünïcode-dev
; an alias named like a profile never wins over the profile
staging = prod-admin
stag = prod-readonly
gone = no-such-profile
"""

SEP = "\x1f"
SHOW = 'printf "%s|%s|%s|%s\\n" "${AWS_PROFILE-unset}" "${AWS_DEFAULT_PROFILE-unset}" "$ASSO_PROFILE" "$ASSO_PROMPT"'


@pytest.fixture
def home(aws_home: AwsHome) -> AwsHome:
    aws_home.write_config(CONFIG)
    aws_home.write_token("corp", expires_in=3 * 3600 + 5 * 60 + 30)
    aliases = aws_home.root / "asso-config" / "aliases"
    aliases.parent.mkdir(parents=True)
    aliases.write_text(ALIASES, encoding="utf-8")
    return aws_home


def aliases_file(home: AwsHome) -> Path:
    return home.root / "asso-config" / "aliases"


def hook(shell: str) -> str:
    return "_asso_precmd" if shell == "zsh" else "_asso_prompt_command"


# ---------------------------------------------------------------------------------------------
# The rules, in Python


def config_of(*names: str) -> AwsConfig:
    return AwsConfig("/x/config", "/x/credentials", {n: {} for n in names}, {}, [])


def test_resolution_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSO_CONFIG_DIR", str(tmp_path))
    (tmp_path / "aliases").write_text("p = prod-admin\ndev = prod-admin\nx = ghost\n")
    config = config_of("prod-admin", "prod-ro", "dev", "developer", "Sand Box", "ops")
    assert resolve_name(config, "dev") == "dev"  # exact beats alias and prefix
    assert resolve_name(config, "p") == "prod-admin"  # alias beats prefix
    assert resolve_name(config, "prod-r") == "prod-ro"  # unique prefix
    assert resolve_name(config, "devel") == "developer"
    assert resolve_name(config, "box") == "Sand Box"  # unique substring, any case
    assert resolve_name(config, "SAND B") == "Sand Box"
    assert resolve_name(config, "-ro") == "prod-ro"
    with pytest.raises(AmbiguousProfileError) as info:
        resolve_name(config, "prod")
    assert str(info.value) == "'prod' matches 2 profiles: prod-admin, prod-ro"
    assert info.value.exit_code == 8
    with pytest.raises(AmbiguousProfileError):
        resolve_name(config, "r")  # no name starts with it, several contain it
    with pytest.raises(ProfileNotFoundError):
        resolve_name(config, "nothing")
    with pytest.raises(AliasTargetError) as alias_info:
        resolve_name(config, "x")
    assert alias_info.value.exit_code == 4 and "'ghost'" in str(alias_info.value)


def test_a_prefix_beats_substrings_elsewhere() -> None:
    # "ad" starts only "admin" but is inside "prod-admin" too: the prefix decides.
    assert resolve_name(config_of("admin", "prod-admin"), "ad") == "admin"


def test_ambiguity_lists_a_bounded_number_of_candidates() -> None:
    config = config_of(*(f"acct-{i:02d}" for i in range(20)))
    with pytest.raises(AmbiguousProfileError) as info:
        resolve_name(config, "acct")
    message = str(info.value)
    assert message.startswith("'acct' matches 20 profiles: acct-00, acct-01,")
    assert message.endswith(", ... (12 more)")
    assert "\n" not in message


def test_aliases_file_format(tmp_path: Path) -> None:
    path = tmp_path / "aliases"
    assert load_aliases(str(path)) == {}  # no file, no aliases
    path.write_bytes(
        "\ufeff# comment\n\n ; another\r\na=b\r\n  c d  =\t e f # not a comment \nx = 1\nx = 2\n"
        "ü = ö=ä\n".encode()
    )
    assert load_aliases(str(path)) == {
        "a": "b",
        "c d": "e f # not a comment",
        "x": "2",
        "ü": "ö=ä",
    }
    for bad in ("just words\n", "= profile\n", "alias =\n"):
        path.write_text("ok = fine\n" + bad)
        with pytest.raises(ConfigError, match=r"line 2: expected 'alias = profile'"):
            load_aliases(str(path))
    path.write_bytes(b"a = caf\xe9\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_aliases(str(path))


def test_state_file_names_agree_with_the_shells(aws_home: AwsHome) -> None:
    names = ["prod-admin", "a.b_c-9", "sand box", "Ünïcode", "x" * 100, "x" * 101, "", "a/b"]
    for shell in ("zsh", "bash"):
        script = "\n".join(
            f"_asso_state_path {_quote(n)}; printf '%s\\n' \"${{REPLY##*/}}\"" for n in names
        )
        result = run(shell, script, aws_home.env)
        assert result.stdout.splitlines() == [state_file_name(shell, n) for n in names]
    assert canonical_out("/s/prompt/zsh-prod", "zsh", "prod", "prod-admin") == (
        "/s/prompt/zsh-prod-admin"
    )
    assert canonical_out("/s/other-file", "zsh", "prod", "prod-admin") == "/s/other-file"
    assert rekey(f"prod{SEP}prod{SEP}rest", "prod", "prod-admin") == (
        f"prod-admin{SEP}prod-admin{SEP}rest"
    )
    assert rekey("unrelated", "prod", "prod-admin") == "unrelated"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


# ---------------------------------------------------------------------------------------------
# In the shells


def test_alias_prefix_and_substring_export_the_real_name(shell: str, home: AwsHome) -> None:
    script = f"""
asp prod; echo "rc=$?"; {SHOW}
asp prod-r; echo "rc=$?"; {SHOW}
asp READON; echo "rc=$?"; {SHOW}
asp staging; echo "rc=$?"; {SHOW}
asp stag; echo "rc=$?"; {SHOW}
asp dev; echo "rc=$?"; {SHOW}
asp devel; echo "rc=$?"; {SHOW}
asp -; echo "rc=$?"; {SHOW}
"""
    result = run(shell, script, home.env)
    assert result.stderr == ""
    out = result.stdout.splitlines()
    got = [(out[i], out[i + 1].rsplit("|", 1)[0]) for i in range(0, len(out), 2)]
    assert got == [
        ("rc=0", "prod-admin|prod-admin|prod-admin"),
        ("rc=0", "prod-readonly|prod-readonly|prod-readonly"),
        ("rc=0", "prod-readonly|prod-readonly|prod-readonly"),
        ("rc=0", "staging|staging|staging"),  # the profile, not the alias of that name
        ("rc=0", "prod-readonly|prod-readonly|prod-readonly"),  # the alias, not the prefix
        ("rc=0", "dev|dev|dev"),  # exact, though a prefix of developer
        ("rc=0", "developer|developer|developer"),
        ("rc=0", "dev|dev|dev"),
    ]
    assert out[1].endswith("|111122223333/AdministratorAccess 3h05m")


def test_names_with_spaces_and_utf8(shell: str, home: AwsHome) -> None:
    script = f"""
asp 'my box'; echo "rc=$?"; {SHOW}
asp prød; echo "rc=$?"; {SHOW}
asp Ünï; echo "rc=$?"; {SHOW}
asp box; echo "rc=$?"; {SHOW}
asp ÜNÏCODE; echo "rc=$?"; {SHOW}
"""
    result = run(shell, script, home.env)
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "rc=0",
        "sand box|sand box|sand box|555566667777/Dev 3h05m",
        "rc=0",
        "Ünïcode-dev|Ünïcode-dev|Ünïcode-dev|888899990000/Dev 3h05m",
        "rc=0",
        "Ünïcode-dev|Ünïcode-dev|Ünïcode-dev|888899990000/Dev 3h05m",
        "rc=0",
        "sand box|sand box|sand box|555566667777/Dev 3h05m",
        "rc=0",
        "Ünïcode-dev|Ünïcode-dev|Ünïcode-dev|888899990000/Dev 3h05m",
    ]


def test_ambiguity_lists_candidates_and_changes_nothing(shell: str, home: AwsHome) -> None:
    script = f"""
asp staging >/dev/null
asp pro; echo "rc=$?"; {SHOW}
asp d; echo "rc=$?"; {SHOW}
"""
    result = run(shell, script, home.env)
    out = result.stdout.splitlines()
    assert out[0] == "rc=8"
    assert out[1].startswith("staging|staging|staging|")
    assert out[2] == "rc=8"
    assert out[3].startswith("staging|staging|staging|")
    assert result.stderr.splitlines() == [
        "asso: 'pro' matches 2 profiles: prod-admin, prod-readonly",
        # No name starts with "d" but dev and developer: ambiguous, whatever contains a "d".
        "asso: 'd' matches 2 profiles: dev, developer",
    ]


def test_bad_alias_and_bad_aliases_file(shell: str, home: AwsHome) -> None:
    script = f"""
asp staging >/dev/null
asp gone; echo "rc=$?"; {SHOW}
"""
    result = run(shell, script, home.env)
    assert result.stdout.splitlines()[0] == "rc=4"
    assert result.stdout.splitlines()[1].startswith("staging|")
    assert len(result.stderr.splitlines()) == 1
    assert "alias 'gone'" in result.stderr and "'no-such-profile' not found" in result.stderr
    aliases_file(home).write_text("prod = prod-admin\nthis line is wrong\n")
    script = f"""
asp staging; echo "rc=$?"
asp prod; echo "rc=$?"; {SHOW}
"""
    result = run(shell, script, home.env)
    out = result.stdout.splitlines()
    assert out[:2] == ["rc=0", "rc=3"]  # exact names never read the aliases file
    assert out[2].startswith("staging|")
    assert result.stderr.splitlines() == [
        f"asso: {aliases_file(home)} line 2: expected 'alias = profile'"
    ]


def test_the_state_is_the_canonical_profiles(shell: str, home: AwsHome) -> None:
    """After asp ALIAS the prompt is steady: no helper call until something changes."""
    wrapper, log = counting_helper(home)
    env = {**home.env, "ASSO_HELPER": str(wrapper)}
    count = f'echo "calls=$(wc -l < {str(log)!r})"'
    script = f"""
asp prod
{hook(shell)}; {hook(shell)}; {hook(shell)}
{count}
asp prod-r
{hook(shell)}; {hook(shell)}
{count}
echo "$ASSO_PROMPT"
"""
    result = run(shell, script, env)
    assert result.stderr == ""
    assert result.stdout.splitlines() == ["calls=1", "calls=2", "111122223333/ReadOnly 3h05m"]
    prompt_dir = home.state_dir / "prompt"
    assert (prompt_dir / f"{shell}-prod-admin").is_file()
    assert (prompt_dir / f"{shell}-prod-readonly").is_file()
    assert not (prompt_dir / f"{shell}-prod").exists()
    # A new shell with the canonical name set reuses that state: no helper at all.
    again = run(
        shell,
        f'{hook(shell)}; echo "$ASSO_PROMPT"; {count}',
        {**env, "AWS_PROFILE": "prod-admin", "AWS_DEFAULT_PROFILE": "prod-admin"},
    )
    assert again.stdout.splitlines() == ["111122223333/AdministratorAccess 3h05m", "calls=2"]


def test_asp_alias_with_an_action_passes_the_real_name(shell: str, home: AwsHome) -> None:
    log = home.root / "args.log"
    wrapper = home.root / "logging-asso"
    wrapper.write_text(
        "#!/bin/sh\n"
        f'[ "$1" = _shell-state ] && exec {str(HELPER)!r} "$@"\n'
        f'printf "%s\\n" "$*" >> {str(log)!r}\n'
    )
    wrapper.chmod(0o755)
    env = {**home.env, "ASSO_HELPER": str(wrapper)}
    result = run(shell, f'asp "my box" logout; echo "rc=$?"; {SHOW}', env)
    assert result.stdout.splitlines()[0] == "rc=0", result.stderr
    assert result.stdout.splitlines()[1].startswith("sand box|sand box|")
    assert log.read_text() == "logout -- sand box\n"


def test_resolve_accepts_the_same_forms(home: AwsHome) -> None:
    def resolve(name: str) -> subprocess.CompletedProcess[str]:
        return home.run_helper("resolve", "--profile", name)

    assert resolve("prod").stdout.splitlines()[0] == "profile: prod-admin"
    assert resolve("prod-r").stdout.splitlines()[0] == "profile: prod-readonly"
    assert resolve("my box").stdout.splitlines()[0] == "profile: sand box"
    assert resolve("staging").stdout.splitlines()[0] == "profile: staging"
    ambiguous = resolve("pro")
    assert ambiguous.returncode == ExitCode.PROFILE_AMBIGUOUS and ambiguous.stdout == ""
    assert ambiguous.stderr == "asso: 'pro' matches 2 profiles: prod-admin, prod-readonly\n"
    assert resolve("nothing-like-it").returncode == ExitCode.PROFILE_NOT_FOUND
