"""Slack's two endpoints; mounted only when a signing secret is configured.

Both answer within Slack's 3-second window: the body is verified and parsed in the threadpool,
the acknowledgement goes back at once, and the work it announces runs as a background task
that posts to the request's ``response_url``.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from service.deps import DoctorDep, SettingsDep
from service.slack import verify
from service.slack.channel import Job, Reply, SlackChannel, SlackPayloadError
from service.slack.responder import Responder

router = APIRouter(prefix="/slack", tags=["slack"])
JOB_THREADS = 4


def get_slack(doctor: DoctorDep, settings: SettingsDep) -> SlackChannel:
    token = settings.slack_bot_token
    responder = Responder(token.get_secret_value() if token else None, settings.slack_api_url)
    return SlackChannel(doctor, responder, settings.public_base_url)


SlackDep = Annotated[SlackChannel, Depends(get_slack)]


@router.post("/commands", response_model=None)
async def slash_command(
    request: Request, settings: SettingsDep, slack: SlackDep, background: BackgroundTasks
) -> Response:
    """Slack slash command ``/sparkdoctor``: acknowledge now, post the diagnosis after."""
    fields = await _verified_form(request, settings)
    reply = await run_in_threadpool(slack.command, fields)
    return _acknowledge(reply, background)


@router.post("/interactions", response_model=None)
async def interaction(
    request: Request, settings: SettingsDep, slack: SlackDep, background: BackgroundTasks
) -> Response:
    """Slack interactivity: walk buttons, share, feedback, and the paste modal."""
    fields = await _verified_form(request, settings)
    try:
        payload = verify.interaction_payload(fields)
        reply = await run_in_threadpool(slack.interaction, payload)
    except SlackPayloadError as exc:
        raise HTTPException(400, str(exc)) from None
    return _acknowledge(reply, background)


async def _verified_form(request: Request, settings: SettingsDep) -> dict[str, str]:
    secret = settings.slack_signing_secret
    assert secret is not None  # the router is only mounted with a secret
    body = await request.body()
    headers = request.headers
    signed = await run_in_threadpool(
        verify.is_signed,
        secret.get_secret_value(),
        body,
        headers.get(verify.TIMESTAMP_HEADER),
        headers.get(verify.SIGNATURE_HEADER),
    )
    if not signed:
        raise HTTPException(401, "missing, stale or wrong Slack signature")
    try:
        return await run_in_threadpool(verify.form, body)
    except SlackPayloadError as exc:
        raise HTTPException(400, str(exc)) from None


def _acknowledge(reply: Reply, background: BackgroundTasks) -> Response:
    if reply.job is not None:
        background.add_task(_run_job, reply.job)
    if reply.ack is None:
        return Response(status_code=200)
    body: dict[str, Any] = reply.ack
    return JSONResponse(body)


async def _run_job(job: Job) -> None:
    # Jobs get their own threads: were they queued in the shared threadpool, a burst of slow
    # diagnoses could hold every thread and delay the next acknowledgement past 3 seconds.
    await asyncio.get_running_loop().run_in_executor(_jobs(), job)


@cache
def _jobs() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=JOB_THREADS, thread_name_prefix="slack-job")
