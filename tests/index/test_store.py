from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index import (
    Embedder,
    HashEmbedder,
    IndexNotBuiltError,
    StaleIndexError,
    build_index,
    load_index,
    save_index,
)
from kb import DEFAULT_ROOT, KnowledgeBase, load_kb


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_build_index_is_deterministic_with_real_model(
    kb: KnowledgeBase, minilm: Embedder, tmp_path: Path
) -> None:
    save_index(build_index(kb, minilm), tmp_path / "a")
    save_index(build_index(kb, minilm), tmp_path / "b")
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_build_index_embeds_every_phrasing(kb: KnowledgeBase) -> None:
    index = build_index(kb, HashEmbedder())
    phrasings = sum(len(s.phrasings) for s in kb.symptoms.values())
    vague = sum(len(v.phrasings) for v in kb.vague.values())
    assert len(index.manifest.entries) == phrasings + len(kb.causes) + vague
    assert index.retriever.size == len(index.manifest.entries)
    assert index.manifest.kb_hash == kb.content_hash


def test_load_index_round_trips_search_results(kb: KnowledgeBase, tmp_path: Path) -> None:
    built = build_index(kb, HashEmbedder())
    save_index(built, tmp_path)
    loaded = load_index(kb, HashEmbedder(), tmp_path)
    query = "driver heap exhausted by toPandas"
    assert [h.entry for h in loaded.search(query, 5)] == [h.entry for h in built.search(query, 5)]


def test_load_index_without_build_says_how_to_build(kb: KnowledgeBase, tmp_path: Path) -> None:
    with pytest.raises(IndexNotBuiltError, match="doctor index build"):
        load_index(kb, HashEmbedder(), tmp_path / "missing")


def _changed_kb(tmp_path: Path) -> KnowledgeBase:
    root = tmp_path / "data"
    shutil.copytree(DEFAULT_ROOT, root)
    symptoms = next((root / "symptoms").glob("*.yaml"))
    symptoms.write_text(symptoms.read_text() + "  - one more way to say it went wrong\n")
    return load_kb(root)


def test_load_index_refuses_index_of_changed_kb(kb: KnowledgeBase, tmp_path: Path) -> None:
    save_index(build_index(kb, HashEmbedder()), tmp_path / "index")
    changed = _changed_kb(tmp_path)
    assert changed.content_hash != kb.content_hash
    with pytest.raises(StaleIndexError, match="knowledge base.*doctor index build"):
        load_index(changed, HashEmbedder(), tmp_path / "index")


def test_load_index_rebuilds_stale_index_when_asked(kb: KnowledgeBase, tmp_path: Path) -> None:
    save_index(build_index(kb, HashEmbedder()), tmp_path / "index")
    changed = _changed_kb(tmp_path)
    rebuilt = load_index(changed, HashEmbedder(), tmp_path / "index", rebuild_stale=True)
    assert rebuilt.manifest.kb_hash == changed.content_hash
    assert (
        load_index(changed, HashEmbedder(), tmp_path / "index").manifest.kb_hash
        == changed.content_hash
    )


def test_load_index_refuses_other_model(kb: KnowledgeBase, tmp_path: Path) -> None:
    save_index(build_index(kb, HashEmbedder(dimension=64)), tmp_path)
    with pytest.raises(StaleIndexError, match="dimension"):
        load_index(kb, HashEmbedder(dimension=128), tmp_path)
