"""The processes a test started and left running, read from /proc (Linux)."""

from __future__ import annotations

import os
import time
from pathlib import Path

# Python's own helpers live as long as the process that started them, by design: not leftovers.
KEPT = ("multiprocessing.forkserver", "multiprocessing.resource_tracker")


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        parent = int(text[text.rindex(")") + 2 :].split()[1])
        children.setdefault(parent, []).append(int(stat.parent.name))
    return children


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def descendants(since: dict[int, str] | None = None, settle_s: float = 0.0) -> dict[int, str]:
    """The processes below this one, by id with their command lines, Python's forkserver and
    resource tracker left out, and those in ``since`` (what ran before) with all they start
    (a browser another test keeps open may start a helper any time); waits up to ``settle_s``
    for them to end."""
    until = time.monotonic() + settle_s
    while True:
        tree, todo, found = _children(), [os.getpid()], {}
        while todo:
            for child in tree.get(todo.pop(), []):
                if child in (since or {}):
                    continue
                command = _command(child)
                if command and not any(name in command for name in KEPT):
                    found[child] = command
                todo.append(child)
        if not found or time.monotonic() >= until:
            return found
        time.sleep(0.1)


def _tree(root: int) -> list[int]:
    """``root`` and every process below it."""
    tree, todo, found = _children(), [root], []
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(tree.get(pid, []))
    return found


def tree_cpu(root: int | None = None) -> float:
    """CPU seconds (user and system) used so far by ``root`` (this process) and every process
    below it that is still running."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in _tree(root or os.getpid()):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def tree_memory(root: int) -> int:
    """Bytes of memory ``root`` and every process below it hold now, shared pages counted
    once between them (the sum of their proportional set sizes)."""
    total = 0
    for pid in _tree(root):
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
                    break
        except OSError:
            continue
    return total


def running_in(folder: Path, settle_s: float = 0.0) -> list[str]:
    """The command lines of the processes whose working folder is ``folder`` (a build's
    processes, Chromium's included, start there); waits up to ``settle_s`` for them to end."""
    until = time.monotonic() + settle_s
    folder = Path(folder).resolve()
    while True:
        found = []
        for cwd in Path("/proc").glob("[0-9]*/cwd"):
            try:
                if Path(os.readlink(cwd)) == folder:
                    found.append(_command(int(cwd.parent.name)))
            except OSError:
                continue
        if not found or time.monotonic() >= until:
            return found
        time.sleep(0.1)
