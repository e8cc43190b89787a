"""The twins' studio: a figure's own fragment drawn by BokehJS in headless Chromium, its plots
photographed (PNG) or exported (SVG); which Chromium, and what is said when there is none."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from tests.processes import descendants
from tests.studios import studio_in_thread
from vanishing_post.engine.embed import figure_html
from vanishing_post.engine.registry import FIGURES as REGISTRY
from vanishing_post.engine.twins import (
    CHROMIUM_ENV,
    SCALE,
    WIDTHS,
    TwinError,
    find_chromium,
    intact,
    read_layout,
    save,
    write,
)

pytestmark = pytest.mark.slow  # a real build, a browser or the drawing processes


@pytest.fixture(scope="module")
def studio():
    with studio_in_thread() as opened:
        yield opened


def _fragment(name: str, **raw: str) -> str:
    return figure_html(name, raw, key="post-1", number=1)


def _program(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


@pytest.mark.parametrize(
    ("on_path", "named", "found"),
    [
        (["chromium", "chromium-headless-shell"], None, "chromium"),
        (["chromium-headless-shell"], None, "chromium-headless-shell"),
        (["chromium"], None, "chromium"),
        (["google-chrome"], None, "google-chrome"),
        (["chromium"], "mine", "mine"),
        ([], None, None),
    ],
)
def test_the_browser_is_the_one_named_else_chromium_on_the_path(tmp_path, on_path, named, found):
    for name in on_path:
        _program(tmp_path, name)
    environ = {"PATH": str(tmp_path)}
    if named:
        environ[CHROMIUM_ENV] = str(_program(tmp_path / "..", named))
    result = find_chromium(environ)
    assert (Path(result).name if result else None) == found


@pytest.mark.parametrize("named", ["/nowhere/chromium", "notes.txt"])
def test_a_named_browser_that_is_not_a_program_is_one_line_saying_what_to_do(tmp_path, named):
    (tmp_path / "notes.txt").write_text("not a program")
    named = str(tmp_path / named) if not named.startswith("/") else named
    with pytest.raises(TwinError) as caught:
        find_chromium({CHROMIUM_ENV: named, "PATH": ""})
    assert named in str(caught.value) and "apt-get install chromium" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_no_browser_at_all_is_one_line_saying_how_to_install_one(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv(CHROMIUM_ENV, raising=False)
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    before = descendants()
    with pytest.raises(TwinError) as caught, studio_in_thread():
        pass
    message = str(caught.value)
    assert "no Chromium" in message and "playwright install chromium" in message
    assert "\n" not in message
    assert descendants(before, settle_s=5) == {}


@pytest.mark.parametrize("name", ["decay", "side-by-side", "activations"])
def test_each_twin_is_the_plots_at_the_columns_width_in_twice_the_pixels(studio, name):
    pictures = studio.photograph(name, _fragment(name))
    assert set(pictures) == set(WIDTHS)
    for width, png in pictures.items():
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG" and image.width == SCALE * WIDTHS[width][1]
        assert len(image.convert("RGB").getcolors(1 << 20)) > 8  # lines and text, not blank


def test_the_controls_are_not_in_the_picture_only_the_plots(studio):
    with_controls = Image.open(io.BytesIO(studio.photograph("decay", _fragment("decay"))["wide"]))
    # the plot's own aspect (640 x 400 scaled to the column), not the plot plus three controls
    assert abs(with_controls.height / with_controls.width - 400 / 640) < 0.02


def test_side_by_side_panels_stack_on_the_phone_twin(studio):
    pictures = studio.photograph("side-by-side", _fragment("side-by-side"))
    wide, narrow = (Image.open(io.BytesIO(pictures[w])) for w in ("wide", "narrow"))
    assert wide.width > wide.height  # three panels in a row
    assert narrow.height > 2 * narrow.width  # three panels one above the other


def test_the_same_fragment_gives_the_same_bytes(studio):
    first = studio.photograph("compression", _fragment("compression"))
    studio.photograph("decay", _fragment("decay"))  # another figure between
    assert studio.photograph("compression", _fragment("compression")) == first


def test_the_picture_follows_the_values(studio):
    assert studio.photograph("decay", _fragment("decay", steps="3")) != studio.photograph(
        "decay", _fragment("decay", steps="30")
    )


def test_figures_drawn_at_once_give_what_each_gives_alone(studio):
    figures = [(name, _fragment(name)) for name in ("decay", "numbers", "side-by-side")]
    broken = ("breaks", '<div class="vg-bokeh"></div><script>throw new Error("no")</script>')
    together = studio.shoot_many([*figures, broken])
    assert isinstance(together[-1], TwinError) and "'breaks'" in str(together[-1])
    assert together[:-1] == [studio.shoot(name, html) for name, html in figures]
    assert [png is None for png, _ in together[1].values()] == [True, True]  # a table


# The plot views a studio page holds, found as DevTools finds objects, after a garbage
# collection (a view has its own model, its class's prototype does not).
PLOT_VIEWS = "Bokeh.require('models/plots/plot').PlotView.prototype"
OWN_VIEWS = "function () { return this.filter((v) => Object.hasOwn(v, 'model')).length; }"


def _plot_views(page) -> int:
    devtools = page.context.new_cdp_session(page)
    try:
        devtools.send("HeapProfiler.collectGarbage")
        found = devtools.send("Runtime.evaluate", {"expression": PLOT_VIEWS})["result"]
        views = devtools.send("Runtime.queryObjects", {"prototypeObjectId": found["objectId"]})
        return devtools.send(
            "Runtime.callFunctionOn",
            {
                "objectId": views["objects"]["objectId"],
                "functionDeclaration": OWN_VIEWS,
                "returnByValue": True,
            },
        )["result"]["value"]
    finally:
        devtools.detach()


def test_a_studio_holds_no_more_of_the_figures_it_drew_however_many(studio):
    """BokehJS keeps a plot it drew alive, canvases and all (40 MB a figure), unless the studio
    lets it go as the next figure comes: after every figure twice, each page holds no more
    plot views than after every figure once."""
    plots = [name for name, spec in REGISTRY.items() if spec.draw is not None]
    pages = studio.run(lambda opened: list(opened._sets[0].values()))
    held = []
    for _ in range(2):
        for number, name in enumerate(plots, 1):  # each its own figure, as on a site's pages
            studio.photograph(name, figure_html(name, {}, key=f"post-{number}", number=number))
        held.append([studio.run(lambda _, page=page: _plot_views(page)) for page in pages])
    once, twice = held
    assert all(views > 0 for views in once) and twice == once, held


def test_a_fragment_bokehjs_cannot_draw_is_named_in_one_line(studio):
    broken = '<div class="vg-bokeh"></div><script>throw new Error("it breaks")</script>'
    with pytest.raises(TwinError) as caught:
        studio.photograph("breaks", broken)
    assert str(caught.value).startswith("figure 'breaks': BokehJS could not draw it")
    assert "it breaks" in str(caught.value) and "\n" not in str(caught.value)


def test_a_table_has_nothing_to_photograph_but_its_layout_is_measured(studio):
    with pytest.raises(TwinError, match="figure 'numbers': no plot to photograph"):
        studio.photograph("numbers", _fragment("numbers"))
    for width, (png, layout) in studio.shoot("numbers", _fragment("numbers")).items():
        assert png is None and layout["width"] == WIDTHS[width][1] and layout["height"] > 0


def test_save_writes_every_width_whole(tmp_path):
    paths = {"wide": tmp_path / "a.png", "narrow": tmp_path / "sub" / "a-narrow.png"}
    save({"wide": b"wide", "narrow": b"narrow"}, paths)
    assert [p.read_bytes() for p in paths.values()] == [b"wide", b"narrow"]
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["a-narrow.png", "a.png"]


def test_save_writes_none_when_one_cannot_be_written(tmp_path):
    (tmp_path / "taken").write_text("a file where a folder should be")
    paths = {"wide": tmp_path / "a.png", "narrow": tmp_path / "taken" / "a-narrow.png"}
    with pytest.raises(OSError):
        save({"wide": b"wide", "narrow": b"narrow"}, paths)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def test_save_replaces_a_link_planted_at_the_place_instead_of_writing_through_it(tmp_path):
    target = tmp_path / "elsewhere"
    target.write_bytes(b"not ours")
    (tmp_path / "a.png").symlink_to(target)
    save({"wide": b"ours"}, {"wide": tmp_path / "a.png"})
    assert target.read_bytes() == b"not ours"
    assert not (tmp_path / "a.png").is_symlink() and (tmp_path / "a.png").read_bytes() == b"ours"


def test_the_svg_is_one_document_of_the_plots_drawn_by_bokehs_svg_backend(tmp_path):
    from bokeh.models import Plot

    from vanishing_post.engine.registry import FIGURES
    from vanishing_post.engine.render import model_parts, of_type

    spec = FIGURES["side-by-side"]
    model = spec.build(spec.values({}))
    for plot in of_type(model_parts(model), Plot):
        plot.output_backend = "svg"
    html = figure_html("side-by-side", {}, key="post-1", model=model)
    with studio_in_thread() as studio:
        svg = studio.svg("side-by-side", html)
    assert svg.startswith("<?xml") and svg.count("<svg") == 1
    assert all(title in svg for title in ("sigmoid(x)", "gradient"))


def test_the_studio_leaves_no_browser_behind():
    before = descendants()
    with studio_in_thread() as studio:
        assert any("chrom" in command for command in descendants(before).values())
        studio.close()  # twice is harmless
    assert descendants(before, settle_s=5) == {}


def _png(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), colour).save(out, "PNG")
    return out.getvalue()


DAMAGE = [
    # (what happened after the twins were drawn, done to the files by width or "layout")
    ("a twin cut short", "wide", lambda p: p.write_bytes(p.read_bytes()[:20])),
    ("a twin replaced by another picture", "narrow", lambda p: p.write_bytes(_png("red"))),
    ("a twin gone", "wide", lambda p: p.unlink()),
    ("the layout cut short", "layout", lambda p: p.write_bytes(p.read_bytes()[:9])),
    ("the layout emptied", "layout", lambda p: p.write_bytes(b"")),
]


@pytest.mark.parametrize(("part", "damage"), [d[1:] for d in DAMAGE], ids=[d[0] for d in DAMAGE])
def test_twins_not_as_drawn_are_not_kept(tmp_path, part, damage):
    twins = {"wide": tmp_path / "a.png", "narrow": tmp_path / "a-narrow.png"}
    layout = tmp_path / "a.json"
    box = {"controls": 10.0, "width": 4.0, "height": 3.0}
    measured = write({w: (_png("blue"), box) for w in twins}, twins, layout)
    assert intact(layout, twins) and read_layout(layout) == measured
    damage(layout if part == "layout" else twins[part])
    assert not intact(layout, twins)


def test_a_tables_layout_is_kept_while_it_is_whole(tmp_path):
    layout = tmp_path / "t.json"
    write({"wide": (None, {"controls": 0.0, "width": 300.0, "height": 90.0})}, None, layout)
    assert intact(layout, None)
    layout.write_text('{"wide": 3}')
    assert not intact(layout, None) and read_layout(layout) is None
