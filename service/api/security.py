"""Who may call the ``/v1`` API, and how often.

An API key is a random Bearer token; the service only ever holds its SHA-256 (from
``DOCTOR_API_KEYS`` or the ``DOCTOR_API_KEYS_FILE`` YAML/JSON file), so a leaked configuration
leaks no key. With no key configured the API is open (development); with keys, every ``/v1``
route needs one, except the routes the widget calls, which a browser may use without a key from
a page whose origin is in ``DOCTOR_CORS_ORIGINS`` or from the service's own pages. Health,
readiness, metrics, the pages, static files and Slack (signed by Slack) never need a key.

Every ``/v1`` call spends a token from a bucket per key (or per client address when it came
without a key); an empty bucket answers 429 with ``Retry-After``. Buckets live in each
process's memory, so a limit holds per worker process (N workers or replicas: up to N times it).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from service.api import problems
from service.config import Settings

log = logging.getLogger(__name__)

KEY_PREFIX = "dd_"
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
NEEDS_KEY = (
    "this route needs an API key: send `Authorization: Bearer <key>` "
    "(an operator creates one with `doctor keys create NAME`)"
)
# Paths that need a key once keys are configured: the API, and the report page, which shows
# stored (redacted) inputs and feedback comments.
GUARDED = ("/v1/", "/report")
# What the widget (service/channels/web/static/widget.js) calls; nothing else is reachable
# without a key.
WIDGET_ROUTES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("POST", re.compile(r"^/v1/diagnose$")),
    ("POST", re.compile(r"^/v1/diagnose/event-log$")),
    ("POST", re.compile(r"^/v1/walk$")),
    ("POST", re.compile(r"^/v1/walk/step$")),
    ("GET", re.compile(r"^/v1/cases/[^/]+$")),
    ("POST", re.compile(r"^/v1/cases/[^/]+/feedback$")),
    ("GET", re.compile(r"^/v1/causes/[^/]+$")),
)


class ApiKeyEntry(BaseModel):
    """One key as configured: its name, the SHA-256 of the key, and an optional own limit."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=64, pattern=r"^[\w.@-]+$")
    sha256: str = Field(pattern=SHA256_HEX.pattern)
    rate_limit_per_minute: int | None = Field(default=None, gt=0)


class ApiKeyFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    keys: list[ApiKeyEntry] = Field(default_factory=list)


def new_key() -> str:
    """A fresh random key (256 bits); shown once, stored nowhere but by its hash."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    # Keys are 256 random bits, so a plain SHA-256 is enough: there is nothing to brute-force.
    return hashlib.sha256(key.encode()).hexdigest()


def load_keys(settings: Settings) -> list[ApiKeyEntry]:
    """The keys from ``api_keys`` (``name:sha256`` items) and from ``api_keys_file``."""
    entries = [_parse_env_key(item) for item in settings.api_keys]
    if settings.api_keys_file is not None:
        entries += _read_key_file(settings.api_keys_file)
    names = [e.name for e in entries]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"API key names must be unique; repeated: {', '.join(duplicates)}")
    return entries


def _parse_env_key(item: str) -> ApiKeyEntry:
    name, _, digest = item.strip().partition(":")
    try:
        return ApiKeyEntry(name=name, sha256=digest.lower())
    except ValidationError:
        raise ValueError(
            f"DOCTOR_API_KEYS item {name or item!r} is not NAME:SHA256 (64 hex digits); "
            "`doctor keys create NAME` prints one"
        ) from None


def _read_key_file(path: Path) -> list[ApiKeyEntry]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return ApiKeyFile.model_validate(raw or {}).keys
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise ValueError(f"cannot read API keys from {path}: {exc}") from None


def key_file_entry(name: str, key: str, rate_limit_per_minute: int | None = None) -> str:
    """The YAML list item that configures ``key`` in an API keys file."""
    entry = ApiKeyEntry(
        name=name, sha256=hash_key(key), rate_limit_per_minute=rate_limit_per_minute
    )
    return "  - " + json.dumps(entry.model_dump(exclude_none=True))


class KeyRing:
    def __init__(self, entries: Iterable[ApiKeyEntry]) -> None:
        self.entries = tuple(entries)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def find(self, key: str) -> ApiKeyEntry | None:
        digest = hash_key(key)
        found = None
        # Compare with every entry in constant time, so timing tells nothing about which matched.
        for entry in self.entries:
            if hmac.compare_digest(digest, entry.sha256):
                found = entry
        return found


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets: ``per_minute`` tokens, refilled continuously, full at first sight."""

    def __init__(
        self,
        per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = 10_000,
    ) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self.max_clients = max_clients
        self.buckets: dict[str, _Bucket] = {}

    def take(self, client: str, per_minute: int | None = None) -> float:
        """Spend one token: 0.0 if allowed, else the seconds until a token is back."""
        rate = per_minute or self.per_minute
        if rate <= 0:
            return 0.0
        now = self.clock()
        bucket = self.buckets.get(client)
        if bucket is None:
            self._make_room(now)
            bucket = self.buckets[client] = _Bucket(float(rate), now)
        per_second = rate / 60
        bucket.tokens = min(float(rate), bucket.tokens + (now - bucket.updated) * per_second)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / per_second

    def _make_room(self, now: float) -> None:
        if len(self.buckets) < self.max_clients:
            return
        # A bucket idle for a minute is full again: forgetting it changes nothing.
        self.buckets = {c: b for c, b in self.buckets.items() if now - b.updated < 60}
        while len(self.buckets) >= self.max_clients:
            self.buckets.pop(next(iter(self.buckets)))


