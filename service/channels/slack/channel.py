"""Verified Slack requests in, acknowledgements and follow-up jobs out.

Slack waits 3 seconds for an acknowledgement, so each request yields a ``Reply``: the body to
answer at once, and an optional job (diagnose, walk, share, record feedback, open the modal)
that the route runs after answering and that posts its result to the ``response_url``.
Everything the jobs show comes from ``Doctor``; this module only routes and renders.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from kb.errors import UnknownEntityError
from service.channels.slack import actions as act
from service.channels.slack import blocks, messages
from service.channels.slack.forms import Encoded
from service.channels.slack.mrkdwn import MAX_MODAL_INPUT, unescape
from service.channels.slack.responder import Responder, SlackDeliveryError
from service.core import Doctor
from service.errors import DoctorError, InvalidStateError
from service.redact import redact
from service.storage.cases import CaseRecord

logger = logging.getLogger(__name__)

# A slash command's text up to this size (as sent) is decoded before the acknowledgement.
DECODE_IN_ACK_BYTES = 64 * 1024


class SlackPayloadError(ValueError):
    """A signed request whose form or payload is not what Slack sends."""


@dataclass(frozen=True)
class Job:
    """Work an acknowledgement announced, as data: a ``SlackChannel`` job method by name and its
    arguments. Plain values only, so the job can run in another process (see ``slack/jobs.py``).
    """

    method: Literal["diagnose", "diagnose_encoded", "walk", "share", "feedback", "open_modal"]
    args: tuple[Any, ...]
    response_url: str  # where to say so if the job fails
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    ack: dict[str, Any] | None = None  # None: an empty 200, which is all Slack needs
    job: Job | None = None


@dataclass(frozen=True)
class SlackChannel:
    doctor: Doctor
    responder: Responder
    public_base_url: str | None = None

    # --- requests -------------------------------------------------------------------------

    def command(self, form: Mapping[str, str], text: Encoded) -> Reply:
        """``/sparkdoctor [text]``: usage for no text or ``help``, else diagnose after the ack.

        A paste within the size limit as sent is acknowledged without decoding it (a 10 MB one
        would take longer to decode than Slack's user should wait); a short one is decoded at
        once so that ``help``, an empty command and the size limit are answered in the ack.
        """
        limit = self.doctor.max_paste_bytes
        if text.size <= DECODE_IN_ACK_BYTES or text.size > limit:
            return self._command_now(form, unescape(text.decode()))
        return _diagnose_later(form, text.count_lines(), "diagnose_encoded", text)

    def _command_now(self, form: Mapping[str, str], text: str) -> Reply:
        if text.strip().lower() in {"", "help"}:
            return Reply(messages.help_message(self.widget_url))
        try:
            self.doctor.check_input(text)
        except DoctorError as exc:
            return Reply(messages.notice(f"Driver Doctor cannot take this paste: {exc.message}."))
        return _diagnose_later(form, text.count("\n") + 1, "diagnose", text)

    def interaction(self, payload: Mapping[str, Any]) -> Reply:
        """A button click (``block_actions``) or the paste modal's ``view_submission``."""
        kind = payload.get("type")
        if kind == "block_actions":
            return self._action(payload)
        if kind == "view_submission":
            return self._submission(payload)
        return Reply()

    def _action(self, payload: Mapping[str, Any]) -> Reply:
        clicked = _first(payload.get("actions"))
        action_id = str(clicked.get("action_id", ""))
        value = str(clicked.get("value", ""))
        response_url = _url(payload)
        jobs: dict[str, Job] = {
            act.WALK: Job("walk", (value, response_url), response_url),
            act.SHARE: Job("share", (value, response_url, _user(payload)), response_url),
            act.FEEDBACK: Job("feedback", (value, response_url), response_url),
            act.PASTE: Job(
                "open_modal", (str(payload.get("trigger_id", "")), response_url), response_url
            ),
        }
        for prefix, job in jobs.items():
            if action_id == prefix or action_id.startswith(f"{prefix}_"):
                return Reply(job=job)
        return Reply()  # the case-page link button: Slack opens the URL, nothing to do

    def _submission(self, payload: Mapping[str, Any]) -> Reply:
        view = payload.get("view") or {}
        if view.get("callback_id") != act.PASTE_MODAL:
            return Reply()
        try:
            values = view["state"]["values"][act.PASTE_BLOCK][act.PASTE_INPUT]
            context = act.ModalContext.decode(str(view.get("private_metadata", "")))
        except (KeyError, TypeError, act.ActionValueError) as exc:
            raise SlackPayloadError(f"not a paste modal submission ({exc})") from None
        text = str(values.get("value") or "")
        try:
            self.doctor.check_input(text)
        except DoctorError as exc:
            return Reply({"response_action": "errors", "errors": {act.PASTE_BLOCK: exc.message}})
        capped = len(text) >= MAX_MODAL_INPUT
        kwargs = {"replace": True, "capped": capped}
        return Reply(job=Job("diagnose", (text, context.r), context.r, kwargs))

    # --- jobs (run after the acknowledgement, off the event loop) --------------------------

    def diagnose_encoded(self, text: Encoded, response_url: str) -> None:
        """Decode a paste the acknowledgement left encoded, then diagnose it."""
        self.diagnose(unescape(text.decode()), response_url)

    def diagnose(
        self, text: str, response_url: str, *, replace: bool | None = None, capped: bool = False
    ) -> None:
        try:
            result = self.doctor.troubleshoot(text, channel="slack")
        except DoctorError as exc:
            self._send(
                response_url,
                messages.notice(f"Driver Doctor could not diagnose this: {exc.message}."),
            )
            return
        diagnosis = result.diagnosis
        notes = (messages.capped_note(len(text), self.case_url(result.case_id)),) if capped else ()
        echo = redact(text)[0] if diagnosis.input.kind == "words" else None
        ctx = blocks.Context(
            case_id=result.case_id,
            case_url=self.case_url(result.case_id),
            redactions=result.redactions,
            echo=echo,
            notes=notes,
        )
        message = blocks.result_message(diagnosis, result.step, ctx)
        if replace is not None:
            message["replace_original"] = replace
        self._send(response_url, message)

    def walk(self, value: str, response_url: str) -> None:
        answer = act.WalkAnswer.decode(value)
        try:
            step = self.doctor.walk(answer.s, answer.n, answer.a)
            case = self._case_of(step.state)
        except DoctorError as exc:
            self._send(response_url, self._cannot_go_on(exc))
            return
        message = blocks.result_message(case.diagnosis, step, self._context(case))
        message["replace_original"] = True
        self._send(response_url, message)

    def share(self, value: str, response_url: str, user: str) -> None:
        request = act.ShareRequest.decode(value)
        try:
            case = self.doctor.case(request.c)
            if self.doctor.case_of(request.s) != case.id:
                raise InvalidStateError("this walk belongs to another case")
            step = self.doctor.step(request.s)
        except DoctorError as exc:
            self._send(response_url, self._cannot_go_on(exc))
            return
        message = blocks.result_message(
            case.diagnosis, step, self._context(case, shared_by=user or "someone")
        )
        message["replace_original"] = False
        self._send(response_url, message)

    def feedback(self, value: str, response_url: str) -> None:
        choice = act.FeedbackChoice.decode(value)
        try:
            self.doctor.feedback(choice.c, choice.o, choice.f, None)
            title = self.doctor.fix_title(choice.f) if choice.f else "the fix"
        except (DoctorError, UnknownEntityError) as exc:
            self._send(
                response_url, messages.notice(f"Feedback not recorded: {exc}.", replace=False)
            )
            return
        if choice.o == "fixed":
            text = f"Thanks: recorded that “{title}” fixed it. Fixes are ranked by such feedback."
        else:
            text = (
                f"Thanks: recorded that “{title}” did not help. Try the next fix in the list, "
                "or run /sparkdoctor again with more of the driver log."
            )
        self._send(response_url, messages.notice(text, replace=False))

    def open_modal(self, trigger_id: str, response_url: str) -> None:
        metadata = act.ModalContext(r=response_url).encode()
        try:
            self.responder.open_view(trigger_id, messages.paste_modal(metadata, self.widget_url))
        except SlackDeliveryError as exc:
            text = (
                f"The paste box could not open ({exc}). "
                f"Paste after the command instead: {messages.COMMAND} <log lines>."
            )
            self._send(response_url, messages.notice(text, replace=False))

    # --- helpers --------------------------------------------------------------------------

    @property
    def widget_url(self) -> str | None:
        return f"{self.public_base_url.rstrip('/')}/" if self.public_base_url else None

    def case_url(self, case_id: str) -> str | None:
        base = self.public_base_url
        return f"{base.rstrip('/')}/cases/{case_id}" if base else None

    def _case_of(self, state: str) -> CaseRecord:
        case_id = self.doctor.case_of(state)
        if case_id is None:
            raise DoctorError("this walk belongs to no case")
        return self.doctor.case(case_id)

    def _context(self, case: CaseRecord, shared_by: str | None = None) -> blocks.Context:
        words = case.diagnosis.input.kind == "words"
        return blocks.Context(
            case_id=case.id,
            case_url=self.case_url(case.id),
            redactions=case.redactions,
            echo=case.input_text if words else None,  # stored already redacted
            shared_by=shared_by,
        )

    def _cannot_go_on(self, exc: DoctorError) -> dict[str, Any]:
        return messages.notice(
            f"This walk cannot go on: {exc.message}. Start again with {messages.COMMAND}.",
            replace=False,
        )

    def _send(self, response_url: str, message: dict[str, Any]) -> None:
        try:
            self.responder.respond(response_url, message)
        except SlackDeliveryError as exc:
            logger.warning("Slack message not delivered: %s", exc)

    def run(self, job: Job) -> None:
        """Do a job; whatever fails, the user is told rather than left waiting."""
        try:
            getattr(self, job.method)(*job.args, **job.kwargs)
        except act.ActionValueError as exc:
            notice = messages.notice(f"Unreadable button: {exc}.", replace=False)
            self._send(job.response_url, notice)
        except Exception:
            logger.exception("Slack job %s failed", job.method)
            text = "Driver Doctor hit an internal error; it is logged. Please try again."
            self._send(job.response_url, messages.notice(text, replace=False))


def _diagnose_later(
    form: Mapping[str, str], lines: int, method: Literal["diagnose", "diagnose_encoded"], text: Any
) -> Reply:
    """The acknowledgement of a paste, and the job that diagnoses it after."""
    size = f"{lines:,} line{'' if lines == 1 else 's'}"
    ack = messages.notice(f"Looking at your paste ({size})… the diagnosis follows.")
    url = _url(form)
    return Reply(ack, Job(method, (text, url), url))


def _url(request: Mapping[str, Any]) -> str:
    return str(request.get("response_url") or "")


def _user(payload: Mapping[str, Any]) -> str:
    user = payload.get("user")
    return str(user.get("id", "")) if isinstance(user, dict) else ""


def _first(items: object) -> Mapping[str, Any]:
    if isinstance(items, list) and items and isinstance(items[0], dict):
        return items[0]
    raise SlackPayloadError("a block_actions payload without actions")
