"""Every fact of the source document (/work/shared/seed/spark-driver-oom.md) reached the KB."""

import functools

import pytest

from kb import CAUSE_IDS, DEFAULT_ROOT, load_kb

KB = load_kb(collect_errors=True)

# Config keys the source document names; each must be set by some fix.
SOURCE_CONFIG_KEYS = [
    "spark.sql.autoBroadcastJoinThreshold",
    "spark.driver.memory",
    "spark.driver.memoryOverhead",
    "spark.driver.maxResultSize",
    "spark.executor.cores",
    "spark.sql.streaming.stateStore.providerClass",
]
UI_RETENTION_KEYS = ["spark.ui.retainedJobs", "spark.ui.retainedStages", "spark.ui.retainedTasks"]

# APIs, storage levels, plan operators and tools the source document names.
SOURCE_TERMS = [
    "collect",
    "toPandas",
    "toLocalIterator",
    "foreachPartition",
    "repartition",
    "coalesce",
    "unpersist",
    "MEMORY_AND_DISK_SER",
    "DISK_ONLY",
    "checkpoint",
    "explain",
    "getNumPartitions",
    "jmap",
    "jstack",
    "yarn logs",
    "BroadcastHashJoin",
    "TorrentBroadcast",
]


def _fix_config_keys() -> set[str]:
    return {config.key for fix in KB.fixes.values() for config in fix.configs}


@functools.cache
def _kb_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(DEFAULT_ROOT.rglob("*.yaml")))


@pytest.mark.parametrize("key", SOURCE_CONFIG_KEYS)
def test_fix_configs_cover_source_key(key: str) -> None:
    keys = _fix_config_keys()
    assert key in keys, f"no fix sets {key}; fixes set {sorted(keys)}"


def test_fix_configs_cover_a_ui_retention_key() -> None:
    assert _fix_config_keys() & set(UI_RETENTION_KEYS)


@pytest.mark.parametrize("cause_id", CAUSE_IDS)
def test_cause_has_eight_phrasings(cause_id: str) -> None:
    assert len(KB.phrasings_for(cause_id)) >= 8


@pytest.mark.parametrize("term", SOURCE_TERMS)
def test_kb_text_mentions_source_term(term: str) -> None:
    found = term in _kb_text()
    assert found, f"{term!r} appears in no kb/data file"
