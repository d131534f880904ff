"""Spark's own names that the engine reads facts from, each in one place.

Both inputs use them: pasted text (``extractors``) and event logs (``eventlog.scan``).
"""

from __future__ import annotations

import re

# Spark settings whose value is how many partitions a shuffle (or an RDD without a count of its
# own) gets: a num_partitions fact. The name is the text extractor's that reads it. With adaptive
# execution on, a SQL shuffle is planned with initialPartitionNum partitions when it is set (map
# statuses and map-output statistics are sized by it) and coalesced only after the map stage.
# spark.sql.leafNodeDefaultParallelism (3.2 on) is how many partitions a SQL leaf without a count
# of its own gets (a range, a local relation, a file scan's minimum).
PARTITION_SETTINGS = {
    "spark.sql.shuffle.partitions": "conf-shuffle-partitions",
    "spark.default.parallelism": "conf-default-parallelism",
    "spark.sql.adaptive.coalescePartitions.initialPartitionNum": "conf-aqe-initial-partitions",
    "spark.sql.leafNodeDefaultParallelism": "conf-leaf-node-parallelism",
    # The most buckets a table may have (100,000 by default): raised, for a table of that many
    # buckets, each one a task of every stage that reads or writes it.
    "spark.sql.sources.bucketing.maxBuckets": "conf-max-buckets",
}

# AQE's target partition size after a shuffle, and its pre-3.0 name: a bytes setting (a
# unitless value is bytes), read as the ``aqe_partition_size_bytes`` fact.
AQE_PARTITION_SIZE_KEYS = (
    "spark.sql.adaptive.advisoryPartitionSizeInBytes",
    "spark.sql.adaptive.shuffle.targetPostShuffleInputSize",
)

# "Command exited with code 143" (128 + SIGTERM): how a standalone or local-cluster worker
# reports an executor it stopped (when the application ends, say), not a kill for memory.
STOPPED_EXIT_CODE = "143"

# "Application has been killed. Reason: ...": how a standalone scheduler backend reports the
# master removing the application (its executors failed to launch, or someone killed it). The
# kill is the master's, not the kernel's: only the reason can speak of memory.
APPLICATION_KILLED = re.compile(r"Application has been killed\. Reason: (?P<reason>.*)")

# Spark settings whose value is a size fact (in bytes).
CONFIG_FACTS = {
    "spark.driver.memory": "driver_memory_bytes",
    "spark.driver.maxResultSize": "max_result_size_bytes",
    "spark.sql.autoBroadcastJoinThreshold": "auto_broadcast_threshold_bytes",
    "spark.driver.memoryOverhead": "driver_memory_overhead_bytes",
    "spark.executor.memory": "executor_memory_bytes",
}

# The first word of a call site as Spark names it ("collect at app.py:12", a job's
# callSite.short) and the ``action`` fact it is. first() is left out: it fetches one row, so a
# driver that ran out during its job did not run out of the result.
CALL_SITE_ACTIONS = {
    "collect": "collect",
    "collectAsList": "collect",
    "collectToPython": "collect",
    "collectAsArrowToPython": "to_pandas",
    "toPandas": "to_pandas",
    "take": "take",
    "head": "take",
    "tail": "take",
    "takeAsList": "take",
    # A random sample of n rows, collected to the driver (RDD.takeSample).
    "takeSample": "take",
    "collectAsMap": "collect_as_map",
    # A map of every distinct key (value) and its count, merged on the driver.
    "countByValue": "collect_as_map",
    "countByKey": "collect_as_map",
    "takeOrdered": "take",
    "top": "take",
    "count": "count",
    "showString": "show",
    "show": "show",
    "toLocalIterator": "to_local_iterator",
    # The jobs a local iterator starts after its first: one per partition, from its hasNext.
    "hasNext": "to_local_iterator",
    "save": "write",
    "saveAsTable": "write",
    "insertInto": "write",
    "parquet": "write",
    "csv": "write",
    "json": "write",
    "saveAsTextFile": "write",
}


# Actions whose every call brings a whole result to the driver (not take/head, which Spark runs
# as several jobs from one call, scanning more partitions each time).
WHOLE_RESULT_ACTIONS = frozenset({"collect", "to_pandas", "collect_as_map"})

# A shuffle's partitioning as a physical plan prints it: RoundRobinPartitioning(3000000),
# hashpartitioning(k#12L, 200000), rangepartitioning(ts#3 ASC NULLS FIRST, 50000).
SHUFFLE_PARTITIONING = re.compile(
    r"\b(?:RoundRobinPartitioning|hashpartitioning|rangepartitioning)"
    r"\((?:[^()\n]|\([^()\n]*\)){0,300}?\b(\d{1,12})\)",
    re.IGNORECASE,
)

# How a JVM prints a stack frame's method ("at org.apache.spark.rdd.RDD.collect(RDD.scala:1049)"
# holds "org.apache.spark.rdd.RDD.collect"), how Python prints a traceback's frame ('File
# "/opt/job.py", line 12'), and the date and time that start a log line ("24/05/01 10:00:00",
# "2024-05-01T10:00:00"): pasted text is read for them (``analyzer``) and broken at them when a
# stack trace comes in one line (``structured``).
JVM_FRAME_METHOD = r"[\w$.<>/]{3,400}"
PY_TRACE_FRAME = r'File "[^"\n]{1,500}", line \d'
LOG_TIMESTAMP = r"\d{2,4}[/-]\d{2}[/-]\d{2}[ T]\d{2}:\d{2}:\d{2}"
