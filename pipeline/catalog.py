"""What is in the raw folder, and a fingerprint of the pipeline's own code and data for cache keys."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.core.enums import ErrorType, Severity, Stage
from pipeline.environment import PROJECT_ROOT

if TYPE_CHECKING:
    import pyarrow as pa

_PACKAGES = ("pipeline", "extractors", "normalizers")


def list_documents(raw_dir: Path, exclude: tuple[Path, ...] = ()) -> list[Path]:
    """Every visible file below ``raw_dir``, sorted: ``list_documents(Path("raw"))`` -> ``[Path("raw/a.md"), ...]``.

    Unsupported types are listed too: they become an error row rather than being silently skipped. So are
    links that point outside the raw folder, nowhere or in a loop (``run_document`` refuses them with an error
    row); a link to a file that is itself in the folder is left out, so that file is read once. ``exclude``:
    folders never scanned (the run's own output, when it lies inside the raw folder).
    """
    return scan_folder(raw_dir, exclude)[0]


def scan_folder(raw_dir: Path, exclude: tuple[Path, ...] = ()) -> tuple[list[Path], list[str]]:
    """``list_documents`` and the hidden entries it skips, as paths relative to ``raw_dir`` (a hidden folder once,
    not each file in it): ``scan_folder(Path("raw"))`` -> ``([Path("raw/a.md")], [".DS_Store", ".git"])``.

    No one entry stops the listing: a path that cannot be looked at (a link loop, a vanished file) is listed, and
    ``run_document`` says what is wrong with it.
    """
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw folder {raw_dir} does not exist")
    root = raw_dir.resolve()
    skip = tuple(e.resolve() for e in exclude)
    found, hidden = [], set()
    for p in raw_dir.rglob("*"):
        parts = p.relative_to(raw_dir).parts
        first_hidden = next((n for n, part in enumerate(parts) if part.startswith((".", "~$"))), None)
        if first_hidden is not None:
            hidden.add(Path(*parts[: first_hidden + 1]).as_posix())
            continue
        try:
            if _listed(p, root, skip):
                found.append(p)
        except (OSError, RuntimeError):  # RuntimeError: a link loop (Path.resolve before Python 3.13)
            found.append(p)
    return sorted(found), sorted(hidden)


def _listed(p: Path, root: Path, skip: tuple[Path, ...]) -> bool:
    if p.is_symlink():
        target = p.resolve()
        # a link to a file in the folder: that file is listed itself
        return not (target.is_file() and root in target.parents and not _hidden(target, root))
    if any(p.resolve() == e or e in p.resolve().parents for e in skip):
        return False
    return p.is_file()


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith((".", "~$")) for part in path.relative_to(root).parts)


FOLLOW_LINKS_ENV = "WORKPLANS_FOLLOW_LINKS"


def check_link(path: Path, raw_dir: Path) -> None:
    """Refuse a link that points nowhere, or outside the raw folder (unless ``WORKPLANS_FOLLOW_LINKS=1``): a
    run reads what is in its folder, never a file a link smuggles in (``/etc/passwd``)."""
    import os

    from pipeline.core.errors import BrokenLink, OutsideRawFolder

    if not path.is_symlink():
        return
    try:
        target = path.resolve()
        exists = target.exists()
    except (OSError, RuntimeError) as e:  # RuntimeError: a link loop (Path.resolve before Python 3.13)
        raise BrokenLink(f"{path.name}: the link cannot be followed ({e})") from e
    if not exists:
        raise BrokenLink(f"{path.name}: the link points to nothing ({os.readlink(path)})")
    if not inside(target, raw_dir) and os.environ.get(FOLLOW_LINKS_ENV) != "1":
        raise OutsideRawFolder(f"{path.name}: the link points outside the raw folder; copy the file in, or set "
                               f"{FOLLOW_LINKS_ENV}=1 to follow such links")


def inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies below it, links resolved."""
    p, f = path.resolve(), folder.resolve()
    return p == f or f in p.parents


@functools.cache
def source_fingerprint() -> str:
    """Hash of the pipeline's Python sources and data files: a code or alias-table change re-parses everything."""
    digest = hashlib.sha256()
    for package in _PACKAGES:
        for path in sorted((PROJECT_ROOT / package).rglob("*")):
            if path.suffix in (".py", ".yaml", ".csv", ".json") and "__pycache__" not in path.parts:
                digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


SKIPPED_HIDDEN = ErrorType.SKIPPED_HIDDEN
HIDDEN_MESSAGE = "hidden (the name starts with '.' or '~$'): not read; rename it to include it"


def with_skipped(errors: pa.Table, hidden: list[str]) -> pa.Table:
    """The errors table plus one ``info`` row per hidden entry the scan skipped (``scan_folder``), so that no file
    of the folder is left out without a word."""
    import pyarrow as pa

    rows = [{"source_file": name, "document_id": None, "severity": Severity.INFO, "stage": Stage.READ,
             "error_type": SKIPPED_HIDDEN, "message": f"{name}: {HIDDEN_MESSAGE}", "page": None, "line": None}
            for name in hidden]
    return pa.concat_tables([errors, pa.Table.from_pylist(rows, schema=errors.schema)]) if rows else errors
