"""How long ``python -m vanishing_post`` makes an author wait, command by command.

Each command runs as a fresh process (as an author runs it), ``runs`` times; the table shows the
median and the slowest wall time. ``python -m bench.cli`` prints it. Targets: ``list``, ``numbers``
and a refused value answer within 1 s (they never import HoloViews); a rendered page or image
within 5 s. On a shared machine wall times swing: compare medians from quiet runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

COMMANDS: dict[str, tuple[tuple[str, ...], float]] = {  # name -> (arguments, target in s)
    "list": (("list",), 1.0),
    "numbers": (("numbers",), 1.0),
    "refused value": (("render", "decay", "--set", "steps=0"), 1.0),
    "render html": (("render", "sigmoid-tangent", "-o", "tangent.html"), 5.0),
    "render png": (("render", "sigmoid-tangent", "-o", "tangent.png"), 5.0),
    "render svg": (("render", "decay", "-o", "decay.svg"), 5.0),
}


def wall_times(args: tuple[str, ...], runs: int) -> list[float]:
    """Wall seconds of ``runs`` fresh ``python -m vanishing_post ARGS``, in a scratch folder."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    times = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "vanishing_post", *args],
                cwd=folder,
                env=env,
                capture_output=True,
                check=False,
            )
            times.append(time.perf_counter() - start)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cli", description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", nargs="*", choices=sorted(COMMANDS), default=list(COMMANDS))
    options = parser.parse_args(argv)
    print(f"{'command':<14} {'median s':>9} {'slowest s':>10} {'target s':>9}")
    for name in options.only:
        args, target = COMMANDS[name]
        times = wall_times(args, options.runs)
        print(f"{name:<14} {statistics.median(times):>9.2f} {max(times):>10.2f} {target:>9.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
