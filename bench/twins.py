"""Time per static twin pair (wide and phone), the old path against the new, side by side.

Old: the twins drawn again by matplotlib from the figure's Bokeh model (``vanishing_post/
twins.py`` as of ``OLD``, taken from git into a temporary folder). New: the figure's own fragment
drawn by BokehJS in headless Chromium and photographed (``twins.Studio``). Each path runs in a
fresh process over the site's figures with a drawing: models and fragments are made first and
not timed, then each figure's pair is drawn. Wall-clock seconds are the loop's; CPU seconds are
those of the process and everything below it (Chromium's processes too), read from /proc.
The new path's start (Chromium and its pages) is reported on its own.

``python -m bench.twins`` prints one line per path; ``compare()`` is what `make bench` shows.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OLD = "78ce56e"  # the last commit whose twins were drawn by matplotlib


def _old_package(folder: Path) -> Path:
    """The package as of ``OLD``, unpacked into ``folder``."""
    archive = subprocess.run(
        ["git", "archive", OLD, "vanishing_post"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def _tree_cpu() -> float:
    sys.path.insert(0, str(ROOT))
    from tests.processes import tree_cpu

    return tree_cpu()


def old_path() -> dict[str, float]:
    """The old twins of every figure with a drawing, in this process (run with the old
    package first on sys.path)."""
    # the package as of OLD, laid out as it was then
    from vanishing_post.figures import _holoviews
    from vanishing_post.registry import FIGURES
    from vanishing_post.twins import draw, preload, sketch

    _holoviews()
    preload()
    drawn = [n for n, s in FIGURES.items() if s.draw is not None]
    sketches = [sketch(FIGURES[n].build(FIGURES[n].values({}))) for n in drawn]
    start, cpu = time.perf_counter(), _tree_cpu()
    for one in sketches:
        draw(one, "png", wide=True, phone=True)
    return {"figures": len(drawn), "wall": time.perf_counter() - start, "cpu": _tree_cpu() - cpu}


def new_path() -> dict[str, float]:
    """The new twins of every figure with a drawing, in a studio opened in this process."""
    from vanishing_post.engine.embed import figure_html
    from vanishing_post.engine.registry import FIGURES, content_modules, load
    from vanishing_post.engine.render import holoviews
    from vanishing_post.engine.twins import Studio

    load(content_modules(ROOT / "conf.py"))  # the site's figures register as its build loads them
    holoviews()
    drawn = [n for n, s in FIGURES.items() if s.draw is not None]
    fragments = [figure_html(n, {}, key=f"bench-{i}", number=i) for i, n in enumerate(drawn, 1)]
    site = [ROOT / "themes/vg/assets/css/vg.css", ROOT / "files/assets/css/figures.css"]
    start, cpu = time.perf_counter(), _tree_cpu()
    with Studio(stylesheets=site) as studio:
        opened, opened_cpu = time.perf_counter(), _tree_cpu()
        for name, html in zip(drawn, fragments, strict=True):
            studio.photograph(name, html)
        done, done_cpu = time.perf_counter(), _tree_cpu()
    return {
        "figures": len(drawn),
        "wall": done - opened,
        "cpu": done_cpu - opened_cpu,
        "start_wall": opened - start,
        "start_cpu": opened_cpu - cpu,
    }


def _run(path: str, package_root: Path) -> dict[str, float]:
    code = (
        f"import sys; sys.path.insert(0, {str(package_root)!r}); import json; "
        f"from bench.twins import {path}; print(json.dumps({path}()))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"bench.twins: {path} failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def compare(runs: int = 3) -> dict[str, dict[str, float]]:
    """Medians of ``runs`` runs of each path, alternating: per figure's pair of twins."""
    with tempfile.TemporaryDirectory(prefix="vg-old-twins-") as tmp:
        old_root = _old_package(Path(tmp))
        measured: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
        for _ in range(runs):
            measured["old"].append(_run("old_path", old_root))
            measured["new"].append(_run("new_path", ROOT))
    result = {}
    for path, samples in measured.items():
        figures = samples[0]["figures"]
        result[path] = {
            key: statistics.median(s[key] for s in samples) / (figures if "start" not in key else 1)
            for key in samples[0]
            if key != "figures"
        }
        result[path]["figures"] = figures
    return result


def main() -> None:
    for path, numbers in compare().items():
        shown = ", ".join(f"{k} {v:.3f}" for k, v in numbers.items())
        print(f"{path}: {shown} (seconds per pair of twins; start: once)")


if __name__ == "__main__":
    main()
