"""Every registered figure by name: the one dict the engine looks figures up in.

Content registers its figures here as its modules are imported, the way a plug-in would; the
engine imports no content. Which modules are content is the site's choice: ``VG_CONTENT`` in
``conf.py`` (``content_modules`` reads it without running Nikola), imported by ``load``.
"""

from __future__ import annotations

import ast
import importlib
import sys
from collections.abc import Iterable
from pathlib import Path

from vanishing_post.engine.params import FigureError, FigureSpec

FIGURES: dict[str, FigureSpec] = {}
SETTING = "VG_CONTENT"  # conf.py: the content modules, imported in this order
_ORIGIN: dict[str, str] = {}  # figure name -> the module that registered it


def register(spec: FigureSpec, module: str | None = None) -> FigureSpec:
    """Add ``spec`` to the registry; FigureError if another module (``module``, else the
    caller's) registered its name."""
    module = module or sys._getframe(1).f_globals.get("__name__", "?")
    if spec.name in FIGURES and _ORIGIN.get(spec.name) != module:
        raise FigureError(
            f"figure '{spec.name}' is registered twice, by {_ORIGIN[spec.name]} and by"
            f" {module}, allowed: one figure by each name"
        )
    FIGURES[spec.name] = spec
    _ORIGIN[spec.name] = module
    return spec


def load(modules: Iterable[str]) -> None:
    """Import the content ``modules`` (each registers its figures, numbers and scripts)."""
    for module in modules:
        importlib.import_module(module)


def content_modules(conf: Path) -> list[str]:
    """The content modules a site's ``conf.py`` names in ``VG_CONTENT`` (a literal list),
    read without running it."""
    for node in ast.walk(ast.parse(Path(conf).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == SETTING for t in node.targets
        ):
            return list(ast.literal_eval(node.value))
    raise FigureError(f"{conf}: no {SETTING} list of content modules, allowed: a list of names")
