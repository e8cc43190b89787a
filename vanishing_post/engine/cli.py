"""``python -m vanishing_post``: the site's figures and numbers from a terminal.

``list`` shows every registered figure with its parameters; ``render`` writes one figure to a
file; ``numbers`` prints every named number the prose can quote. The figures and numbers are
those of the content modules the site's ``conf.py`` names (``VG_CONTENT``). A user's mistake is
one line on stderr and exit status 2, and no file is left half-written.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

from vanishing_post.engine.params import CODE, TITLE, FigureError, FigureSpec, js_number, lookup
from vanishing_post.engine.registry import FIGURES, content_modules, load

PROG = "python -m vanishing_post"
USAGE_ERROR = 2
OUTPUTS = {".html": "html", ".png": "png", ".svg": "svg"}
# The site this package serves: its conf.py names the content modules (VG_CONTENT).
SITE = Path(__file__).resolve().parents[2]


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line (no usage block), exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message} (see --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commands.add_parser("list", help="every figure, its parameters, defaults and allowed values")
    render = commands.add_parser("render", help="one figure to an HTML page (or PNG/SVG)")
    render.add_argument("name", help="a registered figure (see `list`)")
    render.add_argument(
        "-o",
        "--output",
        type=Path,
        help="file to write; .html (self-contained), .png or .svg (default: NAME.html)",
    )
    render.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a parameter's value; repeat for several",
    )
    commands.add_parser("numbers", help="every named number the prose can quote, computed")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (2 for a user's mistake, with one line)."""
    args = _parser().parse_args(argv)
    try:
        load(content_modules(SITE / "conf.py"))
        status = COMMANDS[args.command](args)
        sys.stdout.flush()  # here, not at exit, so that a closed pipe is caught below
        return status
    except FigureError as error:
        print(f"{PROG} {args.command}: error: {error}", file=sys.stderr)
        return USAGE_ERROR
    except BrokenPipeError:  # `... list | head`: the reader has seen enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def settings(pairs: Sequence[str], where: str = "") -> dict[str, str]:
    """``KEY=VALUE`` texts as a dict; a malformed or repeated key is an error."""
    where = f"{where}: " if where else ""
    raw: dict[str, str] = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        key = key.strip()
        if not equals or not key:
            raise FigureError(f"{where}--set {pair!r}, allowed: KEY=VALUE")
        if key in raw:
            raise FigureError(f"{where}parameter {key!r} is set twice, allowed: once")
        raw[key] = value
    return raw


def list_figures(args: argparse.Namespace) -> int:
    """Every figure with its parameters, defaults and allowed values."""
    for spec in FIGURES.values():
        print(f"{spec.name}: {spec.title}")
        rows = [(p.name, _default(p.default), p.allowed()) for p in spec.params]
        rows.append((TITLE.name, "the caption above", TITLE.allowed()))
        rows.append((CODE.name, "yes: the code under the figure", CODE.allowed()))
        print(_columns(("parameter", "default", "allowed"), rows, indent="  "))
        print()
    return 0


def render(args: argparse.Namespace) -> int:
    """One figure to a file: a self-contained HTML page, or a static PNG/SVG."""
    spec = lookup(FIGURES, args.name)
    raw = settings(args.set, f"figure '{spec.name}'")
    output = args.output if args.output is not None else Path(f"{spec.name}.html")
    where = f"figure '{spec.name}', output '{output}'"
    kind = OUTPUTS.get(output.suffix.lower())
    if kind is None:
        raise FigureError(f"{where}: unknown extension, allowed: {', '.join(OUTPUTS)}")
    _check_folder(output, where)
    spec.values(raw)  # every mistake reported before any drawing

    def draw() -> bytes:
        if kind == "html":
            from vanishing_post.engine.embed import page_html

            return page_html(spec.name, raw).encode()
        return _twin(spec, raw, kind, where)

    size = write_atomically(output, draw, where)
    print(f"wrote {output} ({size / 1024:.0f} KB)")
    return 0


def _twin(spec: FigureSpec, raw: Mapping[str, Any], kind: str, where: str) -> bytes:
    """The figure's static twin (what readers without JavaScript see): its page fragment drawn
    by BokehJS in headless Chromium, photographed (PNG) or exported through Bokeh's SVG
    backend, at the wide twin's width."""
    from bokeh.models import Plot

    from vanishing_post.engine import embed, twins
    from vanishing_post.engine.render import model_parts, of_type

    if spec.draw is None:
        drawn = ", ".join(sorted(n for n, s in FIGURES.items() if s.draw is not None))
        raise FigureError(
            f"{where}: it is a table: it has no image twin, figures with one: {drawn}"
        )
    model = spec.build(spec.values({k: v for k, v in raw.items() if k != TITLE.name}))
    if kind == "svg":
        plots = of_type(model_parts(model), Plot)
        if not plots:  # a Bokeh table: BokehJS draws it as HTML, not on a canvas
            raise FigureError(
                f"{where}: it has no plot for Bokeh's SVG backend, allowed: .html or .png"
            )
        for plot in plots:
            plot.output_backend = "svg"
    html = embed.figure_html(spec.name, raw, key=spec.name, model=model)
    try:
        with twins.Studio({"wide": twins.WIDTHS["wide"]}) as studio:
            if kind == "svg":
                return studio.svg(spec.name, html).encode()
            return studio.photograph(spec.name, html)["wide"]
    except twins.TwinError as error:
        raise FigureError(f"{where}: {error}") from None


def numbers(args: argparse.Namespace) -> int:
    """Every named number the prose can quote, computed now, as a page would write it."""
    from vanishing_post.engine.numbers import QUANTITIES, quantity_text

    rows = [(q.name, quantity_text(q.name), q.description) for q in QUANTITIES.values()]
    print(_columns(("number", "value", "what it is"), rows))
    return 0


COMMANDS = {"list": list_figures, "render": render, "numbers": numbers}


def _default(value: Any) -> str:
    """A default as a page writes it: every digit kept, as the allowed values are."""
    return js_number(value) if isinstance(value, float) else str(value)


def _columns(headers: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "") -> str:
    """A plain-text table, each column as wide as its widest cell."""
    table = [tuple(headers), *(tuple(r) for r in rows)]
    widths = [max(len(row[i]) for row in table) for i in range(len(headers))]
    return "\n".join(
        indent + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in table
    )


def _check_folder(output: Path, where: str) -> None:
    folder = output.parent
    if not folder.is_dir():
        raise FigureError(f"{where}: '{folder}' is not an existing folder, allowed: a file in one")
    if output.is_dir():
        raise FigureError(f"{where}: is a folder, allowed: a file name")


def write_atomically(output: Path, produce: Callable[[], bytes], where: str) -> int:
    """Write what ``produce()`` returns to ``output``; returns its size in bytes.

    The temporary file beside ``output`` is made first, so an unwritable place fails before
    seconds of drawing; then it is filled and renamed into place. A reader (or a crash)
    never sees half a file, and on any failure nothing is left behind.
    """
    try:
        handle, temporary = tempfile.mkstemp(
            dir=output.parent, prefix=f".{output.name}.", suffix=".part"
        )
    except OSError as error:
        raise FigureError(f"{where}: cannot write there ({error.strerror})") from None
    try:
        with os.fdopen(handle, "wb") as file:
            data = produce()
            file.write(data)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, output)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise FigureError(f"{where}: cannot write there ({error.strerror})") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return len(data)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
