"""Benchmark: how fast ``/slack/commands`` acknowledges pastes sent back to back, and when each
diagnosis lands (the work runs on threads of the worker that acknowledged).

Not part of the test run (Slack's 3-second window is measured here, not asserted). It serves the
real app with uvicorn on loopback, signs each request like Slack, and receives the follow-up on a
loopback ``response_url``. Run from the repository root:

    python -m tests.service.channels.bench_slack [--runs 20] [--chars 40000]

A Slack message is at most 40,000 characters: the default paste is that long.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import httpx
import uvicorn
from pydantic import SecretStr

from service.api.app import create_app
from service.config import Settings
from service.runtime import build_engine
from tests.service.channels.slack_helpers import (
    SIGNING_SECRET,
    command_body,
    loopback_receiver,
    sign,
)

SLACK_WINDOW_SECONDS = 3.0
OOM_TAIL = (
    'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space\n'
    "\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)\n"
    "\tat org.apache.spark.sql.execution.SparkPlan.executeCollect(SparkPlan.scala:448)\n"
    "\tat org.apache.spark.sql.Dataset.collect(Dataset.scala:3575)\n"
)


def driver_log(chars: int) -> str:
    """A driver log of about ``chars`` characters: varied INFO lines, then the OOM at the end."""
    lines = []
    size = 0
    i = 0
    while size < chars - len(OOM_TAIL):
        line = (
            f"24/11/26 12:{i // 3600 % 60:02d}:{i % 60:02d} INFO TaskSetManager: Finished task "
            f"{i}.0 in stage {i // 200}.0 (TID {i}) in {i % 997} ms on 10.0.{i % 250}.{i % 200} "
            f"(executor {i % 64}) ({i % 200}/200)\n"
        )
        lines.append(line)
        size += len(line)
        i += 1
    return "".join(lines) + OOM_TAIL


def serve(settings: Settings) -> tuple[uvicorn.Server, threading.Thread, str]:
    app = create_app(settings, engine=build_engine(settings))
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if time.monotonic() > deadline:
            raise SystemExit("uvicorn did not start within 120 s")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, thread, f"http://127.0.0.1:{port}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--chars", type=int, default=40_000)
    args = parser.parse_args(argv)

    paste = driver_log(args.chars)
    with tempfile.TemporaryDirectory() as data_dir, loopback_receiver() as receiver:
        settings = Settings(
            environment="test",
            data_dir=Path(data_dir),
            slack_signing_secret=SecretStr(SIGNING_SECRET),
        )
        server, thread, base = serve(settings)
        acks, posts = [], []
        try:
            with httpx.Client(base_url=base, timeout=60) as client:
                # Back to back: each acknowledgement while earlier diagnoses may still run.
                sent: dict[str, float] = {}
                for run in range(args.runs):
                    body = command_body(paste, receiver.url(f"/hooks/{run}"))
                    started = time.perf_counter()
                    reply = client.post("/slack/commands", content=body, headers=sign(body))
                    acks.append(time.perf_counter() - started)
                    assert reply.status_code == 200, reply.text
                    sent[f"/hooks/{run}"] = started
                for _ in range(args.runs):
                    posted = receiver.next(timeout=600)
                    posts.append(time.perf_counter() - sent.pop(posted.path))
        finally:
            server.should_exit = True
            thread.join(timeout=30)
    print(
        f"paste {len(paste.encode()):,} bytes (form body {len(body):,} bytes), {args.runs} runs\n"
        f"ack: median {statistics.median(acks):.3f} s, max {max(acks):.3f} s "
        f"(Slack's window: {SLACK_WINDOW_SECONDS:.0f} s)\n"
        f"diagnosis posted to response_url: median {statistics.median(posts):.2f} s, "
        f"max {max(posts):.2f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
