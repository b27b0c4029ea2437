"""The layers and the rule between them, enforced on every module's imports (top-level and lazy).

Leaves import only leaves; ``aws`` imports leaves and aws; ``shell`` leaves, aws and shell;
``sso`` leaves, aws and sso; ``emulator`` leaves and emulator; ``cli`` anything; nothing imports
``cli`` but ``asso.__main__``. No module imports one that imports it back (through others too):
imports run one way. The prompt path loads nothing from ``asso.sso``, boto3 or botocore at run
time.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from .conftest import AwsHome
from .support.probe import run_probe
from .support.samples import config, session, sso_profile

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "asso"
LAYERS = ("aws", "shell", "sso", "emulator", "cli")
ALLOWED: dict[str, set[str]] = {
    "leaf": {"leaf"},
    "aws": {"leaf", "aws"},
    "shell": {"leaf", "aws", "shell"},
    "sso": {"leaf", "aws", "sso"},
    "emulator": {"leaf", "emulator"},
    "cli": {"leaf", "aws", "shell", "sso", "emulator", "cli"},
    "main": {"leaf", "cli"},  # asso/__main__.py
}


def module_name(path: Path, src: Path = SRC) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> str:
    parts = module.split(".")
    if parts == ["asso", "__main__"]:
        return "main"
    if len(parts) >= 2 and parts[1] in LAYERS:
        return parts[1]
    return "leaf"  # asso itself and asso.errors, asso.paths, ...


def imported_modules(path: Path, src: Path = SRC) -> set[str]:
    """Every asso module imported anywhere in the file (module level or inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: set[str] = set()
    here = module_name(path, src)
    package = here.rsplit(".", 1)[0] if path.name != "__init__.py" else here
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            # "from asso import log" imports the module asso.log.
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                if (src / Path(*candidate.split("."))).with_suffix(".py").exists() or (
                    src / Path(*candidate.split("."))
                ).is_dir():
                    found.add(candidate)
    return {m for m in found if m == "asso" or m.startswith("asso.")}


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_layer_rule(path: Path) -> None:
    here = module_name(path)
    mine = layer_of(here)
    bad = sorted(
        m for m in imported_modules(path) if m != "asso" and layer_of(m) not in ALLOWED[mine]
    )
    assert not bad, f"{here} ({mine}) imports {bad}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_docstring_says_the_job(path: Path) -> None:
    if path.name == "__init__.py" and not path.read_text(encoding="utf-8").strip():
        return
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert doc and doc.strip(), f"{module_name(path)} has no docstring"


def import_graph(paths: list[Path], src: Path = SRC) -> dict[str, set[str]]:
    """Module -> the modules among ``paths`` it imports (lazy imports too, not itself)."""
    names = {module_name(p, src) for p in paths}
    graph = {}
    for path in paths:
        here = module_name(path, src)
        graph[here] = {m for m in imported_modules(path, src) if m in names and m != here}
    return graph


def _reach(graph: dict[str, set[str]], start: str) -> set[str]:
    """The modules ``start`` imports, directly or through others."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for module in graph[todo.pop()]:
            if module not in seen:
                seen.add(module)
                todo.append(module)
    return seen


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each group of modules that import each other (directly or through others), sorted."""
    reach = {module: _reach(graph, module) for module in graph}
    groups = {
        tuple(sorted(m for m in reach[module] if module in reach[m]))
        for module in graph
        if module in reach[module]
    }
    return sorted(list(group) for group in groups)


def test_imports_run_one_way() -> None:
    """No cycle, between cli's modules or anywhere: ``asso.cli.main`` and ``asso.cli.commands``
    (``asso _commands``) both read the command table from ``asso.cli.parser``."""
    assert cycles(import_graph(MODULES)) == []


def test_the_cycle_check_sees_lazy_cycles(tmp_path: Path) -> None:
    # Two cli modules that import each other inside functions, as main and commands once did,
    # and a third that imports one of them (in no cycle itself).
    src = tmp_path / "src"
    package = src / "asso" / "cli"
    package.mkdir(parents=True)
    (src / "asso" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "main.py").write_text("def run():\n    from asso.cli.commands import build\n")
    (package / "commands.py").write_text("def build():\n    from asso.cli import main\n")
    (package / "login.py").write_text("from asso.cli.main import run\n")
    graph = import_graph(sorted(src.rglob("*.py")), src)
    assert cycles(graph) == [["asso.cli.commands", "asso.cli.main"]]
    (package / "commands.py").write_text("def build():\n    from asso.cli import login\n")
    assert cycles(import_graph(sorted(src.rglob("*.py")), src)) == [
        ["asso.cli.commands", "asso.cli.login", "asso.cli.main"]
    ]


def test_every_layer_is_a_package() -> None:
    for layer in LAYERS:
        assert (PACKAGE / layer / "__init__.py").is_file(), layer


def test_the_walker_sees_lazy_imports() -> None:
    # The rule must also catch imports inside functions, the usual way to keep start-up fast:
    # `asso login` loads the network layer only inside run().
    lazy = imported_modules(PACKAGE / "cli" / "login.py")
    assert any(m.startswith("asso.sso.") for m in lazy), lazy


_PROBE = """
import json, sys
sys.argv = ["asso", *json.loads(sys.argv[1])]
from asso.cli.main import main
try:
    rc = main()
except SystemExit as exit:
    rc = exit.code
bad = sorted(
    m for m in sys.modules
    if m.split(".")[0] in ("boto3", "botocore") or m == "asso.sso" or m.startswith("asso.sso.")
)
sys.stderr.write("\\nPROBE " + json.dumps({"rc": rc, "bad": bad}) + "\\n")
"""


def probe(args: tuple[str, ...], env: dict[str, str]) -> dict[str, Any]:
    """``asso ARGS`` run by _PROBE: its exit code and the network modules it loaded."""
    return run_probe(_PROBE, args, env)


CONFIG = config(session(), sso_profile("dev", "111111111111", "Dev", region="eu-west-1"))


@pytest.mark.parametrize(
    "args",
    [
        ("_shell-state", "--shell=zsh", "--key=k", "--format=", "--region-display=env"),
        ("_shell-state", "--shell=bash", "--key=k", "--validate=dev"),
        ("resolve", "--json"),
        ("profiles",),
        ("profiles", "--completion"),
        ("profiles", "--picker"),
        ("regions",),
    ],
    ids=" ".join,
)
def test_the_prompt_path_loads_no_network_layer(
    aws_home: AwsHome, tmp_path: Path, args: tuple[str, ...]
) -> None:
    aws_home.write_config(CONFIG)
    if args[0] == "_shell-state":
        args = (*args, f"--out={tmp_path / 'state'}")
    assert probe(args, {**aws_home.env, "AWS_PROFILE": "dev"}) == {"rc": 0, "bad": []}


def test_the_command_list_loads_no_aws_sdk(aws_home: AwsHome) -> None:
    """``asso _commands`` (completion's command list, built once per version and cached) needs
    every command's arguments, some of which name network defaults: no SDK all the same."""
    report = probe(("_commands",), aws_home.env)
    assert report["rc"] == 0
    assert not [m for m in report["bad"] if m.split(".")[0] in ("boto3", "botocore")]
