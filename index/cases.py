"""Solved cases, embedded: ``cases.faiss`` + ``cases.json`` beside the symptom index.

The library's ``tune`` cases (never ``test``: they are what accuracy is measured on) and the
cases the service confirmed itself (feedback said a fix worked) are embedded by the same
model as the KB phrasings. A diagnosis shows the nearest as "looks like this report, resolved
as ...", and their labels vote in the ranking.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np
from pydantic import BaseModel, ConfigDict

from index.embedder import Embedder, Vectors
from index.errors import IndexNotBuiltError, StaleIndexError
from index.retriever import FaissRetriever
from index.store import atomic_write
from kb.library import Case, source_key

CASES_INDEX_FILE = "cases.faiss"
CASES_MANIFEST_FILE = "cases.json"
CASES_FORMAT = 1
# What gets embedded of a case: about what the engine embeds of a query (QUERY_CHARS).
CASE_CHARS = 500
_TELLING = re.compile(
    r"Exception|Error|OutOfMemory|Killed|killed|exceed|maxResultSize|broadcast|exit code|"
    r"Container|MemoryError|GC overhead|heap",
)


class CaseEntry(BaseModel):
    """One solved case as a diagnosis shows it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    label: str
    title: str
    url: str
    source: str
    local: bool = False


class CasesManifest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    format: int
    model: str
    dimension: int
    library_hash: str
    entries: list[CaseEntry]


@dataclass(frozen=True)
class CaseHit:
    entry: CaseEntry
    score: float


@dataclass(frozen=True)
class CaseIndex:
    manifest: CasesManifest
    retriever: FaissRetriever
    embedder: Embedder

    def search(self, text: str, k: int = 8, exclude_source: str | None = None) -> list[CaseHit]:
        """The ``k`` nearest cases to ``text``, leaving out any from ``exclude_source``."""
        if not text or self.retriever.size == 0:
            return []
        query = self.embedder.encode_queries([text])[0]
        extra = 4 if exclude_source else 0
        entries = self.manifest.entries
        hits = [
            CaseHit(entries[h.position], h.score)
            for h in self.retriever.search(query, k + extra)
            if entries[h.position].source != exclude_source
        ]
        return hits[:k]


def case_text(situation: str, machine_output: str) -> str:
    """The words, then the telling machine lines, cut where a query is cut."""
    lines = [line.strip() for line in machine_output.splitlines() if _TELLING.search(line)]
    return " ".join([situation.strip(), *lines[:12]])[:CASE_CHARS]


def library_hash(cases: Iterable[Case]) -> str:
    digest = hashlib.sha256()
    for case in sorted(cases, key=lambda c: c.id):
        digest.update(case.model_dump_json().encode())
    return digest.hexdigest()[:16]


def build_case_index(
    cases: Sequence[Case], embedder: Embedder, local: Sequence[tuple[CaseEntry, str]] = ()
) -> CaseIndex:
    """Embed the ``tune`` cases of the library (and confirmed local cases with their text)."""
    tune = [c for c in cases if c.split == "tune"]
    entries = [
        CaseEntry(
            id=c.id,
            label=c.label,
            title=c.source.title or c.id,
            url=c.source.url,
            source=source_key(c.source.url),
        )
        for c in tune
    ]
    texts = [case_text(c.situation, c.machine_output) for c in tune]
    entries += [entry for entry, _ in local]
    texts += [text[:CASE_CHARS] for _, text in local]
    vectors = embedder.encode_documents(texts) if texts else _empty(embedder)
    manifest = CasesManifest(
        format=CASES_FORMAT,
        model=embedder.name,
        dimension=embedder.dimension,
        library_hash=library_hash(cases),
        entries=entries,
    )
    return CaseIndex(manifest, FaissRetriever.from_vectors(vectors), embedder)


def _empty(embedder: Embedder) -> Vectors:
    return np.zeros((0, embedder.dimension), dtype=np.float32)


def save_case_index(index: CaseIndex, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    atomic_write(
        directory / CASES_INDEX_FILE, faiss.serialize_index(index.retriever.index).tobytes()
    )
    text = json.dumps(index.manifest.model_dump(mode="json"), indent=1, sort_keys=True)
    atomic_write(directory / CASES_MANIFEST_FILE, text.encode())


def load_case_index(directory: Path, embedder: Embedder, cases: Sequence[Case]) -> CaseIndex:
    """The saved case index, checked against this library and model.

    Raises:
        IndexNotBuiltError: no case index there.
        StaleIndexError: built from other cases or another model.
    """
    path = directory / CASES_MANIFEST_FILE
    if not path.exists() or not (directory / CASES_INDEX_FILE).exists():
        raise IndexNotBuiltError(str(directory))
    manifest = CasesManifest.model_validate_json(path.read_text(encoding="utf-8"))
    checks = (
        ("case index format", manifest.format, CASES_FORMAT),
        ("model", manifest.model, embedder.name),
        ("case library", manifest.library_hash, library_hash(cases)),
    )
    for what, built, current in checks:
        if built != current:
            raise StaleIndexError(what, str(built), str(current))
    index = faiss.read_index(str(directory / CASES_INDEX_FILE))
    return CaseIndex(manifest, FaissRetriever(index), embedder)
