"""pip and pipx: the wheel carries the plugin; `asso init` prints the line that loads it; the plugin
uses the helper installed with it; `asso demo` finds the plugin with no install.sh record."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ..conftest import REPO
from ..installation import path_with
from ..support.samples import legacy_profile
from ..support.tmux import TmuxShell, requires_tmux
from .conftest import user_env


def tracked_plugin_files() -> list[str]:
    out = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "plugin"], capture_output=True, text=True, check=True
    ).stdout
    return sorted("asso/" + line for line in out.splitlines())


def test_the_wheel_carries_every_plugin_file(wheelhouse: Path) -> None:
    (wheel,) = wheelhouse.glob("asso-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        in_wheel = sorted(n for n in names if n.startswith("asso/plugin/"))
        assert in_wheel == tracked_plugin_files()
        for name in in_wheel:  # byte for byte
            assert archive.read(name) == (REPO / name[len("asso/") :]).read_bytes(), name
        # The top-level files managers load are not package data: they would land in
        # site-packages' root.
        assert not [n for n in names if "/" not in n]


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory, wheelhouse: Path) -> Path:
    root = tmp_path_factory.mktemp("pip")
    env = user_env(root, wheelhouse)
    target = root / "venv dir"  # a space: the printed line must quote it
    subprocess.run([sys.executable, "-m", "venv", str(target)], check=True, timeout=120)
    result = subprocess.run(
        [str(target / "bin" / "python"), "-m", "pip", "install", "--quiet", str(REPO)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return target


def package_plugin(venv: Path) -> Path:
    (site,) = venv.glob("lib/python3*/site-packages")
    return site / "asso" / "plugin"


@pytest.mark.parametrize(("shell", "entry"), [("zsh", "asso.plugin.zsh"), ("bash", "asso.bash")])
def test_asso_init_prints_one_source_line(venv: Path, shell: str, entry: str) -> None:
    result = subprocess.run(
        [str(venv / "bin" / "asso"), "init", shell],
        env={"PATH": path_with(), "HOME": str(venv.parent)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"source '{package_plugin(venv) / entry}'\n"


@pytest.mark.parametrize("shell", ["zsh", "bash"])
def test_the_init_line_loads_the_plugin_with_its_own_helper(
    venv: Path, shell: str, tmp_path: Path, wheelhouse: Path
) -> None:
    """A fresh HOME, the venv not on PATH: the rc line alone is enough, in strict mode too."""
    env = user_env(tmp_path, wheelhouse)
    home = Path(env["HOME"])
    (home / ".aws").mkdir()
    (home / ".aws" / "config").write_text(legacy_profile("dev", "123456789012", "Dev"))
    line = subprocess.run(
        [str(venv / "bin" / "asso"), "init", shell],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    script = line + 'asp dev\nprintf "%s|%s\\n" "$ASSO_HELPER" "$AWS_PROFILE"\n'
    flags = (
        ["-f", "-euo", "pipefail"]
        if shell == "zsh"
        else ["--norc", "--noprofile", "-euo", "pipefail"]
    )
    result = subprocess.run(
        [shell, *flags, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stderr == ""
    assert result.stdout == f"{venv}/bin/asso|dev\n"


@requires_tmux
def test_asso_demo_from_a_pip_install(venv: Path, tmp_path: Path, wheelhouse: Path) -> None:
    env = user_env(tmp_path, wheelhouse)
    env.update(SHELL=str(shutil.which("bash") or "/bin/bash"), TERM="xterm-256color")
    env["PATH"] = path_with(venv / "bin")
    term = TmuxShell([str(venv / "bin" / "asso"), "demo", "--shell", "bash"], env, tmp_path)
    try:
        term.wait_text("(asso demo)", timeout=60)
        term.type("asp demo-prod-admin && type asp | head -1")
        screen = term.wait_text("asp is a function", timeout=60)
        assert "cannot find the shell plugin" not in screen
        term.type("exit")
    finally:
        term.close()
    assert not (Path(env["HOME"]) / ".local" / "share" / "asso").exists()  # no install.sh record


def test_the_plugin_knows_the_package_version() -> None:
    """plugin/VERSION is what the plugin compares with the helper's version."""
    import asso

    assert (REPO / "plugin" / "VERSION").read_text() == asso.__version__ + "\n"
    assert f'version = "{asso.__version__}"' in (REPO / "pyproject.toml").read_text()


def test_asso_init_from_a_checkout_points_at_its_plugin() -> None:
    """An editable install (install.sh --dev) has no copy: the checkout's plugin/ it is."""
    from ..conftest import HELPER

    env = {"PATH": path_with(), "HOME": str(REPO)}
    result = subprocess.run(
        [str(HELPER), "init", "bash"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout == f"source '{REPO}/plugin/asso.bash'\n", result.stderr
    result = subprocess.run(
        [str(HELPER), "init", "fish"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2 and result.stdout == ""
