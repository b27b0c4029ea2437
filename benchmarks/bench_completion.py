"""Completion data: `asso profiles --completion` with 5,000 profiles, cold and cached.

    .venv/bin/python benchmarks/bench_completion.py [--runs N] [--profiles N]

Prints median, min and max wall time of the whole process (what a Tab costs), for:
  - cached: the completion cache is valid (the usual Tab);
  - cold, parse cache warm: the completion cache was dropped (a config or token changed);
  - cold: no cache at all (first Tab after the config file was replaced);
and, for comparison, `asso profiles --names --null` (names only, what bash completion uses)
and the interpreter's own start-up. The target: cached under 30 ms.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import HELPER, aws_home


def wall_ms(cmd: list[str], env: dict[str, str], before: object = None) -> float:
    if callable(before):
        before()
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - start) * 1000


def row(name: str, samples: list[float]) -> str:
    med, lo, hi = statistics.median(samples), min(samples), max(samples)
    return f"| {name} | {med:.1f} ms | {lo:.1f} ms | {hi:.1f} ms |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--profiles", type=int, default=5000)
    args = parser.parse_args()
    rows = []
    with aws_home(args.profiles) as env:
        cache = Path(env["ASSO_CACHE_DIR"])
        completion_cache = cache / "completion"
        cmd = [str(HELPER), "profiles", "--completion"]
        out = subprocess.run(cmd, env=env, capture_output=True, check=True).stdout
        count = out.count(b"\0") // 3
        assert count == args.profiles, count

        def drop_completion() -> None:
            shutil.rmtree(completion_cache, ignore_errors=True)

        def drop_all() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        for _ in range(3):  # warm-up: page cache, pyc files
            wall_ms(cmd, env)
        cached = [wall_ms(cmd, env) for _ in range(args.runs)]
        cold_warm_parse = [wall_ms(cmd, env, drop_completion) for _ in range(args.runs)]
        cold = [wall_ms(cmd, env, drop_all) for _ in range(max(5, args.runs // 2))]
        names = [
            wall_ms([str(HELPER), "profiles", "--names", "--null"], env) for _ in range(args.runs)
        ]
        floor = [wall_ms([sys.executable, "-c", "pass"], env) for _ in range(args.runs)]
        rows = [
            row(f"profiles --completion, {args.profiles} profiles, cached", cached),
            row(
                f"profiles --completion, {args.profiles} profiles, cold (parse cache warm)",
                cold_warm_parse,
            ),
            row(f"profiles --completion, {args.profiles} profiles, cold (no cache)", cold),
            row(f"profiles --names --null, {args.profiles} profiles", names),
            row("python -c pass (interpreter floor, with site)", floor),
        ]
    print("| Measure | Median | Min | Max |")
    print("| --- | --- | --- | --- |")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
