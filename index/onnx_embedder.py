"""all-MiniLM-L6-v2 exported to ONNX and run with onnxruntime: what the service queries with.

The same model as :class:`~index.embedder.SentenceTransformerEmbedder`, with the same
tokenizer, mean pooling and normalisation, so the vectors agree to a cosine of 1 - 1e-7
(``doctor index build`` checks it on every build). What changes is the runtime: one query costs
about half of what it costs in torch on two cores (per-operator overhead dominates a
twenty-token input), and a server process needs neither torch nor sentence-transformers, which
take seconds to import and hundreds of MiB to hold.

``doctor index build`` exports the model with torch into the index folder
(:func:`export_model`); the service only reads that file.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.embedder import (
    MODEL_NAME,
    Embedder,
    QueryCache,
    Vectors,
    bundled_model_path,
    unit_rows,
)
from index.errors import IndexNotBuiltError, IndexStoreError
from index.store import publish

MODEL_FILE = "model.onnx"
ONNX_OPSET = 17
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# Exported and reference vectors must agree at least this well (measured: 0.9999999).
AGREEMENT = 0.9999
DOCUMENT_BATCH = 64
_INHERITED: list[Any] = []  # sessions a forked process inherited (see _session_here)


class ModelNotExportedError(IndexNotBuiltError):
    """The index folder has no exported model to query with."""


class ExportMismatchError(IndexStoreError):
    """The exported model's vectors differ from the reference model's."""

    def __init__(self, cosine: float, text: str) -> None:
        super().__init__(
            f"the exported model disagrees with sentence-transformers: cosine {cosine:.6f} "
            f"(at least {AGREEMENT} required) for {text[:80]!r}"
        )
        self.cosine = cosine


class OnnxEmbedder:
    """The exported model in onnxruntime, with an LRU cache of query vectors.

    The inference session is made on first use in each process (and again after a ``fork``),
    so a server can load this in its supervisor and fork workers that each run their own.
    One query runs at a time per process, on ``threads`` intra-op threads: a server gives each
    worker its share of the cores.
    """

    name = MODEL_NAME

    def __init__(
        self,
        model_file: Path,
        *,
        tokenizer_dir: Path | None = None,
        threads: int | None = None,
        cache_size: int = 4096,
    ) -> None:
        if not model_file.is_file():
            raise ModelNotExportedError(str(model_file))
        source = tokenizer_dir or bundled_model_path()
        self.model_file = model_file
        self.dimension = _mean_pooling_dimension(source)
        self._tokenizer = _load_tokenizer(source)
        self._threads = threads or usable_cores()
        self._cache = QueryCache(cache_size)
        self._session: Any = None
        self._session_pid = 0
        self._run_lock = threading.Lock()

    @property
    def threads(self) -> int:
        return self._threads

    def set_threads(self, threads: int) -> None:
        """Intra-op threads for this process's session (remade on its next use if it changes)."""
        if threads < 1:
            raise ValueError(f"threads must be at least 1, got {threads}")
        with self._run_lock:
            if threads != self._threads:
                self._threads = threads
                self._drop_session()

    def encode_documents(self, texts: Sequence[str]) -> Vectors:
        # Sorted by length so that each batch pads little, as sentence-transformers does.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), DOCUMENT_BATCH):
            chunk = order[start : start + DOCUMENT_BATCH]
            vectors[chunk] = self._embed([texts[i] for i in chunk])
        return vectors

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._cache.vectors(texts, self._embed, self.dimension)

    def clear_cache(self) -> None:
        """Forget cached query vectors (benchmarks measure cold queries with it)."""
        self._cache.clear()

    def _embed(self, texts: Sequence[str]) -> Vectors:
        encodings = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        types = np.array([e.type_ids for e in encodings], dtype=np.int64)
        with self._run_lock:
            session = self._session_here()
            (hidden,) = session.run(None, dict(zip(INPUTS, (ids, mask, types), strict=True)))
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return unit_rows(pooled.astype(np.float32))

    def _drop_session(self) -> None:
        if self._session is not None and self._session_pid != os.getpid():
            # Made before a fork: its pool threads did not come along, and its destructor
            # would wait for them forever. It is kept, never used, never destroyed.
            _INHERITED.append(self._session)
        self._session = None

    def _session_here(self) -> Any:
        if self._session_pid != os.getpid():
            self._drop_session()
        if self._session is None:
            self._session = _open_session(self.model_file, self._threads)
            self._session_pid = os.getpid()
        return self._session


