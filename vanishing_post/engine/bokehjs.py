"""BokehJS cut to what a site's figures use.

Bokeh's main bundle is an array of modules that require one another by number. Its module
``models/main`` requires every model (through the ``models/**/index`` modules, which only
re-export) to register each by name, so a page runs every model's module, used or not. The
site serves the bundle with the modules no figure can reach left empty: those of the models
the pages' figures name, what they require, what the page scripts ``Bokeh.require`` and what
BokehJS's other bundles require of it are kept. An index module stays (so ``models/main``
runs as before) and re-exports nothing in place of a module left out, which ``models/main``
skips. A module that requires an index module for its exports (a colour bar its tickers)
keeps all that index re-exports.

The bundle served also runs its modules when the page script says (``RUN_HOOK``): BokehJS's
loader runs every module at once, a third of a second on a phone's CPU; the page script runs
them one by one in the order the loader would, in slices that each give the browser control
back, and BokehJS is then there as if loaded whole. A page without the hook runs them at once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

REGISTRY = "models/main"  # requires every model only to register it
_RE_EXPORTS = re.compile(r"models/(?:.+/)?index|models/main")
_EMPTY = "function _(){}"
_START = "\n([\n"
_SEPARATOR = re.compile(r",\n(?=function _\()")
_TAIL = re.compile(r"\], (\d+), (\{.*?\}), (\{.*?\})\);", re.S)
_NAMED = re.compile(r'__name__="(\w+)"')
_ITEM = re.compile(r'<script type="application/json" class="vg-item"[^>]*>(.*?)</script>', re.S)
_PAGE_REQUIRES = re.compile(r'Bokeh\.require\("([^"]+)"\)')
RUN_HOOK = "vgRunBokehJS"  # the page script's: (require, finish, order) => runs them
# Bokeh's loader (its bundle's head), statement by statement, and what it becomes: the loader
# hands its ``require`` and the rest of its run (``finish``) to the hook, if the page set one.
_LOADER_HOOKS = (
    (
        "  const bokeh = factory();\n",
        "  const loading = factory();\n  const finish = function() {\n"
        "  const bokeh = loading.finish();\n",
    ),
    (
        "  Bokeh[bokeh.version] = bokeh;\n})(this, function() {",
        "  Bokeh[bokeh.version] = bokeh;\n  };\n"
        f'  if (typeof root.{RUN_HOOK} === "function") root.{RUN_HOOK}(loading.require, finish, '
        "@order@);\n  else finish();\n})(this, function() {",
    ),
    (
        "  const main = require(entry);\n",
        "  return {require: require, finish: function() {\n  const main = require(entry);\n",
    ),
    ("  return main;\n})\n", "  return main;\n  }};\n})\n"),
)


@dataclass(frozen=True)
class Bundle:
    """A BokehJS bundle taken apart: its loader, its modules by number, what follows them."""

    head: str
    modules: tuple[str, ...]
    tail: str
    entry: int
    aliases: dict[str, int]

    def text(self, kept: Iterable[int], run_by_page: bool = False) -> str:
        """The bundle with every module not in ``kept`` left empty (numbers unchanged); with
        ``run_by_page``, its modules run by the page script's hook if the page has one."""
        keep = set(kept)
        bodies = [m if i in keep else _EMPTY for i, m in enumerate(self.modules)]
        head = self.head
        if run_by_page:
            head = hooked(head, run_order(bodies, self.entry)) or head
        return head + ",\n".join(bodies) + self.tail


def read_bundle(text: str) -> Bundle | None:
    """Bokeh's main bundle taken apart, or None if it is not in the form this module knows
    (then it is served whole)."""
    start = text.find(_START)
    end = text.rfind("], ")
    if start < 0 or end < start:
        return None
    tail = _TAIL.match(text, end)
    if tail is None:
        return None
    modules = tuple(_SEPARATOR.split(text[start + len(_START) : end]))
    try:
        aliases = json.loads(tail.group(2))
    except ValueError:
        return None
    numbered = aliases and all(
        isinstance(n, int) and 0 <= n < len(modules) for n in aliases.values()
    )
    if not numbered or not all(m.startswith("function _(") for m in modules):
        return None
    return Bundle(text[: start + len(_START)], modules, text[end:], int(tail.group(1)), aliases)


def requires(module: str) -> set[int]:
    """The numbers of the modules a module's code requires (its first parameter called with a
    number; a call of another function by that name only adds a module kept needlessly)."""
    return set(required_in_order(module))


