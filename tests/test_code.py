"""The code under a figure (engine/code.py): read from the content that makes it, as one script
that defines all it uses and imports nothing of the package, ending in the call with the
figure's values; engine code left out, and code that cannot be shown a one-line error."""

from __future__ import annotations

import ast
import builtins
import html
import itertools
import re
import symtable
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from vanishing_post.engine import registry
from vanishing_post.engine.code import code_files, code_function, code_parts, python_value, script
from vanishing_post.engine.embed import figure_html
from vanishing_post.engine.params import FigureError
from vanishing_post.engine.sources import figure_files

FIGURES = sorted(registry.FIGURES)
PACKAGE = "vanishing_post"


def _script(name: str) -> str:
    spec = registry.FIGURES[name]
    return script(spec, spec.values({}))


def _undefined(text: str) -> set[str]:
    """The names a script reads that it neither defines, imports nor has as a builtin."""
    table = symtable.symtable(text, "<shown>", "exec")
    top = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}

    def read(scope: symtable.SymbolTable) -> set[str]:
        names = {
            s.get_name()
            for s in scope.get_symbols()
            if s.is_referenced() and (scope.get_type() == "module" or s.is_global())
        }
        return names.union(*(read(child) for child in scope.get_children()))

    return {n for n in read(table) - top if not hasattr(builtins, n)}


@pytest.mark.parametrize("name", FIGURES)
def test_a_figure_s_code_defines_or_imports_every_name_it_reads(name: str) -> None:
    assert _undefined(_script(name)) == set()


@pytest.mark.parametrize("name", FIGURES)
def test_a_figure_s_code_imports_nothing_of_the_package(name: str) -> None:
    text = _script(name)
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            assert all(a.name.partition(".")[0] != PACKAGE for a in node.names), node.names
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0 and (node.module or "").partition(".")[0] != PACKAGE
    assert "holoviews()" not in text and "@figure" not in text


