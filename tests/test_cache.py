"""The figure cache on its own: what its keys depend on, and that a hit draws nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from vanishing_post.cache import FigureCache, sources_digest

FIGURE = ("decay", {"steps": "12"}, "post-4", 4)


def package(tmp_path: Path) -> Path:
    root = tmp_path / "pkg"
    (root / "templates").mkdir(parents=True)
    (root / "maths.py").write_text("ONE = 1\n")
    (root / "templates" / "figure.html").write_text("<figure></figure>\n")
    return root


def drawing(html: str, calls: list[str]):
    def make() -> str:
        calls.append(html)
        return html

    return make


def test_a_second_request_is_served_without_drawing(tmp_path: Path) -> None:
    cache, calls = FigureCache(tmp_path / "cache", package(tmp_path)), []
    first = cache.html(*FIGURE, drawing("<figure>drawn</figure>", calls))
    again = FigureCache(tmp_path / "cache", cache.package).html(*FIGURE, drawing("x", calls))
    assert first == again == "<figure>drawn</figure>"
    assert calls == ["<figure>drawn</figure>"]
    assert [p.suffix for p in (tmp_path / "cache").iterdir()] == [".html"]


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
    "edit",
    [
        lambda root: (root / "maths.py").write_text("ONE = 1.0\n"),
        lambda root: (root / "templates" / "figure.html").write_text("<figure class=x>\n"),
        lambda root: (root / "frames.py").write_text("\n"),
        lambda root: (root / "maths.py").rename(root / "algebra.py"),
    ],
)
def test_any_edit_to_the_package_changes_every_key(tmp_path: Path, edit) -> None:
    root = package(tmp_path)
    before = FigureCache(tmp_path / "cache", root).key(*FIGURE)
    digest = sources_digest(root)
    edit(root)
    assert sources_digest(root) != digest
    assert FigureCache(tmp_path / "cache", root).key(*FIGURE) != before


def test_compiled_files_do_not_change_the_key(tmp_path: Path) -> None:
    root = package(tmp_path)
    digest = sources_digest(root)
    (root / "__pycache__").mkdir()
    (root / "__pycache__" / "maths.cpython-311.pyc").write_bytes(b"\0")
    assert sources_digest(root) == digest


def test_a_failed_drawing_leaves_no_entry(tmp_path: Path) -> None:
    cache = FigureCache(tmp_path / "cache", package(tmp_path))

    def broken() -> str:
        raise ValueError("a bug in a figure")

    with pytest.raises(ValueError):
        cache.html(*FIGURE, broken)
    assert not (tmp_path / "cache").exists() or list((tmp_path / "cache").iterdir()) == []


def test_a_mark_is_rewritten_only_when_its_value_changes(tmp_path: Path) -> None:
    cache = FigureCache(tmp_path / "cache", package(tmp_path))
    path = Path(cache.mark("figures", "on"))
    stamp = path.stat().st_mtime_ns
    assert cache.mark("figures", "on") == str(path) and path.stat().st_mtime_ns == stamp
    cache.mark("figures", "off")
    assert path.read_text() == "off"