def required_in_order(module: str) -> list[int]:
    """``requires``, in the order the module's code first names each."""
    found = re.match(r"function _\((\w+)", module)
    if found is None:
        return []
    name = re.escape(found.group(1))
    numbers = (int(n) for n in re.findall(rf"(?<![\w$.]){name}\((\d+)\)", module))
    return list(dict.fromkeys(numbers))


def run_order(modules: list[str], entry: int) -> list[int]:
    """The modules to require one by one so that each runs as BokehJS's loader would run it:
    in the order its run of ``entry`` finishes them, each after all it requires. A module
    inside a cycle is left to the one the loader enters the cycle by, which runs it in its
    place."""
    edges = [[n for n in required_in_order(m) if n < len(modules)] for m in modules]
    finished: list[int] = []
    entered = {entry}
    stack = [(entry, iter(edges[entry]))]
    while stack:
        number, requiring = stack[-1]
        for required in requiring:
            if required not in entered:
                entered.add(required)
                stack.append((required, iter(edges[required])))
                break
        else:
            stack.pop()
            finished.append(number)
    place = {number: i for i, number in enumerate(finished)}
    return [n for n in finished if all(place[r] < place[n] for r in edges[n])]


def hooked(head: str, order: list[int]) -> str | None:
    """Bokeh's loader ``head`` handing its run to the page script's hook (``RUN_HOOK``) with
    ``order``; None if it is not the loader this module knows (the bundle then runs at once)."""
    for statement, hook in _LOADER_HOOKS:
        if head.count(statement) != 1:
            return None
        head = head.replace(
            statement, hook.replace("@order@", json.dumps(order, separators=(",", ":")))
        )
    return head


def plugin_requires(text: str, count: int) -> set[int]:
    """What one of BokehJS's other bundles requires of the main one (its modules are numbered
    after the main bundle's ``count``)."""
    return {n for part in re.split(r"(?=function _\()", text) for n in requires(part) if n < count}


def models_in(page: str) -> set[str]:
    """The model names of every figure's Bokeh document in a page's data blocks."""
    names: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if value.get("type") == "object" and isinstance(value.get("name"), str):
                names.add(value["name"])
            for inner in value.values():
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    for block in _ITEM.findall(page):
        walk(json.loads(block))
    return names


def page_requires(script: str) -> set[str]:
    """The modules a page script takes from BokehJS by name (``Bokeh.require``)."""
    return set(_PAGE_REQUIRES.findall(script))


def kept(bundle: Bundle, models: set[str], named: set[str], needed: set[int]) -> set[int]:
    """The modules to keep: the entry's, those defining ``models``, the ``named`` ones and
    ``needed`` ones (by number), and what each requires."""
    count = len(bundle.modules)
    edges = [{n for n in requires(m) if n < count} for m in bundle.modules]
    by_number = {number: name for name, number in bundle.aliases.items()}
    re_exports = {n for n, name in by_number.items() if _RE_EXPORTS.fullmatch(name)}
    roots = {bundle.entry, *needed, *(bundle.aliases[n] for n in named if n in bundle.aliases)}
    roots |= {i for i, m in enumerate(bundle.modules) if models & set(_NAMED.findall(m))}
    needed_for_exports: set[int] = set()  # kept, and all they require too
    registering: set[int] = set()  # reached only by registration: kept, their parts only if needed
    stack = [(root, True) for root in roots]
    while stack:
        number, for_exports = stack.pop()
        if for_exports:
            if number in needed_for_exports:
                continue
            needed_for_exports.add(number)
        else:
            if number in registering or number in needed_for_exports:
                continue
            if number not in re_exports:
                continue  # a module only the registry reaches: left out
            registering.add(number)
        # what a needed module requires is needed, but what the registry requires is only
        # registered
        needed = for_exports and by_number.get(number) != REGISTRY
        stack.extend((required, needed) for required in edges[number])
    return needed_for_exports | registering


def cut(text: str, models: set[str], named: set[str], plugins: Iterable[str]) -> str:
    """Bokeh's main bundle ``text`` as a site serves it: only what its figures (``models``),
    its page scripts (``named`` modules) and BokehJS's other bundles (``plugins``' texts) can
    reach. Whole if its form is not one this module knows."""
    bundle = read_bundle(text)
    if bundle is None:
        return text
    count = len(bundle.modules)
    needed = {n for plugin in plugins for n in plugin_requires(plugin, count)}
    return bundle.text(kept(bundle, models, named, needed), run_by_page=True)
