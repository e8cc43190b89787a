"""The code under a figure: the content that makes it, read from the package as the figure is
drawn, as one script a reader runs on their own, and highlighted for the page with Pygments.

Which function: the figure's ``code`` (``@figure``'s own function), else its ``draw``. From it
outwards, read with ``ast`` and ``symtable`` (never run), the script holds every function,
class and constant of the content it uses, and what those use, transitively: content is any
module of the figure's own package, or of this one, but the engine. Each is shown as written,
its comments too, in the order Python runs them (a module after those it imports, a module's
statements in its order); the imports they use from anywhere else (the standard library,
numpy, pandas...) come first, the call with the figure's values last (with the frame shown,
``.select(...)``, when the figure's controls choose frames). On the way:

- ``frames.sigmoid_frame`` becomes ``sigmoid_frame``: that definition is in the script;
- a decorator from the engine (``@figure(...)``) is left out: it registers, it does not draw;
- ``hv = holoviews()``, the engine's import of HoloViews and hvplot's pandas accessor on first
  use, is left out for ``import holoviews as hv`` and ``import hvplot.pandas`` (a bare
  ``holoviews()`` for the second alone); the accessor ``.hvplot`` anywhere brings it too.

Anything else of the engine, one name defined twice, a name the script would not define, or a
content name that a function also takes for one of its own, is a FigureError naming the figure:
its code would not run as shown. The engine names no figure and no content module: it finds
them through the registry and the figure's function.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import importlib.util
import inspect
import symtable
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vanishing_post.engine import render
from vanishing_post.engine.params import FigureError, FigureSpec

ENGINE = __name__.rpartition(".")[0]  # never shown: rendering, sizing, embedding
# The engine's functions a content function calls for an import, by what the script imports in
# their place: ``hv = holoviews()`` is ``import holoviews as hv`` with hvplot's pandas accessor.
IMPORTING = {render.holoviews: "holoviews"}
# A piece of the call: its text, and for a value the parameter it is and its kind (int...).
Piece = tuple[str, str | None, str | None]
LINE = 88  # a call longer than this puts its arguments on a line of their own


@dataclass(frozen=True)
class _Import:
    """``import module [as alias]`` (``name`` None), or ``from module import name [as alias]``."""

    module: str
    name: str | None = None
    alias: str | None = None

    @property
    def binds(self) -> str:
        """The name the import gives the script."""
        if self.alias:
            return self.alias
        return self.name if self.name else self.module.partition(".")[0]

    @property
    def standard(self) -> bool:
        return self.module.partition(".")[0] in sys.stdlib_module_names


HVPLOT = _Import("hvplot.pandas")  # registers DataFrame.hvplot


@dataclass
class _Module:
    """One module's source, and what its top level binds: definitions and imports."""

    name: str
    path: Path
    lines: list[str]
    definitions: dict[str, ast.stmt | None]  # None: bound by two statements
    imports: dict[str, _Import]
    runs_first: list[str]  # the modules its top level imports, in its order
    future: bool  # ``from __future__ import annotations``


@dataclass
class _Part:
    """One top-level statement as the script shows it."""

    module: str
    line: int
    text: str
    binds: set[str]
    needs: list[tuple[str, str]] = field(default_factory=list)  # (module, name) it uses
    imports: set[_Import] = field(default_factory=set)

    @property
    def block(self) -> bool:
        """A function or class: two blank lines around it, as PEP 8 has them."""
        return self.text.lstrip().startswith(("def ", "class ", "@", "async def"))


_READ: dict[str, tuple[tuple[int, int], _Module]] = {}


def code_function(spec: FigureSpec) -> Callable[..., Any]:
    """The content function the page shows for ``spec``: its ``code``, else its ``draw``."""
    function = spec.code or spec.draw
    if function is None:
        raise FigureError(
            f"figure '{spec.name}': no code to show, allowed: a figure with code= (the content"
            " function a reader runs for what it shows) or draw=, or code=no on the shortcode"
        )
    return inspect.unwrap(function)


