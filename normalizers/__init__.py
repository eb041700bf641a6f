"""Normalisers: pure functions from printed text to typed values (timelines, agencies, funders)."""

from __future__ import annotations

from typing import Any

__all__ = ["normalize_timeline", "find_timeline_phrase", "resolve_agencies", "split_funders"]


def __getattr__(name: str) -> Any:
    # Lazy: importing the package must not load spaCy or dateparser (no import-time side effects).
    if name in ("normalize_timeline", "find_timeline_phrase"):
        from normalizers import timeline

        return getattr(timeline, name)
    if name == "resolve_agencies":
        from normalizers import agencies

        return agencies.resolve_agencies
    if name == "split_funders":
        from normalizers import funding

        return funding.split_funders
    raise AttributeError(name)
