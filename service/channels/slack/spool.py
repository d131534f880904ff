"""A folder of Slack jobs between the HTTP workers and the job process.

Nothing in it is shared that a process killed half-way (OOM killer, ``kill -9``) could leave
locked or half-written, as a ``multiprocessing.Queue`` can: its one write lock and one pipe
are shared by every worker, and a worker killed while writing a 10 MB job into the pipe would
leave the lock held and half a job in the stream, so no job would reach the job process again.
Here:

* a worker writes a job to ``tmp/`` and renames it into ``new/``: the job process sees whole
  jobs or none. A worker killed while writing leaves a file in ``tmp/``, removed at the next
  start of the job process;
* the job process claims a job by renaming it into ``running/`` and deletes it when it is done.
  Jobs left in ``running/`` by a job process that was killed are deleted and logged by its
  replacement, not run again: one of them may be what killed it;
* a one-byte datagram on ``wake.sock`` tells the job process that a job is there (it also
  looks every ``POLL_SECONDS``, so a lost datagram costs at most that long).

Jobs carry the paste as Slack sent it, before redaction: the folder is the service's own
(0700, made with ``tempfile.mkdtemp``), and every job file is deleted once its job ran.
"""

from __future__ import annotations

import itertools
import logging
import os
import pickle
import select
import socket
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from service.channels.slack.channel import Job

logger = logging.getLogger(__name__)

# Jobs waiting for the job process; past this, the HTTP worker runs a job itself.
SPOOL_LIMIT = 256
POLL_SECONDS = 0.5
SUFFIX = ".job"


@dataclass
class Spool:
    root: Path
    _serial: itertools.count[int] = field(default_factory=itertools.count, repr=False)
    _listener: socket.socket | None = field(default=None, repr=False)

    @property
    def new(self) -> Path:
        return self.root / "new"

    @property
    def running(self) -> Path:
        return self.root / "running"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    @property
    def wake_address(self) -> str:
        return str(self.root / "wake.sock")

    @classmethod
    def create(cls, root: Path) -> Spool:
        """The spool's folders under ``root`` (made private to this user)."""
        spool = cls(root)
        for folder in (root, spool.new, spool.running, spool.tmp):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return spool

    # --- the HTTP workers' side -----------------------------------------------------------

    def put(self, job: Job) -> bool:
        """Hand ``job`` to the job process; False when ``SPOOL_LIMIT`` jobs already wait."""
        if self.waiting() >= SPOOL_LIMIT:
            return False
        data = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        fd, tmp = tempfile.mkstemp(dir=self.tmp, suffix=SUFFIX)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            # Named by time, so the job process takes them in the order they came.
            name = f"{time.time_ns():020d}-{os.getpid()}-{next(self._serial)}{SUFFIX}"
            os.rename(tmp, self.new / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._wake()
        return True

    def waiting(self) -> int:
        with os.scandir(self.new) as entries:
            return sum(1 for entry in entries if entry.name.endswith(SUFFIX))

    def _wake(self) -> None:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.setblocking(False)
            try:
                sock.sendto(b"j", self.wake_address)
            except OSError:  # no job process listening (yet), or its buffer is full
                pass

    # --- the job process's side -----------------------------------------------------------

    def open(self) -> list[str]:
        """Start taking jobs: listen for wake-ups and clear what a killed process left.

        Returns:
            The names of the jobs that were running when the previous job process stopped
            (deleted, not run again).
        """
        for leftover in self.tmp.iterdir():
            leftover.unlink(missing_ok=True)
        dropped = sorted(p.name for p in self.running.iterdir())
        for name in dropped:
            (self.running / name).unlink(missing_ok=True)
        Path(self.wake_address).unlink(missing_ok=True)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        listener.bind(self.wake_address)
        listener.setblocking(False)
        self._listener = listener
        return dropped

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def take(self, timeout: float = POLL_SECONDS) -> tuple[Path, Job] | None:
        """The oldest waiting job, claimed; None when none came within ``timeout``."""
        claimed = self._claim_oldest()
        if claimed is None and self._listener is not None:
            ready, _, _ = select.select([self._listener], [], [], timeout)
            if ready:
                self._drain()
            claimed = self._claim_oldest()
        return claimed

    def done(self, path: Path) -> None:
        path.unlink(missing_ok=True)

    def _claim_oldest(self) -> tuple[Path, Job] | None:
        with os.scandir(self.new) as entries:
            names = sorted(e.name for e in entries if e.name.endswith(SUFFIX))
        for name in names:
            claimed = self.running / name
            try:
                os.rename(self.new / name, claimed)
            except FileNotFoundError:  # another job process took it
                continue
            try:
                job = pickle.loads(claimed.read_bytes())
            except Exception:
                logger.exception("Slack job %s could not be read; dropped", name)
                claimed.unlink(missing_ok=True)
                continue
            if isinstance(job, Job):
                return claimed, job
            logger.error("Slack job %s holds a %s, not a job; dropped", name, type(job).__name__)
            claimed.unlink(missing_ok=True)
        return None

    def _drain(self) -> None:
        assert self._listener is not None
        while True:
            try:
                self._listener.recv(16)
            except BlockingIOError:
                return
