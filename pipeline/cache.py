"""The results cache as data: a JSON codec for our own records, a Prefect serializer and a folder that
refuses every entry it did not write (never unpickled, never code)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import importlib
import json
import logging
import types
import typing
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
_MODULES = ("pipeline.core.records", "pipeline.core.model", "pipeline.core.enums", "pipeline.core.errors",
            "extractors.pdf", "extractors.pdf_lines", "extractors.pdf_tables")
MAX_DEPTH = 40  # a DocumentResult nests 6 deep, a PageBatch 9; anything far deeper is not ours


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
    except RecursionError as e:
        raise CacheEntryRejected("JSON nested too deep") from e
    if not isinstance(envelope, dict) or envelope.get("format") != CACHE_FORMAT:
        raise CacheEntryRejected("not a workplans cache entry")
    if envelope.get("version") != CACHE_VERSION:
        raise CacheEntryRejected(f"cache version {envelope.get('version')!r}, expected {CACHE_VERSION}")
    try:
        return _from_json(envelope.get("value"))
    except CacheEntryRejected:
        raise
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as e:
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


def _from_json(value: Any, depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        raise CacheEntryRejected(f"nested more than {MAX_DEPTH} deep")
    if isinstance(value, list):
        return [_from_json(v, depth + 1) for v in value]
    if not isinstance(value, dict):
        return value
    if "$c" in value:
        cls = _allowed(value["$c"])
        if not dataclasses.is_dataclass(cls):
            raise CacheEntryRejected(f"{value['$c']} is not a record class")
        fields = value.get("f")
        if not isinstance(fields, dict):
            raise CacheEntryRejected("record without fields")
        hints = _hints(cls)
        kwargs = {}
        for k, v in fields.items():
            if k not in hints:
                raise CacheEntryRejected(f"{cls.__name__} has no field {k!r}")
            kwargs[k] = _from_json(v, depth + 1)
            _check(kwargs[k], hints[k], f"{cls.__name__}.{k}")
        return cls(**kwargs)
    if "$e" in value:
        cls = _allowed(value["$e"])
        if not (isinstance(cls, type) and issubclass(cls, enum.Enum)):
            raise CacheEntryRejected(f"{value['$e']} is not an enum")
        return cls(value["v"])
    if "$x" in value:
        from pipeline.core.errors import PipelineError

        cls = _allowed(value["$x"])
        if not (isinstance(cls, type) and issubclass(cls, PipelineError)):
            raise CacheEntryRejected(f"{value['$x']} is not a pipeline error")
        return cls(str(value.get("m", "")))
    if "$t" in value:
        if not isinstance(value["$t"], list):
            raise CacheEntryRejected("tuple without a list of values")
        return tuple(_from_json(v, depth + 1) for v in value["$t"])
    if "$d" in value:
        return dt.date.fromisoformat(value["$d"])
    if "$dt" in value:
        return dt.datetime.fromisoformat(value["$dt"])
    return {k: _from_json(v, depth + 1) for k, v in value.items()}


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    """The types of a record's fields that its constructor takes."""
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls) if f.init}


def _check(value: Any, hint: Any, where: str) -> None:
    """``CacheEntryRejected`` unless ``value`` is of type ``hint`` all the way down (lists, tuples, dictionaries,
    unions; records and enums were checked as they were built): ``_check([1], list[str], "x")`` raises."""
    if hint is Any or hint is object:
        return
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        for arm in args:
            try:
                _check(value, arm, where)
                return
            except CacheEntryRejected:
                continue
    elif origin is list:
        if isinstance(value, list):
            for n, v in enumerate(value):
                _check(v, args[0] if args else Any, f"{where}[{n}]")
            return
    elif origin is tuple:
        arms = [args[0]] * len(value) if len(args) == 2 and args[1] is Ellipsis else list(args)
        if isinstance(value, tuple) and (len(arms) == len(value) or not args):
            for n, (v, arm) in enumerate(zip(value, arms or [Any] * len(value), strict=True)):
                _check(v, arm, f"{where}[{n}]")
            return
    elif origin is dict:
        if isinstance(value, dict):
            for k, v in value.items():
                _check(k, args[0] if args else Any, f"{where} key")
                _check(v, args[1] if args else Any, f"{where}[{k!r}]")
            return
    elif origin is Literal:
        if value in args:
            return
    elif hint is type(None) or hint is None:
        if value is None:
            return
    elif hint is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return
    elif hint is dt.date:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return
    elif isinstance(hint, type):
        if isinstance(value, hint):
            return
    else:
        raise CacheEntryRejected(f"{where}: type {hint} cannot be checked")
    raise CacheEntryRejected(f"{where}: {type(value).__name__} {_short(value)} where {hint} belongs")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


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


def result_problem(value: Any, document_id: str, sha256: str | None) -> str | None:
    """Why a cached value cannot be the result of the document ``document_id`` whose bytes hash to ``sha256`` (None:
    the file cannot be read now), or None when it can: a record of another document, of other bytes, or not a
    DocumentResult at all. ``result_problem(result, "wg6.txt", result.sha256)`` -> ``None``."""
    from pipeline.core.records import DocumentResult

    if not isinstance(value, DocumentResult):
        return f"a {type(value).__name__}, not a document's result"
    if value.document_id != document_id or value.source_file != document_id:
        return f"made for document {_short(value.document_id)}, not {document_id!r}"
    if value.sha256 != (sha256 or "") and not (value.sha256 == "" and not value.items):
        return f"made from other bytes (sha256 {_short(value.sha256)}, the file's is {sha256})"
    others = ({i.document_id for i in value.items} | {r.document_id for r in value.leads}
              | {r.document_id for r in value.timelines} | {r.document_id for r in value.funding}
              | {r.document_id for r in value.funding_agencies}
              | {e.source_file for e in value.errors + value.warnings})
    if others - {document_id}:
        return f"holds rows of document {_short(sorted(others - {document_id})[0])}"
    return None


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
    except RecursionError as e:
        raise CacheEntryRejected("JSON nested too deep") from e
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
