"""asso's benchmark harness: prints a markdown table and writes it to benchmarks/results/.

    .venv/bin/python benchmarks/run.py [--quick] [--only NAME ...]

Every figure is a median over repeated runs, with min and max; every comparison is measured in
the same run. These are numbers to read, not tests: the machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

from emulated import HELPER, START_URL

REPO = Path(__file__).resolve().parent.parent
PLUGIN = {"zsh": REPO / "plugin" / "asso.plugin.zsh", "bash": REPO / "plugin" / "asso.bash"}
HOOK = {"zsh": "_asso_precmd", "bash": "_asso_prompt_command"}

Row = tuple[str, str, str, str, str]  # measure, median, min, max, note
#: The shells measured: those installed here.
SHELLS = [shell for shell in ("zsh", "bash") if shutil.which(shell)]


def stats(samples: list[float], unit: str = "ms") -> tuple[str, str, str]:
    return tuple(
        f"{v:.3f} {unit}" if v < 1 else f"{v:.1f} {unit}"
        for v in (statistics.median(samples), min(samples), max(samples))
    )  # type: ignore[return-value]


def time_command(cmd: list[str], env: dict[str, str], runs: int, warmup: int = 3) -> list[float]:
    """Wall time of a whole process, in ms."""
    samples = []
    for i in range(warmup + runs):
        start = time.perf_counter()
        subprocess.run(
            cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
        )
        if i >= warmup:
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def write_config(path: Path, n_profiles: int) -> None:
    parts = [f"[sso-session corp]\nsso_start_url = {START_URL}\nsso_region = us-east-1\n"]
    for i in range(n_profiles):
        parts.append(
            f"[profile acct{i:05d}-admin]\nsso_session = corp\n"
            f"sso_account_id = {100000000000 + i}\n"
            f"sso_role_name = AdministratorAccess\nregion = eu-west-1\noutput = json\n"
        )
    path.write_text("\n".join(parts))


@contextmanager
def aws_home(n_profiles: int) -> Iterator[dict[str, str]]:
    with tempfile.TemporaryDirectory(prefix="asso-bench-") as tmp:
        root = Path(tmp)
        (root / "home" / ".aws" / "sso" / "cache").mkdir(parents=True)
        write_config(root / "home" / ".aws" / "config", n_profiles)
        import hashlib
        import json

        expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 8 * 3600))
        token = {
            "startUrl": START_URL,
            "region": "us-east-1",
            "accessToken": "x",
            "expiresAt": expires,
        }
        key = hashlib.sha1(b"corp").hexdigest()
        (root / "home" / ".aws" / "sso" / "cache" / f"{key}.json").write_text(json.dumps(token))
        env = {
            "HOME": str(root / "home"),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "ASSO_STATE_DIR": str(root / "state"),
            "ASSO_CACHE_DIR": str(root / "cache"),
            "ASSO_CONFIG_DIR": str(root / "config"),
            "ASSO_HELPER": str(HELPER),
            "AWS_PROFILE": "acct00001-admin",
        }
        yield env


def shell_loop_ms(
    shell: str,
    env: dict[str, str],
    body: str,
    n: int,
    setup: str = "",
    plugin: Optional[dict[str, Path]] = None,
) -> float:
    """Average in-shell time of ``body`` over n iterations, in ms (clock: EPOCHREALTIME).
    ``plugin``: another build's plugin files (the baseline); an empty path loads none."""
    plugins = plugin or PLUGIN
    load = f"source {str(plugins[shell])!r}" if str(plugins[shell]) else ""
    if shell == "zsh":
        script = f"""zmodload zsh/datetime
{load}
{setup}
t0=$EPOCHREALTIME
repeat {n} {{ {body} }}
t1=$EPOCHREALTIME
print $(( (t1 - t0) * 1000.0 / {n} ))"""
        cmd = ["zsh", "-f", "-c", script]
    else:
        script = f"""{load}
{setup}
t0=$EPOCHREALTIME
for ((i = 0; i < {n}; i++)); do {body}; done
t1=$EPOCHREALTIME
echo "$t0 $t1"
"""
        cmd = ["bash", "--norc", "--noprofile", "-c", script]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout.split()
    if shell == "zsh":
        return float(out[-1])
    t0, t1 = (float(x.replace(",", ".")) for x in out[-2:])
    return (t1 - t0) * 1000 / n


