"""``doctor serve``: load the engine once, then fork the HTTP workers from it (pre-fork).

uvicorn's own ``--workers`` starts every worker with *spawn*, so each worker pays for every
import and load while competing for the same cores. Here a supervisor loads the knowledge base,
the index and the model's tokenizer once and forks the workers: they start in a fraction of a
second and share that memory copy-on-write (the work behind Slack's acknowledgements runs on
threads of the worker that acknowledged, ``service/channels/slack/jobs.py``). The supervisor
restarts a process that dies, stops them all on SIGTERM or SIGINT, and they die with it even
when it is SIGKILLed.

The model (all-MiniLM-L6-v2 in onnxruntime, ``index/onnx_embedder.py``) is safe across
``fork``: each process opens its own inference session on first use, after the fork, and warms
it up before it accepts requests. Each process runs one query at a time, on as many model threads
as there are usable cores; idle model threads sleep rather than spin.

POSIX only (``os.fork``); the service runs on Linux (see the Dockerfile).
"""

from __future__ import annotations

import ctypes
import logging
import logging.config
import multiprocessing
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import uvicorn
from sqlalchemy.engine import make_url

from index import (
    IndexNotBuiltError,
    OnnxEmbedder,
    StaleIndexError,
    limit_search_threads,
    usable_cores,
)
from service.api.app import create_app
from service.api.logs import log_config
from service.api.metrics import SHARED_DIR_ENV, share_between_processes
from service.config import Settings
from service.engine import Engine
from service.runtime import build_engine

log = logging.getLogger("service.operations.server")

BACKLOG = 2048
# uvicorn's exit code when the application's start-up fails (e.g. the database is unreachable).
STARTUP_FAILURE = 3
# A worker that keeps dying this often, this fast, is not going to get better by restarting.
CRASH_LIMIT = 5
CRASH_WINDOW_SECONDS = 60.0
# In-flight requests get this long after SIGTERM; then the supervisor kills what is left.
GRACEFUL_SECONDS = 20.0
KILL_AFTER_SECONDS = GRACEFUL_SECONDS + 5.0
POLL_SECONDS = 0.2
_PR_SET_PDEATHSIG = 1


def bind(host: str, port: int) -> socket.socket:
    """The listening socket every worker accepts on, with TCP_NODELAY for accepted sockets.

    Linux hands TCP_NODELAY on to accepted sockets; without it, a kept-alive connection waits
    ~40 ms per response for a delayed ACK.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(BACKLOG)
    sock.set_inheritable(True)
    return sock


def load_engine(settings: Settings) -> Engine:
    """Build the engine without running the model here.

    A missing or stale index is rebuilt in a spawned process: a rebuild runs the model (and,
    to export it, torch with its OpenMP pool), none of which should be in the process that
    forks the workers.
    """
    strict = settings.model_copy(update={"rebuild_stale_index": False})
    try:
        return build_engine(strict)
    except (IndexNotBuiltError, StaleIndexError) as exc:
        if not settings.rebuild_stale_index:
            raise
        log.warning("index needs a rebuild (%s); rebuilding it in a separate process", exc)
    rebuild = multiprocessing.get_context("spawn").Process(
        target=build_engine, args=(settings,), name="index-rebuild"
    )
    rebuild.start()
    rebuild.join()
    if rebuild.exitcode != 0:
        raise RuntimeError(f"rebuilding the index failed (exit code {rebuild.exitcode})")
    return build_engine(strict)


def serve(settings: Settings, host: str, port: int, workers: int | None = None) -> int:
    """Run the service until SIGTERM or SIGINT; returns the process exit code."""
    logging.config.dictConfig(log_config(settings.log_level))
    count = workers or settings.workers
    where = make_url(settings.resolved_database_url).render_as_string(hide_password=True)
    log.info(
        "Driver Doctor on http://%s:%d/ ; cases are stored in %s",
        host,
        port,
        where,
        extra={"database": where},
    )
    sock = bind(host, port)
    started = time.perf_counter()
    engine = load_engine(settings)
    # Every worker may use every core: onnxruntime's idle threads sleep, and a thread that waits
    # for a core delays only its own share of an operator (measured on two cores, two workers:
    # two threads each gave 12 ms a query and 109-154 requests/s; one each, 15 ms and 108-135).
    threads = settings.threads_per_worker or usable_cores()
    # The processes' own folder, removed when the service stops: the metrics they count.
    runtime = Path(tempfile.mkdtemp(prefix="doctor-serve-"))
    # /metrics adds up every process's counts, whichever worker answers the scrape.
    share_between_processes(_metrics_dir(runtime))
    app = create_app(settings, engine=engine)
    log.info(
        "engine loaded in %.1f s; starting %d worker(s) on %s:%d, model threads: %d per worker",
        time.perf_counter() - started,
        count,
        host,
        port,
        threads,
        extra={"workers": count, "threads_per_worker": threads},
    )

    def http_worker() -> int:
        _prepare(engine, threads)
        config = uvicorn.Config(
            app,
            log_config=log_config(settings.log_level),
            log_level=settings.log_level,
            # service.api.logs.AccessLogMiddleware logs each request as JSON.
            access_log=False,
            timeout_graceful_shutdown=int(GRACEFUL_SECONDS),
        )
        server = uvicorn.Server(config)
        server.run(sockets=[sock])
        return 0 if server.started else STARTUP_FAILURE

    targets = [Worker("http", http_worker) for _ in range(count)]
    try:
        return Supervisor(targets).run()
    finally:
        sock.close()
        shutil.rmtree(runtime, ignore_errors=True)


def _metrics_dir(runtime: Path) -> Path:
    """The folder the processes count into: PROMETHEUS_MULTIPROC_DIR if set (kept when the
    service stops), else one in the service's runtime folder."""
    folder = Path(os.environ.get(SHARED_DIR_ENV) or runtime / "metrics")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _prepare(engine: Engine, threads: int) -> None:
    """In a fresh worker: its model threads, and a first query to open the model here."""
    embedder = engine.index.embedder if engine.index is not None else None
    if isinstance(embedder, OnnxEmbedder):
        embedder.set_threads(threads)
    limit_search_threads(1)
    engine.diagnose("warm up the model in this worker")


