"""Named numbers the prose quotes (the ``number`` shortcode), computed when the page is built.

The prose never types a measured number: it names one (``{{% number NAME %}}``) and gets it from
here, formatted for reading. Content registers its quantities (``register``), as it registers
its figures.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass

SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


class QuantityError(ValueError):
    """An unknown quantity's name: the message is one line listing the known ones."""


@dataclass(frozen=True)
class Quantity:
    """A number the prose quotes: how to compute it, and how to write it.

    ``style`` is ``integer`` (20), ``decimal`` (two significant digits: 0.51) or ``power``
    (one significant digit times a power of ten: 6 × 10⁻¹³).
    """

    name: str
    description: str
    compute: Callable[[], float]
    style: str


def format_value(value: float, style: str) -> str:
    """``value`` written for a reader in ``style`` (see Quantity)."""
    if not math.isfinite(value):
        raise ValueError(f"cannot format {value!r}: not a finite number")
    if style == "integer":
        return f"{round(value):d}"
    if style == "decimal":
        return f"{value:#.2g}".rstrip(".")
    if style == "power":
        mantissa, exponent = f"{value:.0e}".split("e")
        power = f"10{str(int(exponent)).translate(SUPERSCRIPT)}"
        return power if mantissa == "1" else f"{mantissa} × {power}"
    raise ValueError(f"unknown style {style!r}; expected integer, decimal or power")


QUANTITIES: dict[str, Quantity] = {}
_ORIGIN: dict[str, str] = {}  # quantity name -> the module that registered it


def register(quantity: Quantity) -> Quantity:
    """Add ``quantity``; QuantityError if another module registered its name."""
    module = sys._getframe(1).f_globals.get("__name__", "?")
    if quantity.name in QUANTITIES and _ORIGIN.get(quantity.name) != module:
        raise QuantityError(
            f"quantity '{quantity.name}' is registered twice, by {_ORIGIN[quantity.name]} and"
            f" by {module}, allowed: one quantity by each name"
        )
    QUANTITIES[quantity.name] = quantity
    _ORIGIN[quantity.name] = module
    return quantity


def lookup(name: str) -> Quantity:
    """The quantity called ``name``; an unknown name is an error listing the known ones."""
    try:
        return QUANTITIES[name]
    except (KeyError, TypeError):
        known = ", ".join(sorted(QUANTITIES))
        raise QuantityError(f"unknown quantity {name!r}, known quantities: {known}") from None


def quantity_text(name: str) -> str:
    """The quantity called ``name``, computed now and written for a reader."""
    quantity = lookup(name)
    return format_value(float(quantity.compute()), quantity.style)
