"""What the stored cases teach the people who keep the knowledge base.

Resolution rate per cause and per fix (fixed / (fixed + not helped) over feedback), the
questions walks are abandoned at, the verdict mix, and the latest inputs that ended
``unknown`` or whose fix did not help: the next knowledge to write.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from kb import KnowledgeBase
from service.redact import redact
from service.storage.cases import CaseStore, cases, feedback

EXCERPT_CHARS = 400
# A walk left at a question this long is abandoned; a younger one may still be in progress.
DEFAULT_IDLE = dt.timedelta(minutes=30)


class VerdictShare(BaseModel):
    verdict: str
    cases: int
    share: float


class ResolutionRate(BaseModel):
    id: str
    title: str
    fixed: int
    not_helped: int
    rate: float


class QuestionAbandonment(BaseModel):
    tree: str
    node: str
    question: str
    reached: int
    abandoned: int
    rate: float


class OpenInput(BaseModel):
    case_id: str
    at: dt.datetime
    reason: Literal["unknown", "not_helped"]
    verdict: str
    cause_id: str | None
    fix_id: str | None
    comment: str | None
    excerpt: str
    truncated: bool


class Report(BaseModel):
    generated_at: dt.datetime
    kb_version: str
    cases: int
    feedback: int
    verdicts: list[VerdictShare]
    causes: list[ResolutionRate]
    fixes: list[ResolutionRate]
    abandoned: list[QuestionAbandonment]
    next_knowledge: list[OpenInput]
    confirmed: int = Field(description="Cases whose feedback said a fix worked.")
    confirmed_indexed: int = Field(
        description="Of those, how many the solved-case index holds (as of the last build)."
    )


def build_report(
    store: CaseStore,
    kb: KnowledgeBase,
    *,
    limit: int = 20,
    idle: dt.timedelta = DEFAULT_IDLE,
    now: dt.datetime | None = None,
    confirmed_indexed: int = 0,
) -> Report:
    """Everything on the report page, from one consistent read of the store."""
    now = now or dt.datetime.now(dt.UTC)
    with store.engine.connect() as connection:
        verdicts = verdict_mix(connection)
        return Report(
            generated_at=now,
            kb_version=kb.version,
            cases=sum(v.cases for v in verdicts),
            feedback=connection.execute(select(func.count()).select_from(feedback)).scalar_one(),
            verdicts=verdicts,
            causes=resolution_rates(connection, "cause_id", _cause_title(kb)),
            fixes=resolution_rates(connection, "fix_id", _fix_title(kb)),
            abandoned=abandonment(connection, kb, now - idle),
            next_knowledge=open_inputs(connection, limit),
            confirmed=connection.execute(
                select(func.count(func.distinct(feedback.c.case_id))).where(
                    feedback.c.outcome == "fixed"
                )
            ).scalar_one(),
            confirmed_indexed=confirmed_indexed,
        )


def verdict_mix(connection: Connection) -> list[VerdictShare]:
    rows = connection.execute(select(cases.c.verdict, func.count()).group_by(cases.c.verdict)).all()
    total = sum(count for _, count in rows)
    shares = [VerdictShare(verdict=v, cases=n, share=n / total) for v, n in rows]
    return sorted(shares, key=lambda s: (-s.cases, s.verdict))


def resolution_rates(
    connection: Connection, column: Literal["cause_id", "fix_id"], title: Callable[[str], str]
) -> list[ResolutionRate]:
    """Per cause or per fix, most feedback first; ties: the worst rate first."""
    key = feedback.c[column]
    query = (
        select(key, feedback.c.outcome, func.count())
        .where(key.is_not(None))
        .group_by(key, feedback.c.outcome)
    )
    counts: dict[str, Counter[str]] = {}
    for item, outcome, count in connection.execute(query):
        counts.setdefault(item, Counter())[outcome] += count
    rates = [_rate(item, title(item), c["fixed"], c["not_helped"]) for item, c in counts.items()]
    return sorted(rates, key=lambda r: (-(r.fixed + r.not_helped), r.rate, r.id))


def _rate(item: str, title: str, fixed: int, not_helped: int) -> ResolutionRate:
    rate = fixed / (fixed + not_helped)
    return ResolutionRate(id=item, title=title, fixed=fixed, not_helped=not_helped, rate=rate)


def abandonment(
    connection: Connection, kb: KnowledgeBase, idle_before: dt.datetime
) -> list[QuestionAbandonment]:
    """Questions walks stopped at and never left, with how many walks a user saw them in.

    A question is *reached* when a user answered it (or said "I don't know") or a walk stopped
    there; questions the evidence answered were never shown and do not count. Walks still
    open but younger than ``idle_before`` are in progress and count nowhere.
    """
    rows = connection.execute(
        select(cases.c.walk_tree, cases.c.path, cases.c.open_node, cases.c.updated_at).where(
            cases.c.walk_tree.is_not(None)
        )
    )
    reached: Counter[tuple[str, str]] = Counter()
    abandoned: Counter[tuple[str, str]] = Counter()
    for tree, path, open_node, updated_at in rows:
        if open_node is not None:
            if _aware(updated_at) >= idle_before:
                continue
            reached[tree, open_node] += 1
            abandoned[tree, open_node] += 1
        reached.update((tree, a["node"]) for a in json.loads(path) if a.get("how") != "auto")
    found = [
        QuestionAbandonment(
            tree=tree,
            node=node,
            question=_question_text(kb, tree, node),
            reached=reached[tree, node],
            abandoned=count,
            rate=count / reached[tree, node],
        )
        for (tree, node), count in abandoned.items()
    ]
    return sorted(found, key=lambda q: (-q.abandoned, -q.rate, q.tree, q.node))


def open_inputs(connection: Connection, limit: int) -> list[OpenInput]:
    """The latest inputs that ended ``unknown`` or got "did not help", newest first."""
    unknown = connection.execute(
        select(cases.c.id, cases.c.created_at, cases.c.verdict, cases.c.input_text)
        .where(cases.c.verdict == "unknown")
        .order_by(cases.c.created_at.desc())
        .limit(limit)
    )
    not_helped = connection.execute(
        select(
            feedback.c.case_id,
            feedback.c.created_at,
            cases.c.verdict,
            cases.c.input_text,
            feedback.c.cause_id,
            feedback.c.fix_id,
            feedback.c.comment,
        )
        .join(cases, cases.c.id == feedback.c.case_id)
        .where(feedback.c.outcome == "not_helped")
        .order_by(feedback.c.created_at.desc(), feedback.c.id.desc())
        .limit(limit)
    )
    found = [_open_input("unknown", *row) for row in unknown]
    found += [_open_input("not_helped", *row) for row in not_helped]
    return sorted(found, key=lambda i: i.at, reverse=True)[:limit]


def _open_input(
    reason: Literal["unknown", "not_helped"],
    case_id: str,
    at: dt.datetime,
    verdict: str,
    text: str,
    cause_id: str | None = None,
    fix_id: str | None = None,
    comment: str | None = None,
) -> OpenInput:
    # Inputs were redacted before they were stored; comments are the user's own words, not.
    return OpenInput(
        case_id=case_id,
        at=_aware(at),
        reason=reason,
        verdict=verdict,
        cause_id=cause_id,
        fix_id=fix_id,
        comment=redact(comment)[0] if comment else None,
        excerpt=text[:EXCERPT_CHARS],
        truncated=len(text) > EXCERPT_CHARS,
    )


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands timezone-aware columns back naive; every stored time is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _cause_title(kb: KnowledgeBase) -> Callable[[str], str]:
    return lambda cause_id: kb.causes[cause_id].title if cause_id in kb.causes else cause_id


def _fix_title(kb: KnowledgeBase) -> Callable[[str], str]:
    return lambda fix_id: kb.fixes[fix_id].title if fix_id in kb.fixes else fix_id


def _question_text(kb: KnowledgeBase, tree_id: str, node_id: str) -> str:
    nodes: Iterable[tuple[str, str]] = (
        ((n.id, n.text) for n in kb.trees[tree_id].nodes) if tree_id in kb.trees else ()
    )
    return next((text for node, text in nodes if node == node_id), node_id)
