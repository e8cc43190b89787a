"""The post's tables as HTML, from the frames; ``figures.js`` writes the same markup in the browser.

Numbers are printed so that Python and JavaScript agree to the character: three places for the
extremes (``toFixed(3)``), the shortest exact form for the decay (``repr`` / ``pyRepr``).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from vanishing_post.engine.markup import environment


def table_html(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A table whose first column heads each row."""
    return environment().get_template("table.html").render(headers=headers, rows=rows).strip()


EXTREMES_HEADERS = ("", "max", "min")
DECAY_STEPS_HEADERS = ("step", "x", "sigmoid(x)", "gradient", "product so far")


def extremes_rows(extremes: pd.DataFrame) -> list[tuple[str, str, str]]:
    """Max and min of each series, three places: the text the page and the terminal show."""
    return [(name, f"{r.Max:.3f}", f"{r.Min:.3f}") for name, r in extremes.iterrows()]


def decay_steps_rows(steps: pd.DataFrame) -> list[tuple[str, ...]]:
    """The decay step by step; every number in its shortest exact form."""
    return [
        (
            str(r.Step),
            repr(float(r.X)),
            repr(float(r.Sigmoid)),
            repr(float(r.Gradient)),
            repr(float(r.Cumulative)),
        )
        for r in steps.itertuples()
    ]


def extremes_html(extremes: pd.DataFrame) -> str:
    """Max and min of each series, three places."""
    return table_html(EXTREMES_HEADERS, extremes_rows(extremes))


def decay_steps_html(steps: pd.DataFrame) -> str:
    """The decay step by step; every number in its shortest exact form."""
    return table_html(DECAY_STEPS_HEADERS, decay_steps_rows(steps))