def script(spec: FigureSpec, values: Mapping[str, Any]) -> str:
    """The code the page shows under figure ``spec`` drawn at ``values``, as plain text."""
    body, call = _Script(spec).text(values)
    return body + "".join(text for text, _, _ in call)


def code_parts(spec: FigureSpec, values: Mapping[str, Any]) -> dict[str, Any]:
    """What ``templates/code.html`` writes for figure ``spec`` at ``values`` (kept in the figure
    cache, so plain text): ``body``, the script up to the call, as Pygments' HTML; ``call``, the
    call's pieces, each its text, its Pygments class and, for a value, the parameter it is
    and its kind (which the page script needs to write a new value as Python does)."""
    from pygments import highlight
    from pygments.formatters.html import HtmlFormatter  # not Nikola's replacement of it

    body, call = _Script(spec).text(values)
    return {
        "body": highlight(body, _lexer(), HtmlFormatter(nowrap=True)),
        "call": _pieces(call),
    }


def code_files(spec: FigureSpec) -> frozenset[Path]:
    """The files figure ``spec``'s code is read from: what it is made from (``sources.py``)
    must hold them, so that an edit to one shows at the next build."""
    script = _Script(spec)
    return frozenset(script._source(part.module).path.resolve() for part in script.parts.values())


def python_value(kind: type, value: Any) -> str:
    """``value`` as Python writes it for a parameter of ``kind`` (float, int or str)."""
    return repr(kind(value))


def _lexer() -> Any:
    """Pygments' Python lexer, the text exactly as given; names, punctuation and spaces as
    plain text: Nikola's code.css gives them no style, and their spans were half the bytes of
    the code's HTML (117 of 239 KB on the first post)."""
    from pygments.filter import simplefilter
    from pygments.lexers import PythonLexer
    from pygments.token import Name, Punctuation, Text, Whitespace

    plain = {Name, Punctuation, Whitespace, Text}

    @simplefilter
    def unstyled(self: Any, lexer: Any, stream: Any, options: Any) -> Any:
        for token, text in stream:
            yield (Text if token in plain else token), text

    lexer = PythonLexer(stripnl=False, ensurenl=False)
    lexer.add_filter(unstyled())
    return lexer


def _pieces(call: list[Piece]) -> list[dict[str, str]]:
    """The call's pieces, highlighted as Pygments highlights it; a parameter's value one piece
    carrying the parameter's name and kind, whose class is its last token's (a number's, not
    its minus sign's)."""
    from pygments.token import STANDARD_TYPES

    def css(token: Any) -> str:
        while token not in STANDARD_TYPES:
            token = token.parent
        return STANDARD_TYPES[token]

    text = "".join(piece for piece, _, _ in call)
    values, position = {}, 0  # where each value starts: where it ends, its parameter, its kind
    for piece, name, kind in call:
        if name is not None:
            values[position] = (position + len(piece), name, kind)
        position += len(piece)
    pieces: list[dict[str, str]] = []
    value: dict[str, str] | None = None  # the value being read, until ``end``
    end = position = 0
    for token, chunk in _lexer().get_tokens(text):
        here, position = position, position + len(chunk)
        if here in values:
            end, name, kind = values[here]
            value = {"text": "", "cls": "", "param": name, "kind": kind}
            pieces.append(value)
        if value is not None:
            value["text"] += chunk
            value["cls"] = css(token) or value["cls"]
            value = value if position < end else None
        elif pieces and "param" not in pieces[-1] and pieces[-1]["cls"] == css(token):
            pieces[-1]["text"] += chunk
        else:
            pieces.append({"text": chunk, "cls": css(token)})
    return pieces


