"""What is in the raw folder, and a fingerprint of the pipeline's own code and data for cache keys."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from pipeline.environment import PROJECT_ROOT

_PACKAGES = ("pipeline", "extractors", "normalizers")


def list_documents(raw_dir: Path, exclude: tuple[Path, ...] = ()) -> list[Path]:
    """Every visible file below ``raw_dir``, sorted: ``list_documents(Path("raw"))`` -> ``[Path("raw/a.md"), ...]``.

    Unsupported types are listed too: they become an error row rather than being silently skipped. So are
    links that point outside the raw folder or nowhere (``run_document`` refuses them with an error row); a link
    to a file that is itself in the folder is left out, so that file is read once. ``exclude``: folders never
    scanned (the run's own output, when it lies inside the raw folder).
    """
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw folder {raw_dir} does not exist")
    root = raw_dir.resolve()
    skip = tuple(e.resolve() for e in exclude)
    found = []
    for p in raw_dir.rglob("*"):
        if any(part.startswith((".", "~$")) for part in p.relative_to(raw_dir).parts):
            continue
        if any(p.resolve() == e or e in p.resolve().parents for e in skip) and not p.is_symlink():
            continue
        if p.is_symlink():
            target = p.resolve()
            if target.is_file() and root in target.parents and not _hidden(target, root):
                continue  # the file it points to is listed itself
            found.append(p)
        elif p.is_file():
            found.append(p)
    return sorted(found)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith((".", "~$")) for part in path.relative_to(root).parts)


FOLLOW_LINKS_ENV = "WORKPLANS_FOLLOW_LINKS"


def check_link(path: Path, raw_dir: Path) -> None:
    """Refuse a link that points nowhere, or outside the raw folder (unless ``WORKPLANS_FOLLOW_LINKS=1``): a
    run reads what is in its folder, never a file a link smuggles in (``/etc/passwd``)."""
    import os

    from pipeline.errors import BrokenLink, OutsideRawFolder

    if not path.is_symlink():
        return
    target = path.resolve()
    if not target.exists():
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
            if path.suffix in (".py", ".yaml", ".csv") and "__pycache__" not in path.parts:
                digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
