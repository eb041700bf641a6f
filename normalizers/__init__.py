"""Normalisers: pure functions from printed text to typed values (timelines, agencies)."""

from __future__ import annotations

from typing import Any

__all__ = ["normalize_timeline", "find_timeline_phrase", "resolve_agencies"]


def __getattr__(name: str) -> Any:
    # Lazy: importing the package must not load spaCy or dateparser (no import-time side effects).
    if name in ("normalize_timeline", "find_timeline_phrase"):
        from normalizers import timeline

        return getattr(timeline, name)
    if name == "resolve_agencies":
        from normalizers import agencies

        return agencies.resolve_agencies
    raise AttributeError(name)
