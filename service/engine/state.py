"""Walk state that travels with the request: compact JSON, zlib, base64url, HMAC-SHA256.

Any replica holding the same secret can continue any walk; nothing about a walk lives on the
server between steps. A token that was altered, signed with another key, made for other
knowledge-base content, or is not a token at all is refused with a reason.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
import zlib

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from service.errors import InvalidStateError

# 2: the walk can leave a tree (ruled-out causes, trees left behind, "none of these" exits).
VERSION = 2
MAX_TOKEN_CHARS = 16_000
MAX_STATE_BYTES = 256 * 1024  # decompressed; a real state is a few kilobytes


class StateFact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    v: str
    line: int | None = None
    text: str = ""
    src: str = "log"
    # Read from a loose word in prose: steers "I don't know", never auto-answers.
    weak: bool = False


class WalkState(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    v: int = VERSION
    kb: str
    tree: str
    answers: dict[str, str] = Field(default_factory=dict)
    facts: dict[str, list[StateFact]] = Field(default_factory=dict)
    ranked: list[str] = Field(default_factory=list)
    # The differential walk: causes the user's answers ruled out (a fix page rejected), trees
    # left behind in order, and the question of each tree answered "none of these".
    ruled_out: list[str] = Field(default_factory=list)
    trail: list[str] = Field(default_factory=list)
    exits: dict[str, str] = Field(default_factory=dict)
    # Every hypothesis and tree was tried and left: nothing in the KB matches the answers.
    exhausted: bool = False
    # The cause the calibrated ranking is sure of (None: not sure enough), with its
    # confidence: questions it answers are not asked (the user can still change them).
    sure: str | None = None
    sure_p: float = 0.0
    case: str | None = None
    # When the token was issued (Unix seconds): a token is good for a lifetime from its step.
    iat: int = 0


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(payload: str, secret: bytes) -> str:
    return _b64(hmac.new(secret, payload.encode(), hashlib.sha256).digest()[:20])


def _inflate(data: bytes) -> bytes:
    # Bounded: a token of 16,000 characters can otherwise inflate to megabytes.
    inflater = zlib.decompressobj()
    raw = inflater.decompress(data, MAX_STATE_BYTES)
    if inflater.unconsumed_tail or not inflater.eof:
        raise InvalidStateError("state payload is too large or cut short")
    return raw


def encode_state(state: WalkState, secret: bytes, now: float | None = None) -> str:
    issued = state.model_copy(update={"iat": int(time.time() if now is None else now)})
    raw = json.dumps(issued.model_dump(exclude_defaults=True), separators=(",", ":"))
    payload = _b64(zlib.compress(raw.encode(), 9))
    return f"{payload}.{_sign(payload, secret)}"


DEFAULT_LIFETIME = 24 * 3600


def decode_state(
    token: str,
    secret: bytes,
    kb_version: str,
    lifetime: float = DEFAULT_LIFETIME,
    now: float | None = None,
) -> WalkState:
    """Verify and decode a token; raise InvalidStateError saying what is wrong."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        raise InvalidStateError(f"state must be 1 to {MAX_TOKEN_CHARS} characters")
    payload, _, signature = token.partition(".")
    if not signature:
        raise InvalidStateError("not a walk state token (no signature part)")
    # As bytes: compare_digest refuses str with non-ASCII characters (a TypeError, not a no).
    if not hmac.compare_digest(signature.encode(), _sign(payload, secret).encode()):
        raise InvalidStateError(
            "signature does not match: the state was altered or is from another server"
        )
    try:
        raw = json.loads(_inflate(_unb64(payload)))
        state = WalkState.model_validate(raw)
    # RecursionError: deeply nested JSON ("[[[[…") is valid zlib and valid syntax.
    except (ValueError, zlib.error, binascii.Error, ValidationError, RecursionError) as exc:
        raise InvalidStateError(f"state payload is unreadable ({type(exc).__name__})") from None
    if state.v != VERSION:
        raise InvalidStateError(f"state format {state.v} is not supported; start a new diagnosis")
    age = (time.time() if now is None else now) - state.iat
    if age > lifetime:
        raise InvalidStateError(
            f"this walk's state expired ({age / 3600:.0f} h old; states last "
            f"{lifetime / 3600:g} h): start again from the case"
        )
    if state.kb != kb_version:
        raise InvalidStateError(
            f"state was made with knowledge base {state.kb}, the service now runs {kb_version}: "
            "start a new diagnosis"
        )
    return state
