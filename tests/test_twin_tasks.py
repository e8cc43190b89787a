"""plugins/vg_twins: which figures of a post get twins, counted as the page counts them."""

from __future__ import annotations

import pytest

from plugins.vg_twins.vg_twins import figure_shortcodes, nikola_arguments

RAW = "{{% raw %}}{{% figure decay %}}{{% /raw %}}"
COUNTED = [
    # (a post's source, the figures the page places, in order, with their arguments)
    (
        "{{% figure decay steps=3 %}}\n\n{{% figure numbers %}}",
        [("decay", {"steps": "3"}), ("numbers", {})],
    ),
    (f"Write {RAW} to place one.\n\n{{{{% figure numbers %}}}}", [("numbers", {})]),
    # a closing tag pairs with the first figure before it: what lies between is its text
    (
        "{{% figure decay %}}\n\n{{% figure numbers %}}\n\n"
        "{{% figure side-by-side %}}x{{% /figure %}}\n\n{{% figure compression %}}",
        [("decay", {}), ("compression", {})],
    ),
    (
        "{{% figure decay %}}text{{% /figure %}} {{% figure numbers %}}",
        [("decay", {}), ("numbers", {})],
    ),
    ("{{% figure %}}", [("", {})]),
    ("{{% figure decay", []),  # a syntax error: the post's own compile reports it
]


@pytest.mark.parametrize(("source", "placed"), COUNTED)
def test_figures_are_counted_as_nikola_runs_the_shortcodes(source, placed):
    found = figure_shortcodes(source)
    assert [number for number, _, _ in found] == list(range(1, len(placed) + 1))
    assert [(name, raw) for _, name, raw in found] == placed


@pytest.mark.parametrize(
    ("source", "named"),
    [
        ("{{% figure decay lang=fr %}}", ["lang"]),
        ("{{% figure decay post=x data=y steps=2 %}}", ["post", "data"]),
        ("{{% figure decay steps=2 %}}", []),
        ("{{% number lang %}}", []),
    ],
)
def test_arguments_named_as_nikolas_own_are_found(source, named):
    assert nikola_arguments(source) == named
