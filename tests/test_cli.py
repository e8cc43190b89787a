"""``python -m vanishing_post``: list, render and numbers, run the way an author runs them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.reader import open_page, series_colours_seen, wait_for_figures
from tests.sites import ROOT
from tests.test_site import Page
from vanishing_post.engine import cli
from vanishing_post.engine.numbers import QUANTITIES, quantity_text
from vanishing_post.engine.params import FigureError, js_number
from vanishing_post.engine.registry import FIGURES
from vanishing_post.engine.scripts import BOKEHJS

PAGE_TITLE = "Twelve steps <b>down</b> & out"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vanishing_post", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def main_output(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert cli.main(list(args)) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out


def test_list_shows_every_figure_with_its_parameters_defaults_and_allowed_values(capsys):
    out = main_output(capsys, "list")
    for spec in FIGURES.values():
        assert f"{spec.name}: {spec.title}" in out
        section = out.split(f"{spec.name}: ", 1)[1].split("\n\n", 1)[0]
        for p in spec.params:
            default = js_number(p.default) if isinstance(p.default, float) else str(p.default)
            assert re.search(
                rf"^  {re.escape(p.name)} +{re.escape(default)} +{re.escape(p.allowed())}$",
                section,
                re.MULTILINE,
            ), (p.name, section)
        assert "title" in section


def test_numbers_prints_every_named_number_as_a_page_writes_it(capsys):
    out = main_output(capsys, "numbers")
    for quantity in QUANTITIES.values():
        row = rf"^{re.escape(quantity.name)} +{re.escape(quantity_text(quantity.name))} +"
        assert re.search(row + re.escape(quantity.description) + "$", out, re.MULTILINE)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """One real ``render`` of a figure with non-default parameters and a title to escape."""
    folder = tmp_path_factory.mktemp("render")
    done = run(
        "render", "decay", "--set", "steps=12", "--set", "scale=log",
        "--set", f"title={PAGE_TITLE}", "-o", "twelve.html", cwd=folder,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return folder, done


@pytest.mark.slow  # a real render in a process of its own
def test_render_writes_only_the_page_it_names(rendered):
    folder, done = rendered
    assert sorted(p.name for p in folder.iterdir()) == ["twelve.html"]
    assert done.stdout.startswith("wrote twelve.html (")
    assert oct((folder / "twelve.html").stat().st_mode & 0o777) != "0o600"


@pytest.mark.slow  # a real render in a process of its own
def test_rendered_page_carries_bokehjs_inline_and_refers_to_nothing(rendered):
    folder, _ = rendered
    page = Page(folder / "twelve.html")
    assert page.addresses == []  # no src=, no href=: nothing to fetch, nothing to follow
    assert page.figures == ["decay"]
    bokehjs = [s for s in page.inline_scripts if "Anaconda, Inc., and Bokeh Contributors" in s]
    assert len(bokehjs) == len(BOKEHJS), "BokehJS, inline, each file once"


@pytest.mark.slow  # a real render in a process of its own
def test_rendered_page_escapes_the_title(rendered):
    folder, _ = rendered
    html = (folder / "twelve.html").read_text()
    escaped = "Twelve steps &lt;b&gt;down&lt;/b&gt; &amp; out"
    assert f"<title>{escaped}</title>" in html
    assert escaped in html.split("<figcaption>", 1)[1]
    assert "<b>down</b>" not in html


@pytest.mark.slow  # a real render in a process of its own
def test_rendered_page_draws_offline_in_chromium(rendered, browser):
    folder, _ = rendered
    visit = open_page(browser, f"file://{folder}/", "twelve.html", offline=True)
    try:
        wait_for_figures(visit, 1)
        image = visit.page.locator("figure .vg-live").screenshot()
        from io import BytesIO

        from PIL import Image

        assert "blue" in series_colours_seen(Image.open(BytesIO(image)).convert("RGB"))
        assert visit.console_errors == []
        assert visit.offsite_requests == []
        assert visit.failed_requests == []
    finally:
        visit.page.context.close()


@pytest.mark.slow  # a real render, in Chromium
@pytest.mark.parametrize(
    ("output", "magic"), [("tangent.png", b"\x89PNG\r\n"), ("TANGENT.SVG", b"<?xml")]
)
def test_render_writes_the_static_twin_by_the_file_extension(output, magic, tmp_path):
    # a process of its own, as an author runs it: the studio's browser is the only one there
    done = subprocess.run(
        [sys.executable, "-m", "vanishing_post", "render", "sigmoid-tangent"]
        + ["--set", "tangent_x=3", "-o", str(tmp_path / output)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / output).read_bytes().startswith(magic)
    assert [p.name for p in tmp_path.iterdir()] == [output]


def test_a_table_has_no_static_twin_and_says_which_figures_do(tmp_path, capsys):
    assert cli.main(["render", "numbers", "-o", str(tmp_path / "numbers.svg")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"figure 'numbers', output '{tmp_path / 'numbers.svg'}'" in err
    assert "is a table: it has no image twin, figures with one: " in err
    assert "compression" in err.split("figures with one: ")[1]
    assert list(tmp_path.iterdir()) == []


def test_a_bad_render_keeps_the_file_already_there(tmp_path):
    page = tmp_path / "decay.html"
    page.write_text("the previous page")
    done = run("render", "decay", "--set", "steps=100", cwd=tmp_path)
    assert done.returncode == 2
    assert page.read_text() == "the previous page"
    assert list(tmp_path.iterdir()) == [page]


def test_writing_replaces_the_file_whole_and_leaves_no_temporary(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("old")
    assert cli.write_atomically(page, lambda: b"new page", "here") == len(b"new page")
    assert page.read_bytes() == b"new page"
    assert list(tmp_path.iterdir()) == [page]


def test_a_failure_while_drawing_leaves_nothing_behind(tmp_path):
    def broken() -> bytes:
        raise RuntimeError("the figure broke")

    with pytest.raises(RuntimeError, match="the figure broke"):
        cli.write_atomically(tmp_path / "page.html", broken, "here")
    assert list(tmp_path.iterdir()) == []


def test_a_failure_while_writing_is_a_one_line_error_and_leaves_nothing(tmp_path):
    with pytest.raises(FigureError, match=r"^here: cannot write there \(Is a directory\)$"):
        (tmp_path / "taken").mkdir()
        cli.write_atomically(tmp_path / "taken", lambda: b"page", "here")
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([], {}),
        (["steps=3"], {"steps": "3"}),
        (["title=a=b", " x =2"], {"title": "a=b", "x": "2"}),
        (["title="], {"title": ""}),
    ],
)
def test_settings_read_key_value_pairs(pairs, expected):
    assert cli.settings(pairs) == expected


@pytest.mark.parametrize("pairs", [["steps"], ["=3"], ["x=1", "x=2"]])
def test_settings_refuse_malformed_or_repeated_keys(pairs):
    with pytest.raises(FigureError, match="allowed"):
        cli.settings(pairs, "figure 'decay'")


def test_an_output_that_is_a_folder_is_refused_before_drawing(tmp_path, capsys):
    (tmp_path / "decay.html").mkdir()
    assert cli.main(["render", "decay", "-o", str(tmp_path / "decay.html")]) == 2
    err = capsys.readouterr().err
    assert f"figure 'decay', output '{tmp_path / 'decay.html'}': is a folder" in err
    assert [p.name for p in tmp_path.iterdir()] == ["decay.html"]


def test_list_into_a_closed_pipe_ends_quietly(tmp_path):
    reader = subprocess.Popen(
        [sys.executable, "-m", "vanishing_post", "list"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.close()  # like `| head -0`: hang up before a line is read (it is importing)
    err = reader.stderr.read().decode()
    assert reader.wait(timeout=60) == 0, err
    assert "Traceback" not in err


@pytest.mark.parametrize("args", [["list"], ["numbers"], ["render", "decay", "--set", "steps=0"]])
def test_commands_that_draw_nothing_import_no_plotting_library_of_their_own(args, tmp_path):
    """What keeps ``list``, ``numbers`` and a refused value quick (bench/cli.py times them).

    A content module may import HoloViews at its top (an author's choice, costing only their
    site's ``list``); what the command adds beyond the content's own imports must be nothing.
    """
    probe = (
        "import contextlib, io, sys\n"
        "from vanishing_post.engine import cli, registry\n"
        "PLOTTING = ('holoviews', 'hvplot', 'panel', 'bokeh')\n"
        "registry.load(registry.content_modules(cli.SITE / 'conf.py'))\n"
        "before = {m for m in PLOTTING if m in sys.modules}\n"
        "quiet = io.StringIO()\n"
        "with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):\n"
        f"    cli.main({args!r})\n"
        "print(sorted(m for m in PLOTTING if m in sys.modules and m not in before))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.strip() == "[]", done.stderr


def test_the_cli_bench_times_each_command_it_is_given(capsys):
    from bench import cli as bench_cli

    assert bench_cli.main(["--runs", "1", "--only", "list", "refused value"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].split() == ["command", "median", "s", "slowest", "s", "target", "s"]
    assert [row.rsplit(None, 3)[0] for row in rows[1:]] == ["list", "refused value"]
