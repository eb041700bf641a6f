"""What is in the raw folder, and a fingerprint of the pipeline's own code and data for cache keys."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from pipeline.environment import PROJECT_ROOT

_PACKAGES = ("pipeline", "extractors", "normalizers")


def list_documents(raw_dir: Path) -> list[Path]:
    """Every visible file below ``raw_dir``, sorted: ``list_documents(Path("raw"))`` -> ``[Path("raw/a.md"), ...]``.

    Unsupported types are listed too: they become an error row rather than being silently skipped.
    """
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw folder {raw_dir} does not exist")
    return sorted(
        p for p in raw_dir.rglob("*")
        if p.is_file() and not any(part.startswith((".", "~$")) for part in p.relative_to(raw_dir).parts)
    )


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