class _Script:
    """The script of one figure's code: found once, then written for any of its values."""

    def __init__(self, spec: FigureSpec) -> None:
        self.spec = spec
        self.function = code_function(spec)
        module = self.function.__module__
        self.packages = {module.partition(".")[0], ENGINE.partition(".")[0]}
        self.parts: dict[tuple[str, int], _Part] = {}
        self.imports: set[_Import] = set()
        name = self.function.__name__
        if self.function.__qualname__ != name or not self._source(module).definitions.get(name):
            raise self._error(
                f"its code is '{self.function.__qualname__}' of {module}, allowed: a function"
                " defined at the top of a content module"
            )
        self._collect(module, name)

    def _error(self, problem: str) -> FigureError:
        """What is wrong with the figure's code, which the page cannot show as it is."""
        return FigureError(f"figure '{self.spec.name}': {problem}, or code=no on the shortcode")

    # --- reading the content ---------------------------------------------------------------

    def _content(self, module: str) -> bool:
        """Whether ``module`` is content (shown), not the engine and not another library."""
        engine = module == ENGINE or module.startswith(ENGINE + ".")
        return module.partition(".")[0] in self.packages and not engine

    def _source(self, name: str) -> _Module:
        module = sys.modules.get(name) or importlib.import_module(name)
        path = Path(inspect.getsourcefile(module) or "")
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        if name not in _READ or _READ[name][0] != stamp:
            package = name if hasattr(module, "__path__") else name.rpartition(".")[0]
            _READ[name] = stamp, _read(name, package, path)
        return _READ[name][1]

    def _collect(self, module: str, name: str) -> None:
        """Every statement the script needs, from ``name`` of ``module`` outwards."""
        todo = [(module, name)]
        while todo:
            module, name = todo.pop()
            source = self._source(module)
            statement = source.definitions.get(name)
            if statement is None:
                raise self._error(
                    f"its code uses '{name}', which {module} defines more than once at its top,"
                    " allowed: one definition"
                )
            key = (module, statement.lineno)
            if key not in self.parts:
                part = self._part(source, statement)
                self.parts[key] = part
                self.imports |= part.imports
                todo.extend(part.needs)

    def _resolve(self, source: _Module, name: str) -> tuple[str, Any]:
        """What ``name`` is at the top of ``source``: ("def", (module, name)) for content,
        ("module", module) for a content module, ("engine", object), ("import", _Import),
        ("builtin", None)."""
        if name in source.definitions:
            return "def", (source.name, name)
        found = source.imports.get(name)
        if found is None:
            if hasattr(builtins, name):
                return "builtin", None
            raise self._error(
                f"its code uses '{name}', which {source.name} does not define at its top,"
                " allowed: names the module defines or imports at its top"
            )
        whole = f"{found.module}.{found.name}" if found.name else found.module
        if whole == ENGINE or whole.startswith(ENGINE + ".") or found.module == ENGINE:
            if found.name is None:
                return "engine", importlib.import_module(whole)
            return "engine", getattr(importlib.import_module(found.module), found.name)
        if not self._content(found.module):
            return "import", found
        if found.name is None:
            if found.alias is None and "." in found.module:
                raise self._error(
                    f"its code imports {found.module} without a name for it, allowed: from ..."
                    " import or import ... as"
                )
            return "module", found.module
        if _is_module(whole):
            return "module", whole
        if found.binds != found.name:
            raise self._error(
                f"its code imports '{found.name}' of {found.module} as '{found.binds}',"
                " allowed: the name it is defined by (the script holds its definition)"
            )
        return "def", (found.module, found.name)

    def _engine_call(self, source: _Module, node: ast.AST) -> str | None:
        """The import an engine call stands for (``IMPORTING``), if ``node`` is one."""
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            return None
        if node.args or node.keywords or node.func.id not in source.imports:
            return None
        kind, found = self._resolve(source, node.func.id)
        if kind != "engine":
            return None
        return next((module for f, module in IMPORTING.items() if f is found), None)

    def _part(self, source: _Module, statement: ast.stmt) -> _Part:
        """``statement`` of ``source`` as the script shows it, with what it needs."""
        first = min([statement.lineno] + [d.lineno for d in _decorators(statement)])
        while first > 1 and source.lines[first - 2].lstrip().startswith("#"):
            first -= 1  # the comment right above it is about it
        lines = source.lines[first - 1 : statement.end_lineno]
        offset = first - 1
        imports: set[_Import] = set()
        dropped: set[int] = set()
        for decorator in _decorators(statement):
            root = _root(decorator)
            if root is not None and self._resolve(source, root)[0] == "engine":
                dropped |= self._whole_lines(source, decorator, offset, decorator=True)
        for node in ast.walk(statement):
            if isinstance(node, ast.Expr | ast.Assign):
                module = self._engine_call(source, node.value)
                if module is None:
                    continue
                dropped |= self._whole_lines(source, node, offset)
                imports.add(HVPLOT)
                if isinstance(node, ast.Assign):
                    if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
                        raise self._error(
                            f"{source.name}, line {node.lineno}: the engine's import given to"
                            " more than one name, allowed: one name (hv = holoviews())"
                        )
                    alias = node.targets[0].id
                    imports.add(_Import(module, None, None if alias == module else alias))
        text = "\n".join(line for at, line in enumerate(lines) if at not in dropped)
        return self._named(source, statement, text, imports)

    def _whole_lines(
        self, source: _Module, node: ast.AST, offset: int, decorator: bool = False
    ) -> set[int]:
        """The lines (from ``offset``) ``node`` takes, which it must take alone."""
        start, end = node.lineno - 1, node.end_lineno - 1
        before = _chars(source.lines[start], node.col_offset - (1 if decorator else 0))
        after = source.lines[end][_chars(source.lines[end], node.end_col_offset) :]
        lead, rest = source.lines[start][:before].strip(), after.strip()
        if lead or (rest and not rest.startswith("#")):
            raise self._error(
                f"{source.name}, line {node.lineno}: engine code sharing its line with other"
                " code, allowed: the engine's decorator or import on lines of their own"
            )
        return set(range(start - offset, end - offset + 1))

    def _named(
        self, source: _Module, statement: ast.stmt, text: str, imports: set[_Import]
    ) -> _Part:
        """The statement's ``text`` with content modules' names taken off the names they hold
        (``frames.x`` -> ``x``: the script defines ``x``), and what it needs: definitions and
        imports."""
        where = f"{source.name}, line {statement.lineno}"
        try:
            tree = ast.parse(text)
            table = symtable.symtable(text, where, "exec")
        except SyntaxError as error:
            problem = f"{where}: not valid once engine code is left out ({error.msg})"
            raise self._error(problem) from None
        for node in ast.walk(tree):  # the package imported inside a function: not in a script
            if isinstance(node, ast.Import):
                named = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                named = [node.module or ""] if node.level == 0 else [source.name]
            else:
                continue
            if any(module.partition(".")[0] in self.packages for module in named):
                raise self._error(
                    f"{where}: imports the package inside its code, allowed: content imported"
                    " at the top of its module"
                )
        binds = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}
        own = _locals(table)
        needs: list[tuple[str, str]] = []
        modules: dict[str, str] = {}  # content modules it names: alias -> module
        provided = {found.binds for found in imports}  # by the engine's imports left out
        for name in sorted(_globals(table) - binds - provided):
            kind, found = self._resolve(source, name)
            if kind == "def":
                needs.append(found)
            elif kind == "module":
                modules[name] = found
            elif kind == "import":
                imports.add(found)
            elif kind == "engine":
                raise self._error(
                    f"{where}: its code uses the engine's '{name}', allowed: content a reader"
                    " would write (the engine draws, sizes and embeds: never shown)"
                )
        if any(isinstance(n, ast.Attribute) and n.attr == "hvplot" for n in ast.walk(tree)):
            imports.add(HVPLOT)  # the accessor the engine's import gives DataFrames
        edits: list[tuple[int, int, int, str]] = []
        named = 0  # how often the code names a content module at all
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in modules:
                named += 1
            if not (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in modules
            ):
                continue
            held = f"{node.value.id}.{node.attr}"
            if node.lineno != node.end_lineno:
                raise self._error(f"{where}: '{held}' split over lines, allowed: one line")
            if node.attr in own:
                raise self._error(
                    f"{where}: '{held}' would be '{node.attr}', a name its code also gives"
                    " something of its own, allowed: another name for one of them"
                )
            kind, found = self._resolve(self._source(modules[node.value.id]), node.attr)
            if kind == "def":
                needs.append(found)
            elif kind == "import" and found.binds == node.attr:
                imports.add(found)
            else:
                raise self._error(
                    f"{where}: its code uses '{held}', allowed: a function, class or constant"
                    " a content module defines"
                )
            edits.append((node.lineno, node.col_offset, node.end_col_offset, node.attr))
        if named != len(edits):
            raise self._error(
                f"{where}: its code uses a content module ({', '.join(sorted(modules))}) itself,"
                " allowed: only the names it holds (module.name)"
            )
        lines = text.split("\n")
        for line, start, end, name in sorted(edits, reverse=True):
            encoded = lines[line - 1].encode("utf-8")
            lines[line - 1] = (encoded[:start] + name.encode() + encoded[end:]).decode("utf-8")
        return _Part(source.name, statement.lineno, "\n".join(lines), binds, needs, imports)

    # --- writing the script ------------------------------------------------------------------

    def _order(self) -> list[_Part]:
        """The statements in the order Python runs them: a module after the content modules
        its top imports (depth first, in its order), a module's statements in its order."""
        order: list[str] = []
        seen: set[str] = set()

        def visit(module: str) -> None:
            if module in seen or not self._content(module) or not _is_module(module):
                return
            seen.add(module)  # a cycle stops here, as Python's import does
            for first in self._source(module).runs_first:
                visit(first)
            order.append(module)

        visit(self.function.__module__)
        for module, _ in sorted(self.parts):
            visit(module)
        rank = {module: at for at, module in enumerate(order)}
        return sorted(self.parts.values(), key=lambda p: (rank[p.module], p.line))

    def text(self, values: Mapping[str, Any]) -> tuple[str, list[Piece]]:
        """The script up to the call, and the call's pieces (text, parameter, kind)."""
        parts = self._order()
        bound: dict[str, str] = {}
        for part in parts:
            for name in sorted(part.binds):
                if name in bound and bound[name] != part.module:
                    raise self._error(
                        f"its code defines '{name}' twice, in {bound[name]} and in {part.module},"
                        " allowed: one definition of each name (rename one)"
                    )
                bound[name] = part.module
        imports = sorted(self.imports, key=lambda i: (i.module, i.name or "", i.alias or ""))
        for found in imports:
            other = [i for i in imports if i.binds == found.binds and i != found]
            if found.binds in bound or other:
                raise self._error(
                    f"its code takes '{found.binds}' both from an import and from elsewhere,"
                    " allowed: one meaning for each name"
                )
        head = []
        if any(self._source(part.module).future for part in parts):
            head.append("from __future__ import annotations")
        for standard in (True, False):
            group = [i for i in imports if i.standard == standard]
            lines = [_import_line(i) for i in group if i.name is None]
            froms: dict[str, list[str]] = {}
            for found in group:
                if found.name is not None:
                    alias = f" as {found.alias}" if found.alias else ""
                    froms.setdefault(found.module, []).append(found.name + alias)
            lines += [f"from {m} import {', '.join(sorted(n))}" for m, n in sorted(froms.items())]
            if lines:
                head.append("\n".join(lines))
        body = "\n\n".join(head)
        previous: _Part | None = None
        for part in parts:
            gap = "\n\n\n" if previous is None or previous.block or part.block else "\n"
            body += gap + part.text
            previous = part
        return body + "\n\n\n", self._call(values)

    def _call(self, values: Mapping[str, Any]) -> list[Piece]:
        """The call with ``values``: by name, or one mapping for a ``draw(values)``; with the
        frame the controls choose, when they choose frames."""
        params = self.spec.params
        signature = inspect.signature(self.function)
        accepted = signature.parameters
        by_name = all(p.name in accepted for p in params) or any(
            a.kind is inspect.Parameter.VAR_KEYWORD for a in accepted.values()
        )
        positional = [
            a
            for a in accepted.values()
            if a.kind in (a.POSITIONAL_ONLY, a.POSITIONAL_OR_KEYWORD) and a.default is a.empty
        ]
        if not by_name and len(positional) != 1:
            names = ", ".join(p.name for p in params)
            raise self._error(
                f"its code {self.function.__name__}{signature} takes neither its parameters"
                f" ({names}) by name nor one mapping of them, allowed: either"
            )

        def arguments(chosen: Iterable[Any]) -> list[Piece]:
            pieces: list[Piece] = []
            for p in chosen:
                if pieces:
                    pieces.append((", ", None, None))
                text = python_value(p.kind, values[p.name])
                pieces += [(f"{p.name}=", None, None), (text, p.name, p.kind.__name__)]
            return pieces

        inner = arguments(params)
        if not by_name:
            inner = [("dict(", None, None), *inner, (")", None, None)]
        name = self.function.__name__
        width = len(name) + 2 + sum(len(text) for text, _, _ in inner)
        if width > LINE:
            inner = [("\n    ", None, None), *inner, ("\n", None, None)]
        call = [(name + "(", None, None), *inner, (")", None, None)]
        frames = [p for p in params if p.control] if self.spec.framed else []
        if frames:
            call += [(".select(", None, None), *arguments(frames), (")", None, None)]
        return call


