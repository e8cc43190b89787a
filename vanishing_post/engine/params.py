"""Figures' parameters, declared with HoloViz ``param``, checked as an author writes them.

A figure declares each parameter as a ``param`` object (``param.Number``, ``param.Integer`` with
``bounds`` and ``step``, ``param.Selector`` with ``objects``; ``label`` names its control,
``doc`` says what it is, ``precedence=-1`` keeps it off the page's controls). The engine reads
what it needs from them (``Declared``): sliders and buttons, the command line's list, and the
checks, where param itself judges the value and this module only turns an author's text into a
number and param's verdict into one line that says what is allowed.

Nothing here imports pandas or a plotting library, so checking an author's arguments is cheap.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import param


class FigureError(ValueError):
    """A user's mistake about a figure: the message is one line that says what is allowed."""


@dataclass(frozen=True)
class Declared:
    """What the engine reads of one declared parameter (a ``param.Parameter``), and the
    ``param.Parameterized`` class that owns it (what judges a value)."""

    parameter: param.Parameter
    owner: type[param.Parameterized] | None = None

    @property
    def name(self) -> str:
        return self.parameter.name

    @property
    def kind(self) -> type:
        """float, int or str."""
        if isinstance(self.parameter, param.Integer):
            return int
        if isinstance(self.parameter, param.Number):
            return float
        return str

    @property
    def default(self) -> Any:
        return self.parameter.default

    @property
    def label(self) -> str:
        return self.parameter.label or self.name

    @property
    def low(self) -> float | None:
        return self._bounds()[0]

    @property
    def high(self) -> float | None:
        return self._bounds()[1]

    @property
    def step(self) -> float | None:
        return getattr(self.parameter, "step", None)

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(getattr(self.parameter, "objects", None) or ())

    @property
    def control(self) -> bool:
        """Whether the reader gets a control for it (param's precedence: below 0 is hidden)."""
        return self.parameter.precedence is None or self.parameter.precedence >= 0

    def _bounds(self) -> tuple[float | None, float | None]:
        if isinstance(self.parameter, param.String):
            return TEXT_LENGTH
        return getattr(self.parameter, "bounds", None) or (None, None)

    def allowed(self) -> str:
        """What values are allowed, in words, for error messages and ``list``."""
        if self.kind is str and not self.choices:
            return f"one line of text, {js_number(self.low)} to {js_number(self.high)} characters"
        if self.kind is str:
            return "one of " + ", ".join(self.choices)
        noun = "an integer" if self.kind is int else "a number"
        return f"{noun} from {js_number(self.low)} to {js_number(self.high)}"

    def coerce(self, figure: str, raw: Any) -> Any:
        """A raw value (text from a shortcode or the command line) as the value param checks;
        FigureError in one line when it is not one."""
        where = f"figure '{figure}', parameter '{self.name}'"
        if self.kind is str and not self.choices:
            return self._text(where, raw)
        if self.kind is str:
            value = str(raw).strip()
        else:
            value = _number(raw, self.kind)
            if value is None:
                why = " (not a finite number)" if _non_finite(raw) else ""
                raise FigureError(f"{where}: got {raw!r}{why}, allowed: {self.allowed()}")
        try:
            setattr(self.owner(), self.name, value)  # param judges it
        except ValueError as verdict:
            why = _verdict(raw, verdict)
            raise FigureError(f"{where}: {why}, allowed: {self.allowed()}") from None
        return value

    def _text(self, where: str, raw: Any) -> str:
        """Free text (a caption): one line, its length within the allowed range. Only checked
        here; whoever writes it into a page escapes it."""
        if not isinstance(raw, str):
            raise FigureError(f"{where}: got {raw!r}, allowed: {self.allowed()}")
        value = raw.strip()
        if not self.low <= len(value) <= self.high or not value.isprintable():
            raise FigureError(f"{where}: got {raw!r}, allowed: {self.allowed()}")
        return value


TEXT_LENGTH = (1, 200)  # a caption's length in characters


def _verdict(raw: Any, verdict: ValueError) -> str:
    """param's reason a value is refused, in the words of the other errors."""
    if re.search(r"must be at (most|least)", str(verdict)):
        return f"{raw!r} is out of range"
    return f"got {raw!r}"


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


