"""Typed figure parameters: one spec drives validation, sliders and the command line.

Nothing here imports pandas or a plotting library, so checking an author's arguments is cheap.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


class FigureError(ValueError):
    """A user's mistake about a figure: the message is one line that says what is allowed."""


@dataclass(frozen=True)
class Param:
    """One parameter of a figure: its type, default and allowed range.

    ``control`` says whether the reader gets a slider for it on the page.
    """

    name: str
    kind: type  # float, int or str
    default: Any
    label: str
    low: float | None = None
    high: float | None = None
    step: float | None = None
    choices: tuple[str, ...] = ()
    control: bool = True

    def allowed(self) -> str:
        """What values are allowed, in words, for error messages and ``list``."""
        if self.kind is str and not self.choices:
            return f"one line of text, {_fmt(self.low)} to {_fmt(self.high)} characters"
        if self.kind is str:
            return "one of " + ", ".join(self.choices)
        noun = "an integer" if self.kind is int else "a number"
        return f"{noun} from {_fmt(self.low)} to {_fmt(self.high)}"

    def coerce(self, figure: str, raw: Any) -> Any:
        """Turn a raw value (text from a shortcode or the command line) into a checked value."""
        where = f"figure '{figure}', parameter '{self.name}'"
        if self.kind is str and not self.choices:
            return self._text(where, raw)
        if self.kind is str:
            value = str(raw).strip()
            if value not in self.choices:
                raise FigureError(f"{where}: got {raw!r}, allowed: {self.allowed()}")
            return value
        value = _number(raw, self.kind)
        if value is None:
            why = " (not a finite number)" if _non_finite(raw) else ""
            raise FigureError(f"{where}: got {raw!r}{why}, allowed: {self.allowed()}")
        if not self.low <= value <= self.high:
            raise FigureError(f"{where}: {raw!r} is out of range, allowed: {self.allowed()}")
        return value

    def _text(self, where: str, raw: Any) -> str:
        """Free text (a caption): one line, its length within ``low``..``high``.

        Only checked here; whoever writes it into a page escapes it.
        """
        if not isinstance(raw, str):
            raise FigureError(f"{where}: got {raw!r}, allowed: {self.allowed()}")
        value = raw.strip()
        if not self.low <= len(value) <= self.high or not value.isprintable():
            raise FigureError(f"{where}: got {raw!r}, allowed: {self.allowed()}")
        return value


def _non_finite(raw: Any) -> bool:
    """Whether ``raw`` reads as NaN or an infinity (worth saying so in the error)."""
    try:
        return not math.isfinite(float(raw))
    except (TypeError, ValueError, OverflowError):
        return False


def _number(raw: Any, kind: type) -> float | int | None:
    """``raw`` as a finite float or int, or None when it is not one."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str):
        text = raw.strip()
        try:
            value = int(text) if kind is int else float(text)
        except ValueError:
            return None
    elif isinstance(raw, int | float):
        value = raw
        if kind is int:
            if isinstance(raw, float) and not raw.is_integer():
                return None
            value = int(raw) if math.isfinite(raw) else raw
    else:
        return None
    if not math.isfinite(value):
        return None
    return kind(value)


def _fmt(v: float | None) -> str:
    return f"{v:g}"


TITLE = Param("title", str, None, "caption", 1, 200, control=False)
"""The caption every figure takes: plain text, escaped wherever it is written."""


@dataclass(frozen=True)
class FigureSpec:
    """A registered figure: its parameters and the builder that draws it.

    ``check`` holds the rules that tie parameters together (start below stop, ...): it
    returns an error text or None.

    ``draw`` gives the figure as a HoloViews object; ``build`` renders it to Bokeh and adds the
    controls, and the static twin is drawn from that Bokeh model by matplotlib (``twins``).
    Tables have no ``draw``: their static twin is the HTML table itself. ``describe`` gives the
    alt text: what the data shows, in numbers computed from it.
    """

    name: str
    title: str
    params: tuple[Param, ...]
    build: Callable[[Mapping[str, Any]], Any]
    check: Callable[[Mapping[str, Any]], str | None] = field(default=lambda values: None)
    draw: Callable[[Mapping[str, Any]], Any] | None = None
    describe: Callable[[Mapping[str, Any]], str] | None = None

    def param(self, name: str) -> Param:
        """The parameter called ``name``, ``title`` included (every figure takes one)."""
        for p in self.params + (TITLE,):
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.params + (TITLE,))
        raise FigureError(f"figure '{self.name}': unknown parameter {name!r}, known: {known}")

    def caption(self, raw: Mapping[str, Any] | None = None) -> str:
        """The caption: the author's ``title`` if given (checked), else the figure's own."""
        if raw and TITLE.name in raw:
            return TITLE.coerce(self.name, raw[TITLE.name])
        return self.title

    def values(self, raw: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Defaults overlaid with ``raw``, every value checked; raises FigureError.

        ``title`` is checked too but left out: it is the caption (``caption``), not the drawing's.
        """
        raw = raw or {}
        for name in raw:
            self.param(name)
        self.caption(raw)
        values = {
            p.name: p.coerce(self.name, raw[p.name]) if p.name in raw else p.default
            for p in self.params
        }
        problem = self.check(values)
        if problem:
            raise FigureError(f"figure '{self.name}': {problem}")
        return values


def lookup(registry: Mapping[str, FigureSpec], name: str) -> FigureSpec:
    """The figure called ``name``; an unknown name is an error listing the known ones."""
    try:
        return registry[name]
    except (KeyError, TypeError):
        known = ", ".join(sorted(registry))
        raise FigureError(f"unknown figure {name!r}, known figures: {known}") from None
