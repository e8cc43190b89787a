"""`make bench`'s verdicts: ratios against their targets, never absolute times; bad options."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bench.bench import Row, table
from bench.least import least
from tests.sites import ROOT, conf_value
from vanishing_post.engine.registry import content_modules

pytestmark = pytest.mark.slow  # a real build, a browser or the drawing processes


@pytest.mark.parametrize(
    "ratio,target,verdict",
    [(1.1, 1.2, "met"), (1.2, 1.2, "met"), (1.3, 1.2, "MISSED"), (0.6, None, ""), (None, 1.5, "")],
)
def test_a_row_is_judged_by_its_ratio_against_its_target(ratio, target, verdict) -> None:
    assert Row("m", "1 s", "floor", ratio, target).cells()[-1] == verdict


def test_the_table_has_one_line_per_row_under_its_header() -> None:
    lines = table([Row("cold build", "2 s", "floor 1.5 s", 1.333, 1.5)]).splitlines()
    assert lines[0].startswith("| measure |") and len(lines) == 3
    assert "| 1.33x | <= 1.5x | met |" in lines[2]


@pytest.mark.parametrize("argument", ["--runs=0", "--loads=0", "--noop-runs=-1", "--runs=x"])
def test_bad_options_stop_the_bench_with_exit_2(argument: str) -> None:
    done = subprocess.run(
        [sys.executable, "bench/bench.py", argument], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "floor_cpu,start,making,drawing,cores,seconds",
    [(3.0, 2.0, 3.0, 4.0, 2, 6.0), (3.0, 2.0, 3.0, 4.0, 4, 3.0), (1.0, 0.0, 0.0, 0.0, 1, 1.0)],
)
def test_the_least_cold_build_is_the_work_it_cannot_skip_over_every_core(
    floor_cpu, start, making, drawing, cores, seconds
) -> None:
    measured = {"start": start, "making": making, "drawing": drawing, "figures": 5}
    assert least(floor_cpu, measured, cores) == pytest.approx(seconds)


def test_the_bench_reads_the_sites_settings_as_the_registry_does() -> None:
    assert conf_value("VG_CONTENT") == content_modules(ROOT / "conf.py")
