"""What ``doctor index build`` writes into the index folder, and how the service opens it.

For the real model, the folder holds the exported model (``model.onnx``) beside the faiss index
and its manifest; the model is exported first and the manifest written last, so a folder with a
manifest is complete. The ``hash`` embedder needs no model file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from index.cases import CaseIndex, build_case_index, load_case_index, save_case_index
from index.embedder import Embedder, HashEmbedder, SentenceTransformerEmbedder
from index.onnx_embedder import MODEL_FILE, OnnxEmbedder, check_agreement, export_model
from index.store import SymptomIndex, build_index, index_entries, save_index
from kb import KnowledgeBase
from kb.library import load_cases

EmbedderKind = Literal["minilm", "hash"]
# Texts beyond the model's 256 tokens check that both cut them the same way.
LONG_TEXT = "java.lang.OutOfMemoryError: Java heap space at org.apache.spark " * 60


@dataclass(frozen=True)
class Built:
    index: SymptomIndex
    # Lowest cosine between the exported model's vectors and sentence-transformers' (minilm).
    agreement: float | None
    cases: CaseIndex


def open_embedder(kind: EmbedderKind, directory: Path) -> Embedder:
    """The embedder the service queries with, from what ``doctor index build`` left there.

    Raises:
        ModelNotExportedError: ``minilm`` and no exported model in ``directory``.
    """
    if kind == "hash":
        return HashEmbedder()
    return OnnxEmbedder(directory / MODEL_FILE)


def build_and_save(kb: KnowledgeBase, directory: Path, kind: EmbedderKind) -> Built:
    """Export the model (minilm), check it against torch, embed the KB with it and save.

    Raises:
        ExportMismatchError: the exported model's vectors differ from the reference's.
    """
    if kind == "hash":
        embedder: Embedder = HashEmbedder()
        agreement = None
    else:
        embedder = OnnxEmbedder(export_model(directory))
        texts = [entry.text for entry in index_entries(kb)] + [LONG_TEXT]
        agreement = check_agreement(embedder, SentenceTransformerEmbedder(), texts)
    index = build_index(kb, embedder)
    save_index(index, directory)
    cases = build_case_index(load_cases(), embedder)
    save_case_index(cases, directory)
    return Built(index, agreement, cases)


def open_cases(directory: Path, embedder: Embedder) -> CaseIndex:
    """The solved cases saved beside the index, checked against the library and the model.

    Raises:
        IndexNotBuiltError: none saved there.
        StaleIndexError: built from another case library or model.
    """
    return load_case_index(directory, embedder, load_cases())
