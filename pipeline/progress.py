"""Progress of a run, reported to whoever is listening (the CLI's progress bar) through a context variable."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

Listener = Callable[[int, int, str], None]
LISTENER: ContextVar[Listener | None] = ContextVar("workplans_progress", default=None)


def advance(done: int, total: int, document_id: str) -> None:
    """Tell the listener, if any, that ``done`` of ``total`` documents are finished, the last ``document_id``."""
    listener = LISTENER.get()
    if listener is not None:
        listener(done, total, document_id)
