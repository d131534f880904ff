"""Per-line fact extractors: named records of a guard, a bounded regex and a converter.

Each extractor reads one kind of fact (a size, a count, a config value, a platform or action
hint) from one line. Every pattern is bounded or anchored; the guard, a word every matching line
contains (compared case-insensitively), keeps the regex off lines that cannot match, which is
most lines of a large log.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from service.engine.negation import first_affirmed
from service.engine.types import Fact, FactSource
from service.engine.units import (
    SIZE_PATTERN,
    parse_bytes_setting,
    parse_count,
    parse_setting_size,
    parse_size,
)
from service.engine.vocabulary import (
    AQE_PARTITION_SIZE_KEYS,
    CALL_SITE_ACTIONS,
    CONFIG_FACTS,
    PARTITION_SETTINGS,
    SHUFFLE_PARTITIONING,
    WHOLE_RESULT_ACTIONS,
)

MAX_LINE = 4000

Convert = Callable[[re.Match[str]], list[tuple[str, str]]]


# What a person says they did or saw, which they can also say they did not.
NEGATABLE = ("action-", "structured-streaming", "memory-grew-gradually", "memory-ran-out-at-once")


@dataclass(frozen=True)
class Extractor:
    """One way of reading facts off a line."""

    name: str
    # A lower-case word every line the pattern matches contains ("" = no guard).
    guard: str
    pattern: re.Pattern[str]
    extract: Convert
    # Only the user's own words say this (a log line of the same shape means something else).
    prose_only: bool = False
    # A match that is about something else ("executors have 2 GB of memory" is no host's
    # memory); the line's next match is read instead.
    not_this: Callable[[re.Match[str]], bool] | None = None

    @property
    def negatable(self) -> bool:
        """A person can say it did not happen ("we never call collect()"); sizes, counts and
        settings read the same with or without a "cannot" before them."""
        return self.name.startswith(NEGATABLE)


def _pandas_not_to_pandas(match: re.Match[str]) -> bool:
    """'pandas' alone that is a module's path (pyspark/sql/pandas/conversion.py, pyspark.pandas),
    part of a longer name (applyInPandas, pandas_udf), or data going into Spark
    (createDataFrame from a pandas frame): not the data coming back as toPandas brings it."""
    if match.group(0).lower() != "pandas":
        return False
    text, start, end = match.string, match.start(), match.end()
    before, after = text[start - 1 : start] if start else "", text[end : end + 2]
    # A sentence may end on it ("to pandas."); a module's attribute goes on ("pandas.DataFrame").
    return (
        (before != "" and (before.isalnum() or before in "/._"))
        or (after[:1] != "" and (after[:1].isalnum() or after[:1] in "/_"))
        or (after[:1] == "." and after[1:].isalnum())
        or "createDataFrame" in text
    )


def _on_a_line_about(pattern: re.Pattern[str]) -> Callable[[re.Match[str]], bool]:
    """A ``not_this`` for a match on a line ``pattern`` finds: the whole line is about
    something else, so none of its matches counts."""
    return lambda match: pattern.search(match.string) is not None


# Frames and lines that drop a broadcast the program is done with (the context cleaner, a
# shutdown, unpersist or destroy): no broadcast was being built or sent there.
_BROADCAST_CLEANUP = re.compile(
    r"unpersist|unbroadcast|removeBroadcast|CleanupBroadcast|\.destroy|ContextCleaner",
    re.IGNORECASE,
)


# The collect_list / collect_set aggregate functions' own frames (Collect.update,
# CollectList.convertToBufferElement, in collect.scala): rows gathered into an array within a
# task, not a collect to the driver.
_AGGREGATE_FRAME = re.compile(
    r"catalyst\.expressions\.aggregate\.|\(collect\.scala:", re.IGNORECASE
)


# Caches that are not the program's cached data: generated code's (CodeGenerator.cache), a
# Guava cache's machinery, and Spark's advice on a stale file listing ("invalidate the cache").
_OTHER_CACHE = re.compile(
    r"CodeGenerator|common\.cache\.|LocalCache|invalidate the cache|REFRESH TABLE", re.IGNORECASE
)


# A whitespace-free run of characters around a match, and a Python source file's path.
_TOKEN_EDGE = re.compile(r"[\s'\"=,;()\[\]]")
_PY_FILE = re.compile(r"\.py(?::\d+)?\W*$")


def _in_a_directory_path(match: re.Match[str]) -> bool:
    """'pyspark' or 'python' inside a directory's path says where files are, not that the
    program is Python: pip's pyspark package is Spark's home for spark-shell and spark-sql
    too (".../site-packages/pyspark"), and folders are named by anyone
    ("/tmp/runs/job--pyspark--1/events"). A Python source file's path (".../app.py",
    ".../pyspark/sql/dataframe.py:1262") still counts."""
    text, start, end = match.string, match.start(), match.end()
    left = max((m.end() for m in _TOKEN_EDGE.finditer(text, 0, start)), default=0)
    right = next((m.start() for m in _TOKEN_EDGE.finditer(text, end)), len(text))
    token = text[left:right]
    return "/" in token and _PY_FILE.search(token) is None


_SIZE = SIZE_PATTERN
# Between a config key and its value: '=', ':', ' ', or "', '" as in spark.conf.set('k', 'v').
_SEP = r"""["']?\s{0,3}(?:=|:|,|\s)\s{0,3}["']?"""


def _size(name: str, group: int | str = 1) -> Callable[[re.Match[str]], list[tuple[str, str]]]:
    def extract(match: re.Match[str]) -> list[tuple[str, str]]:
        value = parse_size(match.group(group))
        return [(name, str(value))] if value is not None else []

    return extract


_EXECUTOR_SUBJECT = re.compile(r"executor", re.IGNORECASE)


def _executors_memory(match: re.Match[str]) -> bool:
    """Whether the sentence before a memory size is about the executors (not a host's)."""
    before = match.string[max(0, match.start() - 60) : match.start()]
    return _EXECUTOR_SUBJECT.search(re.split(r"[.;\n]", before)[-1]) is not None


def _count(name: str, group: int | str = 1) -> Callable[[re.Match[str]], list[tuple[str, str]]]:
    def extract(match: re.Match[str]) -> list[tuple[str, str]]:
        value = parse_count(match.group(group))
        return [(name, str(value))] if value is not None else []

    return extract


def _const(*pairs: tuple[str, str]) -> Callable[[re.Match[str]], list[tuple[str, str]]]:
    return lambda _match: list(pairs)


# Py4J names the JVM method a PySpark call was running when it failed (group 1).
PY4J_CALL = re.compile(
    r"An error occurred while calling (?:o\d{1,9}|z:[\w.$]{1,200})\.(\w{1,80})\."
)


def _batches_reached(match: re.Match[str]) -> list[tuple[str, str]]:
    """``streaming_batches`` from a micro-batch id (ids count from 0, so batch N is the N+1th)."""
    return [("streaming_batches", str(int(match.group(1)) + 1))]


def _result_size(match: re.Match[str]) -> list[tuple[str, str]]:
    facts = [("spark_error", "max_result_size")]
    for name, group in (("result_size_bytes", "result"), ("max_result_size_bytes", "limit")):
        value = parse_size(match.group(group))
        if value is not None:
            facts.append((name, str(value)))
    return facts


def _max_result_size_setting(match: re.Match[str]) -> list[tuple[str, str]]:
    """spark.driver.maxResultSize as bytes (0: no limit at all)."""
    value = parse_setting_size(match.group(1))
    return [] if value is None else [(CONFIG_FACTS["spark.driver.maxResultSize"], str(value))]


def _rpc(match: re.Match[str]) -> list[tuple[str, str]]:
    return [
        ("serialized_task_bytes", match.group(1)),
        ("rpc_max_bytes", match.group(2)),
    ]


def _yarn_memory(match: re.Match[str]) -> list[tuple[str, str]]:
    limit = parse_size(f"{match.group(3)} {match.group(4)}")
    return [("container_limit_bytes", str(limit))] if limit is not None else []


_C = re.IGNORECASE
_EXTRACTORS: list[Extractor] = [
    Extractor(
        "max-result-size-abort",
        guard="maxresultsize",
        pattern=re.compile(
            rf"serialized results of \d+ tasks \((?P<result>{_SIZE})\) is bigger than "
            rf"(?:spark\.driver\.)?maxResultSize \((?P<limit>{_SIZE})\)",
            _C,
        ),
        extract=_result_size,
    ),
    Extractor(
        "rpc-message-too-large",
        guard="bytes, which exceeds max allowed",
        pattern=re.compile(
            r"was (\d+) bytes, which exceeds max allowed: spark\.rpc\.message\.maxSize \((\d+) bytes\)"
        ),
        extract=_rpc,
    ),
    Extractor(
        "task-of-very-large-size",
        guard="task of very large size",
        pattern=re.compile(rf"task of very large size \(({_SIZE})\)", _C),
        extract=_size("serialized_task_bytes"),
    ),
    Extractor(
        "submitting-missing-tasks",
        guard="missing tasks",
        pattern=re.compile(r"Submitting (\d+) missing tasks"),
        extract=_count("num_tasks"),
    ),
    Extractor(
        "adding-task-set",
        guard="task set",
        pattern=re.compile(r"Adding task set [\d.]+ with (\d+) tasks"),
        extract=_count("num_tasks"),
    ),
    Extractor(
        "job-output-partitions",
        guard="output partitions",
        pattern=re.compile(
            r"Got (?:map stage )?job \d+ \([^)]{0,300}\) with (\d+) output partitions"
        ),
        extract=_count("num_tasks"),
    ),
    Extractor(
        # MicroBatchExecution logs each micro-batch it commits; batch ids count from 0.
        "committed-micro-batch",
        guard="committed offsets for batch",
        pattern=re.compile(r"Committed offsets for batch (\d{1,12})\b"),
        extract=_batches_reached,
    ),
    Extractor(
        # A micro-batch's write to a DataSource V2 sink names the batch id as its epoch
        # (WriteToDataSourceV2Exec: "... MicroBatchWrite[epoch: 226, writer: ...] is aborting"),
        # so a log trimmed of the commit lines still says how far the query had run.
        "micro-batch-write-epoch",
        guard="microbatchwrite[epoch:",
        pattern=re.compile(r"MicroBatchWrite\[epoch: (\d{1,12})\b"),
        extract=_batches_reached,
    ),
    Extractor(
        "tasks-in-words",
        guard="task",
        pattern=re.compile(
            r"\b(\d[\d,.]*\s?(?:k|m|thousand|million|millions|billion)?)\s+(?:small |tiny |scheduled |pending )?tasks\b",
            _C,
        ),
        extract=_count("num_tasks"),
    ),
    Extractor(
        "partitions-in-words",
        guard="partition",
        pattern=re.compile(
            r"\b(\d[\d,.]*\s?(?:k|m|thousand|million|millions|billion)?)\s+(?:shuffle |input |output |small |tiny )?partitions\b",
            _C,
        ),
        extract=_count("num_partitions"),
    ),
    Extractor(
        "get-num-partitions",
        guard="getnumpartitions",
        pattern=re.compile(r"getNumPartitions\(\)\D{0,40}(\d[\d,]*)"),
        extract=_count("num_partitions"),
    ),
    Extractor(
        # A physical plan's shuffle: RoundRobinPartitioning(3000000), hashpartitioning(k#1, 200).
        "plan-partitioning",
        guard="partitioning(",
        pattern=SHUFFLE_PARTITIONING,
        extract=_count("num_partitions"),
    ),
    Extractor(
        # The program asks for the partitions: df.repartition(100000), rdd.repartition(5000).
        "repartition-call",
        guard="repartition(",
        pattern=re.compile(r"\.repartition\(\s*(?:numPartitions\s*=\s*)?(\d[\d_,]{0,14})\b"),
        extract=_count("num_partitions"),
    ),
    Extractor(
        # sc.parallelize(data, 1000000), sc.parallelize(range(10), numSlices=5000).
        "parallelize-slices",
        guard="parallelize(",
        pattern=re.compile(
            r"\bparallelize\((?:[^\n()]|\([^\n()]*\)){1,120}?,\s*(?:numSlices\s*=\s*)?"
            r"(\d[\d_,]{0,14})\s*\)"
        ),
        extract=_count("num_partitions"),
    ),
    Extractor(
        # A bucketed table's bucket count: CLUSTERED BY (id) INTO 300000 BUCKETS, or
        # df.write.bucketBy(300000, "id"); each bucket is a task of every stage over the table.
        "bucket-count",
        guard="bucket",
        pattern=re.compile(
            r"\bINTO\s+(\d[\d_,]{0,14})\s+BUCKETS\b|\bbucketBy\(\s*(?:numBuckets\s*=\s*)?"
            r"(\d[\d_,]{0,14})\s*,",
            _C,
        ),
        extract=lambda m: _count("num_partitions", 1 if m.group(1) else 2)(m),
    ),
    Extractor(
        # SparkSession.builder...getOrCreate() over a session that already runs: settings other
        # than runtime SQL ones (spark.driver.memory among them) are ignored. 2.x: "Using an
        # existing SparkSession; some configuration may not take effect." SparkContext.getOrCreate
        # with a conf over a running context: "Using an existing SparkContext; some
        # configuration may not take effect."
        "existing-session-configs-ignored",
        guard="using an existing spark",
        pattern=re.compile(
            r"Using an existing Spark ?(?:Session|Context); (?:only runtime SQL configurations "
            r"will take effect|some (?:spark core )?configurations? may not take effect)",
            _C,
        ),
        extract=_const(("session_configs_ignored", "yes")),
    ),
    Extractor(
        # A reader's or writer's partition option in code or as printed: spark.read.jdbc(...,
        # numPartitions=20000000), .option("numPartitions", "500000"), {"numPartitions": 8}.
        "num-partitions-option",
        guard="numpartitions",
        pattern=re.compile(r"""\bnumPartitions["']?\s{0,3}[=:,]\s{0,3}["']?(\d[\d_,]{0,14})\b"""),
        extract=_count("num_partitions"),
    ),
    Extractor(
        # The JDBC source splitting a table by its partition column.
        "jdbc-relation-partitions",
        guard="number of partitions",
        pattern=re.compile(r"JDBCRelation: Number of partitions: (\d{1,12})\b"),
        extract=_count("num_partitions"),
    ),
    # Partition-count settings: spark.sql.shuffle.partitions=200000, spark.default.parallelism.
    *(
        Extractor(
            name,
            guard=key.removeprefix("spark.").removeprefix("sql.").lower(),
            pattern=re.compile(rf"{re.escape(key)}{_SEP}(\d[\d_,]{{0,14}})\b"),
            extract=_count("num_partitions"),
        )
        for key, name in PARTITION_SETTINGS.items()
    ),
    Extractor(
        # The driver's block manager registering its storage memory: (heap - 300 MiB) x 0.6.
        "driver-block-manager-memory",
        guard="blockmanagerid(driver",
        pattern=re.compile(
            rf"Registering block manager \S+ with ({_SIZE}) RAM, BlockManagerId\(driver\b"
        ),
        extract=_size("driver_storage_memory_bytes"),
    ),
    Extractor(
        # A lakehouse table format: its metadata (Delta log, Hudi timeline, Iceberg manifests)
        # is read and planned on the driver.
        "table-format",
        guard="",  # its alternatives share no word
        pattern=re.compile(
            r"\b(?:(delta)(?= (?:lake|tables?|format|log|source|sink|merge|streaming)\b)"
            r"|_delta_log\b|DeltaLog\b|format\([\"']delta[\"']\)|(hudi)\b|(iceberg)\b)",
            _C,
        ),
        extract=lambda m: [
            ("table_format", (m.group(1) or m.group(2) or m.group(3) or "delta").lower())
        ],
    ),
    Extractor(
        "files-in-words",
        guard="file",
        pattern=re.compile(
            r"\b(\d[\d,.]*\s?(?:k|m|thousand|million|millions|billion)?)\s+(?:small |tiny |little )?(?:parquet |json |csv |orc |avro |input |s3 )?files\b",
            _C,
        ),
        extract=_count("num_files"),
    ),
    Extractor(
        "blocks-in-words",
        guard="block",
        pattern=re.compile(
            r"\b(\d[\d,.]*\s?(?:k|m|thousand|million|millions|billion)?)\s+(?:cached )?blocks\b", _C
        ),
        extract=_count("num_cached_blocks"),
    ),
    Extractor(
        "yarn-physical-memory-used",
        guard="physical memory used",
        pattern=re.compile(
            r"(\d+(?:\.\d+)?) ?([KMGT]i?B) of (\d+(?:\.\d+)?) ?([KMGT]i?B) physical memory used", _C
        ),
        extract=_yarn_memory,
    ),
    Extractor(
        "container-memory-limit",
        guard="limit",
        pattern=re.compile(
            rf"memory limit(?: of|:|=| is)?\s*({_SIZE}|\d+(?:\.\d+)?\s?[KMGT]i)\b", _C
        ),
        extract=_size("container_limit_bytes"),
    ),
    Extractor(
        "flag-driver-memory",
        guard="driver-memory",
        pattern=re.compile(rf"--driver-memory[= ]\s*({_SIZE})", _C),
        extract=_size("driver_memory_bytes"),
    ),
    Extractor(
        "driver-has-memory",
        guard="driver",
        pattern=re.compile(
            rf"\bdriver (?:has|with|memory(?: is| of|:|=)?|heap(?: is| of|:)?|of) ?({_SIZE})", _C
        ),
        extract=_size("driver_memory_bytes"),
    ),
    Extractor(
        "size-of-driver",
        guard="driver",
        pattern=re.compile(
            rf"\b({_SIZE}) (?:of )?(?:driver memory|driver heap|heap on the driver|driver)\b", _C
        ),
        extract=_size("driver_memory_bytes"),
    ),
    Extractor(
        "conf-max-result-size",
        guard="maxresultsize",
        pattern=re.compile(rf"spark\.driver\.maxResultSize{_SEP}({_SIZE}|0)\b"),
        extract=_max_result_size_setting,
    ),
    Extractor(
        "conf-broadcast-threshold",
        guard="autobroadcastjointhreshold",
        pattern=re.compile(rf"autoBroadcastJoinThreshold{_SEP}({_SIZE}|-1|\d+)\b"),
        extract=lambda m: [
            (
                CONFIG_FACTS["spark.sql.autoBroadcastJoinThreshold"],
                str(parse_size(m.group(1)) if parse_size(m.group(1)) is not None else m.group(1)),
            )
        ],
    ),
    Extractor(
        # AQE's target size for a partition after a shuffle (and the legacy key): Spark reads a
        # unitless value as bytes, so "64" meant as 64 MB asks for 64-byte partitions.
        "conf-aqe-partition-size",
        guard="spark.sql.adaptive.",
        pattern=re.compile(
            rf"(?:{'|'.join(map(re.escape, AQE_PARTITION_SIZE_KEYS))}){_SEP}({_SIZE}|\d{{1,15}})\b"
        ),
        extract=lambda m: [("aqe_partition_size_bytes", str(parse_bytes_setting(m.group(1))))],
    ),
    Extractor(
        "conf-rpc-max-size",
        guard="spark.rpc.message.maxsize",
        pattern=re.compile(rf"spark\.rpc\.message\.maxSize{_SEP}(\d+)\b"),
        extract=lambda m: [("rpc_max_bytes", str(int(m.group(1)) << 20))],
    ),
    Extractor(
        "broadcast-of-size",
        guard="broadcast",
        # Within one sentence: a period ends it unless a word goes on after it ("df.count", "1.5").
        # Not the DAGScheduler's "Broadcasting large task binary with size X": the stage's code
        # and closure, not a broadcast variable (in real runs it is 20-77 MiB for plans of
        # driver-side state and huge repartitions, so it is no closure size either).
        pattern=re.compile(
            rf"\bbroadcast(?:ing|ed|s)?\b(?! large task binary)(?:[^\n.]|\.\w){{0,80}}?\b({_SIZE})",
            _C,
        ),
        extract=_size("broadcast_size_bytes"),
    ),
    Extractor(
        "size-broadcast",
        guard="broadcast",
        # Within one sentence too: no period between the size and the word.
        pattern=re.compile(
            rf"\b({_SIZE})[^\w.\n]{{0,3}}(?:\w+[^\w.\n]{{1,3}}){{0,4}}broadcast", _C
        ),
        extract=_size("broadcast_size_bytes"),
    ),
    Extractor(
        "host-ram",
        guard="",  # its alternatives share no word
        pattern=re.compile(rf"\b({_SIZE}) (?:of )?(?:RAM|memory)\b(?! ?(?:used|for|to))", _C),
        extract=_size("host_memory_bytes"),
        prose_only=True,
        not_this=_executors_memory,
    ),
    Extractor(
        "exit-code",
        guard="exit",
        pattern=re.compile(r"\bexit(?:ed with)? (?:code|status)[:= ]{0,3}(-?\d{1,3})\b", _C),
        extract=lambda m: [("exit_code", m.group(1))],
    ),
    Extractor(
        "spark-version",
        guard="spark",
        pattern=re.compile(
            r"\b(?:Running Spark version|Spark(?: version)?|spark-|DBR)[ -]?v?(\d\.\d{1,2}(?:\.\d{1,2})?)\b",
            _C,
        ),
        extract=lambda m: [("spark_version", m.group(1))],
    ),
    Extractor(
        "deploy-mode-flag",
        guard="mode",
        pattern=re.compile(
            r"\b(?:deploy-?mode[=: ]{1,3}|deployMode[=: ]{1,3})(client|cluster)\b", _C
        ),
        extract=lambda m: [("deploy_mode", m.group(1).lower())],
    ),
    Extractor(
        "client-or-cluster-mode",
        guard="mode",
        pattern=re.compile(r"\b(client|cluster|local) mode\b", _C),
        extract=lambda m: [("deploy_mode", m.group(1).lower())],
    ),
    Extractor(
        "master-local",
        guard="local",
        # local-cluster[...] is not local mode: its executors are JVMs of their own.
        pattern=re.compile(
            r"(?:--master[= ][\"']?|master[=:] ?|setMaster\([\"']|\.master\([\"'])local(?![\w-])"
        ),
        extract=_const(("deploy_mode", "local"), ("platform", "local")),
    ),
    Extractor(
        # The local master as written elsewhere ("we run with local[*]", "the master is local")
        # or Spark run inside another program's JVM ("Spark embedded in the job", "runs Spark
        # locally inside the test JVM"): one JVM is the driver and every executor.
        "local-master-in-words",
        guard="local",
        pattern=re.compile(
            r"(?<![\w-])local\[(?:\*|\d{1,3})(?:,\s?\d{1,3})?\]"
            r"|\bmaster (?:is |was |set to )?[\"']?local(?![\w-])"
            # LocalSparkCluster's "Starting a local Spark cluster" is local-cluster's own line.
            r"|\blocal spark\b(?! cluster)|\bspark (?:is |runs )?locally\b",
            _C,
        ),
        extract=_const(("deploy_mode", "local")),
    ),
    Extractor(
        "embedded-spark",
        guard="embedded",
        pattern=re.compile(r"\bembedded spark\b|\bspark (?:is |runs )?embedded\b", _C),
        extract=_const(("deploy_mode", "local")),
    ),
    Extractor(
        "yarn-log-lines",
        guard="",  # its alternatives share no word
        pattern=re.compile(r"\b(?:YARN|yarn logs|YarnAllocator|container_\d+_\d+)", 0),
        extract=_const(("platform", "yarn")),
    ),
    Extractor(
        "yarn-word",
        guard="yarn",
        pattern=re.compile(r"\b(?:yarn|YARN)\b"),
        extract=_const(("platform", "yarn")),
    ),
    Extractor(
        "kubernetes",
        guard="",
        pattern=re.compile(r"\b(?:kubectl|OOMKilled|kubernetes|k8s|driver pod|executor pod)\b", _C),
        extract=_const(("platform", "kubernetes")),
    ),
    Extractor(
        "databricks",
        guard="databricks",
        pattern=re.compile(r"\bdatabricks\b", _C),
        extract=_const(("platform", "databricks")),
    ),
    Extractor(
        "emr",
        guard="",  # its alternatives share no word
        pattern=re.compile(r"\bEMR\b|ec2\.internal"),
        extract=_const(("platform", "emr")),
    ),
    Extractor(
        "dataproc",
        guard="dataproc",
        pattern=re.compile(r"\bdataproc\b", _C),
        extract=_const(("platform", "dataproc")),
    ),
    Extractor(
        "python-traceback",
        guard="traceback",
        pattern=re.compile(r"^Traceback \(most recent call last\)"),
        extract=_const(("language", "pyspark")),
    ),
    Extractor(
        "python-words",
        guard="",
        pattern=re.compile(
            r"\b(?:pyspark|py4j|toPandas|python|jupyter|notebook kernel)\b|\.py\b", _C
        ),
        extract=_const(("language", "pyspark")),
        not_this=_in_a_directory_path,
    ),
    Extractor(
        "scala",
        guard="",  # its alternatives share no word
        pattern=re.compile(r"\bscala>|spark-shell\b|\.scala\b(?![$]| ?:\d)|\bin scala\b", _C),
        extract=_const(("language", "scala")),
    ),
    Extractor(
        "spark-sql",
        guard="spark-sql",
        pattern=re.compile(r"\bspark-sql\b", _C),
        extract=_const(("language", "sql")),
    ),
    Extractor(
        "structured-streaming",
        guard="",  # its alternatives share no word
        pattern=re.compile(
            r"\b(?:structured streaming|streaming query|micro-?batch|readStream|writeStream|StreamExecution|MicroBatchExecution|StreamingQuery|foreachBatch|ResolveWriteToStream)\b",
            _C,
        ),
        extract=_const(("streaming", "yes"), ("action", "streaming_query")),
    ),
    Extractor(
        "memory-grew-gradually",
        guard="",
        pattern=re.compile(
            r"\b(?:slowly|gradually|keeps? (?:growing|climbing|increasing)|grows?|growing|climbs?|creeps?|over (?:hours|days|time)|after (?:a few |several |\d+ )(?:hours|days)|leak)\b",
            _C,
        ),
        extract=_const(("memory_growth", "gradual")),
        prose_only=True,
    ),
    Extractor(
        "memory-ran-out-at-once",
        guard="",
        pattern=re.compile(
            r"\b(?:immediately|right after|as soon as|instantly|straight away)\b", _C
        ),
        extract=_const(("memory_growth", "sudden")),
        prose_only=True,
    ),
    Extractor(
        "action-collect",
        guard="collect",
        pattern=re.compile(
            # A command's executeCollect (V2CommandExec, ExecutedCommandExec, CommandResultExec)
            # returns the command's own result rows (a write's, a DDL's), not data collected;
            # executeCollectIterator is a broadcast exchange collecting its build side.
            r"\.collect\(\)|\bcollect\(\)|\bcollect at "
            r"|(?<!CommandExec\.)(?<!CommandResultExec\.)executeCollect(?!Iterator)"
            r"|collectFromPlan|\bcollect(?:ing|s|ed)?\b",
            _C,
        ),
        extract=_const(("action", "collect")),
        not_this=_on_a_line_about(_AGGREGATE_FRAME),
    ),
    Extractor(
        "action-collect-as-map",
        guard="collectasmap",
        pattern=re.compile(r"collectAsMap", 0),
        extract=_const(("action", "collect_as_map")),
    ),
    Extractor(
        # rdd.countByValue() / countByKey(): a map of every distinct key, merged on the driver.
        "action-count-by",
        guard="countby",
        pattern=re.compile(r"\bcountBy(?:Value|Key)\b"),
        extract=_const(("action", "collect_as_map")),
    ),
    Extractor(
        "action-to-pandas",
        guard="pandas",
        pattern=re.compile(r"toPandas|to_pandas|pandas", _C),
        not_this=_pandas_not_to_pandas,
        extract=_const(("action", "to_pandas")),
    ),
    Extractor(
        "action-take",
        guard="take",
        pattern=re.compile(r"\.take\(|\btake\(\d|\btake at ", 0),
        extract=_const(("action", "take")),
    ),
    Extractor(
        "action-broadcast",
        guard="broadcast",
        pattern=re.compile(
            r"\bbroadcast\(|\bbroadcast (?:hint|join)|BroadcastExchange|TorrentBroadcast|BroadcastHashJoin",
            _C,
        ),
        extract=_const(("action", "broadcast")),
        not_this=_on_a_line_about(_BROADCAST_CLEANUP),
    ),
    Extractor(
        "action-cache",
        guard="",
        pattern=re.compile(r"\.cache\(\)|\.persist\(|\bcach(?:e|ed|ing)\b", _C),
        extract=_const(("action", "cache")),
        not_this=_on_a_line_about(_OTHER_CACHE),
    ),
    Extractor(
        "action-accumulator",
        guard="accumulator",
        pattern=re.compile(r"accumulator", _C),
        extract=_const(("action", "accumulator")),
    ),
    Extractor(
        # df.count() / rdd.count() in the user's code (a traceback's source line, pasted code).
        "action-count",
        guard="count()",
        pattern=re.compile(r"\.count\(\)"),
        extract=_const(("action", "count")),
    ),
    Extractor(
        "action-to-local-iterator",
        guard="tolocaliterator",
        pattern=re.compile(r"toLocalIterator"),
        extract=_const(("action", "to_local_iterator")),
    ),
    Extractor(
        # Spark 3.x runs a broadcast exchange's build-side job (and a scalar subquery's) on a
        # thread of its relation future, so the job's call site is that thread's entry point,
        # not the program's action: when such a job failed, the driver was collecting the
        # relation to broadcast. (From 4.0 the frame is CompletableFuture's, which adaptive
        # execution's final stages share, so it says nothing there.)
        "failed-relation-future-job",
        guard="withthreadlocalcaptured",
        pattern=re.compile(
            r"(?:Job \d{1,9} failed: |ResultStage \d{1,9} \()"
            r"\$anonfun\$withThreadLocalCaptured\$\d{1,3} at FutureTask\.java:\d{1,6}(?:,|\) failed)"
        ),
        extract=_const(("failed_job", "broadcast_build")),
    ),
    Extractor(
        # Py4J names the JVM method a PySpark call was running when it failed:
        # "An error occurred while calling o56.agg." (a DataFrame's method) or
        # "... calling z:org.apache.spark.api.python.PythonRDD.collectAndServe." (a static one).
        "py4j-call",
        guard="error occurred while calling",
        pattern=PY4J_CALL,
        extract=lambda match: [("py4j_call", match.group(1))],
    ),
]

# A size setting written as Spark reads it (spark.driver.memory=8g, "spark.executor.memory": "4g",
# .config("spark.driver.memoryOverhead", "2g")): one extractor per plain size key; the keys
# whose values have other spellings (0, -1, bytes) have their own above.
_EXTRACTORS += [
    Extractor(
        f"conf-{key.removeprefix('spark.').replace('.', '-')}",
        guard=key.lower(),
        pattern=re.compile(rf"{re.escape(key)}{_SEP}({_SIZE})"),
        extract=_size(fact),
    )
    for key, fact in CONFIG_FACTS.items()
    if key in ("spark.driver.memory", "spark.driver.memoryOverhead", "spark.executor.memory")
]


# Sizes of the machine only mean something in the user's words: a log line such as
# "Registering block manager ... with 117.0 MiB RAM" is Spark's storage pool, not the host.
# How memory grew is a person's observation: in a log, "grow" is a stack frame
# (ArrayBuffer.grow, ByteArrayOutputStream.grow), not a trend.
_LOG_EXTRACTORS = [e for e in _EXTRACTORS if not e.prose_only]
EXTRACTORS_BY_NAME = {e.name: e for e in _EXTRACTORS}


# The packages of the JDK and of Scala's library: a frame in them runs machinery (a queue's
# take(), an iterator's collect), never the user's action, nor says whose code ran out.
JVM_LIBRARY = r"(?:java|javax|jdk|sun|scala)\."


# Which action the user ran is read from the user's words, the frames of a stack trace and the
# user's code in a traceback, never from log lines about scheduling: "Got job 0 (collect at
# x.py:12)" says where a job came from, not what ran out of memory. A frame inside PySpark or
# Py4J is the library's own call chain (count() calls fold() calls collect()).
_NOT_AN_ACTION = re.compile(
    r'^\s*File "[^"]{0,400}[/\\](?:pyspark|py4j)[/\\]'
    r"|^\s*\d{2,4}[/-]\d{2}[/-]\d{2}[ T]\d{2}:\d{2}|\b(?:INFO|DEBUG|TRACE)\b"
    rf"|^\s*at (?:java\.base/)?{JVM_LIBRARY}"
)


def line_facts(number: int, text: str, source: FactSource) -> Iterable[Fact]:
    facts = _facts_from(_EXTRACTORS if source == "words" else _LOG_EXTRACTORS, number, text, source)
    if source != "words" and _NOT_AN_ACTION.search(text):
        return [f for f in facts if f.name != "action"]
    return facts


# In prose, which action the user ran only counts as strong when written as code or as Spark
# prints it (".collect()", "toPandas", "collect at x.py:12") or as a specific technical term
# ("structured streaming", "broadcast join"); one plain word ("collecting", "cached",
# "streaming") is weak: evidence that steers "I don't know", never an auto-answer. How memory
# grew stays a person's observation ("it keeps growing over days") and counts.
_CODE_LIKE = re.compile(r"[()._=:\[\]\s]|[a-z][A-Z]|\d")
_WEAK_IN_PROSE = {"action", "streaming"}


def _facts_from(
    extractors: list[Extractor], number: int, text: str, source: FactSource
) -> Iterable[Fact]:
    shown = text.strip()[:300]
    lowered = text.lower()
    for extractor in extractors:
        if extractor.guard and extractor.guard not in lowered:
            continue
        words = source == "words"
        not_this = extractor.not_this
        if not_this is None:
            match = extractor.pattern.search(text)
        else:
            match = next((m for m in extractor.pattern.finditer(text) if not not_this(m)), None)
        if match is not None and words and extractor.negatable:
            match = first_affirmed(extractor.pattern, text)
        if match is None:
            continue
        loose = words and not _CODE_LIKE.search(match.group(0))
        for name, value in extractor.extract(match):
            weak = loose and name in _WEAK_IN_PROSE
            yield Fact(name=name, value=value, line=number, text=shown, source=source, weak=weak)


# Task counts Spark prints on many lines of one shape: the largest is kept, not the first.
_MAXIMA = [
    EXTRACTORS_BY_NAME[n]
    for n in (
        "submitting-missing-tasks",
        "adding-task-set",
        "job-output-partitions",
        "committed-micro-batch",
    )
]


# In local mode the executor inside the driver JVM logs each task's serialized result as it
# sends it ("Finished task 3.0 in stage 2.0 (TID 9). 2445 bytes result sent to driver", or
# "... bytes result sent via BlockManager)" above spark.task.maxDirectResultSize). Read only
# here, for the largest: a rule that asks whether every result was small must not see the
# first of many.
_TASK_RESULT = Extractor(
    "task-result-sent",
    guard="result sent",
    pattern=re.compile(
        r"\(TID \d+\)\. (\d{1,15}) bytes result sent (?:to driver|via BlockManager)"
    ),
    extract=_count("max_task_result_bytes"),
)


def numeric_maxima(lines: list[str]) -> Iterable[Fact]:
    """Task counts and task results appear on many lines of one shape: keep the largest, not
    the first."""
    best: dict[str, Fact] = {}
    for number, raw in enumerate(lines, start=1):
        if "result sent" in raw:
            extractors = [_TASK_RESULT]
        elif "tasks" in raw or "output partitions" in raw or "for batch" in raw:
            extractors = _MAXIMA
        else:
            continue
        for fact in _facts_from(extractors, number, raw[:MAX_LINE], "log"):
            current = best.get(fact.name)
            if current is None or float(fact.value) > float(current.value):
                best[fact.name] = fact
    return best.values()


_JOB_STARTED = re.compile(r"Starting job: (\w+) at (\S+:\d+)")
# DAGScheduler's start and end of a result job ("Got map stage job" is a stage of another
# action, left out): which collect-like jobs were running at once.
_JOB_GOT = re.compile(r"DAGScheduler: Got job (\d{1,9}) \((\w+) at ")
_JOB_ENDED = re.compile(r"DAGScheduler: Job (\d{1,9}) (?:finished|failed)\b")


def job_site_facts(lines: list[str]) -> list[Fact]:
    """In one pass over DAGScheduler's "Starting job: collect at app.py:39" lines, how many jobs
    the busiest line of the program started: ``jobs_from_one_site`` for jobs of any action (a
    loop, or a stream's batches), ``collects_from_one_site`` for collect-like ones (a loop that
    brings rows to the driver again and again; a log cut in the middle may show only some of
    its jobs, so two already count). Each cites the last of its jobs. ``concurrent_collects``:
    the most collect-like result jobs running at once (threads collecting side by side), citing
    the job start that reached it."""
    any_action: dict[str, list[tuple[int, str]]] = {}
    collects: dict[str, list[tuple[int, str]]] = {}
    # Collect-like result jobs in order of start: (line, text). A pasted or trimmed log
    # may lack a job's end, so jobs count as side by side only when one's end is seen after
    # the others started: the jobs started while it ran, plus itself.
    started: list[tuple[int, str]] = []
    position: dict[str, int] = {}  # job id -> its place in ``started``
    most: tuple[int, int, str] = (0, 0, "")
    for number, raw in enumerate(lines, start=1):
        if "DAGScheduler: " in raw and "ob " in raw:
            if (got := _JOB_GOT.search(raw[:MAX_LINE])) is not None:
                if CALL_SITE_ACTIONS.get(got.group(2)) in WHOLE_RESULT_ACTIONS:
                    position[got.group(1)] = len(started)
                    started.append((number, raw.strip()[:300]))
            elif (ended := _JOB_ENDED.search(raw[:MAX_LINE])) is not None:
                at = position.get(ended.group(1))
                if at is not None and len(started) - at > most[0]:
                    most = (len(started) - at, *started[-1])
        if "Starting job: " not in raw:
            continue
        match = _JOB_STARTED.search(raw[:MAX_LINE])
        if match is None:
            continue
        job = (number, raw.strip()[:300])
        any_action.setdefault(match.group(2), []).append(job)
        if CALL_SITE_ACTIONS.get(match.group(1)) in WHOLE_RESULT_ACTIONS:
            collects.setdefault(match.group(2), []).append(job)
    facts = []
    for name, sites in (("collects_from_one_site", collects), ("jobs_from_one_site", any_action)):
        if sites:
            jobs = max(sites.values(), key=len)
            line, text = jobs[-1]
            facts.append(Fact(name=name, value=str(len(jobs)), line=line, text=text))
    if collects:
        # No DAGScheduler line for them (a trimmed log): as the call sites show, one at a time.
        count, line, text = most if most[0] else (1, *max(collects.values(), key=len)[-1])
        facts.append(Fact(name="concurrent_collects", value=str(count), line=line, text=text))
    return facts


_TID = re.compile(r"\(TID (\d{1,12})[,)]")
_TASK_LINES_READ = 500


_STAGE = re.compile(r"\b(?:[Ss]tage|ResultStage|ShuffleMapStage) (\d{1,9})\b")


def _highest_id_before(
    lines: list[str], first: int, name: str, marker: str, pattern: re.Pattern[str]
) -> list[Fact]:
    """The highest id ``pattern`` finds on the lines up to and on line index ``first``, as the
    count ``name`` (ids count from 0). Ids grow as the application goes, so the highest is
    among the last lines with ``marker`` before it: only those are read, backwards, a few
    hundred at most, which keeps a 10 MB log cheap. Nothing without an id before it."""
    highest: tuple[int, int, str] | None = None
    read = 0
    for index in range(first, -1, -1):
        raw = lines[index]
        if marker not in raw:
            continue
        for match in pattern.finditer(raw[:MAX_LINE]):
            found = int(match.group(1))
            if highest is None or found > highest[0]:
                highest = (found, index + 1, raw.strip()[:300])
        read += 1
        if read >= _TASK_LINES_READ:
            break
    if highest is None:
        return []
    found, line, text = highest
    return [Fact(name=name, value=str(found + 1), line=line, text=text)]


# The trigger executor warns of each micro-batch that ran longer than its trigger interval; in a
# log at WARN level (a notebook's or a shell's default) it is the one sign of the batches run.
_FALLING_BEHIND = "ProcessingTimeExecutor: Current batch is falling behind"


def batches_falling_behind(lines: list[str]) -> list[Fact]:
    """``streaming_batches`` at least the number of micro-batches the trigger executor warned
    of (committed batches, read where the log has them, count more and win as the larger)."""
    found = [(n, raw) for n, raw in enumerate(lines, start=1) if _FALLING_BEHIND in raw]
    if not found:
        return []
    line, text = found[-1]
    text = text.strip()[:300]
    return [
        Fact(name="streaming", value="yes", line=line, text=text),
        Fact(name="streaming_batches", value=str(len(found)), line=line, text=text),
    ]


def work_before_oom(lines: list[str]) -> list[Fact]:
    """How much the application had run when memory first ran out: ``tasks_before_oom``, the
    highest task id (TIDs count every task launched), and ``stages_before_oom``, the highest
    stage id (every stage submitted), up to and on the first OutOfMemoryError ("Killing all
    running tasks in stage 926: ... Java heap space")."""
    first = next((i for i, raw in enumerate(lines) if "OutOfMemoryError" in raw), None)
    if first is None:
        return []
    return [
        *_highest_id_before(lines, first, "tasks_before_oom", "TID ", _TID),
        *_highest_id_before(lines, first, "stages_before_oom", "tage ", _STAGE),
    ]


_LARGE_TASK = re.compile(r"Stage (\d{1,9}) contains a task of very large size")


def large_task_stages(lines: list[str]) -> list[Fact]:
    """``large_task_stages``: how many different stages TaskSetManager warned about for "a task
    of very large size" (it warns once per stage), citing the last warning. One stage is a big
    closure or local collection shipped once; many are the driver shipping large tasks job
    after job (driver-built data parallelized again and again), every one of them built, and
    often kept, in its heap."""
    stages: set[str] = set()
    last: tuple[int, str] = (0, "")
    for number, match, text in _marked_matches(lines, "task of very large size", _LARGE_TASK):
        stages.add(match.group(1))
        last = (number, text)
    if not stages:
        return []
    return [Fact(name="large_task_stages", value=str(len(stages)), line=last[0], text=last[1])]


def _marked_matches(
    lines: list[str], marker: str, pattern: re.Pattern[str]
) -> Iterator[tuple[int, re.Match[str], str]]:
    """(line number, match, the line as cited) for each line holding ``marker`` (a cheap test
    first) that ``pattern`` matches."""
    for number, raw in enumerate(lines, start=1):
        if marker in raw and (match := pattern.search(raw[:MAX_LINE])) is not None:
            yield number, match, raw.strip()[:300]


_MEMORY_STORE = re.compile(rf"MemoryStore started with capacity ({_SIZE})")
# SparkEnv logs "Registering BlockManagerMaster" on the driver only (an executor looks it up);
# the driver's MemoryStore starts a few lines after it.
_DRIVER_ENV_LINES = 50


def driver_memory_store(lines: list[str]) -> list[Fact]:
    """``driver_storage_memory_bytes`` from "MemoryStore started with capacity 366.3 MiB" when
    it is the driver's: it starts within a few lines after SparkEnv registers the
    BlockManagerMaster, which only the driver does (an executor's log has no such line). It
    gives the heap of a driver log that lacks the block manager's registration line (read by
    the "driver-block-manager-memory" extractor)."""
    registered = 0
    for number, raw in enumerate(lines, start=1):
        if "Registering BlockManagerMaster" in raw:
            registered = number
        elif "MemoryStore started" in raw and registered:
            match = _MEMORY_STORE.search(raw[:MAX_LINE])
            if match is None or number - registered > _DRIVER_ENV_LINES:
                continue
            size = parse_size(match.group(1))
            if size is None:
                return []
            text = raw.strip()[:300]
            return [
                Fact(name="driver_storage_memory_bytes", value=str(size), line=number, text=text)
            ]
    return []


_LOST_BLOCK = re.compile(r"No more replicas available for rdd_(\d{1,9})_(\d{1,9})\b")


def cached_blocks_lost(lines: list[str]) -> list[Fact]:
    """When an executor goes away, the BlockManagerMaster on the driver warns "No more replicas
    available for rdd_12_345" for each cached block whose only copy it held. ``lost_cached_rdds``:
    how many cached RDDs those blocks belong to; ``lost_cached_partitions``: the highest
    partition number among them plus one, how many partitions one cached RDD had at least. Both
    cite the last such line. Blocks of several RDDs, or partition numbers in the thousands, are
    a program that keeps much cached, every block of it tracked in the driver's heap."""
    rdds: set[str] = set()
    widest = 0
    last: tuple[int, str] = (0, "")
    for number, match, text in _marked_matches(lines, "No more replicas", _LOST_BLOCK):
        rdds.add(match.group(1))
        widest = max(widest, int(match.group(2)) + 1)
        last = (number, text)
    if not rdds:
        return []
    return [
        Fact(name="lost_cached_rdds", value=str(len(rdds)), line=last[0], text=last[1]),
        Fact(name="lost_cached_partitions", value=str(widest), line=last[0], text=last[1]),
    ]


# A line of the program's own output: it starts with a word and holds a number, and is none of
# what Spark, the JVM or Python print (a log line, a level, a frame, an exception).
_PROGRAM_LINE = re.compile(r"^[A-Za-z][^\n]{0,200}\d")
# Or it starts with the date a pass is about ("2026-01-05: 7-day sales 374989153.02") and goes
# on in words: a date with no time of day after it is no log line's timestamp, and the words
# leave out the rows of a printed table.
_DATED_PROGRAM_LINE = re.compile(
    r"^\d{4}([-/])\d{2}\1\d{2}(?![ T]?\d{1,2}:\d{2})\b[^\n]{0,200}?[A-Za-z]{3}"
)
_NOT_PROGRAM = re.compile(
    r"^(?:(?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|SEVERE)\b|at |Caused by|Traceback"
    r"|[\w$]+(?:\.[\w$]+)+:)|Exception|Error"
)
_NUMBERS = re.compile(r"\d+(?:\.\d+)?")


def program_passes(lines: list[str]) -> list[Fact]:
    """``program_passes``: before the first out-of-memory error, the most lines of one shape
    that the program printed with other numbers each time ("day 3: 120000 prices kept", "day
    4: ..."): a loop that ran pass after pass and reported each. The driver lived through those
    passes, so what filled it grew across them (state kept from pass to pass) rather than in one
    step. Cites the last of them; two or more count."""
    seen: dict[str, set[str]] = {}
    last: dict[str, tuple[int, str]] = {}
    for number, raw in enumerate(lines, start=1):
        if "MemoryError" in raw:  # OutOfMemoryError too
            break
        # Most lines of a log start with a timestamp: one cheap test leaves them out.
        first = raw[:1]
        if first.isalpha():
            if not _PROGRAM_LINE.match(raw):
                continue
        elif not first.isdigit() or not _DATED_PROGRAM_LINE.match(raw):
            continue
        text = raw.strip()
        if _NOT_PROGRAM.search(text):
            continue
        shape = _NUMBERS.sub("#", text)
        seen.setdefault(shape, set()).add(text)
        last[shape] = (number, text[:300])
    if not seen:
        return []
    shape, texts = max(seen.items(), key=lambda item: len(item[1]))
    if len(texts) < 2:
        return []
    line, text = last[shape]
    return [Fact(name="program_passes", value=str(len(texts)), line=line, text=text)]


# Lines only the driver's own JVM logs (the scheduler, the block manager master, the context).
_DRIVER_ONLY = (
    " DAGScheduler: ",
    " TaskSetManager: ",
    " TaskSchedulerImpl: ",
    " BlockManagerInfo: ",
    " BlockManagerMasterEndpoint: ",
    " SparkContext: ",
    " ContextCleaner: ",
)
# Lines of a task running in the JVM that logged them.
_TASK_HERE = (
    "Executor: Exception in task",
    "Executor: Running task",
    "Executor: Finished task",
    "Executor task launch worker",
)
# Signs that executors are JVMs of their own (cluster managers, executor ids, lost executors).
_SEPARATE_EXECUTORS = (
    "CoarseGrainedExecutorBackend",
    "SchedulerBackend: Granted executor",
    "StandaloneSchedulerBackend",
    "YarnSchedulerBackend",
    "YarnAllocator",
    "KubernetesClusterSchedulerBackend",
    "ExecutorPodsAllocator",
    "LocalSparkCluster",
    "Registered executor",
    "ExecutorLostFailure",
    "Lost executor",
)
_EXECUTOR_ID = re.compile(r"executor \d+\)")


def tasks_in_the_driver_jvm(lines: list[str]) -> Iterable[Fact]:
    """Local mode told by who logged what: a log in which the driver's scheduler (DAGScheduler,
    TaskSetManager, BlockManagerInfo, ...) and a task's own executor lines ("Executor: Exception
    in task", the "Executor task launch worker" thread) are printed together came from one JVM,
    the driver's, unless something shows executors of their own.

    Whole-text substring searches, not a scan per line: a 10 MB log of task lines stays cheap."""
    text = "\n".join(lines)
    found = [i for i in (text.find(marker) for marker in _TASK_HERE) if i >= 0]
    if not found or not any(marker in text for marker in _DRIVER_ONLY):
        return []
    if any(marker in text for marker in _SEPARATE_EXECUTORS) or _EXECUTOR_ID.search(text):
        return []
    start = min(found)
    line = text.count("\n", 0, start)
    return [Fact(name="deploy_mode", value="local", line=line + 1, text=lines[line].strip()[:300])]


# A stack line, a chained cause or the driver-side section of a job failure: the body of one
# exception report, which a task's OutOfMemoryError can only be the cause of.
_STACK_LINE = re.compile(
    r"^\s*(?:at |\.\.\. \d+ (?:more|common frames)|Caused by: |Driver stacktrace:)"
)
# The driver's side of a failed job: what a task's error is reported under.
_JOB_FAILED = re.compile(
    r"Driver stacktrace:|Job aborted due to stage failure|DAGScheduler\.(?:runJob|"
    r"failJobAndIndependentStages|abortStage|handleTaskSetFailed)\b"
)
_CAUSE_OOM = re.compile(r"^\s*Caused by: (?:java\.lang\.)?OutOfMemoryError\b")
_STACK_LINES_BACK = 300


def oom_under_a_failed_job(lines: list[str]) -> Iterable[Fact]:
    """An OutOfMemoryError chained as the cause of a failed job ("Caused by:" under the Driver
    stacktrace of "Job aborted due to stage failure", or under DAGScheduler.runJob frames) was
    thrown by a task and shipped back: on a cluster, an executor ran out (in local mode, the
    driver's JVM, as local-mode rules say). The driver's own OOM is never reported that way: a
    fatal error in the driver kills the thread it hits, it fails no job."""
    for index, raw in enumerate(lines):
        if "OutOfMemoryError" not in raw or not _CAUSE_OOM.match(raw[:MAX_LINE]):
            continue
        for back in range(index - 1, max(index - _STACK_LINES_BACK, -1), -1):
            above = lines[back][:MAX_LINE]
            if _JOB_FAILED.search(above):
                return [
                    Fact(
                        name="oom_side",
                        value="executor",
                        line=index + 1,
                        text=raw.strip()[:300],
                    )
                ]
            if not _STACK_LINE.match(above) and not _is_exception_header(above):
                break
    return []


_EXCEPTION_HEADER = re.compile(r"^\s*:?\s*[\w$.]+(?:Exception|Error)\b")


def _is_exception_header(text: str) -> bool:
    """An exception's own first line (``org.apache.spark.SparkException: ...``), not a log
    line that mentions one."""
    return _EXCEPTION_HEADER.match(text) is not None
