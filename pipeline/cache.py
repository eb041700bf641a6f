"""The results cache as data: a JSON codec for our own records, a Prefect serializer and a folder that
refuses every entry it did not write (never unpickled, never code)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import importlib
import json
import logging
from pathlib import Path
from typing import Any, Final, Literal

from prefect._internal.compatibility.async_dispatch import async_dispatch
from prefect.filesystems import LocalFileSystem
from prefect.serializers import Serializer

log = logging.getLogger(__name__)

CACHE_FORMAT = "workplans-cache"
CACHE_VERSION = 1  # raised when the encoding changes; older entries are then cache misses
SERIALIZER_TYPE: Final = "workplans-json"
# the only modules whose dataclasses, enums and errors a cache entry may name
_MODULES = ("pipeline.records", "pipeline.model", "pipeline.errors", "extractors.pdf", "extractors.pdf_lines",
            "extractors.pdf_tables")


class CacheEntryRejected(ValueError):
    """A cache entry that is not ours or not valid: read as a cache miss."""


def encode(value: Any) -> bytes:
    """Our records as JSON: ``decode(encode(Timeline("Q2 2021")))`` -> ``Timeline("Q2 2021")``."""
    envelope = {"format": CACHE_FORMAT, "version": CACHE_VERSION, "value": _to_json(value)}
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()


def decode(blob: bytes) -> Any:
    """The value ``encode`` wrote; ``CacheEntryRejected`` for anything else (another format, another version,
    a class outside our record modules, a field the class does not have)."""
    try:
        envelope = json.loads(blob)
    except (ValueError, UnicodeDecodeError) as e:
        raise CacheEntryRejected(f"not JSON: {e}") from e
    if not isinstance(envelope, dict) or envelope.get("format") != CACHE_FORMAT:
        raise CacheEntryRejected("not a workplans cache entry")
    if envelope.get("version") != CACHE_VERSION:
        raise CacheEntryRejected(f"cache version {envelope.get('version')!r}, expected {CACHE_VERSION}")
    try:
        return _from_json(envelope.get("value"))
    except CacheEntryRejected:
        raise
    except (TypeError, ValueError, KeyError, AttributeError) as e:
        raise CacheEntryRejected(f"invalid entry: {type(e).__name__}: {e}") from e


def _name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _to_json(value: Any) -> Any:
    if isinstance(value, enum.Enum):  # before str: our enums are str enums
        return {"$e": _name(type(value)), "v": value.value}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _to_json(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return {"$c": _name(type(value)), "f": fields}
    if isinstance(value, Exception):
        return {"$x": _name(type(value)), "m": str(value)}
    if isinstance(value, tuple):
        return {"$t": [_to_json(v) for v in value]}
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("cache dictionaries need string keys")
        if any(k.startswith("$") for k in value):
            raise TypeError("cache dictionary keys may not start with '$'")
        return {k: _to_json(v) for k, v in value.items()}
    raise TypeError(f"{type(value).__name__} is not a cacheable record")


def _from_json(value: Any) -> Any:
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$c" in value:
        cls = _allowed(value["$c"])
        if not dataclasses.is_dataclass(cls):
            raise CacheEntryRejected(f"{value['$c']} is not a record class")
        fields = value.get("f")
        if not isinstance(fields, dict):
            raise CacheEntryRejected("record without fields")
        return cls(**{k: _from_json(v) for k, v in fields.items()})
    if "$e" in value:
        cls = _allowed(value["$e"])
        if not (isinstance(cls, type) and issubclass(cls, enum.Enum)):
            raise CacheEntryRejected(f"{value['$e']} is not an enum")
        return cls(value["v"])
    if "$x" in value:
        from pipeline.errors import PipelineError

        cls = _allowed(value["$x"])
        if not (isinstance(cls, type) and issubclass(cls, PipelineError)):
            raise CacheEntryRejected(f"{value['$x']} is not a pipeline error")
        return cls(str(value.get("m", "")))
    if "$t" in value:
        return tuple(_from_json(v) for v in value["$t"])
    if "$d" in value:
        return dt.date.fromisoformat(value["$d"])
    if "$dt" in value:
        return dt.datetime.fromisoformat(value["$dt"])
    return {k: _from_json(v) for k, v in value.items()}


def _allowed(name: Any) -> type:
    """The class a cache entry names, only from our record modules and defined there (no imported names)."""
    if not isinstance(name, str) or ":" not in name:
        raise CacheEntryRejected(f"bad class name {name!r}")
    module_name, _, qualname = name.partition(":")
    if module_name not in _MODULES or not qualname.isidentifier():
        raise CacheEntryRejected(f"{name} is not one of the pipeline's record classes")
    cls = getattr(importlib.import_module(module_name), qualname, None)
    if not isinstance(cls, type) or cls.__module__ != module_name:
        raise CacheEntryRejected(f"{name} is not one of the pipeline's record classes")
    return cls


class RecordSerializer(Serializer):
    """Prefect result serializer for our records: JSON through ``encode``/``decode``, never pickle."""

    type: Literal["workplans-json"] = SERIALIZER_TYPE

    def dumps(self, obj: Any) -> bytes:
        return encode(obj)

    def loads(self, blob: bytes) -> Any:
        return decode(blob)


def check_entry(content: bytes) -> bytes:
    """``content`` if it is a Prefect result record written by ``RecordSerializer`` whose value decodes,
    else ``CacheEntryRejected``. Prefect picks the serializer named in the file, so a file naming pickle
    must never reach it."""
    try:
        record = json.loads(content)
        serializer = record["metadata"]["serializer"]["type"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as e:
        raise CacheEntryRejected("not a result record") from e
    if serializer != SERIALIZER_TYPE:
        raise CacheEntryRejected(f"result record written with serializer {serializer!r}")
    result = record.get("result")
    if not isinstance(result, str):
        raise CacheEntryRejected("result record without a JSON value")
    decode(result.encode())
    return content


class CacheFolder(LocalFileSystem):
    """A local results folder that hands Prefect only entries ``check_entry`` accepts; anything else (a
    pickle, a corrupt or foreign file) is a cache miss with a warning, and the task runs again."""

    _block_type_name = "Workplans Cache Folder"
    _block_type_slug = "workplans-cache-folder"

    async def aread_path(self, path: str) -> bytes:
        return _checked(path, await super().aread_path(path))

    # Prefect types read_path as "bytes or a coroutine" (async_dispatch); called with _sync=True it is bytes
    @async_dispatch(aread_path)
    def read_path(self, path: str) -> bytes:  # type: ignore[override]
        return _checked(path, super().read_path(path, _sync=True))  # type: ignore[call-arg, arg-type]


def _checked(path: str, content: bytes) -> bytes:
    try:
        return check_entry(content)
    except CacheEntryRejected as e:
        log.warning("cache entry %s ignored (%s): the document is parsed again", Path(path).name, e)
        raise


def prune(cache_dir: Path, keep: set[str]) -> int:
    """Delete cache entries whose key is not in ``keep`` (documents removed or changed); returns how many."""
    if not cache_dir.is_dir():
        return 0
    removed = 0
    for entry in cache_dir.iterdir():
        if entry.is_file() and entry.name not in keep:
            entry.unlink(missing_ok=True)
            removed += 1
    return removed