@pytest.mark.parametrize("name", FIGURES)
def test_a_figure_s_code_defines_each_name_once(name: str) -> None:
    tree = ast.parse(_script(name))
    bound = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            bound.append(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound += [a.asname or a.name.partition(".")[0] for a in node.names]
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            bound += [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    assert sorted(bound) == sorted(set(bound))


def _call_values(text: str) -> tuple[str, dict[str, object], dict[str, object]]:
    """The function the script's last line calls, the values it gives it, and the frame it
    selects (``.select(...)``), read back as Python reads them."""
    call = ast.parse(text).body[-1].value
    frame: dict[str, object] = {}
    if isinstance(call.func, ast.Attribute) and call.func.attr == "select":
        frame = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
        call = call.func.value
    keywords = call.keywords
    if call.args:  # draw(dict(...)): one mapping of the values
        (mapping,) = call.args
        assert isinstance(mapping, ast.Call) and mapping.func.id == "dict"
        keywords = mapping.keywords
    return call.func.id, {k.arg: ast.literal_eval(k.value) for k in keywords}, frame


@pytest.mark.parametrize("name", FIGURES)
def test_a_figure_s_code_ends_calling_its_function_with_the_figure_s_values(name: str) -> None:
    spec = registry.FIGURES[name]
    for raw in ({}, _other_values(name)):
        values = spec.values(raw)
        called, given, frame = _call_values(script(spec, values))
        assert called == code_function(spec).__name__
        assert given == values and [type(v) for v in given.values()] == [
            p.kind for p in spec.params
        ]
        controls = {p.name: values[p.name] for p in spec.params if p.control}
        assert frame == (controls if spec.framed else {})


def _other_values(name: str) -> dict[str, str]:
    """Each parameter at a value other than its default, as an author writes it, where the
    figure's own rules allow one (the first combination they do)."""
    spec = registry.FIGURES[name]
    options = []
    for p in spec.params:
        if p.choices:
            others = [c for c in p.choices if c != p.default]
        elif p.kind is int:
            step = int(p.step or 1)
            others = [str(p.default + step), str(p.default - step)]
        else:
            others = [repr(float(p.default) + 0.5), repr(float(p.default) - 0.5)]
        options.append([(p.name, o) for o in others] or [(p.name, str(p.default))])
    for raw in itertools.product(*options):
        try:
            spec.values(dict(raw))
        except FigureError:
            continue
        return dict(raw)
    raise AssertionError(f"figure '{name}': no other values its rules allow")


@pytest.mark.parametrize("name", FIGURES)
def test_a_figure_s_code_is_read_from_files_its_fragment_is_made_from(name: str) -> None:
    """An edit to what the code shows draws the figure again (its cache key holds them)."""
    assert code_files(registry.FIGURES[name]) <= figure_files(name)


@pytest.mark.parametrize("name", FIGURES)
def test_the_highlighted_code_reads_as_the_script_and_marks_each_value(name: str) -> None:
    spec = registry.FIGURES[name]
    values = spec.values({})
    parts = code_parts(spec, values)
    body = html.unescape(re.sub(r"<[^>]+>", "", parts["body"]))
    assert body + "".join(p["text"] for p in parts["call"]) == script(spec, values)
    assert re.fullmatch(r'(<span class="\w+">[^<]*</span>|[^<])*', parts["body"], re.S)
    shown = [(p["param"], p["kind"], p["text"]) for p in parts["call"] if "param" in p]
    wanted = [(p.name, p.kind.__name__, python_value(p.kind, values[p.name])) for p in spec.params]
    if spec.framed:
        wanted += [w for w, p in zip(wanted, spec.params, strict=True) if p.control]
    assert shown == wanted


@pytest.mark.parametrize(
    ("kind", "value", "written"),
    [
        (float, -6, "-6.0"),
        (float, 2.7, "2.7"),
        (float, 0.1 + 0.2, "0.30000000000000004"),
        (float, 1e-05, "1e-05"),
        (float, 1e16, "1e+16"),
        (int, 20, "20"),
        (int, 4294967295, "4294967295"),
        (str, "log", "'log'"),
        (str, "it's", '"it\'s"'),
    ],
)
def test_a_value_is_written_as_python_writes_it(kind: type, value: object, written: str) -> None:
    assert python_value(kind, value) == written
    assert ast.literal_eval(written) == kind(value)


# --- the code argument: every figure's, yes or no


@pytest.mark.parametrize(
    ("raw", "shown"), [({}, True), ({"code": "yes"}, True), ({"code": "no"}, False)]
)
def test_code_yes_or_no_says_whether_the_page_shows_the_code(raw: dict, shown: bool) -> None:
    spec = registry.FIGURES["decay"]
    assert spec.shows_code(raw) is shown
    assert "code" not in spec.values(raw)
    fragment = figure_html("decay", raw, key="t-1")
    assert ('<details class="vg-code" id="t-1-code">' in fragment) is shown


def test_the_page_shows_the_script_for_the_shortcode_s_values() -> None:
    raw = {"steps": "10", "x": "3", "scale": "log", "title": "Ten steps"}
    fragment = figure_html("decay", raw, key="t-1")
    code = re.search(r'<details class="vg-code".*?<code>(.*?)</code>', fragment, re.S).group(1)
    spec = registry.FIGURES["decay"]
    assert html.unescape(re.sub(r"<[^>]+>", "", code)) == script(spec, spec.values(raw))
    assert code.endswith(
        '<span class="mi" data-param="steps" data-kind="int">10</span>, x'
        '<span class="o">=</span><span class="mf" data-param="x" data-kind="float">3.0</span>, '
        'scale<span class="o">=</span><span class="s1" data-param="scale" data-kind="str">'
        "&#39;log&#39;</span>))"
    )


@pytest.mark.parametrize("value", ["maybe", "", "No", 1])
def test_code_takes_yes_or_no_and_says_so_in_one_line(value: object) -> None:
    with pytest.raises(FigureError) as caught:
        registry.FIGURES["decay"].values({"code": value})
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("figure 'decay', parameter 'code': ")
    assert message.endswith("allowed: one of yes, no")


# --- what is shown, and what cannot be: content of a test's own, a package beside ours

HEADER = """
import numpy as np
import param

from {package} import helpers
from vanishing_post.engine.figure import figure
from vanishing_post.engine.render import holoviews, render

STOP = param.Number(1.0, bounds=(0.0, 2.0), step=0.5, precedence=-1)
"""
HELPERS = """
import numpy as np

# how much each point is scaled
SCALE = 2.0
LIMIT = 3


def doubled(x):
    return SCALE * np.asarray(x)


def clipped(x):
    return np.minimum(doubled(x), LIMIT)
"""
SHOWN = '''
@figure(
    "{name}",
    title="A test's figure",
    stop=STOP,
)
def shown(stop):
    """Two points, doubled."""
    hv = holoviews()
    return hv.Curve(helpers.clipped(np.array([0.0, stop])))
'''
UNSHOWABLE = {
    "the engine's rendering": (
        "@figure('{name}', title='t', stop=STOP)\ndef shown(stop):\n    return render(stop)\n",
        "its code uses the engine's 'render', allowed: content a reader would write",
    ),
    "a name defined twice": (
        "LIMIT = 4\n\n\n@figure('{name}', title='t', stop=STOP)\ndef shown(stop):\n"
        "    return helpers.clipped(stop) + LIMIT\n",
        "its code defines 'LIMIT' twice",
    ),
    "a content name the code also takes for its own": (
        "@figure('{name}', title='t', stop=STOP)\ndef shown(stop):\n"
        "    doubled = 2\n    return helpers.doubled(stop) * doubled\n",
        "'helpers.doubled' would be 'doubled', a name its code also gives something of its own",
    ),
    "the package imported inside the function": (
        "@figure('{name}', title='t', stop=STOP)\ndef shown(stop):\n"
        "    from {package} import helpers as mine\n    return mine.doubled(stop)\n",
        "imports the package inside its code",
    ),
    "a content name imported under another": (
        "from {package}.helpers import doubled as twice\n\n\n"
        "@figure('{name}', title='t', stop=STOP)\ndef shown(stop):\n    return twice(stop)\n",
        "its code imports 'doubled' of {package}.helpers as 'twice'",
    ),
    "a content module itself": (
        "@figure('{name}', title='t', stop=STOP)\ndef shown(stop):\n    return helpers\n",
        "its code uses a content module (helpers) itself",
    ),
    "a name defined only if something holds": (
        "if np.pi > 3:\n    EXTRA = 1\n\n\n@figure('{name}', title='t', stop=STOP)\n"
        "def shown(stop):\n    return EXTRA\n",
        "its code uses 'EXTRA', which {package}.figures does not define at its top",
    ),
    "a lambda": (
        "figure('{name}', title='t', stop=STOP)(lambda stop: stop)\n",
        "its code is '<lambda>' of {package}.figures, allowed: a function defined at the top",
    ),
}


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable]:
    """``content(figures)``: a content package of a test's own (``helpers`` and ``figures``,
    whose ``{package}`` and ``{name}`` are filled in) imported, and its figure's spec; every
    figure it registers is taken out of the registry again afterwards."""
    before = set(registry.FIGURES)
    made: list[str] = []

    def make(figures: str) -> object:
        package = f"shown_content_{len(made)}_{abs(hash(tmp_path)) % 10**8}"
        name = f"t-{package.replace('_', '-')}"
        folder = tmp_path / package
        folder.mkdir()
        (folder / "__init__.py").write_text("")
        (folder / "helpers.py").write_text(HELPERS)
        (folder / "figures.py").write_text(
            (HEADER + figures).replace("{package}", package).replace("{name}", name)
        )
        monkeypatch.syspath_prepend(str(tmp_path))
        made.append(package)
        __import__(f"{package}.figures")
        return registry.FIGURES[name]

    yield make
    for name in set(registry.FIGURES) - before:
        del registry.FIGURES[name]
    for module in [m for m in sys.modules if m.partition(".")[0] in made]:
        del sys.modules[module]


def test_the_code_is_content_as_written_without_the_engine(content) -> None:
    spec = content(SHOWN)
    text = script(spec, spec.values({}))
    assert text.startswith("import holoviews as hv\nimport hvplot.pandas\nimport numpy as np\n")
    assert "param" not in text and "figure" not in text and "holoviews()" not in text
    helpers = textwrap.dedent(HELPERS).split("import numpy as np\n")[1].strip()
    assert helpers in text  # as written, its comment too
    assert text.endswith(
        'def shown(stop):\n    """Two points, doubled."""\n'
        "    return hv.Curve(clipped(np.array([0.0, stop])))\n\n\nshown(stop=1.0)"
    )
    space: dict = {}
    exec(compile(text.rpartition("\n\n\n")[0], "<shown>", "exec"), space)
    assert list(space["shown"](stop=1.0).dimension_values(1)) == [0.0, 2.0]


@pytest.mark.parametrize("case", list(UNSHOWABLE))
def test_code_that_cannot_be_shown_is_one_line_naming_the_figure(content, case: str) -> None:
    figures, expected = UNSHOWABLE[case]
    spec = content(figures)
    package = spec.code.__module__.partition(".")[0] if spec.code else ""
    with pytest.raises(FigureError) as caught:
        script(spec, spec.values({}))
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"figure '{spec.name}': ")
    assert expected.replace("{package}", package) in message
    assert message.endswith(", or code=no on the shortcode")