def js_number(value: float) -> str:
    """A number as JavaScript's String() writes it, every digit kept (4294967295, 0.1234567,
    1e-12): what a page shows once it runs, and how bounds are written to authors."""
    number = float(value)
    if number.is_integer() and abs(number) < 1e21:
        return str(int(number))
    return repr(number)


def declared(figure: str, parameters: Mapping[str, param.Parameter]) -> tuple[Declared, ...]:
    """``parameters`` (name -> param object, in the author's order) of the figure ``figure``,
    owned by a ``param.Parameterized`` class of their own, and read."""
    for name, parameter in parameters.items():
        if not isinstance(parameter, param.Parameter):
            raise TypeError(
                f"figure '{figure}', parameter {name!r}: got {parameter!r}, allowed: a"
                " param.Parameter (param.Number, param.Integer, param.Selector, ...)"
            )
    # copies: one declaration may serve several figures, each class owning its own
    copies = {name: copy.copy(parameter) for name, parameter in parameters.items()}
    owner = param.parameterized_class(re.sub(r"\W", "_", figure), copies)
    return tuple(Declared(owner.param[name], owner) for name in parameters)


TITLE = declared(
    "caption",
    {"title": param.String(default=None, allow_None=True, label="caption", doc="the caption")},
)[0]
"""The caption every figure takes: plain text, escaped wherever it is written."""

CODE = declared(
    "code",
    {
        "code": param.Selector(
            objects=["yes", "no"], default="yes", label="code", doc="the code under the figure"
        )
    },
)[0]
"""Whether the page shows the figure's code under it (``engine/code.py``): every figure takes
it; ``no`` for a figure whose code is not the point."""
SHARED = (TITLE, CODE)  # the parameters every figure takes besides its own, none drawn


@dataclass(frozen=True)
class FigureSpec:
    """A registered figure: its parameters and what makes it.

    ``build`` gives the live figure as a Bokeh model (with its controls). ``draw`` gives it as a
    HoloViews object when it has one (a table has none: its static twin is the HTML table
    itself). ``check`` holds the rules that tie parameters together (start below stop, ...): it
    returns an error text or None. ``describe`` gives the alt text: what the data shows, in
    numbers computed from it. ``code`` is the content function whose code the page shows under
    the figure, what a reader runs to get what it shows (``engine/code.py``): ``draw`` when
    None. ``framed``: the reader's controls choose a frame of what ``code`` returns (a HoloMap
    or DynamicMap, ``@figure``), rather than have it drawn again for their values.
    """

    name: str
    title: str
    params: tuple[Declared, ...]
    build: Callable[[Mapping[str, Any]], Any]
    check: Callable[[Mapping[str, Any]], str | None] = field(default=lambda values: None)
    draw: Callable[[Mapping[str, Any]], Any] | None = None
    describe: Callable[[Mapping[str, Any]], str] | None = None
    code: Callable[..., Any] | None = None
    framed: bool = False

    def param(self, name: str) -> Declared:
        """The parameter called ``name``, ``title`` and ``code`` included (every figure takes
        them)."""
        for p in self.params + SHARED:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.params + SHARED)
        raise FigureError(f"figure '{self.name}': unknown parameter {name!r}, known: {known}")

    def caption(self, raw: Mapping[str, Any] | None = None) -> str:
        """The caption: the author's ``title`` if given (checked), else the figure's own."""
        if raw and TITLE.name in raw:
            return TITLE.coerce(self.name, raw[TITLE.name])
        return self.title

    def shows_code(self, raw: Mapping[str, Any] | None = None) -> bool:
        """Whether the page shows the figure's code: yes unless the author's ``code`` is no
        (checked)."""
        if raw and CODE.name in raw:
            return CODE.coerce(self.name, raw[CODE.name]) == "yes"
        return True

    def values(self, raw: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Defaults overlaid with ``raw``, every value checked; raises FigureError.

        ``title`` and ``code`` are checked too but left out: they are the caption (``caption``)
        and whether the code shows (``shows_code``), not the drawing's.
        """
        raw = raw or {}
        for name in raw:
            self.param(name)
        self.caption(raw)
        self.shows_code(raw)
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


def names(params: Sequence[Declared]) -> list[str]:
    return [p.name for p in params]