def _read(name: str, package: str, path: Path) -> _Module:
    """What the top of module ``name`` (of ``package``) binds, read from its file."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text, str(path))
    definitions: dict[str, ast.stmt | None] = {}
    imports: dict[str, _Import] = {}
    runs_first: list[str] = []
    future = False

    def imported(node: ast.Import | ast.ImportFrom, runs: bool) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                found = _Import(alias.name, None, alias.asname)
                imports[found.binds] = found
                if runs:
                    runs_first.append(alias.name)
            return
        module = node.module or ""
        if node.level:
            module = importlib.util.resolve_name("." * node.level + module, package)
        for alias in node.names:
            found = _Import(module, alias.name, alias.asname)
            imports[found.binds] = found
            if runs:
                runs_first.extend([module, f"{module}.{alias.name}"])

    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom) and statement.module == "__future__":
            future = future or any(a.name == "annotations" for a in statement.names)
        elif isinstance(statement, ast.Import | ast.ImportFrom):
            imported(statement, runs=True)
        elif isinstance(statement, ast.If) and _type_checking(statement.test):
            for inner in statement.body:
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    imported(inner, runs=False)
        else:
            for bound in _bound(statement):
                definitions[bound] = None if bound in definitions else statement
    return _Module(name, path, text.split("\n"), definitions, imports, runs_first, future)


def _bound(statement: ast.stmt) -> list[str]:
    """The names a top-level statement defines: a function, a class, a constant."""
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [statement.name]
    targets: list[ast.expr] = []
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        targets = [statement.target]
    names = []
    for target in targets:
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                names.append(node.id)
    return names


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _decorators(statement: ast.stmt) -> list[ast.expr]:
    return list(getattr(statement, "decorator_list", []))


def _root(node: ast.expr) -> str | None:
    """The name an expression starts from (``figure`` of ``figure("x", ...)``)."""
    while isinstance(node, ast.Call | ast.Attribute | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _globals(table: symtable.SymbolTable) -> set[str]:
    """The names a statement's code reads from the top of its module."""
    found = set()
    for symbol in table.get_symbols():
        if table.get_type() == "module":
            if symbol.is_referenced() and not symbol.is_imported():
                found.add(symbol.get_name())
        elif symbol.is_global() and symbol.is_referenced():
            found.add(symbol.get_name())
    for child in table.get_children():
        found |= _globals(child)
    return found


def _locals(table: symtable.SymbolTable) -> set[str]:
    """The names a statement's functions, classes and comprehensions take for their own."""
    found = set()
    for child in table.get_children():
        found |= {s.get_name() for s in child.get_symbols() if s.is_local() or s.is_parameter()}
        found |= _locals(child)
    return found


def _chars(line: str, byte: int) -> int:
    """The character offset of ``ast``'s ``byte`` offset (UTF-8) in ``line``."""
    return len(line.encode("utf-8")[:byte].decode("utf-8", errors="ignore"))


def _is_module(name: str) -> bool:
    if name in sys.modules:
        return True
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _import_line(found: _Import) -> str:
    if found.alias and found.alias != found.module:
        return f"import {found.module} as {found.alias}"
    return f"import {found.module}"
