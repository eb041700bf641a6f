"""Prefect's home and logging set up for a fresh machine before Prefect is imported."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _writable(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".write-test-{os.getpid()}"
        probe.write_text("")
        probe.unlink()
        return True
    except OSError:
        return False


def prepare_prefect(quiet: bool = False) -> None:
    """Point Prefect at a writable home (``~/.prefect``, else ``<project>/.prefect``, else a temp dir) and keep
    the embedded server quiet; ``quiet`` also hides Prefect's INFO lines (the CLI shows a progress bar).
    Settings the user already exported win. Call it before Prefect is imported."""
    if quiet:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    if "PREFECT_HOME" not in os.environ:
        for candidate in (Path.home() / ".prefect", PROJECT_ROOT / ".prefect",
                          Path(tempfile.gettempdir()) / "workplans-prefect"):
            if _writable(candidate):
                os.environ["PREFECT_HOME"] = str(candidate)
                break
    # Prefect gives its temporary server 20 s to start; a loaded 2-core machine needed more (the run then failed)
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_LOGGING_LOG_PRINTS", "false")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "ERROR")
    os.environ.setdefault("PREFECT_LOGGING_SERVER_LEVEL", "ERROR")
