"""Where the jobs behind Slack's acknowledgements run: threads here, or a job process.

``doctor serve`` runs them in a process of their own, beside the HTTP workers. A 10 MB paste's
diagnosis holds the GIL for up to ~0.1 s at a time inside single C calls (regular expressions
over the whole paste), and a worker's event loop receives the next request's body in 64 KB
steps that each wait for it: measured, the next 10 MB acknowledgement went from 0.2 s to 0.6 s
when the previous paste's job ran in the same process. Where there is no job process (tests,
an app served by another server), jobs run in this process's own threads. The workers hand the
jobs over through a spool folder (``service/channels/slack/spool.py``), which a process
killed half-way cannot leave locked.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from pathlib import Path
from typing import Protocol

from service.channels.slack.channel import Job, SlackChannel
from service.channels.slack.responder import Responder
from service.channels.slack.spool import POLL_SECONDS, SPOOL_LIMIT, Spool
from service.config import Settings
from service.core import Doctor

logger = logging.getLogger(__name__)

# Jobs running at once in one process: a slow diagnosis should not hold up a quick walk step.
JOB_THREADS = 4


def make_channel(doctor: Doctor, settings: Settings) -> SlackChannel:
    token = settings.slack_bot_token
    responder = Responder(token.get_secret_value() if token else None, settings.slack_api_url)
    return SlackChannel(doctor, responder, settings.public_base_url)


class JobRunner(Protocol):
    async def submit(self, job: Job, slack: SlackChannel) -> None:
        """Start ``job`` (after the acknowledgement went out); ``slack`` may run it here."""
        ...


class ThreadJobs:
    """Jobs in this process, on threads of their own: were they queued in the shared
    threadpool, a burst of slow diagnoses could hold every thread and delay the next
    acknowledgement past Slack's 3 seconds."""

    def __init__(self, threads: int = JOB_THREADS) -> None:
        self.threads = threads

    @cached_property
    def _pool(self) -> ThreadPoolExecutor:  # made on first use: never before a fork
        return ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="slack-job")

    async def submit(self, job: Job, slack: SlackChannel) -> None:
        await asyncio.get_running_loop().run_in_executor(self._pool, slack.run, job)


class ProcessJobs:
    """Jobs handed to the job process through the spool; run here when it is full."""

    def __init__(self, spool: Spool, fallback: JobRunner | None = None) -> None:
        self.spool = spool
        self.fallback = fallback or ThreadJobs()

    async def submit(self, job: Job, slack: SlackChannel) -> None:
        loop = asyncio.get_running_loop()
        try:
            # Writing a 10 MB paste to the spool takes milliseconds: not on the event loop.
            handed = await loop.run_in_executor(None, self.spool.put, job)
        except OSError:
            logger.exception("Slack job spool failed; running %s here", job.method)
            handed = False
        else:
            if not handed:
                logger.warning(
                    "Slack job spool full (%d); running %s here", SPOOL_LIMIT, job.method
                )
        if not handed:
            await self.fallback.submit(job, slack)


def serve_jobs(spool: Spool, channel: SlackChannel, threads: int = JOB_THREADS) -> int:
    """The job process: run spooled jobs until SIGTERM or SIGINT, then finish those started."""
    stopping = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda _signum, _frame: stopping.set())
    dropped = spool.open()
    if dropped:
        logger.error(
            "dropped %d Slack job(s) that were running when the last job process stopped: %s",
            len(dropped),
            ", ".join(dropped),
        )
    # Take a job only when a thread is free, so the backlog waits in the bounded spool.
    free = threading.BoundedSemaphore(threads)

    def run(path: Path, job: Job) -> None:
        try:
            channel.run(job)
        finally:
            spool.done(path)
            free.release()

    logger.info("Slack job process ready (%d threads)", threads)
    try:
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="slack-job") as pool:
            while not stopping.is_set():
                if not free.acquire(timeout=POLL_SECONDS):
                    continue
                taken = spool.take(POLL_SECONDS)
                if taken is None:
                    free.release()
                    continue
                pool.submit(run, *taken)
    finally:
        spool.close()
    return 0