@dataclass(frozen=True)
class Worker:
    kind: str
    target: Callable[[], int]


@dataclass
class Supervisor:
    """Forks a process per worker, replaces any that die, and stops them all when asked."""

    workers: list[Worker]
    children: dict[int, Worker] = field(default_factory=dict)
    crashes: list[float] = field(default_factory=list)
    stopping: int | None = None  # the signal that asked us to stop

    def run(self) -> int:
        previous = {
            sig: signal.signal(sig, self._ask_to_stop) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        code = 0
        try:
            for worker in self.workers:
                self._fork(worker)
            while self.stopping is None:
                code = self._reap()
                if code:
                    break
                time.sleep(POLL_SECONDS)
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return code

    def _ask_to_stop(self, signum: int, _frame: FrameType | None) -> None:
        self.stopping = signum

    def _fork(self, worker: Worker) -> None:
        parent = os.getpid()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the worker
            code = 1
            try:
                _die_with(parent)
                code = worker.target()
            except SystemExit as exc:  # uvicorn exits with 3 when the app cannot start
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:
                log.exception("%s worker %d failed", worker.kind, os.getpid())
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        self.children[pid] = worker
        log.info("%s worker %d started", worker.kind, pid, extra={"worker_pid": pid})

    def _reap(self) -> int:
        """Collect dead workers; replace them, or return an exit code to stop with."""
        while self.children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                return 0
            worker = self.children.pop(pid, None)
            if worker is None or self.stopping is not None:
                continue
            code = os.waitstatus_to_exitcode(status)
            log.error("%s worker %d exited with %d", worker.kind, pid, code)
            if code == STARTUP_FAILURE:
                log.error("a worker could not start the application; stopping")
                return STARTUP_FAILURE
            now = time.monotonic()
            self.crashes = [t for t in self.crashes if now - t < CRASH_WINDOW_SECONDS] + [now]
            if len(self.crashes) >= CRASH_LIMIT:
                log.error(
                    "%d workers died within %.0f s; stopping", CRASH_LIMIT, CRASH_WINDOW_SECONDS
                )
                return 1
            self._fork(worker)
        return 0

    def _stop_all(self) -> None:
        for pid in self.children:
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + KILL_AFTER_SECONDS
        while self.children and time.monotonic() < deadline:
            pid, _status = os.waitpid(-1, os.WNOHANG)
            if pid:
                self.children.pop(pid, None)
            else:
                time.sleep(POLL_SECONDS / 4)
        for pid in self.children:
            log.warning("worker %d still running after %.0f s; killing it", pid, KILL_AFTER_SECONDS)
            _signal(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        self.children.clear()


def _signal(pid: int, sig: signal.Signals) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _die_with(parent: int) -> None:
    """Make this worker receive SIGTERM when the supervisor dies, however it dies (Linux)."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_DFL)  # uvicorn installs its own once it runs
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the supervisor died before prctl took effect
        os._exit(0)
