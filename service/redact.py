"""Remove secrets from pasted text before it is stored, logged or posted anywhere.

Each rule keeps the text around the secret (so the log line still reads) and replaces only the
secret with ``[REDACTED:<kind>]``. Patterns are bounded and anchored on literal markers.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rule:
    kind: str
    pattern: re.Pattern[str]
    group: int  # the capture group holding the secret; 0 = the whole match
    markers: tuple[str, ...]  # lower-case substrings one of which any match must contain
    # A last check of a match the pattern alone cannot make (None: every match is a secret).
    accept: Callable[[str], bool] | None = None


def _is_user_password(token: str) -> bool:
    """Does ``token`` decode to ``user:password``, as HTTP Basic credentials do?"""
    try:
        decoded = base64.b64decode(token + "=" * (-len(token) % 4), validate=True)
        text = decoded.decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return False
    return ":" in text and text.isprintable()


_I = re.IGNORECASE
RULES: tuple[Rule, ...] = (
    Rule(
        "url-password",
        re.compile(r"\b[a-z][a-z0-9+.-]{1,20}://[^\s:/@]{1,200}:([^\s@]{1,200})@", _I),
        1,
        ("://",),
    ),
    Rule(
        "jdbc-password",
        # Oracle's thin driver puts user/password before the host: jdbc:oracle:thin:scott/tiger@
        re.compile(r"\bjdbc:oracle:[a-z]{1,10}:[^\s/@:]{1,200}/([^\s@]{1,200})@", _I),
        1,
        ("jdbc:oracle",),
    ),
    Rule(
        "slack-webhook",
        re.compile(
            r"\bhooks\.slack\.com/(?:services|workflows|triggers)/([A-Za-z0-9/_-]{10,300})", _I
        ),
        1,
        ("hooks.slack.com",),
    ),
    Rule(
        "private-key",
        re.compile(
            # The body never holds "-----": a search from one BEGIN stops at the next marker, so
            # text of many BEGINs without an END costs linear time, not 10,000 steps per BEGIN.
            r"-----BEGIN (?:[A-Z]{1,20} )?PRIVATE KEY-----(?:[^-]|-(?!----)){0,10000}?-----END (?:[A-Z]{1,20} )?PRIVATE KEY-----"
        ),
        0,
        ("private key-----",),
    ),
    Rule(
        "aws-access-key",
        re.compile(r"\b((?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{16})\b"),
        1,
        ("akia", "asia", "aida", "aroa"),
    ),
    Rule(
        "aws-secret-key",
        re.compile(
            r"(?:aws_secret_access_key|secret[._-]?key|secretAccessKey)[\"']?\s{0,3}[=:,]\s{0,3}[\"']?([A-Za-z0-9/+=]{20,80})",
            _I,
        ),
        1,
        ("secret",),
    ),
    Rule("databricks-token", re.compile(r"\b(dapi[0-9a-f]{32}(?:-\d)?)\b"), 1, ("dapi",)),
    Rule("slack-token", re.compile(r"\b(xox[abposr]-[0-9A-Za-z-]{10,200})"), 1, ("xox",)),
    Rule(
        "github-token",
        re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{30,80})\b"),
        1,
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
    ),
    Rule(
        "bearer-token", re.compile(r"\bBearer\s+([A-Za-z0-9._~+/=-]{8,4000})", _I), 1, ("bearer",)
    ),
    Rule(
        "basic-auth",
        re.compile(
            r"\bAuthorization[\"']?\s{0,3}[:=]\s{0,3}[\"']?Basic\s+([A-Za-z0-9+/=]{8,4000})", _I
        ),
        1,
        ("basic",),
    ),
    Rule(
        "basic-auth",
        # A bare "Basic <base64 of user:password>", as pasted from a header dump or a curl -v.
        re.compile(r"\bBasic\s+([A-Za-z0-9+/]{8,4000}={0,2})(?![A-Za-z0-9+/=])"),
        1,
        ("basic",),
        accept=lambda secret: _is_user_password(secret),
    ),
    Rule(
        "azure-account-key",
        re.compile(r"\bAccountKey\s{0,2}=\s{0,2}([A-Za-z0-9+/]{20,200}={0,2})", _I),
        1,
        ("accountkey",),
    ),
    Rule(
        "azure-sas-signature",
        re.compile(r"[?&;]sig=([A-Za-z0-9%+/=]{10,400})", _I),
        1,
        ("sig=",),
    ),
    Rule(
        "jwt",
        re.compile(r"\b(eyJ[A-Za-z0-9_-]{8,2000}\.[A-Za-z0-9_-]{8,4000}\.[A-Za-z0-9_-]{8,2000})"),
        1,
        ("eyj",),
    ),
    Rule(
        "jdbc-password",
        re.compile(r"[;?&]\s{0,2}password\s{0,2}=\s{0,2}([^;&\s\"']{1,200})", _I),
        1,
        ("password",),
    ),
    Rule(
        "password-setting",
        re.compile(
            r"\b((?:spark|fs|hadoop|javax?)\.[\w.-]{0,120}(?:password|passwd|secret|credentials?|token|access\.key|secret\.key|account\.key)[\w.-]{0,40})"
            r"[\"']?\s{0,3}(?:=|:|->|\s|,)\s{0,3}[\"']?([^\s\"',;]{1,400})",
            _I,
        ),
        2,
        ("password", "passwd", "secret", "credential", "token", "access.key", "account.key"),
    ),
    Rule(
        "password-argument",
        re.compile(
            r"[\"']([\w.-]{0,60}(?:password|passwd|pwd|secret|token|credentials?|api[_-]?key|access[_-]?key|account[_-]?key|private[_-]?key[_-]?id)[\w.-]{0,60})[\"']"
            r"\s{0,3}(?:[,:]|->)\s{0,3}[\"']([^\"'\s]{1,400})[\"']",
            _I,
        ),
        2,
        ("password", "passwd", "pwd", "secret", "token", "credential", "key"),
    ),
    Rule(
        "password-field",
        re.compile(
            # A name holding a secret word anywhere (DB_PASSWORD, AWS_SECRET_ACCESS_KEY,
            # secretKey, private_key_id, -Dfs.s3a.secret.key), then = : or ->, then the value.
            r"(?:(?<=-D)|(?<![\w.-]))[\w.-]{0,80}?"
            r"(?:password|passwd|pwd|api[_-]?key|apikey|secret|token|access[_.-]?key|account[_.-]?key|private[_-]?key)"
            r"[\w.-]{0,60}[\"']?\s{0,3}(?:[=:]|->)\s{0,3}[\"']?([^\s\"',;&<>]{4,400})",
            _I,
        ),
        1,
        ("password", "passwd", "pwd", "api_key", "api-key", "apikey", "secret", "token", "key"),
    ),
    Rule(
        "config-line",
        re.compile(
            # spark-defaults.conf / properties style: a dotted or underscored name with a secret
            # word, whitespace, the value, nothing else on the line.
            r"^[ \t]{0,20}([\w-]{0,80}[._][\w.-]{0,80}?(?:password|passwd|secret|token|credentials?|access[_.-]?key|account[_.-]?key|api[_.-]?key|private[_-]?key)[\w.-]{0,60}|[\w.-]{0,80}?(?:password|passwd|secret|token|apikey|api[_-]key|private[_-]key)[\w.-]{0,60})"
            r"[ \t]{1,40}([^\s\"',;&<>]{4,400})[ \t]{0,20}$",
            _I | re.MULTILINE,
        ),
        2,
        ("password", "passwd", "secret", "token", "credential", "key"),
    ),
    Rule(
        "xml-property",
        re.compile(
            # Hadoop/Hive site XML: <name>…secret…</name> then <value>…</value>, often on the
            # next line.
            r"<name>\s{0,20}([^<\s]{0,160}(?:password|passwd|secret|token|credentials?|access[_.-]?key|account[_.-]?key|api[_.-]?key|private[_.-]?key)[^<\s]{0,60})\s{0,20}</name>"
            r"\s{0,200}<value>\s{0,20}([^<\s]{1,400})\s{0,20}</value>",
            _I,
        ),
        2,
        ("<name>",),
    ),
)


# Rules whose secret can span lines run over the whole text; the others run line by line.
MULTILINE = frozenset({"private-key", "xml-property"})
_ALL_MARKERS = {m for r in RULES if r.kind not in MULTILINE for m in r.markers}
# "key" already finds "api_key" and "access.key": a marker containing another adds nothing.
_MARKERS = re.compile(
    "|".join(
        sorted(
            re.escape(m) for m in _ALL_MARKERS if not any(o != m and o in m for o in _ALL_MARKERS)
        )
    )
)
# Below this size the whole text is handled at once; above it only lines with a marker are.
LINE_MODE_BYTES = 64 * 1024


def redact(text: str) -> tuple[str, dict[str, int]]:
    """Text with every secret replaced, and how many of each kind were found.

    A large log is mostly lines without any marker ("password", "://", "AKIA", ...): one pass
    of a combined marker pattern finds the few lines that have one, and only those lines go
    through the rules, so a 10 MB paste costs one scan instead of one per rule.
    """
    counts: dict[str, int] = {}
    for rule in RULES:
        if rule.kind in MULTILINE:
            text = _count(rule, text, counts)
    if len(text) <= LINE_MODE_BYTES:
        return _redact_lines(text, counts), counts
    lowered = text.lower()
    pieces: list[str] = []
    done = 0
    for match in _MARKERS.finditer(lowered):
        if match.start() < done:
            continue
        start = text.rfind("\n", 0, match.start()) + 1
        end = text.find("\n", match.end())
        end = len(text) if end == -1 else end
        pieces += [text[done:start], _redact_lines(text[start:end], counts)]
        done = end
    pieces.append(text[done:])
    return "".join(pieces), counts


def _redact_lines(text: str, counts: dict[str, int]) -> str:
    lowered = text.lower()
    for rule in RULES:
        # Skip a rule unless one of its markers occurs: most text holds no secret at all.
        if rule.kind in MULTILINE or not any(marker in lowered for marker in rule.markers):
            continue
        text = _count(rule, text, counts)
    return text


def _count(rule: Rule, text: str, counts: dict[str, int]) -> str:
    text, found = _apply(rule, text)
    if found:
        counts[rule.kind] = counts.get(rule.kind, 0) + found
    return text


def _apply(rule: Rule, text: str) -> tuple[str, int]:
    found = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal found
        secret = match.group(rule.group)
        if secret.startswith("[REDACTED") or (rule.accept is not None and not rule.accept(secret)):
            return match.group(0)
        found += 1
        start, end = match.span(rule.group)
        whole_start = match.start(0)
        head = match.group(0)[: start - whole_start]
        tail = match.group(0)[end - whole_start :]
        return f"{head}[REDACTED:{rule.kind}]{tail}"

    return rule.pattern.sub(replace, text), found


def redact_data(data: Any) -> tuple[Any, dict[str, int]]:
    """JSON-like data (dicts, lists, strings) with every string redacted, and the counts."""
    counts: dict[str, int] = {}

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            clean, found = redact(value)
            for kind, n in found.items():
                counts[kind] = counts.get(kind, 0) + n
            return clean
        if isinstance(value, dict):
            return {key: walk(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [walk(item) for item in value]
        return value

    return walk(data), counts
