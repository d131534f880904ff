"""Reject oversized request bodies before reading them whole (pure ASGI middleware)."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api import problems


class BodyTooLarge(HTTPException):
    """An HTTPException, so frameworks reading the body re-raise it instead of wrapping it."""

    def __init__(self, seen: int, limit: int) -> None:
        super().__init__(
            413, f"request body is over {seen} bytes so far; the limit is {limit} bytes"
        )


class BodyLimitMiddleware:
    """413 when Content-Length says too much, or as soon as a streamed body passes the limit."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, path_limits: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        # Routes that take uploads (an event log) may allow more than a pasted body.
        self.path_limits = dict(path_limits or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.path_limits.get(scope["path"], self.max_bytes)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._reject(scope, receive, send, int(declared), limit)
            return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(seen, limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._reject(scope, receive, send, seen, limit)

    async def _reject(
        self, scope: Scope, receive: Receive, send: Send, size: int, limit: int
    ) -> None:
        detail = f"request body is at least {size} bytes; the limit is {limit} bytes"
        await problems.problem(413, detail, "body", limit=limit)(scope, receive, send)
