from __future__ import annotations

from fastapi import APIRouter

from kb import KnowledgeBase
from service.api.deps import DoctorDep, KBDep
from service.api.schemas import CausePublic, CausesPublic, CauseSummary, TreePublic
from service.engine.walk import FixStat
from service.errors import NotFoundError

router = APIRouter(prefix="/v1", tags=["knowledge base"])


@router.get("/causes", response_model=CausesPublic)
def read_causes(kb: KBDep) -> CausesPublic:
    """List every cause in the knowledge base."""
    data = [
        CauseSummary(
            id=c.id,
            title=c.title,
            description=c.description,
            memory_area=list(c.memory_area),
            frequency_rank=c.frequency_rank,
        )
        for c in sorted(kb.causes.values(), key=lambda c: (c.frequency_rank or 99, c.id))
    ]
    return CausesPublic(data=data, count=len(data))


@router.get("/causes/{cause_id}", response_model=CausePublic)
def read_cause(cause_id: str, doctor: DoctorDep) -> CausePublic:
    """One cause with its symptoms, diagnostics, fixes (all snippet forms) and notes."""
    kb = doctor.kb
    if cause_id not in kb.causes:
        raise NotFoundError("cause", cause_id, sorted(kb.causes))
    cause = kb.causes[cause_id]
    stats = doctor.walker.fix_stats(cause_id)
    return CausePublic(
        cause=cause,
        symptoms=kb.phrasings_for(cause_id),
        diagnostics=cause.diagnostics,
        fixes=[doctor.walker.fix_view(f, {}, stats.get(f, FixStat())) for f in cause.fixes],
        notes=[kb.notes[n] for n in cause.notes if n in kb.notes],
        trees=_trees_reaching(kb, cause_id),
    )


@router.get("/trees/{tree_id}", response_model=TreePublic)
def read_tree(tree_id: str, kb: KBDep) -> TreePublic:
    """One decision tree as stored in the knowledge base."""
    if tree_id not in kb.trees:
        raise NotFoundError("tree", tree_id, sorted(kb.trees))
    return TreePublic(**kb.trees[tree_id].model_dump())


def _trees_reaching(kb: KnowledgeBase, cause_id: str) -> list[str]:
    return sorted(t.id for t in kb.trees.values() if any(n.cause == cause_id for n in t.nodes))
