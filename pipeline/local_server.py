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


# --- a server kept warm between commands ---------------------------------------------------------------------------

IDLE_ENV = "WORKPLANS_SERVER_IDLE_SECONDS"
DEFAULT_IDLE_SECONDS = 300.0
_STATE = "workplans-server.json"  # in the Prefect home: the warm server's pid, address and what it was started with
_USERS = "workplans-server.users"  # each command using the server holds a shared lock on it; its mtime: the last use
_STARTING = "workplans-server.start"  # held while one command looks for a server or starts one


def idle_seconds_from_env() -> float:
    """How long a warm server waits for the next command after the last one ended: ``WORKPLANS_SERVER_IDLE_SECONDS``,
    default 300; 0: a server for each command, stopped with it."""
    try:
        return max(0.0, float(os.environ.get(IDLE_ENV) or DEFAULT_IDLE_SECONDS))
    except ValueError:
        return DEFAULT_IDLE_SECONDS


def _fingerprint() -> str:
    """What a reused server must have been started with: this Python and the Prefect settings of the environment
    (a command with another database or another Prefect gets a server of its own)."""
    import hashlib

    prefect_env = sorted((k, v) for k, v in os.environ.items()
                         if k.startswith("PREFECT_") and k not in _TEMPORARY_SERVER_FLAGS)
    return hashlib.sha256(repr((sys.executable, prefect_env)).encode()).hexdigest()[:16]


def _running(state: Path, fingerprint: str) -> ServerAddress | None:
    """The warm server recorded in ``state`` when it is alive, was started like this command would start it, and
    answers; else None."""
    import json

    try:
        recorded = json.loads(state.read_text(encoding="utf-8"))
        pid, api_url = int(recorded["pid"]), str(recorded["api_url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if recorded.get("fingerprint") != fingerprint:
        return None
    try:
        os.kill(pid, 0)
    except OSError:
        return None
    return ServerAddress(api_url, None, owned=False) if api_answers(api_url) else None


@contextlib.contextmanager
def _flock(path: Path, exclusive: bool) -> Iterator[None]:
    import fcntl

    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            if not exclusive:
                os.utime(path)  # the last use ends now: the server's idle time counts from here
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextlib.contextmanager
def warm_server(home: Path, idle_seconds: float, timeout: float = 180) -> Iterator[ServerAddress]:
    """A Prefect API for this command, shared with the commands before and after it: the server an earlier command
    left running in ``home`` (the Prefect home) when it answers, else a new one, which stays up until no command
    has used it for ``idle_seconds`` and then stops itself (a detached process: it outlives this command).

    The API and its database are those of Prefect's temporary server (``temporary_server``): the runs are kept in
    the Prefect home's database, as before. Saves the server's start (several CPU seconds) on every command but the
    first of a series. ``home/workplans-server.json`` names the running server; its output goes to
    ``home/workplans-server.log``.
    """
    home.mkdir(parents=True, exist_ok=True)
    state, users, fingerprint = home / _STATE, home / _USERS, _fingerprint()
    with _flock(users, exclusive=False):  # waits while a server that found itself idle stops
        with _flock(home / _STARTING, exclusive=True):
            server = _running(state, fingerprint)
            if server is None:
                server = _start_warm(home, state, users, fingerprint, idle_seconds, timeout)
        yield server


def _start_warm(home: Path, state: Path, users: Path, fingerprint: str, idle_seconds: float,
                timeout: float) -> ServerAddress:
    import json

    log_file = home / "workplans-server.log"
    with listening_socket(0) as sock:
        port = sock.getsockname()[1]
        url = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "pipeline.local_server", str(sock.fileno()), str(users), str(state),
                   str(idle_seconds)]
        env = server_environment(None, port, temporary=True)
        env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parent.parent),
                                             *filter(None, [os.environ.get("PYTHONPATH")])])
        with log_file.open("ab") as out:
            process = subprocess.Popen(command, env=env, stdout=out, stderr=out, stdin=subprocess.DEVNULL,
                                       pass_fds=(sock.fileno(),), start_new_session=True)  # outlives the command
    try:
        _wait_until_up(process, url, timeout, log_file)
    except BaseException:
        _stop(process)
        raise
    state.write_text(json.dumps({"pid": process.pid, "api_url": f"{url}/api", "fingerprint": fingerprint}),
                     encoding="utf-8")
    log.info("Prefect server (pid %d) at %s, kept for %g s after the last command", process.pid, url, idle_seconds)
    return ServerAddress(f"{url}/api", None, owned=False)


def _serve_warm(fd: int, users: Path, state: Path, idle_seconds: float) -> None:
    """The warm server's process: Prefect's API app under uvicorn on the inherited socket ``fd``, stopped once no
    command holds ``users`` and none has for ``idle_seconds`` (it takes the lock for good then, so that a command
    arriving at that moment waits and starts a new server)."""
    import fcntl
    import threading

    import uvicorn

    server = uvicorn.Server(uvicorn.Config("prefect.server.api.server:create_app", factory=True, fd=fd,
                                           log_level="error", lifespan="on"))

    def watch() -> None:
        fh = users.open("a")
        while True:
            time.sleep(max(0.5, min(5.0, idle_seconds / 4)))
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # a command is using the server
            if time.time() - users.stat().st_mtime >= idle_seconds:
                with contextlib.suppress(OSError):
                    if f'"pid": {os.getpid()},' in state.read_text(encoding="utf-8"):
                        state.unlink()
                server.should_exit = True  # the lock is held until the process ends
                return
            fcntl.flock(fh, fcntl.LOCK_UN)

    threading.Thread(target=watch, name="idle-watch", daemon=True).start()
    server.run()


if __name__ == "__main__":  # the warm server's process (``_start_warm``)
    _serve_warm(int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), float(sys.argv[4]))
