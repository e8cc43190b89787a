"""The tables as HTML: headers, cells, number formats and escaping."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest

from vanishing_post.content import frames, maths, tables


class _Table(HTMLParser):
    """Rows of (tag, attributes, text) cells, where tag is th or td."""

    def __init__(self) -> None:
        super().__init__()
        self.tables = 0
        self.rows: list[list[tuple[str, dict[str, Any], str]]] = []
        self._cell: list[Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables += 1
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = [tag, dict(attrs), ""]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(tuple(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell[2] += data


def parse(html: str) -> _Table:
    table = _Table()
    table.feed(html)
    table.close()
    return table


def texts(html: str) -> list[list[str]]:
    return [[cell[2] for cell in row] for row in parse(html).rows]


def default_extremes_html() -> str:
    return tables.extremes_html(frames.extremes_frame(frames.sigmoid_frame(-5.0, 5.0, 100)))


def test_extremes_table_has_headers_and_three_place_cells():
    assert texts(default_extremes_html()) == [
        ["", "max", "min"],
        ["X", "5.000", "-5.000"],
        ["Sigmoid", "0.993", "0.007"],
        ["Gradient", "0.250", "0.007"],
    ]


def test_extremes_table_is_one_table_with_column_and_row_headers():
    html = default_extremes_html()
    table = parse(html)
    assert table.tables == 1
    assert html.startswith('<table class="vg-table">')
    header, *body = table.rows
    assert all(tag == "th" and attrs == {"scope": "col"} for tag, attrs, _ in header)
    for row in body:
        assert row[0][:2] == ("th", {"scope": "row"})
        assert all(tag == "td" for tag, _, _ in row[1:])


def test_decay_steps_table_has_headers_and_one_row_per_step():
    rows = texts(tables.decay_steps_html(frames.decay_steps_frame(0.0, 6)))
    assert rows[0] == ["step", "x", "sigmoid(x)", "gradient", "product so far"]
    assert rows[1:] == [[str(k), "0.0", "0.5", "0.25", repr(0.25**k)] for k in range(1, 7)]
    assert rows[-1][-1] == "0.000244140625"


@pytest.mark.parametrize(("x", "steps"), [(-20.0, 4), (1.7, 5), (20.0, 3), (-0.1, 60)])
def test_decay_steps_numbers_are_the_shortest_exact_repr(x, steps):
    rows = texts(tables.decay_steps_html(frames.decay_steps_frame(x, steps)))[1:]
    s = float(maths.sigmoid(x))
    g = float(maths.gradient_from_sigmoid(s))
    products = maths.decay(x, steps).tolist()
    assert len(rows) == steps
    for k, row in enumerate(rows):
        assert row == [str(k + 1), repr(x), repr(s), repr(g), repr(products[k])]
        assert float(row[4]) == products[k]


def test_decay_steps_small_products_use_python_exponent_form():
    last = texts(tables.decay_steps_html(frames.decay_steps_frame(0.0, 10)))[-1][-1]
    assert last == repr(0.25**10)
    assert "e-07" in last


def test_table_html_escapes_headers_and_cells():
    html = tables.table_html(["<b>&", '"q"'], [["<script>alert(1)</script>", "a & b"]])
    assert "<script>" not in html
    assert "<b>" not in html
    assert "&lt;script&gt;" in html
    assert "&amp;" in html
    assert texts(html) == [["<b>&", '"q"'], ["<script>alert(1)</script>", "a & b"]]


def test_table_html_with_no_rows_is_still_a_table():
    html = tables.table_html(["a", "b"], [])
    assert texts(html) == [["a", "b"]]
    assert html.endswith("</table>")