class AccessMiddleware:
    """API keys and rate limits for ``/v1`` (pure ASGI: nothing is read but the headers)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.keys = KeyRing(load_keys(settings))
        self.limiter = RateLimiter(settings.rate_limit_per_minute)
        self.origins = frozenset(settings.cors_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan" and not self.keys:
            log.warning("no API keys configured: the /v1 API is open to anyone who can reach it")
        if (
            scope["type"] != "http"
            or not scope["path"].startswith(GUARDED)
            or scope["method"] == "OPTIONS"  # CORS preflight: answered by the CORS middleware
        ):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        client, limit, refusal = self._identify(scope, headers)
        if refusal is not None:
            await _problem(
                scope, receive, send, 401, refusal, ("www-authenticate", _challenge(headers))
            )
            return
        wait = self.limiter.take(client, limit)
        if wait > 0:
            detail = f"rate limit of {limit or self.limiter.per_minute} requests a minute reached"
            retry = str(max(1, math.ceil(wait)))
            await _problem(scope, receive, send, 429, detail, ("retry-after", retry))
            return
        if client.startswith("key:"):
            # The access log names the key a call came with (never the key itself).
            scope.setdefault("state", {})["api_key"] = client.removeprefix("key:")
        await self.app(scope, receive, send)

    def _identify(self, scope: Scope, headers: Headers) -> tuple[str, int | None, str | None]:
        """(who to count the call against, their own limit, why it is refused or None)."""
        address = f"ip:{scope['client'][0] if scope.get('client') else 'unknown'}"
        if not self.keys:
            return address, None, None
        authorization = headers.get("authorization")
        if authorization is not None:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                return address, None, "send the key as `Authorization: Bearer <key>`"
            entry = self.keys.find(token.strip())
            if entry is None:
                return address, None, "the API key is not valid"
            return f"key:{entry.name}", entry.rate_limit_per_minute, None
        if self._is_widget_route(scope) and self._is_allowed_page(scope, headers):
            return address, None, None
        return address, None, NEEDS_KEY

    @staticmethod
    def _is_widget_route(scope: Scope) -> bool:
        method, path = scope["method"], scope["path"]
        return any(m == method and p.match(path) for m, p in WIDGET_ROUTES)

    def _is_allowed_page(self, scope: Scope, headers: Headers) -> bool:
        """A browser on a listed origin, or on one of the service's own pages."""
        origin = headers.get("origin")
        if origin is None:
            # Browsers send no Origin on same-origin GETs; Fetch Metadata says where it came from.
            return headers.get("sec-fetch-site") == "same-origin"
        own = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}"
        return origin == own or origin in self.origins or "*" in self.origins


def _challenge(headers: Headers) -> str:
    if headers.get("authorization"):
        return 'Bearer realm="driver-doctor", error="invalid_token"'
    return 'Bearer realm="driver-doctor"'


async def _problem(
    scope: Scope, receive: Receive, send: Send, status: int, detail: str, header: tuple[str, str]
) -> None:
    response = problems.problem(status, detail)
    response.headers[header[0]] = header[1]
    await response(scope, receive, send)
