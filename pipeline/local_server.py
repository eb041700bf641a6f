"""A local Prefect server process owned by one command: API, UI and every background service, scheduler included."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.errors import ServerUnavailable

log = logging.getLogger(__name__)

# Prefect's temporary server runs without the scheduler (``PREFECT__SERVER_EPHEMERAL``: only the services marked
# ``RunInEphemeralServers``) and without the UI; an owned server must not inherit these flags from our environment.
_TEMPORARY_SERVER_FLAGS = ("PREFECT__SERVER_EPHEMERAL", "PREFECT__SERVER_WEBSERVER_ONLY", "PREFECT_API_URL")


@dataclass(frozen=True)
class ServerAddress:
    """A Prefect API, the address of its UI (None: no UI) and whether this command started it (and stops it):
    ``ServerAddress("http://127.0.0.1:4200/api", "http://127.0.0.1:4200", owned=True)``."""

    api_url: str
    ui_url: str | None
    owned: bool


def listening_socket(preferred: int) -> socket.socket:
    """A socket listening on 127.0.0.1: port ``preferred`` when free, else one the system hands out. The server
    process gets it already bound, so that no other process can take the port between our choice and its start
    (and our health check cannot reach another server that did)."""
    for port in (preferred, 0):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
            sock.listen(2048)
        except OSError:
            sock.close()
            continue
        return sock
    raise ServerUnavailable("no free local port for a Prefect server")


def server_environment(database: Path | None, port: int, temporary: bool = False) -> dict[str, str]:
    """The environment of a full Prefect server on ``port`` keeping its database in ``database``; ``temporary``:
    a server for one run, as Prefect's own temporary server (API only, the services of temporary servers, the
    database of the Prefect home unless ``database`` is given)."""
    env = {k: v for k, v in os.environ.items() if k not in _TEMPORARY_SERVER_FLAGS}
    url = f"http://127.0.0.1:{port}"
    env.update({"PREFECT_SERVER_API_HOST": "127.0.0.1", "PREFECT_SERVER_API_PORT": str(port),
                "PREFECT__SERVER_FINAL": "1"})
    if database is not None:
        env["PREFECT_API_DATABASE_CONNECTION_URL"] = f"sqlite+aiosqlite:///{database}"
    if temporary:
        env.update({"PREFECT__SERVER_EPHEMERAL": "1", "PREFECT_UI_ENABLED": "false"})
    else:
        env.update({"PREFECT_UI_API_URL": f"{url}/api",  # the UI in the browser calls this API
                    "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "true"})
    return env


def _die_with_parent() -> None:
    """In the server process (Linux): get SIGTERM when the command that started it dies, even by SIGKILL."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG


def _start_process(database: Path | None, sock: socket.socket, log_file: Path,
                   temporary: bool = False) -> subprocess.Popen:
    """What ``prefect server start --background`` runs (uvicorn on Prefect's app factory), as our child, serving
    on ``sock``."""
    port = sock.getsockname()[1]
    command = [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
               "--fd", str(sock.fileno()), "--log-level", "error", "--lifespan", "on"]
    with log_file.open("ab") as out:
        return subprocess.Popen(command, env=server_environment(database, port, temporary), stdout=out, stderr=out,
                                stdin=subprocess.DEVNULL, pass_fds=(sock.fileno(),),
                                start_new_session=True,  # Ctrl-C is ours to pass on, after the runner's shutdown
                                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)


def _answers(url: str, html: bool = False) -> bool:
    import httpx

    headers = {"accept": "text/html"} if html else {}
    try:
        return httpx.get(url, headers=headers, timeout=5, follow_redirects=True).status_code == 200
    except httpx.HTTPError:
        return False


def _wait_until_up(process: subprocess.Popen, url: str, timeout: float, log_file: Path) -> None:
    """Return once the API answers; raise if the process ended first or the time is up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerUnavailable(f"the local Prefect server stopped while starting (see {log_file})")
        if api_answers(f"{url}/api"):
            return
        time.sleep(0.2)
    raise ServerUnavailable(f"the local Prefect server did not answer at {url} within {timeout:.0f} s (see {log_file})")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def owned_server(database: Path, preferred_port: int = 4200, timeout: float = 120) -> Iterator[ServerAddress]:
    """Run a full Prefect server (API, UI, scheduler and the other services) for as long as the block lasts.

    ``database``: its SQLite file (created with the tables on first use); the server's output goes to the same
    name with ``.log``. Port ``preferred_port`` when free, else any free one. The process is stopped when the
    block ends, and also dies if this process is killed (Linux).

        with owned_server(Path("~/.prefect/serve/raw-1a2b3c4d.db")) as server:
            server.api_url  # -> "http://127.0.0.1:4200/api"
    """
    database.parent.mkdir(parents=True, exist_ok=True)
    log_file = database.with_suffix(".log")
    with listening_socket(preferred_port) as sock:
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        process = _start_process(database, sock, log_file)
    try:
        _wait_until_up(process, url, timeout, log_file)
        log.info("Prefect server (pid %d) at %s, database %s", process.pid, url, database)
        yield ServerAddress(f"{url}/api", url, owned=True)
    finally:
        _stop(process)


@contextlib.contextmanager
def temporary_server(log_file: Path, timeout: float = 180) -> Iterator[ServerAddress]:
    """A Prefect API for one command's run, started without importing Prefect's server code into this process
    (the server process imports it, while this one goes on), its output in ``log_file`` rather than on the
    console; stopped when the block ends (and if this process dies, on Linux)."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with listening_socket(0) as sock:
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        process = _start_process(None, sock, log_file, temporary=True)
    try:
        _wait_until_up(process, url, timeout, log_file)
        yield ServerAddress(f"{url}/api", None, owned=True)
    finally:
        _stop(process)


def api_answers(api_url: str) -> bool:
    """Whether a Prefect API answers its health check: ``api_answers("http://127.0.0.1:4200/api")`` -> ``True``."""
    return _answers(f"{api_url}/health")


def ui_answers(ui_url: str) -> bool:
    """Whether a Prefect UI page loads (it does not when the user turned the UI off)."""
    return _answers(f"{ui_url}/", html=True)
