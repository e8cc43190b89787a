"""A twins' studio for tests, in a thread of its own: Playwright allows one sync session per
thread, and the session's browser fixture may hold the main thread's."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from vanishing_post.engine.twins import Studio


class _InThread:
    def __init__(self, thread: ThreadPoolExecutor, studio: Studio) -> None:
        self._thread, self._studio = thread, studio

    def run(self, work: Any) -> Any:
        """``work(studio)`` in the studio's thread."""
        return self._thread.submit(work, self._studio).result()

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._studio, name)
        return lambda *args, **kwargs: self._thread.submit(method, *args, **kwargs).result()


@contextmanager
def studio_in_thread(*args: Any, **kwargs: Any) -> Iterator[Any]:
    """``Studio(*args, **kwargs)``, opened, each call run in the studio's own thread."""
    thread = ThreadPoolExecutor(1)
    studio = Studio(*args, **kwargs)
    try:
        thread.submit(studio.open).result()
        yield _InThread(thread, studio)
    finally:
        thread.submit(studio.close).result()
        thread.shutdown()
