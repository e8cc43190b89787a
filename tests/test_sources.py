"""Which package files a figure is made from (vanishing_post/sources.py): read from the sources,
checked against what really runs and what is really read when the figure is drawn."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from tests.studios import studio_in_thread
from vanishing_post.engine.registry import FIGURES
from vanishing_post.engine.sources import PACKAGE, Sources, figure_files, package_files, twin_files

# A small package laid out like ours: an engine (registry, the rendering path: embed, twins)
# that imports no content, and content modules that register their figures with it.
FAKE = {
    "__init__.py": "",
    "engine/__init__.py": "",
    "engine/params.py": "class FigureSpec:\n    pass\n",
    "engine/registry.py": (
        "from pkg.engine.params import FigureSpec\nFIGURES = {}\n"
        "def register(spec):\n    return spec\n"
    ),
    "engine/embed.py": (
        "from pkg.engine.registry import FIGURES\nfrom pkg.engine import params\n"
        "def page_js():\n    return open('controls.js').read()\n"
        "TEMPLATE = 'figure.html'\n"
    ),
    "engine/twins.py": "from pkg.engine.registry import FIGURES\n",
    "engine/site_paths.py": "FOLDER = 'figures'\n",
    "engine/cli.py": "from pkg.engine.registry import FIGURES\nHELP = 'unused.html'\n",
    "engine/controls.js": "const x = 1;\n",
    "engine/templates/figure.html": "{% include 'caption.html' %}\n",
    "engine/templates/caption.html": "<figcaption></figcaption>\n",
    "engine/templates/unused.html": "<p></p>\n",
    "content/__init__.py": "",
    "content/maths.py": "ONE = 1\n",
    "content/frames.py": "from pkg.content import maths\n",
    "content/curves.py": (
        "from pkg.engine.params import FigureSpec\n"
        "from pkg.engine.registry import register\n"
        "import pkg.content.frames\n"
        "def build(v):\n    from pkg.content import shading\n    return shading\n"
        "register(FigureSpec('curve', build))\n"
    ),
    "content/shading.py": "from .colours import RED\n",
    "content/colours.py": "RED = 'red'\n",
    "content/bars.py": (
        "from pkg.engine import params, registry\nfrom pkg.content.counts import COUNT\n"
        "registry.register(params.FigureSpec(name='bar', build=None))\n"
    ),
    "content/counts.py": "COUNT = len(open('counts.csv').read())\n",
    "content/data/counts.csv": "3\n",
}
SHARED = {
    "__init__.py",
    "engine/__init__.py",
    "engine/params.py",
    "engine/embed.py",
    "engine/site_paths.py",
    "engine/registry.py",
    "content/__init__.py",
}
TEMPLATES = {"engine/templates/figure.html", "engine/templates/caption.html"}


def fake(tmp_path: Path, changes: dict[str, str] | None = None) -> Path:
    """The fake package in ``tmp_path/pkg``, with ``changes`` (path -> text) applied."""
    root = tmp_path / "pkg"
    files = {**FAKE, **(changes or {})}
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def names(root: Path, files: frozenset[Path]) -> set[str]:
    return {p.relative_to(root.resolve()).as_posix() for p in files}


@pytest.mark.parametrize(
    "figure,made_from",
    [
        # its module, what that imports (at the top, inside a function, relatively, as
        # `import pkg.x`), the rendering path and the templates it names: not the other figure's
        (
            "curve",
            {f"content/{m}.py" for m in ("curves", "frames", "maths", "shading", "colours")},
        ),
        # a data file it names
        ("bar", {"content/bars.py", "content/counts.py", "content/data/counts.csv"}),
    ],
)
def test_a_figure_is_made_from_its_module_its_imports_and_the_rendering_path(
    tmp_path: Path, figure: str, made_from: set[str]
) -> None:
    root = fake(tmp_path)
    assert names(root, figure_files(figure, root)) == made_from | SHARED | TEMPLATES


def test_a_twin_is_made_from_its_page_fragment_the_studio_and_the_page_script(
    tmp_path: Path,
) -> None:
    """A twin is a picture of the figure's fragment drawn on a page with the site's script."""
    root = fake(tmp_path)
    expected = names(root, figure_files("bar", root)) | {"engine/twins.py", "engine/controls.js"}
    assert names(root, twin_files("bar", root)) == expected


def test_a_content_module_depends_on_the_content_it_imports_not_on_other_figures(
    tmp_path: Path,
) -> None:
    bars = FAKE["content/bars.py"] + "from pkg.content.shading import RED\n"
    root = fake(tmp_path, {"content/bars.py": bars})
    assert {"content/shading.py", "content/colours.py"} <= names(root, figure_files("bar", root))
    assert "content/curves.py" not in names(root, figure_files("bar", root))
    assert "content/counts.py" not in names(root, figure_files("curve", root))


@pytest.mark.parametrize(
    "figure",
    [
        "nope",  # no FigureSpec names it: the shortcode reports it, the cache keys it on all
        "curve",  # a module names its figure by a computed name: it may be any figure
    ],
)
def test_in_doubt_a_figure_is_made_from_more(tmp_path: Path, figure: str) -> None:
    computed = "from pkg.engine.params import FigureSpec\nNAME = 'curve'\nX = FigureSpec(NAME)\n"
    root = fake(tmp_path, {"content/dots.py": computed})
    found = names(root, figure_files(figure, root))
    assert "content/dots.py" in found
    if figure == "nope":
        assert found == names(root, frozenset(package_files(root)))


def test_scripts_and_unnamed_templates_are_in_no_figure(tmp_path: Path) -> None:
    root = fake(tmp_path)
    for figure in ("curve", "bar"):
        found = names(root, figure_files(figure, root))
        assert not found & {"engine/controls.js", "engine/templates/unused.html", "engine/cli.py"}


def test_compiled_and_hidden_files_are_no_package_files(tmp_path: Path) -> None:
    hidden = {"content/__pycache__/curves.cpython-311.pyc": "", "content/.curves.py.swp": ""}
    root = fake(tmp_path, hidden)
    assert names(root, frozenset(package_files(root))) == set(FAKE)


def test_sources_are_read_once_for_many_questions(tmp_path: Path) -> None:
    root = fake(tmp_path)
    sources = Sources(root)
    first = sources.figure_files("curve")
    (root / "content" / "colours.py").unlink()
    assert sources.figure_files("curve") == first
    assert "content/colours.py" not in names(root, Sources(root).figure_files("curve"))


# The real package: every registered figure, checked against Python's own view of it.


def package_module(value: object) -> types.ModuleType | None:
    """The package module ``value`` is, or was defined in."""
    module = value if isinstance(value, types.ModuleType) else None
    if module is None:
        module = sys.modules.get(getattr(value, "__module__", None) or "")
    name = getattr(module, "__name__", "")
    return module if name.split(".")[0] == PACKAGE.name else None


def imported_closure(modules: list[types.ModuleType]) -> set[Path]:
    """The files of ``modules`` and of every package module or function their globals hold,
    transitively (the registry's figures dicts hold no module: lookups stay leaves)."""
    seen: set[Path] = set()
    todo = list(modules)
    while todo:
        module = todo.pop()
        path = Path(module.__file__).resolve()
        if path in seen:
            continue
        seen.add(path)
        todo.extend(m for v in vars(module).values() if (m := package_module(v)) is not None)
    return seen


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_a_figure_is_made_from_its_functions_modules_and_all_they_import(name: str) -> None:
    spec = FIGURES[name]
    functions = [spec.build, spec.check, spec.draw, spec.describe]
    modules = [m for f in functions if f is not None and (m := _made_by(f)) is not None]
    assert modules, f"{name}: its functions are in no package module"
    assert imported_closure(modules) <= figure_files(name)
    drawing = [package_module(spec.draw)] if spec.draw is not None else []
    assert imported_closure(drawing) <= twin_files(name)


USED: list[set[Path]] = []  # while a figure is drawn: the package files it runs or opens


def _opened(event: str, args: tuple) -> None:
    """An audit hook (it cannot be removed): records only while a drawing is watched."""
    if USED and event == "open" and isinstance(args[0], str | Path):
        # Python's compiled copies are written on a first import: not what a figure reads
        if str(args[0]).startswith(str(PACKAGE)) and "__pycache__" not in str(args[0]):
            USED[-1].add(Path(args[0]).resolve())


def _called(frame: types.FrameType, event: str, arg: object) -> None:
    if event == "call" and frame.f_code.co_filename.startswith(str(PACKAGE)):
        USED[-1].add(Path(frame.f_code.co_filename).resolve())


def watched(make) -> set[Path]:
    """The package files whose code runs, or which are opened, while ``make()`` runs."""
    if _opened not in HOOKS:
        sys.addaudithook(_opened)
        HOOKS.append(_opened)
    USED.append(set())
    sys.setprofile(_called)
    try:
        make()
    finally:
        sys.setprofile(None)
    return USED.pop()


HOOKS: list = []


@pytest.fixture(scope="module")
def studio():
    with studio_in_thread() as opened:
        yield opened


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_drawing_a_figure_runs_and_reads_only_files_it_is_made_from(name: str, studio) -> None:
    """What really happens, whatever the imports say: the fragment, then its twin (a studio
    that has drawn other figures already, as in a build)."""
    from vanishing_post.engine import embed
    from vanishing_post.engine.markup import environment

    environment().cache.clear()  # Jinja keeps the templates it read for another figure
    html: list[str] = []
    fragment = watched(lambda: html.append(embed.figure_html(name, None, key="made-from")))
    assert fragment and fragment <= figure_files(name), fragment - figure_files(name)
    assert not [line for line in script_lines() if line in html[0]]
    if FIGURES[name].draw is not None:
        twin = studio.run(lambda opened: watched(lambda: opened.photograph(name, html[0])))
        assert twin and twin <= twin_files(name), twin - twin_files(name)


def script_lines() -> set[str]:
    """The package's scripts' longer lines of code: what a fragment inlining one would hold."""
    return {
        line.strip()
        for path in PACKAGE.rglob("*.js")
        for line in path.read_text().splitlines()
        if len(line.strip()) >= 40 and not line.strip().startswith("//")
    }


def test_every_script_goes_into_a_page_wide_script() -> None:
    """Why no figure is made from a .js file: each goes, whole, into vg-controls.js or
    vg-first.js (and no fragment holds one, checked with each figure above)."""
    from vanishing_post.engine.scripts import first_js, page_js

    scripts = sorted(PACKAGE.rglob("*.js"))
    assert scripts and script_lines()
    page_wide = page_js() + first_js()
    assert [p.name for p in scripts if p.read_text() not in page_wide] == []


@pytest.mark.parametrize(
    "edited,redrawn",
    [
        ("engine/embed.py", "all"),
        ("engine/params.py", "all"),
        ("engine/twins.py", "none"),  # how twins are drawn: no fragment
        ("engine/site_paths.py", "all"),  # where they are: every fragment names its twins
        ("engine/templates/figure.html", "all"),
        ("engine/registry.py", "all"),
        ("engine/cli.py", "none"),
        ("engine/urlstate.js", "none"),
    ],
)
def test_an_edit_to_an_engine_file_redraws_the_figures_made_from_it(
    edited: str, redrawn: str
) -> None:
    expected = set(FIGURES) if redrawn == "all" else set()
    path = (PACKAGE / edited).resolve()
    assert path.is_file()
    assert {n for n in FIGURES if path in figure_files(n)} == expected


def _made_by(function: object) -> types.ModuleType | None:
    """The package module a figure's function comes from: its own, or (a function the
    ``@figure`` decorator wrapped) the decorated function's, found in its closure."""
    for cell in getattr(function, "__closure__", None) or ():
        inner = cell.cell_contents
        if callable(inner) and getattr(inner, "__module__", "").startswith(
            "vanishing_post.content"
        ):
            return package_module(inner)
    return package_module(function)


def test_no_fragment_is_redrawn_for_an_edit_to_how_twins_are_drawn() -> None:
    twins = (PACKAGE / "engine" / "twins.py").resolve()
    assert not any(twins in figure_files(n) for n in FIGURES)
    assert all(twins in twin_files(n) for n in FIGURES if FIGURES[n].draw is not None)


def test_every_twin_is_redrawn_for_an_edit_to_the_page_fragment_path() -> None:
    embed = (PACKAGE / "engine" / "embed.py").resolve()
    assert all(embed in twin_files(n) for n in FIGURES if FIGURES[n].draw is not None)