def export_model(directory: Path, model_dir: Path | None = None) -> Path:
    """Export all-MiniLM-L6-v2 (from its package) to ``directory/model.onnx`` with torch.

    Written to a temporary file first and moved into place, so a reader never sees half a
    model. Takes a few seconds; only ``doctor index build`` calls it.

    Returns:
        The path of the exported model.
    """
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]

    source = model_dir or bundled_model_path()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # The eager attention traces to plain ONNX operators for any sequence length.
    model = AutoModel.from_pretrained(str(source), attn_implementation="eager").eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, ids: Any, mask: Any, types: Any) -> Any:
            return self.model(input_ids=ids, attention_mask=mask, token_type_ids=types)[0]

    encoding = _load_tokenizer(source).encode_batch(["spark driver out of memory", "collect"])
    sample = tuple(
        torch.tensor([getattr(e, field) for e in encoding], dtype=torch.int64)
        for field in ("ids", "attention_mask", "type_ids")
    )
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / MODEL_FILE
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{MODEL_FILE}.")
    os.close(fd)
    try:
        with warnings.catch_warnings(), torch.inference_mode():
            warnings.simplefilter("ignore")  # tracer notes about Python bools in the model
            torch.onnx.export(
                LastHiddenState(),
                sample,
                tmp,
                input_names=list(INPUTS),
                output_names=["last_hidden_state"],
                dynamic_axes={name: {0: "batch", 1: "tokens"} for name in INPUTS}
                | {"last_hidden_state": {0: "batch", 1: "tokens"}},
                opset_version=ONNX_OPSET,
                dynamo=False,
            )
        publish(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def check_agreement(exported: Embedder, reference: Embedder, texts: Sequence[str]) -> float:
    """The lowest cosine between the two embedders' vectors for ``texts``.

    Raises:
        ExportMismatchError: below :data:`AGREEMENT` for some text.
    """
    ours = exported.encode_documents(texts)
    theirs = reference.encode_documents(texts)
    cosines = np.einsum("ij,ij->i", ours, theirs)
    worst = int(np.argmin(cosines))
    if cosines[worst] < AGREEMENT:
        raise ExportMismatchError(float(cosines[worst]), texts[worst])
    return float(cosines[worst])


def _open_session(model_file: Path, threads: int) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Idle pool threads sleep: other worker processes need the cores between queries.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(
        str(model_file), options, providers=["CPUExecutionProvider"]
    )


def _load_tokenizer(model_dir: Path) -> Any:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    # tokenizer.json pads every input to 128 and cuts at 128; sentence-transformers pads to
    # the longest in the batch and cuts at the model's max_seq_length (256 here).
    config = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
    tokenizer.enable_truncation(max_length=int(config["max_seq_length"]))
    pad = tokenizer.token_to_id("[PAD]")
    tokenizer.enable_padding(pad_id=pad, pad_token="[PAD]")
    return tokenizer


def _mean_pooling_dimension(model_dir: Path) -> int:
    """The embedding size, after checking the model pools as this class does (mean, normalised)."""
    modules = json.loads((model_dir / "modules.json").read_text(encoding="utf-8"))
    kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
    if kinds != ["Transformer", "Pooling", "Normalize"]:
        raise ValueError(f"{model_dir}: expected Transformer, Pooling, Normalize; got {kinds}")
    pooling = json.loads((model_dir / modules[1]["path"] / "config.json").read_text("utf-8"))
    modes = [key for key, on in pooling.items() if key.startswith("pooling_mode_") and on]
    if modes != ["pooling_mode_mean_tokens"]:
        raise ValueError(f"{model_dir}: expected mean pooling only; got {modes}")
    return int(pooling["word_embedding_dimension"])


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity; a container's cpuset counts)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
