from __future__ import annotations

from fastapi import APIRouter

from service.api.deps import DoctorDep, KBDep
from service.api.schemas import CausePublic, CausesPublic, CauseSummary, TreePublic
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
    return CausePublic(**doctor.cause_page(cause_id).model_dump())


@router.get("/trees/{tree_id}", response_model=TreePublic)
def read_tree(tree_id: str, kb: KBDep) -> TreePublic:
    """One decision tree as stored in the knowledge base."""
    if tree_id not in kb.trees:
        raise NotFoundError("tree", tree_id, sorted(kb.trees))
    return TreePublic(**kb.trees[tree_id].model_dump())
