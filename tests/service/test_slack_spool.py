"""The spool between the HTTP workers and the Slack job process (service/channels/slack/spool.py)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.channels.slack import spool as spool_module
from service.channels.slack.channel import Job
from service.channels.slack.spool import Spool


def _job(n: int, text: str = "java.lang.OutOfMemoryError") -> Job:
    return Job("diagnose", (text, n), response_url=f"https://hooks.example/{n}")


@pytest.fixture
def spool(tmp_path: Path) -> Iterator[Spool]:
    made = Spool.create(tmp_path / "spool")
    yield made
    made.close()


def test_jobs_come_out_whole_in_the_order_they_went_in(spool: Spool) -> None:
    big = "x" * 3_000_000
    for n in range(3):
        assert spool.put(_job(n, big if n == 1 else "short"))
    spool.open()
    taken = [spool.take(0.01) for _ in range(3)]
    assert [t[1] for t in taken if t] == [_job(0, "short"), _job(1, big), _job(2, "short")]
    assert spool.take(0.01) is None
    assert spool.waiting() == 0
    for path, _ in filter(None, taken):
        spool.done(path)
    assert not list(spool.running.iterdir())
    assert oct(spool.root.stat().st_mode & 0o777) == oct(0o700)  # pastes are not yet redacted


def test_a_full_spool_refuses_so_the_worker_runs_the_job_itself(
    spool: Spool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spool_module, "SPOOL_LIMIT", 2)
    assert spool.put(_job(1)) and spool.put(_job(2))
    assert not spool.put(_job(3))
    assert spool.waiting() == 2


def test_a_job_put_while_the_process_waits_wakes_it_at_once(spool: Spool) -> None:
    spool.open()
    timer = threading.Timer(0.2, spool.put, args=(_job(7),))
    started = time.monotonic()
    timer.start()
    taken = spool.take(timeout=10)
    assert taken is not None and taken[1] == _job(7)
    assert time.monotonic() - started < 5  # woken, not timed out
    spool.close()


def _write_forever(root: Path) -> None:
    spool = Spool(root)
    while True:
        spool.put(_job(0, "y" * 2_000_000))
        for written in spool.new.iterdir():  # as if the job process took it at once
            written.unlink(missing_ok=True)


def test_a_worker_killed_while_writing_leaves_nothing_that_blocks_the_others(
    spool: Spool,
) -> None:
    writer = multiprocessing.get_context("fork").Process(target=_write_forever, args=(spool.root,))
    writer.start()
    time.sleep(0.5)
    os.kill(writer.pid or 0, signal.SIGKILL)  # most likely in the middle of a write
    writer.join()
    if not list(spool.tmp.iterdir()):  # it was between two writes: as if it were not
        (spool.tmp / "partial.job").write_bytes(b"\x80\x05half a job")
    assert spool.put(_job(1))  # the other workers go on
    assert spool.open() == []
    assert not list(spool.tmp.iterdir())  # its leftover is cleared by the job process
    taken = []
    while (item := spool.take(0.01)) is not None:
        taken.append(item[1])
        spool.done(item[0])
    assert taken[-1] == _job(1)  # every whole job, then the one put after the kill


def test_jobs_a_killed_job_process_was_running_are_dropped_not_rerun(spool: Spool) -> None:
    spool.put(_job(1))
    spool.put(_job(2))
    spool.open()
    first = spool.take(0.01)
    assert first is not None
    spool.close()  # the job process dies here, job 1 still running

    assert spool.open() == [first[0].name]  # its replacement reports it and deletes it
    second = spool.take(0.01)
    assert second is not None and second[1] == _job(2)
    assert spool.take(0.01) is None


def test_an_unreadable_job_is_dropped_and_the_next_one_runs(spool: Spool) -> None:
    (spool.new / "00000000000000000001-1-0.job").write_bytes(b"not a pickle")
    spool.put(_job(3))
    spool.open()
    taken = spool.take(0.01)
    assert taken is not None and taken[1] == _job(3)
    assert not list(spool.new.iterdir())
