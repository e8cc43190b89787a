"""Where a cold build's time goes, task by task: `python -m bench.tasks`.

Runs `nikola build --strict` in a fresh copy of the site, in this process (with the command
line a real one has), with doit's task execution timed: wall-clock and CPU seconds of this
process per task basename, and the whole. The figures are drawn by other processes
(``vanishing_post.engine.drawing``): their work shows as the wall-clock time `render_posts` and
`vg_twins_wait` spend waiting for it.
"""

from __future__ import annotations

import collections
import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.sites import copy_site  # noqa: E402


def timed_build(root: Path) -> tuple[float, float, dict[str, tuple[float, float]]]:
    """Wall, CPU and per-task (wall, CPU) seconds of one build in ``root``, in this process."""
    import doit.task
    from nikola.__main__ import main

    execute = doit.task.Task.execute
    wall: collections.Counter[str] = collections.Counter()
    cpu: collections.Counter[str] = collections.Counter()

    def timed(task: doit.task.Task, stream: object) -> object:
        start, used = time.perf_counter(), time.process_time()
        try:
            return execute(task, stream)
        finally:
            wall[task.name.split(":")[0]] += time.perf_counter() - start
            cpu[task.name.split(":")[0]] += time.process_time() - used

    start, used = time.perf_counter(), time.process_time()
    doit.task.Task.execute = timed
    here, argv = os.getcwd(), sys.argv
    try:
        os.chdir(root)
        sys.argv = ["nikola", "build", "--strict"]  # what the plugins see in a real build
        with _quiet():
            status = main(sys.argv[1:])
    finally:
        os.chdir(here)
        sys.argv = argv
        doit.task.Task.execute = execute
    if status:
        sys.exit(f"bench.tasks: nikola build failed ({status}) in {root}")
    tasks = {name: (wall[name], cpu[name]) for name in wall}
    return time.perf_counter() - start, time.process_time() - used, tasks


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Nikola's and doit's output (to this process's stdout and stderr files) thrown away."""
    sys.stdout.flush()
    sys.stderr.flush()
    kept = [os.dup(1), os.dup(2)]
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 1)
        os.dup2(null.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            for fd, saved in zip((1, 2), kept, strict=True):
                os.dup2(saved, fd)
                os.close(saved)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="vg-tasks-") as tmp:
        total, used, tasks = timed_build(copy_site(Path(tmp) / "site"))
    print(f"cold build: wall {total:.2f} s, CPU of this process {used:.2f} s")
    for name, (wall, cpu) in sorted(tasks.items(), key=lambda kv: -kv[1][0])[:12]:
        print(f"  {name:22} wall {wall:5.2f} s  CPU {cpu:5.2f} s")


if __name__ == "__main__":
    main()
