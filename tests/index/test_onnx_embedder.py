"""The exported model the service queries with, against the torch reference it is exported from."""

from __future__ import annotations

import multiprocessing
import os
import stat
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from index import (
    MODEL_FILE,
    Embedder,
    ExportMismatchError,
    IndexNotBuiltError,
    ModelNotExportedError,
    OnnxEmbedder,
    SentenceTransformerEmbedder,
)
from index.build import LONG_TEXT
from index.embedder import Vectors
from index.onnx_embedder import AGREEMENT, check_agreement
from index.store import index_entries
from kb import KnowledgeBase
from tests.conftest import REPO

TEXTS = [
    "job dies after toPandas",
    "Total size of serialized results of 1234 tasks (1025.0 MiB) is bigger than "
    "spark.driver.maxResultSize (1024.0 MiB)",
    "java.lang.OutOfMemoryError: Java heap space\n\tat java.util.Arrays.copyOf(Arrays.java:3236)",
    "ÜNICODE dröver — 内存不足 🙂",
    "",
    LONG_TEXT,  # beyond the 256 tokens both cut at
]


def _cosines(a: Vectors, b: Vectors) -> Vectors:
    return np.einsum("ij,ij->i", a, b)


def test_exported_model_matches_sentence_transformers_on_every_kb_text(
    kb: KnowledgeBase, minilm: OnnxEmbedder, torch_minilm: SentenceTransformerEmbedder
) -> None:
    texts = [entry.text for entry in index_entries(kb)] + TEXTS
    assert check_agreement(minilm, torch_minilm, texts) >= AGREEMENT
    queries = _cosines(minilm.encode_queries(TEXTS), torch_minilm.encode_queries(TEXTS))
    assert queries.min() >= AGREEMENT


def test_a_text_gets_the_same_vector_alone_and_padded_in_a_batch(minilm: OnnxEmbedder) -> None:
    together = minilm.encode_documents(TEXTS)
    alone = np.vstack([minilm.encode_documents([text]) for text in TEXTS])
    assert _cosines(together, alone).min() >= AGREEMENT
    assert np.allclose(np.linalg.norm(together[:-2], axis=1), 1.0, atol=1e-5)


class _Rolled:
    """The real model's vectors, each rotated by one position: a broken export."""

    name = "rolled"

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.dimension = inner.dimension

    def encode_documents(self, texts: Sequence[str]) -> Vectors:
        return np.roll(self.inner.encode_documents(texts), 1, axis=1)

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self.encode_documents(texts)


def test_an_export_that_disagrees_is_refused(minilm: OnnxEmbedder) -> None:
    with pytest.raises(ExportMismatchError, match="disagrees with sentence-transformers"):
        check_agreement(_Rolled(minilm), minilm, TEXTS[:3])


def test_a_missing_model_file_says_how_to_make_it(tmp_path: Path) -> None:
    with pytest.raises(ModelNotExportedError, match="doctor index build") as raised:
        OnnxEmbedder(tmp_path / MODEL_FILE)
    assert isinstance(raised.value, IndexNotBuiltError)


def _encode_in_child(embedder: OnnxEmbedder, text: str, out: multiprocessing.Queue[bytes]) -> None:
    out.put(embedder.encode_documents([text]).tobytes())


def test_a_forked_process_opens_its_own_session(minilm_file: Path) -> None:
    embedder = OnnxEmbedder(minilm_file, threads=2)
    text = "driver heap exhausted by broadcast"
    parent = embedder.encode_documents([text])  # the parent has a session (and its threads)
    context = multiprocessing.get_context("fork")
    out: multiprocessing.Queue[bytes] = context.Queue()
    child = context.Process(target=_encode_in_child, args=(embedder, text, out))
    child.start()
    vector = np.frombuffer(out.get(timeout=60), dtype=np.float32).reshape(parent.shape)
    child.join(timeout=60)
    assert child.exitcode == 0
    assert np.allclose(vector, parent, atol=1e-6)


def test_threads_can_change_and_must_be_positive(minilm_file: Path) -> None:
    embedder = OnnxEmbedder(minilm_file, threads=2)
    before = embedder.encode_documents(TEXTS[:2])
    embedder.set_threads(1)
    assert embedder.threads == 1
    assert np.allclose(embedder.encode_documents(TEXTS[:2]), before, atol=1e-5)
    with pytest.raises(ValueError, match="at least 1"):
        embedder.set_threads(0)


def test_index_build_exports_a_model_everyone_can_read_and_status_checks_it(
    tmp_path: Path,
) -> None:
    directory = tmp_path / "index"
    env = os.environ | {"HF_HUB_OFFLINE": "1"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "index", *args, "--dir", str(directory)]
        return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)

    built = run("build")
    assert built.returncode == 0, built.stderr
    assert "model exported to ONNX; its vectors match sentence-transformers'" in built.stdout
    for name in ("index.faiss", "manifest.json", MODEL_FILE):
        mode = stat.S_IMODE((directory / name).stat().st_mode)
        assert mode & 0o044 == 0o044, f"{name} is {oct(mode)}"  # an image's non-root user
    assert not [p.name for p in directory.iterdir() if p.name.startswith(".")]  # no leftovers
    assert run("status").returncode == 0

    (directory / MODEL_FILE).unlink()
    status = run("status")
    assert status.returncode == 1
    assert "doctor index build" in status.stderr
