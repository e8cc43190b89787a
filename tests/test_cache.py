"""The figure cache on its own: what its keys depend on, and that a hit draws nothing."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from vanishing_post.engine.cache import FigureCache, sources_digest
from vanishing_post.engine.params import FigureError

DRAWING_LIBRARIES = ("numpy", "pandas", "holoviews", "hvplot", "panel", "bokeh", "matplotlib")
FIGURE = ("decay", {"steps": "12"}, "post-4", 4)


# A package laid out like ours: figure "decay" in curves.py (with maths.py), "bars" in bars.py,
# both looked up by embed.py through the registry.
PACKAGE = {
    "__init__.py": "",
    "content/__init__.py": "",
    "content/maths.py": "ONE = 1\n",
    "content/curves.py": "from pkg.content import maths\nDECAY = FigureSpec('decay')\n",
    "content/bars.py": "BARS = FigureSpec('bars')\n",
    "engine/__init__.py": "",
    "engine/registry.py": "FIGURES = {}\n",
    "engine/embed.py": "from pkg.engine.registry import FIGURES\nTEMPLATE = 'figure.html'\n",
    "engine/controls.js": "const x = 1;\n",
    "engine/templates/figure.html": "<figure></figure>\n",
}
C, E = "content", "engine"


def package(tmp_path: Path) -> Path:
    root = tmp_path / "pkg"
    for name, text in PACKAGE.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def drawing(div: str, calls: list[str]):
    def make() -> dict:
        calls.append(div)
        return {"div": div, "script": "<script></script>"}

    return make


def test_a_second_request_is_served_without_drawing(tmp_path: Path) -> None:
    cache, calls = FigureCache(tmp_path / "cache", package(tmp_path)), []
    first = cache.parts(*FIGURE, drawing("<div>drawn</div>", calls))
    again = FigureCache(tmp_path / "cache", cache.package).parts(*FIGURE, drawing("x", calls))
    assert first == again == {"div": "<div>drawn</div>", "script": "<script></script>"}
    assert calls == ["<div>drawn</div>"]
    assert [p.suffix for p in (tmp_path / "cache").iterdir()] == [".json"]


@pytest.mark.parametrize(
    "other",
    [
        ("sigmoid-tangent", {"steps": "12"}, "post-4", 4),
        ("decay", {"steps": "13"}, "post-4", 4),
        ("decay", {}, "post-4", 4),
        ("decay", {"steps": "12"}, "post-5", 4),
        ("decay", {"steps": "12"}, "post-4", 5),
    ],
)
def test_a_figure_with_other_inputs_has_another_key(tmp_path: Path, other) -> None:
    cache = FigureCache(tmp_path / "cache", package(tmp_path))
    assert cache.key(*FIGURE) != cache.key(*other)


@pytest.mark.parametrize(
    "edit,changes_the_key",
    [
        (lambda root: (root / C / "maths.py").write_text("ONE = 1.0\n"), True),
        (lambda root: (root / C / "curves.py").write_text(PACKAGE[f"{C}/curves.py"] + "#\n"), True),
        (lambda root: (root / E / "embed.py").write_text(PACKAGE[f"{E}/embed.py"] + "#\n"), True),
        (lambda root: (root / E / "templates" / "figure.html").write_text("<figure x>\n"), True),
        (lambda root: (root / C / "maths.py").rename(root / C / "algebra.py"), True),
        (lambda root: (root / C / "bars.py").write_text(PACKAGE[f"{C}/bars.py"] + "#\n"), False),
        (lambda root: (root / E / "controls.js").write_text("const x = 2;\n"), False),
        (lambda root: (root / C / "frames.py").write_text("\n"), False),
    ],
)
def test_an_edit_changes_the_keys_of_the_figures_made_from_it_only(
    tmp_path: Path, edit, changes_the_key: bool
) -> None:
    root = package(tmp_path)
    before = FigureCache(tmp_path / "cache", root).key(*FIGURE)
    digest = sources_digest(root)
    edit(root)
    assert sources_digest(root) != digest
    assert (FigureCache(tmp_path / "cache", root).key(*FIGURE) != before) == changes_the_key


def test_a_figure_the_sources_do_not_name_is_keyed_on_every_file(tmp_path: Path) -> None:
    root = package(tmp_path)
    before = FigureCache(tmp_path / "cache", root).key("nope", {}, "post-1", 1)
    (root / "content" / "bars.py").write_text(PACKAGE["content/bars.py"] + "# x\n")
    assert FigureCache(tmp_path / "cache", root).key("nope", {}, "post-1", 1) != before


def test_compiled_files_do_not_change_the_key(tmp_path: Path) -> None:
    root = package(tmp_path)
    digest = sources_digest(root)
    (root / "__pycache__").mkdir()
    (root / "__pycache__" / "maths.cpython-311.pyc").write_bytes(b"\0")
    assert sources_digest(root) == digest


def test_a_failed_drawing_leaves_no_entry(tmp_path: Path) -> None:
    cache = FigureCache(tmp_path / "cache", package(tmp_path))

    def broken() -> dict:
        raise ValueError("a bug in a figure")

    with pytest.raises(ValueError):
        cache.parts(*FIGURE, broken)
    assert not (tmp_path / "cache").exists() or list((tmp_path / "cache").iterdir()) == []


def test_a_mark_is_rewritten_only_when_its_value_changes(tmp_path: Path) -> None:
    cache = FigureCache(tmp_path / "cache", package(tmp_path))
    path = Path(cache.mark("figures", "on"))
    stamp = path.stat().st_mtime_ns
    assert cache.mark("figures", "on") == str(path) and path.stat().st_mtime_ns == stamp
    cache.mark("figures", "off")
    assert path.read_text() == "off"


def test_a_hit_on_the_real_package_imports_nothing_that_draws(tmp_path: Path) -> None:
    """Keys are worked out from the sources as text: no numpy, pandas or plotting library."""
    script = (
        "import sys\n"
        "from vanishing_post.engine.cache import FigureCache\n"
        f"cache = FigureCache({str(tmp_path)!r})\n"
        "for name in ('decay', 'activations', 'numbers'):\n"
        "    cache.parts(name, {}, 'post', 1, lambda: {'div': '<div></div>'})\n"
        "    assert cache.parts(name, {}, 'post', 1, None) == {'div': '<div></div>'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(sys.argv[1:])))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *DRAWING_LIBRARIES],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


DAMAGE = [
    # (what happened to a stored entry, its bytes now)
    ("cut short", lambda data: data[: len(data) // 2]),
    ("emptied", lambda data: b""),
    ("not text", lambda data: b"\xff\xfe\x00" + data),
    ("changed inside, still JSON", lambda data: data.replace(b"drawn", b"DRAWN")),
    ("another entry's bytes", lambda data: b'{"div": "<div>other</div>"}'),
]


@pytest.mark.parametrize("damage", [d[1] for d in DAMAGE], ids=[d[0] for d in DAMAGE])
def test_a_damaged_entry_is_drawn_again_never_served(tmp_path: Path, damage) -> None:
    cache, calls = FigureCache(tmp_path / "cache", package(tmp_path)), []
    cache.parts(*FIGURE, drawing("<div>drawn</div>", calls))
    (entry,) = (tmp_path / "cache").iterdir()
    entry.write_bytes(damage(entry.read_bytes()))
    again = FigureCache(tmp_path / "cache", cache.package)
    assert again.get(*FIGURE) is None
    assert again.parts(*FIGURE, drawing("<div>drawn</div>", calls))["div"] == "<div>drawn</div>"
    assert calls == ["<div>drawn</div>"] * 2
    assert FigureCache(tmp_path / "cache", cache.package).get(*FIGURE)["div"] == "<div>drawn</div>"


def test_a_cache_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    cache = FigureCache(tmp_path / "cache", package(tmp_path))
    cache.parts(*FIGURE, drawing("<div>drawn</div>", []))
    (entry,) = (tmp_path / "cache").iterdir()
    entry.unlink()
    entry.mkdir()  # an entry that is a folder: no build can read it
    with pytest.raises(FigureError, match=rf"figure cache {re.escape(str(entry))}: cannot be read"):
        cache.get(*FIGURE)


def test_a_cache_whose_folder_is_a_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("a file where the cache's folder should be")
    cache = FigureCache(tmp_path / "cache", package(tmp_path))
    with pytest.raises(FigureError, match=r"figure cache .*: cannot be read \(Not a directory\)"):
        cache.parts(*FIGURE, drawing("<div>drawn</div>", []))


def test_a_full_disk_is_named_and_leaves_no_part_behind(tmp_path: Path, monkeypatch) -> None:
    import errno
    import os

    cache = FigureCache(tmp_path / "cache", package(tmp_path))
    opened = os.fdopen

    class Full:
        """A file the disk has no room for: opened, but every write fails."""

        def __init__(self, *args, **kwargs) -> None:
            self.file = opened(*args, **kwargs)

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            self.file.close()

        def write(self, data: bytes) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", Full)
    with pytest.raises(FigureError, match=r"cannot be written \(No space left on device\)"):
        cache.parts(*FIGURE, drawing("<div>drawn</div>", []))
    monkeypatch.undo()
    assert list((tmp_path / "cache").iterdir()) == []
