"""Which of the package's files each figure is made from, so an edit redraws only the figures
it touches (the figure cache's keys, the twins' tasks).

Found by reading the sources with ``ast``, never by importing them: the figure cache asks on
every hit, and a hit imports nothing but the standard library. A figure is made from:

- the content modules whose ``FigureSpec(...)`` call or ``@figure(...)`` decorator names it:
  they define what draws and describes it, or import it;
- the engine's rendering path: ``engine/embed.py`` and ``engine/site_paths.py`` for its page
  fragment (``figure_parts``, and its twins' addresses); its static twin is a picture of that
  fragment, so the twin is made from those and ``engine/twins.py`` (the studio that draws it);
- every package module those import, at the top or inside a function, transitively, and the
  packages' ``__init__.py`` on the way (they run on every import). The engine's registry imports
  no content, so a figure is not made from another figure's module unless its own imports it;
- any other file (a template, a stylesheet, data) when its file name appears in a file of the
  set (a template naming another, as ``{% include %}`` does, counts too);
- no ``.js`` file: every one goes into the page-wide ``vg-controls.js`` (``scripts.page_js``,
  rewritten by ``plugins/vg_bokehjs`` when one changes), never into a fragment; but a twin is a
  picture of its fragment drawn on a page that runs that script, so every twin is made from
  every ``.js`` file.

When in doubt, more: a figure no ``FigureSpec`` names by a literal (an unknown name) is made from
every file, and a module calling ``FigureSpec`` with a computed name counts for every figure.
Imports by computed name (``importlib``) are not seen.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parents[1]
# The calls that name a figure in content: a spec, or the @figure decorator.
REGISTERING = frozenset({"FigureSpec", "figure"})
# What every fragment and every twin is rendered by: module names, in the package.
FRAGMENT_PATH = ("engine.embed", "engine.site_paths")
TWIN_PATH = FRAGMENT_PATH + ("engine.twins",)
PAGE_WIDE = ".js"  # scripts of vg-controls.js, in no fragment
# What each package's modules import and name, by package root, with the stamps (modified time,
# size) of its files then: the site's plugins each ask, and a build reads the package once.
_READ: dict[Path, tuple[list[tuple[Path, int, int]], tuple[Any, ...]]] = {}


def package_files(package: Path = PACKAGE) -> list[Path]:
    """The files figures can be made from, in a stable order: all but compiled Python and
    hidden files (an editor's swap files)."""
    return sorted(p for p in package.rglob("*") if p.is_file() and _kept(p.relative_to(package)))


def digest(suffixes: Iterable[str], package: Path = PACKAGE) -> str:
    """One hash of the names and contents of the package's files ending in ``suffixes``: a
    single dependency for a page that depends on them all. A page depending on the files
    themselves fails its next build once one is deleted or renamed (doit: "Dependent file does
    not exist"); the hash changes instead."""
    whole = hashlib.sha256()
    for path in package_files(package):
        if path.suffix in suffixes:
            whole.update(path.relative_to(package).as_posix().encode() + b"\0")
            whole.update(hashlib.sha256(path.read_bytes()).digest())
    return whole.hexdigest()


def _kept(path: Path) -> bool:
    hidden = any(part.startswith(".") or part == "__pycache__" for part in path.parts)
    return not hidden and path.suffix != ".pyc"


def figure_files(name: str, package: Path = PACKAGE) -> frozenset[Path]:
    """The files figure ``name``'s page fragment is made from."""
    return Sources(package).figure_files(name)


def twin_files(name: str, package: Path = PACKAGE) -> frozenset[Path]:
    """The files figure ``name``'s static twin (a picture of its page fragment) is made from."""
    return Sources(package).twin_files(name)


class Sources:
    """The package's modules, what each imports and which figures each names: read once, on
    the first question, so that many figures' questions cost one reading."""

    def __init__(self, package: Path = PACKAGE) -> None:
        self.root = Path(package).resolve()
        self._read = False
        self._answers: dict[tuple[str, tuple[str, ...]], frozenset[Path]] = {}

    def figure_files(self, name: str) -> frozenset[Path]:
        """The files figure ``name``'s page fragment is made from."""
        return self._made_from(name, FRAGMENT_PATH)

    def twin_files(self, name: str) -> frozenset[Path]:
        """The files figure ``name``'s static twin is made from: its fragment's, the studio's,
        and the page-wide script (the studio's pages run it, as the site's do)."""
        if not self._read:
            self._load()
        scripts = {p for p in self.files if p.suffix == PAGE_WIDE}
        return self._made_from(name, TWIN_PATH) | scripts

    def _load(self) -> None:
        root = self.root
        self.files = package_files(root)
        stamp = [(p, p.stat().st_mtime_ns, p.stat().st_size) for p in self.files]
        if _READ.get(root, (None,))[0] == stamp:  # read by another Sources of this process
            self.modules, self.imports, self.names, self.anyname = _READ[root][1]
            self._read = True
            return
        self.modules = {_module(root, p): p for p in self.files if p.suffix == ".py"}
        self.imports: dict[str, set[str]] = {}
        self.names: dict[str, set[str]] = {}  # figure name -> modules naming it
        self.anyname: set[str] = set()  # modules with a FigureSpec of a computed name
        for module, path in self.modules.items():
            tree = ast.parse(path.read_bytes(), str(path))
            self.imports[module] = set(self._imported(module, tree))
            for named in _spec_names(tree):
                if named is None:
                    self.anyname.add(module)
                else:
                    self.names.setdefault(named, set()).add(module)
        _READ[root] = stamp, (self.modules, self.imports, self.names, self.anyname)
        self._read = True

    def _made_from(self, name: str, path: tuple[str, ...]) -> frozenset[Path]:
        if (name, path) not in self._answers:
            if not self._read:
                self._load()
            if name in self.names:
                roots = self.names[name] | self.anyname | set(path) | {"__init__"}
                found = {self.modules[m] for m in self._closure(roots)}
                self._answers[name, path] = frozenset(found | self._named_by(found))
            else:
                self._answers[name, path] = frozenset(self.files)
        return self._answers[name, path]

    def _closure(self, roots: set[str]) -> set[str]:
        """``roots`` and every module they import."""
        seen: set[str] = set()
        todo = [m for m in roots if m in self.modules]
        while todo:
            module = todo.pop()
            if module not in seen:
                seen.add(module)
                todo.extend(self.imports[module])
        return seen

    def _named_by(self, found: set[Path]) -> set[Path]:
        """The other files whose names appear in ``found``, and in those (bytes: data too)."""
        others = [p for p in self.files if p.suffix not in (".py", PAGE_WIDE)]
        named: set[Path] = set()
        texts = [p.read_bytes() for p in found]
        while texts:
            text = texts.pop()
            for other in others:
                if other not in named and other.name.encode() in text:
                    named.add(other)
                    texts.append(other.read_bytes())
        return named

    def _imported(self, module: str, tree: ast.AST) -> Iterable[str]:
        """The package modules ``module`` imports, wherever in it the import is."""
        package = self.root.name
        here = module.split(".")[:-1] if module != "__init__" else []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield from self._known(alias.name, package)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    parts = here[: len(here) - node.level + 1]
                    base = ".".join([package, *parts, *([node.module] if node.module else [])])
                else:
                    base = node.module or ""
                yield from self._known(base, package)
                for alias in node.names:
                    yield from self._known(f"{base}.{alias.name}", package)

    def _known(self, dotted: str, package: str) -> Iterable[str]:
        """The package's module for a dotted name, with the packages it runs on the way."""
        parts = dotted.split(".")
        if parts[0] != package:
            return
        yield "__init__"
        for end in range(2, len(parts) + 1):
            inner = ".".join(parts[1:end])
            for candidate in (inner, f"{inner}.__init__"):
                if candidate in self.modules:
                    yield candidate


def _module(root: Path, path: Path) -> str:
    """``figures`` for ``root/figures.py``, ``a.b`` for ``root/a/b.py``."""
    return ".".join(path.relative_to(root).with_suffix("").parts)


def _spec_names(tree: ast.AST) -> Iterable[str | None]:
    """The figure name of each ``FigureSpec(...)`` or ``figure(...)`` call: None when it is not
    a literal."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if called not in REGISTERING:
            continue
        given = node.args[0] if node.args else None
        for keyword in node.keywords:
            if keyword.arg == "name":
                given = keyword.value
        if isinstance(given, ast.Constant) and isinstance(given.value, str):
            yield given.value
        else:
            yield None