def bench_prompt(runs: int) -> list[Row]:
    rows: list[Row] = []
    with aws_home(20) as env:
        omz_like = {
            # oh-my-zsh's aws_prompt_info pattern: a function reading env vars, one fork per render.
            "zsh": 'aws_prompt_info() { [[ -n $AWS_PROFILE ]] && echo "<aws:${AWS_PROFILE}>"; }',
            "bash": 'aws_prompt_info() { [[ -n $AWS_PROFILE ]] && echo "<aws:${AWS_PROFILE}>"; }',
        }
        for shell in SHELLS:
            hook = HOOK[shell]
            n = 2000
            # The expansion a prompt gets: prompt_subst substitutions, then % escapes.
            expand = "x=${(%)${(e)PROMPT}}" if shell == "zsh" else "x=${PS1@P}"
            prompt = (
                "setopt prompt_subst; PROMPT='${ASSO_PROMPT} %# '"
                if shell == "zsh"
                else "PS1='${ASSO_PROMPT} \\$ '"
            )
            bare = "PROMPT='%~ %# '" if shell == "zsh" else "PS1='\\w \\$ '"
            omz_prompt = (
                "setopt prompt_subst; PROMPT='$(aws_prompt_info) %# '"
                if shell == "zsh"
                else "PS1='$(aws_prompt_info) \\$ '"
            )
            cases = [
                (f"{shell}: prompt hook, nothing changed", hook, hook, "0 forks"),
                (
                    f"{shell}: hook + prompt expansion",
                    f"{hook}; {expand}",
                    f"{hook}; {prompt}",
                    "asso segment via ${ASSO_PROMPT}",
                ),
                (f"{shell}: bare prompt expansion (floor)", expand, bare, "no plugin work"),
                (
                    f"{shell}: oh-my-zsh pattern $(aws_prompt_info)",
                    expand,
                    f"{omz_like[shell]}; {omz_prompt}",
                    "1 fork per render",
                ),
            ]
            for name, body, setup, note in cases:
                count = n if "aws_prompt_info" not in name else 300
                samples = [
                    shell_loop_ms(shell, env, body, count, setup=f"{hook}; {setup}")
                    for _ in range(max(3, runs // 4))
                ]
                rows.append((name, *stats(samples), note))
    return rows


def bench_asp(runs: int) -> list[Row]:
    rows: list[Row] = []
    python_floor = time_command([sys.executable, "-I", "-S", "-c", "pass"], dict(os.environ), runs)
    rows.append(("python -I -S -c pass (interpreter floor)", *stats(python_floor), ""))
    for n in (20, 200, 5000):
        with aws_home(n) as env:
            resolve = time_command([str(HELPER), "resolve", "--json"], env, runs)
            rows.append((f"asso resolve --json, {n} profiles", *stats(resolve), "helper alone"))
            for shell in SHELLS:
                body = "asp acct00002-admin >/dev/null; asp acct00003-admin >/dev/null"
                per_asp = [shell_loop_ms(shell, env, body, 5) / 2 for _ in range(max(3, runs // 4))]
                rows.append(
                    (
                        f"{shell}: asp P, {n} profiles",
                        *stats(per_asp),
                        "validate + state, one helper call",
                    )
                )
            if n == 20:
                floor = [
                    shell_loop_ms("bash", env, "export AWS_PROFILE=x AWS_DEFAULT_PROFILE=x", 2000)
                    for _ in range(3)
                ]
                rows.append(("bash: export AWS_PROFILE (pure-shell floor)", *stats(floor), ""))
                aws = shutil.which("aws")
                if aws:
                    version = subprocess.run(
                        [aws, "--version"], capture_output=True, text=True
                    ).stdout.split(" ")[0]
                    samples = time_command(
                        [aws, "configure", "get", "region", "--profile", "acct00001-admin"],
                        env,
                        min(runs, 10),
                    )
                    rows.append(
                        (
                            f"aws configure get region ({version or 'aws'})",
                            *stats(samples),
                            "oh-my-zsh asp runs the CLI twice",
                        )
                    )
    return rows


OMZ_AWS = REPO.parent / "shared" / "vendor" / "ohmyzsh" / "plugins" / "aws" / "aws.plugin.zsh"
_baseline: dict[str, str] = {"rev": ""}  # --baseline, resolved in main()


def default_baseline() -> str:
    """The commit this branch started from (its merge base with main), else the previous one."""

    def git(*args: str) -> str:
        out = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True)
        return out.stdout.strip()

    base = git("merge-base", "HEAD", "main")
    return base if base and base != git("rev-parse", "HEAD") else git("rev-parse", "HEAD~1")


@contextmanager
def baseline_build(rev: str) -> Iterator[dict[str, Path]]:
    """The plugin and helper of commit ``rev``, from ``git archive``, run by this interpreter."""
    with tempfile.TemporaryDirectory(prefix="asso-baseline-") as tmp:
        root = Path(tmp)
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", rev, "src", "plugin"],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(root)], input=archive, check=True)
        helper = root / "asso"
        # As the console script does, with the old sources first on the path.
        helper.write_text(
            f"#!{sys.executable}\nimport sys\nsys.path.insert(0, {str(root / 'src')!r})\n"
            "from asso.cli.main import main\nsys.exit(main())\n"
        )
        helper.chmod(0o755)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "src")], check=False)
        yield {
            "zsh": root / "plugin" / "asso.plugin.zsh",
            "bash": root / "plugin" / "asso.bash",
            "helper": helper,
            "state": root / "state",
        }


def baseline_env(env: dict[str, str], old: dict[str, Path]) -> dict[str, str]:
    """``env`` for the baseline build ``old``: its helper, its own state directory."""
    return {**env, "ASSO_HELPER": str(old["helper"]), "ASSO_STATE_DIR": str(old["state"])}


@contextmanager
def against_baseline(
    n_profiles: int,
) -> Iterator[tuple[dict[str, Path], dict[str, str], dict[str, str]]]:
    """The baseline build, a HOME with ``n_profiles`` profiles, and the environments that run
    this commit's helper and the baseline's in it."""
    with baseline_build(_baseline["rev"]) as old, aws_home(n_profiles) as env:
        yield old, env, baseline_env(env, old)


def bench_asp_table(runs: int) -> list[Row]:
    """asp warm (the table loaded) and first in a new shell, beside the floor, the baseline
    commit's asp and oh-my-zsh's, at 20, 200 and 5,000 profiles."""
    rows: list[Row] = []
    rev = _baseline["rev"]
    with baseline_build(rev) as old:
        for n in (20, 200, 5000):
            with aws_home(n) as env:
                old_env = baseline_env(env, old)
                a, b = "acct00002-admin", "acct00003-admin"
                pair = f"asp {a} >/dev/null; asp {b} >/dev/null"
                for shell in SHELLS:
                    none = {shell: Path("")}
                    exports = "export AWS_PROFILE=x AWS_DEFAULT_PROFILE=x AWS_EB_PROFILE=x"
                    floor = [
                        shell_loop_ms(shell, env, exports, 5000, plugin=none) for _ in range(3)
                    ]
                    rows.append(
                        (f"{shell}: export AWS_PROFILE (floor), {n} profiles", *stats(floor), "")
                    )
                    warm = [
                        shell_loop_ms(shell, env, pair, 200, setup=pair) / 2
                        for _ in range(max(3, runs // 4))
                    ]
                    ratio = statistics.median(warm) / statistics.median(floor)
                    rows.append(
                        (
                            f"{shell}: asp P warm, {n} profiles",
                            *stats(warm),
                            f"{ratio:.0f}x the floor",
                        )
                    )
                    # A new shell; the table is on disk (another shell wrote it): its first asp.
                    first = [
                        shell_loop_ms(shell, env, f"asp acct{i % n:05d}-admin >/dev/null", 1)
                        for i in range(7, 7 + max(5, runs // 2))
                    ]
                    rows.append(
                        (
                            f"{shell}: asp P first in a new shell, {n} profiles",
                            *stats(first),
                            "reads header + one bucket",
                        )
                    )
                    prev = [
                        shell_loop_ms(shell, old_env, pair, 2, setup=pair, plugin=old) / 2
                        for _ in range(3)
                    ]
                    speedup = statistics.median(prev) / statistics.median(warm)
                    rows.append(
                        (
                            f"{shell}: asp P, {n} profiles, baseline {rev[:7]}",
                            *stats(prev),
                            f"one helper call; warm asp is now {speedup:.0f}x faster",
                        )
                    )
                if n <= 200 and shutil.which("zsh") and shutil.which("aws") and OMZ_AWS.exists():
                    version = subprocess.run(
                        ["aws", "--version"], capture_output=True, text=True, env=env
                    ).stdout.split(" ")[0]
                    omz = [
                        shell_loop_ms(
                            "zsh", env, f"asp {a} >/dev/null 2>&1", 1, plugin={"zsh": OMZ_AWS}
                        )
                        for _ in range(3)
                    ]
                    rows.append(
                        (
                            f"zsh: oh-my-zsh asp P, {n} profiles",
                            *stats(omz),
                            f"its aws plugin, {version or 'aws'} (v1: no list-profiles; grep)",
                        )
                    )
    return rows


def bench_hook(runs: int) -> list[Row]:
    """The prompt hook with nothing changed, this commit against the baseline, same run."""
    rows: list[Row] = []
    rev = _baseline["rev"]
    with against_baseline(20) as (old, env, old_env):
        for shell in SHELLS:
            hook = HOOK[shell]
            now, before = [], []
            for _ in range(max(5, runs // 3)):  # interleaved: the same load for both
                now.append(shell_loop_ms(shell, env, hook, 3000, setup=hook))
                before.append(shell_loop_ms(shell, old_env, hook, 3000, setup=hook, plugin=old))
            ratio = statistics.median(now) / statistics.median(before)
            rows.append(
                (
                    f"{shell}: prompt hook, nothing changed",
                    *stats(now),
                    f"{ratio:.2f}x the baseline",
                )
            )
            rows.append((f"{shell}: prompt hook, baseline {rev[:7]}", *stats(before), ""))
    return rows


def command_lag_ms(shell: str, env: dict[str, str], setup: str, n: int) -> float:
    """zsh-bench's command lag: Enter on an empty line until the next prompt, in a real
    interactive shell on a pty; the median over n, in ms."""
    import pty
    import select

    master, slave = pty.openpty()
    cmd = ["zsh", "-f", "-i"] if shell == "zsh" else ["bash", "--norc", "--noprofile", "-i"]
    proc = subprocess.Popen(
        cmd, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    marker = b"@@>"

    pending = [b""]  # what was read past the last token

    def read_until(token: bytes, timeout: float = 30) -> None:
        buf = pending[0]
        deadline = time.monotonic() + timeout
        while token not in buf:
            if not select.select([master], [], [], max(0, deadline - time.monotonic()))[0]:
                raise TimeoutError(token)
            buf += os.read(master, 65536)
        pending[0] = buf[buf.index(token) + len(token) :]

    try:
        prompt = "PROMPT='${ASSO_PROMPT}@@> '" if shell == "zsh" else "PS1='${ASSO_PROMPT}@@> '"
        opts = "setopt prompt_subst; " if shell == "zsh" else ""
        os.write(master, f"{setup}; {opts}{prompt}; echo SY''NC\n".encode())
        read_until(b"SYNC")
        read_until(marker)
        samples = []
        for _ in range(n):
            start = time.perf_counter()
            os.write(master, b"\n")
            read_until(marker)
            samples.append((time.perf_counter() - start) * 1000)
        return statistics.median(samples)
    finally:
        os.write(master, b"exit\n")
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        os.close(master)


def bench_lag(runs: int) -> list[Row]:
    rows: list[Row] = []
    rev = _baseline["rev"]
    with against_baseline(200) as (old, env, old_env):
        for shell in SHELLS:
            cases = {"none": [], "now": [], "before": []}
            for _ in range(max(3, runs // 5)):
                cases["none"].append(command_lag_ms(shell, env, ":", 100))
                cases["now"].append(
                    command_lag_ms(shell, env, f"source {str(PLUGIN[shell])!r}", 100)
                )
                cases["before"].append(
                    command_lag_ms(shell, old_env, f"source {str(old[shell])!r}", 100)
                )
            base = statistics.median(cases["none"])
            rows.append(
                (f"{shell}: command lag, no plugin", *stats(cases["none"]), "pty, Enter to prompt")
            )
            for key, label in (("now", "asso"), ("before", f"asso {rev[:7]}")):
                added = statistics.median(cases[key]) - base
                rows.append(
                    (f"{shell}: command lag, {label}", *stats(cases[key]), f"+{added:.3f} ms")
                )
    return rows


def bench_startup(runs: int) -> list[Row]:
    """Plugin load and first prompt, AWS_PROFILE already set (a new terminal tab)."""
    rows: list[Row] = []
    with aws_home(200) as env:
        for shell in SHELLS:
            hook = HOOK[shell]
            if shell == "zsh":
                base = ["zsh", "-f", "-i", "-c", "exit"]
                plugin = ["zsh", "-f", "-i", "-c", f"source {str(PLUGIN['zsh'])!r}; {hook}; exit"]
            else:
                base = ["bash", "--norc", "--noprofile", "-i", "-c", "exit"]
                plugin = [
                    "bash",
                    "--norc",
                    "--noprofile",
                    "-i",
                    "-c",
                    f"source {str(PLUGIN['bash'])!r}; {hook}; exit",
                ]
            # Warm the shared state file once (what the previous terminal left).
            subprocess.run(plugin, env=env, capture_output=True, check=False)
            without = time_command(base, env, runs)
            with_plugin = time_command(plugin, env, runs)
            added = [w - b for w, b in zip(sorted(with_plugin), sorted(without))]
            rows.append((f"{shell}: start, no plugin", *stats(without), ""))
            rows.append(
                (
                    f"{shell}: start + plugin + first prompt",
                    *stats(with_plugin),
                    "state file reused: no Python",
                )
            )
            rows.append((f"{shell}: added by the plugin", *stats(added), "sorted-pair differences"))
    return rows


def bench_importtime() -> list[Row]:
    with aws_home(200) as env:
        result = subprocess.run(
            [sys.executable, "-X", "importtime", str(HELPER), "resolve", "--json"],
            env=env,
            capture_output=True,
            text=True,
        )
    entries = []
    for line in result.stderr.splitlines():
        fields = [part.strip() for part in line.removeprefix("import time:").split("|")]
        if line.startswith("import time:") and len(fields) == 3 and fields[0].isdigit():
            entries.append((int(fields[1]), fields[2]))
    entries.sort(reverse=True)
    return [
        (f"import {name}", f"{us / 1000:.2f} ms", "", "", "cumulative, one run")
        for us, name in entries[:8]
    ]


# Companion scripts with their own output, run in the same session and appended verbatim.
COMPANIONS: dict[str, list[str]] = {
    "login": ["bench_login.py", "--runs", "{runs}"],
    "populate": ["bench_populate.py", "--accounts", "1000", "--roles", "3"],
    "completion": ["bench_completion.py"],
    "console": ["bench_console.py", "--runs", "{runs}"],
    "credentials": ["bench_credentials.py", "--runs", "{runs}"],
}


def run_companion(name: str, runs: int) -> str:
    script, *args = COMPANIONS[name]
    cmd = [sys.executable, str(REPO / "benchmarks" / script), *(a.format(runs=runs) for a in args)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, check=False)
    return (result.stdout + (result.stderr if result.returncode else "")).rstrip()


BENCHES: dict[str, Callable[[int], list[Row]]] = {
    "prompt": bench_prompt,
    "hook": bench_hook,
    "lag": bench_lag,
    "asp": bench_asp,
    "asp-table": bench_asp_table,
    "startup": bench_startup,
    "importtime": lambda runs: bench_importtime(),
}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{system}, {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    parser.add_argument(
        "--baseline",
        help="the commit to compare with (default: where this branch left main, else HEAD~1)",
    )
    parser.add_argument(
        "--only", nargs="*", choices=sorted([*BENCHES, *COMPANIONS]), help="run only these"
    )
    args = parser.parse_args()
    runs = 10 if args.quick else 30
    _baseline["rev"] = args.baseline or default_baseline()
    # Byte-compile first: a user's install has .pyc files; PYTHONDONTWRITEBYTECODE would hide that.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(REPO / "src")],
        check=False,
        stdout=subprocess.DEVNULL,
    )
    lines = [
        f"Machine: {machine()}",
        f"Baseline: {_baseline['rev']}",
        "",
        "| Measure | Median | Min | Max | Note |",
        "| --- | --- | --- | --- | --- |",
    ]
    print("\n".join(lines), flush=True)
    selected = args.only or [*BENCHES, *COMPANIONS]
    for name in (n for n in selected if n in BENCHES):
        for row in BENCHES[name](runs):
            line = "| " + " | ".join(row) + " |"
            lines.append(line)
            print(line, flush=True)
    for name in (n for n in selected if n in COMPANIONS):
        section = ["", f"### {name} (benchmarks/{COMPANIONS[name][0]})", "", "```"]
        section += [run_companion(name, runs), "```"]
        lines += section
        print("\n".join(section), flush=True)
    out_dir = REPO / "benchmarks" / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "latest.md").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
