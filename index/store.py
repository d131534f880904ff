"""Build, persist and load the symptom index: ``index.faiss`` + ``manifest.json``."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import faiss
from pydantic import BaseModel, ConfigDict

from index.embedder import Embedder
from index.errors import IndexNotBuiltError, StaleIndexError
from index.retriever import FaissRetriever
from kb import KnowledgeBase

DEFAULT_INDEX_DIR = Path(__file__).resolve().parent / "built"
FORMAT_VERSION = 1
INDEX_FILE = "index.faiss"
MANIFEST_FILE = "manifest.json"


class IndexEntry(BaseModel):
    """One embedded text and the cause it stands for."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cause: str
    text: str


class Manifest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    format: int
    model: str
    dimension: int
    kb_hash: str
    entries: list[IndexEntry]


@dataclass(frozen=True)
class ScoredEntry:
    entry: IndexEntry
    score: float


@dataclass(frozen=True)
class SymptomIndex:
    """The faiss index over symptom phrasings, with the embedder that queries it."""

    manifest: Manifest
    retriever: FaissRetriever
    embedder: Embedder

    def search(self, text: str, k: int = 10) -> list[ScoredEntry]:
        query = self.embedder.encode_queries([text])[0]
        entries = self.manifest.entries
        return [ScoredEntry(entries[h.position], h.score) for h in self.retriever.search(query, k)]


VAGUE = "_vague"


def index_entries(kb: KnowledgeBase) -> list[IndexEntry]:
    """What gets embedded, in a fixed order: each cause's title, then its phrasings, then
    the vague phrasings (labelled ``_vague``) that similarity is measured against."""
    entries: list[IndexEntry] = []
    for cause_id in sorted(kb.causes):
        entries.append(IndexEntry(cause=cause_id, text=kb.causes[cause_id].title))
        entries.extend(IndexEntry(cause=cause_id, text=p) for p in kb.phrasings_for(cause_id))
    for vague_id in sorted(kb.vague):
        entries.extend(IndexEntry(cause=VAGUE, text=p) for p in kb.vague[vague_id].phrasings)
    return entries


def build_index(kb: KnowledgeBase, embedder: Embedder) -> SymptomIndex:
    """Embed the knowledge base's symptom phrasings into an exact inner-product index.

    Args:
        kb: the loaded knowledge base.
        embedder: the model to embed with (its name and dimension go into the manifest).

    Returns:
        The index, ready to search and to save.
    """
    entries = index_entries(kb)
    vectors = embedder.encode_documents([e.text for e in entries])
    manifest = Manifest(
        format=FORMAT_VERSION,
        model=embedder.name,
        dimension=embedder.dimension,
        kb_hash=kb.content_hash,
        entries=entries,
    )
    return SymptomIndex(manifest, FaissRetriever.from_vectors(vectors), embedder)


def save_index(index: SymptomIndex, directory: Path = DEFAULT_INDEX_DIR) -> Path:
    """Write ``index.faiss`` and ``manifest.json`` atomically (readers never see half a build)."""
    directory.mkdir(parents=True, exist_ok=True)
    atomic_write(directory / INDEX_FILE, faiss.serialize_index(index.retriever.index).tobytes())
    text = json.dumps(index.manifest.model_dump(mode="json"), indent=1, sort_keys=True)
    atomic_write(directory / MANIFEST_FILE, text.encode())
    return directory


def load_index(
    kb: KnowledgeBase,
    embedder: Embedder,
    directory: Path = DEFAULT_INDEX_DIR,
    *,
    rebuild_stale: bool = False,
) -> SymptomIndex:
    """Load a saved index and check it was built from this KB content with this model.

    Args:
        kb: the knowledge base the service runs with.
        embedder: the model queries will be embedded with.
        directory: where ``doctor index build`` wrote the index.
        rebuild_stale: rebuild (and save) instead of refusing a missing or stale index.

    Raises:
        IndexNotBuiltError: nothing saved there (and ``rebuild_stale`` is off).
        StaleIndexError: saved for another KB hash, model or dimension.
    """
    try:
        manifest = _read_manifest(directory)
        _check_fresh(manifest, kb, embedder)
    except (IndexNotBuiltError, StaleIndexError):
        if not rebuild_stale:
            raise
        built = build_index(kb, embedder)
        save_index(built, directory)
        return built
    index = faiss.read_index(str(directory / INDEX_FILE))
    return SymptomIndex(manifest, FaissRetriever(index), embedder)


def _read_manifest(directory: Path) -> Manifest:
    path = directory / MANIFEST_FILE
    if not path.exists() or not (directory / INDEX_FILE).exists():
        raise IndexNotBuiltError(str(directory))
    return Manifest.model_validate_json(path.read_text(encoding="utf-8"))


def _check_fresh(manifest: Manifest, kb: KnowledgeBase, embedder: Embedder) -> None:
    checks: Sequence[tuple[str, object, object]] = (
        ("format", manifest.format, FORMAT_VERSION),
        ("model", manifest.model, embedder.name),
        ("dimension", manifest.dimension, embedder.dimension),
        ("knowledge base", manifest.kb_hash[:12], kb.content_hash[:12]),
    )
    for what, built, current in checks:
        if built != current:
            raise StaleIndexError(what, str(built), str(current))


def atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    publish(tmp, path)


def publish(tmp: str, path: Path) -> None:
    """Move a finished temporary file into place, readable by all like any installed file.

    mkstemp makes files only their owner can read: an image built as root and run as another
    user (the Dockerfile) could not open its own index.
    """
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
