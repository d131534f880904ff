"""Work that stops when its client goes away.

A request's work runs in a worker thread while the event loop watches the connection; once
the client has disconnected, the work's ``cancelled()`` turns True and it stops at its next
check with AbandonedError, so a client that gave up costs no more CPU and stores nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TypeVar

import anyio

T = TypeVar("T")
DISCONNECT_POLL_SECONDS = 0.25


async def run_unless_disconnected(
    disconnected: Callable[[], Awaitable[bool]], work: Callable[..., T]
) -> T:
    """Run ``work(cancelled=...)`` in a worker thread while watching the client: once it
    disconnects, ``cancelled()`` turns True and the work stops at its next check."""
    gone = threading.Event()

    async def watch() -> None:
        while not await disconnected():
            await anyio.sleep(DISCONNECT_POLL_SECONDS)
        gone.set()

    failed: Exception | None = None
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(watch)
        try:
            result = await anyio.to_thread.run_sync(partial(work, cancelled=gone.is_set))
        except Exception as exc:  # re-raised below, outside the task group's ExceptionGroup
            failed = exc
        finally:
            tasks.cancel_scope.cancel()
    if failed is not None:
        raise failed
    return result
