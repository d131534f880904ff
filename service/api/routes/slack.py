"""Slack's two endpoints; mounted only when a signing secret is configured.

Both answer within Slack's 3-second window: the body is verified and parsed in the threadpool,
the acknowledgement goes back at once, and the work it announces runs as a background task
that posts to the request's ``response_url``. A long paste is not even decoded before the
acknowledgement: its job does that.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from service.api.deps import DoctorDep, SettingsDep
from service.channels.slack import forms, verify
from service.channels.slack.channel import Reply, SlackChannel, SlackPayloadError
from service.channels.slack.jobs import ThreadJobs, make_channel

router = APIRouter(prefix="/slack", tags=["slack"])


def get_slack(doctor: DoctorDep, settings: SettingsDep) -> SlackChannel:
    return make_channel(doctor, settings)


def get_jobs(request: Request) -> ThreadJobs:
    runner: ThreadJobs = request.app.state.slack_jobs
    return runner


SlackDep = Annotated[SlackChannel, Depends(get_slack)]
JobsDep = Annotated[ThreadJobs, Depends(get_jobs)]


@router.post("/commands", response_model=None)
async def slash_command(
    request: Request,
    settings: SettingsDep,
    slack: SlackDep,
    jobs: JobsDep,
    background: BackgroundTasks,
) -> Response:
    """Slack slash command ``/sparkdoctor``: acknowledge now, post the diagnosis after."""
    body = await _verified_body(request, settings)
    # The paste stays encoded unless it is short: the job decodes it after the ack.
    fields, text = await run_in_threadpool(forms.split_form, body, "text")
    reply = await run_in_threadpool(slack.command, fields, text)
    return _acknowledge(reply, background, jobs, slack)


@router.post("/interactions", response_model=None)
async def interaction(
    request: Request,
    settings: SettingsDep,
    slack: SlackDep,
    jobs: JobsDep,
    background: BackgroundTasks,
) -> Response:
    """Slack interactivity: walk buttons, share, feedback, and the paste modal."""
    fields = await run_in_threadpool(forms.read_form, await _verified_body(request, settings))
    try:
        payload = verify.interaction_payload(fields)
        reply = await run_in_threadpool(slack.interaction, payload)
    except SlackPayloadError as exc:
        raise HTTPException(400, str(exc)) from None
    return _acknowledge(reply, background, jobs, slack)


async def _verified_body(request: Request, settings: SettingsDep) -> bytes:
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
    return body


def _acknowledge(
    reply: Reply, background: BackgroundTasks, jobs: ThreadJobs, slack: SlackChannel
) -> Response:
    if reply.job is not None:
        background.add_task(jobs.submit, reply.job, slack)
    if reply.ack is None:
        return Response(status_code=200)
    body: dict[str, Any] = reply.ack
    return JSONResponse(body)
